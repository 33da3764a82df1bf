"""What a registry engineer hits in production, end to end on moto: large result documents (DynamoDB's
400 KB item limit), files that are not JSON, TINs in logs, odd keys, entities that never submit, wrong
performance years, overwritten and deleted files."""

from __future__ import annotations

import gzip
import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from mips.pipeline import aws
from mips.pipeline import store as store_module
from mips.pipeline.driver import LocalPipeline
from mips.pipeline.events import s3_objects_from_body
from mips.pipeline.store import EntityStore
from mips.reference import load_reference

from .conftest import CONTRACT, EXAMPLES, PREFIX, drop, entity_of, expected_doc, load_case, retarget, stored

pytestmark = pytest.mark.integration
QRDA = Path(__file__).resolve().parents[3] / "shared" / "samples" / "qrda3"
SERVICES = ("ingest", "eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator")


def _bucket(lp: LocalPipeline) -> str:
    return lp.stack.bucket  # type: ignore[union-attr]


def _keys(lp: LocalPipeline, prefix: str) -> list[str]:
    pages = aws.s3().get_paginator("list_objects_v2").paginate(Bucket=_bucket(lp), Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def _errors(lp: LocalPipeline, key: str) -> dict[str, Any]:
    body = aws.s3().get_object(Bucket=_bucket(lp), Key=f"rejected/{key}.errors.json")["Body"].read()
    return json.loads(body)


def _raw_result_item(lp: LocalPipeline, docs: dict[str, Any]) -> dict[str, Any]:
    table = lp.stack.tables["EntityTable"]  # type: ignore[union-attr]
    key = {"pk": {"S": entity_of(docs).storage_id()}, "sk": {"S": "RESULT"}}
    return aws.dynamodb().get_item(TableName=table, Key=key)["Item"]


def _no_failures(lp: LocalPipeline) -> None:
    assert [i for i in lp.invocations if i.failed or i.error] == []
    assert not any(lp.dead_letters().values())


# -- 1. large result documents ------------------------------------------------------------------------------
def _rate(measure_id: str, i: int) -> dict[str, Any]:
    met = 40 + (i * 7) % 55
    return {
        "measureId": measure_id,
        "value": {
            "isEndToEndReported": True,
            "performanceMet": met,
            "performanceNotMet": 100 - met,
            "eligiblePopulation": 100,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 0,
        },
    }


def large_case(tin: str) -> dict[str, dict[str, Any]]:
    """A group reporting three options: traditional MIPS with every registry single-rate measure (~130),
    MVP G0053 (the shipped example) and MVP M0001 with every single-rate measure it lists."""
    ref = load_reference(2024)
    docs = retarget(load_case(EXAMPLES / "04-mvp-rheumatology"), tin)
    singles = sorted(
        m.measure_id
        for m in ref.measures_in("quality")
        if m.metric_type == "singlePerformanceRate"
        and "registry" in m.submission_methods
        and not m.strata
        and "mips" in m.allowed_programs
    )
    base = {s["category"]: s for s in docs["submission"]["measurementSets"]}
    m0001 = ref.mvp("M0001")
    assert m0001 is not None
    sets = list(docs["submission"]["measurementSets"])
    for program, measures in (
        ("mips", singles),
        ("M0001", [m for m in m0001.quality_measure_ids if m in singles]),
    ):
        sets.append(
            {
                **base["quality"],
                "programName": program,
                "measurements": [_rate(m, i) for i, m in enumerate(measures)],
            }
        )
        sets.append({**base["pi"], "programName": program})
    sets.append({**base["ia"], "programName": "mips"})
    ia = [{"measureId": a, "value": True} for a in m0001.ia_measure_ids[:2]]
    sets.append({**base["ia"], "programName": "M0001", "measurements": ia})
    docs["submission"]["measurementSets"] = sets
    return docs


def test_given_three_reporting_options_with_many_measures_then_the_result_flows_and_items_stay_small(lp):
    docs = large_case("600000001")
    lp.invocations.clear()
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"large/{kind}.json")
    lp.drain()
    _no_failures(lp)
    _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
    expected = expected_doc(lp, docs)
    assert ddb_doc == s3_doc == expected
    assert 1 + len(expected["alternatives"]) == 3  # three options scored, the best one chosen
    body = json.dumps(expected)
    assert len(body) > store_module._GZIP_OVER  # a body that needs more than a plain attribute...
    item = _raw_result_item(lp, docs)
    assert "bodyGz" in item and "body" not in item  # ...is stored compressed
    assert len(item["bodyGz"]["B"]) < 400_000


