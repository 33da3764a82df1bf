"""``mips score`` (contract 3): spec 14 examples end to end through ``mips.cli.main([... "--json"])``,
the text report, and precise refusals (exit 1) / usage errors (exit 2) - never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mips.cli import main

from .test_engine import e19_inputs


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["score", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def contract_args(samples_dir: Path, example: str) -> list[str]:
    d = samples_dir / "contract" / example
    return [
        str(d / "submission.json"),
        "--profile",
        str(d / "profile.json"),
        "--cms-data",
        str(d / "cms-data.json"),
    ]


@pytest.mark.parametrize("example", ["e1-standard-individual", "e2-small-practice-pi-reweighted"])
def test_contract_examples_match_expected_summary(capsys, samples_dir, example):
    """spec 14 E1 (78.8645, +0.1623) and E2 (79.8575, +0.2040), tolerance 0.01 (samples/contract/README)."""
    code, out, err = run(capsys, *contract_args(samples_dir, example), "--json")
    assert code == 0, err
    doc = json.loads(out)
    expected = json.loads((samples_dir / "contract" / example / "expected-summary.json").read_text())
    assert doc["finalScore"] == pytest.approx(expected["finalScore"], abs=0.01)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(
        expected["paymentAdjustment"]["percent"], abs=0.01
    )
    for cat, exp in expected["categories"].items():
        if exp["score"] is None:
            assert doc["categories"][cat]["score"] is None and doc["categories"][cat]["reweighted"]
        else:
            assert doc["categories"][cat]["score"] == pytest.approx(exp["score"], abs=0.01)


def test_json_output_is_exactly_the_contract_document(capsys, samples_dir):
    code, out, _ = run(capsys, *contract_args(samples_dir, "e2-small-practice-pi-reweighted"), "--json")
    assert code == 0
    doc = json.loads(out)
    # issue 9 item 7: validation warnings travel in the optional ``warnings`` list
    assert all(set(w) == {"path", "message", "code", "input"} for w in doc.get("warnings", []))
    assert set(doc) - {"warnings"} == {
        "performanceYear",
        "paymentYear",
        "entity",
        "reportingOption",
        "status",
        "eligibility",
        "specialStatuses",
        "categories",
        "complexPatientBonus",
        "finalScore",
        "paymentAdjustment",
        "explanation",
        "alternatives",
        "versions",
    }
    assert doc["paymentYear"] == 2026 and doc["status"] == "final"
    assert doc["specialStatuses"] == ["smallPractice"]
    assert doc["categories"]["pi"] == {
        "score": None,
        "weight": 0.0,
        "reweighted": True,
        "reweightingReason": "smallPractice",
        "points": None,
        "maxPoints": None,
    }
    # E2 weights Q40/C30/IA30 (spec 3.2)
    assert [doc["categories"][c]["weight"] for c in ("quality", "cost", "ia")] == [40.0, 30.0, 30.0]
    assert doc["paymentAdjustment"] == {"paymentYear": 2026, "percent": 0.204, "direction": "positive"}
    assert doc["explanation"]["name"] == "total" and doc["explanation"]["value"] == doc["finalScore"]


def test_e19_through_the_cli(capsys, tmp_path):
    """spec 14 E19: only IA scored -> final score 75, adjustment 0."""
    paths = []
    for name, model in zip(("s.json", "p.json", "c.json"), e19_inputs(), strict=True):
        path = tmp_path / name
        path.write_text(model.model_dump_json(by_alias=True))
        paths.append(str(path))
    code, out, err = run(capsys, paths[0], "--profile", paths[1], "--cms-data", paths[2], "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["finalScore"] == 75.0
    assert doc["paymentAdjustment"] == {"paymentYear": 2026, "percent": 0.0, "direction": "neutral"}
    assert doc["categories"]["ia"]["weight"] == 100.0


def test_text_report_is_the_default(capsys, samples_dir):
    code, out, _ = run(capsys, *contract_args(samples_dir, "e2-small-practice-pi-reweighted"))
    assert code == 0
    assert "Final score:           79.8575" in out
    assert "Payment adjustment 2026: +0.2040% (positive)" in out
    assert "Special statuses:  smallPractice" in out
    assert "yes: small practice" in out
    # largest gaps: 047 failed data completeness -> 3 of 10; (10 - 3)/60 x 40 = 4.6667 final-score points
    assert "4.6667  Quality measure 047: 3.0000 of 10 points" in out


def test_without_cms_data_result_is_preliminary(capsys, samples_dir):
    d = samples_dir / "contract" / "e1-standard-individual"
    code, out, _ = run(capsys, str(d / "submission.json"), "--profile", str(d / "profile.json"), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["status"] == "preliminary"
    assert doc["categories"]["cost"]["reweighted"]


QPP_JSON_REFUSALS = {
    "scoring-example-output-aci.json": "scoring-engine OUTPUT",
    "scoring-example-output-ia.json": "scoring-engine OUTPUT",
    "scoring-example-output-quality.json": "scoring-engine OUTPUT",
    "scoring-example-submission-input.json": "no scoring rules for 2017",
    "submission-example-aci.json": "placeholder",
    "submission-example-ia.json": "placeholder",
    "submission-example-quality.json": "placeholder",
}


@pytest.mark.parametrize("name", sorted(QPP_JSON_REFUSALS))
def test_qpp_json_samples_are_refused_with_a_precise_reason(capsys, samples_dir, name):
    """Issue 5: each sample either scores or explains precisely why it cannot (exit 1, no traceback)."""
    code, out, err = run(capsys, str(samples_dir / "qpp-json" / name))
    assert code == 1
    assert QPP_JSON_REFUSALS[name] in err
    assert "Traceback" not in err and out == ""


def test_every_qpp_json_sample_is_covered(samples_dir):
    assert {p.name for p in (samples_dir / "qpp-json").glob("*.json")} == set(QPP_JSON_REFUSALS)


def test_missing_file_is_a_usage_error(capsys, tmp_path):
    code, _, err = run(capsys, str(tmp_path / "nope.json"))
    assert code == 2 and "not found" in err


def test_missing_argument_is_a_usage_error(capsys):
    assert main(["score"]) == 2


def test_invalid_json_names_line_and_column(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"performanceYear": 2024,\n  "entityType": }')
    code, _, err = run(capsys, str(bad))
    assert code == 1 and "line 2 column" in err


def test_invalid_field_names_the_json_path(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "performanceYear": 2024,
                "entityType": "individual",
                "taxpayerIdentificationNumber": "1",
                "measurementSets": [
                    {
                        "category": "ia",
                        "submissionMethod": "registry",
                        "measurements": [{"measureId": "IA_EPA_1", "value": {"foo": 1}}],
                    }
                ],
            }
        )
    )
    code, _, err = run(capsys, str(bad))
    assert code == 1 and "$.measurementSets[0].measurements[0].value" in err


def test_profile_for_another_entity_exits_1(capsys, samples_dir, tmp_path):
    d = samples_dir / "contract" / "e1-standard-individual"
    prof = json.loads((d / "profile.json").read_text())
    prof["taxpayerIdentificationNumber"] = "999888777"
    p = tmp_path / "profile.json"
    p.write_text(json.dumps(prof))
    code, _, err = run(capsys, str(d / "submission.json"), "--profile", str(p))
    assert code == 1 and "do not match" in err and "profile" in err


def test_text_report_names_failed_pi_requirements_once(capsys, samples_dir, tmp_path):
    """spec 6.1: no CEHRT ID -> PI 0; the report gives one entry worth the PI weight (25 points)."""
    d = samples_dir / "contract" / "e1-standard-individual"
    sub = json.loads((d / "submission.json").read_text())
    for ms in sub["measurementSets"]:
        ms.pop("cehrtId", None)
    path = tmp_path / "submission.json"
    path.write_text(json.dumps(sub))
    code, out, _ = run(
        capsys, str(path), "--profile", str(d / "profile.json"), "--cms-data", str(d / "cms-data.json")
    )
    assert code == 0
    assert out.count("PI scored 0: requirement(s) not met (cehrtId") == 1
    assert "25.0000  PI scored 0" in out
    # 0.30 x 66.5968 + 0.30 x 72.9515 + 0.15 x 100 + 0.25 x 0 = 56.8645
    assert "Final score:           56.8645" in out


def test_unknown_2024_measure_id_is_refused_by_validation(capsys, tmp_path):
    """An IA id that is not in the 2024 inventory: exit 1 naming the JSON path (mips.validation checks)."""
    bad = tmp_path / "s.json"
    bad.write_text(
        json.dumps(
            {
                "performanceYear": 2024,
                "entityType": "individual",
                "taxpayerIdentificationNumber": "111222333",
                "nationalProviderIdentifier": "1234567893",
                "measurementSets": [
                    {
                        "category": "ia",
                        "submissionMethod": "registry",
                        "performanceStart": "2024-01-01",
                        "performanceEnd": "2024-12-31",
                        "measurements": [{"measureId": "IA_XYZ_99", "value": True}],
                    }
                ],
            }
        )
    )
    code, out, err = run(capsys, str(bad))
    assert code == 1 and out == ""
    assert "$.measurementSets[0].measurements[0].measureId" in err and "IA_XYZ_99" in err
