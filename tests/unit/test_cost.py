"""Cost category (spec 4.4.3 inverse mapping, 7.1-7.3, 11.1, 11.2, 14 E1/E2).

Expected numbers are computed by hand from the 2024 cost benchmark rows quoted in spec 14, e.g.
TPCC_1: p10 1046.81, p20 1204.04, p30 1361.27, p40 1675.72, p50 1832.95, ..., p90 2304.64, p99 2383.26;
MSPB_1: p30 23259.11, p40 25656.59, p50 26855.33; COST_KA_1: p10 14246.46.
Measure points are carried to 4 dp (spec 0.3, Appendix A) before the equal-weight average x 10 (spec 7.3).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from mips.categories.cost import _inverse_band, cost_improvement, score_cost
from mips.categories.quality import decile_points
from mips.models.cms_data import CmsData
from mips.reference import ReferenceData
from mips.rules import YearRules
from mips.scoring import ScoringContext


def cms(*measures: tuple[str, int, float], entity_type: str = "individual") -> CmsData:
    """CMS-calculated data from (measureId, attributedCases, value) triples, as camelCase JSON."""
    doc: dict[str, Any] = {
        "performanceYear": 2024,
        "entityType": entity_type,
        "taxpayerIdentificationNumber": "123456789",
        "costMeasures": [{"measureId": m, "attributedCases": n, "value": v} for m, n, v in measures],
    }
    if entity_type == "individual":
        doc["nationalProviderIdentifier"] = "1234567893"
    return CmsData.model_validate(doc)


# -- E1 / E2 (spec 14) --------------------------------------------------------------------------------
def test_given_e1_cost_data_when_scored_then_72_9515(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 14 E1: TPCC $1,400 in (p30 1361.27, p40 1675.72] -> 7 + 275.72/314.45 = 7.8768;
    MSPB $26,000 in (p40 25656.59, p50 26855.33] -> 6 + 855.33/1198.74 = 6.7135;
    cost = (7.8768 + 6.7135)/2 x 10 = 14.5903/2 x 10 = 72.9515%."""
    result = score_cost(cms(("TPCC_1", 45, 1400.0), ("MSPB_1", 40, 26000.0)), ScoringContext(), ref, rules)
    assert result.score == pytest.approx(72.9515, abs=1e-9)
    assert result.category == "cost"
    assert result.not_scored_reason is None
    assert result.data_submitted is False
    tpcc = result.explanation.find("TPCC_1")
    mspb = result.explanation.find("MSPB_1")
    assert tpcc is not None and tpcc.value == pytest.approx(7.8768, abs=1e-12)
    assert mspb is not None and mspb.value == pytest.approx(6.7135, abs=1e-12)
    assert "decile 7" in tpcc.detail and "275.72/314.45" in tpcc.detail
    assert tpcc.metadata["benchmarkYear"] == 2024 and tpcc.metadata["percentiles"][30] == 1361.27
    assert result.metadata["measuresScored"] == ["MSPB_1", "TPCC_1"]
    avg = result.explanation.find("average")
    assert avg is not None and "x 10" in avg.detail


