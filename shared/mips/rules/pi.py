"""Promoting Interoperability (PI) parameters by performance year (spec section 6, 15 items 27-30, 17).

Every value the PI scorer uses lives here with its citation. Values the spec marks UNCONFIRMED (whole
number rounding, the exclusion redistribution table, the public-health one-excluded rule, choosing among
HIE options, the scoring of a "no" on a required measure) are named parameters so they can be corrected
in one place once CMS's text is confirmed (spec 0.1, 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .base import RuleSet

#: Redistribution target meaning "the measure(s) of the HIE option in use" (spec 6.4, e-Prescribing row).
HIE_OPTION_TARGET = "@HIE"
#: Redistribution source meaning "every required public-health measure is excluded" (spec 6.4, last row).
PUBLIC_HEALTH_SLOT = "@PUBLIC_HEALTH"

RoundingMode = Literal["half_up", "half_even", "none"]
ConflictPolicy = Literal["measure", "exclusion"]


@dataclass(frozen=True, kw_only=True)
class PiRules(RuleSet):
    """Every value that changes by year for PI; see ``sources`` for citations."""

    # -- gates (spec 6.1): any failure scores the category 0 (not reweighted, spec 3.0) ---------------
    require_cehrt_id: bool
    min_performance_period_days: int
    gate_yes_attestations: tuple[str, ...]
    gate_answered_attestations: tuple[str, ...]
    min_numerator: int
    engagement_level_gate: bool
    engagement_level_suffixes: tuple[str, ...]
    no_on_required_fails_category: bool
    # -- measures and points (spec 6.2, 6.3) ---------------------------------------------------------
    scored_objectives: tuple[str, ...]
    measure_max_points: Mapping[str, float] = field(hash=False)
    required_measures: tuple[str, ...]
    hie_options: tuple[tuple[str, ...], ...]
    hie_pick_best_option: bool
    public_health_measures: tuple[str, ...]
    public_health_points: float
    public_health_points_one_excluded: float
    bonus_measures: tuple[str, ...]
    bonus_points: float
    bonus_requires_engagement_level: bool
    measure_points_rounding: RoundingMode
    proportion_minimum_points: float
    category_cap: float
    # -- exclusions (spec 6.2, 6.4) ------------------------------------------------------------------
    exclusion_redistribution: Mapping[str, tuple[str, ...]] = field(hash=False)
    excluded_together: Mapping[str, tuple[str, ...]] = field(hash=False)
    exclusion_with_measure_policy: ConflictPolicy


PI_2024 = PiRules(
    require_cehrt_id=True,
    min_performance_period_days=180,
    gate_yes_attestations=("PI_INFBLO_1", "PI_PPHI_1", "PI_PPHI_2"),
    gate_answered_attestations=("PI_ONCDIR_1",),
    min_numerator=1,
    engagement_level_gate=True,
    engagement_level_suffixes=("_PRE", "_PROD"),
    no_on_required_fails_category=False,
    scored_objectives=(
        "electronicPrescribing",
        "healthInformationExchange",
        "providerToPatientExchange",
        "publicHealthAndClinicalDataExchange",
    ),
    measure_max_points=MappingProxyType(
        {
            "PI_EP_1": 10.0,
            "PI_EP_2": 10.0,
            "PI_HIE_1": 15.0,
            "PI_HIE_4": 15.0,
            "PI_HIE_5": 30.0,
            "PI_HIE_6": 30.0,
            "PI_PEA_1": 25.0,
        }
    ),
    required_measures=("PI_EP_1", "PI_EP_2", "PI_PEA_1", "PI_PHCDRR_1", "PI_PHCDRR_3"),
    hie_options=(("PI_HIE_1", "PI_HIE_4"), ("PI_HIE_5",), ("PI_HIE_6",)),
    hie_pick_best_option=True,
    public_health_measures=("PI_PHCDRR_1", "PI_PHCDRR_3"),
    public_health_points=25.0,
    public_health_points_one_excluded=25.0,
    bonus_measures=("PI_PHCDRR_2", "PI_PHCDRR_4", "PI_PHCDRR_5"),
    bonus_points=5.0,
    bonus_requires_engagement_level=True,
    measure_points_rounding="half_up",
    proportion_minimum_points=0.0,
    category_cap=100.0,
    exclusion_redistribution=MappingProxyType(
        {
            "PI_EP_2": ("PI_EP_1",),
            "PI_EP_1": (HIE_OPTION_TARGET,),
            "PI_HIE_1": ("PI_PEA_1",),
            "PI_HIE_4": ("PI_PEA_1",),
            PUBLIC_HEALTH_SLOT: ("PI_PEA_1",),
        }
    ),
    excluded_together=MappingProxyType({"PI_EP_1": ("PI_EP_2",)}),
    exclusion_with_measure_policy="measure",
    sources={
        "require_cehrt_id": "spec §6.1 item 8 [S:SEED-FM; S:SUBDOCS scoring.tsx]",
        "min_performance_period_days": "spec §6.1 item 1, §0.4 (continuous 180 days within CY) [S:SEED-FM]",
        "gate_yes_attestations": (
            "spec §6.1 items 2, 3, 5 (PI_INFBLO_1, PI_PPHI_2, PI_PPHI_1 must be yes) [S:SEED-FM]"
        ),
        "gate_answered_attestations": "spec §6.1 item 4 (PI_ONCDIR_1 yes or no) [S:SEED-FM]",
        "min_numerator": "spec §6.1 item 6 (numerator at least 1) [S:SEED-FM]",
        "engagement_level_gate": "spec §6.1 item 7 (submit the active-engagement level) [S:SEED-FM]",
        "engagement_level_suffixes": "spec §6.2 (_PRE / _PROD levels, substitutes) [DATA:measures-data.json]",
        "no_on_required_fails_category": (
            "spec §6.3, §15 item 28: UNCONFIRMED whether a 'no' on a required yes/no measure zeroes "
            "the category; default per spec: the measure scores 0, category still scored; no source "
            "settles it (cfr-verification-2024.md §2 #22)"
        ),
        "scored_objectives": "spec §6.2 (scored objectives) [S:SEED-FM]",
        "measure_max_points": "spec §6.2, §0.4, §17 (10/10/15+15 or 30/25) [S:TEBRA-PI; S:HMX-PDMP]",
        "required_measures": "spec §6.1 item 6, §6.2 (isRequired) [DATA:measures-data.json; S:SEED-FM]",
        "hie_options": "spec §6.2 (HIE_1+HIE_4 | HIE_5 | HIE_6; substitutes) [DATA; S:TEBRA-PI]",
        "hie_pick_best_option": (
            "spec §6.2, §15 item 28: UNCONFIRMED (several HIE options: best counts); no source "
            "settles it (cfr-verification-2024.md §2 #23)"
        ),
        "public_health_measures": "spec §6.2 (PI_PHCDRR_1 + PI_PHCDRR_3 required) [DATA]",
        "public_health_points": "spec §6.2, §0.4 (25 for the pair) [S:TEBRA-PI]",
        "public_health_points_one_excluded": (
            "spec §6.3, §15 item 28: UNCONFIRMED (one reported yes + the other excluded => 25); no "
            "source settles it (cfr-verification-2024.md §2 #24)"
        ),
        "bonus_measures": "spec §6.2 (PI_PHCDRR_2/4/5, isBonus) [DATA]",
        "bonus_points": "spec §6.3, §17 (+5, one measure suffices) [S:TEBRA-PI; AAO 2023]",
        "bonus_requires_engagement_level": (
            "spec §6.1 item 7, §6.2 (level for each PH measure reported) [S:SEED-FM]"
        ),
        "measure_points_rounding": (
            "spec §6.3, §14 E1, §15 item 27: UNCONFIRMED whole-number half-up rounding of measure "
            "points [S:SUBDOCS scoring-example-output-aci.json]; no source settles it "
            "(cfr-verification-2024.md §2 #25)"
        ),
        "proportion_minimum_points": (
            "spec §6.3, §15 item 27: UNCONFIRMED meaning of mipsMinimumScore; default no point floor; "
            "no source settles it (cfr-verification-2024.md §2 #26)"
        ),
        "category_cap": "spec §6.3 (min(100, points + bonus)) [S:AAD-PI25]",
        "exclusion_redistribution": (
            "spec §6.4, §15 item 29, §17: UNCONFIRMED values (PDMP->e-Rx; e-Rx->HIE split; "
            "HIE_1/HIE_4->PEA; both public health->PEA); no source settles it "
            "(cfr-verification-2024.md §2 #27)"
        ),
        "excluded_together": (
            "spec §6.4 row 2: UNCONFIRMED (e-Prescribing exclusion also excludes PDMP); no source "
            "settles it (cfr-verification-2024.md §2 #28)"
        ),
        "exclusion_with_measure_policy": (
            "spec §6.2 (exclusion and measure cannot both be submitted) [S:SUBDOCS measurements.tsx]; "
            "UNCONFIRMED which one the engine honours: default the reported measure; no source "
            "settles it (cfr-verification-2024.md §2 #29)"
        ),
    },
)
