"""Final score (spec 9.1), complex patient bonus (spec 8.1), cap 100, fewer-than-two rule (spec 3.0)."""

from __future__ import annotations

import dataclasses

import pytest
from mips.explain import Node
from mips.final import complex_patient_bonus, final_score
from mips.models import CmsData
from mips.reweighting import WeightDecision, weights_for
from mips.rules.bonus import CpbPopulation
from mips.scoring import CategoryResult


def cat(category: str, score: float | None, submitted: bool = True) -> CategoryResult:
    return CategoryResult(
        category=category, score=score, data_submitted=submitted, explanation=Node(name=category, value=score)
    )


def decision(weights: dict[str, float], reweighted: dict[str, str] | None = None) -> WeightDecision:
    scored = [c for c, x in weights.items() if x > 0]
    return WeightDecision(
        table="standard",
        weights=weights,
        reweighted=reweighted or {},
        scored_categories=scored,
        fewer_than_minimum=len(scored) < 2,
    )


def cms(cpb) -> CmsData:
    return CmsData.model_validate(
        {
            "performanceYear": 2024,
            "entityType": "individual",
            "taxpayerIdentificationNumber": "1",
            "complexPatientBonus": cpb,
        }
    )


E1 = {
    "quality": cat("quality", 66.5968),
    "cost": cat("cost", 72.9515, False),
    "ia": cat("ia", 100.0),
    "pi": cat("pi", 88.0),
}


def test_e1_weighted_sum(rules):
    """spec 14 E1: 0.30x66.5968 + 0.30x72.9515 + 0.15x100 + 0.25x88
    = 19.97904 + 21.88545 + 15 + 22 = 78.86449."""
    fs = final_score(decision({"quality": 30, "cost": 30, "ia": 15, "pi": 25}), E1, 0.0, rules)
    assert fs.value == pytest.approx(78.86449, abs=1e-5)
    assert fs.contributions["quality"] == pytest.approx(19.97904, abs=1e-5)
    assert "0.30 x 66.5968" in fs.detail


def test_e2_small_practice_weights(rules):
    """spec 14 E2: 0.40x69.9302 + 0.30x72.9515 + 0.30x100 = 27.97208 + 21.88545 + 30 = 79.85753."""
    results = {**E1, "quality": cat("quality", 69.9302), "pi": cat("pi", 0.0, False)}
    d = decision({"quality": 40, "cost": 30, "ia": 30, "pi": 0}, {"pi": "smallPractice"})
    assert final_score(d, results, 0.0, rules).value == pytest.approx(79.85753, abs=1e-5)


def test_cap_100_with_complex_patient_bonus(rules):
    """spec 9.1: min(100, weighted + CPB):
    0.30x95 + 0.30x98 + 0.15x100 + 0.25x100 = 28.5 + 29.4 + 15 + 25 = 97.9; + 5 = 102.9 -> 100."""
    results = {
        "quality": cat("quality", 95.0),
        "cost": cat("cost", 98.0),
        "ia": cat("ia", 100.0),
        "pi": cat("pi", 100.0),
    }
    fs = final_score(decision({"quality": 30, "cost": 30, "ia": 15, "pi": 25}), results, 5.0, rules)
    assert fs.weighted_sum == pytest.approx(97.9)
    assert fs.value == 100.0 and fs.capped
    assert "capped at 100" in fs.detail


def test_below_cap_bonus_adds(rules):
    """0.30x50 + 0.30x50 + 0.15x50 + 0.25x50 = 50; + 3.5 = 53.5."""
    results = {c: cat(c, 50.0) for c in ("quality", "cost", "ia", "pi")}
    fs = final_score(decision({"quality": 30, "cost": 30, "ia": 15, "pi": 25}), results, 3.5, rules)
    assert fs.value == pytest.approx(53.5) and not fs.capped


def test_e19_only_ia_scored_then_final_score_is_threshold(rules):
    """spec 14 E19: hospital-based (PI), cost not scored, EUC quality; IA 50% -> 1 category -> 75."""
    notes: list[str] = []
    weights = weights_for(frozenset({"pi", "cost", "quality"}), rules.weights.standard_table, 2, notes)
    assert weights == {"quality": 0.0, "cost": 0.0, "ia": 100.0, "pi": 0.0}
    d = decision(
        weights,
        {"pi": "hospitalBased", "cost": "noCostMeasureMetCaseMinimum", "quality": "extremeUncontrollable"},
    )
    results = {
        "quality": cat("quality", 0.0, False),
        "cost": cat("cost", None, False),
        "ia": cat("ia", 50.0),
        "pi": cat("pi", 0.0, False),
    }
    fs = final_score(d, results, 4.0, rules)
    assert fs.value == 75.0 and fs.threshold_rule
    assert fs.complex_patient_bonus == 0.0  # no bonus on the threshold score
    assert "ia only" in fs.detail


def test_zero_scored_category_still_counts_as_scored(rules):
    """spec 3.0: quality 0 with no data is scored, so 0.30x0 + 0.30x80 + 0.15x0 + 0.25x0 = 24, not 75."""
    results = {
        "quality": cat("quality", 0.0, False),
        "cost": cat("cost", 80.0),
        "ia": cat("ia", 0.0, False),
        "pi": cat("pi", 0.0, False),
    }
    fs = final_score(decision({"quality": 30, "cost": 30, "ia": 15, "pi": 25}), results, 0.0, rules)
    assert fs.value == pytest.approx(24.0)


