"""cost function: score the cost performance category of one reporting option.

Thin handler: SQS batch -> one pipeline message per record -> :mod:`mips.pipeline.steps` (domain calls and
persistence) with partial batch responses, so only failed records are retried (and after maxReceiveCount
land in this function's dead-letter queue).
"""

from __future__ import annotations

from mips.pipeline.handler import build_handler
from mips.pipeline.steps import handle_step_record

STEP = "cost"
lambda_handler = build_handler(STEP, lambda pipeline, body: [handle_step_record(pipeline, STEP, body)])
