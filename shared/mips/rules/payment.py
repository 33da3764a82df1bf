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
    #: budget-neutrality scaling factor applied to positive adjustments (0 < SF <= 3)
    scaling_factor: float
    #: decimals the final score is rounded to before the comparison (None = full precision)
    final_score_comparison_decimals: int | None


PAYMENT_2024 = PaymentRules(
    payment_year=2026,
    performance_threshold=75.0,
    applicable_percent=9.0,
    max_negative_threshold_fraction=0.25,
    scaling_factor=1.05 / 9.0,
    final_score_comparison_decimals=None,
    sources={
        "payment_year": "spec title, §10 [S:SEED-SP] (2024 performance year -> 2026 payment year)",
        "performance_threshold": "spec §0.4, §10 [S:SEED-SP; S:SEED-IA; S:SEED-FM]",
        "applicable_percent": "spec §0.4, §10 [S:HIS-2024; S:HMX-PA26 (3rd party)]",
        "max_negative_threshold_fraction": "spec §10 [S:ECFR-1405] 42 CFR 414.1405(b)(2) (one-fourth of "
        "the performance threshold: 18.75)",
        "scaling_factor": (
            "spec §10, §15 item 37 UNCONFIRMED (third-party +1.05% at 100 => SF = 1.05/9); no source "
            "settles it (cfr-verification-2024.md §2 #48)"
        ),
        "final_score_comparison_decimals": (
            "spec §0.3, §9.1, §15 item 12 UNCONFIRMED (compare unrounded); no source settles it "
            "(cfr-verification-2024.md §2 #49)"
        ),
    },
)
