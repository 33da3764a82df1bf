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


BONUS_2024 = BonusRules(
    final_score_cap=100.0,
    cpb_cap=10.0,
    cpb_component_constant=1.5,
    cpb_component_multiplier=4.0,
    cpb_floor=0.0,
    cpb_requires_data_submission=True,
    cpb_facility_based_eligible=True,
    cpb_population_individual=None,
    cpb_population_group=None,
    sources={
        "final_score_cap": (
            "spec §0.4, §9.1 [S:SEED-SP; S:SEED-IA] (final score 0 to 100); 42 CFR 414.1380(c)"
        ),
        "cpb_cap": (
            'spec §8.1; settled by 42 CFR 414.1380(c)(3)(viii): "cannot exceed 10.0" [CFR-1380 @4586c39a]'
        ),
        "cpb_component_constant": (
            "spec §8.1; settled by 42 CFR 414.1380(c)(3)(vi) (clinicians, groups) and (vii) (APM Entities, "
            "virtual groups): component = 1.5 + 4 x standardized score, for each indicator at or above its "
            "median ((c)(3)(v)); components added [CFR-1380 @4586c39a; cfr-verification-2024.md §2 #50]"
        ),
        "cpb_component_multiplier": (
            "spec §8.1; settled by 42 CFR 414.1380(c)(3)(vi), (vii): the 4 of 1.5 + 4 x standardized score, "
            "standardized score = (raw - mean) / SD [CFR-1380 @4586c39a; cfr-verification-2024.md §2 #50]"
        ),
        "cpb_floor": (
            'spec §8.1; settled by 42 CFR 414.1380(c)(3)(viii): "cannot be below 0.0" [CFR-1380 @4586c39a]'
        ),
        "cpb_requires_data_submission": (
            "spec §8.1; settled by 42 CFR 414.1380(c)(3): data submitted for at least one performance "
            "category (or facility-based) [CFR-1380 @4586c39a]"
        ),
        "cpb_facility_based_eligible": (
            "spec §8.1; settled by 42 CFR 414.1380(c)(3): beginning with the 2025 MIPS payment year a "
            "facility-based clinician also gets the bonus without submitting data [CFR-1380 @4586c39a]"
        ),
        "cpb_population_individual": (
            "spec §8.1; definition settled by 42 CFR 414.1380(c)(3)(v), (vi) (mean, SD and median of the "
            "prior period's risk indicators of those who submitted data or are facility-based); "
            "UNCONFIRMED values: not published in any source found, so None (a computed bonus says so) "
            "[cfr-verification-2024.md §2 #51]"
        ),
        "cpb_population_group": (
            "spec §8.1; definition settled by 42 CFR 414.1380(c)(3)(v), (vii) (groups, virtual groups, APM "
            "Entities); UNCONFIRMED values: not published in any source found, so None "
            "[cfr-verification-2024.md §2 #52]"
        ),
    },
)