def test_given_bodies_too_large_even_compressed_then_they_go_to_s3_state_with_a_hash_and_still_flow(
    lp, monkeypatch
):
    """Force the S3 path for every body (no realistic file exceeds 350 KB compressed) and check the whole
    pipeline still produces the `mips score` document, reading each body back through its pointer."""
    monkeypatch.setattr(store_module, "_GZIP_OVER", 0)
    monkeypatch.setattr(store_module, "_INLINE_MAX", 0)
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "600000002")
    ingested: list[str] = []
    monkeypatch.setattr(
        lp,
        "before_invoke",
        lambda fn, event: (
            ingested.extend(r["body"] for r in event["Records"]) if fn == "IngestFunction" else None
        ),
    )
    lp.invocations.clear()
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"offload/{kind}.json")
    lp.drain()
    _no_failures(lp)
    _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
    assert ddb_doc == s3_doc == expected_doc(lp, docs)
    item = _raw_result_item(lp, docs)
    assert {"body", "bodyGz"}.isdisjoint(item) and item["bodyRef"]["S"].startswith("state/results/2024/")
    packed = aws.s3().get_object(Bucket=_bucket(lp), Key=item["bodyRef"]["S"])["Body"].read()
    assert json.loads(gzip.decompress(packed)) == ddb_doc
    assert any(k.startswith("state/versions/2024/individual/600000002/") for k in _keys(lp, "state/"))
    # state/ is not an intake prefix: writing there notified nothing
    keys = [o.key for body in ingested for o in s3_objects_from_body(body)]
    assert sorted(keys) == sorted(f"{PREFIX[kind]}offload/{kind}.json" for kind in docs)


# -- 3. files that are not JSON ------------------------------------------------------------------------------
NOT_JSON: dict[str, tuple[bytes, str]] = {
    "empty.json": (b"", "the file is empty (0 bytes)"),
    "blank.json": (b" \n\t", "blank (whitespace only)"),
    "export.json.gz": (gzip.compress(b'{"a": 1}'), "gzip-compressed data, not JSON"),
    "binary.json": (bytes(range(256)) * 64, "not UTF-8 text"),
    "deep.json": (b"[" * 200_000, "JSON nested 65 levels deep"),
    "laughs.xml": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<lolz>&lol2;</lolz>",
        "XML with a DTD, entity declaration or external reference is refused",
    ),
    "broken.xml": (b"<ClinicalDocument><title>", "not well-formed XML (line 1"),
}


def test_given_files_that_are_not_json_then_each_is_rejected_with_a_clear_reason_and_nothing_retries(lp):
    lp.invocations.clear()
    sent: dict[str, str] = {}
    for name, (data, _) in NOT_JSON.items():
        sent[name] = drop(lp, "submission", data, f"notjson/{name}")
    indv = QRDA / "App1-Indv-QRDA-III.xml"
    sent["qrda"] = drop(lp, "submission", indv.read_bytes(), "notjson/App1-Indv-QRDA-III.xml")
    negatives = sorted((QRDA / "negative").glob("*.xml"))
    for path in negatives:
        drop(lp, "submission", path.read_bytes(), f"notjson/negative/{path.name}")
    profile_xml = drop(lp, "profile", indv.read_bytes(), "notjson/profile.xml")
    lp.drain()
    _no_failures(lp)  # no exception, no retry, nothing in a dead-letter queue
    for name, (data, reason) in NOT_JSON.items():
        errors = _errors(lp, sent[name])
        assert errors["valid"] is False and errors["file"] == sent[name]
        assert reason in errors["problems"][0]["message"], name
        original = aws.s3().get_object(Bucket=_bucket(lp), Key=f"rejected/{sent[name]}")["Body"].read()
        assert original == data
    # QRDA III (issue 13): a submission is converted - the CMS sample is accepted, each negative rejected
    # with its converter problems (CMS codes); as a profile it is refused by the screening
    assert not any(k.startswith(f"rejected/{sent['qrda']}") for k in _keys(lp, "rejected/"))
    assert any("/individual/990000099/" in k and k.endswith(".json") for k in _keys(lp, "inputs/"))
    for path in negatives:
        problems = _errors(lp, f"submissions/notjson/negative/{path.name}")["problems"]
        assert problems and all(
            p["message"].startswith("[QRDA3_") or p["path"].startswith("$") for p in problems
        )
    (problem,) = [p for p in _errors(lp, profile_xml)["problems"] if p["severity"] == "error"]
    assert problem["code"] == "WRONG_KIND"  # converted QRDA III is a submission, refused as a profile
    assert problem["message"].startswith("this is a submission, expected a profile")


