"""The event pipeline end to end on moto (issue 6 "Done when"): files dropped in S3 go through every
function to the result in DynamoDB and S3, equal to `mips score` on the same inputs; the S3 test event;
duplicate deliveries; out-of-order arrival and rescoring; a crash mid-batch; poison messages and replay."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mips.cli.run_local import intake_key
from mips.pipeline import aws, dlq
from mips.pipeline.driver import LocalPipeline
from mips.pipeline.events import StepMessage, s3_objects_from_body
from mips.pipeline.store import EntityStore, pending_key

from .conftest import (
    CONTRACT,
    EXAMPLES,
    drop,
    entity_of,
    expected_doc,
    load_case,
    result_version,
    retarget,
    stored,
)

pytestmark = pytest.mark.integration
ALL_FUNCTIONS = {
    "IngestFunction",
    "EligibilityFunction",
    "QualityFunction",
    "IaFunction",
    "PiFunction",
    "CostFunction",
    "ReweightingFunction",
    "AggregatorFunction",
}


def _module(lp: LocalPipeline, function: str) -> Any:
    return lp.module(function)


def _queue_url(lp: LocalPipeline, logical_id: str) -> str:
    return lp.stack.queues[logical_id].url  # type: ignore[union-attr]


def _drop_all(lp: LocalPipeline, docs: dict[str, dict[str, Any]], case: str) -> None:
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"{case}/{kind}.json")


def test_given_the_contract_samples_when_dropped_then_every_function_runs_and_results_equal_mips_score(lp):
    lp.invocations.clear()
    cases = {}
    for i, folder in enumerate(sorted(p for p in CONTRACT.iterdir() if p.is_dir())):
        # E1 and E2 describe the same entity: give each its own TIN so both are scored
        cases[folder.name] = retarget(load_case(folder), f"40000000{i}")
        _drop_all(lp, cases[folder.name], folder.name)
    lp.drain()
    assert {i.function for i in lp.invocations} == ALL_FUNCTIONS
    for name, docs in cases.items():
        version, ddb_doc, s3_doc = stored(lp, entity_of(docs))
        assert version == 3, name  # three inputs, three versions
        assert ddb_doc == s3_doc == expected_doc(lp, docs), name
        assert ddb_doc["status"] == "final"
    assert not any(lp.dead_letters().values())


def test_given_the_shipped_examples_then_results_equal_mips_score_and_the_bad_file_is_rejected(lp):
    files = sorted(p for p in EXAMPLES.rglob("*.json"))
    keys = {}
    for path in files:
        keys[path] = intake_key(path)
        lp.put_object(keys[path], path.read_bytes())
    lp.drain()
    for case in sorted({p.parent for p in files}):
        docs = load_case(case)
        if set(docs) == {"submission", "profile", "cmsData"}:
            _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
            assert ddb_doc == s3_doc == expected_doc(lp, docs), case.name
    bad = next(k for p, k in keys.items() if "bad" in p.parent.name)
    errors = json.loads(
        aws.s3().get_object(Bucket=lp.stack.bucket, Key=f"rejected/{bad}.errors.json")["Body"].read()  # type: ignore[union-attr]
    )
    assert errors["file"] == bad and errors["valid"] is False
    assert errors["problems"] and all({"path", "message"} <= set(p) for p in errors["problems"])
    original = aws.s3().get_object(Bucket=lp.stack.bucket, Key=f"rejected/{bad}")["Body"].read()  # type: ignore[union-attr]
    assert original == next(p for p in files if keys[p] == bad).read_bytes()


def test_given_the_s3_test_event_then_it_is_acknowledged_without_failure(lp):
    # a fresh pipeline still holds the s3:TestEvent moto sent when provisioning set the bucket
    # notifications (this test can run first in its module under xdist): handle it before counting
    lp.drain()
    lp.invocations.clear()
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": lp.stack.bucket})  # type: ignore[union-attr]
    aws.sqs().send_message(QueueUrl=_queue_url(lp, "IngestQueue"), MessageBody=body)
    assert lp.drain() == 1
    assert [(i.function, i.failed) for i in lp.invocations] == [("IngestFunction", [])]
    assert not lp.dead_letters()["IngestDLQ"]


def test_given_the_same_file_twice_then_the_version_is_not_bumped_and_the_result_is_unchanged(lp):
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "500000001")
    _drop_all(lp, docs, "dup")
    lp.drain()
    key = entity_of(docs)
    before = stored(lp, key)
    assert before[0] == 3
    drop(lp, "submission", docs["submission"], "dup/submission.json")  # same key again (new S3 version)
    drop(lp, "submission", docs["submission"], "dup/submission-copy.json")  # same content, another name
    lp.invocations.clear()
    lp.drain()
    assert stored(lp, key) == before
    assert result_version(lp, key) == 3
    # the re-fanned-out version 3 is recognised downstream: nothing is scored again
    assert {i.function for i in lp.invocations} <= {"IngestFunction", "EligibilityFunction"}


def _pending(lp, key):
    body = aws.s3().get_object(Bucket=lp.stack.bucket, Key=pending_key(key))["Body"].read()
    return json.loads(body)


def test_given_the_same_s3_event_delivered_twice_then_it_is_ingested_once(lp):
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "500000002")
    drop(lp, "profile", docs["profile"], "twice/profile.json")
    queue = _queue_url(lp, "IngestQueue")
    msgs = aws.sqs().receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert len(msgs) == 1 and s3_objects_from_body(msgs[0]["Body"])[0].key == "profiles/twice/profile.json"
    aws.sqs().send_message(QueueUrl=queue, MessageBody=msgs[0]["Body"])  # S3 delivered it again
    aws.sqs().change_message_visibility(
        QueueUrl=queue, ReceiptHandle=msgs[0]["ReceiptHandle"], VisibilityTimeout=0
    )
    lp.drain()
    key = entity_of(docs)
    version, ddb_doc, _ = stored(lp, key)
    assert version == 1
    # issue 9 item 3: a profile without a submission is an orphan, listed under pending/, never scored
    assert ddb_doc is None
    assert _pending(lp, key)["inputs"] == {"profile": "profiles/twice/profile.json"}


def test_given_cms_data_before_the_submission_and_a_later_profile_update_then_each_input_rescores(lp):
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "500000003")
    key = entity_of(docs)
    drop(lp, "cmsData", docs["cmsData"], "ooo/cms-data.json")
    lp.drain()
    v1, doc1, s3_1 = stored(lp, key)
    assert (v1, doc1, s3_1) == (1, None, None)  # CMS data alone is an orphan, not a -9% row (issue 9)
    assert _pending(lp, key)["inputs"] == {"cmsData": "cms-data/ooo/cms-data.json"}

    drop(lp, "submission", docs["submission"], "ooo/submission.json")
    lp.drain()
    v2, doc2, _ = stored(lp, key)
    assert (v2, doc2["status"]) == (2, "preliminary")
    assert doc2 == expected_doc(lp, {"cmsData": docs["cmsData"], "submission": docs["submission"]})

    drop(lp, "profile", docs["profile"], "ooo/profile.json")
    lp.drain()
    v3, doc3, s3_3 = stored(lp, key)
    assert (v3, doc3["status"]) == (3, "final") and doc3 == s3_3 == expected_doc(lp, docs)

    updated = json.loads(json.dumps(docs["profile"]))
    updated["practiceSize"] = 8  # the practice shrank: now a small practice
    updated["specialStatuses"]["smallPractice"] = True
    drop(lp, "profile", updated, "ooo/profile.json")
    lp.drain()
    v4, doc4, s3_4 = stored(lp, key)
    assert v4 == 4 and result_version(lp, key) == 4
    assert doc4 == s3_4 == expected_doc(lp, {**docs, "profile": updated})
    assert "smallPractice" in doc4["specialStatuses"] and doc4 != doc3


def test_given_a_late_message_of_an_older_version_then_the_newer_result_is_kept(lp):
    docs = retarget(load_case(CONTRACT / "e2-small-practice-pi-reweighted"), "500000004")
    _drop_all(lp, docs, "late")
    lp.drain()
    key = entity_of(docs)
    version, newest, _ = stored(lp, key)
    store = EntityStore(lp.stack.tables["EntityTable"], lp.stack.bucket)  # type: ignore[union-attr]
    # a late aggregator message for version 1, and a direct attempt to store an older result
    old = StepMessage(step="aggregator", entity=key, version=1, inputs={})
    aws.sqs().send_message(QueueUrl=_queue_url(lp, "AggregatorQueue"), MessageBody=old.to_json())
    lp.drain()
    assert store.put_result(key, 1, {"finalScore": 0.0, "status": "preliminary"}) is False
    assert stored(lp, key) == (version, newest, newest)


def test_given_a_crash_on_one_record_mid_batch_then_only_that_record_is_retried(lp, monkeypatch):
    cases = [retarget(load_case(CONTRACT / "e1-standard-individual"), f"50000001{i}") for i in range(3)]
    module = _module(lp, "QualityFunction")
    real = module.handle_step_record
    seen: list[str] = []
    crashed: list[str] = []

    def flaky(pipeline, step, body):
        seen.append(body)
        if not crashed:
            crashed.append(body)
            raise RuntimeError("simulated crash (e.g. a throttled DynamoDB call)")
        return real(pipeline, step, body)

    monkeypatch.setattr(module, "handle_step_record", flaky)
    for i, docs in enumerate(cases):
        _drop_all(lp, docs, f"crash{i}")
    lp.invocations.clear()
    lp.drain()
    quality = [i for i in lp.invocations if i.function == "QualityFunction"]
    first = quality[0]
    assert len(first.message_ids) == 3 and len(first.failed) == 1  # partial batch response
    assert first.error is None
    assert seen.count(crashed[0]) == 2  # the failed record came back once...
    assert all(seen.count(b) == 1 for b in set(seen) - {crashed[0]})  # ...the others were not redelivered
    for docs in cases:
        _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
        assert ddb_doc == s3_doc == expected_doc(lp, docs)


def test_given_a_failing_step_then_its_message_reaches_the_dlq_and_replays_successfully(lp, monkeypatch):
    docs = retarget(load_case(CONTRACT / "e2-small-practice-pi-reweighted"), "500000020")
    key = entity_of(docs)
    module = _module(lp, "AggregatorFunction")
    real = module.handle_step_record
    attempts: list[int] = []

    def broken(pipeline, step, body):
        if json.loads(body)["entity"]["taxpayerIdentificationNumber"] == "500000020":
            attempts.append(1)
            raise RuntimeError("simulated outage of a dependency")
        return real(pipeline, step, body)

    monkeypatch.setattr(module, "handle_step_record", broken)
    _drop_all(lp, docs, "poison")
    lp.drain()
    max_receive = lp.stack.queues["AggregatorQueue"].max_receive_count  # type: ignore[union-attr]
    assert len(attempts) == max_receive == 5
    assert lp.dead_letters()["AggregatorDLQ"] == 1
    assert stored(lp, key)[1] is None  # no result yet, nothing lost

    monkeypatch.setattr(module, "handle_step_record", real)  # the fix is deployed
    report = dlq.replay(lp.stack.queues["AggregatorDLQ"].url)  # type: ignore[union-attr]
    assert (report.moved, report.source_queue) == (1, _queue_url(lp, "AggregatorQueue"))
    lp.drain()
    assert lp.dead_letters()["AggregatorDLQ"] == 0
    _, ddb_doc, s3_doc = stored(lp, key)
    assert ddb_doc == s3_doc == expected_doc(lp, docs)


def test_given_a_message_that_is_not_json_then_it_ends_in_the_dlq_at_once(lp):
    queue = _queue_url(lp, "IngestQueue")
    aws.sqs().send_message(QueueUrl=queue, MessageBody="this is not JSON {")
    lp.invocations.clear()
    lp.drain()
    assert len([i for i in lp.invocations if i.function == "IngestFunction"]) == 1  # no retries (issue 10)
    dlq_url = lp.stack.queues["IngestDLQ"].url  # type: ignore[union-attr]
    (msg,) = aws.sqs().receive_message(QueueUrl=dlq_url).get("Messages", [])
    assert msg["Body"] == "this is not JSON {"
    aws.sqs().delete_message(QueueUrl=dlq_url, ReceiptHandle=msg["ReceiptHandle"])
