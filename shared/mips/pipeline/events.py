"""Event shapes the pipeline receives and sends.

Inbound: S3 ``ObjectCreated`` notifications delivered through SQS (the double envelope: an SQS record
whose body is the S3 event JSON). Parsed tolerantly because emulators (moto, LocalStack) and real S3
differ: the ``s3:TestEvent`` message S3 sends when a notification is configured is skipped; keys arrive
URL-encoded (``+`` for spaces, moto even encodes ``/``); ``versionId``, ``sequencer``, ``size`` and
``eTag`` are optional; a multipart upload may yield two events for one object (both are processed and
deduplicated downstream by content hash); an SNS-wrapped S3 event is unwrapped.

Outbound/between functions: :class:`StepMessage`, a small JSON document naming the entity, the input
version it was computed from and the exact stored inputs of that version (the snapshot), so every
function of one version reads the same inputs whatever arrives meanwhile.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import unquote_plus

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from ..models.common import EntityKey

InputKind = Literal["submission", "profile", "cmsData"]
Step = Literal["eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator"]

#: intake prefix -> input kind (contract 4)
PREFIX_KINDS: dict[str, InputKind] = {
    "submissions/": "submission",
    "profiles/": "profile",
    "cms-data/": "cmsData",
}
KIND_PREFIXES: dict[str, str] = {v: k for k, v in PREFIX_KINDS.items()}
MESSAGE_SCHEMA = "mips.pipeline/1"


class PoisonMessage(ValueError):
    """A message no retry can fix (not JSON, not an S3 event, not a pipeline message)."""


class S3ObjectRef(BaseModel):
    """One created object from an S3 event record (only bucket and key are required)."""

    bucket: str
    key: str
    version_id: str | None = None
    size: int | None = None
    etag: str | None = None
    sequencer: str | None = None
    event_name: str = "ObjectCreated:Put"
    event_time: str | None = None

    @property
    def kind(self) -> InputKind | None:
        """The input kind by intake prefix, or None for a key outside the three prefixes."""
        for prefix, kind in PREFIX_KINDS.items():
            if self.key.startswith(prefix):
                return kind
        return None

    @property
    def event_time_ms(self) -> int | None:
        """``eventTime`` in epoch milliseconds (S3 gives millisecond precision), None when absent or odd."""
        if not self.event_time:
            return None
        try:
            moment = datetime.fromisoformat(self.event_time.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)

    @property
    def object_identity(self) -> str:
        """What identifies this upload of the object: version id, else sequencer, else ETag (may be "")."""
        return self.version_id or self.sequencer or self.etag or ""


def _loads(body: str | dict[str, Any]) -> Any:
    if isinstance(body, dict):
        return body
    try:
        return json.loads(body)
    except (TypeError, json.JSONDecodeError) as exc:
        raise PoisonMessage(f"message body is not JSON: {exc}") from exc


def is_s3_test_event(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("Event") == "s3:TestEvent"


def s3_objects_from_body(body: str | dict[str, Any]) -> list[S3ObjectRef]:
    """The created objects in an SQS message body holding an S3 event ([] for ``s3:TestEvent``)."""
    doc = _loads(body)
    if isinstance(doc, dict) and doc.get("Type") == "Notification" and "Message" in doc:  # S3 -> SNS -> SQS
        doc = _loads(doc["Message"])
    if is_s3_test_event(doc):
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("Records"), list):
        raise PoisonMessage("message body is neither an S3 event (Records) nor s3:TestEvent")
    out: list[S3ObjectRef] = []
    for i, rec in enumerate(doc["Records"]):
        name = str(rec.get("eventName", ""))
        if rec.get("eventSource", "aws:s3") != "aws:s3" or not name.startswith("ObjectCreated"):
            continue
        s3 = rec.get("s3") or {}
        obj, bucket = s3.get("object") or {}, (s3.get("bucket") or {}).get("name")
        if not bucket or not obj.get("key"):
            raise PoisonMessage(f"S3 event record {i} lacks s3.bucket.name or s3.object.key")
        size = obj.get("size")
        out.append(
            S3ObjectRef(
                bucket=bucket,
                key=unquote_plus(str(obj["key"])),
                version_id=obj.get("versionId") or None,
                size=int(size) if isinstance(size, int | str) and str(size).isdigit() else None,
                etag=obj.get("eTag") or None,
                sequencer=obj.get("sequencer") or None,
                event_name=name,
                event_time=rec.get("eventTime"),
            )
        )
    return out


class InputRef(BaseModel):
    """One stored input of a version: its immutable copy under ``inputs/`` and where it came from."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    key: str
    sha256: str
    source: str


class StepMessage(BaseModel):
    """The message between pipeline functions: one unit of work on one entity at one input version."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    schema_: str = Field(default=MESSAGE_SCHEMA, alias="schema")
    step: Step
    entity: EntityKey
    version: int
    inputs: dict[str, InputRef] = Field(default_factory=dict)
    option: str | None = None
    category: str | None = None

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True)

    def for_step(self, step: Step, **changes: Any) -> StepMessage:
        return self.model_copy(update={"step": step, **changes})

    def business_id(self) -> dict[str, Any]:
        """Idempotency identity: entity + input version (+ option/category) - never the SQS message id."""
        return {
            "step": self.step,
            "entity": self.entity.storage_id(),
            "version": self.version,
            "option": self.option,
            "category": self.category,
        }


def parse_step_message(body: str | dict[str, Any], expected: Step | tuple[Step, ...]) -> StepMessage:
    doc = _loads(body)
    try:
        msg = StepMessage.model_validate(doc)
    except ValidationError as exc:  # name the fields only: values may hold a TIN
        where = ", ".join(".".join(str(p) for p in e["loc"]) + f" ({e['type']})" for e in exc.errors())
        raise PoisonMessage(f"not a pipeline message: {where}") from None
    wanted = (expected,) if isinstance(expected, str) else expected
    if msg.step not in wanted:
        raise PoisonMessage(f"message for step {msg.step!r} delivered to {'/'.join(wanted)}")
    return msg