def test_given_a_file_over_the_size_limit_then_it_is_copied_to_rejected_without_being_read(lp, monkeypatch):
    """A 50 MB upload must not be read into a 1 GB Lambda (nor retried): S3 copies it to rejected/.
    (11 MiB here: over the 10 MiB default MAX_INPUT_BYTES of template.yaml, and quick on moto.)"""
    oversized = b'{"padding": "' + b"x" * (11 * 1024 * 1024) + b'"}'  # 11 MiB: the mechanism of 50 MB
    lp.invocations.clear()
    key = drop(lp, "submission", oversized, "huge/export.json")
    lp.drain()
    _no_failures(lp)
    (problem,) = _errors(lp, key)["problems"]
    assert problem["message"].startswith(
        f"the file is {len(oversized):,} bytes; the intake limit is 10,485,760"
    )
    head = aws.s3().head_object(Bucket=_bucket(lp), Key=f"rejected/{key}")
    assert head["ContentLength"] == len(oversized)


# -- 4. no TIN in any log line ------------------------------------------------------------------------
def test_given_the_e1_flow_and_a_failing_record_then_no_log_line_holds_the_tin_or_npi(
    lp, monkeypatch, capsys
):
    tin, npi = "600000004", "1234567893"
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), tin)
    buffer = io.StringIO()
    for fn in lp.stack.functions:  # type: ignore[union-attr]
        lp.handler(fn)  # import every function first: its powertools Logger exists from here on
    saved: dict[logging.Logger, tuple[int, list[tuple[Any, Any]]]] = {}
    for service in SERVICES:  # route every function's log lines into the buffer, at DEBUG
        logger = logging.getLogger(service)
        saved[logger] = (logger.level, [(h, h.setStream(buffer)) for h in logger.handlers])  # type: ignore[attr-defined]
        logger.setLevel(logging.DEBUG)
    module = lp.module("QualityFunction")
    real = module.handle_step_record
    failed: list[bool] = []

    def fails_once(pipeline, step, body):
        if not failed:
            failed.append(True)
            raise RuntimeError(
                f"stored input inputs/2024/individual/{tin}/{npi}/submission/x.json is missing"
            )
        return real(pipeline, step, body)

    monkeypatch.setattr(module, "handle_step_record", fails_once)
    try:
        for kind, doc in docs.items():
            drop(lp, kind, doc, f"logs/{tin}/{kind}.json")  # the registry put the TIN in the key
        drop(lp, "submission", b"", f"logs/{tin}/empty.json")  # and a rejected file
        lp.drain()
    finally:
        for logger, (level, streams) in saved.items():
            logger.setLevel(level)
            for handler, stream in streams:
                handler.setStream(stream)
    logged = buffer.getvalue() + "".join(capsys.readouterr())
    assert failed and '"record failed"' in logged and "RuntimeError" in logged
    assert (
        '"ingest: registered"' in logged
        and '"ingest: rejected"' in logged
        and '"aggregator: scored"' in logged
    )
    assert tin not in logged and npi not in logged
    assert "*****0004" in logged  # the masked form is what is left
    assert [i.error for i in lp.invocations if i.error and tin in i.error] == []
    assert stored(lp, entity_of(docs))[1] == expected_doc(lp, docs)


