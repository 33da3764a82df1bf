"""Seeded fault injection for the local pipeline (``mips run-local --faults SEED``, the soak, tests).

Two mechanisms, both outside the production code path:

* **client faults** - botocore event hooks on the shared clients of :mod:`mips.pipeline.aws`
  (``before-call``: the call fails before reaching the service; ``after-call``: the call was applied but
  its answer is lost): DynamoDB throttling, conditional-check races on the entity item, S3 read
  failures, writes applied but answered with an error (DynamoDB, S3, SQS), SQS send failures and
  duplicate sends;
* **invocation faults** - :attr:`LocalPipeline.wrap_invoke`: the handler raises before or after doing
  the work, the function dies mid-batch (some records done, no response), and the batch arrives with
  duplicate or reordered records.

Each decision draws from one ``random.Random(seed)``, so a seed replays the same fault sequence for the
same run. Every injected fault is counted in :attr:`FaultInjector.counts` (the soak ledger prints them).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from . import aws

_HOOK_ID = "mips-faults"
#: (service, operation) -> fault kinds drawn before the call
BEFORE: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb", "GetItem"): ("dynamodb-throttle",),
    ("dynamodb", "PutItem"): ("dynamodb-throttle",),
    ("dynamodb", "UpdateItem"): ("dynamodb-throttle", "conditional-race"),
    ("dynamodb", "Query"): ("dynamodb-throttle",),
    ("s3", "GetObject"): ("s3-read-failure",),
    ("sqs", "SendMessage"): ("sqs-send-failure",),
}
#: (service, operation) -> fault kinds drawn after the call was applied
AFTER: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb", "PutItem"): ("write-applied-error",),
    ("dynamodb", "UpdateItem"): ("write-applied-error",),
    ("s3", "PutObject"): ("write-applied-error",),
    ("sqs", "SendMessage"): ("write-applied-error", "sqs-duplicate"),
}
INVOCATION_FAULTS = (
    "handler-error-before",
    "handler-error-after",
    "dies-mid-batch",
    "duplicate-delivery",
    "reordered-delivery",
)
_ERRORS = {
    "dynamodb-throttle": ("ProvisionedThroughputExceededException", "injected throttling"),
    "conditional-race": ("ConditionalCheckFailedException", "injected concurrent writer"),
    "s3-read-failure": ("InternalError", "injected S3 read failure"),
    "sqs-send-failure": ("ServiceUnavailable", "injected SQS send failure"),
    "write-applied-error": ("InternalServerError", "injected lost response (the write was applied)"),
}


class InjectedFault(RuntimeError):
    """A fault of the invocation itself (the function crashed)."""


@dataclass
class FaultInjector:
    """Draws faults with probability ``rate`` per opportunity from ``random.Random(seed)``."""

    seed: int
    rate: float = 0.03
    counts: Counter[str] = field(default_factory=Counter)
    enabled: bool = True
    _rng: random.Random = field(init=False, repr=False)
    _clients: list[Any] = field(default_factory=list, init=False, repr=False)
    _sending_duplicate: bool = field(default=False, init=False, repr=False)
    #: client faults hit only calls made by a function (not the driver's own polling, nor setup)
    _in_function: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def _draw(self, kinds: tuple[str, ...], client_call: bool = False) -> str | None:
        if not self.enabled or (client_call and not self._in_function):
            return None
        for kind in kinds:
            if self._rng.random() < self.rate:
                self.counts[kind] += 1
                return kind
        return None

    # -- client faults --------------------------------------------------------------------------------
    def install(self, pipeline: Any = None) -> FaultInjector:
        """Hook the shared clients (and ``pipeline``'s invocations, when given)."""
        for service in ("dynamodb", "s3", "sqs"):
            client = aws.client(service)
            events = client.meta.events
            events.register(f"before-parameter-build.{service}", self._remember, f"{_HOOK_ID}-params")
            events.register(f"before-call.{service}", self._before, f"{_HOOK_ID}-before")
            events.register(f"after-call.{service}", self._after, f"{_HOOK_ID}-after")
            self._clients.append(client)
        if pipeline is not None:
            pipeline.wrap_invoke = self.wrap_invoke
        return self

    def uninstall(self, pipeline: Any = None) -> None:
        for client in self._clients:
            events = client.meta.events
            for service in ("dynamodb", "s3", "sqs"):
                events.unregister(f"before-parameter-build.{service}", unique_id=f"{_HOOK_ID}-params")
                events.unregister(f"before-call.{service}", unique_id=f"{_HOOK_ID}-before")
                events.unregister(f"after-call.{service}", unique_id=f"{_HOOK_ID}-after")
        self._clients.clear()
        if pipeline is not None:
            pipeline.wrap_invoke = None

    @staticmethod
    def _remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["mips_params"] = dict(params)

    @staticmethod
    def _operation(model: Any) -> tuple[str, str]:
        return model.service_model.endpoint_prefix, model.name

    def _applies(self, kind: str, params: dict[str, Any]) -> bool:
        if kind == "conditional-race":  # only where the code resolves races by re-reading: the entity item
            return params.get("Key", {}).get("sk", {}).get("S") == "ENTITY"
        return True

    def _raise(self, kind: str, operation: str) -> None:
        code, message = _ERRORS[kind]
        raise ClientError({"Error": {"Code": code, "Message": message}}, operation)

    def _before(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        service, operation = self._operation(model)
        params = context.get("mips_params") or {}
        kinds = tuple(k for k in BEFORE.get((service, operation), ()) if self._applies(k, params))
        kind = self._draw(kinds, client_call=True)
        if kind is not None:
            self._raise(kind, operation)

    def _after(self, model: Any, context: dict[str, Any], http_response: Any = None, **_: Any) -> None:
        service, operation = self._operation(model)
        if http_response is not None and getattr(http_response, "status_code", 200) >= 300:
            return  # the call failed by itself: nothing was applied
        kind = self._draw(AFTER.get((service, operation), ()), client_call=True)
        if kind == "sqs-duplicate":
            self._send_duplicate(context.get("mips_params") or {})
        elif kind is not None:
            self._raise(kind, operation)

    def _send_duplicate(self, params: dict[str, Any]) -> None:
        if self._sending_duplicate:
            return
        self._sending_duplicate = True
        try:
            aws.sqs().send_message(**params)
        finally:
            self._sending_duplicate = False

    # -- invocation faults ----------------------------------------------------------------------------
    def wrap_invoke(self, function: str, event: dict[str, Any], call: Callable[[dict[str, Any]], Any]) -> Any:
        self._in_function = True
        try:
            return self._invoke(function, event, call)
        finally:
            self._in_function = False

    def _invoke(self, function: str, event: dict[str, Any], call: Callable[[dict[str, Any]], Any]) -> Any:
        kind = self._draw(INVOCATION_FAULTS)
        records = event.get("Records", [])
        if kind == "handler-error-before":
            raise InjectedFault(f"{function} crashed before doing the work")
        if kind == "duplicate-delivery" and records:
            event = {**event, "Records": [*records, self._rng.choice(records)]}
        elif kind == "reordered-delivery" and len(records) > 1:
            shuffled = list(records)
            self._rng.shuffle(shuffled)
            event = {**event, "Records": shuffled}
        elif kind == "dies-mid-batch" and records:
            call({**event, "Records": records[: self._rng.randrange(len(records))]})
            raise InjectedFault(f"{function} died mid-batch")
        response = call(event)
        if kind == "handler-error-after":
            raise InjectedFault(f"{function} crashed after doing the work")
        return response
