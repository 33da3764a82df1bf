"""``mips bench`` smoke: it runs and prints its figures (no timing assertions: targets stay in the bench)."""

from __future__ import annotations

import json
import random

from mips.bench import BenchReport, _vary, batch_figures, cold_start, generate_entities, write_batch_file
from mips.cli import main
from mips.validation import validate_document

QUICK = [
    "bench",
    "--quick",
    "--load-runs",
    "1",
    "--batch-sizes",
    "0",
    "--cold-runs",
    "0",
    "--pipeline-entities",
    "0",
]


def test_given_quick_mode_when_bench_runs_then_it_prints_every_figure(capsys, tmp_path):
    assert main([*QUICK, "--count", "10", "--repeat", "2", "--out", str(tmp_path / "r.json")]) == 0
    out = capsys.readouterr().out
    for name in (
        "reference load, cold",
        "parse only (pydantic)",
        "validate (full)",
        "validate cost / parse-only cost",
        "kernel: bytes -> result doc",
        "kernel / json.loads",
        "kernel / pydantic parse",
    ):
        assert name in out


def test_given_json_flag_when_bench_runs_then_figures_are_json_with_units(capsys, tmp_path):
    assert main([*QUICK, "--count", "5", "--repeat", "1", "--json", "--out", str(tmp_path / "r.json")]) == 0
    doc = json.loads(capsys.readouterr().out)
    units = {f["name"]: f["unit"] for f in doc["figures"]}
    assert units["validate (full)"] == "files/s" and units["reference load, cold"] == "ms"
    assert units["kernel: bytes -> result doc"] == "entities/s" and units["kernel / json.loads"] == "ratio"
    assert all(f["value"] > 0 for f in doc["figures"])
    assert not any("invalid" in n for n in doc["notes"])


def test_given_several_runs_when_bench_writes_results_then_each_figure_has_median_spread_machine_date(
    capsys, tmp_path
):
    out = tmp_path / "bench" / "results.json"
    assert main([*QUICK, "--count", "5", "--repeat", "3", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert {"date", "machine", "settings", "figures", "notes"} <= set(doc)
    assert doc["machine"]["cpuCount"] >= 1 and doc["machine"]["python"].count(".") == 2
    assert doc["settings"]["repeat"] == 3 and doc["settings"]["count"] == 5
    kernel = next(f for f in doc["figures"] if f["name"] == "kernel: bytes -> result doc")
    assert kernel["runs"] == 3 and kernel["min"] <= kernel["value"] <= kernel["max"]
    # a ratio is the median of per-round ratios: it lies within their spread, not derived afterwards
    ratio = next(f for f in doc["figures"] if f["name"] == "kernel / json.loads")
    assert ratio["runs"] == 3 and ratio["min"] <= ratio["value"] <= ratio["max"]


def test_given_out_dash_when_bench_runs_then_nothing_is_written(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main([*QUICK, "--count", "3", "--repeat", "1", "--out", "-"]) == 0
    assert list(tmp_path.iterdir()) == []


def test_given_a_bad_count_when_bench_runs_then_usage_error_2(capsys):
    assert main(["bench", "--count", "0"]) == 2
    assert main(["bench", "--batch-sizes", "ten"]) == 2


def test_given_two_batch_sizes_when_measured_then_time_peak_rss_and_their_ratios_are_reported(tmp_path):
    report = BenchReport()
    batch_figures(report, [4, 8])
    units = {f.name: f.unit for f in report.figures}
    assert units["batch 8 entities"] == "entities/s" and units["batch 8 peak RSS"] == "MB"
    assert units["batch peak RSS 8 / 4"] == "ratio" and units["batch time per entity 8 / 4"] == "ratio"
    assert report.notes == []  # every generated entity scored (exit 0)


def test_given_a_generated_batch_file_when_written_then_one_valid_entity_a_line(tmp_path, ref):
    path = tmp_path / "b.jsonl"
    size = write_batch_file(path, 7)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 7 and size == path.stat().st_size
    assert all(set(r) == {"submission", "profile", "cmsData"} for r in rows)
    assert all(
        validate_document(json.dumps(r["submission"]).encode(), ref, kind="submission").valid for r in rows
    )


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


def test_given_handlers_when_cold_imports_are_measured_then_each_is_a_ratio_to_boto3(tmp_path):
    for name in ("alpha", "beta"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.py").write_text("import json\n")
    report = BenchReport()
    cold_start(report, 1, functions_dir=tmp_path)
    names = [f.name for f in report.figures]
    assert names == [
        "cold import boto3",
        "cold import alpha / boto3",
        "cold import beta / boto3",
        "cold import worst handler / boto3",
        "cold import worst handler / boto3, Lambda env (X-Ray on)",
    ]
    assert all(f.value > 0 for f in report.figures)


def test_given_a_handler_dir_then_the_lambda_environment_turns_tracing_on_as_in_a_deployed_function(tmp_path):
    from aws_lambda_powertools import Tracer
    from mips.bench import lambda_environment
    from mips.pipeline.driver import _environment

    env = lambda_environment(tmp_path)
    assert env["LAMBDA_TASK_ROOT"] == str(tmp_path) and env["POWERTOOLS_TRACE_DISABLED"] is None
    with _environment({k: v for k, v in env.items() if v is not None}, unset=("POWERTOOLS_TRACE_DISABLED",)):
        assert not Tracer._is_tracer_disabled()
