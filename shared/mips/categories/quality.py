"""Quality performance category (spec 4, 11.1, 11.2): measurement sets of one reporting option -> score.

Pure: reference data and rules come in as arguments. The per-measure arithmetic lives in
:mod:`mips.categories.quality_measure` (re-exported here: ``decile_points``, ``performance_rate``,
``data_completeness``); this module picks the measures that count, adds the CMS-calculated
administrative-claims measures, the small practice bonus and improvement, and builds the explanation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..explain import Node
from ..models.cms_data import CmsData
from ..models.submission import MeasurementSet
from ..reference import ReferenceData
from ..reference.models import Benchmark
from ..rules import YearRules
from ..rules.formulas import FormulaRegistry
from ..rules.quality import QualityRules
from ..scoring import CategoryResult, ScoringContext
from .quality_measure import (
    CASE_MINIMUM,
    NO_BENCHMARK,
    NO_RATE,
    NOT_ALLOWED,
    SCORED,
    SUPPRESSED,
    UNKNOWN,
    DecilePlacement,
    MeasureScore,
    _fmt,
    benchmark_metadata,
    benchmark_problem,
    benchmark_sentence,
    data_completeness,
    decile_points,
    performance_rate,
    place_cost_style,
    place_rate,
    score_cahps,
    score_measurement,
    topped_out_cap_applies,
)

__all__ = ["data_completeness", "decile_points", "performance_rate", "score_quality"]


@dataclass
class _Tally:
    """Numerator/denominator bookkeeping of one reporting option."""

    picked: list[MeasureScore] = field(default_factory=list)
    placeholders: list[Node] = field(default_factory=list)
    admin: list[MeasureScore] = field(default_factory=list)
    excluded: list[MeasureScore] = field(default_factory=list)
    required: int = 0
    notes: list[str] = field(default_factory=list)
    full_participation: bool = True

    def numerator(self) -> float:
        return sum(s.points or 0.0 for s in self.picked) + sum(s.points or 0.0 for s in self.admin)

    def denominator(self, per_measure: float) -> float:
        return per_measure * (len(self.picked) + len(self.placeholders) + len(self.admin))


# --------------------------------------------------------------------------------------------------
# Scoring every submitted measurement
# --------------------------------------------------------------------------------------------------
def _score_all(
    sets: list[MeasurementSet], ctx: ScoringContext, ref: ReferenceData, qr: QualityRules
) -> tuple[list[MeasureScore], list[str]]:
    scores: list[MeasureScore] = []
    notes: list[str] = []
    for ms in sets:
        if ms.category != "quality":
            notes.append(f"A {ms.category} measurement set was passed to quality scoring and ignored")
            continue
        cahps = [m for m in ms.measurements if m.measure_id.startswith(qr.cahps_ssm_prefix)]
        if cahps:
            scores.append(score_cahps(cahps, ctx, ref, qr))
        for m in ms.measurements:
            if m.measure_id.startswith(qr.cahps_ssm_prefix):
                continue
            if m.measure_id in qr.admin_claims or m.measure_id == qr.cahps_measure_id:
                node = Node(
                    name=m.measure_id,
                    metadata={"submissionMethod": ms.submission_method, "status": NOT_ALLOWED},
                )
                node.detail = (
                    f"Measure {m.measure_id} is calculated by CMS (administrative claims) and "
                    f"cannot be submitted; "
                    "the submitted value is ignored"
                    if m.measure_id in qr.admin_claims
                    else f"CAHPS for MIPS ({m.measure_id}) is scored from its summary survey measures "
                    f"{qr.cahps_ssm_prefix}1..; the measurement '{m.measure_id}' itself is ignored"
                )
                scores.append(
                    MeasureScore(
                        m.measure_id,
                        ms.submission_method,
                        None,
                        NOT_ALLOWED,
                        node,
                        ref.measure(m.measure_id),
                        submitted=False,
                    )
                )
                continue
            scores.append(score_measurement(m, ms.submission_method, ctx, ref, qr))
    return scores, notes


def _allowed_ids(ctx: ScoringContext, ref: ReferenceData, qr: QualityRules) -> tuple[set[str] | None, str]:
    """Measure ids the reporting option may count (None: any MIPS quality measure) and its label."""
    if ctx.reporting_option == "mvp":
        mvp = ref.mvp(ctx.mvp_id or "")
        if mvp is None:
            return set(), f"MVP {ctx.mvp_id!r} (not a {ctx.performance_year} MVP)"
        ids = set(mvp.quality_measure_ids)
        if mvp.has_cahps:
            ids.add(qr.cahps_measure_id)
        return ids, f"MVP {mvp.mvp_id}"
    if ctx.reporting_option == "app":
        return {i for slot in qr.app_measure_slots for i in slot}, "the APP"
    return None, "traditional MIPS"


def _apply_option_filter(
    scores: list[MeasureScore], ctx: ScoringContext, ref: ReferenceData, qr: QualityRules
) -> list[MeasureScore]:
    allowed, label = _allowed_ids(ctx, ref, qr)
    kept: list[MeasureScore] = []
    for s in scores:
        if s.status in (UNKNOWN, NOT_ALLOWED):
            continue
        ok = (
            (s.measure_id in allowed)
            if allowed is not None
            # allowedPrograms lists MVP ids inconsistently (112: only M1366), so traditional MIPS only
            # refuses measures reserved to the APP (e.g. the Medicare CQMs 001SSP, 134SSP, 236SSP)
            else (s.measure is None or not set(s.measure.allowed_programs) <= _app_programs(qr))
        )
        if not ok:
            s.status = NOT_ALLOWED
            s.submitted = False
            s.node.metadata["status"] = NOT_ALLOWED
            s.node.detail = (
                f"Measure {s.measure_id} is not a quality measure of {label}: not counted. " + s.node.detail
            )
            continue
        kept.append(s)
    return kept


#: (CMS-calculated rate, benchmark row, rules) -> placement of an administrative-claims quality measure
AdminClaimsPlacement = Callable[[float, Benchmark, QualityRules], DecilePlacement]
ADMIN_CLAIMS_PLACEMENT: FormulaRegistry[AdminClaimsPlacement] = FormulaRegistry(
    "administrative-claims quality measure placement"
)


@ADMIN_CLAIMS_PLACEMENT.register(2024)
def _admin_percentiles(value: float, bm: Benchmark, qr: QualityRules) -> DecilePlacement:
    """Through PY2024: the row's percentile distribution, direction from ``isInverse`` (spec 4.4.6)."""
    return place_rate(value, bm, qr.outside_p1_p99_points)


