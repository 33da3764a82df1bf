"""eligibility parameters by performance year (placeholder: filled in by the eligibility issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class EligibilityRules(RuleSet):
    """Every value that changes by year for eligibility; see ``sources`` for citations."""


ELIGIBILITY_2024 = EligibilityRules(sources={})
