"""Final-score bonus and cap parameters by performance year (spec 8, 9)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True)
class CpbPopulation:
    """Medians and standard deviations of the complex-patient indicators over one population (spec 8.1)."""

    hcc_median: float
    hcc_sd: float
    dual_median: float
    dual_sd: float


@dataclass(frozen=True, kw_only=True)
class BonusRules(RuleSet):
    """Every value that changes by year for bonuses and the final-score cap; see ``sources``."""

    final_score_cap: float
    cpb_cap: float
    cpb_multiplier: float
    #: CPB only for an entity that submitted data for at least one category
    cpb_requires_data_submission: bool
    #: population statistics; None = not published to us, so CPB is only taken as a given number
    cpb_population_individual: CpbPopulation | None
    cpb_population_group: CpbPopulation | None
