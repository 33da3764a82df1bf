"""Issue #12: `mips score` scores PY2025 and PY2026 inputs (golden case inputs written to files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mips.cli import main

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize(
    ("year", "case", "status", "final_score"),
    [
        (2025, "payment-positive-uses-estimated-scaling-factor", "final", 100.0),
        (2026, "preview-cost-mock-benchmarks-not-used", "preview", 100.0),
    ],
)
def test_given_later_year_files_when_scored_then_the_document_carries_the_year_status_and_estimate(
    tmp_path, capsys, year, case, status, final_score
):
    inputs = json.loads((GOLDEN / str(year) / f"{case}.json").read_text())["inputs"]
    paths = {}
    for kind, doc in inputs.items():
        paths[kind] = tmp_path / f"{kind}.json"
        paths[kind].write_text(json.dumps(doc))
    args = ["score", str(paths["submission"]), "--profile", str(paths["profile"])]
    args += ["--cms-data", str(paths["cmsData"]), "--json"]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["performanceYear"], doc["paymentYear"], doc["status"]) == (year, year + 2, status)
    assert doc["finalScore"] == final_score
    assert doc["paymentAdjustment"]["estimated"] is True
    assert doc["versions"]["rules"] == str(year)


def test_given_a_2025_file_when_scored_as_text_then_the_adjustment_says_it_is_an_estimate(tmp_path, capsys):
    inputs = json.loads((GOLDEN / "2025" / "payment-positive-uses-estimated-scaling-factor.json").read_text())
    sub = tmp_path / "s.json"
    sub.write_text(json.dumps(inputs["inputs"]["submission"]))
    prof = tmp_path / "p.json"
    prof.write_text(json.dumps(inputs["inputs"]["profile"]))
    assert main(["score", str(sub), "--profile", str(prof)]) == 0
    out = capsys.readouterr().out
    assert "MIPS 2025 score (payment year 2027)" in out
    assert "ESTIMATE: the 2027 scaling factor is not published" in out
