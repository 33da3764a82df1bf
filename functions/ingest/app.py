"""ingest function: validate an intake file from S3; reject it, or register it as the entity's newest
input version and fan out to eligibility.

Thin handler: SQS batch -> one pipeline message per record -> :mod:`mips.pipeline.steps` (domain calls and
persistence) with partial batch responses, so only failed records are retried (and after maxReceiveCount
land in this function's dead-letter queue).
"""

from __future__ import annotations

from collections.abc import Iterator

from mips.pipeline.events import s3_objects_from_body
from mips.pipeline.handler import build_handler
from mips.pipeline.steps import Outcome, Pipeline, ingest_object


def ingest_record(pipeline: Pipeline, body: str) -> Iterator[Outcome]:
    """One SQS record = one S3 event; the s3:TestEvent message yields no object and is just acknowledged."""
    for obj in s3_objects_from_body(body):
        yield ingest_object(pipeline, obj)


lambda_handler = build_handler("ingest", lambda pipeline, body: ingest_record(pipeline, body))
