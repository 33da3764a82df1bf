"""``mips validate`` picks each file's performance year (rules-2025-2026.md: PY2025 is scored exactly)."""

from __future__ import annotations

import json
from pathlib import Path

from mips.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples" / "01-individual-clinician"


def test_given_a_2025_profile_when_validated_without_year_then_it_is_checked_as_2025(tmp_path, capsys):
    # given the example profile moved to performance year 2025
    profile = json.loads((EXAMPLE / "profile.json").read_text())
    profile["performanceYear"] = 2025
    path = tmp_path / "profile-2025.json"
    path.write_text(json.dumps(profile))
    # when it is validated with no --year
    code = main(["validate", str(path), "--json"])
    # then it is valid: its own year's reference data and rules were used
    (report,) = json.loads(capsys.readouterr().out)
    assert code == 0 and report["valid"] is True, report


def test_given_a_2025_file_and_year_2024_forced_then_the_year_problem_is_named(tmp_path, capsys):
    # given a 2025 submission and --year 2024
    sub = json.loads((EXAMPLE / "submission.json").read_text())
    sub["performanceYear"] = 2025
    for mset in sub["measurementSets"]:
        mset["performanceStart"], mset["performanceEnd"] = "2025-01-01", "2025-12-31"
    path = tmp_path / "submission-2025.json"
    path.write_text(json.dumps(sub))
    # when it is validated against 2024 on purpose
    code = main(["validate", str(path), "--year", "2024", "--json"])
    # then the dates are outside the 2024 performance year: invalid, and said so
    (report,) = json.loads(capsys.readouterr().out)
    assert code == 1 and any("2024-01-01" in p["message"] for p in report["problems"]), report


def _ecqm_submission(year: int, cehrt: bool) -> dict:
    sub = json.loads((EXAMPLE / "submission.json").read_text())
    sub["performanceYear"] = year
    for mset in sub["measurementSets"]:
        mset["performanceStart"], mset["performanceEnd"] = f"{year}-01-01", f"{year}-12-31"
        if mset["category"] == "quality" and mset["submissionMethod"] == "electronicHealthRecord":
            if cehrt:
                mset["cehrtId"] = "0015C01234567AB"
            else:
                mset.pop("cehrtId", None)
    return sub


def test_given_a_2025_ecqm_set_without_cehrt_id_then_it_is_an_error_but_not_in_2024(ref):
    """rules-2025-2026 "eCQM CEHRT ID" (SUBDOCS25): required from PY2025; not enforced for 2024."""
    from mips.reference import load_reference
    from mips.validation import validate_document

    # given an eCQM quality set with no cehrtId, in 2025 and in 2024
    doc25, doc24 = _ecqm_submission(2025, cehrt=False), _ecqm_submission(2024, cehrt=False)
    assert any(m["submissionMethod"] == "electronicHealthRecord" for m in doc25["measurementSets"])
    # when each is validated against its own year
    r25 = validate_document(json.dumps(doc25).encode(), load_reference(2025), kind="submission")
    r24 = validate_document(json.dumps(doc24).encode(), ref, kind="submission")
    # then 2025 names the missing CEHRT ID as an error at the set's path; 2024 does not
    missing25 = [p for p in r25.errors if p.code == "MISSING_CEHRT_ID"]
    assert missing25 and missing25[0].path.endswith(".cehrtId") and "eCQM" in missing25[0].message
    assert not [p for p in r24.errors if p.code == "MISSING_CEHRT_ID"]
    # and with the CEHRT ID the 2025 error is gone
    ok25 = validate_document(
        json.dumps(_ecqm_submission(2025, cehrt=True)).encode(), load_reference(2025), kind="submission"
    )
    assert not [p for p in ok25.errors if p.code == "MISSING_CEHRT_ID"]
