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
