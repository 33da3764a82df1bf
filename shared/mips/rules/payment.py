"""Payment-adjustment parameters by performance year (spec 10)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class PaymentRules(RuleSet):
    """Every value that changes by year for the payment adjustment; see ``sources`` for citations."""

    payment_year: int
    performance_threshold: float
    applicable_percent: float
    #: final scores at or below this fraction of the performance threshold get -applicable_percent
    max_negative_threshold_fraction: float
    #: budget-neutrality scaling factor applied to positive adjustments (0 < SF <= 3); None = not
    #: published yet: positive adjustments are then estimates using ``estimate_scaling_factor``
    scaling_factor: float | None
    #: decimals the final score is rounded to before the comparison (None = full precision)
    final_score_comparison_decimals: int | None
    #: the factor a positive adjustment is estimated with while ``scaling_factor`` is unknown
    estimate_scaling_factor: float | None = None
