"""``mips bench`` smoke: it runs and prints its figures (no timing assertions: targets stay in the bench)."""

from __future__ import annotations

import json
import random

from mips.bench import _vary, generate_entities
from mips.cli import main
from mips.validation import validate_document


def test_given_quick_mode_when_bench_runs_then_it_prints_every_figure(capsys):
    assert main(["bench", "--quick", "--count", "10"]) == 0
    out = capsys.readouterr().out
    for name in (
        "reference load, cold",
        "parse only (pydantic)",
        "validate (full)",
        "validate cost / parse-only cost",
    ):
        assert name in out


def test_given_json_flag_when_bench_runs_then_figures_are_json_with_units(capsys):
    assert main(["bench", "--quick", "--count", "5", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    units = {f["name"]: f["unit"] for f in doc["figures"]}
    assert units["validate (full)"] == "files/s" and units["reference load, cold"] == "ms"
    assert all(f["value"] > 0 for f in doc["figures"])
    assert not any("invalid" in n for n in doc["notes"])


def test_given_a_bad_count_when_bench_runs_then_usage_error_2(capsys):
    assert main(["bench", "--count", "0"]) == 2


def test_given_generated_submissions_when_validated_then_all_valid_and_varied(ref):
    entities = generate_entities(12, seed=7)
    assert all(validate_document(e.submission_json, ref, kind="submission").valid for e in entities)
    assert len({e.submission_json for e in entities}) == 12


def test_given_a_single_rate_when_varied_then_counts_still_fit_the_eligible_population():
    value = {
        "performanceMet": 60,
        "performanceNotMet": 30,
        "eligiblePopulation": 100,
        "eligiblePopulationExclusion": 6,
        "eligiblePopulationException": 4,
    }
    v = _vary(value, random.Random(1))
    parts = (
        v["performanceMet"]
        + v["performanceNotMet"]
        + v["eligiblePopulationExclusion"]
        + v["eligiblePopulationException"]
    )
    assert parts <= v["eligiblePopulation"] <= parts + 20
