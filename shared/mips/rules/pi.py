"""pi parameters by performance year (placeholder: filled in by the pi issue)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class PiRules(RuleSet):
    """Every value that changes by year for pi; see ``sources`` for citations."""


PI_2024 = PiRules(sources={})
