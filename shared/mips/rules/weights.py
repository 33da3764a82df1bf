"""weights parameters by performance year (placeholder: filled in by the weights issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class WeightRules(RuleSet):
    """Every value that changes by year for weights; see ``sources`` for citations."""


WEIGHTS_2024 = WeightRules(sources={})
