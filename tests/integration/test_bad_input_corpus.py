"""Issue 9 done-when: every bad input of ``tests/corpus/bad/`` ends, through ``mips validate``, ``mips score``
and the event pipeline, as a result or a rejection report with the expected message and code: zero
tracebacks, zero dead letters.

The pipeline runs once for the whole corpus (one moto stack, every file dropped, one drain); each case is
then one parametrised test reading its outcome. Given a case's file as the kind of its ``as`` (intake
prefix, ``mips score`` flag), when it goes through an entry point, then the outcome is its ``outcome``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mips.cli import main
from mips.pipeline import aws
from mips.pipeline.driver import LocalPipeline, _environment
from mips.pipeline.store import orphan_keys
from mips.problems import ProblemCode
from mips.qrda3.codes import ProblemCode as QrdaProblemCode
from mips.validation import validate_path

from .conftest import FAKE_ENV, PREFIX

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GOOD_SUBMISSION = (
    Path(__file__).resolve().parents[2] / "shared/mips/examples/01-individual-clinician/submission.json"
)
CASES = sorted(p.name for p in (CORPUS / "bad").iterdir() if (p / "case.json").is_file())
FLAGS = {"profile": "--profile", "cmsData": "--cms-data"}

pytestmark = pytest.mark.xdist_group(name="bad-input-corpus")  # one worker: one pipeline run


def _case(name: str) -> dict[str, Any]:
    meta = json.loads((CORPUS / "bad" / name / "case.json").read_text())
    meta["path"] = CORPUS / "bad" / name / meta["file"]
    meta["key"] = f"{PREFIX[meta['as']]}corpus/{name}/{meta['file']}"
    return meta


def test_the_corpus_holds_at_least_60_cases_with_known_codes():
    assert len(CASES) >= 60
    for name in CASES:
        meta = _case(name)
        assert meta["outcome"] in {"rejected", "result", "orphan"}, name
        if meta["outcome"] != "orphan":
            known = {*ProblemCode.__members__, *(c.code for c in QrdaProblemCode)}
            assert meta["code"] in known, name


@pytest.fixture(scope="module")
def pipeline_run() -> Iterator[dict[str, Any]]:
    """Drop every corpus file under its prefix, drain once, and collect what the pipeline made of it."""
    from moto import mock_aws

    with _environment(FAKE_ENV), mock_aws():
        aws.reset()
        lp = LocalPipeline(stack_name="mips-corpus")
        lp.provision()
        for name in CASES:
            meta = _case(name)
            lp.put_object(meta["key"], meta["path"].read_bytes())
        lp.drain()
        bucket = lp.stack.bucket  # type: ignore[union-attr]
        keys: list[str] = []
        for page in aws.s3().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys.extend(o["Key"] for o in page.get("Contents", []))

        def read(key: str) -> Any:
            return json.loads(aws.s3().get_object(Bucket=bucket, Key=key)["Body"].read())

        yield {
            "keys": set(keys),
            "errors": {
                k.removeprefix("rejected/").removesuffix(".errors.json"): read(k)
                for k in keys
                if k.endswith(".errors.json")
            },
            "results": [read(k) for k in keys if k.startswith("results/") and "/clinician/" not in k],
            "orphans": set(orphan_keys(keys)),
            "failed": [i for i in lp.invocations if i.failed or i.error],
            "dead": {q: n for q, n in lp.dead_letters().items() if n},
        }
        aws.reset()


def _tin(path: Path) -> str:
    doc = json.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    return doc["taxpayerIdentificationNumber"]


def _has(problems: list[dict[str, Any]], meta: dict[str, Any]) -> bool:
    return any(p.get("code") == meta["code"] and meta["message"] in p["message"] for p in problems)


@pytest.mark.parametrize("name", CASES)
def test_given_a_bad_input_then_validate_score_and_the_pipeline_agree_on_a_precise_outcome(
    name, pipeline_run, capsys, ref
):
    meta = _case(name)
    path, outcome = meta["path"], meta["outcome"]

    # mips validate (library view: the report with its codes), given the kind of its prefix/flag
    report = validate_path(path, ref, kind=meta["as"])
    problems = [p.model_dump(mode="json") for p in report.problems]
    if outcome == "rejected":
        assert not report.valid and _has(problems, meta), problems
    else:
        assert report.valid, problems
        if outcome == "result":
            assert _has([p for p in problems if p["severity"] == "warning"], meta), problems

    # mips score: the file under its flag (a profile / CMS-data case beside the good example submission)
    argv = (
        ["score", str(path)]
        if meta["as"] == "submission"
        else ["score", str(GOOD_SUBMISSION), FLAGS[meta["as"]], str(path)]
    )
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if outcome == "result":
        doc = json.loads(out)
        assert code == 0 and meta["message"] in err
        assert any(w["code"] == meta["code"] and meta["message"] in w["message"] for w in doc["warnings"])
    else:
        assert code == 1 and out == "", err
        assert meta.get("score", meta.get("message")) in err, err

    # the pipeline: a rejection report, a result with the warning, or an orphan listing; never a failure
    assert pipeline_run["failed"] == [] and pipeline_run["dead"] == {}
    if outcome == "rejected":
        errors = pipeline_run["errors"].get(meta["key"])
        assert errors is not None, f"no rejection report for {meta['key']}"
        assert errors["valid"] is False and _has(errors["problems"], meta), errors
    elif outcome == "result":
        tin = _tin(path)
        (doc,) = [d for d in pipeline_run["results"] if d["entity"]["taxpayerIdentificationNumber"] == tin]
        assert doc["status"] == "preliminary"  # a submission alone is never final
        assert any(w["code"] == meta["code"] and meta["message"] in w["message"] for w in doc["warnings"])
    else:
        tin = _tin(path)
        assert not any(d["entity"]["taxpayerIdentificationNumber"] == tin for d in pipeline_run["results"])
        assert any(f"/{tin}/" in k for k in pipeline_run["orphans"]), pipeline_run["orphans"]
        assert meta["key"] not in pipeline_run["errors"]


def test_given_the_traversal_entity_id_then_no_key_outside_its_entity_is_written(pipeline_run):
    """Issue 9 item 4: ``../../group/000000005/group`` is rejected, so nothing is stored under it."""
    assert "rejected/submissions/corpus/entity-id-traversal/input.json.errors.json" in pipeline_run["keys"]
    assert not any(".." in k.split("/") for k in pipeline_run["keys"] if not k.startswith("rejected/"))
    assert not any(k.startswith("results/2024/group/000000005/") for k in pipeline_run["keys"])