@ADMIN_CLAIMS_PLACEMENT.register(2025)
def _admin_cost_style(value: float, bm: Benchmark, qr: QualityRules) -> DecilePlacement:
    """From PY2025: scored like cost, on the median/SD ladder (median = 7.5; rules-2025-2026 §4.7, QMD
    benchmarks-schema 'For cost and admin claims quality measures')."""
    place = place_cost_style(value, bm, qr.outside_p1_p99_points)
    return replace(place, detail="Cost-style median/SD ladder (median = 7.5 points): " + place.detail)


def _app_programs(qr: QualityRules) -> set[str]:
    """Programs of the APP quality sets: a measure reserved to them is not a traditional MIPS measure.
    ``ssp`` (Shared Savings Program, listed beside appPlus from 2025) is no MIPS program of its own."""
    names = {qr.app_program_name}
    if qr.app_plus_program_name:
        names |= {qr.app_plus_program_name, "ssp"}
    return names


def _for_program(qr: QualityRules, ctx: ScoringContext) -> QualityRules:
    """The APP Plus (rules-2025-2026 §11.3) is the APP with another quality set: same rules, its slots."""
    if (
        ctx.reporting_option == "app"
        and qr.app_plus_program_name
        and ctx.program_name == qr.app_plus_program_name
    ):
        return replace(
            qr,
            app_measure_slots=qr.app_plus_measure_slots,
            app_admin_claims_measures=qr.app_plus_admin_claims_measures,
        )
    return qr


