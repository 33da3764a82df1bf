"""Issue 10 defect 1: the scored input of a kind is the newest upload, never decided by S3 LastModified
(one-second resolution). AWS documents the S3 event ``sequencer`` as the order of events of one key (hex,
compare after right-padding the shorter with zeros); across keys the event time (milliseconds) orders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mips.models import EntityKey
from mips.pipeline import aws
from mips.pipeline.driver import _environment
from mips.pipeline.events import InputRef
from mips.pipeline.store import EntityStore, UploadOrder, newer_upload

KEY = EntityKey(performance_year=2024, entity_type="group", taxpayer_identification_number="123456789")
ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
SECOND = 1_700_000_000_000  # every upload below has this LastModified (same second)


@pytest.fixture(scope="module")
def store() -> Iterator[EntityStore]:
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
        yield EntityStore("entities")
        aws.reset()


def _ref(sha: str, source: str = "profiles/p.json") -> InputRef:
    return InputRef(key=f"inputs/profile/{sha}.json", sha256=sha, source=source)


def test_sequencers_compare_as_hex_after_right_padding():
    older = UploadOrder(source="k", sequencer="0055AED6DCD90281E5", time_ms=SECOND)
    newer = UploadOrder(source="k", sequencer="0055AED6DCD90281E6", time_ms=SECOND)
    longer = UploadOrder(source="k", sequencer="0055AED6DCD90281E501", time_ms=SECOND)
    assert newer_upload(newer, older) and not newer_upload(older, newer)
    assert newer_upload(longer, older)  # "...E5" padded to "...E500" < "...E501"
    assert not newer_upload(older, longer)


def test_given_one_key_uploaded_twice_in_one_second_when_events_arrive_reversed_then_the_newer_wins(store):
    key = KEY.model_copy(update={"taxpayer_identification_number": "200000001"})
    second = UploadOrder(source="profiles/p.json", sequencer="0055AED6DCD90281E6", time_ms=SECOND)
    first = UploadOrder(source="profiles/p.json", sequencer="0055AED6DCD90281E5", time_ms=SECOND)
    assert store.register_input(key, "profile", _ref("v2"), order=second).status == "new"
    late = store.register_input(key, "profile", _ref("v1"), order=first)
    assert late.status == "stale" and late.inputs["profile"].sha256 == "v2"


def test_given_two_keys_in_one_second_when_events_arrive_reversed_then_the_later_event_time_wins(store):
    key = KEY.model_copy(update={"taxpayer_identification_number": "200000002"})
    newer = UploadOrder(source="profiles/b.json", sequencer=None, time_ms=SECOND + 420)
    older = UploadOrder(source="profiles/a.json", sequencer=None, time_ms=SECOND + 17)
    assert store.register_input(key, "profile", _ref("b", "profiles/b.json"), order=newer).status == "new"
    late = store.register_input(key, "profile", _ref("a", "profiles/a.json"), order=older)
    assert (late.status, late.version) == ("stale", 1)
    assert late.inputs["profile"].sha256 == "b"


def test_given_a_newer_upload_after_the_current_one_then_it_bumps_the_version(store):
    key = KEY.model_copy(update={"taxpayer_identification_number": "200000003"})
    a = UploadOrder(source="profiles/p.json", sequencer="0A", time_ms=SECOND)
    b = UploadOrder(source="profiles/p.json", sequencer="0B", time_ms=SECOND)
    assert store.register_input(key, "profile", _ref("a"), order=a).version == 1
    assert store.register_input(key, "profile", _ref("a"), order=b).status == "duplicate"
    reg = store.register_input(key, "profile", _ref("b"), order=b)
    assert (reg.status, reg.version) == ("new", 2)
