"""Quality measure achievement points (spec 4.2-4.6, 4.4.3 mapping, 16 #1 and #3).

Every expected number is computed by hand from the benchmark rows quoted in spec 14 (or read from
benchmarks/2024.json) with the arithmetic in a comment. A scored measure's points are rounded to 4 dp,
as CMS does (spec 0.3, rule ``measure_points_decimals``); ``decile_points`` is the unrounded mapping.
"""

from __future__ import annotations

from typing import Any

import pytest
from mips.categories.quality import data_completeness, decile_points, performance_rate
from mips.categories.quality_measure import score_cahps, score_measurement
from mips.models.submission import Measurement, MeasurementSet
from mips.reference.models import Benchmark
from mips.scoring import ScoringContext

NOT_SMALL = ScoringContext()
SMALL = ScoringContext(small_practice=True)


def single(
    met: int, not_met: int, eligible: int | None = None, excl: int = 0, exc: int = 0, **extra: Any
) -> dict:
    elig = eligible if eligible is not None else met + not_met + excl + exc
    return {
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": elig,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": exc,
        **extra,
    }


def measurement(measure_id: str, value: dict) -> Measurement:
    ms = MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": "registry",
            "measurements": [{"measureId": measure_id, "value": value}],
        }
    )
    return ms.measurements[0]


def score(ref, rules, mid: str, value: dict, method: str = "registry", ctx: ScoringContext = NOT_SMALL):
    return score_measurement(measurement(mid, value), method, ctx, ref, rules.quality)


def bench(percentiles: list[float], inverse: bool = False) -> Benchmark:
    keys = (1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)
    return Benchmark(
        measure_id="X",
        benchmark_year=2024,
        performance_year=2024,
        submission_method="registry",
        is_inverse=inverse,
        percentiles=dict(zip(keys, percentiles, strict=True)),
    )


# --- spec 4.2: rate and data completeness ---------------------------------------------------------
def test_given_exclusions_and_exceptions_when_rate_computed_then_they_leave_the_rate_denominator():
    """Spec 4.2: rate = met/(met+notMet); DC = (met+excl+exc+notMet)/eligible."""
    ms = MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": "registry",
            "measurements": [{"measureId": "236", "value": single(60, 20, eligible=100, excl=5, exc=5)}],
        }
    )
    v = ms.measurements[0].value
    assert performance_rate(v) == pytest.approx(75.0)  # 60/80
    assert data_completeness(v) == pytest.approx(90.0)  # (60+20+5+5)/100


def test_given_zero_denominators_when_rates_computed_then_none_not_an_exception():
    v = measurement("236", single(0, 0, eligible=0)).value
    assert performance_rate(v) is None and data_completeness(v) is None
    assert performance_rate(True) is None and data_completeness(True) is None


# --- spec 4.4.3: decile mapping -------------------------------------------------------------------
def test_given_e1_rates_when_mapped_then_points_match_spec_14(ref):
    """Spec 14 E1: 236 eCQM 70 -> 6 + 1.02/3.02; 001 eCQM 25 -> 7 + 4.05/4.80; 112 60 -> 6 + 0.21/5.85;
    134 eCQM 50 -> 6 + 7.31/11.25; 226 MIPS CQM 90 -> 6 + 0.71/7.81."""
    assert decile_points(70, ref.benchmark("236", "electronicHealthRecord")) == pytest.approx(6 + 1.02 / 3.02)
    assert decile_points(25, ref.benchmark("001", "electronicHealthRecord")) == pytest.approx(7 + 4.05 / 4.80)
    assert decile_points(60, ref.benchmark("112", "electronicHealthRecord")) == pytest.approx(6 + 0.21 / 5.85)
    assert decile_points(50, ref.benchmark("134", "electronicHealthRecord")) == pytest.approx(
        6 + 7.31 / 11.25
    )
    assert decile_points(90, ref.benchmark("226", "registry")) == pytest.approx(6 + 0.71 / 7.81)


def test_given_inverse_boundaries_when_mapped_then_better_decile_and_1_above_p99(ref):
    """Spec 14 E10 (001 eCQM, inverse): 14.53 (= p10) -> 10; 14.54 -> 9 + 5.29/5.30; 99.8 > p99 -> 1.0."""
    bm = ref.benchmark("001", "electronicHealthRecord")
    assert decile_points(14.53, bm) == 10.0
    assert decile_points(14.54, bm) == pytest.approx(9 + 5.29 / 5.30)  # 9.9981
    assert decile_points(99.8, bm) == 1.0
    assert decile_points(99.5, bm) == pytest.approx(1.0)  # = p99: decile 1, 1 + 0/(99.5-93.62)


