"""bonus parameters by performance year (placeholder: filled in by the bonus issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class BonusRules(RuleSet):
    """Every value that changes by year for bonus; see ``sources`` for citations."""


BONUS_2024 = BonusRules(sources={})