def _coa(tally: _Tally, ctx: ScoringContext, qr: QualityRules, denominator: float) -> tuple[float, str]:
    """Complex Organization Adjustment (42 CFR 414.1380(b)(1)(vii)(C), from PY2025): +1 achievement point
    per counted eCQM that met data completeness and the case minimum, for virtual groups and APM Entities;
    no measure above 10 points; in total at most 10% of the available points."""
    coa = qr.complex_organization_adjustment
    if coa is None or ctx.entity_type not in coa.entity_types:
        return 0.0, ""
    ecqms = [s for s in tally.picked if s.submission_method == coa.submission_method and s.status == SCORED]
    each = [min(coa.points_per_measure, max(0.0, coa.measure_max_points - (s.points or 0.0))) for s in ecqms]
    cap = coa.cap_fraction_of_available * denominator
    total = min(cap, sum(each))
    if not ecqms:
        return 0.0, (
            f"Complex Organization Adjustment: no counted eCQM meeting data completeness and the case "
            f"minimum ({ctx.entity_type}): 0 points"
        )
    terms = " + ".join(f"{s.measure_id} {_fmt(e)}" for s, e in zip(ecqms, each, strict=True))
    return total, (
        f"Complex Organization Adjustment ({ctx.entity_type}): {terms} = {_fmt(sum(each))}, capped at "
        f"{_fmt(coa.cap_fraction_of_available * 100)}% of {_fmt(denominator)} available points "
        f"({_fmt(cap)}): {_fmt(total)} points (42 CFR 414.1380(b)(1)(vii)(C))"
    )


def _app_excluded(s: MeasureScore) -> bool:
    """Spec 11.2 (42 CFR 414.1367(c)(1)(i)): an APP measure without a benchmark or case minimum is excluded
    from the numerator and the denominator (unless a new-measure floor gives it points)."""
    return s.status in (NO_BENCHMARK, CASE_MINIMUM) and s.node.metadata.get("newMeasureFloorApplied") is None


def _rank(s: MeasureScore, app: bool) -> tuple[bool, float]:
    """Which of two submissions of a measure counts: in the APP an excluded submission earns nothing (its
    0/3 points are never awarded), so any scorable submission ranks above it; then the higher points."""
    return (not (app and _app_excluded(s)), s.points or 0.0)


def _best_per_measure(
    scores: list[MeasureScore], qr: QualityRules, app: bool = False
) -> tuple[list[MeasureScore], set[str]]:
    """Spec 4.8 step 2: a measure submitted via several collection types counts once (the highest)."""
    best: dict[str, MeasureScore] = {}
    suppressed: set[str] = set()
    for s in scores:
        if s.points is None:
            if s.status == SUPPRESSED:
                suppressed.add(s.measure_id)
            continue
        cur = best.get(s.measure_id)
        if cur is None or (qr.same_measure_keeps_highest and _rank(s, app) > _rank(cur, app)):
            best[s.measure_id] = s
    for s in scores:
        if s.points is not None and best.get(s.measure_id) is not s:
            keep = best[s.measure_id]
            s.node.metadata["processingStatus"] = "NOT_PICKED"
            if app and _app_excluded(s):
                s.node.value = None
                s.node.detail += ". Excluded in the APP (no benchmark or case minimum not met)"
                if not _app_excluded(keep):
                    s.node.detail += (
                        f"; the same measure via {keep.submission_method} counts instead "
                        f"({_fmt(keep.points or 0)})"
                    )
                continue
            s.node.detail += (
                f". Not counted: the same measure via {keep.submission_method} scored "
                f"{_fmt(keep.points or 0)} and a measure counts once"
            )
    return list(best.values()), suppressed - set(best)


def _is_outcome(s: MeasureScore, qr: QualityRules) -> bool:
    return s.measure is not None and s.measure.measure_type in qr.outcome_measure_types


def _is_hp(s: MeasureScore, qr: QualityRules) -> bool:
    return _is_outcome(s, qr) or (s.measure is not None and s.measure.is_high_priority)


def _mark_picked(s: MeasureScore, n: int, why: str) -> None:
    s.node.metadata["processingStatus"] = "PICKED"
    s.node.metadata["measurementPicker"] = f"Picked at {n}"
    s.node.detail += f". Picked at {n} ({why}): contributing {_fmt(s.points or 0)}"


def _placeholder(n: int, why: str, qr: QualityRules) -> Node:
    return Node(
        name=f"missing-{n}",
        value=0.0,
        detail=f"Required measure {n} not submitted ({why}): 0 of "
        f"{_fmt(qr.measure_denominator_points)} points",
        metadata={"isGhost": True, "processingStatus": "PICKED"},
    )


