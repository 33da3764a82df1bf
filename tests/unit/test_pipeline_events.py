"""The pipeline's event parsing (issue 6: S3-in-SQS double envelope, test event, emulator quirks)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mips.models import EntityKey
from mips.pipeline.events import (
    InputRef,
    PoisonMessage,
    StepMessage,
    parse_step_message,
    s3_objects_from_body,
)

EVENTS = Path(__file__).resolve().parents[2] / "events"


def _bodies(name: str) -> list[str]:
    return [r["body"] for r in json.loads((EVENTS / name).read_text())["Records"]]


def test_given_an_aws_s3_put_in_sqs_when_parsed_then_the_key_is_url_decoded_and_optional_fields_kept():
    (obj,) = s3_objects_from_body(_bodies("s3-put-in-sqs.json")[0])
    assert obj.key == "submissions/acme clinic/2024 Q4 (1).json"  # '+' is a space, %28/%29 are parentheses
    assert obj.kind == "submission"
    assert obj.version_id == "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"
    assert obj.object_identity == obj.version_id
    assert obj.size == 2048


def test_given_the_s3_test_event_when_parsed_then_there_is_no_object_to_ingest():
    assert s3_objects_from_body(_bodies("s3-test-event-in-sqs.json")[0]) == []


def test_given_the_two_events_of_a_multipart_upload_then_both_name_the_same_object():
    objs = [o for b in _bodies("s3-multipart-two-events-in-sqs.json") for o in s3_objects_from_body(b)]
    assert [o.key for o in objs] == ["profiles/big-group/profile.json"] * 2  # %2F decoded
    assert {o.event_name for o in objs} == {"ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Put"}
    assert all(o.version_id is None and o.sequencer is None for o in objs)
    assert objs[0].object_identity == objs[1].object_identity  # same ETag: one upload


def test_given_an_event_lacking_every_optional_field_then_it_still_parses():
    (obj,) = s3_objects_from_body(_bodies("s3-minimal-emulator-in-sqs.json")[0])
    assert (obj.key, obj.kind, obj.size, obj.etag, obj.object_identity) == (
        "cms-data/2024/cms-data.json",
        "cmsData",
        None,
        None,
        "",
    )


def test_given_a_key_outside_the_intake_prefixes_then_it_has_no_kind():
    body = {
        "Records": [
            {
                "eventName": "ObjectCreated:Put",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "results/x.json"}},
            }
        ]
    }
    assert s3_objects_from_body(json.dumps(body))[0].kind is None


def test_given_an_sns_wrapped_s3_event_then_it_is_unwrapped():
    inner = json.loads(_bodies("s3-put-in-sqs.json")[0])
    body = json.dumps({"Type": "Notification", "Message": json.dumps(inner)})
    assert s3_objects_from_body(body)[0].kind == "submission"


def test_given_a_removal_event_then_it_is_ignored():
    body = {
        "Records": [
            {
                "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "submissions/x"}},
            }
        ]
    }
    assert s3_objects_from_body(json.dumps(body)) == []


@pytest.mark.parametrize(
    "body",
    ["this is not JSON {", "[]", json.dumps({"Records": [{"eventName": "ObjectCreated:Put", "s3": {}}]})],
)
def test_given_a_poison_body_then_parsing_raises_poison_message(body):
    with pytest.raises(PoisonMessage):
        s3_objects_from_body(body)


def test_given_each_fanout_sample_then_it_parses_for_its_own_step_only():
    for step in ("eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator"):
        (body,) = _bodies(f"fanout-{step}.json")
        msg = parse_step_message(body, step)  # type: ignore[arg-type]
        assert (
            msg.step == step and msg.version == 3 and set(msg.inputs) == {"submission", "profile", "cmsData"}
        )
        other = "aggregator" if step != "aggregator" else "eligibility"
        with pytest.raises(PoisonMessage):
            parse_step_message(body, other)  # type: ignore[arg-type]


def test_given_a_step_message_then_it_round_trips_and_its_identity_ignores_the_inputs():
    key = EntityKey(performance_year=2024, entity_type="group", taxpayer_identification_number="987654321")
    msg = StepMessage(
        step="quality",
        entity=key,
        version=7,
        option="0-traditional",
        category="quality",
        inputs={"profile": InputRef(key="inputs/p.json", sha256="ab", source="profiles/p.json")},
    )
    again = parse_step_message(msg.to_json(), "quality")
    assert again == msg
    assert msg.business_id() == {
        "step": "quality",
        "entity": "2024#group#987654321#group",
        "version": 7,
        "option": "0-traditional",
        "category": "quality",
    }


def test_given_a_malformed_step_message_then_the_error_names_fields_but_not_values():
    body = json.dumps({"step": "quality", "entity": {"taxpayerIdentificationNumber": "123456789"}})
    with pytest.raises(PoisonMessage) as err:
        parse_step_message(body, "quality")
    assert "123456789" not in str(err.value)
    assert "version" in str(err.value)


def test_given_a_key_with_utf8_spaces_and_a_literal_plus_then_each_encoding_is_decoded():
    (obj,) = s3_objects_from_body(_bodies("s3-put-unicode-key-in-sqs.json")[0])
    # %C3%AD = í, %C3%A3 = ã, '+' = space, %2B = a literal '+', %C3%BC = ü
    assert obj.key == "submissions/Clínica São Paulo/sub mission+final ü.json"
    assert obj.kind == "submission"
