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
    pcmh_group_min_site_share=0.5,
    apm_participation_credit_points=20.0,
    apm_credit_other_categories=("quality", "pi"),
    apm_credit_requires_all_other_categories=True,
    apm_credit_with_attested_activity=True,
    apm_credit_withheld_with_euc=True,
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
            "spec 5.1 [S:SEED-PATH]; settled by 42 CFR 414.1380(b)(3)(ii): 100 percent; a group needs "
            "at least 50 percent of its practice sites recognized (applied when the profile gives the "
            "site counts, see pcmh_group_min_site_share) [CFR-1380; cfr-verification-2024.md §2 #21]"
        ),
        "pcmh_group_min_site_share": (
            'spec 5.1; settled by 42 CFR 414.1380(b)(3)(ii): "For the 2020 MIPS payment year and future '
            "years, at least 50 percent of the practice sites within a group's TIN must be recognized\"; "
            "checked when "
            "the profile gives practiceSites and pcmhRecognizedPracticeSites [CFR-1380 @4586c39a]"
        ),
        "apm_participation_credit_points": (
            'spec 5.1 [S:SEED-IA "Participate in an APM - At least 20 points (out of 40 possible)"]; '
            '42 CFR 414.1380(b)(3)(i) "the improvement activities performance category score is at '
            'least 50 percent" [CFR-1380 @4586c39a]; added to attested activities, then capped '
            "(engine reading of the seed's 'attest to additional activities to achieve the maximum', "
            "consistent with 'at least 50 percent')"
        ),
        "apm_credit_other_categories": (
            'spec 5.1; 42 CFR 414.1380(b)(3)(i): "must attest to having completed an improvement activity '
            'or submit data for the quality and Promoting Interoperability performance categories" '
            "[CFR-1380 @4586c39a]"
        ),
        "apm_credit_requires_all_other_categories": (
            'spec 5.1; 42 CFR 414.1380(b)(3)(i) "quality and Promoting Interoperability": both, where the '
            'seed guide says "another MIPS performance category" [S:SEED-IA]; the regulation wins '
            "(cfr-verification-2024.md)"
        ),
        "apm_credit_withheld_with_euc": (
            "spec 5.1, 12; settled by 42 CFR 414.1380(c)(2)(iv): with an approved extreme and uncontrollable "
            "circumstances exception CMS does not apply the (b)(3)(i) APM improvement activities score "
            "[CFR-1380 @4586c39a]"
        ),
        "apm_credit_with_attested_activity": (
            'spec 5.1; 42 CFR 414.1380(b)(3)(i) "attest to having completed an improvement activity" '
            "[CFR-1380 @4586c39a]"
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