def _specialty_reduction(
    cands: list[MeasureScore], submitted_ids: set[str], required: int, ref: ReferenceData
) -> tuple[int, str | None]:
    """Spec 4.1: a complete specialty measure set with fewer than ``required`` measures is the requirement."""
    sets: dict[str, set[str]] = {}
    for m in ref.measures_in("quality"):
        for name in m.measure_sets:
            sets.setdefault(name, set()).add(m.measure_id)
    complete = [
        (len(ids), name) for name, ids in sets.items() if len(ids) < required and ids <= submitted_ids
    ]
    if not complete:
        return required, None
    size, name = max(complete)
    eff = min(required, max(size, len(cands)))
    return (
        eff,
        f"complete specialty measure set '{name}' ({size} measures) submitted: {eff} required measures",
    )


def ema_reduction(
    cands: list[MeasureScore], required: int, ref: ReferenceData, qr: QualityRules
) -> tuple[int, str | None]:
    """Spec 4.9 EMA / denominator reduction for claims and MIPS CQM submitters with fewer than ``required``
    measures: when every submitted measure belongs to a clinical cluster of its collection type
    (``clinical-clusters.json``), the requirement is the number of measures in the union of those clusters
    (never more than ``required``, never fewer than submitted). Any eCQM, or a measure in no cluster, means
    other measures were applicable: no reduction (UNCONFIRMED details, see the rules' citation)."""
    if not cands or not ref.clinical_clusters:
        return required, None
    if any(s.submission_method not in qr.ema_submission_methods for s in cands):
        return required, None
    expected: set[str] = set()
    names: list[str] = []
    for s in cands:
        row = ref.clinical_clusters.get((s.measure_id, s.submission_method))
        if row is None or not row.clinical_clusters:
            return required, None
        for cluster in row.clinical_clusters:
            expected.update(cluster.measure_ids)
            if cluster.name not in names:
                names.append(cluster.name)
    eff = min(required, max(len(cands), len(expected)))
    if eff >= required:
        return required, None
    return eff, (
        f"EMA / denominator reduction: every submitted measure is in a clinical cluster "
        f"({', '.join(names)}; {len(expected)} measures: {', '.join(sorted(expected))}): "
        f"{eff} required measures instead of {required}"
    )


def _pick(cands: list[MeasureScore], required: int, qr: QualityRules, tally: _Tally) -> None:
    """Spec 4.8 step 3: the best outcome (else high-priority) measure, then the best remaining ones."""
    order = sorted(cands, key=lambda s: -(s.points or 0.0))
    first = next((s for s in order if _is_outcome(s, qr)), None)
    why_first = "highest-scoring outcome measure, required"
    if first is None:
        first = next((s for s in order if _is_hp(s, qr)), None)
        why_first = "highest-scoring high-priority measure, required in the absence of an outcome measure"
    slots = required
    if first is not None:
        tally.picked.append(first)
        _mark_picked(first, 1, why_first)
    elif order and qr.missing_outcome_slot_scores_zero:
        tally.placeholders.append(_placeholder(1, "no outcome or high-priority measure submitted", qr))
        tally.notes.append("No outcome or high-priority measure submitted: one required slot scores 0")
        tally.full_participation = False
        slots -= 1
    for s in order:
        if s is first:
            continue
        if len(tally.picked) < slots:
            tally.picked.append(s)
            _mark_picked(s, len(tally.picked), "next highest-scoring measure")
        else:
            s.node.metadata["processingStatus"] = "NOT_PICKED"
            s.node.detail += f". Not picked: {required} higher-scoring or required measures fill the slots"
    while len(tally.picked) + len(tally.placeholders) < required:
        n = len(tally.picked) + len(tally.placeholders) + 1
        tally.placeholders.append(_placeholder(n, "fewer measures submitted than required", qr))
        tally.full_participation = False
    if any(not s.dc_met for s in tally.picked):
        tally.full_participation = False


