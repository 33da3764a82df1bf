"""Cost category score from CMS-calculated cost measures (spec 7, 11.1, 11.2).

Each cost measure that meets its case minimum and has a benchmark row of its year (``administrativeClaims``)
earns 1-10 achievement points by the INVERSE decile mapping of spec 4.4.3 (lower cost is better; the median
earns 7.5, spec 7.2). The category score is the equal-weight mean of the scored measures' points x 10
(spec 7.3); with no scorable measure the category is not scored (a reweighting candidate). APM Entities and
the APP are not evaluated for cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from ..explain import Node
from ..models.cms_data import CalculatedMeasure, CmsData
from ..reference import ReferenceData
from ..reference.models import Benchmark
from ..rules import YearRules
from ..rules.cost import CostRules
from ..scoring import CategoryResult, ScoringContext
from .quality_measure import place_cost_style

__all__ = ["score_cost"]

#: Inverse bands (decile, better key, worse key): decile 9 is (p10, p20], ..., decile 1 is (p90, p99].
_INVERSE_BANDS: tuple[tuple[int, int, int], ...] = (
    *((11 - k, 10 * (k - 1), 10 * k) for k in range(2, 10)),
    (1, 90, 99),
)


@dataclass(frozen=True)
class _Band:
    """Where a cost falls on an inverse benchmark row (spec 4.4.3)."""

    decile: int
    better: float | None = None  # lower (better) bound, exclusive
    worse: float | None = None  # upper (worse) bound, inclusive
    kind: str = "interpolated"  # "interpolated" | "topDecile" | "aboveP99"


def _inverse_band(value: float, bm: Benchmark) -> _Band:
    """Spec 4.4.3 inverse: r <= p10 is decile 10; (p_{10(k-1)}, p_{10k}] is decile 11-k; (p90, p99] is 1.

    A boundary value belongs to the better decile; empty deciles (equal bounds) are skipped.
    """
    if value <= bm.p(10):
        return _Band(decile=10, kind="topDecile")
    if value > bm.p(99):
        return _Band(decile=1, kind="aboveP99")
    for decile, better_key, worse_key in _INVERSE_BANDS:
        better, worse = bm.p(better_key), bm.p(worse_key)
        if worse > better and better < value <= worse:
            return _Band(decile=decile, better=better, worse=worse)
    return _Band(decile=1, kind="aboveP99")  # unreachable for ascending rows; safest reading


def _measure_points(value: float, bm: Benchmark, r: CostRules) -> tuple[float, _Band]:
    """Points (full precision) and band for a lower-is-better cost on ``bm`` (spec 4.4.3, 7.2).

    The placement is :func:`place_cost_style`, i.e. the quality category's :func:`place_rate` (one
    implementation of spec 4.4.3, shared with the administrative-claims quality measures);
    cost rows are always scored inverse (spec 7.2), and a cost above p99 earns ``points_above_p99``
    (1.0, UNCONFIRMED floor).
    """
    return place_cost_style(value, bm, r.points_above_p99).points, _inverse_band(value, bm)


def score_cost(
    cms_data: CmsData | None, ctx: ScoringContext, ref: ReferenceData, rules: YearRules
) -> CategoryResult:
    """Score cost for one entity and reporting option; ``score`` None means not scored (see the reason)."""
    r = rules.cost
    if ctx.reporting_option == "app":
        return _not_scored(
            ctx,
            "notEvaluatedInApp",
            "Cost is not evaluated in the APM Performance Pathway (weight 0%).",
        )
    if ctx.entity_type == "apmEntity":
        return _not_scored(
            ctx,
            "notEvaluatedForApmEntity",
            "Cost is not evaluated for APM Entities (weight 0%).",
        )
    if not r.benchmarks_usable:
        return _not_scored(
            ctx,
            "noUsableBenchmarks",
            f"Cost is not scored for {ctx.performance_year}: the published cost benchmark rows are CMS mock "
            "data, not scoring benchmarks (cost.benchmarks_usable; preview).",
        )
    if cms_data is None:
        return _not_scored(
            ctx,
            "cmsDataNotReceived",
            "CMS-calculated cost data has not been received yet: cost cannot be scored "
            "(result is preliminary).",
        )

    allowed, intro = _allowed_measures(ctx, ref)
    nodes: list[Node] = [Node(name="message", detail=msg) for msg in intro]
    scored: dict[str, float] = {}
    not_scored: dict[str, str] = {}
    for cm in cms_data.cost_measures:
        node, points, reason = _score_measure(cm, ctx, ref, r, allowed, seen=set(scored) | set(not_scored))
        nodes.append(node)
        if points is not None:
            scored[cm.measure_id] = points
        elif reason is not None and cm.measure_id not in scored:
            not_scored.setdefault(cm.measure_id, reason)

    metadata = {
        "measuresScored": sorted(scored),
        "measuresNotScored": dict(sorted(not_scored.items())),
        "measurePoints": dict(scored),
        "measuresSubmittedCount": len(cms_data.cost_measures),
        "mvpId": ctx.mvp_id,
    }
    if not scored:
        detail = (
            f"No cost measure met its case minimum with a {ref.year} benchmark: cost is not scored "
            "and its weight is redistributed."
        )
        explanation = Node(name="cost", value=None, detail=detail, parts=nodes)
        return CategoryResult(
            category="cost",
            reporting_option=ctx.reporting_option,
            mvp_id=ctx.mvp_id,
            score=None,
            not_scored_reason="noCostMeasureMetCaseMinimum",
            data_submitted=False,
            explanation=explanation,
            metadata=metadata,
        )

    total = sum(scored.values())
    mean = total / len(scored)
    achievement = mean * r.category_score_multiplier
    improvement, improvement_detail = cost_improvement(
        achievement, cms_data.prior_year_cost_category_score, r
    )
    uncapped = achievement + improvement
    score = min(r.max_score_percent, uncapped)
    terms = " + ".join(f"{p:.4f}" for p in scored.values())
    avg_detail = (
        f"Average of {len(scored)} scored measure(s): ({terms}) / {len(scored)} = {_num(mean)}; "
        f"x {r.category_score_multiplier:g} = {achievement:.4f}%."
    )
    nodes.append(Node(name="average", value=mean, detail=avg_detail))
    nodes.append(Node(name="costImprovement", value=improvement, detail=improvement_detail))
    metadata.update(
        unroundedScoreValue=score,
        averagePoints=mean,
        totalPoints=total,
        costImprovementPercent=improvement,
    )
    explanation = Node(
        name="cost",
        value=score,
        detail=f"Cost score {score:.4f}% = mean points {_num(mean)} x {r.category_score_multiplier:g}"
        + (f" + improvement {improvement:g}" if improvement else "")
        + (f", capped at {r.max_score_percent:g}" if uncapped > r.max_score_percent else "")
        + ".",
        parts=nodes,
    )
    return CategoryResult(
        category="cost",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=score,
        points=total,
        max_points=r.category_score_multiplier * len(scored),
        data_submitted=False,
        explanation=explanation,
        metadata=metadata,
    )


def cost_improvement(current: float, prior: float | None, r: CostRules) -> tuple[float, str]:
    """Cost improvement score in percentage points, with its arithmetic (42 CFR 414.1380(b)(2)(iv)).

    Category level: (current - prior) / prior x the year's maximum ((C)), never below zero ((D)) and at most
    the maximum ((E): 1 percentage point from the 2025 MIPS payment year). Zero when the prior period's
    cost category score is not given: the entity was not scored on cost under the same identifier in both
    periods ((B)). ``current`` is the achievement part of the score (points / available points x 100).
    """
    mx = r.improvement_max_percentage_points
    if prior is None:
        return 0.0, (
            "Cost improvement score 0: no prior-year cost category score for this identifier "
            "(priorYearCostCategoryScore), so improvement cannot be measured (42 CFR 414.1380(b)(2)(iv)(B))."
        )
    if mx <= 0:
        return 0.0, f"Cost improvement score 0: the maximum for this year is {mx:g} (414.1380(b)(2)(iv)(E))."
    if prior <= 0:
        return 0.0, (
            f"Cost improvement score 0: the prior-year cost category score {prior:g} cannot be a divisor "
            "(414.1380(b)(2)(iv)(C))."
        )
    raw = (current - prior) / prior * mx
    value = min(mx, max(0.0, raw))
    detail = (
        f"Cost improvement ({current:.4f} - {prior:.4f}) / {prior:.4f} x {mx:g} = {raw:.4f} percentage points"
    )
    if raw < 0:
        detail += "; not lower than 0"
    elif raw > mx:
        detail += f"; at most the maximum {mx:g}"
    return value, detail + f" -> {value:.4f} (42 CFR 414.1380(b)(2)(iv)(C)-(E))."


def _allowed_measures(ctx: ScoringContext, ref: ReferenceData) -> tuple[frozenset[str] | None, list[str]]:
    """MVP: only the MVP's costMeasureIds (spec 7.3, 11.1); traditional MIPS: every cost measure."""
    if ctx.reporting_option != "mvp":
        return None, []
    mvp = ref.mvp(ctx.mvp_id) if ctx.mvp_id else None
    if mvp is None:
        return frozenset(), [
            f"MVP {ctx.mvp_id!r} is not a {ref.year} MVP: no cost measure can be scored for it."
        ]
    ids = ", ".join(mvp.cost_measure_ids) or "none"
    return frozenset(mvp.cost_measure_ids), [f"MVP {mvp.mvp_id}: only its cost measures count ({ids})."]


