"""Final-score bonus and cap parameters by performance year (spec 8, 9)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True)
class CpbPopulation:
    """Mean, standard deviation and median of the two complex-patient risk indicators (average HCC risk
    score, dual proportion) over one population, from the most recent prior performance period
    (42 CFR 414.1380(c)(3)(v)-(vii))."""

    hcc_mean: float
    hcc_sd: float
    hcc_median: float
    dual_mean: float
    dual_sd: float
    dual_median: float


@dataclass(frozen=True, kw_only=True)
class BonusRules(RuleSet):
    """Every value that changes by year for bonuses and the final-score cap; see ``sources``."""

    final_score_cap: float
    cpb_cap: float
    #: each complex patient bonus component = constant + multiplier x the indicator's standardized score
    cpb_component_constant: float
    cpb_component_multiplier: float
    cpb_floor: float
    #: CPB only for an entity that submitted data for at least one category
    cpb_requires_data_submission: bool
    #: a facility-based clinician is eligible for CPB without submitting data (414.1380(c)(3))
    cpb_facility_based_eligible: bool
    #: population statistics; None = not published to us, so CPB is only taken as a given number
    cpb_population_individual: CpbPopulation | None
    cpb_population_group: CpbPopulation | None