# --------------------------------------------------------------------------------------------------
# Administrative-claims measures (spec 4.7)
# --------------------------------------------------------------------------------------------------
def _score_admin(
    measure_ids: Iterable[str],
    cms_data: CmsData | None,
    ctx: ScoringContext,
    ref: ReferenceData,
    qr: QualityRules,
    label: str,
) -> tuple[list[MeasureScore], list[Node]]:
    """Scored admin-claims measures (each adds its points and 10 to the denominator) and skipped ones."""
    wanted = list(dict.fromkeys(measure_ids))
    scored: list[MeasureScore] = []
    skipped: list[Node] = []
    if cms_data is None:
        return scored, skipped
    by_id = {c.measure_id: c for c in cms_data.admin_claims_measures}
    for cid in by_id:
        if cid not in wanted:
            skipped.append(
                Node(
                    name=cid,
                    detail=f"Administrative-claims measure {cid} is not part of {label}: not counted",
                    metadata={"status": NOT_ALLOWED},
                )
            )
    for mid in wanted:
        calc = by_id.get(mid)
        if calc is None:
            continue
        node = Node(
            name=mid,
            metadata={
                "submissionMethod": qr.admin_claims_submission_method,
                "performanceRate": calc.value,
                "attributedCases": calc.attributed_cases,
            },
        )
        rule = qr.admin_claims.get(mid)
        bm = ref.benchmark(mid, qr.admin_claims_submission_method)
        why: str | None = None
        if rule is None:
            why = f"no applicability rule for administrative-claims measure {mid}"
        elif ctx.entity_type not in rule.entity_types:
            why = (
                f"measure {mid} applies to {', '.join(rule.entity_types)}, not to {ctx.entity_type} reporting"
            )
        elif (
            rule.min_clinicians is not None
            and ctx.clinician_count is not None
            and (ctx.clinician_count < rule.min_clinicians)
        ):
            why = (
                f"measure {mid} needs at least {rule.min_clinicians} clinicians; "
                f"the practice has {ctx.clinician_count}"
            )
        elif calc.attributed_cases < rule.case_minimum:
            why = f"{calc.attributed_cases} attributed cases is below the case minimum of {rule.case_minimum}"
        elif not qr.admin_claims_benchmarks_usable:
            why = (
                f"the {ctx.performance_year} administrative-claims benchmark rows are CMS mock data, not "
                "scoring benchmarks (preview)"
            )
        elif not math.isfinite(calc.value) or calc.value < 0:
            why = f"the CMS-calculated value {calc.value!r} is not a valid rate (a non-negative number)"
        elif bm is None or benchmark_problem(bm) is not None:
            why = f"no usable benchmark row for {mid}/{qr.admin_claims_submission_method}"
        if why is not None:
            node.detail = f"Administrative-claims measure {mid} not scored: {why}; it is left out (no zero)"
            node.metadata["status"] = "notScored"
            skipped.append(node)
            continue
        assert bm is not None and rule is not None
        place = ADMIN_CLAIMS_PLACEMENT.for_year(ctx.performance_year)(calc.value, bm, qr)
        pts = round(place.points, qr.measure_points_decimals)
        lines = [
            f"Risk-standardized rate {_fmt(calc.value)} ({calc.attributed_cases} cases, minimum "
            f"{rule.case_minimum})",
            place.detail,
            benchmark_sentence(bm),
        ]
        if rule.min_clinicians is not None and ctx.clinician_count is None:
            lines.append(
                f"Clinician count unknown: CMS calculated the measure, so the "
                f"{rule.min_clinicians}-clinician "
                "requirement is taken as met"
            )
        if bm.is_topped_out_by_program and pts > qr.topped_out_cap:
            if topped_out_cap_applies(ctx, qr):
                pts = qr.topped_out_cap
                lines.append(f"Topped out by program: capped at {_fmt(pts)}")
            else:
                lines.append("Topped out by program: not capped in the APP (42 CFR 414.1367(c)(1)(ii))")
        node.value = pts
        node.detail = (
            ". ".join(lines) + f". Adds {_fmt(pts)} points and {_fmt(qr.measure_denominator_points)} to "
            "the denominator"
        )
        node.metadata.update(
            decile=place.decile, status="scored", benchmark=benchmark_metadata(bm), processingStatus="PICKED"
        )
        scored.append(
            MeasureScore(
                mid, qr.admin_claims_submission_method, pts, "scored", node, ref.measure(mid), dc_met=True
            )
        )
    return scored, skipped


