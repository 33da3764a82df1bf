"""Quality performance category parameters by performance year (spec section 4, 11.1, 11.2).

Every value the quality scorer uses lives here with its citation; values the spec marks UNCONFIRMED are
named parameters so they can be corrected in one place once CMS's text is confirmed (spec 0.1, 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class AdminClaimsRule:
    """Applicability and case minimum of one administrative-claims quality measure (spec 4.7).

    ``entity_types`` are the entity types CMS scores the measure for; ``min_clinicians`` the smallest
    practice size (None: no clinician-count requirement); ``case_minimum`` the attributed cases needed.
    """

    entity_types: tuple[str, ...]
    min_clinicians: int | None
    case_minimum: int


@dataclass(frozen=True, kw_only=True)
class QualityRules(RuleSet):
    """Every value that changes by year for quality; see ``sources`` for citations."""

    # -- per measure (spec 4.2, 4.3, 4.4, 4.6) -------------------------------------------------------
    data_completeness_threshold: float
    data_completeness_threshold_inclusive: bool
    case_minimum: int
    max_measure_points: float
    min_benchmarked_points: float
    outside_p1_p99_points: float
    measure_points_decimals: int
    topped_out_cap: float
    failed_measure_points: float
    small_practice_failed_measure_points: float
    new_measure_floors: Mapping[int, float]
    new_measure_floor_when_dc_fails: bool
    suppressed_reason_codes: tuple[str, ...]
    claims_small_practice_only: bool
    submitted_rate_tolerance: float
    # -- multi-performance-rate measures (spec 4.2) --------------------------------------------------
    overall_stratum_names: tuple[str, ...]
    split_scored_strata: tuple[str, ...]
    average_skips_zero_denominator_strata: bool
    non_proportion_rate_source: str
    # -- CAHPS for MIPS (spec 4.5) -------------------------------------------------------------------
    cahps_measure_id: str
    cahps_ssm_prefix: str
    cahps_submission_method: str
    # -- category (spec 4.8-4.12) --------------------------------------------------------------------
    required_measures: int
    outcome_measure_types: tuple[str, ...]
    missing_outcome_slot_scores_zero: bool
    same_measure_keeps_highest: bool
    specialty_set_reduction: bool
    measure_denominator_points: float
    admin_claims_submission_method: str
    admin_claims: Mapping[str, AdminClaimsRule]
    traditional_admin_claims_measures: tuple[str, ...]
    small_practice_bonus: float
    small_practice_bonus_options: tuple[str, ...]
    improvement_max: float
    improvement_prior_floor: float
    improvement_scale: float
    improvement_requires_full_participation: bool
    category_cap: float
    # -- MVP (spec 11.1) -----------------------------------------------------------------------------
    mvp_required_measures: int
    mvp_population_health_measures_counted: int
    # -- APP (spec 11.2) -----------------------------------------------------------------------------
    app_program_name: str
    app_measure_slots: tuple[tuple[str, ...], ...]
    app_admin_claims_measures: tuple[str, ...]
    app_small_practice_points_on_dc_failure: bool
    app_missing_measure_scores_zero: bool
    #: whether the 7-point topped-out cap applies in the APP (42 CFR 414.1367(c)(1)(ii): it does not)
    app_topped_out_cap_applies: bool
    # -- EMA / denominator reduction (spec 4.9) --------------------------------------------------------
    ema_denominator_reduction: bool
    ema_submission_methods: tuple[str, ...]


_GROUPS = ("group", "virtualGroup", "apmEntity", "subgroup")

QUALITY_2024 = QualityRules(
    data_completeness_threshold=75.0,
    data_completeness_threshold_inclusive=True,
    case_minimum=20,
    max_measure_points=10.0,
    min_benchmarked_points=1.0,
    outside_p1_p99_points=1.0,
    measure_points_decimals=4,
    topped_out_cap=7.0,
    failed_measure_points=0.0,
    small_practice_failed_measure_points=3.0,
    new_measure_floors=MappingProxyType({0: 7.0, 1: 5.0}),
    new_measure_floor_when_dc_fails=False,
    suppressed_reason_codes=("BR-022",),
    claims_small_practice_only=True,
    submitted_rate_tolerance=0.01,
    overall_stratum_names=("overall",),
    split_scored_strata=("combinedPopulations", "overall", "performance"),
    average_skips_zero_denominator_strata=True,
    non_proportion_rate_source="numerator",
    cahps_measure_id="321",
    cahps_ssm_prefix="CAHPS_",
    cahps_submission_method="certifiedSurveyVendor",
    required_measures=6,
    outcome_measure_types=("outcome", "intermediateOutcome", "patientReportedOutcome"),
    missing_outcome_slot_scores_zero=True,
    same_measure_keeps_highest=True,
    specialty_set_reduction=True,
    measure_denominator_points=10.0,
    admin_claims_submission_method="administrativeClaims",
    admin_claims=MappingProxyType(
        {
            "479": AdminClaimsRule(entity_types=_GROUPS, min_clinicians=16, case_minimum=200),
            "480": AdminClaimsRule(
                entity_types=("individual", *_GROUPS), min_clinicians=None, case_minimum=25
            ),
            "484": AdminClaimsRule(entity_types=_GROUPS, min_clinicians=16, case_minimum=18),
            "492": AdminClaimsRule(
                entity_types=("individual", *_GROUPS), min_clinicians=None, case_minimum=20
            ),
        }
    ),
    traditional_admin_claims_measures=("479", "480", "484", "492"),
    small_practice_bonus=6.0,
    small_practice_bonus_options=("traditional", "mvp", "app"),
    improvement_max=10.0,
    improvement_prior_floor=30.0,
    improvement_scale=10.0,
    improvement_requires_full_participation=True,
    category_cap=100.0,
    mvp_required_measures=4,
    mvp_population_health_measures_counted=1,
    app_program_name="app1",
    app_measure_slots=(("001", "001SSP"), ("134", "134SSP"), ("236", "236SSP"), ("321",)),
    app_admin_claims_measures=("479", "484"),
    app_small_practice_points_on_dc_failure=True,
    app_missing_measure_scores_zero=True,
    app_topped_out_cap_applies=False,
    ema_denominator_reduction=True,
    ema_submission_methods=("claims", "registry"),
    sources={
        "data_completeness_threshold": "spec 4.2 [S:SEED-FM; S:QPP-QUAL] 75% of denominator-eligible cases",
        "data_completeness_threshold_inclusive": (
            'spec 4.2; settled by 42 CFR 414.1340(a)(4) "at least 75 percent": exactly 75.00 passes '
            "[CFR-1340; cfr-verification-2024.md §2 #1]"
        ),
        "case_minimum": "spec 4.3 [S:GRAPHIUM; S:STI] 42 CFR 414.1380(b)(1)(iii): 20 cases",
        "max_measure_points": "spec 4.4.3 decile 10 = 10 points [S:SUBDOCS; DERIVED]",
        "min_benchmarked_points": "spec 4.4.3 / 17: benchmarked measures earn 1-10 points [S:STI; CFR relay]",
        "outside_p1_p99_points": (
            "spec 4.4.3, 17; settled by 42 CFR 414.1380(b)(1)(i): benchmarked measures receive "
            '"between 1 and 10 measure achievement points", so below p1 (direct) / above p99 '
            "(inverse) earns the minimum 1.0 [CFR-1380; cfr-verification-2024.md §2 #2]"
        ),
        "measure_points_decimals": (
            "spec 0.3 / Appendix A round(pts, 4) [S:SUBDOCS scoring-example-output-quality.json]: CMS rounds "
            "each measure's points to 4 dp before summing (unroundedScoreValue 34.93083333 = (3 + 8.9585 + 3 "
            "+ 6)/60, whereas unrounded 8.958463 would give 34.93077); spec 14 E2 69.9302 relies on it"
        ),
        "ema_denominator_reduction": (
            "spec 4.9, 15 #23 [DATA:clinical-clusters/2024/clinical-clusters.json]: claims and MIPS CQM "
            "submitters with fewer than 6 measures, every one in a clinical cluster of its collection type, "
            "must report the union of those clusters' measures (at most 6); UNCONFIRMED algorithm: the "
            "minimum threshold test on claims (measures of a cluster the clinician could not report) is not "
            "in the input, so every measure of a matched cluster is taken as applicable"
        ),
        "ema_submission_methods": (
            "spec 4.9 [DATA:clinical-clusters.json submissionMethod claims | registry]: EMA applies to "
            "Medicare Part B claims and MIPS CQM (registry) measures, not eCQMs"
        ),
        "app_topped_out_cap_applies": (
            "spec 11.2; settled by 42 CFR 414.1367(c)(1)(ii) (text of 85 FR 85031, in force for 2024): "
            "topped-out measures are not subject to the 7-point cap in the APP [CFR-1367 @7e25c3fb; "
            "cfr-verification-2024.md §1]"
        ),
        "topped_out_cap": "spec 4.4.5 [S:QMD benchmarks-schema.yaml] 7-point cap for isToppedOutByProgram",
        "failed_measure_points": (
            "spec 4.6 [S:SEED-FM; S:JM-Q1 88 FR 79123] 0 points (DC fail, no benchmark, case min)"
        ),
        "small_practice_failed_measure_points": "spec 4.6 [S:SEED-FM; S:JM-Q1] 3 points for small practices",
        "new_measure_floors": "spec 4.6 [S:STI; S:GRAPHIUM] 42 CFR 414.1380(b)(1)(i)(C): years since "
        "firstPerformanceYear -> floor (0: 7 points, 1: 5 points)",
        "new_measure_floor_when_dc_fails": (
            "spec 4.6; settled by 42 CFR 414.1380(b)(1)(i)(A)(3) and (C): the 7/5 floors apply only "
            "to measures that meet data completeness; DC failure gets 0 / 3 (small) under "
            "(b)(1)(i)(B)(1)(iii) [CFR-1380; cfr-verification-2024.md §2 #3]"
        ),
        "suppressed_reason_codes": (
            "spec 4.4.1 / 4.6; mechanism settled by 42 CFR 414.1380(b)(1)(vii)(A): a measure hit by "
            "significant changes or errors is excluded from total and available measure achievement "
            "points; the code BR-022 marks it [DATA:benchmark-exclusion-reasons.json; CFR-1380; "
            "cfr-verification-2024.md §2 #4]"
        ),
        "claims_small_practice_only": (
            "spec 4.1 [S:SEED-SP; S:QPP-APPQ] Part B claims measures: small practices only"
        ),
        "submitted_rate_tolerance": "spec 4.2 [S:SUBDOCS data.ts] performanceRate = met/(met+notMet); engine "
        "choice: the rate computed from the counts is scored, a submitted rate differing by more than this "
        "many percentage points is reported as a warning",
        "overall_stratum_names": (
            "spec 4.2 [DATA:measures-data.json overallAlgorithm] UNCONFIRMED formula: "
            "overallStratumOnly scores the stratum with this name; no source settles it "
            "(cfr-verification-2024.md §2 #5)"
        ),
        "split_scored_strata": (
            "spec 4.2 UNCONFIRMED formula: 'split' measures (226, 409, 431) score the first present "
            "stratum of this list (the combined/overall rate); no source settles it "
            "(cfr-verification-2024.md §2 #6)"
        ),
        "average_skips_zero_denominator_strata": (
            "spec 4.2 UNCONFIRMED formula: simpleAverage/weightedAverage ignore strata with met + "
            "notMet = 0; no source settles it (cfr-verification-2024.md §2 #7)"
        ),
        "non_proportion_rate_source": (
            "spec 4.2 UNCONFIRMED: a QCDR non-proportion measure's value compared with its benchmark "
            "is the submitted numerator (observed value); no source settles it "
            "(cfr-verification-2024.md §2 #8)"
        ),
        "cahps_measure_id": "spec 4.5 [DATA:measures-data.json] CAHPS for MIPS is measure 321",
        "cahps_ssm_prefix": "spec 4.5 [DATA:benchmarks/2024.json] summary survey measures CAHPS_1..CAHPS_11",
        "cahps_submission_method": "spec 4.4.1 / 4.5 [DATA:benchmarks-schema.yaml] certifiedSurveyVendor",
        "required_measures": "spec 4.1 / 4.9 [S:SEED-FM; S:QPP-QUAL; S:SUBDOCS] 6 measures, denominator 60",
        "outcome_measure_types": (
            "spec 4.1 UNCONFIRMED (15 #14): outcome incl. intermediate and PRO outcome; only indirect "
            "support (CMS MSSP memo treats 001/236 as outcome measures, via jmandel) "
            "[cfr-verification-2024.md §2 #9]"
        ),
        "missing_outcome_slot_scores_zero": (
            'spec 4.9; settled by 42 CFR 414.1380(b)(1)(i): "zero measure achievement points for each '
            'measure required under 414.1335 on which no data is submitted" (the '
            "outcome/high-priority measure is a required one) [CFR-1380; cfr-verification-2024.md §2 "
            "#10]"
        ),
        "same_measure_keeps_highest": (
            "spec 4.8; settled by 42 CFR 414.1380(b)(1)(i): a measure submitted via multiple "
            'collection types is "scored only on the data submission with the greatest number of '
            'measure achievement points" [CFR-1380; cfr-verification-2024.md §2 #11]'
        ),
        "specialty_set_reduction": (
            "spec 4.1 [S:SEED-FM; S:QPP-QUAL]: a complete specialty set with fewer than 6 "
            "measures is the requirement"
        ),
        "measure_denominator_points": "spec 4.10 [S:SUBDOCS]: 10 available points per required measure",
        "admin_claims_submission_method": "spec 4.4.1 / 4.4.6 [DATA] administrativeClaims benchmark rows",
        "admin_claims": (
            "spec 4.7 UNCONFIRMED (15 #20): 479 groups >= 16 clinicians, 200 cases; 480 individuals "
            "and groups, 25 cases; 484 >= 16 clinicians, 18 cases [S:MDI-484 2022]; 492 all details "
            "unconfirmed (engine default: any entity, 20 cases). The 20-case default and the "
            "exclusion of failing measures are settled by 42 CFR 414.1380(b)(1)(iii), "
            "(b)(1)(i)(A)(2)(ii); the per-measure values of the MIPS final list were not retrieved "
            "[cfr-verification-2024.md §2 #12]"
        ),
        "traditional_admin_claims_measures": (
            "spec 4.7 [S:GRAPHIUM; S:SEED-SP]: 479, 480, 484, 492 scored when applicable"
        ),
        "small_practice_bonus": "spec 4.11 [S:SUBDOCS; S:STI] +6 numerator points, >= 1 measure submitted",
        "small_practice_bonus_options": (
            "spec 4.11 / 11.1; settled: MVP and APP quality are scored in accordance with 42 CFR "
            "414.1380(b)(1), which includes the (b)(1)(v)(C) small-practice bonus [CFR-1365 "
            "(d)(3)(i); CFR-1367 (c)(1); cfr-verification-2024.md §2 #13]"
        ),
        "improvement_max": (
            'spec 4.12; settled by 42 CFR 414.1380(b)(1)(vi)(B): "may not total more than 10 '
            'percentage points" [CFR-1380; cfr-verification-2024.md §2 #14]'
        ),
        "improvement_prior_floor": (
            "spec 4.12; settled by 42 CFR 414.1380(b)(1)(vi)(C)(4): 30 percent assumed when the prior "
            "score is <= 30 percent, from the 2020 MIPS payment year [CFR-1380; "
            "cfr-verification-2024.md §2 #15]"
        ),
        "improvement_scale": (
            "spec 4.12; settled by 42 CFR 414.1380(b)(1)(vi)(C)(2): increase / prior achievement "
            "percent x 10 percent [CFR-1380; cfr-verification-2024.md §2 #16]"
        ),
        "improvement_requires_full_participation": (
            "spec 4.12; settled by 42 CFR 414.1380(b)(1)(vi)(C)(5) and (F): zero unless all "
            "requirements of 414.1335 and 414.1340 are met [CFR-1380; cfr-verification-2024.md §2 "
            "#17]"
        ),
        "category_cap": "spec 4.10 [S:JM-Q2 42 CFR 414.1380(b)(1)(vii)] category cannot exceed 100",
        "mvp_required_measures": "spec 11.1 [S:ECFR-1365 414.1365(c)(1); S:SEED-SP] 4 quality measures",
        "mvp_population_health_measures_counted": (
            "spec 11.1; the count (1 population health measure, chosen at registration) is settled by "
            "42 CFR 414.1365(b)(2)(i), (c)(4)(ii) [CFR-1365]; UNCONFIRMED (no source): the "
            "registration choice is not in the input, the engine counts the best scored one "
            "[cfr-verification-2024.md §2 #18]"
        ),
        "app_program_name": "spec 11.1 / 13.1 [S:SUBDOCS data.ts programName] APP program name",
        "app_measure_slots": (
            "spec 11.2 [S:QPP-APPQ; DATA:measures-data.json app1] 001, 134, 236 (or Medicare "
            "CQM variants) and CAHPS 321"
        ),
        "app_admin_claims_measures": "spec 11.2 [S:QPP-APPQ] 479 HWR and 484 MCC calculated by CMS",
        "app_small_practice_points_on_dc_failure": (
            "spec 11.2; settled: the APP scores quality per 42 CFR 414.1380(b)(1) except the "
            "no-benchmark/case-minimum exclusion, so DC failure gets 0 (3 for small practices) under "
            "(b)(1)(i)(B)(1)(iii) [CFR-1367 (c)(1); CFR-1380; cfr-verification-2024.md §2 #19]"
        ),
        "app_missing_measure_scores_zero": (
            "spec 11.2 / 4.9; settled: zero points for each required measure not submitted, 42 CFR "
            "414.1380(b)(1)(i) via 414.1367(c)(1) [CFR-1380; CFR-1367; cfr-verification-2024.md §2 "
            "#20]"
        ),
    },
)
