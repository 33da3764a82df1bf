"""Versioning and consistency in the storage adapters (issue 6 item 3), on moto."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from mips.models import EntityKey, Problem
from mips.pipeline import aws
from mips.pipeline.driver import _environment
from mips.pipeline.events import InputRef
from mips.pipeline.store import Bucket, EntityStore, publish_result_file, result_key

KEY = EntityKey(performance_year=2024, entity_type="group", taxpayer_identification_number="123456789")
ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[EntityStore, Bucket]]:
    from moto import mock_aws

    with _environment(ENV), mock_aws():
        aws.reset()
        aws.dynamodb().create_table(
            TableName="entities",
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        aws.s3().create_bucket(Bucket="intake-bucket")
        yield EntityStore("entities"), Bucket("intake-bucket")
        aws.reset()


def _ref(sha: str, kind: str = "submission") -> InputRef:
    return InputRef(key=f"inputs/{kind}/{sha}.json", sha256=sha, source=f"{kind}s/x.json")


def test_given_inputs_arriving_then_the_version_moves_only_on_new_and_newer_content(backend):
    store, _ = backend
    key = KEY.model_copy(update={"taxpayer_identification_number": "100000001"})
    first = store.register_input(key, "submission", _ref("a"), last_modified_ms=1_000)
    assert (first.status, first.version) == ("new", 1)
    # the same content again (re-delivery, re-upload): no bump
    again = store.register_input(key, "submission", _ref("a"), last_modified_ms=2_000)
    assert (again.status, again.version) == ("duplicate", 1)
    # new content uploaded later: bump
    newer = store.register_input(key, "submission", _ref("b"), last_modified_ms=3_000)
    assert (newer.status, newer.version) == ("new", 2)
    # a late event for an upload older than the current one: ignored
    late = store.register_input(key, "submission", _ref("c"), last_modified_ms=2_500)
    assert (late.status, late.version) == ("stale", 2)
    # another kind is independent, and the snapshot holds the current input of each kind
    prof = store.register_input(key, "profile", _ref("p", "profile"), last_modified_ms=100)
    assert (prof.status, prof.version) == ("new", 3)
    assert {k: r.sha256 for k, r in prof.inputs.items()} == {"submission": "b", "profile": "p"}
    assert store.current_version(key) == 3


def test_given_a_stored_result_then_an_older_version_cannot_replace_it(backend):
    store, _ = backend
    key = KEY.model_copy(update={"taxpayer_identification_number": "100000002"})
    assert store.put_result(key, 2, {"finalScore": 80.0, "status": "final"}) is True
    assert store.put_result(key, 1, {"finalScore": 10.0, "status": "preliminary"}) is False
    assert store.put_result(key, 2, {"finalScore": 80.0, "status": "final"}) is True  # idempotent rewrite
    assert store.get_result(key) == (2, {"finalScore": 80.0, "status": "final"})
    assert store.put_result(key, 3, {"finalScore": 81.0, "status": "final"}) is True
    assert store.get_result(key)[0] == 3  # type: ignore[index]


def test_given_a_stale_result_file_then_publishing_copies_the_newest_stored_result(backend):
    store, bucket = backend
    key = KEY.model_copy(update={"taxpayer_identification_number": "100000003"})
    bucket.put_json(result_key(key), {"finalScore": 1.0}, {"input-version": "1"})  # a slow writer's old file
    store.put_result(key, 2, {"finalScore": 2.0, "status": "final"})
    assert publish_result_file(store, bucket, key) == 2
    assert bucket.result_file_version(key) == 2
    body = aws.s3().get_object(Bucket="intake-bucket", Key=result_key(key))["Body"].read()
    assert json.loads(body) == {"finalScore": 2.0, "status": "final"}
    assert result_key(key) == "results/2024/group/100000003/group.json"


def test_given_fan_in_marks_then_the_set_grows_and_repeats_are_harmless(backend):
    store, _ = backend
    assert store.mark_done(KEY, 1, "cats#0-traditional", "quality") == {"quality"}
    assert store.mark_done(KEY, 1, "cats#0-traditional", "quality") == {"quality"}
    assert store.mark_done(KEY, 1, "cats#0-traditional", "cost") == {"quality", "cost"}
    assert store.mark_done(KEY, 2, "cats#0-traditional", "ia") == {"ia"}  # versions are separate


def test_given_a_large_intermediate_result_then_it_is_compressed_and_reads_back(backend):
    store, _ = backend
    body = json.dumps({"parts": ["x" * 1000] * 500})  # ~500 KB, over DynamoDB's 400 KB item limit raw
    store.put_version_item(KEY, 5, "OPT#0-traditional#CAT#quality", body)
    assert store.get_version_item(KEY, 5, "OPT#0-traditional#CAT#quality") == body
    assert store.query_version_items(KEY, 5, "OPT#0-traditional#CAT#") == {
        "OPT#0-traditional#CAT#quality": body
    }


def test_given_a_bad_file_then_it_is_copied_to_rejected_with_its_errors(backend):
    _, bucket = backend
    problems = [Problem(path="$.measurementSets[0]", message="measureId 999 is not a 2024 quality measure")]
    target = bucket.reject("submissions/acme/q4.json", b"{bad}", problems, "submission")
    assert target == "rejected/submissions/acme/q4.json"
    s3 = aws.s3()
    assert s3.get_object(Bucket="intake-bucket", Key=target)["Body"].read() == b"{bad}"
    errors = json.loads(s3.get_object(Bucket="intake-bucket", Key=f"{target}.errors.json")["Body"].read())
    assert errors["file"] == "submissions/acme/q4.json"
    assert errors["problems"] == [
        {
            "path": "$.measurementSets[0]",
            "message": "measureId 999 is not a 2024 quality measure",
            "severity": "error",
        }
    ]


def _raw_item(sk: str) -> dict:
    key = {"pk": {"S": KEY.storage_id()}, "sk": {"S": sk}}
    return aws.dynamodb().get_item(TableName="entities", Key=key)["Item"]


def test_given_a_body_too_large_even_compressed_then_it_goes_to_s3_state_and_the_item_keeps_a_pointer(
    backend,
):
    """DynamoDB refuses items over 400 KB (moto enforces it too): an incompressible ~1 MB body is stored
    under state/versions/ (non-notified, expiring prefix) and read back through its pointer + sha256."""
    import base64
    import hashlib
    import os

    store = EntityStore("entities", "intake-bucket")
    body = json.dumps({"explanation": base64.b64encode(os.urandom(750_000)).decode()})
    store.put_version_item(KEY, 6, "OPT#0-traditional#CAT#quality", body)
    item = _raw_item("V#0000000006#OPT#0-traditional#CAT#quality")
    assert {"body", "bodyGz"}.isdisjoint(item)
    assert item["bodySha256"]["S"] == hashlib.sha256(body.encode()).hexdigest()
    assert item["bodyRef"]["S"].startswith("state/versions/2024/group/123456789/group/")
    assert store.get_version_item(KEY, 6, "OPT#0-traditional#CAT#quality") == body
    assert store.query_version_items(KEY, 6, "OPT#") == {"OPT#0-traditional#CAT#quality": body}

    assert store.put_result(KEY, 6, {"finalScore": 1.0, "status": "final", "explanation": body}) is True
    assert _raw_item("RESULT")["bodyRef"]["S"].startswith("state/results/")  # results/ bodies never expire
    assert store.get_result(KEY) == (6, {"finalScore": 1.0, "status": "final", "explanation": body})


def test_given_an_offloaded_body_changed_in_s3_then_reading_it_fails_loudly(backend):
    import base64
    import gzip
    import os

    store = EntityStore("entities", "intake-bucket")
    body = json.dumps({"x": base64.b64encode(os.urandom(600_000)).decode()})
    store.put_version_item(KEY, 7, "EVAL", body)
    ref = _raw_item("V#0000000007#EVAL")["bodyRef"]["S"]
    aws.s3().put_object(Bucket="intake-bucket", Key=ref, Body=gzip.compress(b'{"x": "tampered"}'))
    with pytest.raises(RuntimeError, match="does not match its sha256"):
        store.get_version_item(KEY, 7, "EVAL")
    with pytest.raises(RuntimeError, match="INTAKE_BUCKET is not set"):
        EntityStore("entities").put_version_item(KEY, 8, "EVAL", body)


def test_given_a_body_over_the_plain_limit_then_it_is_gzip_compressed_in_the_item(backend):
    store, _ = backend
    body = json.dumps({"parts": ["same text"] * 20_000})  # ~220 KB, compresses well
    store.put_version_item(KEY, 9, "EVAL", body)
    item = _raw_item("V#0000000009#EVAL")
    assert "bodyGz" in item and len(item["bodyGz"]["B"]) < 10_000
    assert store.get_version_item(KEY, 9, "EVAL") == body


def test_given_an_object_over_the_read_limit_then_it_is_not_read_and_rejected_by_server_side_copy(backend):
    _, bucket = backend
    aws.s3().put_object(Bucket="intake-bucket", Key="submissions/big.json", Body=b"x" * 5000)
    obj = bucket.read("submissions/big.json", max_bytes=1000)
    assert (obj.data, obj.size) == (b"", 5000)
    problems = [Problem(path="$", message="too large")]
    target = bucket.reject("submissions/big.json", None, problems, "submission", obj.version_id)
    assert aws.s3().get_object(Bucket="intake-bucket", Key=target)["Body"].read() == b"x" * 5000


def test_given_two_publishers_interleaved_then_results_never_shows_an_older_version(backend, monkeypatch):
    # issue 10: publisher A read version 1 from DynamoDB; before it writes the file, B stores and publishes 2
    store, bucket = backend
    aws.s3().put_bucket_versioning(Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"})
    key = KEY.model_copy(update={"taxpayer_identification_number": "100000009"})
    assert store.put_result(key, 1, {"finalScore": 10.0, "status": "final"})
    real_get = store.get_result
    interleaved: list[bool] = []

    def a_reads_then_b_runs(k):  # type: ignore[no-untyped-def]
        got = real_get(k)
        if not interleaved:
            interleaved.append(True)
            assert store.put_result(key, 2, {"finalScore": 20.0, "status": "final"})
            assert publish_result_file(store, bucket, key) == 2  # B
        return got

    monkeypatch.setattr(store, "get_result", a_reads_then_b_runs)
    assert publish_result_file(store, bucket, key) == 2  # A: sees the newer file and stops
    versions = aws.s3().list_object_versions(Bucket=bucket.name, Prefix=result_key(key))["Versions"]
    written = []
    for v in reversed(versions):  # S3 lists the newest version first
        head = aws.s3().head_object(Bucket=bucket.name, Key=result_key(key), VersionId=v["VersionId"])
        written.append(int(head["Metadata"]["input-version"]))
    assert written == sorted(written) and written[-1] == 2  # never 2 then 1