# --------------------------------------------------------------------------------------------------
# Reporting options
# --------------------------------------------------------------------------------------------------
def _traditional(
    cands: list[MeasureScore],
    suppressed: set[str],
    submitted_ids: set[str],
    ref: ReferenceData,
    qr: QualityRules,
    tally: _Tally,
) -> None:
    required = qr.required_measures
    if qr.specialty_set_reduction and len(cands) < required:
        required, why = _specialty_reduction(cands, submitted_ids, required, ref)
        if why:
            tally.notes.append(why)
    if qr.ema_denominator_reduction and len(cands) < required:
        required, why = ema_reduction(cands, required, ref, qr)
        if why:
            tally.notes.append(why)
    if suppressed and len(cands) < required:
        reduced = max(len(cands), required - len(suppressed))
        tally.notes.append(
            f"Suppressed measure(s) {', '.join(sorted(suppressed))} removed from the numerator and "
            f"the denominator: "
            f"{reduced} required measures"
        )
        required = reduced
    tally.required = required
    _pick(cands, required, qr, tally)


def _mvp(cands: list[MeasureScore], suppressed: set[str], qr: QualityRules, tally: _Tally) -> None:
    required = qr.mvp_required_measures
    if suppressed and len(cands) < required:
        required = max(len(cands), required - len(suppressed))
        tally.notes.append(
            f"Suppressed measure(s) {', '.join(sorted(suppressed))} removed: {required} required"
        )
    tally.required = required
    _pick(cands, required, qr, tally)


def _app(cands: list[MeasureScore], ctx: ScoringContext, qr: QualityRules, tally: _Tally) -> None:
    """Spec 11.2: the APP measure set; no benchmark / case minimum not met => excluded (0 of 0)."""
    by_id = {s.measure_id: s for s in cands}
    n = 0
    for slot in qr.app_measure_slots:
        options = [by_id[i] for i in slot if i in by_id]
        if not options:
            if qr.app_missing_measure_scores_zero:
                n += 1
                tally.placeholders.append(
                    _placeholder(n, f"APP measure {' / '.join(slot)} not submitted", qr)
                )
                tally.full_participation = False
            continue
        best = max(options, key=lambda s: _rank(s, True))
        for other in options:
            if other is not best:
                other.node.detail += f". Not counted: {best.measure_id} fills this APP slot"
        if _app_excluded(best):
            best.node.detail += (
                ". Excluded from the numerator and the denominator: APP measures without a benchmark "
                "or case minimum are not counted (42 CFR 414.1367(c)(1)(i))"
            )
            best.node.value = None
            best.node.metadata["processingStatus"] = "EXCLUDED"
            tally.excluded.append(best)
            continue
        if not best.dc_met and not (ctx.small_practice and qr.app_small_practice_points_on_dc_failure):
            best.points = qr.failed_measure_points
            best.node.value = best.points
        n += 1
        tally.picked.append(best)
        _mark_picked(best, n, "APP measure set")
        if not best.dc_met:
            tally.full_participation = False
    tally.required = len(tally.picked) + len(tally.placeholders)


def _improvement(achievement: float, full: bool, ctx: ScoringContext, qr: QualityRules) -> tuple[float, str]:
    """Spec 4.12 (UNCONFIRMED formula): (current - max(prior, 30)) / max(prior, 30) x 10, within 0..10."""
    prior = ctx.prior_year_quality_achievement_percent
    if prior is None:
        return 0.0, "No prior-year quality achievement percent: no improvement score"
    if qr.improvement_requires_full_participation and not full:
        return 0.0, (
            "Improvement requires full participation (every required measure submitted and meeting data "
            "completeness): no improvement score"
        )
    base = max(prior, qr.improvement_prior_floor)
    raw = (achievement - base) / base * qr.improvement_scale
    imp = min(qr.improvement_max, max(0.0, raw))
    floor_note = f" (prior {_fmt(prior)}% below {_fmt(qr.improvement_prior_floor)}%)" if prior < base else ""
    return imp, (
        f"Improvement = ({_fmt(achievement)} - {_fmt(base)}{floor_note}) / {_fmt(base)} x "
        f"{_fmt(qr.improvement_scale)}"
        f" = {_fmt(raw)}, kept within 0..{_fmt(qr.improvement_max)}: {_fmt(imp)} percentage points "
        f"(spec 4.12, "
        "UNCONFIRMED formula)"
    )