# -- 5. what else a registry engineer runs into -------------------------------------------------------------
def test_given_keys_with_spaces_unicode_and_plus_signs_then_they_are_decoded_and_scored(lp):
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "600000005")
    names = {
        "submission": "Clínica São Paulo/sub mission+final (1).json",
        "profile": "Clínica São Paulo/perfil ü.json",
        "cmsData": "Clínica São Paulo/cms data.json",
    }
    lp.invocations.clear()
    for kind, doc in docs.items():
        drop(lp, kind, doc, names[kind])
    lp.drain()
    _no_failures(lp)
    assert stored(lp, entity_of(docs))[1] == expected_doc(lp, docs)
    bad = drop(lp, "submission", b"{", "Clínica São Paulo/bad+file ü.json")
    lp.drain()
    assert _errors(lp, bad)["file"] == "submissions/Clínica São Paulo/bad+file ü.json"


def test_given_an_entity_that_never_submits_then_it_is_listed_as_an_orphan_and_not_scored(lp):
    """Issue 9 item 3: a profile and CMS data that match no submission are reported as an orphan
    (``pending/``), never as a scored (-9%) result row; status ``final`` needs a submission."""
    from mips.pipeline.store import orphan_keys, pending_key

    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "600000006")
    del docs["submission"]
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"nosub/{kind}.json")
    lp.drain()
    key = entity_of(docs)
    version, doc, s3_doc = stored(lp, key)
    assert (version, doc, s3_doc) == (2, None, None)
    pending = json.loads(aws.s3().get_object(Bucket=_bucket(lp), Key=pending_key(key))["Body"].read())
    assert pending["inputs"] == {
        "cmsData": "cms-data/nosub/cmsData.json",
        "profile": "profiles/nosub/profile.json",
    }
    assert pending["code"] == "ORPHAN_INPUT"
    listing = [o["Key"] for o in aws.s3().list_objects_v2(Bucket=_bucket(lp)).get("Contents", [])]
    assert pending_key(key) in orphan_keys(listing)


@pytest.mark.parametrize("year", [2023, 2027])
def test_given_inputs_for_another_performance_year_then_they_are_rejected_and_nothing_is_scored(lp, year):
    """2023 and 2027: no reference data and no rule pack (2025 and 2026 are scored now, see
    tests/golden; before that a valid 2025 profile passed ingest and crashed eligibility into the DLQ)."""
    tin = f"60000001{year % 10}"
    case = retarget(load_case(CONTRACT / "e1-standard-individual"), tin)
    docs = json.loads(json.dumps(case).replace("2024-", f"{year}-"))  # the dates of that year too
    keys = []
    for kind, doc in docs.items():
        doc["performanceYear"] = year
        keys.append(drop(lp, kind, doc, f"year{year}/{kind}.json"))
    lp.invocations.clear()
    lp.drain()
    _no_failures(lp)
    for key in keys:
        problems = _errors(lp, key)["problems"]
        assert any(p["path"] == "$.performanceYear" and str(year) in p["message"] for p in problems), key
    for y in (year, 2024):
        entity = entity_of(case).model_copy(update={"performance_year": y})
        assert EntityStore(lp.stack.tables["EntityTable"], _bucket(lp)).current_version(entity) is None  # type: ignore[union-attr]


def test_given_a_scored_file_overwritten_then_deleted_then_the_new_content_counts_and_delete_changes_nothing(
    lp,
):
    docs = retarget(load_case(CONTRACT / "e2-small-practice-pi-reweighted"), "600000007")
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"overwrite/{kind}.json")
    lp.drain()
    key = entity_of(docs)
    assert stored(lp, key)[0] == 3
    cms = json.loads(json.dumps(docs["cmsData"]))
    cms["complexPatientBonus"] = 0.0  # CMS re-issued its data: same key, new content
    drop(lp, "cmsData", cms, "overwrite/cmsData.json")
    lp.drain()
    version, doc, s3_doc = stored(lp, key)
    assert version == 4 and doc == s3_doc == expected_doc(lp, {**docs, "cmsData": cms})
    aws.s3().delete_object(Bucket=_bucket(lp), Key="cms-data/overwrite/cmsData.json")
    lp.invocations.clear()
    assert lp.drain() == 0  # deletions are not notified: the last accepted input stays in force
    assert stored(lp, key) == (version, doc, s3_doc)
