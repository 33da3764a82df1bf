"""Promoting Interoperability (PI) parameters by performance year (spec section 6, 15 items 27-30, 17).

Every value the PI scorer uses is a field here; its dated values and citations are in
``shared/mips/parameters/pi.yaml``. Values the spec marks UNCONFIRMED (whole
number rounding, the exclusion redistribution table, the public-health one-excluded rule, choosing among
HIE options, the scoring of a "no" on a required measure) are named parameters so they can be corrected
in one place once CMS's text is confirmed (spec 0.1, 15).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    #: suppressed measures: still required, but any yes/no answer or exclusion earns full credit
    suppressed_measures: tuple[str, ...] = ()
    #: bonus measures that have no active-engagement levels (PI_PHCDRR_6, TEFCA, from PY2026)
    bonus_measures_without_engagement_level: tuple[str, ...] = ()
