"""One Lambda entry point for every function: powertools batch processing and observability around a step.

Each ``functions/<name>/app.py`` is two lines: it names its step and the domain call that handles one SQS
record body. Everything else (partial batch responses, structured logs, metrics, tracing) is the same for
all eight functions and lives here once.
"""

from __future__ import annotations

import os
import re
import traceback
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from . import aws, tracing
from .events import PoisonMessage
from .steps import Outcome, Pipeline

#: what a function does with one SQS record body; an empty result means "acknowledged, nothing to do"
RecordWork = Callable[[Pipeline, str], Iterable[Outcome]]
LambdaHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]

#: nine or more digits, optionally hyphenated (123456789, 12-3456789, 123-45-6789, a 10-digit NPI)
_TIN_LIKE = re.compile(r"(?<!\d)(?:\d{3}-\d{2}-\d{4}|\d{2}-\d{7})(?!\d)|\d{9,}")


_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


class RecordFailed(RuntimeError):
    """A record's failure, re-raised with a redacted message and no chained traceback.

    What a handler raises ends up in places we do not format: powertools' BatchProcessingError text (which
    Lambda prints when a whole batch fails), X-Ray exception metadata. Exception messages can name S3 keys
    or values holding a TIN, so only this redacted form leaves the record handler.
    """


def _mask(match: re.Match[str]) -> str:
    return "*****" + re.sub(r"\D", "", match.group())[-4:]


def escape_controls(text: str, keep_newlines: bool = True) -> str:
    """Control, format (bidi overrides and isolates, zero-width) and line/paragraph separator characters
    as ``\\uXXXX``: a file name or value cannot forge log lines or reorder what an operator reads."""
    return "".join(
        f"\\u{ord(ch):04x}"
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES and not (keep_newlines and ch == "\n")
        else ch
        for ch in text
    )


def redact(value: Any) -> Any:
    """Mask digit runs that could be a TIN or NPI (keep the last 4) in anything we log (security standard),
    and escape control and bidi characters."""
    if isinstance(value, str):
        return escape_controls(_TIN_LIKE.sub(_mask, value))
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def dead_letter(record: SQSRecord, reason: str) -> bool:
    """Send an unfixable record to this function's dead-letter queue at once (same body and attributes,
    plus the reason), so that it is neither retried ``maxReceiveCount`` times nor lost: an operator reads
    it there and replays it with ``mips replay-dlq`` once fixed. False when no ``DEAD_LETTER_QUEUE_URL``."""
    url = os.environ.get("DEAD_LETTER_QUEUE_URL")
    if not url:
        return False
    attributes: dict[str, Any] = {}
    for name, attr in (record.raw_event.get("messageAttributes") or {}).items():
        kind = attr.get("dataType") or attr.get("DataType") or "String"
        value = attr.get("stringValue") or attr.get("StringValue")
        if value is not None and kind.startswith(("String", "Number")):
            attributes[name] = {"DataType": kind, "StringValue": value}
    attributes["mipsRejectedReason"] = {"DataType": "String", "StringValue": reason[:1000]}
    aws.sqs().send_message(QueueUrl=url, MessageBody=record.body, MessageAttributes=attributes)
    return True


def build_handler(step: str, work: RecordWork) -> LambdaHandler:
    """The ``lambda_handler`` of one function. No AWS client is created until a record needs one."""
    logger = Logger()
    tracer = tracing.tracer()  # powertools' Tracer; no aws-xray-sdk import where tracing is off
    metrics = Metrics()
    processor = BatchProcessor(event_type=EventType.SQS)
    pipeline = Pipeline()

    @tracer.capture_method
    def record_handler(record: SQSRecord) -> None:
        try:
            outcomes = list(work(pipeline, record.body))
        except PoisonMessage as exc:  # no retry can fix it: straight to the dead-letter queue, no traceback
            detail = redact(f"{type(exc).__name__}: {exc}")
            if not dead_letter(record, detail):
                logger.error("unfixable record", extra={"messageId": record.message_id, "detail": detail})
                raise RecordFailed(detail) from None
            logger.warning(
                "unfixable record sent to the dead-letter queue",
                extra={"messageId": record.message_id, "error": type(exc).__name__, "detail": detail},
            )
            metrics.add_metric(name="RecordsDeadLettered", unit=MetricUnit.Count, value=1)
            return
        except Exception as exc:
            detail = redact(f"{type(exc).__name__}: {exc}")
            logger.error(
                "record failed",
                extra={
                    "messageId": record.message_id,
                    "error": type(exc).__name__,
                    "detail": detail,
                    "traceback": redact("".join(traceback.format_exception(exc))),
                },
            )
            metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=1)
            raise RecordFailed(detail) from None
        if not outcomes:
            logger.info(f"{step}: nothing to do (e.g. the s3:TestEvent message)")
            metrics.add_metric(name="RecordsWithoutWork", unit=MetricUnit.Count, value=1)
        for outcome in outcomes:
            logger.info(f"{step}: {outcome.status}", extra={"outcome": redact(outcome.as_dict())})
            metrics.add_metric(name=f"Records_{outcome.status}", unit=MetricUnit.Count, value=1)

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        pipeline.lambda_context = context
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return lambda_handler
