"""cost parameters by performance year (placeholder: filled in by the cost issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class CostRules(RuleSet):
    """Every value that changes by year for cost; see ``sources`` for citations."""


COST_2024 = CostRules(sources={})
