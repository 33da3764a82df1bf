"""The per-year rules table: ``rules_for(2024)`` returns every parameter the 2024 engine uses.

Rules that change by year (weights, thresholds, points, caps) live here, never in ``if year ==`` code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet
from .bonus import BONUS_2024, BonusRules
from .cost import COST_2024, CostRules
from .eligibility import ELIGIBILITY_2024, EligibilityRules
from .ia import IA_2024, IaRules
from .payment import PAYMENT_2024, PaymentRules
from .pi import PI_2024, PiRules
from .quality import QUALITY_2024, QualityRules
from .weights import WEIGHTS_2024, WeightRules


@dataclass(frozen=True, kw_only=True)
class YearRules:
    performance_year: int
    payment_year: int
    quality: QualityRules
    ia: IaRules
    pi: PiRules
    cost: CostRules
    eligibility: EligibilityRules
    weights: WeightRules
    payment: PaymentRules
    bonus: BonusRules

    @property
    def version(self) -> str:
        return str(self.performance_year)

    def rule_sets(self) -> dict[str, RuleSet]:
        return {
            "quality": self.quality,
            "ia": self.ia,
            "pi": self.pi,
            "cost": self.cost,
            "eligibility": self.eligibility,
            "weights": self.weights,
            "payment": self.payment,
            "bonus": self.bonus,
        }


RULES: dict[int, YearRules] = {
    2024: YearRules(
        performance_year=2024,
        payment_year=2026,
        quality=QUALITY_2024,
        ia=IA_2024,
        pi=PI_2024,
        cost=COST_2024,
        eligibility=ELIGIBILITY_2024,
        weights=WEIGHTS_2024,
        payment=PAYMENT_2024,
        bonus=BONUS_2024,
    )
}


class UnsupportedPerformanceYear(ValueError):
    pass


def rules_for(performance_year: int) -> YearRules:
    try:
        return RULES[performance_year]
    except KeyError:
        raise UnsupportedPerformanceYear(
            f"performance year {performance_year} is not supported; this engine scores {sorted(RULES)}"
        ) from None


__all__ = ["RULES", "RuleSet", "UnsupportedPerformanceYear", "YearRules", "rules_for"]
