"""Which categories are reweighted to 0% and the resulting weights (spec 2, 3, 12).

A category is reweighted only for a reason the rules name: automatic PI reweighting (special status or
clinician type, unless PI data was submitted), an approved PI hardship or EUC exception (data submitted
for the category overrides it), cost not scored (no measure met its case minimum, no CMS data) or not
evaluated (APM Entity, APP). A category *scored as zero* is not reweighted. The weights then come from
the applicable redistribution table of the rules (standard, small practice, APM Entity, APP).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field

from .models.profile import Profile
from .rules import YearRules
from .rules.formulas import FormulaRegistry
from .rules.weights import WeightTable
from .scoring import CategoryResult, ScoringContext
from .statuses import EntityEvaluation, StatusResult

CATEGORIES: tuple[str, ...] = ("quality", "cost", "ia", "pi")

TableName = Literal["standard", "smallPractice", "apmEntity", "apmEntitySmallPractice", "app"]

#: the PI-reweighting special statuses, in the order a reason is reported (spec 2)
PI_REWEIGHT_STATUSES: tuple[str, ...] = ("smallPractice", "hospitalBased", "ascBased", "nonPatientFacing")

REASON_TEXT: dict[str, str] = {
    "smallPractice": "small practice: PI automatically reweighted because no PI data was submitted",
    "hospitalBased": "hospital-based: PI automatically reweighted because no PI data was submitted",
    "ascBased": "ASC-based: PI automatically reweighted because no PI data was submitted",
    "nonPatientFacing": "non-patient-facing: PI automatically reweighted because no PI data was submitted",
    "clinicalSocialWorker": "clinical social worker: PI automatically reweighted because no PI data was "
    "submitted",
    "allCliniciansQualify": "every clinician of the group qualifies for PI reweighting and no PI data was "
    "submitted (42 CFR 414.1380(c)(2)(iii))",
    "piHardship": "approved PI hardship exception and no PI data submitted",
    "extremeUncontrollable": "approved extreme and uncontrollable circumstances exception and no data "
    "submitted for the category",
    "noCostMeasureMetCaseMinimum": "no cost measure met its case minimum",
    "cmsDataNotReceived": "CMS-calculated cost data not received",
    "notEvaluatedForApmEntity": "cost is not evaluated for APM Entities: weight 0%",
    "notEvaluatedInApp": "cost is not evaluated in the APP: weight 0%",
    "noUsableBenchmarks": "no usable cost benchmarks for the year (CMS mock data): cost not scored (preview)",
}

#: (category result) -> why its data does NOT count as a submission (None: it counts). A submission that
#: counts overrides automatic and approved reweighting (spec 2, 12).
SubmissionCheck = Callable[[CategoryResult], "str | None"]
SUBMISSION_COUNTS: FormulaRegistry[SubmissionCheck] = FormulaRegistry("submission counts for reweighting")


@SUBMISSION_COUNTS.register(2024)
def _any_data(result: CategoryResult) -> str | None:
    """Through PY2024 any submitted data counts, even an incomplete set scored 0 (spec 3.0)."""
    return None if result.data_submitted else "no data submitted"


@SUBMISSION_COUNTS.register(2025)
def _minimum_submission_criteria(result: CategoryResult) -> str | None:
    """From PY2025 CMS no longer scores incomplete quality, IA or PI submissions: one that misses the
    minimum criteria is treated as no submission, so reweighting stands (rules-2025-2026 §3, LIKELY).
    Quality: >= 1 measure with numerator/denominator data (FigMD 2025). IA (>= 1 activity credited) and
    PI (every required measure reported or excluded) are engine readings: the exact criteria are
    UNKNOWN (rules-2025-2026 §14 Q3)."""
    if not result.data_submitted:
        return "no data submitted"
    meta = result.metadata
    if result.category == "quality" and not meta.get("measuresWithData", 1):
        return "no quality measure with numerator/denominator data (minimum submission criteria)"
    if result.category == "ia" and not (
        meta.get("activitiesCredited") or meta.get("givenIACreditPCMH", True)
    ):
        return "no improvement activity credited (minimum submission criteria)"
    if result.category == "pi" and "requiredMeasures" in meta.get("failedGates", []):
        return "a required PI measure is neither reported nor excluded (minimum submission criteria)"
    return None


class WeightDecision(BaseModel):
    """The weights (percent of the final score) after reweighting, with the reason for each reweighting."""

    table: TableName
    weights: dict[str, float]
    reweighted: dict[str, str] = Field(default_factory=dict)  # category -> reason code
    scored_categories: list[str] = Field(default_factory=list)  # weight > 0 after redistribution
    fewer_than_minimum: bool = False  # final score = performance threshold (spec 3.0, 17)
    notes: list[str] = Field(default_factory=list)


def reason_text(code: str) -> str:
    return REASON_TEXT.get(code, code)


def _euc(profile: Profile | None, category: str) -> bool:
    return bool(profile is not None and getattr(profile.exceptions.extreme_uncontrollable, category))


def _category_reason(
    category: str,
    ctx: ScoringContext,
    result: CategoryResult | None,
    statuses: StatusResult,
    profile: Profile | None,
    rules: YearRules,
    notes: list[str],
) -> str | None:
    """The reason code ``category`` is reweighted, or None when it is scored (possibly as zero)."""
    w = rules.weights
    not_counted = (
        SUBMISSION_COUNTS.for_year(rules.performance_year)(result) if result is not None else "no result"
    )
    submitted = not_counted is None
    if result is not None and result.data_submitted and not submitted:
        notes.append(f"{category}: {not_counted}: treated as no submission, so reweighting stands.")
    if category == "cost":
        if ctx.reporting_option in w.cost_not_evaluated_reporting_options:
            return "notEvaluatedInApp"
        if ctx.entity_type in w.cost_not_evaluated_entity_types:
            return "notEvaluatedForApmEntity"
        if _euc(profile, "cost"):
            return "extremeUncontrollable"
        if result is None or result.score is None:
            return (result.not_scored_reason if result else None) or "cmsDataNotReceived"
        return None
    if category == "ia" and ctx.reporting_option in w.ia_automatic_reporting_options:
        return None
    if _euc(profile, category):
        if not submitted:
            return "extremeUncontrollable"
        notes.append(f"{category}: data submitted overrides the approved EUC exception.")
    if category == "pi":
        hardship = profile is not None and profile.exceptions.pi_hardship
        auto = [code for code in PI_REWEIGHT_STATUSES if statuses.get(code)]
        ctype = statuses.pi_reweight_clinician_type
        if ctype:
            auto.append(ctype)
        auto = group_pi_reweighting(ctx, profile, auto, notes)
        if submitted and (hardship or auto):
            notes.append(
                "pi: PI data submitted, so it is scored despite "
                + ", ".join((["piHardship"] if hardship else []) + auto)
                + "."
            )
        elif not submitted:
            if hardship:
                return "piHardship"
            if auto:
                return auto[0]
    if result is None or result.score is None:
        return (result.not_scored_reason if result else None) or "notScored"
    return None


#: group-level statuses that reweight a group's PI by themselves: hospital-based and non-patient-facing
#: groups (414.1380(c)(2)(iii)), and small practices, whose every clinician qualifies ((c)(2)(i)(C)(9))
GROUP_LEVEL_PI_STATUSES: tuple[str, ...] = ("hospitalBased", "nonPatientFacing", "smallPractice")
GROUP_ENTITY_TYPES: frozenset[str] = frozenset({"group", "virtualGroup"})


def group_pi_reweighting(
    ctx: ScoringContext, profile: Profile | None, auto: list[str], notes: list[str]
) -> list[str]:
    """42 CFR 414.1380(c)(2)(iii): a group's or virtual group's PI is reweighted only when all of its
    clinicians qualify for reweighting, or the group itself is hospital-based or non-patient-facing.

    Applied when the profile's roster (``clinicians``) says for each clinician whether it qualifies
    (``piReweightingQualifies``); without that, the group's CMS-published statuses are used as before.
    """
    if ctx.entity_type not in GROUP_ENTITY_TYPES or profile is None:
        return auto
    flags = [c.pi_reweighting_qualifies for c in profile.clinicians]
    if not flags or any(f is None for f in flags):
        return auto
    group_level = [code for code in auto if code in GROUP_LEVEL_PI_STATUSES]
    if all(flags):
        return [*group_level, "allCliniciansQualify"]
    dropped = [code for code in auto if code not in GROUP_LEVEL_PI_STATUSES]
    if dropped or not group_level:
        notes.append(
            f"pi: {flags.count(False)} of {len(flags)} clinicians on the roster do not qualify for PI "
            "reweighting, so the group's PI is not reweighted"
            + (f" for {', '.join(dropped)}" if dropped else "")
            + " (42 CFR 414.1380(c)(2)(iii))."
        )
    return group_level


def _table(ctx: ScoringContext, small: bool, rules: YearRules) -> tuple[TableName, WeightTable]:
    w = rules.weights
    if ctx.reporting_option in w.cost_not_evaluated_reporting_options:
        return "app", w.app_table
    if ctx.entity_type in w.cost_not_evaluated_entity_types:
        if small:
            return "apmEntitySmallPractice", w.apm_entity_small_practice_table
        return "apmEntity", w.apm_entity_table
    if small:
        return "smallPractice", w.small_practice_table
    return "standard", w.standard_table


def weights_for(
    reweighted: frozenset[str], table: WeightTable, min_scored: int, notes: list[str]
) -> dict[str, float]:
    """Look the reweighted set up in the table; unlisted sets leave at most one category (or, as an
    engine fallback, redistribute the base weights proportionally)."""
    row = table.get(reweighted)
    if row is not None:
        return {c: float(row[c]) for c in CATEGORIES}
    remaining = [c for c in CATEGORIES if c not in reweighted]
    if len(remaining) < min_scored:
        # "1 performance category is weighted at 100% or all performance categories are weighted at 0%"
        return {c: (100.0 if c in remaining else 0.0) for c in CATEGORIES}
    base = min(table, key=len)
    base_row = table[base]
    total = sum(float(base_row[c]) for c in remaining)
    notes.append(
        "No published redistribution row for reweighting "
        + ", ".join(sorted(reweighted))
        + ": the remaining base weights were scaled proportionally (engine fallback)."
    )
    return {c: (float(base_row[c]) * 100.0 / total if c in remaining and total else 0.0) for c in CATEGORIES}


def reweight(
    ctx: ScoringContext,
    results: dict[str, CategoryResult],
    evaluation: EntityEvaluation,
    profile: Profile | None,
    rules: YearRules,
) -> WeightDecision:
    """The weight decision for one reporting option (spec 3)."""
    statuses = evaluation.statuses
    notes: list[str] = []
    reweighted: dict[str, str] = {}
    for category in CATEGORIES:
        code = _category_reason(category, ctx, results.get(category), statuses, profile, rules, notes)
        if code is not None:
            reweighted[category] = code
    name, table = _table(ctx, ctx.small_practice, rules)
    weights = weights_for(frozenset(reweighted), table, rules.weights.min_scored_categories, notes)
    scored = [c for c in CATEGORIES if weights[c] > 0]
    return WeightDecision(
        table=name,
        weights=weights,
        reweighted=reweighted,
        scored_categories=scored,
        fewer_than_minimum=len(scored) < rules.weights.min_scored_categories,
        notes=notes,
    )
