"""Issue #12: a PY2025 and a PY2026 entity go through the moto event pipeline like a 2024 one, and the
stored result equals `mips score` in-process on the same inputs (golden cases as the inputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mips.engine import score
from mips.reference import load_reference
from mips.validation import validate_document

from .conftest import drop, entity_of, stored

pytestmark = pytest.mark.integration

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize(
    ("year", "case", "status"),
    [
        (2025, "payment-positive-uses-estimated-scaling-factor", "final"),
        (2026, "preview-cost-mock-benchmarks-not-used", "preview"),
    ],
)
def test_given_a_later_year_entity_when_dropped_then_the_pipeline_result_equals_mips_score(
    lp, year, case, status
):
    inputs = json.loads((GOLDEN / str(year) / f"{case}.json").read_text())["inputs"]
    docs = {k: v for k, v in inputs.items() if v is not None}
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"year{year}/{case}/{kind}.json")
    lp.drain()
    assert not any(lp.dead_letters().values())
    version, ddb_doc, s3_doc = stored(lp, entity_of(docs))
    assert version == len(docs)
    ref = load_reference(year)
    models = {k: validate_document(json.dumps(d), ref, kind=k).model for k, d in docs.items()}
    expected = score(models.get("submission"), models.get("profile"), models.get("cmsData"), ref).to_doc()  # type: ignore[arg-type]
    assert ddb_doc == s3_doc == expected
    assert s3_doc is not None
    assert s3_doc["performanceYear"] == year and s3_doc["status"] == status
    assert s3_doc["paymentAdjustment"]["estimated"] is True
