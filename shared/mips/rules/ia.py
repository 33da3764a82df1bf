"""Improvement Activities parameters by performance year (spec 5, 11.1, 11.2)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class IaRules(RuleSet):
    """Every value that changes by year for IA; see ``sources`` for citations."""

    max_points: float
    medium_points: float
    high_points: float
    special_status_medium_points: float
    special_status_high_points: float
    mvp_medium_points: float
    mvp_high_points: float
    pcmh_activity_id: str
    pcmh_score_percent: float
    apm_participation_credit_points: float
    apm_credit_other_categories: tuple[str, ...]
    app_automatic_score_percent: float
    min_activity_days: int
    # -- unweighted activities (PY2025 on: the inventory has no weights; rules-2025-2026 §5) ----------
    #: points per attested activity, by basis; None in years whose formula reads the weights
    points_per_activity: float | None = None
    special_status_points_per_activity: float | None = None
    mvp_points_per_activity: float | None = None
