"""Storage adapters: the entity table (DynamoDB) and the intake bucket (S3).

Entity table layout (one partition per entity, ``pk = EntityKey.storage_id()``):

=====================================  =================================================================
``sk``                                 item
=====================================  =================================================================
``ENTITY``                             the input version counter and, per kind, the current input
                                       (``h_<kind>`` sha256, ``k_<kind>`` stored copy, ``src_<kind>``
                                       original key, ``t_<kind>`` upload time in ms, ``seq_<kind>`` S3
                                       event sequencer; see :func:`newer_upload`)
``V#<version>#EVAL``                   eligibility/statuses evaluation + one ScoringContext per option
``V#<version>#OPT#<option>#CAT#<c>``   one category result of one reporting option
``V#<version>#OPT#<option>#RW``        the weight decision of one reporting option
``V#<version>#PROGRESS``               string sets of finished categories / options (fan-in)
``RESULT``                             the final result document and the version it was computed from
=====================================  =================================================================

Per-version items carry ``expiresAt`` (DynamoDB TTL) so old versions age out; ``ENTITY`` and ``RESULT``
never expire. Bodies are pydantic ``model_dump_json`` strings, kept within DynamoDB's 400 KB item limit:
up to ``_GZIP_OVER`` (1 KB) as ``body``; larger ones gzip-compressed as ``bodyGz`` (DynamoDB bills
by the KB); and when even the
compressed body exceeds ``_INLINE_MAX`` (a group with many measures in several reporting options, each
with its full explanation tree), the compressed body goes to the intake bucket under ``state/`` (a prefix
S3 does not notify) and the item keeps a pointer ``bodyRef`` and the body's ``bodySha256``, checked on
every read. ``state/versions/`` expires with the per-version items (bucket lifecycle rule);
``state/results/`` holds RESULT bodies and is kept.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from ..models.common import EntityKey, Problem
from ..validation_identity import key_segment
from . import aws
from .events import InputRef

ENTITY_SK, RESULT_SK = "ENTITY", "RESULT"
KINDS = ("submission", "profile", "cmsData")
#: bodies longer than this (UTF-8 bytes) are gzip-compressed in the item: DynamoDB bills a write per
#: started KB of the item (and a read per 4 KB), and the JSON bodies shrink 5-10x compressed
_GZIP_OVER = 1024
#: compressed bodies longer than this go to S3 (DynamoDB items are limited to 400 KB, names included)
_INLINE_MAX = 350_000
STATE_PREFIX = "state/"
#: profiles and CMS data that match no submission yet (orphans): listed, never scored on their own
PENDING_PREFIX = "pending/"
_RESULT_FILE_VERSION_META = "input-version"


class StaleVersion(RuntimeError):
    """A newer input version exists; the work for this version is moot."""


def _now_ms() -> int:
    return int(time.time() * 1000)


def _retention_seconds() -> int:
    return int(float(os.environ.get("RETENTION_DAYS", "30")) * 86400)


def _is_conditional_failure(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def version_sk(version: int, name: str) -> str:
    return f"V#{version:010d}#{name}"


@dataclass
class Registration:
    """The outcome of registering one input file for an entity."""

    status: str  # "new" (version bumped), "duplicate" (same content: no bump), "stale" (older upload)
    version: int
    inputs: dict[str, InputRef] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadOrder:
    """Where an upload stands in time: its source key, S3 event ``sequencer`` and time in milliseconds.

    ``time_ms`` is the later of the event time (S3 gives milliseconds) and the read object's LastModified
    (seconds): a read without a version id returns the current object, which may be newer than the event.
    """

    source: str
    sequencer: str | None
    time_ms: int


def _padded(sequencer: str, width: int) -> str:
    return sequencer.upper().ljust(width, "0")


def newer_upload(new: UploadOrder, current: UploadOrder) -> bool:
    """Whether ``new`` replaces ``current`` as the input of a kind.

    One key: the S3 event ``sequencer`` decides (AWS: the greater hexadecimal value is the later event;
    right-pad the shorter with zeros before comparing). An equal sequencer with other content means the
    object was read without a version id after a newer upload: that content is current, so it wins.
    Different keys (or no sequencer, e.g. moto): the later time wins; an exact tie goes to the event
    processed last. Never S3 LastModified alone, whose one-second resolution orders nothing within a second.
    """
    if new.source == current.source and new.sequencer and current.sequencer:
        width = max(len(new.sequencer), len(current.sequencer))
        return _padded(new.sequencer, width) >= _padded(current.sequencer, width)
    return new.time_ms >= current.time_ms


def _order_of(item: dict[str, Any], kind: str) -> UploadOrder:
    time_ms = item.get(f"t_{kind}", item.get(f"lm_{kind}", {"N": "0"}))["N"]
    return UploadOrder(
        source=item.get(f"src_{kind}", {}).get("S", ""),
        sequencer=item.get(f"seq_{kind}", {}).get("S"),
        time_ms=int(time_ms),
    )


def _inputs_of(item: dict[str, Any]) -> dict[str, InputRef]:
    out: dict[str, InputRef] = {}
    for kind in KINDS:
        if f"h_{kind}" in item:
            out[kind] = InputRef(
                key=item[f"k_{kind}"]["S"], sha256=item[f"h_{kind}"]["S"], source=item[f"src_{kind}"]["S"]
            )
    return out


class EntityStore:
    """DynamoDB access for one table (``ENTITY_TABLE``); oversized bodies in ``INTAKE_BUCKET``/state/."""

    def __init__(self, table: str | None = None, bucket: str | None = None) -> None:
        self.table = table or os.environ["ENTITY_TABLE"]
        self.bucket = bucket or os.environ.get("INTAKE_BUCKET")

    # -- bodies ---------------------------------------------------------------------------------------
    def _body_attrs(self, key: EntityKey, body: str, durable: bool) -> dict[str, Any]:
        """The item attributes holding ``body``: inline, gzip-compressed, or a pointer to S3 + sha256."""
        data = body.encode()
        if len(data) <= _GZIP_OVER:
            return {"body": {"S": body}}
        packed = gzip.compress(data)
        if len(packed) >= len(data) and len(data) <= _INLINE_MAX:  # incompressible: compression saves nothing
            return {"body": {"S": body}}
        if len(packed) <= _INLINE_MAX:
            return {"bodyGz": {"B": packed}}
        if not self.bucket:
            raise RuntimeError(
                f"a {len(packed)}-byte compressed body exceeds the DynamoDB item limit and INTAKE_BUCKET "
                "is not set to hold it"
            )
        sha = hashlib.sha256(data).hexdigest()
        where = "results" if durable else "versions"
        s3_key = f"{STATE_PREFIX}{where}/{entity_path(key)}/{sha}.json.gz"
        aws.s3().put_object(
            Bucket=self.bucket, Key=s3_key, Body=packed, ContentType="application/gzip"
        )  # written before the item that points at it, so a pointer never dangles
        return {"bodyRef": {"S": s3_key}, "bodySha256": {"S": sha}, "bodyBytes": {"N": str(len(data))}}

    def _body_of(self, item: dict[str, Any]) -> str:
        if "bodyRef" in item:
            if not self.bucket:
                raise RuntimeError("an item's body is in S3 but INTAKE_BUCKET is not set")
            s3_key = item["bodyRef"]["S"]
            packed = aws.s3().get_object(Bucket=self.bucket, Key=s3_key)["Body"].read()
            data = gzip.decompress(packed)
            if hashlib.sha256(data).hexdigest() != item["bodySha256"]["S"]:
                raise RuntimeError(f"stored body {s3_key} does not match its sha256")
            return data.decode()
        if "bodyGz" in item:
            return gzip.decompress(item["bodyGz"]["B"]).decode()
        return str(item["body"]["S"])

    # -- inputs and versions -------------------------------------------------------------------------
    def register_input(
        self,
        key: EntityKey,
        kind: str,
        ref: InputRef,
        last_modified_ms: int | None = None,
        order: UploadOrder | None = None,
        attempts: int = 8,
    ) -> Registration:
        """Record ``ref`` as the entity's current ``kind`` input and bump the version, atomically.

        The update only happens when the content differs from the current input of that kind and the
        upload is newer than it (:func:`newer_upload`): a re-delivered or re-uploaded identical file does not
        bump the version ("duplicate"), and a late event for an older upload is ignored ("stale").
        Optimistic concurrency: read the ENTITY item, decide, write conditionally on the version read;
        a concurrent registration makes the write fail and the decision is taken again.
        """
        if order is None:
            order = UploadOrder(source=ref.source, sequencer=None, time_ms=int(last_modified_ms or 0))
        for _ in range(attempts):
            item = self._get(key, ENTITY_SK) or {}
            current = item.get(f"h_{kind}", {}).get("S")
            version = int(item["version"]["N"]) if "version" in item else None
            if current == ref.sha256:
                return Registration("duplicate", version or 0, _inputs_of(item))
            if current is not None and not newer_upload(order, _order_of(item, kind)):
                return Registration("stale", version or 0, _inputs_of(item))
            try:
                return self._write_input(key, kind, ref, order, version)
            except ClientError as exc:
                if not _is_conditional_failure(exc):
                    raise
        raise RuntimeError(f"input registration for {key.masked()} kept racing; will retry")

    def _write_input(
        self, key: EntityKey, kind: str, ref: InputRef, order: UploadOrder, expected: int | None
    ) -> Registration:
        names = {"#h": f"h_{kind}", "#k": f"k_{kind}", "#src": f"src_{kind}", "#t": f"t_{kind}"}
        names["#ver"] = "version"
        values: dict[str, Any] = {
            ":h": {"S": ref.sha256},
            ":k": {"S": ref.key},
            ":src": {"S": ref.source},
            ":t": {"N": str(order.time_ms)},
            ":now": {"N": str(_now_ms())},
            ":ek": {"S": key.model_dump_json(by_alias=True)},
            ":one": {"N": "1"},
        }
        update = "SET #h = :h, #k = :k, #src = :src, #t = :t, updatedAt = :now, entityKey = :ek"
        if order.sequencer:
            names["#seq"] = f"seq_{kind}"
            values[":seq"] = {"S": order.sequencer}
            update += ", #seq = :seq"
            remove = ""
        else:
            names["#seq"] = f"seq_{kind}"
            remove = " REMOVE #seq"
        if expected is None:
            condition = "attribute_not_exists(#ver)"
        else:
            condition = "#ver = :expected"
            values[":expected"] = {"N": str(expected)}
        resp = aws.dynamodb().update_item(
            TableName=self.table,
            Key={"pk": {"S": key.storage_id()}, "sk": {"S": ENTITY_SK}},
            UpdateExpression=f"{update} ADD #ver :one{remove}",
            ConditionExpression=condition,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
        )
        attrs = resp["Attributes"]
        return Registration("new", int(attrs["version"]["N"]), _inputs_of(attrs))

    def current_version(self, key: EntityKey) -> int | None:
        item = self._get(key, ENTITY_SK, projection="#ver")
        return int(item["version"]["N"]) if item else None

    def ensure_current(self, key: EntityKey, version: int) -> None:
        """Raise :class:`StaleVersion` when a newer input version exists (the newer one will be scored)."""
        current = self.current_version(key)
        if current is not None and current > version:
            raise StaleVersion(f"version {version} superseded by {current}")

    # -- per-version intermediate results ------------------------------------------------------------
    def put_version_item(self, key: EntityKey, version: int, name: str, body: str, **extra: str) -> None:
        """Write one intermediate result of ``version`` (deterministic content: a rewrite is harmless)."""
        item: dict[str, Any] = {
            "pk": {"S": key.storage_id()},
            "sk": {"S": version_sk(version, name)},
            "version": {"N": str(version)},
            "createdAt": {"N": str(_now_ms())},
            "expiresAt": {"N": str(int(time.time()) + _retention_seconds())},
            **self._body_attrs(key, body, durable=False),
        }
        item.update({k: {"S": v} for k, v in extra.items()})
        aws.dynamodb().put_item(TableName=self.table, Item=item)

    def get_version_item(self, key: EntityKey, version: int, name: str) -> str | None:
        item = self._get(key, version_sk(version, name))
        return self._body_of(item) if item else None

    def query_version_items(self, key: EntityKey, version: int, prefix: str) -> dict[str, str]:
        """Every item of ``version`` whose name starts with ``prefix``: name -> body."""
        start = version_sk(version, prefix)
        out: dict[str, str] = {}
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :sk)",
            "ExpressionAttributeValues": {":pk": {"S": key.storage_id()}, ":sk": {"S": start}},
            "ConsistentRead": True,
        }
        while True:
            resp = aws.dynamodb().query(**kwargs)
            for item in resp.get("Items", []):
                out[item["sk"]["S"][len(version_sk(version, "")) :]] = self._body_of(item)
            if "LastEvaluatedKey" not in resp:
                return out
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]

    def mark_done(self, key: EntityKey, version: int, set_name: str, member: str) -> set[str]:
        """Atomically add ``member`` to a fan-in set of ``version``; returns the whole set afterwards."""
        resp = aws.dynamodb().update_item(
            TableName=self.table,
            Key={"pk": {"S": key.storage_id()}, "sk": {"S": version_sk(version, "PROGRESS")}},
            UpdateExpression="ADD #s :m SET expiresAt = if_not_exists(expiresAt, :exp)",
            ExpressionAttributeNames={"#s": set_name},
            ExpressionAttributeValues={
                ":m": {"SS": [member]},
                ":exp": {"N": str(int(time.time()) + _retention_seconds())},
            },
            ReturnValues="ALL_NEW",  # UPDATED_NEW may omit a set that an ADD of a present member left as is
        )
        return set(resp["Attributes"][set_name]["SS"])

    # -- final result ---------------------------------------------------------------------------------
    def put_result(self, key: EntityKey, version: int, doc: dict[str, Any]) -> bool:
        """Store the final result unless a newer version's result is already there (conditional write).

        The same version may be rewritten (a retried aggregator computes the identical document).
        Returns False when a newer result exists.
        """
        body = json.dumps(doc, separators=(",", ":"))
        item: dict[str, Any] = {
            "pk": {"S": key.storage_id()},
            "sk": {"S": RESULT_SK},
            "version": {"N": str(version)},
            "computedAt": {"N": str(_now_ms())},
            "status": {"S": str(doc.get("status"))},
            "reportingOption": {"S": str(doc.get("reportingOption"))},
            "finalScore": {"N": repr(float(doc.get("finalScore", 0.0)))},
            **self._body_attrs(key, body, durable=True),
        }
        try:
            aws.dynamodb().put_item(
                TableName=self.table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR #ver <= :v",
                ExpressionAttributeNames={"#ver": "version"},
                ExpressionAttributeValues={":v": {"N": str(version)}},
            )
        except ClientError as exc:
            if _is_conditional_failure(exc):
                return False
            raise
        return True

    def result_version(self, key: EntityKey) -> int | None:
        """The version of the stored RESULT (a projection: one read unit, however large the result)."""
        item = self._get(key, RESULT_SK, projection="#ver")
        return int(item["version"]["N"]) if item else None

    def get_result(self, key: EntityKey) -> tuple[int, dict[str, Any]] | None:
        item = self._get(key, RESULT_SK)
        if not item:
            return None
        return int(item["version"]["N"]), json.loads(self._body_of(item))

    def _get(self, key: EntityKey, sk: str, projection: str | None = None) -> dict[str, Any] | None:
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "Key": {"pk": {"S": key.storage_id()}, "sk": {"S": sk}},
            "ConsistentRead": True,
        }
        if projection:
            kwargs["ProjectionExpression"] = projection
            kwargs["ExpressionAttributeNames"] = {"#ver": "version"}
        return aws.dynamodb().get_item(**kwargs).get("Item")


# -- S3 ---------------------------------------------------------------------------------------------
def entity_path(key: EntityKey) -> str:
    """``<year>/<entityType>/<TIN>/<leaf>``, every part checked: S3 keys are built from validated parts
    only (an entityId such as ``../../group/000000005/group`` can never address another entity)."""
    parts = (key.performance_year, key.entity_type, key.taxpayer_identification_number, key.leaf())
    return "/".join(key_segment(p) for p in parts)


def result_key(key: EntityKey) -> str:
    """``results/<year>/<entityType>/<TIN>/<NPI or entityId or "group">.json`` (contract 4)."""
    return f"results/{entity_path(key)}.json"


def pending_key(key: EntityKey) -> str:
    """``pending/<year>/<entityType>/<TIN>/<leaf>.json``: a profile or CMS data that had no submission.

    Written, never deleted (least privilege: no s3:DeleteObject): an entity is an orphan while it has a
    ``pending/`` file and no ``results/`` file at the same path (:func:`orphan_keys`)."""
    return f"{PENDING_PREFIX}{entity_path(key)}.json"


def orphan_keys(keys: list[str]) -> list[str]:
    """The ``pending/`` keys among ``keys`` (a bucket listing) whose entity has no ``results/`` file."""
    results = {k.removeprefix("results/") for k in keys if k.startswith("results/")}
    return sorted(
        k for k in keys if k.startswith(PENDING_PREFIX) and k.removeprefix(PENDING_PREFIX) not in results
    )


def input_copy_key(key: EntityKey, kind: str, sha256: str, source_key: str) -> str:
    """Immutable, content-addressed copy of an accepted input (what downstream functions read)."""
    ext = source_key.rsplit(".", 1)[-1].lower() if "." in source_key.rsplit("/", 1)[-1] else "json"
    ext = ext if re.fullmatch(r"[a-z0-9]{1,8}", ext) else "json"
    return f"inputs/{entity_path(key)}/{key_segment(kind)}/{key_segment(sha256)}.{ext}"


@dataclass
class S3Object:
    data: bytes
    last_modified_ms: int
    version_id: str | None
    size: int = 0


class Bucket:
    """S3 access for the intake bucket (``INTAKE_BUCKET``)."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or os.environ["INTAKE_BUCKET"]

    def read(self, key: str, version_id: str | None = None, max_bytes: int | None = None) -> S3Object:
        """The object's bytes; an object over ``max_bytes`` is not read (``data`` empty, ``size`` set)."""
        kwargs: dict[str, Any] = {"Bucket": self.name, "Key": key}
        if version_id and version_id != "null":
            kwargs["VersionId"] = version_id
        resp = aws.s3().get_object(**kwargs)
        lm = resp.get("LastModified")
        size = int(resp.get("ContentLength") or 0)
        if max_bytes is not None and size > max_bytes:
            resp["Body"].close()
            data = b""
        else:
            data = resp["Body"].read()
            size = len(data)
        return S3Object(
            data=data,
            last_modified_ms=int(lm.timestamp() * 1000) if lm else _now_ms(),
            version_id=resp.get("VersionId"),
            size=size,
        )

    def put_json(self, key: str, doc: Any, metadata: dict[str, str] | None = None) -> None:
        aws.s3().put_object(
            Bucket=self.name,
            Key=key,
            Body=json.dumps(doc, indent=2).encode(),
            ContentType="application/json",
            Metadata=metadata or {},
        )

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/json") -> None:
        aws.s3().put_object(Bucket=self.name, Key=key, Body=data, ContentType=content_type)

    def reject(
        self,
        source_key: str,
        data: bytes | None,
        problems: list[Problem],
        kind: str | None,
        version_id: str | None = None,
    ) -> str:
        """Copy a bad file to ``rejected/<key>`` with ``rejected/<key>.errors.json`` (contract 4).

        ``data=None`` (a file too large to read) copies it within S3 instead.
        """
        target = f"rejected/{source_key}"
        if data is None:
            source: dict[str, str] = {"Bucket": self.name, "Key": source_key}
            if version_id and version_id != "null":
                source["VersionId"] = version_id
            aws.s3().copy_object(Bucket=self.name, Key=target, CopySource=source)
        else:
            self.put_bytes(target, data, "application/octet-stream")
        self.put_json(
            f"{target}.errors.json",
            {
                "file": source_key,
                "kind": kind,
                "valid": False,
                "rejectedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "problems": [
                    p.model_dump(exclude={"file"}, exclude_none=True, mode="json") for p in problems
                ],
            },
        )
        return target

    def result_file_version(self, key: EntityKey) -> int | None:
        try:
            head = aws.s3().head_object(Bucket=self.name, Key=result_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        value = head.get("Metadata", {}).get(_RESULT_FILE_VERSION_META)
        return int(value) if value and value.isdigit() else None


def _result_file_state(bucket: Bucket, key: EntityKey) -> tuple[str | None, int | None]:
    """(ETag, input version) of the entity's result file; (None, None) when there is none yet."""
    try:
        head = aws.s3().head_object(Bucket=bucket.name, Key=result_key(key))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None, None
        raise
    value = head.get("Metadata", {}).get(_RESULT_FILE_VERSION_META)
    return head.get("ETag"), int(value) if value and value.isdigit() else None


def _precondition_failed(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in {
        "PreconditionFailed",
        "412",
        "ConditionalRequestConflict",
        "409",
    }


def publish_result_file(
    store: EntityStore,
    bucket: Bucket,
    key: EntityKey,
    attempts: int = 8,
    known: tuple[int, dict[str, Any]] | None = None,
) -> int | None:
    """Copy the entity's RESULT item to ``results/...json`` so the file ends on the newest version and
    never shows an older version after a newer one, not even briefly.

    Compare-and-set with S3 conditional writes: read what DynamoDB holds (its conditional write is the
    arbiter), read the file's version and ETag, and put only if the file is older *and unchanged since*
    (``If-Match`` its ETag, or ``If-None-Match: *`` when there is no file yet). A concurrent publisher
    makes the put fail with 412/409, and the loop starts again from DynamoDB. Returns the version now in
    the file.

    ``known``: the (version, document) the caller has just written to DynamoDB, used instead of reading it
    back on the first attempt. Still safe: the put is conditional on the file being older and unchanged,
    and a newer result's own publisher puts that one after (or makes this put fail and re-read).
    """
    for attempt in range(attempts):
        current = known if attempt == 0 and known is not None else store.get_result(key)
        if current is None:
            return None
        version, doc = current
        etag, in_file = _result_file_state(bucket, key)
        if in_file is not None and in_file >= version:
            return in_file  # the file already holds this result or a newer one
        condition = {"IfMatch": etag} if etag else {"IfNoneMatch": "*"}
        try:
            aws.s3().put_object(
                Bucket=bucket.name,
                Key=result_key(key),
                Body=json.dumps(doc, indent=2).encode(),
                ContentType="application/json",
                Metadata={_RESULT_FILE_VERSION_META: str(version)},
                **condition,
            )
        except ClientError as exc:
            if _precondition_failed(exc):
                continue  # another publisher wrote meanwhile: decide again
            raise
        return version
    raise RuntimeError(f"result for {key.masked()} kept changing while publishing; will retry")
