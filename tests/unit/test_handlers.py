"""The Lambda handlers (issue 6 item 2): envelope handling and partial batch responses, no AWS needed."""

from __future__ import annotations

import importlib.util
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mips.pipeline import aws
from mips.pipeline.driver import LambdaContext, _environment

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
LOCAL = {
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}


@pytest.fixture(autouse=True)
def local_env() -> Iterator[None]:
    with _environment(LOCAL):
        yield


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(
        f"test_fn_{name}_{uuid.uuid4().hex}", ROOT / "functions" / name / "app.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ctx(name: str) -> LambdaContext:
    return LambdaContext(
        function_name=name,
        memory_limit_in_mb=1024,
        timeout_s=120,
        invoked_function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
    )


def _event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def test_importing_every_handler_creates_no_aws_client():
    aws.reset()
    for name in ("ingest", "eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator"):
        _load(name)
    assert aws._clients == {}


def test_given_the_s3_test_event_then_ingest_acknowledges_it_without_touching_aws():
    aws.reset()
    response = _load("ingest").lambda_handler(_event("s3-test-event-in-sqs.json"), _ctx("ingest"))
    assert response == {"batchItemFailures": []}
    assert aws._clients == {}


def test_given_a_poison_record_among_good_ones_then_only_it_is_reported_failed():
    module = _load("ingest")
    event = _event("s3-test-event-in-sqs.json")
    poison = _event("poison-in-sqs.json")["Records"][0]
    event["Records"] = [
        event["Records"][0],
        poison,
        {**event["Records"][0], "messageId": "second-test-event"},
    ]
    response = module.lambda_handler(event, _ctx("ingest"))
    assert response == {"batchItemFailures": [{"itemIdentifier": poison["messageId"]}]}


def test_given_each_s3_object_then_ingest_calls_the_domain_once_per_object(monkeypatch):
    module = _load("ingest")
    seen: list[str] = []
    monkeypatch.setattr(module, "ingest_object", lambda p, obj: seen.append(obj.key) or _Outcome())
    response = module.lambda_handler(_event("s3-multipart-two-events-in-sqs.json"), _ctx("ingest"))
    assert response == {"batchItemFailures": []}
    assert seen == ["profiles/big-group/profile.json"] * 2


class _Outcome:
    status = "registered"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status}


@pytest.mark.parametrize("step", ["eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator"])
def test_given_a_fanout_event_then_the_step_handler_runs_its_step_on_the_body(step, monkeypatch):
    module = _load(step)
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        module, "handle_step_record", lambda p, s, body: calls.append((s, body)) or _Outcome()
    )
    event = _event(f"fanout-{step}.json")
    assert module.lambda_handler(event, _ctx(step)) == {"batchItemFailures": []}
    assert calls == [(step, event["Records"][0]["body"])]


def test_given_a_crash_on_the_second_of_three_records_then_only_it_is_retried(monkeypatch):
    module = _load("quality")
    record = _event("fanout-quality.json")["Records"][0]
    records = []
    for i in range(3):
        body = json.loads(record["body"])
        body["version"] = i
        records.append({**record, "messageId": f"m{i}", "body": json.dumps(body)})

    def crash_on_second(p: Any, s: str, body: str) -> _Outcome:
        if json.loads(body)["version"] == 1:
            raise RuntimeError("simulated crash")
        return _Outcome()

    monkeypatch.setattr(module, "handle_step_record", crash_on_second)
    response = module.lambda_handler({"Records": records}, _ctx("quality"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_given_a_message_for_another_step_then_the_real_step_handler_fails_it():
    """A batch whose every record failed raises (powertools), so Lambda retries the whole batch."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with pytest.raises(BatchProcessingError, match="All records failed"):
        _load("quality").lambda_handler(_event("fanout-cost.json"), _ctx("quality"))


def test_given_an_outcome_with_a_tin_in_a_key_when_logged_then_only_its_last_4_digits_remain():
    """Security standard: no full TIN in logs, even inside a registry's file name."""
    from mips.pipeline.handler import redact

    logged = redact({"rejected": "rejected/submissions/123456789-2024.json", "errors": 3, "n": ["987654321"]})
    assert logged == {"rejected": "rejected/submissions/*****6789-2024.json", "errors": 3, "n": ["*****4321"]}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("tin 12-3456789 here", "tin *****6789 here"),  # EIN format
        ("ssn-style 123-45-6789.", "ssn-style *****6789."),  # an individual's TIN may be an SSN
        ("npi 1234567893", "npi *****7893"),
        ("version 2024 and 12345678 (8 digits)", "version 2024 and 12345678 (8 digits)"),
    ],
)
def test_redact_masks_every_tin_format_and_leaves_short_numbers(text, masked):
    from mips.pipeline.handler import redact

    assert redact(text) == masked


def test_given_a_record_that_fails_with_a_tin_in_its_error_then_neither_the_log_nor_the_raised_error_holds_it(
    monkeypatch, capsys
):
    """The failure is logged and re-raised redacted (powertools prints a whole-batch failure's text)."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    with _environment({"POWERTOOLS_LOG_LEVEL": "INFO", "POWERTOOLS_SERVICE_NAME": "redact-test"}):
        module = _load("quality")

    def crash(p: Any, s: str, body: str) -> None:
        raise RuntimeError("stored input inputs/2024/group/987650123/group/submission/x.json is missing")

    monkeypatch.setattr(module, "handle_step_record", crash)
    with pytest.raises(BatchProcessingError) as raised:
        module.lambda_handler(_event("fanout-quality.json"), _ctx("quality"))
    logged = "".join(capsys.readouterr())
    assert "record failed" in logged and "*****0123" in logged
    assert "987650123" not in logged and "987650123" not in str(raised.value)
    assert "*****0123" in str(raised.value)
