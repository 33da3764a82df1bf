"""Bounded memory: a large QRDA III file converts with a peak memory far below its size (issue 13).

The file is generated as a stream into tmp (mips.qrda3.synthetic); the conversion runs in a fresh
interpreter whose peak RSS (resource.getrusage) before and after the conversion is compared. Building the
whole tree of this file would take several times its size; streaming must stay under a fixed budget.
"""

from __future__ import annotations

import json
import subprocess
import sys

from mips.bench import BenchReport, qrda3_large_file
from mips.qrda3.synthetic import EXPECTED, write_large_file

FILE_MB = 24
BUDGET_MB = 25  # peak RSS growth allowed while converting (the full tree would be ~8x the file size)

_CHILD = """
import json, resource, sys
from mips.qrda3 import convert_path
from mips.qrda3.ecqm import catalogue_for
catalogue_for(2024)  # reference data loaded before the baseline: we measure the conversion only
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
conversion = convert_path(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"kib": after - before, "submission": conversion.submission,
                  "problems": [p.text() for p in conversion.problems]}))
"""


def test_given_a_large_file_when_converted_then_peak_memory_stays_under_budget(tmp_path):
    path = tmp_path / "large.xml"
    with path.open("wb") as fh:
        size = write_large_file(fh, FILE_MB * 1_000_000)
    assert size >= FILE_MB * 1_000_000

    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True, timeout=120
    )

    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["problems"] == [] and out["submission"] == EXPECTED
    assert out["kib"] / 1024 < BUDGET_MB, f"peak RSS grew {out['kib'] / 1024:.0f} MB for a {FILE_MB} MB file"


def test_the_bench_function_reports_throughput_and_the_ratio_to_bare_iterparse():
    report = BenchReport()

    qrda3_large_file(report, megabytes=1)

    assert {f.name for f in report.figures} == {
        "qrda3 convert",
        "qrda3 bare iterparse",
        "qrda3 convert / bare iterparse",
    }
    assert report.notes == [] and all(f.value > 0 for f in report.figures)
