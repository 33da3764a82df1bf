"""Property tests (hypothesis) for quality scoring: spec 4.4.3 bounds and monotonicity, 4.10 score range."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mips.categories.quality import decile_points, score_quality
from mips.categories.quality_measure import score_measurement
from mips.models.submission import MeasurementSet
from mips.reference import load_reference
from mips.rules import rules_for
from mips.scoring import ScoringContext

REF = load_reference(2024)
RULES = rules_for(2024)
QUALITY_ROWS = sorted(
    (
        k
        for k, b in REF.benchmarks.items()
        if b.metric_type not in ("costScore", "cahps")
        and REF.measure(k[0]) is not None
        and REF.measure(k[0]).metric_type in ("singlePerformanceRate", "registrySinglePerformanceRate")
    ),
)
ALL_ROWS = sorted(REF.benchmarks)
rates = st.floats(min_value=0, max_value=100, allow_nan=False)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(row=st.sampled_from(ALL_ROWS), rate=rates)
def test_points_are_within_1_and_10_on_every_benchmark_row(row, rate):
    """Spec 4.4.3: a benchmarked rate earns 1-10 achievement points (1.0 outside p1/p99)."""
    assert 1.0 <= decile_points(rate, REF.benchmarks[row]) <= 10.0


@FAST
@given(row=st.sampled_from(ALL_ROWS), a=rates, b=rates)
def test_points_are_monotone_in_the_rate(row, a, b):
    """Spec 4.4.3: non-decreasing in the rate for direct rows, non-increasing for inverse rows."""
    bm = REF.benchmarks[row]
    lo, hi = min(a, b), max(a, b)
    if bm.is_inverse:
        assert decile_points(lo, bm) >= decile_points(hi, bm) - 1e-12
    else:
        assert decile_points(lo, bm) <= decile_points(hi, bm) + 1e-12


@FAST
@given(
    row=st.sampled_from(QUALITY_ROWS),
    met=st.integers(0, 500),
    not_met=st.integers(0, 500),
    small=st.booleans(),
)
def test_scored_measure_meeting_dc_and_case_minimum_earns_1_to_10(row, met, not_met, small):
    """Spec 4.6: DC met, case minimum met, benchmarked -> points in [1, 10] (<= 7 if topped out),
    carried to 4 dp as CMS does (spec 0.3)."""
    if met + not_met < 20:
        met += 20
    mid, method = row
    ms = MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": method,
            "measurements": [
                {
                    "measureId": mid,
                    "value": {
                        "performanceMet": met,
                        "performanceNotMet": not_met,
                        "eligiblePopulation": met + not_met,
                    },
                }
            ],
        }
    )
    s = score_measurement(
        ms.measurements[0], method, ScoringContext(small_practice=small), REF, RULES.quality
    )
    if s.points is None:  # claims rows for non-small practices are not counted (spec 4.1)
        assert method == "claims" and not small
        return
    assert 1.0 <= s.points <= 10.0
    assert s.points == round(s.points, 4)
    if REF.benchmarks[row].is_topped_out_by_program:
        assert s.points <= 7.0 or s.node.metadata.get("newMeasureFloorApplied") is not None


measurement_rows = st.lists(
    st.tuples(st.sampled_from(QUALITY_ROWS), st.integers(0, 200), st.integers(0, 200), st.integers(0, 50)),
    max_size=9,
)


@FAST
@given(
    rows=measurement_rows,
    small=st.booleans(),
    prior=st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False)),
)
def test_category_score_is_within_0_and_100(rows, small, prior):
    """Spec 4.10: the quality category score never leaves [0, 100]."""
    sets = [
        MeasurementSet.model_validate(
            {
                "category": "quality",
                "submissionMethod": method,
                "measurements": [
                    {
                        "measureId": mid,
                        "value": {
                            "performanceMet": met,
                            "performanceNotMet": nm,
                            "eligiblePopulation": met + nm + extra,
                        },
                    }
                ],
            }
        )
        for (mid, method), met, nm, extra in rows
    ]
    ctx = ScoringContext(small_practice=small, prior_year_quality_achievement_percent=prior)
    r = score_quality(sets, None, ctx, REF, RULES)
    assert r.score is not None and 0.0 <= r.score <= 100.0


def test_quality_rules_cite_every_parameter():
    """Every QualityRules field has a citation (COMMON.md); UNCONFIRMED ones say so; values the regulation
    settles (42 CFR 414.1380(b)(1)(i), (b)(1)(vi), cfr-verification-2024.md §2) are no longer flagged."""
    q = RULES.quality
    assert q.undocumented() == []
    assert "improvement_scale" not in q.unconfirmed() and "outside_p1_p99_points" not in q.unconfirmed()
    assert "overall_stratum_names" in q.unconfirmed() and "admin_claims" in q.unconfirmed()
    assert pytest.approx(q.small_practice_bonus) == 6.0
