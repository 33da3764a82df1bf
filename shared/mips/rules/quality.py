"""Quality performance category parameters by performance year (spec section 4, 11.1, 11.2).

Every value the quality scorer uses is a field here; its dated values and citations are in
``shared/mips/parameters/quality.yaml``. Values the spec marks UNCONFIRMED are named parameters so they can
be corrected in one place once CMS's text is confirmed (spec 0.1, 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
class ComplexOrganizationAdjustment:
    """The Complex Organization Adjustment (42 CFR 414.1380(b)(1)(vii)(C), from PY2025).

    ``points_per_measure`` achievement points per submitted measure of ``submission_method`` (eCQM) that
    meets data completeness and the case minimum, for ``entity_types``; no measure above
    ``measure_max_points``; the total at most ``cap_fraction_of_available`` of the available points.
    """

    entity_types: tuple[str, ...]
    submission_method: str
    points_per_measure: float
    measure_max_points: float
    cap_fraction_of_available: float


@dataclass(frozen=True, kw_only=True)
class QualityRules(RuleSet):
    """Every value that changes by year for quality; see ``sources`` for citations."""

    # -- per measure (spec 4.2, 4.3, 4.4, 4.6) -------------------------------------------------------
    data_completeness_threshold: float
    data_completeness_threshold_inclusive: bool
    case_minimum: int
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
    # -- from PY2025 (rules-2025-2026 §4, §11.3): defaults = the feature is not in force ---------------
    complex_organization_adjustment: ComplexOrganizationAdjustment | None = None
    #: APP Plus quality set (``programName`` appPlus): slots and CMS-calculated admin-claims measures
    app_plus_program_name: str | None = None
    app_plus_measure_slots: tuple[tuple[str, ...], ...] = ()
    app_plus_admin_claims_measures: tuple[str, ...] = ()
    #: the (measure, collection type) pairs in measures-data ``sevenPointCapRemoved`` escape the 7-point cap
    topped_out_cap_removed_from_measures_data: bool = False
    #: an eCQM (electronicHealthRecord) quality set must carry its CEHRT ID (QPP Submissions API, PY2025 on)
    ecqm_requires_cehrt_id: bool = False
    #: False when the year's admin-claims benchmark rows must not be used (CMS mock data)
    admin_claims_benchmarks_usable: bool = True