def _score_measure(
    cm: CalculatedMeasure,
    ctx: ScoringContext,
    ref: ReferenceData,
    r: CostRules,
    allowed: frozenset[str] | None,
    seen: set[str],
) -> tuple[Node, float | None, str | None]:
    """(node, points or None, reason code when not scored) for one CMS-calculated cost measure."""
    mid = cm.measure_id
    meta: dict[str, object] = {"value": cm.value, "attributedCases": cm.attributed_cases}

    def skip(code: str, why: str) -> tuple[Node, float | None, str | None]:
        meta["processingStatus"] = code
        return Node(name=mid, value=None, detail=f"Not scored: {why}", metadata=meta), None, code

    if mid in seen:
        return skip("duplicate", "this measure appears more than once; only its first entry is used.")
    measure = ref.measure(mid)
    minimum = r.case_minimum(mid)
    if measure is None or measure.category != "cost" or minimum is None:
        if mid in r.suppressed_measure_ids:
            return skip("suppressed", f"CMS suppressed {mid} for {ref.year}: it is not scored.")
        return skip("unknownMeasure", f"{mid} is not a {ref.year} cost measure.")
    meta["title"] = measure.title
    if mid in r.suppressed_measure_ids:
        return skip(
            "suppressed",
            f"CMS suppressed {mid} for {ref.year}: it is not scored and does not count against the "
            "category (cost.suppressed_measure_ids).",
        )
    if allowed is not None and mid not in allowed:
        return skip("notInMvp", "not one of the MVP's cost measures.")
    if mid in r.group_only_measure_ids and ctx.entity_type not in r.group_entity_types:
        return skip("groupsOnly", f"{mid} is scored for groups only, not for an {ctx.entity_type}.")
    meta.update(caseMinimum=minimum, caseMinimumMet=cm.attributed_cases >= minimum)
    if cm.attributed_cases < minimum:
        return skip(
            "caseMinimumNotMet",
            f"{cm.attributed_cases} attributed cases is below the case minimum of {minimum}.",
        )
    if not math.isfinite(cm.value) or cm.value < 0:
        return skip("invalidValue", f"the cost value {cm.value!r} is not a non-negative dollar amount.")
    bm = ref.benchmark(mid, r.benchmark_submission_method)
    if bm is None:
        return skip(
            "noBenchmark",
            f"{cm.attributed_cases} cases meet the minimum of {minimum}, but {mid} has no {ref.year} "
            f"benchmark row ({r.benchmark_submission_method}), so it cannot be scored.",
        )

    problem = _benchmark_problem(bm)
    if problem is not None:
        return skip("invalidBenchmark", f"the {bm.benchmark_year} benchmark row is unusable: {problem}.")
    raw, band = _measure_points(cm.value, bm, r)
    points = round(raw, r.measure_points_decimals)
    meta.update(
        processingStatus="scored",
        benchmarkYear=bm.benchmark_year,
        submissionMethod=bm.submission_method,
        isInverse=True,
        percentiles=dict(sorted(bm.percentiles.items())),
        decile=band.decile,
        unroundedScoreValue=raw,
    )
    case_text = f"{cm.attributed_cases} cases >= minimum {minimum}"
    detail = f"Cost ${cm.value:,.2f} ({case_text}); benchmark {bm.benchmark_year}: " + _arithmetic(
        cm.value, band, points, bm, r
    )
    return Node(name=mid, value=points, detail=detail, metadata=meta), points, None


