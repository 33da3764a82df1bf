"""Review findings for quality (spec 4.4.3, 4.6, 4.7, 4.8, 11.2): each test pins one fixed defect.

Every expected number is computed by hand from the benchmark rows quoted in spec 14 (arithmetic in the
docstrings); measure points are rounded to 4 dp before summing (spec 0.3, rule measure_points_decimals).
"""

from __future__ import annotations

import pytest
from mips.categories.quality import score_quality
from mips.categories.quality_measure import NO_RATE, score_measurement
from mips.models.cms_data import CmsData
from mips.models.submission import Measurement
from mips.scoring import ScoringContext

from .quality_builders import E1_POINTS, e1_sets, mset, single


def admin(*rows: tuple[str, int, float]) -> CmsData:
    return CmsData.model_validate(
        {
            "performanceYear": 2024,
            "entityType": "group",
            "taxpayerIdentificationNumber": "123456789",
            "adminClaimsMeasures": [{"measureId": m, "attributedCases": n, "value": v} for m, n, v in rows],
        }
    )


# --- spec 4.7: a CMS-calculated value that is not a number is not scored ------------------------
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), -0.01])
def test_given_admin_claims_value_not_a_rate_when_scored_then_left_out_with_message(ref, rules, value):
    """Spec 4.7 / 4.4.6: 479 is scored on its risk-standardized rate (a non-negative number). A NaN,
    infinite or negative value (schema-valid floats) is not a rate: before the fix NaN earned 1 point and
    -inf/-0.01 earned 10 (<= p10). Now 479 is left out (no zero, no +10): E1 39.9581 / 60."""
    ctx = ScoringContext(entity_type="group", clinician_count=20)
    r = score_quality(e1_sets(), admin(("479", 250, value)), ctx, ref, rules)
    assert r.max_points == 60
    assert r.score == pytest.approx(E1_POINTS / 60 * 100)  # 66.5968
    node = r.explanation.find("479")
    assert node.value is None and "not a valid rate" in node.detail


# --- spec 4.2: a non-proportion numerator that is not a number yields no performance rate --------
@pytest.mark.parametrize("numerator", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(("small", "expected"), [(False, 0.0), (True, 3.0)])
def test_given_non_proportion_numerator_not_finite_when_scored_then_no_rate(
    ref, rules, numerator, small, expected
):
    """Spec 4.2 / 4.6: ACEP50 (inverse non-proportion, registry benchmark) with DC 30/30 = 100% and a
    NaN/inf numerator has no performance rate: 0 points (3 for a small practice), status noPerformanceRate.
    Before the fix NaN/+inf earned 1.0 and -inf earned 10 (read as <= p10)."""
    m = Measurement.model_validate(
        {
            "measureId": "ACEP50",
            "value": {"numerator": numerator, "denominator": 30, "observationInstances": 30},
        }
    )
    s = score_measurement(m, "registry", ScoringContext(small_practice=small), ref, rules.quality)
    assert s.points == expected and s.status == NO_RATE
    assert "not a finite number" in s.node.detail


# --- spec 11.2 + 4.8: APP exclusion is decided per submission before "counts once, the highest" -----
def test_given_app_measure_via_two_collection_types_when_one_is_excluded_then_the_scorable_one_counts(
    ref, rules
):
    """Spec 11.2 (42 CFR 414.1367(c)(1)(i)) and 4.8 step 2. Small practice, APP:
    001 eCQM with 10 cases fails the case minimum -> excluded (its 3 small-practice points are never
    awarded); 001 MIPS CQM 29/30 = 96.6667% on the flat inverse row is scorable: decile 1 (90, 99]:
    1 + (99 - 96.6667)/9 = 1.2593. Before the fix the phantom 3 points won "the highest" and the slot was
    excluded. 134 MIPS CQM 10/30 = 33.3333% decile 1 [0.05, 61.77): 1 + 33.2833/61.72 = 1.5393;
    236 MIPS CQM 25/30 = 83.3333% flat: 9 + 3.3333/10 = 9.3333; CAHPS not submitted -> 0 of 10.
    Quality = (1.2593 + 1.5393 + 9.3333 + 0 + 6 bonus) / 40 x 100 = 45.3298%."""
    p001 = round(1 + (99 - 29 / 30 * 100) / 9, 4)
    p134 = round(1 + (10 / 30 * 100 - 0.05) / (61.77 - 0.05), 4)
    p236 = round(9 + (25 / 30 * 100 - 80) / 10, 4)
    assert (p001, p134, p236) == (1.2593, 1.5393, 9.3333)
    sets = [
        mset("electronicHealthRecord", [("001", single(1, 9))], "app1"),
        mset("registry", [("001", single(29, 1)), ("134", single(10, 20)), ("236", single(25, 5))], "app1"),
    ]
    ctx = ScoringContext(reporting_option="app", program_name="app1", small_practice=True)
    r = score_quality(sets, None, ctx, ref, rules)
    assert r.max_points == 40 and r.metadata["measuresExcluded"] == []
    assert r.score == pytest.approx((p001 + p134 + p236 + 0 + 6) / 40 * 100)  # 45.3298
    assert r.score == pytest.approx(45.3298, abs=1e-4)
