"""The local pipeline: the template's resources on moto (or an endpoint) and the event source mappings
driven in-process.

moto delivers S3 notifications to SQS but does not run Lambda code without Docker, so the driver plays
Lambda's SQS poller: for each event source mapping of the template it receives up to ``BatchSize``
messages, invokes the function's handler (loaded from its ``CodeUri`` folder, with the function's
environment variables and a Lambda-shaped context), deletes the records the handler did not report in
``batchItemFailures`` and, once a message has been received ``maxReceiveCount`` times, moves it to the
queue's dead-letter queue - until every queue is drained.

A failed message comes back only after the queue's visibility timeout, as on SQS. The driver does not
wait for it in real time: it keeps a virtual clock and, when nothing else is visible, jumps it to the
next message's due time. Time passing also ages what depends on it: the in-progress idempotency records
of the (finished) invocations expire with their function's timeout, as they would on AWS (visibility
timeout 720 s > function timeout 120 s), so a retry is never blocked by its own earlier attempt.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from . import aws
from .provision import FunctionSpec, MappingSpec, Provisioner, QueueInfo, Stack
from .targets import scoped_env
from .template import DEFAULT_TEMPLATE, load_sam, translate

#: template environment variables not applied locally (the local process resolves reference data itself)
LOCAL_ENV_SKIP = frozenset({"MIPS_CACHE_DIR"})
LOCAL_ENV = {
    "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon locally
    "POWERTOOLS_METRICS_DISABLED": "true",  # EMF metrics would be printed to stdout
}
#: pipeline order: polling in this order lets one round carry a file through every function
STEP_ORDER = ("Ingest", "Eligibility", "Quality", "Ia", "Pi", "Cost", "Reweighting", "Aggregator")


@dataclass
class LambdaContext:
    """What Lambda passes as ``context`` (the attributes powertools reads)."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_s: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    _deadline: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self._deadline = time.monotonic() + self.timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class Invocation:
    """One handler invocation by the driver (kept for tests and the summary)."""

    function: str
    message_ids: list[str]
    failed: list[str]
    error: str | None = None


def age_in_progress_records(table: str, millis: int) -> int:
    """Move the in-progress expiry of every in-progress idempotency record ``millis`` into the past."""
    ddb, aged = aws.dynamodb(), 0
    kwargs: dict[str, Any] = {
        "TableName": table,
        "FilterExpression": "#s = :inprogress AND attribute_exists(#e)",
        "ExpressionAttributeNames": {"#s": "status", "#e": "in_progress_expiration"},
        "ExpressionAttributeValues": {":inprogress": {"S": "INPROGRESS"}},
    }
    while True:
        page = ddb.scan(**kwargs)
        for item in page.get("Items", []):
            expiry = int(item["in_progress_expiration"]["N"]) - millis
            ddb.update_item(
                TableName=table,
                Key={"id": item["id"]},
                UpdateExpression="SET #e = :e",
                ExpressionAttributeNames={"#e": "in_progress_expiration"},
                ExpressionAttributeValues={":e": {"N": str(expiry)}},
            )
            aged += 1
        if "LastEvaluatedKey" not in page:
            return aged
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@dataclass(order=True)
class _Delayed:
    """A failed message, invisible until ``due`` (virtual clock)."""

    due: float
    queue_url: str = field(compare=False)
    receipt_handle: str = field(compare=False)


class FunctionOutput(io.TextIOBase):
    """Where the functions' stdout goes locally (logs, EMF metrics): the *current* ``sys.stderr``, or
    nowhere while ``muted``. A logging handler created under ``redirect_stdout(FUNCTION_OUTPUT)`` keeps
    this object, never a temporary stream that is closed later."""

    muted = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self.muted:
            sys.stderr.write(text)
        return len(text)

    def flush(self) -> None:
        if not self.muted:
            sys.stderr.flush()


FUNCTION_OUTPUT = FunctionOutput()