def score_quality(
    measurement_sets: list[MeasurementSet],
    cms_data: CmsData | None,
    ctx: ScoringContext,
    ref: ReferenceData,
    rules: YearRules,
) -> CategoryResult:
    """The quality category score of one reporting option (spec 4.10): (points + bonus) / available x 100
    + improvement, capped at 100; with an explanation tree down to every measure."""
    qr = _for_program(rules.quality, ctx)
    option = ctx.reporting_option
    data_submitted = any(ms.measurements for ms in measurement_sets if ms.category == "quality")
    scores, notes = _score_all(measurement_sets, ctx, ref, qr)
    kept = _apply_option_filter(scores, ctx, ref, qr)
    submitted_ids = {s.measure_id for s in kept}
    cands, suppressed = _best_per_measure(kept, qr, app=option == "app")
    tally = _Tally(notes=notes)
    mvp = ref.mvp(ctx.mvp_id or "") if option == "mvp" else None

    if option == "app":
        _app(cands, ctx, qr, tally)
        admin_ids: list[str] = list(qr.app_admin_claims_measures)
        label = "the APP"
    elif option == "mvp":
        _mvp(cands, suppressed, qr, tally)
        admin_ids = (
            list(mvp.foundation_quality_measure_ids + mvp.administrative_claims_measure_ids) if mvp else []
        )
        label = f"MVP {ctx.mvp_id}"
        if mvp is None:
            tally.notes.append(f"{ctx.mvp_id!r} is not a {ctx.performance_year} MVP: no measure can count")
    else:
        _traditional(cands, suppressed, submitted_ids, ref, qr, tally)
        admin_ids = list(qr.traditional_admin_claims_measures)
        label = "traditional MIPS"

    admin_scored, admin_skipped = _score_admin(admin_ids, cms_data, ctx, ref, qr, label)
    if option == "mvp" and mvp is not None:
        ph = sorted(
            (s for s in admin_scored if s.measure_id in mvp.foundation_quality_measure_ids),
            key=lambda s: -(s.points or 0.0),
        )
        for extra in ph[qr.mvp_population_health_measures_counted :]:
            admin_scored.remove(extra)
            extra.node.detail += (
                f". Not counted: {qr.mvp_population_health_measures_counted} population health "
                "measure counts in an MVP and another scored higher (UNCONFIRMED)"
            )
            extra.node.metadata["processingStatus"] = "NOT_PICKED"
            admin_skipped.append(extra.node)
    if option == "app":
        for node in admin_skipped:
            if node.metadata.get("status") == "notScored":
                node.detail += " (APP: excluded from the numerator and the denominator)"
    tally.admin = admin_scored

    numerator = tally.numerator()
    denominator = tally.denominator(qr.measure_denominator_points)
    coa, coa_detail = _coa(tally, ctx, qr, denominator)
    n_submitted = sum(1 for s in kept if s.submitted)
    # minimum submission criteria (from PY2025, see mips.reweighting): measures with num/den data
    with_data = sum(1 for s in kept if s.submitted and s.status != NO_RATE)
    bonus = (
        qr.small_practice_bonus
        if (ctx.small_practice and n_submitted >= 1 and option in qr.small_practice_bonus_options)
        else 0.0
    )
    achievement = numerator / denominator * 100.0 if denominator > 0 else 0.0
    improvement, imp_detail = _improvement(achievement, tally.full_participation and n_submitted > 0, ctx, qr)

    metadata: dict[str, Any] = {
        "reportingOption": option,
        "mvpId": ctx.mvp_id if option == "mvp" else None,
        "numerator": numerator,
        "denominator": denominator,
        "achievementPercent": achievement,
        "smallPracticeBonus": bonus,
        "improvementPercent": improvement,
        "requiredMeasures": tally.required,
        "measuresPicked": [s.measure_id for s in tally.picked] + [s.measure_id for s in tally.admin],
        "measuresSubmitted": sorted(submitted_ids),
        "measuresExcluded": [s.measure_id for s in tally.excluded],
        "placeholders": len(tally.placeholders),
        "adminClaimsScored": [s.measure_id for s in tally.admin],
        "adminClaimsPending": cms_data is None,
        "fullParticipation": tally.full_participation and n_submitted > 0,
    }
    if qr.complex_organization_adjustment is not None:
        metadata["complexOrganizationAdjustment"] = coa

    measures_node = Node(
        name="measures",
        value=sum(s.points or 0.0 for s in tally.picked),
        detail=f"{len(tally.picked)} measure(s) counted and {len(tally.placeholders)} missing "
        f"required measure(s) "
        f"of {tally.required} required ({label})",
    )
    counted = {id(s) for s in tally.picked}
    measures_node.parts = (
        [s.node for s in tally.picked] + tally.placeholders + [s.node for s in scores if id(s) not in counted]
    )
    admin_node = Node(
        name="adminClaims",
        value=sum(s.points or 0.0 for s in tally.admin),
        detail=(
            "CMS-calculated data has not arrived yet: administrative-claims measures are pending "
            "and this score "
            "is preliminary"
        )
        if cms_data is None
        else f"{len(tally.admin)} administrative-claims measure(s) scored from CMS-calculated data",
        parts=[s.node for s in tally.admin] + admin_skipped,
    )

    if denominator <= 0:
        explanation = Node(
            name="quality",
            value=None,
            detail="No scorable quality measure: quality is not scored "
            f"for {label} (every submitted measure was excluded)",
            parts=[measures_node, admin_node],
            metadata=metadata,
        )
        return CategoryResult(
            category="quality",
            reporting_option=option,
            mvp_id=metadata["mvpId"],
            score=None,
            points=0.0,
            max_points=0.0,
            not_scored_reason="no scorable quality measure",
            data_submitted=data_submitted,
            explanation=explanation,
            metadata={**metadata, "measuresWithData": with_data},
        )

    raw = (numerator + bonus + coa) / denominator * 100.0 + improvement
    score = min(qr.category_cap, raw)
    if not data_submitted and not tally.admin:
        score = 0.0
    metadata["unroundedScoreValue"] = score
    bonus_detail = (
        f"Bonus applied to quality submission with 15 or fewer clinicians: +{_fmt(bonus)} numerator points"
        if bonus
        else (
            "No small practice bonus: not a small practice"
            if not ctx.small_practice
            else "No small practice bonus: no quality measure submitted"
        )
    )
    terms = " + ".join(_fmt(s.points or 0) for s in tally.picked + tally.admin)
    parts = [
        measures_node,
        admin_node,
        Node(
            name="numerator",
            value=numerator,
            detail=f"Measure achievement points {terms or '0'} = {_fmt(numerator)}",
        ),
        Node(
            name="denominator",
            value=denominator,
            detail=f"{_fmt(qr.measure_denominator_points)} x ({tally.required} required measures + "
            f"{len(tally.admin)} administrative-claims measure(s)) = {_fmt(denominator)}",
        ),
        Node(
            name="achievementPercent",
            value=achievement,
            detail=f"{_fmt(numerator)} / {_fmt(denominator)} x 100 = {_fmt(achievement)}% (without bonus or "
            "improvement, 42 CFR 414.1380(b)(1)(vi)(D))",
        ),
        Node(name="smallPracticeBonus", value=bonus, detail=bonus_detail),
        Node(name="improvement", value=improvement, detail=imp_detail),
    ]
    if coa_detail:
        parts.insert(-1, Node(name="complexOrganizationAdjustment", value=coa, detail=coa_detail))
    if not data_submitted and not tally.admin:
        detail = "No quality data submitted: quality is scored 0 (a category scored zero is not reweighted)"
    else:
        capped = " capped at 100" if raw > qr.category_cap else ""
        coa_term = f" + {_fmt(coa)}" if coa else ""
        detail = (
            f"Quality = ({_fmt(numerator)} + {_fmt(bonus)}{coa_term}) / {_fmt(denominator)} x 100 + "
            f"{_fmt(improvement)} "
            f"= {_fmt(raw)}%{capped} ({label})"
        )
    if tally.notes:
        detail += ". " + ". ".join(tally.notes)
    explanation = Node(name="quality", value=score, detail=detail, parts=parts, metadata=metadata)
    return CategoryResult(
        category="quality",
        reporting_option=option,
        mvp_id=metadata["mvpId"],
        score=score,
        points=numerator + bonus + coa,
        max_points=denominator,
        data_submitted=data_submitted,
        explanation=explanation,
        metadata={**metadata, "measuresWithData": with_data},
    )
