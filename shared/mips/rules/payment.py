"""payment parameters by performance year (placeholder: filled in by the payment issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class PaymentRules(RuleSet):
    """Every value that changes by year for payment; see ``sources`` for citations."""


PAYMENT_2024 = PaymentRules(sources={})
