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


BONUS_2024 = BonusRules(
    final_score_cap=100.0,
    cpb_cap=10.0,
    cpb_multiplier=2.5,
    cpb_requires_data_submission=True,
    cpb_population_individual=None,
    cpb_population_group=None,
    sources={
        "final_score_cap": "spec §0.4, §9.1 [S:SEED-SP; S:SEED-IA] (final score 0 to 100)",
        "cpb_cap": "spec §8.1, §17 [S:ACME-CPB; S:AAO-2023 (3rd party)] (up to 10 points)",
        "cpb_multiplier": "spec §8.1, §15 item 34 UNCONFIRMED ((z_hcc + z_dual) x 2.5)",
        "cpb_requires_data_submission": "spec §8.1 [S:ACME-CPB (3rd party)]",
        "cpb_population_individual": "spec §8.1, §17 UNCONFIRMED (medians/SDs over all MIPS eligible "
        "clinicians; not published to us: None)",
        "cpb_population_group": "spec §8.1, §17 UNCONFIRMED (medians/SDs over groups/VGs/APM Entities; "
        "not published to us: None)",
    },
)