@contextmanager
def _muted() -> Iterator[None]:
    """The functions' output discarded (the soak: one error line per injected fault)."""
    FUNCTION_OUTPUT.muted = True
    try:
        with redirect_stdout(FUNCTION_OUTPUT):
            yield
    finally:
        FUNCTION_OUTPUT.muted = False


#: set environment variables for a block and restore them afterwards (one helper: targets.scoped_env)
_environment = scoped_env


class LocalPipeline:
    """Provision the template's resources and drive its event source mappings in-process."""

    def __init__(
        self,
        template: Path | str = DEFAULT_TEMPLATE,
        stack_name: str = "mips-local",
        parameters: dict[str, Any] | None = None,
        region: str = "us-east-1",
        log_level: str = "WARNING",
        emulator: bool = True,
    ) -> None:
        self.emulator = emulator
        self.template = Path(template)
        self.region = region
        self.parameters = {"LogLevel": log_level, **(parameters or {})}
        self.stack_name = stack_name
        self.stack: Stack | None = None
        self.invocations: list[Invocation] = []
        self._handlers: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        self._modules: dict[str, Any] = {}
        self.log_level = log_level
        #: hook for tests: called with (function logical id, event) before each invocation
        self.before_invoke: Callable[[str, dict[str, Any]], None] | None = None
        #: hook for fault injection: ``wrap_invoke(function, event, call)`` returns ``call(event)``'s response
        #: (or raises, or calls it with a changed event) - see :mod:`mips.pipeline.faults`
        self.wrap_invoke: Callable[[str, dict[str, Any], Callable[[dict[str, Any]], Any]], Any] | None = None
        #: virtual seconds added to the real clock (see the module docstring)
        self.clock_offset_s = 0.0
        self._delayed: list[_Delayed] = []
        self._visibility: dict[str, int] = {}

    # -- setup --------------------------------------------------------------------------------------------
    def provision(self) -> Stack:
        cfn = translate(self.template, region=self.region, parameters=self.parameters)
        sam = load_sam(self.template)
        self.stack = Provisioner(
            cfn, sam, self.stack_name, self.parameters, self.region, emulator=self.emulator
        ).create_all()
        return self.stack

    def _env(self, fn: FunctionSpec) -> dict[str, str]:
        env = {k: v for k, v in fn.environment.items() if k not in LOCAL_ENV_SKIP}
        env.update(LOCAL_ENV)
        env.update(
            {
                "AWS_LAMBDA_FUNCTION_NAME": fn.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory),
                "AWS_REGION": self.region,
                "POWERTOOLS_LOG_LEVEL": self.log_level,
            }
        )
        return env

    def handler(self, logical_id: str) -> Callable[[dict[str, Any], Any], Any]:
        """The function's handler, imported once from its code folder under its own environment."""
        if logical_id not in self._handlers:
            fn = self._require_stack().functions[logical_id]
            module_name, attr = fn.handler.rsplit(".", 1)
            path = fn.code_dir / f"{module_name.replace('.', '/')}.py"
            unique = f"mips_local_fn_{logical_id}_{id(self)}"
            spec = importlib.util.spec_from_file_location(unique, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(spec)
            with _environment(self._env(fn)):
                sys.modules[unique] = module
                spec.loader.exec_module(module)
            self._modules[logical_id] = module
            self._handlers[logical_id] = getattr(module, attr)
        return self._handlers[logical_id]

    def module(self, logical_id: str) -> Any:
        """The function's loaded ``app`` module (tests patch its domain call)."""
        self.handler(logical_id)
        return self._modules[logical_id]

    def _require_stack(self) -> Stack:
        if self.stack is None:
            raise RuntimeError("provision() first")
        return self.stack

    # -- intake ---------------------------------------------------------------------------------------------
    def put_object(self, key: str, data: bytes) -> None:
        aws.s3().put_object(Bucket=self._require_stack().bucket, Key=key, Body=data)

    # -- the poller ------------------------------------------------------------------------------------------
    def _ordered_mappings(self) -> list[MappingSpec]:
        def rank(m: MappingSpec) -> int:
            for i, prefix in enumerate(STEP_ORDER):
                if m.function.startswith(prefix):
                    return i
            return len(STEP_ORDER)

        return sorted(self._require_stack().mappings, key=rank)

    def invoke(self, mapping: MappingSpec, messages: list[dict[str, Any]]) -> set[str]:
        """Invoke the mapping's function with one batch; returns the message ids that failed."""
        stack = self._require_stack()
        fn, queue = stack.functions[mapping.function], stack.queues[mapping.queue]
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": m.get("MessageAttributes", {}),
                    "md5OfBody": m.get("MD5OfBody", ""),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue.arn,
                    "awsRegion": self.region,
                }
                for m in messages
            ]
        }
        ids = [m["MessageId"] for m in messages]
        handler = self.handler(mapping.function)
        context = LambdaContext(
            function_name=fn.name,
            memory_limit_in_mb=fn.memory,
            invoked_function_arn=f"arn:aws:lambda:{self.region}:{stack.account}:function:{fn.name}",
            timeout_s=fn.timeout,
        )
        error = None
        try:
            with _environment(self._env(fn)):
                if self.before_invoke is not None:
                    self.before_invoke(mapping.function, event)
                if self.wrap_invoke is not None:
                    response = self.wrap_invoke(mapping.function, event, lambda e: handler(e, context))
                else:
                    response = handler(event, context)
            if mapping.report_batch_item_failures and isinstance(response, dict):
                failed = {f["itemIdentifier"] for f in response.get("batchItemFailures") or []}
            else:
                failed = set()
        except Exception as exc:  # a crashed invocation fails the whole batch, as on Lambda
            error = f"{type(exc).__name__}: {exc}"
            failed = set(ids)
        self.invocations.append(Invocation(mapping.function, ids, sorted(failed), error))
        return failed

    def _settle(self, queue: QueueInfo, messages: list[dict[str, Any]], failed: set[str]) -> None:
        sqs = aws.sqs()
        for m in messages:
            handle = m["ReceiptHandle"]
            if m["MessageId"] not in failed:
                sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=handle)
                continue
            received = int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            dlq = self._require_stack().queue_by_arn(queue.dlq_arn) if queue.dlq_arn else None
            if (
                dlq is not None
                and queue.max_receive_count is not None
                and received >= queue.max_receive_count
            ):
                # what SQS does on the next receive: move the message to the dead-letter queue
                kwargs: dict[str, Any] = {"QueueUrl": dlq.url, "MessageBody": m["Body"]}
                if m.get("MessageAttributes"):
                    kwargs["MessageAttributes"] = m["MessageAttributes"]
                sqs.send_message(**kwargs)
                sqs.delete_message(QueueUrl=queue.url, ReceiptHandle=handle)
            else:  # back after the visibility timeout, as on SQS (virtual clock: no real wait)
                self._delay(queue, handle)

    # -- time -------------------------------------------------------------------------------------------
    def now(self) -> float:
        """The driver's clock: real monotonic time plus the virtual time it skipped."""
        return time.monotonic() + self.clock_offset_s

    def _visibility_timeout(self, queue: QueueInfo) -> int:
        if queue.url not in self._visibility:
            attrs = aws.sqs().get_queue_attributes(QueueUrl=queue.url, AttributeNames=["VisibilityTimeout"])
            self._visibility[queue.url] = int(attrs["Attributes"].get("VisibilityTimeout", "30"))
        return self._visibility[queue.url]

    def _delay(self, queue: QueueInfo, handle: str) -> None:
        timeout = self._visibility_timeout(queue)
        # keep it invisible on the emulator (an hour of real time: never redelivered behind the driver's
        # back on a slow machine) while the virtual clock runs
        aws.sqs().change_message_visibility(
            QueueUrl=queue.url, ReceiptHandle=handle, VisibilityTimeout=max(timeout, 3600)
        )
        self._delayed.append(_Delayed(self.now() + timeout, queue.url, handle))

    def _release_due(self) -> int:
        """Make every delayed message whose visibility timeout has passed visible again."""
        now, due = self.now(), [d for d in self._delayed if d.due <= self.now()]
        self._delayed = [d for d in self._delayed if d.due > now]
        for d in due:
            try:
                aws.sqs().change_message_visibility(
                    QueueUrl=d.queue_url, ReceiptHandle=d.receipt_handle, VisibilityTimeout=0
                )
            except ClientError:  # the message is gone meanwhile (deleted, moved): nothing to release
                continue
        return len(due)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of virtual time pass: in-progress idempotency records of finished invocations
        age by as much (their expiry is their function's deadline), then due messages become visible."""
        self.clock_offset_s += seconds
        table = self._require_stack().tables.get("IdempotencyTable")
        if table:
            age_in_progress_records(table, int(seconds * 1000))
        self._release_due()

    def _skip_to_next_due(self) -> bool:
        """Jump the virtual clock to the earliest delayed message; False when none is waiting."""
        if not self._delayed:
            return False
        self.advance(max(0.0, min(self._delayed).due - self.now()))
        return True

    def poll_once(self, mapping: MappingSpec) -> int:
        """One receive + invoke + settle on one mapping; returns the number of messages handled."""
        queue = self._require_stack().queues[mapping.queue]
        self._release_due()
        resp = aws.sqs().receive_message(
            QueueUrl=queue.url,
            MaxNumberOfMessages=max(1, min(mapping.batch_size, 10)),
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        messages = resp.get("Messages", [])
        if not messages:
            return 0
        failed = self.invoke(mapping, messages)
        self._settle(queue, messages, failed)
        return len(messages)

    def pending(self) -> dict[str, int]:
        """Messages visible or in flight per source queue of a mapping (dead-letter queues excluded)."""
        out: dict[str, int] = {}
        for m in self._require_stack().mappings:
            q = self._require_stack().queues[m.queue]
            attrs = aws.sqs().get_queue_attributes(
                QueueUrl=q.url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            out[m.queue] = int(attrs["ApproximateNumberOfMessages"]) + int(
                attrs["ApproximateNumberOfMessagesNotVisible"]
            )
        return out

    def drain(
        self,
        max_rounds: int = 500,
        timeout_s: float = 300.0,
        quiet_s: float = 0.0,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Poll every mapping until all queues are empty; returns the number of messages handled.

        ``quiet_s``: the queues must have stayed empty that long. An emulator server (LocalStack)
        delivers S3 notifications to SQS asynchronously, so an empty queue right after the upload
        does not yet mean that nothing is coming; in-process moto delivers them synchronously (0).
        ``progress`` is called with the running count after each round (run-local's progress line)."""
        handled, started = 0, time.monotonic()
        quiet_since: float | None = None
        for _ in range(max_rounds):
            progressed = 0
            for mapping in self._ordered_mappings():
                while (n := self.poll_once(mapping)) > 0:
                    progressed += n
                    if progress is not None:
                        progress(handled + progressed)
            handled += progressed
            if progressed == 0 and self._skip_to_next_due():
                continue
            if progressed == 0 and not any(self.pending().values()):
                quiet_since = quiet_since if quiet_since is not None else time.monotonic()
                if time.monotonic() - quiet_since >= quiet_s:
                    return handled
            else:
                quiet_since = None
            if time.monotonic() - started > timeout_s:
                break
            if progressed == 0:
                time.sleep(0.2)  # messages in flight elsewhere (shared endpoint): wait for them
        raise TimeoutError(f"queues not drained after {handled} messages: {self.pending()}")

    def dead_letters(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self._require_stack().dead_letter_queues:
            attrs = aws.sqs().get_queue_attributes(
                QueueUrl=q.url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            out[q.logical_id] = int(attrs["ApproximateNumberOfMessages"]) + int(
                attrs["ApproximateNumberOfMessagesNotVisible"]
            )
        return out
