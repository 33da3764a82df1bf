"""Size and shape limits (issue 9 item 6): the largest file the screening accepts is validated and scored in
bounded memory (tracemalloc peak, not time), and one step over a limit is a precise rejection."""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from mips.engine import score
from mips.problems import ProblemCode
from mips.screening import (
    DEFAULT_MAX_INPUT_BYTES,
    MAX_MEASUREMENT_SETS,
    MAX_MEASUREMENTS_PER_FILE,
    MAX_MEASUREMENTS_PER_SET,
    screen,
)
from mips.validation import validate_document

KEY = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "123456789"}
#: peak traced memory allowed for validating + scoring the largest accepted file (its bytes included)
PEAK_LIMIT = 64 * 1024 * 1024  # measured: about 32 MB for the 10 MiB file


def _largest(ref: Any) -> bytes:
    """MAX_MEASUREMENTS_PER_FILE quality measurements in sets of MAX_MEASUREMENTS_PER_SET, padded with an
    unknown (warned, ignored) field to just under the byte cap."""
    ids = sorted(m.measure_id for m in ref.measures_in("quality") if "registry" in m.submission_methods)
    assert len(ids) >= MAX_MEASUREMENTS_PER_SET
    sets, left, i = [], MAX_MEASUREMENTS_PER_FILE, 0
    while left:
        n = min(left, MAX_MEASUREMENTS_PER_SET)
        value = {"performanceMet": 6, "performanceNotMet": 4, "eligiblePopulation": 10}
        sets.append(
            {
                "category": "quality",
                "submissionMethod": "registry",
                "cehrtId": f"0015E8FAKE{i:05d}",
                "performanceStart": "2024-01-01",
                "performanceEnd": "2024-12-31",
                "measurements": [{"measureId": mid, "value": value} for mid in ids[:n]],
            }
        )
        left, i = left - n, i + 1
    doc = {**KEY, "measurementSets": sets, "registryNotes": ""}
    size = len(json.dumps(doc).encode())
    doc["registryNotes"] = "x" * (DEFAULT_MAX_INPUT_BYTES - size - 16)
    data = json.dumps(doc).encode()
    assert DEFAULT_MAX_INPUT_BYTES - 64 < len(data) <= DEFAULT_MAX_INPUT_BYTES
    assert len(sets) <= MAX_MEASUREMENT_SETS
    return data


def test_given_the_largest_accepted_file_then_validation_and_scoring_stay_in_bounded_memory(ref, monkeypatch):
    monkeypatch.delenv("MAX_INPUT_BYTES", raising=False)
    data = _largest(ref)
    tracemalloc.start()
    try:
        report = validate_document(data, ref, kind="submission", file="largest.json")
        assert report.model is not None
        assert ProblemCode.UNKNOWN_FIELD in {p.code for p in report.warnings}
        doc = score(report.model, None, None, ref).to_doc()  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, f"peak {peak:,} bytes"
    assert len(json.dumps(doc)) < 4 * len(data)


@pytest.mark.parametrize(
    ("sets", "per_set", "code"),
    [
        (MAX_MEASUREMENT_SETS + 1, 1, ProblemCode.TOO_MANY_SETS),
        (1, MAX_MEASUREMENTS_PER_SET + 1, ProblemCode.TOO_MANY_MEASUREMENTS),
        (
            MAX_MEASUREMENTS_PER_FILE // MAX_MEASUREMENTS_PER_SET + 1,
            MAX_MEASUREMENTS_PER_SET,
            ProblemCode.TOO_MANY_MEASUREMENTS,
        ),
    ],
    ids=["sets", "per-set", "per-file"],
)
def test_given_one_over_a_shape_limit_then_the_file_is_rejected(sets, per_set, code):
    doc = {
        **KEY,
        "measurementSets": [
            {
                "category": "ia",
                "submissionMethod": "registry",
                "cehrtId": str(i),
                "measurements": [{"measureId": "IA_EPA_1", "value": True}] * per_set,
            }
            for i in range(sets)
        ],
    }
    result = screen(json.dumps(doc).encode(), filename="x.json", expected_kind="submission")
    assert result.doc is None and [p.code for p in result.problems] == [code]


def test_given_10000_identical_quality_sets_then_rejected_not_scored():
    """The issue's 9 MB file of 10,000 identical quality sets."""
    one = {
        "category": "quality",
        "submissionMethod": "registry",
        "measurements": [{"measureId": "001", "value": {"performanceMet": 1, "eligiblePopulation": 2}}],
    }
    data = json.dumps({**KEY, "measurementSets": [one] * 10_000}).encode()
    result = screen(data, filename="x.json", expected_kind="submission")
    assert [p.code for p in result.problems] == [ProblemCode.TOO_MANY_SETS]


def test_given_two_identical_sets_then_duplicate_set_error_and_the_rest_is_still_checked(ref):
    one = {
        "category": "ia",
        "submissionMethod": "registry",
        "measurements": [{"measureId": "IA_EPA_1", "value": True}],
    }
    report = validate_document(json.dumps({**KEY, "measurementSets": [one, one]}), ref)
    assert [(p.path, p.code) for p in report.errors] == [("$.measurementSets[1]", ProblemCode.DUPLICATE_SET)]