# --- complex patient bonus --------------------------------------------------------------------------
def test_cpb_given_number_is_used(rules):
    b = complex_patient_bonus(cms(3.5), E1, "individual", rules)
    assert b.points == 3.5 and b.source == "given"


def test_cpb_given_above_cap_is_capped_at_10(rules):
    """spec 8.1: up to 10 bonus points."""
    assert complex_patient_bonus(cms(12.0), E1, "individual", rules).points == 10.0


def test_cpb_requires_data_submission(rules):
    """spec 8.1, 3.0 note: nothing submitted (only CMS-calculated cost) -> no bonus."""
    none = {
        "quality": cat("quality", 0.0, False),
        "cost": cat("cost", 70.0, False),
        "ia": cat("ia", 0.0, False),
        "pi": cat("pi", 0.0, False),
    }
    b = complex_patient_bonus(cms(3.5), none, "individual", rules)
    assert b.points == 0.0 and "not eligible" in b.node.detail


def test_cpb_indicators_without_population_statistics_give_zero_with_message(rules):
    """42 CFR 414.1380(c)(3)(v)-(vii): the population mean/SD/median are unpublished (unset parameters),
    so a bonus to be computed from indicators is 0 and the result says why."""
    b = complex_patient_bonus(
        cms({"averageHccRiskScore": 2.1, "dualEligibleRatio": 0.4}), E1, "individual", rules
    )
    assert b.points == 0.0
    assert "not published" in b.node.detail and "cpb_population" in b.node.detail


POP = CpbPopulation(hcc_mean=1.4, hcc_sd=0.4, hcc_median=1.3, dual_mean=0.25, dual_sd=0.1, dual_median=0.2)


def _with_pop(rules, pop=POP):
    return dataclasses.replace(rules, bonus=dataclasses.replace(rules.bonus, cpb_population_individual=pop))


def test_cpb_regulation_formula_one_indicator_at_or_above_median(rules):
    """42 CFR 414.1380(c)(3)(v)-(vi): HCC 2.1 >= median 1.3: z = (2.1 - 1.4)/0.4 = 1.75, medical component
    1.5 + 4 x 1.75 = 8.5; dual 0.1 < median 0.2: no social component. Bonus 8.5."""
    b = complex_patient_bonus(
        cms({"averageHccRiskScore": 2.1, "dualEligibleRatio": 0.1}), E1, "individual", _with_pop(rules)
    )
    assert b.source == "computed"
    assert b.points == pytest.approx(8.5)
    assert b.node.metadata["zHcc"] == pytest.approx(1.75) and b.node.metadata["componentDual"] == 0.0


def test_cpb_regulation_formula_components_added_and_capped_at_10(rules):
    """42 CFR 414.1380(c)(3)(vi), (viii): HCC 1.5: z = (1.5 - 1.4)/0.4 = 0.25, component 1.5 + 1 = 2.5;
    dual 0.3: z = (0.3 - 0.25)/0.1 = 0.5, component 1.5 + 2 = 3.5; added 6.0. HCC 2.4 and dual 0.4:
    z 2.5 and 1.5 -> 11.5 + 7.5 = 19 -> kept at 10."""
    r = _with_pop(rules)
    b = complex_patient_bonus(
        cms({"averageHccRiskScore": 1.5, "dualEligibleRatio": 0.3}), E1, "individual", r
    )
    assert b.points == pytest.approx(6.0)
    big = complex_patient_bonus(
        cms({"averageHccRiskScore": 2.4, "dualEligibleRatio": 0.4}), E1, "individual", r
    )
    assert big.points == 10.0


def test_cpb_regulation_formula_negative_standardized_score_floors_at_zero(rules):
    """42 CFR 414.1380(c)(3)(viii): with a median below the mean, an indicator at the median has a
    negative standardized score: HCC 1.0, mean 2.0, SD 0.2, median 1.0: z = -5, 1.5 - 20 = -18.5;
    dual below its median: none. The bonus cannot be below 0: 0."""
    pop = CpbPopulation(
        hcc_mean=2.0, hcc_sd=0.2, hcc_median=1.0, dual_mean=0.25, dual_sd=0.1, dual_median=0.2
    )
    b = complex_patient_bonus(
        cms({"averageHccRiskScore": 1.0, "dualEligibleRatio": 0.1}), E1, "individual", _with_pop(rules, pop)
    )
    assert b.points == 0.0 and b.source == "computed"


def test_cpb_both_below_median_gives_zero_and_group_uses_group_population(rules):
    """42 CFR 414.1380(c)(3)(v): below both medians, no bonus; (vii): groups use their own population
    statistics, not configured here."""
    r = _with_pop(rules)
    low = complex_patient_bonus(
        cms({"averageHccRiskScore": 1.2, "dualEligibleRatio": 0.1}), E1, "individual", r
    )
    assert low.points == 0.0
    grp = complex_patient_bonus(cms({"averageHccRiskScore": 2.1, "dualEligibleRatio": 0.1}), E1, "group", r)
    assert grp.points == 0.0 and "not published" in grp.node.detail


def test_no_cms_data_then_no_bonus(rules):
    assert complex_patient_bonus(None, E1, "individual", rules).points == 0.0


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_cpb_that_is_not_a_finite_number_gives_zero_not_the_cap(rules, bad):
    """spec 8.1: the bonus is a number of points 0..10. Python's JSON reader accepts NaN/Infinity, and
    min(10, nan) is 10: a non-finite figure must give 0 points with a message, never the 10-point cap."""
    b = complex_patient_bonus(cms(bad), E1, "individual", rules)
    assert b.points == 0.0
    assert "not a finite number" in b.node.detail
