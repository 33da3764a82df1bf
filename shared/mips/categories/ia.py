"""Improvement Activities (IA) category score for one reporting option (spec 5, 11.1, 11.2).

Points per attested activity are a dated formula (:data:`ACTIVITY_POINTS`). Through PY2024 they come from
the inventory's ``weight`` (medium/high): 10/20 in traditional MIPS, doubled to 20/40 for small practice,
rural, HPSA or non-patient-facing status, and 20/40 for everyone in an MVP (only the MVP's activities
count). From PY2025 the inventory has no weights: every activity earns the same points (20, or 40 with a
special status or in an MVP: full credit is 2 activities, or 1; rules-2025-2026 §5). IA_PCMH gives
100% (a group: with enough recognized practice sites); MIPS APM participants get 20 points of APM credit
when they attested an activity or submitted quality and PI data (42 CFR 414.1380(b)(3)(i)); the APP gets
automatic full credit. The sum is capped at 40 points and the category score is points / 40 x 100.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..explain import Node
from ..models.submission import MeasurementSet
from ..reference import ReferenceData
from ..rules import YearRules
from ..rules.formulas import FormulaRegistry
from ..rules.ia import IaRules
from ..scoring import CategoryResult, ScoringContext

__all__ = ["score_ia"]


@dataclass(frozen=True)
class _Basis:
    """Points for a medium and a high activity in this reporting option, and why."""

    medium: float
    high: float
    kind: str  # "standard" | "specialStatus" | "mvp"
    reason: str = ""


#: (inventory weight, basis, rules) -> (points, why) for a creditable activity, or None with no credit
ActivityPoints = Callable[[str | None, "_Basis", IaRules], "tuple[float, str] | None"]
ACTIVITY_POINTS: FormulaRegistry[ActivityPoints] = FormulaRegistry("IA points per activity")


@ACTIVITY_POINTS.register(2024)
def _weighted_points(weight: str | None, basis: _Basis, r: IaRules) -> tuple[float, str] | None:
    """Medium/high weights from the inventory (spec 5.1): an unweighted activity earns nothing."""
    if weight not in ("medium", "high"):
        return None
    pts = basis.high if weight == "high" else basis.medium
    return pts, _why_points(weight, pts, basis, r)


@ACTIVITY_POINTS.register(2025)
def _per_activity_points(weight: str | None, basis: _Basis, r: IaRules) -> tuple[float, str] | None:
    """Weights removed (rules-2025-2026 §5, PR #848): the same points for every activity of a basis."""
    by_kind = {
        "standard": r.points_per_activity,
        "specialStatus": r.special_status_points_per_activity,
        "mvp": r.mvp_points_per_activity,
    }
    pts = by_kind[basis.kind]
    if pts is None:
        raise ValueError(f"ia.yaml: no points per activity in force for basis {basis.kind!r}")
    need = r.max_points / pts
    where = {
        "standard": "traditional MIPS",
        "specialStatus": f"special status ({basis.reason})",
        "mvp": "an MVP",
    }[basis.kind]
    return pts, (
        f"Activity attested: {pts:g} points (activities carry no weights from 2025; in {where} "
        f"{need:g} activit{'y' if need == 1 else 'ies'} earn the full {r.max_points:g}; "
        "rules-2025-2026 §5)."
    )


@dataclass
class _Tally:
    """What the activity walk found (points of credited activities, in submission order)."""

    nodes: list[Node] = field(default_factory=list)
    credited: dict[str, float] = field(default_factory=dict)
    not_credited: list[str] = field(default_factory=list)
    pcmh: bool = False
    measurements: int = 0


def score_ia(
    measurement_sets: list[MeasurementSet], ctx: ScoringContext, ref: ReferenceData, rules: YearRules
) -> CategoryResult:
    """Score the IA sets of ONE reporting option (the caller filtered ``category == "ia"``)."""
    r = rules.ia
    if ctx.reporting_option == "app":
        return _app_result(measurement_sets, ctx, r)

    basis = _activity_points(ctx, r)
    allowed: frozenset[str] | None = None
    messages: list[str] = []
    if ctx.reporting_option == "mvp":
        mvp = ref.mvp(ctx.mvp_id) if ctx.mvp_id else None
        if mvp is None:
            messages.append(f"MVP {ctx.mvp_id!r} is not a {ref.year} MVP: no activity can be credited to it.")
            allowed = frozenset()
        else:
            allowed = frozenset(mvp.ia_measure_ids)

    tally = _walk(measurement_sets, ref, r, basis, allowed, ACTIVITY_POINTS.for_year(rules.performance_year))
    if tally.pcmh:
        _check_group_pcmh_sites(ctx, r, tally)
    activity_sum = sum(tally.credited.values())

    apm_node, apm_points = _apm_credit(ctx, r, attested=bool(tally.credited) or tally.pcmh)
    raw = activity_sum + apm_points
    if tally.pcmh:
        points = r.max_points
        score = r.pcmh_score_percent
    else:
        points = min(r.max_points, raw)
        score = points / r.max_points * 100.0

    parts = list(tally.nodes)
    if apm_node is not None:
        parts.append(apm_node)
    parts.append(_total_node(raw, points, score, tally.pcmh, r))
    for msg in messages:
        parts.insert(0, Node(name="message", detail=msg))

    data_submitted = tally.measurements > 0
    if not data_submitted and apm_points == 0:
        detail = "No improvement activities were submitted: IA is scored 0% (a zero score, not reweighted)."
    else:
        detail = _summary(points, score, tally.pcmh, r)
    explanation = Node(
        name="ia",
        value=score,
        detail=detail,
        parts=parts,
        metadata={
            "maxContribution": r.max_points,
            "reportingOption": ctx.reporting_option,
            "mvpId": ctx.mvp_id,
            "pointsBasis": basis.kind,
        },
    )
    return CategoryResult(
        category="ia",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=score,
        points=points,
        max_points=r.max_points,
        data_submitted=data_submitted,
        explanation=explanation,
        metadata={
            "unroundedScoreValue": score,
            "activityPoints": activity_sum,
            "uncappedPoints": raw,
            "capApplied": raw > r.max_points and not tally.pcmh,
            "hasIAWeightStatus": {"specialStatus": "SPECIAL", "mvp": "MVP"}.get(basis.kind, "NONE"),
            "givenAPMParticipationCredit": apm_points > 0,
            "givenIACreditPCMH": tally.pcmh,
            "activitiesCredited": dict(tally.credited),
            "activitiesNotCredited": list(tally.not_credited),
            "messages": messages,
        },
    )


# -- points per activity ---------------------------------------------------------------------------
def _activity_points(ctx: ScoringContext, r: IaRules) -> _Basis:
    """MVP 20/40 for everyone; traditional 10/20, doubled with a special status (spec 5.1, 11.1)."""
    if ctx.reporting_option == "mvp":
        return _Basis(r.mvp_medium_points, r.mvp_high_points, "mvp")
    if ctx.ia_special_status:
        return _Basis(
            r.special_status_medium_points,
            r.special_status_high_points,
            "specialStatus",
            _special_reason(ctx),
        )
    return _Basis(r.medium_points, r.high_points, "standard")


def _special_reason(ctx: ScoringContext) -> str:
    names = [
        label
        for label, on in (
            ("small practice", ctx.small_practice),
            ("rural", ctx.rural),
            ("HPSA", ctx.hpsa),
            ("non-patient-facing", ctx.non_patient_facing),
        )
        if on
    ]
    return ", ".join(names)


def _walk(
    measurement_sets: list[MeasurementSet],
    ref: ReferenceData,
    r: IaRules,
    basis: _Basis,
    allowed: frozenset[str] | None,
    formula: ActivityPoints,
) -> _Tally:
    tally = _Tally()
    for ms in measurement_sets:
        short = _short_period(ms, r)
        for m in ms.measurements:
            tally.measurements += 1
            node = _activity_node(m.measure_id, m.value, ref, r, basis, allowed, short, tally, formula)
            tally.nodes.append(node)
    return tally


def _short_period(ms: MeasurementSet, r: IaRules) -> str | None:
    """Why the set's period cannot hold a continuous 90-day activity, or None (spec 5.1)."""
    start, end = ms.performance_start, ms.performance_end
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    days = (end - start).days + 1
    if days < r.min_activity_days:
        return (
            f"the measurement set's performance period {start.isoformat()} to {end.isoformat()} "
            f"is {days} days, shorter than the {r.min_activity_days} continuous days "
            "an activity must be performed"
        )
    return None


def _activity_node(
    activity_id: str,
    value: object,
    ref: ReferenceData,
    r: IaRules,
    basis: _Basis,
    allowed: frozenset[str] | None,
    short_period: str | None,
    tally: _Tally,
    formula: ActivityPoints,
) -> Node:
    """One node per submitted activity: its points and why (or why it earned nothing)."""
    measure = ref.measure(activity_id)
    weight = ref.ia_weight(activity_id)
    meta: dict[str, object] = {"maxContribution": r.max_points, "weight": weight, "attested": value}

    def nothing(status: str, reason: str) -> Node:
        tally.not_credited.append(activity_id)
        meta.update(processingStatus=status, calculatedScore=0.0)
        return Node(name=activity_id, value=0.0, detail=f"0 points: {reason}", metadata=meta)

    if measure is None or measure.category != "ia":
        return nothing(
            "NOT_IN_INVENTORY",
            f"{activity_id} is not an activity in the {ref.year} Improvement Activities inventory, "
            "so it earns nothing.",
        )
    meta["title"] = measure.title
    if not isinstance(value, bool):
        return nothing(
            "INVALID_VALUE", "an improvement activity is attested with true or false; this value is neither."
        )
    if value is False:
        return nothing("ATTESTED_FALSE", "attested false (not performed), so it earns nothing.")
    if activity_id in tally.credited or (activity_id == r.pcmh_activity_id and tally.pcmh):
        return nothing("DUPLICATE", "already counted once above; an activity earns credit only once.")
    if allowed is not None and activity_id not in allowed:
        return nothing(
            "NOT_IN_MVP",
            "not in the MVP's list of improvement activities, so it earns nothing in the MVP.",
        )
    if short_period is not None:
        return nothing("PERIOD_TOO_SHORT", short_period + ".")

    if activity_id == r.pcmh_activity_id:
        tally.pcmh = True
        meta.update(processingStatus="PICKED", calculatedScore=r.max_points, complete=True)
        return Node(
            name=activity_id,
            value=r.max_points,
            detail=(
                f"Patient-centered medical home attested: full credit, {r.max_points:g} points and an "
                f"IA score of {r.pcmh_score_percent:g}% regardless of other activities."
            ),
            metadata=meta,
        )
    credit = formula(weight, basis, r)
    if credit is None:
        return nothing("NO_WEIGHT", f"the inventory gives {activity_id} no medium/high weight.")

    pts, why = credit
    tally.credited[activity_id] = pts
    meta.update(processingStatus="PICKED", calculatedScore=pts, complete=True, basis=basis.kind)
    return Node(name=activity_id, value=pts, detail=why, metadata=meta)


def _why_points(weight: str, pts: float, basis: _Basis, r: IaRules) -> str:
    base = r.high_points if weight == "high" else r.medium_points
    if basis.kind == "mvp":
        return (
            f"{weight.capitalize()}-weighted activity in the MVP: {pts:g} points "
            "(20/40 for every MVP participant, no special-status doubling)."
        )
    if basis.kind == "specialStatus":
        return (
            f"{weight.capitalize()}-weighted activity: {base:g} points doubled to {pts:g} for special status "
            f"({basis.reason}) in traditional MIPS."
        )
    return f"{weight.capitalize()}-weighted activity: {pts:g} points (no special status, so not doubled)."


def _check_group_pcmh_sites(ctx: ScoringContext, r: IaRules, tally: _Tally) -> None:
    """42 CFR 414.1380(b)(3)(ii): a group's (or virtual group's, subgroup's, APM Entity's) PCMH attestation
    gives 100% only when at least 50% of its practice sites are recognized; checked when the profile gives
    ``practiceSites`` and ``pcmhRecognizedPracticeSites`` (otherwise the attestation is taken as made)."""
    if (
        ctx.entity_type == "individual"
        or not ctx.practice_sites
        or ctx.pcmh_recognized_practice_sites is None
    ):
        return
    share = ctx.pcmh_recognized_practice_sites / ctx.practice_sites
    node = next((n for n in tally.nodes if n.name == r.pcmh_activity_id and n.value), None)
    if share >= r.pcmh_group_min_site_share:
        if node is not None:
            node.detail += (
                f" {ctx.pcmh_recognized_practice_sites} of {ctx.practice_sites} practice sites recognized "
                f"({share:.0%} >= {r.pcmh_group_min_site_share:.0%}, 42 CFR 414.1380(b)(3)(ii))."
            )
        return
    tally.pcmh = False
    tally.not_credited.append(r.pcmh_activity_id)
    if node is not None:
        node.value = 0.0
        node.metadata.update(processingStatus="PCMH_SITES_BELOW_MINIMUM", calculatedScore=0.0)
        node.detail = (
            f"0 points: only {ctx.pcmh_recognized_practice_sites} of the group's {ctx.practice_sites} "
            f"practice sites are recognized as a patient-centered medical home ({share:.0%}); at least "
            f"{r.pcmh_group_min_site_share:.0%} is needed for the PCMH credit (42 CFR 414.1380(b)(3)(ii))."
        )


# -- APM credit, APP, totals -----------------------------------------------------------------------
def _apm_credit(ctx: ScoringContext, r: IaRules, attested: bool = False) -> tuple[Node | None, float]:
    """42 CFR 414.1380(b)(3)(i): a MIPS APM participant's IA score is at least 50 percent when it attested
    to an improvement activity or submitted data for the quality AND Promoting Interoperability categories
    (the regulation; the seed guide's "another category" is looser)."""
    if not ctx.mips_apm_participant:
        return None, 0.0
    if ctx.euc_exception_approved and r.apm_credit_withheld_with_euc:
        return (
            Node(
                name="apmParticipationCredit",
                value=0.0,
                detail=(
                    "MIPS APM participant with an approved extreme and uncontrollable circumstances "
                    "exception: the APM improvement activities credit is not applied "
                    "(42 CFR 414.1380(c)(2)(iv))."
                ),
            ),
            0.0,
        )
    others = sorted(c for c in ctx.submitted_categories if c in r.apm_credit_other_categories)
    need = r.apm_credit_other_categories
    data_ok = set(others) >= set(need) if r.apm_credit_requires_all_other_categories else bool(others)
    activity_ok = attested and r.apm_credit_with_attested_activity
    joiner = " and " if r.apm_credit_requires_all_other_categories else " or "
    if not (data_ok or activity_ok):
        got = f" (data submitted only for {', '.join(others)})" if others else ""
        return (
            Node(
                name="apmParticipationCredit",
                value=0.0,
                detail=(
                    "MIPS APM participant, but no improvement activity was attested and data was not "
                    f"submitted for {joiner.join(need)}{got}, so the APM credit of "
                    f"{r.apm_participation_credit_points:g} points is not given (42 CFR 414.1380(b)(3)(i))."
                ),
            ),
            0.0,
        )
    pts = r.apm_participation_credit_points
    why = f"data submitted for {joiner.join(others)}" if data_ok else "an attested improvement activity"
    return (
        Node(
            name="apmParticipationCredit",
            value=pts,
            detail=(
                f"MIPS APM participant with {why}: at least half credit, "
                f"{pts:g} of {r.max_points:g} points; attested activities add to it "
                "(42 CFR 414.1380(b)(3)(i))."
            ),
        ),
        pts,
    )


def _total_node(raw: float, points: float, score: float, pcmh: bool, r: IaRules) -> Node:
    if pcmh:
        detail = f"IA_PCMH attested: IA score {r.pcmh_score_percent:g}%."
    elif raw > r.max_points:
        detail = (
            f"Total {raw:g} points capped at {r.max_points:g}: "
            f"{points:g} / {r.max_points:g} x 100 = {score:.4f}%."
        )
    else:
        detail = (
            f"Total {points:g} points (cap {r.max_points:g} not reached): "
            f"{points:g} / {r.max_points:g} x 100 = {score:.4f}%."
        )
    return Node(
        name="total",
        value=points,
        detail=detail,
        metadata={"uncappedPoints": raw, "capApplied": raw > r.max_points},
    )


def _summary(points: float, score: float, pcmh: bool, r: IaRules) -> str:
    if pcmh:
        return f"IA score {score:g}%: patient-centered medical home (IA_PCMH) attested."
    return f"IA score {score:.4f}% = {points:g} points / {r.max_points:g} x 100."


def _app_result(measurement_sets: list[MeasurementSet], ctx: ScoringContext, r: IaRules) -> CategoryResult:
    """APP: IA is not reported; automatic full credit (spec 11.2)."""
    score = r.app_automatic_score_percent
    points = score / 100.0 * r.max_points
    submitted = sum(len(ms.measurements) for ms in measurement_sets)
    detail = (
        f"APM Performance Pathway: automatic IA credit of {score:g}% "
        f"for the {ctx.performance_year} performance year."
    )
    if submitted:
        detail += f" The {submitted} submitted activities are not needed and were not scored."
    return CategoryResult(
        category="ia",
        reporting_option="app",
        mvp_id=None,
        score=score,
        points=points,
        max_points=r.max_points,
        data_submitted=submitted > 0,
        explanation=Node(
            name="ia",
            value=score,
            detail=detail,
            metadata={"automaticCredit": True, "maxContribution": r.max_points},
        ),
        metadata={
            "unroundedScoreValue": score,
            "automaticCredit": True,
            "givenAPMParticipationCredit": False,
        },
    )
