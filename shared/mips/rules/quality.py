"""quality parameters by performance year (placeholder: filled in by the quality issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class QualityRules(RuleSet):
    """Every value that changes by year for quality; see ``sources`` for citations."""


QUALITY_2024 = QualityRules(sources={})