def test_given_direct_boundaries_when_mapped_then_boundary_goes_to_better_decile():
    """Spec 4.4.3: direct r = p10 is decile 2 (2 + 0); below p1 earns 1.0; >= p90 earns 10."""
    bm = bench([5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99])
    assert decile_points(10, bm) == 2.0
    assert decile_points(9.99, bm) == pytest.approx(1 + 4.99 / 5)  # decile 1: 1 + (9.99-5)/(10-5)
    assert decile_points(4.0, bm) == 1.0
    assert decile_points(90, bm) == 10.0 and decile_points(100, bm) == 10.0


def test_given_flat_benchmarks_when_mapped_then_general_mapping_gives_spec_e11(ref):
    """Spec 4.4.4 / 14 E11: 236 MIPS CQM 84.5 -> 9 + 4.5/10; 001 MIPS CQM 8 -> 10; 35 -> 7 + 5/10;
    99.5 -> 1."""
    assert decile_points(84.5, ref.benchmark("236", "registry")) == pytest.approx(9.45)
    flat001 = ref.benchmark("001", "registry")
    assert decile_points(8, flat001) == 10.0
    assert decile_points(35, flat001) == pytest.approx(7.5)
    assert decile_points(99.5, flat001) == 1.0


def test_given_empty_deciles_when_mapped_then_rate_lands_in_next_defined_decile():
    """Spec 4.4.3 empty deciles: p20 = p30 = 50 makes decile 3 empty; 50 is in decile 4 [50, 60) -> 4.0;
    inverse with p10 = p20 = 5: 5 -> 10 and 6 is in decile 8 (5, 10]: 8 + (10-6)/(10-5) = 8.8."""
    bm = bench([1, 10, 50, 50, 60, 70, 75, 80, 85, 90, 99])
    assert decile_points(50, bm) == 4.0
    assert decile_points(49.9, bm) == pytest.approx(2 + 39.9 / 40)  # decile 2 [10, 50)
    inv = bench([1, 5, 5, 10, 20, 30, 40, 50, 60, 70, 80], inverse=True)
    assert decile_points(5, inv) == 10.0
    assert decile_points(6, inv) == pytest.approx(8.8)


def test_given_topped_out_distribution_when_mapped_then_100_is_decile_10(ref):
    """Spec 4.4.3: 249 registry p10..p99 = 100 -> rate 100 is decile 10 (10 before any cap)."""
    assert decile_points(100, ref.benchmark("249", "registry")) == 10.0


# --- spec 4.4.5: topped-out cap -------------------------------------------------------------------
def test_given_topped_out_by_program_when_scored_then_capped_at_7_only_when_binding(ref, rules):
    """Spec 14 E9: 134 MIPS CQM at 100 -> 10 capped 7; at 99.5 -> 5 + 0.28/0.75 = 5.3733 (not binding)."""
    s = score(ref, rules, "134", single(1000, 0))
    assert s.points == 7.0 and s.node.metadata["sevenPointCapApplied"] is True
    assert "capped at 7" in s.node.detail
    s = score(ref, rules, "134", single(995, 5))
    assert s.points == round(5 + 0.28 / 0.75, 4)  # 5.3733


def test_given_topped_out_not_by_program_when_scored_then_no_cap(ref, rules):
    """Spec 14 E29: 047 MIPS CQM (isToppedOut, not byProgram) at 100% -> 10.0."""
    s = score(ref, rules, "047", single(100, 0))
    assert s.points == 10.0 and "no cap" in s.node.detail


# --- spec 4.6: conditions -------------------------------------------------------------------------
def test_given_dc_below_75_when_scored_then_0_or_3_for_small(ref, rules):
    """Spec 4.6 / 14 E8: DC 70% -> 0 (not small), 3 (small)."""
    value = single(630, 70, eligible=1000)  # (630+70)/1000 = 70%
    assert score(ref, rules, "226", value).points == 0.0
    s = score(ref, rules, "226", value, ctx=SMALL)
    assert s.points == 3.0 and "70% is below 75%" in s.node.detail


def test_given_dc_exactly_75_when_scored_then_it_passes(ref, rules):
    """Spec 4.2 (UNCONFIRMED, parameter): exactly 75.00% passes. 226 registry 90%: 6 + 0.71/7.81."""
    s = score(ref, rules, "226", single(675, 75, eligible=1000))  # DC 750/1000; rate 675/750 = 90
    assert s.points == round(6 + 0.71 / 7.81, 4)  # 6.0909


