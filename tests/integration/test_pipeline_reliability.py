"""Issue 10 defects, end to end on moto: (1) the newest upload is the scored input even within one second
and with reordered deliveries; (2) a retry is not blocked by its own in-progress idempotency record and
is redelivered only after the visibility timeout, as on SQS; (3) unfixable messages go to the dead-letter
queue at once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from mips.pipeline import aws, dlq
from mips.pipeline import store as store_module
from mips.pipeline.driver import LocalPipeline

from .conftest import CONTRACT, drop, entity_of, expected_doc, load_case, retarget, stored

pytestmark = pytest.mark.integration


def _queue(lp: LocalPipeline, logical_id: str) -> str:
    return lp.stack.queues[logical_id].url  # type: ignore[union-attr]


def _same_second_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every S3 read reports the same LastModified second (what two uploads within one second see)."""
    real = store_module.Bucket.read
    second = int(time.time()) * 1000

    def read(self, key, version_id=None, max_bytes=None):  # type: ignore[no-untyped-def]
        obj = real(self, key, version_id, max_bytes)
        obj.last_modified_ms = second
        return obj

    monkeypatch.setattr(store_module.Bucket, "read", read)


def test_given_two_profile_uploads_in_one_second_delivered_in_reverse_then_the_newer_is_scored(
    lp, monkeypatch
):
    # given an entity's inputs, and two profile uploads of one second, the second one newer
    docs = retarget(load_case(CONTRACT / "e2-small-practice-pi-reweighted"), "610000001")
    key = entity_of(docs)
    for kind, doc in docs.items():
        if kind != "profile":
            drop(lp, kind, doc, f"order/{kind}.json")
    older = json.loads(json.dumps(docs["profile"]))
    older["specialStatuses"]["smallPractice"] = False
    _same_second_reads(monkeypatch)
    drop(lp, "profile", older, "order/profile-a.json")
    time.sleep(0.005)  # distinct event times (S3 gives milliseconds); not a timing assertion
    drop(lp, "profile", docs["profile"], "order/profile-b.json")

    def reverse_ingest(function: str, event: dict[str, Any]) -> None:
        if function == "IngestFunction":
            event["Records"].reverse()  # the newer upload's event arrives first

    lp.before_invoke = reverse_ingest
    try:
        lp.drain()
    finally:
        lp.before_invoke = None
    # then the newer profile is the scored input
    _, ddb_doc, s3_doc = stored(lp, key)
    assert ddb_doc == s3_doc == expected_doc(lp, docs)


def _fail_after_applying(lp: LocalPipeline, operation: str, table: str, times: int) -> list[str]:
    """botocore hook: the first ``times`` ``operation`` calls on ``table`` are applied, then answered with
    an error (a lost response)."""
    client, hits = aws.dynamodb(), []

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["mips_table"] = params.get("TableName")

    def fail(context: dict[str, Any], **_: Any) -> None:
        if context.get("mips_table") == table and len(hits) < times:
            hits.append(operation)
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "lost"}}, operation)

    client.meta.events.register(f"before-parameter-build.dynamodb.{operation}", remember, "i10-remember")
    client.meta.events.register(f"after-call.dynamodb.{operation}", fail, "i10-fail")
    return hits


def _unregister(operation: str) -> None:
    client = aws.dynamodb()
    client.meta.events.unregister(f"before-parameter-build.dynamodb.{operation}", unique_id="i10-remember")
    client.meta.events.unregister(f"after-call.dynamodb.{operation}", unique_id="i10-fail")


def test_given_a_completed_idempotency_write_answered_with_an_error_then_the_retry_succeeds(lp):
    # given the idempotency record's "completed" update is applied but its answer lost (record stays
    # in progress), for the first three records that complete
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "610000002")
    table = lp.stack.tables["IdempotencyTable"]  # type: ignore[union-attr]
    hits = _fail_after_applying(lp, "UpdateItem", table, times=3)
    started = lp.now()
    try:
        for kind, doc in docs.items():
            drop(lp, kind, doc, f"lost/{kind}.json")
        lp.drain()
    finally:
        _unregister("UpdateItem")
    # then every failed record came back after the queue's visibility timeout (not at once), was not
    # blocked by its own in-progress record, and nothing reached a dead-letter queue
    assert len(hits) == 3
    assert lp.now() - started >= 720
    assert not any(lp.dead_letters().values())
    _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
    assert ddb_doc == s3_doc == expected_doc(lp, docs)


def test_given_an_in_progress_record_then_it_expires_with_the_function_timeout(lp, monkeypatch):
    # given the aggregator at work, when its idempotency record is read while it writes the result
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "610000003")
    table = lp.stack.tables["IdempotencyTable"]  # type: ignore[union-attr]
    seen: list[tuple[float, dict[str, Any]]] = []
    real = store_module.EntityStore.put_result

    def spy(self, key, version, doc):  # type: ignore[no-untyped-def]
        items = aws.dynamodb().scan(TableName=table)["Items"]
        now = time.time() * 1000
        seen.extend(
            (now, i) for i in items if "aggregator" in i["id"]["S"] and i["status"]["S"] == "INPROGRESS"
        )
        return real(self, key, version, doc)

    monkeypatch.setattr(store_module.EntityStore, "put_result", spy)
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"ttl/{kind}.json")
    lp.drain()
    # then its in-progress expiry is the invocation's deadline (the function timeout, 120 s), not a day
    assert seen and all("in_progress_expiration" in item for _, item in seen)
    now, item = seen[0]
    assert 0 < int(item["in_progress_expiration"]["N"]) - now <= 120_000


def test_given_a_message_that_is_not_json_then_it_goes_to_the_dlq_at_once_and_can_be_replayed(lp):
    lp.invocations.clear()
    aws.sqs().send_message(QueueUrl=_queue(lp, "QualityQueue"), MessageBody="this is not JSON {")
    lp.drain()
    # then one invocation, no failure reported, and the message with its reason in the dead-letter queue
    quality = [i for i in lp.invocations if i.function == "QualityFunction"]
    assert len(quality) == 1 and quality[0].failed == [] and quality[0].error is None
    dlq_url = lp.stack.queues["QualityDLQ"].url  # type: ignore[union-attr]
    (msg,) = aws.sqs().receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"])["Messages"]
    assert msg["Body"] == "this is not JSON {"
    assert "not JSON" in msg["MessageAttributes"]["mipsRejectedReason"]["StringValue"]
    aws.sqs().change_message_visibility(
        QueueUrl=dlq_url, ReceiptHandle=msg["ReceiptHandle"], VisibilityTimeout=0
    )
    assert dlq.replay(dlq_url).moved == 1  # replayable (it comes back: still poison, still not lost)
    lp.drain()
    assert lp.dead_letters()["QualityDLQ"] == 1
    (msg,) = aws.sqs().receive_message(QueueUrl=dlq_url)["Messages"]
    aws.sqs().delete_message(QueueUrl=dlq_url, ReceiptHandle=msg["ReceiptHandle"])
