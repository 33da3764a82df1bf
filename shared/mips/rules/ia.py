"""ia parameters by performance year (placeholder: filled in by the ia issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class IaRules(RuleSet):
    """Every value that changes by year for ia; see ``sources`` for citations."""


IA_2024 = IaRules(sources={})