def test_given_case_minimum_when_19_cases_then_0_or_3_and_20_cases_scored(ref, rules):
    """Spec 4.3 / 4.6: fewer than 20 cases -> 0 (3 small); 20 cases scored. 236 eCQM 14/20 = 70 -> 6.3377."""
    s = score(ref, rules, "236", single(13, 6), method="electronicHealthRecord")
    assert s.points == 0.0 and "case minimum of 20" in s.node.detail
    assert score(ref, rules, "236", single(13, 6), "electronicHealthRecord", SMALL).points == 3.0
    s = score(ref, rules, "236", single(14, 6), method="electronicHealthRecord")
    assert s.points == round(6 + 1.02 / 3.02, 4)  # 6.3377


def test_given_no_benchmark_row_when_scored_then_0_or_3_with_exclusion_reason(ref, rules):
    """Spec 4.4.1 / 4.6: 102 eCQM has no benchmark (BR-009) -> 0 (3 small), message names BR-009."""
    s = score(ref, rules, "102", single(50, 50), method="electronicHealthRecord")
    assert s.points == 0.0 and "BR-009" in s.node.detail
    assert score(ref, rules, "102", single(50, 50), "electronicHealthRecord", SMALL).points == 3.0


def test_given_submission_method_without_row_when_scored_then_specific_message(ref, rules):
    """Spec 4.4.1: a measure/collection type absent from benchmarks has no benchmark (0 points)."""
    s = score(ref, rules, "047", single(50, 50), method="electronicHealthRecord")
    assert (
        s.points == 0.0 and "No benchmark exists for measure 047 via electronicHealthRecord" in s.node.detail
    )


def test_given_suppressed_measure_when_scored_then_removed(ref, rules):
    """Spec 4.6: BR-022 (389 registry) -> removed from numerator and denominator (points None)."""
    s = score(ref, rules, "389", single(50, 50))
    assert s.points is None and s.status == "suppressed" and "BR-022" in s.node.detail


def test_given_new_measure_first_year_when_scored_then_floor_7(ref, rules):
    """Spec 4.6: 499 (firstPerformanceYear 2024) registry 50% -> 2 + 7.14/10.3 = 2.69 -> floor 7;
    97% -> 10 (floor not binding); 496 (2024, no benchmark) -> 7; case minimum not met -> 7."""
    assert score(ref, rules, "499", single(50, 50)).points == 7.0
    assert score(ref, rules, "499", single(97, 3)).points == 10.0
    assert score(ref, rules, "496", single(50, 50)).points == 7.0
    assert score(ref, rules, "499", single(5, 5)).points == 7.0


def test_given_new_measure_second_year_when_scored_then_floor_5(ref, rules):
    """Spec 4.6: 485 (2023) registry 30% -> 2 + 7.42/9.51 = 2.78 -> floor 5; 490 (2023, no benchmark) -> 5."""
    s = score(ref, rules, "485", single(30, 70))
    assert s.points == 5.0 and s.node.metadata["newMeasureFloorApplied"] == 5.0
    assert score(ref, rules, "490", single(30, 70)).points == 5.0


def test_given_new_measure_failing_dc_when_scored_then_no_floor(ref, rules):
    """Spec 4.6 (UNCONFIRMED, parameter): DC failure -> 0 / 3 even for a new measure."""
    assert score(ref, rules, "499", single(30, 20, eligible=100)).points == 0.0  # DC 50%
    assert score(ref, rules, "499", single(30, 20, eligible=100), ctx=SMALL).points == 3.0


def test_given_zero_performance_denominator_when_scored_then_specific_message(ref, rules):
    """Spec 4.2: met + notMet = 0 (all exclusions) -> no rate; message, 0 points, no exception."""
    s = score(ref, rules, "236", single(0, 0, eligible=30, excl=30), method="electronicHealthRecord")
    assert s.points == 0.0 and "met + not met = 0" in s.node.detail


def test_given_unknown_measure_when_scored_then_message_and_not_counted(ref, rules):
    s = score(ref, rules, "NOPE1", single(10, 10))
    assert s.points is None and not s.submitted and "not a 2024 MIPS quality measure" in s.node.detail


def test_given_submitted_rate_differing_when_scored_then_computed_rate_wins_with_warning(ref, rules):
    """Spec 4.2 (engine choice): performanceRate 95 submitted with 70/30 counts -> rate 70 scored."""
    s = score(ref, rules, "236", single(700, 300, performanceRate=95.0), method="electronicHealthRecord")
    assert s.points == round(6 + 1.02 / 3.02, 4)  # 6.3377
    assert "differs" in s.node.detail


