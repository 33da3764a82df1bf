"""MIPS scoring engine: pure scoring rules (dated parameters, PY2024-2026), models and reference data.

This package is the Lambda layer's domain code. Nothing in the scoring modules
imports boto3; AWS adapters (S3, SQS, DynamoDB) and the local driver live in :mod:`mips.pipeline`.
"""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
