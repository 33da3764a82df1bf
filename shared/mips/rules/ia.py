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


IA_2024 = IaRules(
    max_points=40.0,
    medium_points=10.0,
    high_points=20.0,
    special_status_medium_points=20.0,
    special_status_high_points=40.0,
    mvp_medium_points=20.0,
    mvp_high_points=40.0,
    pcmh_activity_id="IA_PCMH",
    pcmh_score_percent=100.0,
    apm_participation_credit_points=20.0,
    apm_credit_other_categories=("quality", "pi"),
    app_automatic_score_percent=100.0,
    min_activity_days=90,
    sources={
        "max_points": 'spec 5.1 [S:SEED-IA] "maximum score of 40 points"',
        "medium_points": "spec 5.1 table, traditional MIPS no special status [S:SEED-IA]",
        "high_points": "spec 5.1 table, traditional MIPS no special status [S:SEED-IA]",
        "special_status_medium_points": (
            "spec 5.1 table, small practice / rural / HPSA / non-patient-facing, traditional MIPS [S:SEED-IA]"
        ),
        "special_status_high_points": (
            "spec 5.1 table, small practice / rural / HPSA / non-patient-facing, traditional MIPS [S:SEED-IA]"
        ),
        "mvp_medium_points": "spec 5.1 table and 11.1, MVPs: all participants [S:SEED-IA; S:SEED-SP]",
        "mvp_high_points": "spec 5.1 table and 11.1, MVPs: all participants [S:SEED-IA; S:SEED-SP]",
        "pcmh_activity_id": "spec 5.1 IA_PCMH [DATA:measures-data.json; S:SEED-FM; S:SEED-PATH]",
        "pcmh_score_percent": (
            'spec 5.1 [S:SEED-PATH "results in an improvement activities performance category score '
            'of 100%"]; group rule (>= 50% of practice sites recognized) is UNCONFIRMED (spec 15 #26) '
            "and not applied"
        ),
        "apm_participation_credit_points": (
            'spec 5.1 [S:SEED-IA "Participate in an APM - At least 20 points (out of 40 possible)"]; '
            "added to attested activities, then capped (engine reading of 'at least ... attest to additional "
            "activities to achieve the maximum')"
        ),
        "apm_credit_other_categories": (
            'spec 5.1 [S:SEED-IA "You must submit data for another MIPS performance category"]; '
            "cost is CMS-calculated, so quality or PI"
        ),
        "app_automatic_score_percent": (
            'spec 5.1 and 11.2 [S:SEED-SP; S:SEED-IA "Automatic full credit for the 2024 performance year"]'
        ),
        "min_activity_days": (
            "spec 5.1 [S:SEED-IA] minimum continuous 90 days; checked on the measurement set's "
            "performanceStart/performanceEnd when both are given (engine reading)"
        ),
    },
)