def test_given_claims_measure_from_non_small_practice_when_scored_then_not_counted(ref, rules):
    """Spec 4.1: Part B claims measures are for small practices only; E11: 236 claims 95% small -> 10."""
    assert score(ref, rules, "236", single(95, 5), method="claims").points is None
    assert score(ref, rules, "236", single(95, 5), method="claims", ctx=SMALL).points == 10.0


# --- spec 4.2: multi-performance-rate measures ----------------------------------------------------
def strata(*rows: tuple[str, int, int]) -> dict:
    return {"strata": [{"stratum": n, **single(m, nm)} for n, m, nm in rows]}


def test_given_single_rate_for_split_measure_when_scored_then_given_rate_scored(ref, rules):
    """Spec 14 E1: 226 (split) submitted as one rate 90% -> 6 + 0.71/7.81."""
    s = score(ref, rules, "226", single(900, 100))
    assert s.points == round(6 + 0.71 / 7.81, 4) and "multi-rate" in s.node.detail  # 6.0909


def test_given_split_strata_when_scored_then_combined_stratum_scored(ref, rules):
    """Spec 4.2 (UNCONFIRMED): 'split' 226 scores combinedPopulations (90/100 = 90% -> 6.0909)."""
    v = strata(("reporting", 50, 50), ("performance", 10, 90), ("combinedPopulations", 90, 10))
    assert score(ref, rules, "226", v).points == round(6 + 0.71 / 7.81, 4)  # 6.0909


def test_given_simple_average_when_scored_then_mean_of_stratum_rates(ref, rules):
    """Spec 4.2 (UNCONFIRMED): 052 registry (80 + 60)/2 = 70 -> decile 2 [45.05, 73.64): 2 + 24.95/28.59."""
    v = strata(("spirometry", 80, 20), ("bronchodilator", 60, 40))
    assert score(ref, rules, "052", v).points == round(2 + 24.95 / 28.59, 4)  # 2.8727


def test_given_weighted_average_when_scored_then_pooled_rate(ref, rules):
    """Spec 4.2 (UNCONFIRMED): 493 registry (30+10+5+15)/400 = 15% -> 6 + (15-12.68)/(18.95-12.68)."""
    v = strata(("influenza", 30, 70), ("Tdap", 10, 90), ("herpesZoster", 5, 95), ("pneumococcal", 15, 85))
    assert score(ref, rules, "493", v).points == round(6 + 2.32 / 6.27, 4)  # 6.37


def test_given_overall_stratum_only_when_scored_then_overall_stratum_used(ref, rules):
    """Spec 4.2: 238 registry (inverse, p10 = 0) overall 0/100 = 0% -> 10."""
    v = strata(("overall", 0, 100), ("appropriateDiagnosis", 50, 50))
    assert score(ref, rules, "238", v).points == 10.0


def test_given_missing_strata_when_scored_then_specific_message_not_exception(ref, rules):
    """Spec 4.2: missing overall stratum (238) or a missing averaged stratum (052) -> message, 0 / 3."""
    s = score(ref, rules, "238", strata(("appropriateDiagnosis", 50, 50)))
    assert s.points == 0.0 and "stratum 'overall'" in s.node.detail and "not submitted" in s.node.detail
    s = score(ref, rules, "052", strata(("spirometry", 80, 20)), ctx=SMALL)
    assert s.points == 3.0 and "missing: bronchodilator" in s.node.detail


# --- spec 4.5: CAHPS ------------------------------------------------------------------------------
def test_given_cahps_ssms_when_scored_then_average_of_benchmarked_ssms(ref, rules):
    """Spec 4.5 (UNCONFIRMED): CAHPS_1 84.49 (= p50) -> 6.0; CAHPS_11 31.04 (= p90) -> 10; CAHPS_7 has no
    benchmark and is skipped; 321 = (6 + 10)/2 = 8.0."""
    ms = MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": "certifiedSurveyVendor",
            "measurements": [
                {"measureId": "CAHPS_1", "value": {"performanceRate": 84.49}},
                {"measureId": "CAHPS_11", "value": {"performanceRate": 31.04}},
                {"measureId": "CAHPS_7", "value": {"performanceRate": 50.0}},
            ],
        }
    )
    s = score_cahps(ms.measurements, NOT_SMALL, ref, rules.quality)
    assert s.measure_id == "321" and s.points == pytest.approx(8.0)
    assert "no benchmark" in s.node.find("CAHPS_7").detail
