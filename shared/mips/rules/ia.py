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
    #: a group's IA_PCMH attestation counts when at least this share of its practice sites is recognized
    pcmh_group_min_site_share: float
    apm_participation_credit_points: float
    apm_credit_other_categories: tuple[str, ...]
    #: the APM credit needs data for ALL of ``apm_credit_other_categories`` (True) or any one of them
    apm_credit_requires_all_other_categories: bool
    #: an attested improvement activity alone also earns the APM credit
    apm_credit_with_attested_activity: bool
    #: no APM credit when an extreme and uncontrollable circumstances exception was approved
    apm_credit_withheld_with_euc: bool
    app_automatic_score_percent: float
    min_activity_days: int
    # -- unweighted activities (PY2025 on: the inventory has no weights; rules-2025-2026 §5) ----------
    #: points per attested activity, by basis; None in years whose formula reads the weights
    points_per_activity: float | None = None
    special_status_points_per_activity: float | None = None
    mvp_points_per_activity: float | None = None