_PERCENTILE_KEYS = (1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)


def _benchmark_problem(bm: Benchmark) -> str | None:
    """Missing percentile keys or values not ascending (reference data should never have either)."""
    missing = [k for k in _PERCENTILE_KEYS if k not in bm.percentiles]
    if missing:
        return f"percentiles {missing} are missing"
    values = [bm.percentiles[k] for k in _PERCENTILE_KEYS]
    if any(b < a for a, b in pairwise(values)):
        return "percentiles are not in ascending order"
    return None


def _num(x: float) -> str:
    """Up to 6 decimals, no trailing zeros (so 7.29515 shows as such, not rounded to 7.2951)."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def _arithmetic(value: float, band: _Band, points: float, bm: Benchmark, r: CostRules) -> str:
    """The inverse-interpolation arithmetic in words (spec 4.4.3)."""
    if band.kind == "topDecile":
        return f"at or below p10 ${bm.p(10):,.2f}, decile 10: 10 points."
    if band.kind == "aboveP99" or band.better is None or band.worse is None:
        return f"above p99 ${bm.p(99):,.2f}: {r.points_above_p99:g} point (floor, UNCONFIRMED)."
    d, lo, hi = band.decile, band.better, band.worse
    return (
        f"in decile {d} (${lo:,.2f}-${hi:,.2f}], lower is better: "
        f"{d} + ({hi:.2f} - {value:.2f})/({hi:.2f} - {lo:.2f}) = {d} + {hi - value:.2f}/{hi - lo:.2f} "
        f"= {points:.4f} points."
    )


def _not_scored(ctx: ScoringContext, reason: str, detail: str) -> CategoryResult:
    return CategoryResult(
        category="cost",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=None,
        not_scored_reason=reason,
        data_submitted=False,
        explanation=Node(name="cost", value=None, detail=detail, metadata={"notScoredReason": reason}),
        metadata={"measuresScored": [], "notScoredReason": reason},
    )
