"""The whole pipeline on two independent AWS emulators as real endpoints (issue 16).

moto server (moto's backends over HTTP) and LocalStack (its own S3 and SQS, DynamoDB Local) each run
the shipped examples; every result must equal what `mips score` computes
in-process (mips.engine) and what the in-process moto run produces. Needs `make emulators-up`; run
with `make test-endpoints` (deselected from `make test`). An emulator that is not up fails the test:
selecting these tests means asking for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mips.cli.run_local import run_pipeline
from mips.pipeline.store import result_key
from mips.pipeline.targets import TargetError, check_localstack, reset_moto_server, resolve

from .conftest import EXAMPLES, entity_of, expected_doc, load_case

pytestmark = [pytest.mark.endpoint, pytest.mark.xdist_group("endpoints")]
EMULATORS = ("moto-server", "localstack")


def _cases() -> list[Path]:
    """The shipped examples: an individual, groups (one with HWR, one MVP), an APP APM entity."""
    folders = sorted(p for p in EXAMPLES.iterdir() if (p / "submission.json").is_file())
    return [f for f in folders if "bad" not in f.name]


def _files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*.json"))


def _require(target: str) -> None:
    where = resolve(target)
    assert where.endpoint_url is not None
    try:
        if target == "moto-server":
            reset_moto_server(where.endpoint_url)
        else:
            check_localstack(where.endpoint_url)
    except TargetError as exc:
        pytest.fail(f"{exc} (the endpoint tests need the emulators: make test-endpoints)")


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> dict[str, Any]:
    return run_pipeline(_files(), tmp_path_factory.mktemp("moto"), target="moto")


@pytest.fixture(scope="module", params=EMULATORS)
def on_emulator(request, tmp_path_factory) -> tuple[str, dict[str, Any]]:
    _require(request.param)
    return request.param, run_pipeline(_files(), tmp_path_factory.mktemp(request.param), target=request.param)


def test_given_the_examples_on_an_emulator_then_every_result_equals_mips_score(on_emulator):
    target, summary = on_emulator
    cases = _cases()
    keys = {result_key(entity_of(load_case(c))): c for c in cases}
    assert len(keys) == len(cases), "two cases share an entity"
    assert set(summary["results"]) == set(keys), target
    for key, case in keys.items():
        assert summary["results"][key] == expected_doc(None, load_case(case)), f"{target}: {case.name}"  # type: ignore[arg-type]
        assert summary["results"][key]["status"] == "final"
    assert summary["deadLetters"] == {}, target


def test_given_a_bad_file_on_an_emulator_then_it_is_rejected_with_its_reasons(on_emulator):
    target, summary = on_emulator
    (bad,) = [k for k in summary["rejected"] if "06-bad-submission" in k]
    problems = summary["rejected"][bad]["problems"]
    assert summary["rejected"][bad]["valid"] is False and problems, target
    assert any("check digit" in p["message"] for p in problems)


def test_given_the_same_files_then_the_emulator_run_equals_the_in_process_run(on_emulator, in_process):
    target, summary = on_emulator
    assert summary["results"] == in_process["results"], target
    strip = ("rejectedAt",)

    def problems(run: dict[str, Any]) -> dict[str, Any]:
        return {k: {f: v for f, v in doc.items() if f not in strip} for k, doc in run["rejected"].items()}

    assert problems(summary) == problems(in_process), target
