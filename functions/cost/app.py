"""cost function: score the cost performance category of one reporting option.

Thin handler: SQS batch -> one pipeline message per record -> :mod:`mips.pipeline.steps` (domain calls and
persistence) with partial batch responses, so only failed records are retried (and after maxReceiveCount
land in this function's dead-letter queue).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from mips.pipeline.steps import Pipeline, handle_step_record

STEP = "cost"
logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
pipeline = Pipeline()  # no AWS client yet: clients are created on first use


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    try:
        outcome = handle_step_record(pipeline, STEP, record.body)
    except Exception as exc:
        logger.exception("record failed", extra={"messageId": record.message_id, "error": type(exc).__name__})
        metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=1)
        raise
    logger.info(f"{STEP}: {outcome.status}", extra={"outcome": outcome.as_dict()})
    metrics.add_metric(name=f"Records_{outcome.status}", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    pipeline.lambda_context = context
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