def test_given_e1_points_when_averaged_then_4dp_points_are_used(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 0.3 / Appendix A: points are rounded to 4 dp before averaging. Unrounded the average would be
    (7.876832... + 6.713524...)/2 x 10 = 72.9518, which the spec's 72.9515 rules out."""
    result = score_cost(cms(("TPCC_1", 20, 1400.0), ("MSPB_1", 35, 26000.0)), ScoringContext(), ref, rules)
    assert result.score is not None
    assert abs(result.score - 72.9515) < 1e-6
    assert abs(result.score - 72.9518) > 1e-4


# -- inverse mapping, median 7.5 (spec 4.4.3, 7.2) -----------------------------------------------------
def _cost_rows(ref: ReferenceData) -> list[str]:
    return sorted(
        m.measure_id for m in ref.measures_in("cost") if ref.benchmark(m.measure_id, "administrativeClaims")
    )


def test_there_are_28_cost_benchmark_rows_and_akid_has_none(ref: ReferenceData) -> None:
    """Spec 7.1: 29 cost measures; every one but COST_AKID_1 has a 2024 benchmark row."""
    ids = _cost_rows(ref)
    assert len(ids) == 28
    assert "COST_AKID_1" not in ids


def test_median_cost_earns_7_5_on_every_cost_row(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.2: with M = (p30 + p40)/2 the inverse mapping gives 7 + (p40 - M)/(p40 - p30) = 7 + 1/2 = 7.5,
    and a one-measure category scores 7.5 x 10 = 75% (the performance threshold)."""
    for mid in _cost_rows(ref):
        bm = ref.benchmark(mid, "administrativeClaims")
        assert bm is not None
        median = (bm.p(30) + bm.p(40)) / 2
        entity = "group" if mid == "COST_LGH_1" else "individual"
        result = score_cost(
            cms((mid, 1000, median), entity_type=entity), ScoringContext(entity_type=entity), ref, rules
        )
        node = result.explanation.find(mid)
        assert node is not None and node.value == pytest.approx(7.5, abs=1e-9), mid
        assert result.score == pytest.approx(75.0, abs=1e-7), mid


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (1046.81, 10.0),  # = p10 -> decile 10 (boundary goes to the better decile)
        (500.0, 10.0),  # below p10 -> 10
        (0.0, 10.0),  # zero cost -> 10
        (1125.425, 9.5),  # midpoint of (1046.81, 1204.04] -> 9 + 78.615/157.23 = 9.5
        (1204.04, 9.0),  # = p20 -> decile 9 upper bound -> 9 + 0 = 9
        (1361.27, 8.0),  # = p30 -> 8 + 0 = 8
        (1518.495, 7.5),  # median M = (1361.27 + 1675.72)/2 -> 7.5
        (1832.95, 6.0),  # = p50, worse bound of decile 6 (p40, p50] -> 6 + 0 = 6
        (2265.335, 2.5),  # midpoint of (p80 2226.03, p90 2304.64] -> 2 + 39.305/78.61 = 2.5
        (2343.95, 1.5),  # midpoint of (p90 2304.64, p99 2383.26] -> 1 + 39.31/78.62 = 1.5
        (2383.26, 1.0),  # = p99 -> 1 + 0 = 1
        (2383.27, 1.0),  # above p99 -> 1.0 floor (UNCONFIRMED)
        (99999.0, 1.0),  # far above p99 -> 1.0
    ],
)
def test_inverse_mapping_on_tpcc_row(
    ref: ReferenceData, rules: YearRules, value: float, points: float
) -> None:
    """Spec 4.4.3 inverse table and 7.2 on TPCC_1 (u = p20 - p10 = 157.23)."""
    result = score_cost(cms(("TPCC_1", 20, value)), ScoringContext(), ref, rules)
    node = result.explanation.find("TPCC_1")
    assert node is not None and node.value == pytest.approx(points, abs=1e-9)
    assert result.score == pytest.approx(points * 10, abs=1e-7)


def test_mspb_24000_hand_value(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 4.4.3: MSPB $24,000 in (p30 23259.11, p40 25656.59] -> 7 + 1656.59/2397.48 = 7.69097 -> 7.6910."""
    result = score_cost(cms(("MSPB_1", 35, 24000.0)), ScoringContext(), ref, rules)
    node = result.explanation.find("MSPB_1")
    assert node is not None and node.value == pytest.approx(7.691, abs=1e-12)
    assert node.metadata["unroundedScoreValue"] == pytest.approx(7 + 1656.59 / 2397.48, abs=1e-12)
    assert "1656.59/2397.48" in node.detail


def test_explained_decile_matches_shared_decile_points(ref: ReferenceData) -> None:
    """Spec 4.4.3: the band printed in the explanation gives the same points as quality's decile_points
    (d + (worse - cost)/(worse - better)) on every cost row, at 39 costs strictly between p10 and p99."""
    for mid in _cost_rows(ref):
        bm = ref.benchmark(mid, "administrativeClaims")
        assert bm is not None
        lo, hi = bm.p(10), bm.p(99)
        for i in range(1, 40):
            value = lo + (hi - lo) * i / 40
            band = _inverse_band(value, bm)
            assert band.better is not None and band.worse is not None, (mid, value)
            by_band = band.decile + (band.worse - value) / (band.worse - band.better)
            assert decile_points(value, bm) == pytest.approx(by_band, abs=1e-9), (mid, value)


# -- equal-weight average (spec 7.3) -----------------------------------------------------------------------
def test_given_one_scored_measure_then_its_points_are_the_score(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.3: 'If only 1 cost measure can be scored, that cost measure's score will serve as the
    performance category score': TPCC 7.8768 x 10 = 78.768%."""
    result = score_cost(cms(("TPCC_1", 20, 1400.0)), ScoringContext(), ref, rules)
    assert result.score == pytest.approx(78.768, abs=1e-9)


def test_given_three_scored_measures_then_equal_weight_average(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.3: TPCC 7.8768, MSPB 6.7135, COST_KA_1 at p10 14246.46 -> 10:
    (7.8768 + 6.7135 + 10)/3 = 24.5903/3 = 8.196766...; x 10 = 81.96766...%."""
    data = cms(("TPCC_1", 20, 1400.0), ("MSPB_1", 35, 26000.0), ("COST_KA_1", 10, 14246.46))
    result = score_cost(data, ScoringContext(), ref, rules)
    assert result.score == pytest.approx(245.903 / 3, abs=1e-9)
    assert result.metadata["measuresScored"] == ["COST_KA_1", "MSPB_1", "TPCC_1"]


def test_given_all_measures_in_top_decile_then_100(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.3: (10 + 10)/2 x 10 = 100% (cap 100 not exceeded)."""
    result = score_cost(cms(("TPCC_1", 20, 1.0), ("MSPB_1", 35, 1.0)), ScoringContext(), ref, rules)
    assert result.score == 100.0


def test_unscored_measures_do_not_lower_the_average(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.3: only measures meeting the case minimum are averaged: TPCC 7.8768 alone -> 78.768%
    (MSPB with 34 < 35 episodes is left out, not counted as 0)."""
    result = score_cost(cms(("TPCC_1", 20, 1400.0), ("MSPB_1", 34, 26000.0)), ScoringContext(), ref, rules)
    assert result.score == pytest.approx(78.768, abs=1e-9)
    assert result.metadata["measuresNotScored"] == {"MSPB_1": "caseMinimumNotMet"}


# -- case minimums (spec 7.1) ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("measure_id", "minimum"),
    [
        ("TPCC_1", 20),
        ("MSPB_1", 35),
        ("COST_KA_1", 10),  # procedural
        ("COST_IOL_1", 10),  # procedural
        ("COST_NECABG_1", 10),  # procedural (missing from the spec table, see rules)
        ("COST_S_1", 20),  # acute inpatient
        ("COST_STEMI_1", 20),  # acute inpatient
        ("COST_D_1", 20),  # chronic
        ("COST_ACOPD_1", 20),  # chronic
        ("COST_DEP_1", 20),  # new 2024
        ("COST_EDV_1", 20),  # new 2024
    ],
)
def test_case_minimum_per_measure(
    ref: ReferenceData, rules: YearRules, measure_id: str, minimum: int
) -> None:
    """Spec 7.1: minimum - 1 cases -> not scored (no other measure -> category not scored);
    exactly the minimum -> scored; at the median the score is 7.5 x 10 = 75%."""
    bm = ref.benchmark(measure_id, "administrativeClaims")
    assert bm is not None
    median = (bm.p(30) + bm.p(40)) / 2
    below = score_cost(cms((measure_id, minimum - 1, median)), ScoringContext(), ref, rules)
    assert below.score is None
    assert below.not_scored_reason == "noCostMeasureMetCaseMinimum"
    node = below.explanation.find(measure_id)
    assert node is not None and f"case minimum of {minimum}" in node.detail
    at = score_cost(cms((measure_id, minimum, median)), ScoringContext(), ref, rules)
    assert at.score == pytest.approx(75.0, abs=1e-7)


def test_every_cost_measure_has_a_case_minimum(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.1: all 29 cost measures of the 2024 inventory have a case minimum in the rules table."""
    ids = [m.measure_id for m in ref.measures_in("cost")]
    assert len(ids) == 29
    assert all(rules.cost.case_minimum(i) is not None for i in ids)


# -- not scorable / not scored (spec 7.1, 7.3, 3.0) --------------------------------------------------------
def test_given_akid_only_then_not_scored_no_benchmark(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.1: COST_AKID_1 has no 2024 benchmark row -> not scorable -> category not scored."""
    result = score_cost(cms(("COST_AKID_1", 100, 20000.0)), ScoringContext(), ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "noCostMeasureMetCaseMinimum"
    node = result.explanation.find("COST_AKID_1")
    assert node is not None and "no 2024 benchmark" in node.detail
    assert result.metadata["measuresNotScored"] == {"COST_AKID_1": "noBenchmark"}


def test_given_akid_beside_tpcc_then_only_tpcc_counts(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.1/7.3: AKID is left out of the average: TPCC 7.8768 -> 78.768%."""
    data = cms(("TPCC_1", 20, 1400.0), ("COST_AKID_1", 100, 20000.0))
    assert score_cost(data, ScoringContext(), ref, rules).score == pytest.approx(78.768, abs=1e-9)


def test_given_no_cost_measures_then_not_scored(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.3: 'If none ... can be scored ... won't be scored on cost' (a reweighting candidate)."""
    result = score_cost(cms(), ScoringContext(), ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "noCostMeasureMetCaseMinimum"
    assert result.data_submitted is False


def test_given_no_cms_data_then_not_scored_cms_data_not_received(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Contract 2 'preliminary': cost data not yet received -> score None, reason cmsDataNotReceived."""
    result = score_cost(None, ScoringContext(), ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "cmsDataNotReceived"


def test_given_unknown_measure_then_ignored_with_message(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.1: a measure id that is not a 2024 cost measure scores nothing; TPCC alone -> 78.768%."""
    data = cms(("COST_SP_1", 100, 10.0), ("479", 300, 0.15), ("TPCC_1", 20, 1400.0))
    result = score_cost(data, ScoringContext(), ref, rules)
    assert result.score == pytest.approx(78.768, abs=1e-9)
    node = result.explanation.find("COST_SP_1")
    assert node is not None and "not a 2024 cost measure" in node.detail


def test_given_duplicate_measure_then_first_entry_used(ref: ReferenceData, rules: YearRules) -> None:
    """Bad input: TPCC twice -> the first ($1,400 -> 7.8768) counts once -> 78.768%."""
    data = cms(("TPCC_1", 20, 1400.0), ("TPCC_1", 20, 1000.0))
    assert score_cost(data, ScoringContext(), ref, rules).score == pytest.approx(78.768, abs=1e-9)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -5.0])
def test_given_invalid_cost_value_then_not_scored_without_exception(
    ref: ReferenceData, rules: YearRules, bad: float
) -> None:
    """Bad input never raises: a NaN, infinite or negative cost is reported and left out."""
    result = score_cost(cms(("TPCC_1", 20, bad)), ScoringContext(), ref, rules)
    assert result.score is None
    assert result.metadata["measuresNotScored"] == {"TPCC_1": "invalidValue"}


# -- COST_LGH_1 groups only (spec 7.1) ----------------------------------------------------------------------
def test_given_individual_with_lgh_then_not_scored_groups_only(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 7.1: COST_LGH_1 '(groups only)': an individual's LGH is not scored."""
    result = score_cost(cms(("COST_LGH_1", 50, 13151.8)), ScoringContext(), ref, rules)
    assert result.score is None
    node = result.explanation.find("COST_LGH_1")
    assert node is not None and "groups only" in node.detail


@pytest.mark.parametrize("entity_type", ["group", "virtualGroup"])
def test_given_group_with_lgh_at_median_then_7_5(
    ref: ReferenceData, rules: YearRules, entity_type: str
) -> None:
    """Spec 7.1/7.2: a group's LGH at M = (12627.33 + 13676.27)/2 = 13151.8 -> 7.5 -> 75%."""
    data = cms(("COST_LGH_1", 20, 13151.8), entity_type=entity_type)
    result = score_cost(data, ScoringContext(entity_type=entity_type), ref, rules)
    assert result.score == pytest.approx(75.0, abs=1e-7)


# -- MVP, APM Entity, APP (spec 7.3, 11.1, 11.2) -------------------------------------------------------------
def test_given_mvp_then_only_its_cost_measures_count(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1: M0005's costMeasureIds hold TPCC_1 but not MSPB_1: TPCC 7.8768 -> 78.768%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005", program_name="M0005")
    result = score_cost(cms(("TPCC_1", 20, 1400.0), ("MSPB_1", 35, 26000.0)), ctx, ref, rules)
    assert result.score == pytest.approx(78.768, abs=1e-9)
    node = result.explanation.find("MSPB_1")
    assert node is not None and "MVP" in node.detail
    assert result.mvp_id == "M0005"


def test_given_mvp_without_its_measures_then_not_scored(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1: G0059 lists only MSPB_1; TPCC data alone -> nothing scorable -> not scored."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="G0059")
    result = score_cost(cms(("TPCC_1", 20, 1400.0)), ctx, ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "noCostMeasureMetCaseMinimum"


def test_given_mvp_with_two_listed_measures_then_both_average(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1 / 7.3: M1366 lists MSPB_1 and TPCC_1: (7.8768 + 6.7135)/2 x 10 = 72.9515%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M1366")
    result = score_cost(cms(("TPCC_1", 20, 1400.0), ("MSPB_1", 35, 26000.0)), ctx, ref, rules)
    assert result.score == pytest.approx(72.9515, abs=1e-9)


def test_given_apm_entity_then_not_evaluated(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 3.0 / 7.3: cost is 0% for APM Entities: not evaluated, score None."""
    data = cms(("TPCC_1", 20, 1400.0), entity_type="apmEntity")
    result = score_cost(data, ScoringContext(entity_type="apmEntity"), ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "notEvaluatedForApmEntity"


def test_given_app_then_not_evaluated(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.2: cost is not evaluated in the APP."""
    ctx = ScoringContext(reporting_option="app", program_name="app1")
    result = score_cost(cms(("TPCC_1", 20, 1400.0)), ctx, ref, rules)
    assert result.score is None
    assert result.not_scored_reason == "notEvaluatedInApp"


# -- cost improvement (42 CFR 414.1380(b)(2)(iv)) and the rules table --------------------------------------
def test_cost_improvement_maximum_is_one_point_for_payment_year_2026(rules: YearRules) -> None:
    """42 CFR 414.1380(b)(2)(iv)(E): 0 for the 2020-2024 payment years, 1 percentage point from 2025; the
    2024 performance year is the 2026 payment year."""
    assert rules.payment.payment_year == 2026
    assert rules.cost.improvement_max_percentage_points == 1.0


def test_cost_improvement_formula_is_category_level(rules: YearRules) -> None:
    """42 CFR 414.1380(b)(2)(iv)(C)-(E): (current - prior) / prior x 1: (72 - 60)/60 = 0.2 pp;
    a decline (50 vs 60) is not lower than 0; (90 - 40)/40 = 1.25 is at most the 1-point maximum;
    no prior score (not scored under the same identifier both years, (B)) gives 0."""
    assert cost_improvement(72.0, 60.0, rules.cost)[0] == pytest.approx(0.2)
    assert cost_improvement(50.0, 60.0, rules.cost)[0] == 0.0
    assert cost_improvement(90.0, 40.0, rules.cost)[0] == 1.0
    value, detail = cost_improvement(72.0, None, rules.cost)
    assert value == 0.0 and "priorYearCostCategoryScore" in detail
    zero_max = replace(rules.cost, improvement_max_percentage_points=0.0)
    assert cost_improvement(72.0, 60.0, zero_max)[0] == 0.0


def test_given_e1_cost_and_prior_year_score_when_scored_then_improvement_added(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(b)(2)(iii)-(iv): E1 cost achievement 72.9515% (spec 14) and a prior-year cost
    category score of 65: improvement (72.9515 - 65)/65 x 1 = 0.122331 pp; cost = 73.073831%."""
    data = cms(("TPCC_1", 45, 1400.0), ("MSPB_1", 40, 26000.0))
    data = data.model_copy(update={"prior_year_cost_category_score": 65.0})
    result = score_cost(data, ScoringContext(), ref, rules)
    assert result.score == pytest.approx(72.9515 + 7.9515 / 65, abs=1e-9)
    assert result.metadata["costImprovementPercent"] == pytest.approx(0.1223307692, abs=1e-9)
    node = result.explanation.find("costImprovement")
    assert node is not None and "(72.9515 - 65.0000) / 65.0000 x 1" in node.detail


def test_prior_year_cost_score_is_read_from_the_cms_data_file() -> None:
    """README: ``priorYearCostCategoryScore`` is an optional CMS-data field (0-100)."""
    doc = {
        "performanceYear": 2024,
        "entityType": "group",
        "taxpayerIdentificationNumber": "123456789",
        "priorYearCostCategoryScore": 61.5,
    }
    assert CmsData.model_validate(doc).prior_year_cost_category_score == 61.5


def test_given_colon_rectal_resection_when_case_minimum_then_20(ref: ReferenceData, rules: YearRules) -> None:
    """42 CFR 414.1350(c)(4): procedural episodes 10 unless otherwise specified; Colon and Rectal
    Resection 20. So 19 COST_CRR_1 episodes are not scored while 10 knee arthroplasty episodes are."""
    assert rules.cost.case_minimum("COST_CRR_1") == 20
    assert rules.cost.case_minimum("COST_KA_1") == 10
    crr_19 = score_cost(cms(("COST_CRR_1", 19, 1000.0)), ScoringContext(), ref, rules)
    assert crr_19.score is None
    assert "COST_CRR_1" in crr_19.metadata["measuresNotScored"]
    crr_20 = score_cost(cms(("COST_CRR_1", 20, 1000.0)), ScoringContext(), ref, rules)
    assert crr_20.metadata["measuresScored"] == ["COST_CRR_1"]


def test_every_cost_parameter_has_a_citation(rules: YearRules) -> None:
    """Standards: every value is cited; the case minimums and the improvement maximum are settled by the
    regulation (cfr-verification-2024.md §2 #30-#38), so none is UNCONFIRMED any more."""
    assert rules.cost.undocumented() == []
    for name in (
        "tpcc_case_minimum",
        "mspb_case_minimum",
        "procedural_case_minimum",
        "colon_rectal_resection_case_minimum",
        "improvement_max_percentage_points",
        "points_above_p99",
        "new_2024_case_minimum",
    ):
        assert name not in rules.cost.unconfirmed()
    assert rules.cost.unconfirmed() == ["group_entity_types"]
