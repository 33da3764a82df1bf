"""Quality measure achievement points (spec 4.2-4.6): one measurement -> points with an explanation.

Pure functions: the benchmark mapping (:func:`decile_points`), the rate and data-completeness arithmetic of
the Submissions API (:func:`performance_rate`, :func:`data_completeness`), multi-performance-rate measures by
their ``overallAlgorithm``, CAHPS for MIPS from its summary survey measures, and the floors and caps of 4.6.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from ..explain import FrozenData, Node
from ..models.submission import (
    CahpsValue,
    Measurement,
    MultiRateValue,
    NonProportionValue,
    SingleRateValue,
    StratumValue,
)
from ..reference import ReferenceData
from ..reference.models import Benchmark, Measure
from ..rules.quality import QualityRules
from ..scoring import ScoringContext

PERCENTILE_KEYS = (1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)

# status codes of a scored measurement (also in node metadata "status")
SCORED = "scored"
DC_FAILED = "dataCompletenessNotMet"
NO_BENCHMARK = "noBenchmark"
CASE_MINIMUM = "caseMinimumNotMet"
NO_RATE = "noPerformanceRate"
SUPPRESSED = "suppressed"
UNKNOWN = "unknownMeasure"
NOT_ALLOWED = "notAllowed"


@functools.lru_cache(maxsize=8192)
def _fmt(x: float) -> str:
    """A number as a quality manager reads it: up to 4 decimals, no trailing zeros.

    Cached: most calls format the same benchmark percentiles and point values entity after entity (four
    in five hit, issue 15); equal numbers (7 and 7.0) format the same, so one entry serves both."""
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


# --------------------------------------------------------------------------------------------------
# Benchmark mapping (spec 4.4.3)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DecilePlacement:
    """Where a rate falls on a benchmark row: points, decile (0 = outside p1/p99) and the band used."""

    points: float
    decile: int
    lower: float | None
    upper: float | None
    detail: str


def benchmark_problem(benchmark: Benchmark) -> str | None:
    """Why a benchmark row cannot be used (missing percentile keys or values not ascending), else None.

    Computed once per row (see :func:`_benchmark_text`): rows are frozen reference data."""
    return _benchmark_text(benchmark)[2]


def _benchmark_problem(benchmark: Benchmark) -> str | None:
    missing = [k for k in PERCENTILE_KEYS if k not in benchmark.percentiles]
    if missing:
        return (
            f"benchmark row {benchmark.measure_id}/{benchmark.submission_method} lacks percentiles {missing}"
        )
    values = [benchmark.percentiles[k] for k in PERCENTILE_KEYS]
    if any(b < a for a, b in zip(values, values[1:], strict=False)):  # noqa: RUF007
        row = f"{benchmark.measure_id}/{benchmark.submission_method}"
        return f"benchmark row {row} percentiles are not ascending"
    return None


def place_rate(rate: float, benchmark: Benchmark, outside_points: float = 1.0) -> DecilePlacement:
    """Spec 4.4.3: direct ``[p_lo, p_hi)`` bands, inverse ``(p_better, p_worse]`` bands; boundaries go to the
    better decile; empty deciles (equal consecutive percentiles) hold no rate; outside p1/p99 earns
    ``outside_points``. Partial points interpolate linearly inside the decile."""
    p = benchmark.percentiles
    if not benchmark.is_inverse:
        if rate >= p[90]:
            return DecilePlacement(
                10.0, 10, p[90], None, f"Rate {_fmt(rate)} >= p90 {_fmt(p[90])}: decile 10 = 10"
            )
        if rate < p[1]:
            return DecilePlacement(
                outside_points,
                0,
                None,
                p[1],
                f"Rate {_fmt(rate)} is below p1 {_fmt(p[1])} (no published decile): "
                f"{_fmt(outside_points)} point",
            )
        lows = [p[1]] + [p[10 * d] for d in range(1, 10)]  # lower bound of decile d at index d-1
        for d in range(9, 0, -1):
            lo, hi = lows[d - 1], lows[d]
            if hi > lo and lo <= rate < hi:
                pts = d + (rate - lo) / (hi - lo)
                return DecilePlacement(
                    pts,
                    d,
                    lo,
                    hi,
                    f"Rate {_fmt(rate)} is in decile {d} ({_fmt(lo)}-{_fmt(hi)}): "
                    f"{d} + ({_fmt(rate)} - {_fmt(lo)})/({_fmt(hi)} - {_fmt(lo)}) = {_fmt(pts)}",
                )
    else:
        if rate <= p[10]:
            return DecilePlacement(
                10.0, 10, None, p[10], f"Rate {_fmt(rate)} <= p10 {_fmt(p[10])} (inverse): decile 10 = 10"
            )
        if rate > p[99]:
            return DecilePlacement(
                outside_points,
                0,
                p[99],
                None,
                f"Rate {_fmt(rate)} is above p99 {_fmt(p[99])} (inverse, no published decile): "
                f"{_fmt(outside_points)} point",
            )
        bands = [(11 - k, p[10 * (k - 1)], p[10 * k]) for k in range(2, 10)] + [(1, p[90], p[99])]
        for d, better, worse in bands:
            if worse > better and better < rate <= worse:
                pts = d + (worse - rate) / (worse - better)
                return DecilePlacement(
                    pts,
                    d,
                    better,
                    worse,
                    f"Rate {_fmt(rate)} is in decile {d} (inverse, {_fmt(better)}-{_fmt(worse)}): "
                    f"{d} + ({_fmt(worse)} - {_fmt(rate)})/({_fmt(worse)} - {_fmt(better)}) = {_fmt(pts)}",
                )
    # unreachable for an ascending row; kept so a malformed row never raises
    return DecilePlacement(outside_points, 0, None, None, f"Rate {_fmt(rate)} fits no decile of this row")


def place_cost_style(value: float, benchmark: Benchmark, above_p99_points: float) -> DecilePlacement:
    """The cost-style placement (spec 7.2): always lower-is-better on the median/SD ladder (median
    (p30 + p40) / 2 earns 7.5), above p99 ``above_p99_points``. Serves cost measures (every year) and
    administrative-claims quality measures from PY2025 (rules-2025-2026 §4.7): the one placement function
    :func:`place_rate`, on the row read as inverse."""
    row = benchmark if benchmark.is_inverse else benchmark.model_copy(update={"is_inverse": True})
    return place_rate(value, row, above_p99_points)


def decile_points(rate: float, benchmark: Benchmark) -> float:
    """Achievement points 1-10 for ``rate`` on ``benchmark`` (spec 4.4.3, direct and inverse mapping).

    Rates outside [p1, p99] (below p1 direct, above p99 inverse) earn 1.0 (spec 4.4.3, UNCONFIRMED #16).
    No cap or floor is applied here (the 7-point topped-out cap and new-measure floors are quality rules).
    Reused by the cost category for cost measures (inverse rows).
    """
    return place_rate(rate, benchmark).points


# --------------------------------------------------------------------------------------------------
# Rates (spec 4.2)
# --------------------------------------------------------------------------------------------------
def _single_rate(v: SingleRateValue) -> float | None:
    den = v.performance_met + v.performance_not_met
    return None if den == 0 else v.performance_met / den * 100.0


def _single_dc(v: SingleRateValue) -> float | None:
    if v.eligible_population == 0:
        return None
    done = (
        v.performance_met
        + v.performance_not_met
        + v.eligible_population_exclusion
        + v.eligible_population_exception
    )
    return done / v.eligible_population * 100.0


def performance_rate(value: Any) -> float | None:
    """Performance rate 0-100 of a quality measurement value (spec 4.2, Submissions API ``performanceRate``).

    Single rate: met / (met + notMet) x 100 (exclusions and exceptions leave the denominator); None when
    met + notMet = 0. Multi rate without a measure: pooled over strata (sum met / sum (met + notMet)).
    Non-proportion: the submitted numerator (observed value; UNCONFIRMED). CAHPS SSM: its submitted rate.
    Anything else (booleans, PI proportions): None.
    """
    if isinstance(value, SingleRateValue):
        return _single_rate(value)
    if isinstance(value, MultiRateValue):
        met = sum(s.performance_met for s in value.strata)
        den = sum(s.performance_met + s.performance_not_met for s in value.strata)
        return None if den == 0 else met / den * 100.0
    if isinstance(value, NonProportionValue):
        return float(value.numerator)
    if isinstance(value, CahpsValue):
        return value.performance_rate
    return None


def data_completeness(value: Any) -> float | None:
    """Data completeness (``reportingRate``) 0-100 of a quality measurement value (spec 4.2).

    Single rate: (met + exclusion + exception + notMet) / eligiblePopulation x 100; multi rate: the same
    summed over strata; non-proportion: (observationInstances + denominatorException + numeratorExclusion)
    / denominator x 100. None when the eligible population (denominator) is 0 or the value has no DC.
    """
    if isinstance(value, SingleRateValue):
        return _single_dc(value)
    if isinstance(value, MultiRateValue):
        elig = sum(s.eligible_population for s in value.strata)
        if elig == 0:
            return None
        done = sum(
            s.performance_met
            + s.performance_not_met
            + s.eligible_population_exclusion
            + s.eligible_population_exception
            for s in value.strata
        )
        return done / elig * 100.0
    if isinstance(value, NonProportionValue):
        if value.denominator == 0:
            return None
        done = value.observation_instances + value.denominator_exception + value.numerator_exclusion
        return done / value.denominator * 100.0
    return None


@dataclass
class RateInputs:
    """What a measurement gives the scorer: rate, DC, case count, or the reason it gives none."""

    rate: float | None
    dc: float | None
    cases: int | None
    detail: str
    problem: str | None = None
    warnings: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def _case_count(v: SingleRateValue, measure: Measure) -> int:
    """Spec 4.2: caseCount = eligiblePopulation, minus exclusions for registry (QCDR) single-rate measures."""
    if measure.metric_type and measure.metric_type.startswith("registry"):
        return max(0, v.eligible_population - v.eligible_population_exclusion)
    return v.eligible_population


def _single_inputs(v: SingleRateValue, measure: Measure, rules: QualityRules, label: str = "") -> RateInputs:
    rate = _single_rate(v)
    dc = _single_dc(v)
    cases = _case_count(v, measure)
    den = v.performance_met + v.performance_not_met
    meta: dict[str, Any] = {
        "performanceNumerator": v.performance_met,
        "performanceDenominator": den,
        "eligiblePopulation": v.eligible_population,
        "eligiblePopulationExclusion": v.eligible_population_exclusion,
        "eligiblePopulationException": v.eligible_population_exception,
    }
    warnings: list[str] = []
    if (
        v.performance_rate is not None
        and rate is not None
        and abs(v.performance_rate - rate) > (rules.submitted_rate_tolerance)
    ):
        warnings.append(
            f"Submitted performanceRate {_fmt(v.performance_rate)} differs from met/(met + not met) = "
            f"{_fmt(rate)}; the rate computed from the counts is scored"
        )
    problem = None
    if v.eligible_population == 0:
        problem = f"{label}eligible population is 0: data completeness cannot be computed"
    elif rate is None:
        problem = (
            f"{label}performance met + not met = 0 (every case is an exclusion or exception): "
            "no performance rate"
        )
    detail = (
        f"{label}Rate {v.performance_met}/{den} = {_fmt(rate)}%" if rate is not None else f"{label}No rate"
    )
    if dc is not None:
        done = dc * v.eligible_population / 100.0
        detail += f"; data completeness {_fmt(done)}/{v.eligible_population} = {_fmt(dc)}%"
    return RateInputs(rate, dc, cases, detail, problem, warnings, meta)


def _multi_inputs(v: MultiRateValue, measure: Measure, rules: QualityRules) -> RateInputs:
    """Spec 4.2: a multi-rate measure is scored on the rate its ``overallAlgorithm`` selects (UNCONFIRMED)."""
    algo = measure.overall_algorithm
    expected = [s.name for s in measure.strata if s.name]
    given: dict[str, StratumValue] = {s.stratum: s for s in v.strata}
    submitted_names = ", ".join(sorted(given)) or "none"

    def one(names: tuple[str, ...], why: str) -> RateInputs:
        target = next((n for n in names if n in expected), None) if expected else None
        if target is None:
            target = next((n for n in names if n in given), None)
        if target is None or target not in given:
            want = target or " / ".join(names)
            return RateInputs(
                None,
                None,
                None,
                f"Algorithm {algo}: scored stratum '{want}' missing",
                problem=(
                    f"multi-rate measure {measure.measure_id} ({algo}) is scored on stratum "
                    f"'{want}' ({why}), "
                    f"which was not submitted (submitted strata: {submitted_names})"
                ),
            )
        res = _single_inputs(given[target], measure, rules, label=f"Stratum '{target}' ({algo}, {why}): ")
        res.metadata["scoredStratum"] = target
        return res

    if algo == "overallStratumOnly":
        return one(rules.overall_stratum_names, "overallStratumOnly scores the overall stratum")
    if algo == "split":
        return one(rules.split_scored_strata, "split: the combined rate is benchmarked, UNCONFIRMED")
    if algo in ("simpleAverage", "weightedAverage", "sumNumerators"):
        missing = [n for n in expected if n not in given]
        if missing:
            return RateInputs(
                None,
                None,
                None,
                f"Algorithm {algo}: strata missing",
                problem=(
                    f"multi-rate measure {measure.measure_id} ({algo}) needs every stratum; missing: "
                    f"{', '.join(missing)} (submitted strata: {submitted_names})"
                ),
            )
        used = [given[n] for n in expected] if expected else list(v.strata)
        parts = [
            (s.stratum, _single_rate(s), s.performance_met, s.performance_met + s.performance_not_met)
            for s in used
        ]
        dc = data_completeness(MultiRateValue(strata=list(used)))
        cases = max(_case_count(s, measure) for s in used)
        meta: dict[str, Any] = {"strata": {n: r for n, r, _, _ in parts}, "algorithm": algo}
        if algo == "simpleAverage":
            rates = [
                r for _, r, _, _ in parts if r is not None or not rules.average_skips_zero_denominator_strata
            ]
            rates_f = [r for r in rates if r is not None]
            if not rates_f or len(rates_f) != len(rates):
                return RateInputs(
                    None,
                    dc,
                    cases,
                    "simpleAverage: no stratum has a rate",
                    problem=f"multi-rate measure {measure.measure_id}: every stratum has met + "
                    "not met = 0, no performance rate",
                    metadata=meta,
                )
            rate = sum(rates_f) / len(rates_f)
            detail = (
                f"simpleAverage of strata rates ({', '.join(_fmt(r) for r in rates_f)}) = {_fmt(rate)}%"
                " (formula UNCONFIRMED)"
            )
        else:
            met = sum(m for _, _, m, _ in parts)
            den = sum(d for _, _, _, d in parts)
            if den == 0:
                return RateInputs(
                    None,
                    dc,
                    cases,
                    f"{algo}: zero denominator",
                    problem=f"multi-rate measure {measure.measure_id}: met + not met = 0 in every "
                    "stratum, no performance rate",
                    metadata=meta,
                )
            rate = met / den * 100.0
            detail = f"{algo}: summed met {met} / summed (met + not met) {den} = {_fmt(rate)}%"
            detail += " (formula UNCONFIRMED)"
        problem = None if dc is not None else "eligible population is 0 in every stratum"
        if dc is not None:
            detail += f"; data completeness over strata {_fmt(dc)}%; case count = largest stratum {cases}"
        return RateInputs(rate, dc, cases, detail, problem, metadata=meta)
    if algo is None and len(v.strata) == 1:
        s = v.strata[0]
        return _single_inputs(s, measure, rules, label=f"Single stratum '{s.stratum}': ")
    return RateInputs(
        None,
        None,
        None,
        f"Unsupported overallAlgorithm {algo}",
        problem=f"measure {measure.measure_id} was submitted with strata but its overallAlgorithm is "
        f"{algo!r}, which this engine cannot combine",
    )


def rate_inputs(value: Any, measure: Measure, rules: QualityRules) -> RateInputs:
    """Rate, DC and case count of a quality measurement value, or the specific reason there are none."""
    if isinstance(value, SingleRateValue):
        res = _single_inputs(value, measure, rules)
        if measure.overall_algorithm:
            res.detail = (
                f"Single rate submitted for multi-rate measure ({measure.overall_algorithm}); " + res.detail
            )
        return res
    if isinstance(value, MultiRateValue):
        return _multi_inputs(value, measure, rules)
    if isinstance(value, NonProportionValue):
        rate = (
            performance_rate(value)
            if rules.non_proportion_rate_source == "numerator"
            else (None if value.denominator == 0 else value.numerator / value.denominator * 100.0)
        )
        dc = data_completeness(value)
        cases = value.denominator - value.numerator_exclusion
        problem = (
            None
            if dc is not None
            else "non-proportion denominator is 0: data completeness cannot be computed"
        )
        if rate is not None and not math.isfinite(rate):
            # schema-valid (JSON NaN/Infinity) but not a rate: NaN fits no decile and +-inf would read as
            # the best or the worst decile, so the measure has no performance rate
            dc_text = f"; data completeness {_fmt(dc)}%" if dc is not None else ""
            return RateInputs(
                None,
                dc,
                max(0, cases),
                f"Non-proportion numerator {value.numerator!r} is not a finite number{dc_text}",
                problem or "the numerator is not a finite number, so there is no performance rate",
            )
        return RateInputs(
            rate,
            dc,
            max(0, cases),
            f"Non-proportion value {_fmt(rate or 0.0)} (numerator, UNCONFIRMED basis); data completeness "
            f"{_fmt(dc) if dc is not None else 'n/a'}%",
            problem,
        )
    kind = type(value).__name__ if not isinstance(value, bool) else "true/false"
    return RateInputs(
        None,
        None,
        None,
        "Not a quality value",
        problem=f"value of type {kind} cannot score quality measure {measure.measure_id} (expected "
        f"performanceMet/"
        "performanceNotMet/eligiblePopulation, strata, or a non-proportion value)",
    )


# --------------------------------------------------------------------------------------------------
# One measure (spec 4.6)
# --------------------------------------------------------------------------------------------------
@dataclass
class MeasureScore:
    """A scored measure/collection-type pair. ``points`` None: removed from numerator and denominator."""

    measure_id: str
    submission_method: str
    points: float | None
    status: str
    node: Node
    measure: Measure | None = None
    dc_met: bool = False
    #: True when the measure counts as "submitted" (for the bonus and the data_submitted flag)
    submitted: bool = True

    @property
    def is_outcome(self) -> bool:
        return self.measure is not None and self.measure.is_outcome

    @property
    def is_high_priority(self) -> bool:
        return self.measure is not None and (self.measure.is_high_priority or self.measure.is_outcome)


def failed_points(ctx: ScoringContext, rules: QualityRules) -> float:
    """Spec 4.6: 0 points, or 3 for small practices (DC fail, no benchmark, case minimum not met)."""
    return rules.small_practice_failed_measure_points if ctx.small_practice else rules.failed_measure_points


def _failed_why(ctx: ScoringContext, rules: QualityRules) -> str:
    pts = failed_points(ctx, rules)
    return f"{_fmt(pts)} points" + (" (small practice)" if ctx.small_practice else "")


def new_measure_floor(measure: Measure, ctx: ScoringContext, rules: QualityRules) -> float | None:
    """Spec 4.6: 7 points in a measure's first MIPS year, 5 in its second (from ``firstPerformanceYear``)."""
    if measure.first_performance_year is None:
        return None
    return rules.new_measure_floors.get(ctx.performance_year - measure.first_performance_year)


#: per benchmark row (by identity; the row is kept alive with its entry): its metadata, sentence and problem.
#: Rows are frozen reference data, so these are computed once instead of per scored measure (issue 15).
_BENCHMARK_TEXT: dict[int, tuple[Benchmark, FrozenData, str, str | None]] = {}
_BENCHMARK_TEXT_MAX = 20_000


def _benchmark_text(bm: Benchmark) -> tuple[FrozenData, str, str | None]:
    hit = _BENCHMARK_TEXT.get(id(bm))
    if hit is not None and hit[0] is bm:
        return hit[1], hit[2], hit[3]
    problem = _benchmark_problem(bm)
    meta = _benchmark_metadata(bm)
    sentence = _benchmark_sentence(bm)
    if len(_BENCHMARK_TEXT) >= _BENCHMARK_TEXT_MAX:
        _BENCHMARK_TEXT.clear()
    _BENCHMARK_TEXT[id(bm)] = (bm, meta, sentence, problem)
    return meta, sentence, problem


def benchmark_metadata(bm: Benchmark) -> FrozenData:
    """The benchmark row as node metadata: one read-only dict per row, shared by every node that shows
    it, so that its percentiles are rounded for the document once, not per scored measure (issue 15)."""
    return _benchmark_text(bm)[0]


def benchmark_sentence(bm: Benchmark) -> str:
    return _benchmark_text(bm)[1]


def _benchmark_metadata(bm: Benchmark) -> FrozenData:
    return FrozenData(
        {
            "benchmarkYear": bm.benchmark_year,
            "submissionMethod": bm.submission_method,
            "isInverse": bm.is_inverse,
            "isToppedOut": bm.is_topped_out,
            "isToppedOutByProgram": bm.is_topped_out_by_program,
            "percentiles": FrozenData({str(k): v for k, v in sorted(bm.percentiles.items())}),
        }
    )


def _benchmark_sentence(bm: Benchmark) -> str:
    kind = "performance-period" if bm.benchmark_year == bm.performance_year else "historical"
    pcts = ", ".join(f"p{k}={_fmt(v)}" for k, v in sorted(bm.percentiles.items()))
    return (
        f"Benchmark {bm.measure_id}/{bm.submission_method} ({kind}, benchmarkYear {bm.benchmark_year}"
        f"{', inverse' if bm.is_inverse else ''}): {pcts}"
    )


def topped_out_cap_applies(ctx: ScoringContext, rules: QualityRules) -> bool:
    """The 7-point topped-out cap applies in traditional MIPS and MVPs, not in the APP unless the year's
    rules say so (42 CFR 414.1367(c)(1)(ii): APP topped-out measures are not capped)."""
    return ctx.reporting_option != "app" or rules.app_topped_out_cap_applies


def cap_removed(measure: Measure | None, submission_method: str, rules: QualityRules) -> bool:
    """42 CFR 414.1380(b)(1)(ii)(E) from PY2025: measures impacted by limited measure choice are scored on a
    defined topped-out benchmark without the 7-point cap (measures-data ``sevenPointCapRemoved``)."""
    return (
        rules.topped_out_cap_removed_from_measures_data
        and measure is not None
        and submission_method in measure.seven_point_cap_removed
    )


def score_benchmarked(
    rate: float,
    bm: Benchmark,
    rules: QualityRules,
    floor: float | None,
    label: str,
    cap_applies: bool = True,
    no_cap: bool = False,
) -> tuple[float, list[str], dict[str, Any]]:
    """Points on a usable benchmark row: decile mapping, then the 7-point cap (unless ``no_cap``: the
    measure's cap is removed that year, or ``cap_applies`` is False: the APP), then a new-measure floor."""
    place = place_rate(rate, bm, rules.outside_p1_p99_points)
    pts = place.points
    lines = [place.detail]
    meta: dict[str, Any] = {
        "decile": place.decile,
        "decileScore": pts,
        "sevenPointCapApplied": False,
        "newMeasureFloorApplied": None,
    }
    if place.decile not in (0, 10) and place.lower is not None and place.upper is not None:
        meta["partialDecileScore"] = pts - place.decile
    if bm.is_topped_out and no_cap:
        lines.append(
            "Topped out, but the 7-point cap is removed for this measure and collection type "
            "(defined topped-out benchmark, sevenPointCapRemoved)"
        )
    elif bm.is_topped_out_by_program and not cap_applies:
        lines.append(
            "Topped out by program, but the APP does not apply the "
            f"{_fmt(rules.topped_out_cap)}-point cap (42 CFR 414.1367(c)(1)(ii))"
        )
        meta["toppedOutCapNotAppliedInApp"] = True
    elif bm.is_topped_out_by_program:
        if pts > rules.topped_out_cap:
            lines.append(
                f"Topped out by program (isToppedOutByProgram): capped at {_fmt(rules.topped_out_cap)}"
            )
            pts = rules.topped_out_cap
            meta["sevenPointCapApplied"] = True
        else:
            lines.append(f"Topped out by program: {_fmt(rules.topped_out_cap)}-point cap not binding")
    elif bm.is_topped_out:
        lines.append("isToppedOut but not isToppedOutByProgram: no cap")
    if floor is not None and pts < floor:
        lines.append(f"New measure ({label}): floor of {_fmt(floor)} points applied")
        pts = floor
        meta["newMeasureFloorApplied"] = floor
    return pts, lines, meta


def score_measurement(
    measurement: Measurement,
    submission_method: str,
    ctx: ScoringContext,
    ref: ReferenceData,
    rules: QualityRules,
) -> MeasureScore:
    """Spec 4.6: achievement points of one submitted quality measure via one collection type."""
    mid = measurement.measure_id
    node = Node(name=mid, metadata={"submissionMethod": submission_method})
    measure = ref.measure(mid)
    if measure is None or measure.category != "quality":
        node.detail = (
            f"Measure {mid} is not a {ctx.performance_year} MIPS quality measure (not in measures-data): "
            "not scored and not counted"
        )
        node.metadata["status"] = UNKNOWN
        return MeasureScore(mid, submission_method, None, UNKNOWN, node, None, submitted=False)
    node.metadata["measureTitle"] = measure.title
    node.metadata["measureType"] = measure.measure_type
    node.metadata["isHighPriority"] = measure.is_high_priority
    if rules.claims_small_practice_only and submission_method == "claims" and not ctx.small_practice:
        node.detail = (
            f"Measure {mid} via Medicare Part B claims: claims measures are for small practices "
            f"only; "
            "not counted"
        )
        node.metadata["status"] = NOT_ALLOWED
        return MeasureScore(mid, submission_method, None, NOT_ALLOWED, node, measure, submitted=False)

    exclusion = ref.benchmark_exclusion(mid, submission_method)
    if exclusion is not None and set(exclusion.reason_codes) & set(rules.suppressed_reason_codes):
        reasons = "; ".join(
            f"{c}: {d}" for c, d in zip(exclusion.reason_codes, exclusion.reason_descriptions, strict=False)
        )
        node.detail = (
            f"Measure {mid} via {submission_method} was suppressed by CMS ({reasons}): removed from "
            f"the numerator "
            "and the denominator"
        )
        node.metadata.update(status=SUPPRESSED, benchmarkExclusion=list(exclusion.reason_codes))
        return MeasureScore(mid, submission_method, None, SUPPRESSED, node, measure)

    inputs = rate_inputs(measurement.value, measure, rules)
    lines: list[str] = [inputs.detail, *inputs.warnings]
    node.metadata.update(inputs.metadata)
    node.metadata.update(performanceRate=inputs.rate, reportingRate=inputs.dc, caseCount=inputs.cases)
    fail = failed_points(ctx, rules)

    def done(points: float, status: str, dc_met: bool) -> MeasureScore:
        points = round(points, rules.measure_points_decimals)  # CMS sums 4-dp measure points (spec 0.3)
        node.value = points
        node.detail = ". ".join(line for line in lines if line)
        node.metadata["status"] = status
        node.metadata["dataCompletenessMet"] = dc_met
        return MeasureScore(mid, submission_method, points, status, node, measure, dc_met=dc_met)

    if inputs.problem is not None and inputs.dc is None:
        lines.append(f"Cannot score: {inputs.problem}; {_failed_why(ctx, rules)}")
        return done(fail, NO_RATE, False)

    assert inputs.dc is not None  # for mypy: handled above
    dc_met = (
        inputs.dc >= rules.data_completeness_threshold
        if rules.data_completeness_threshold_inclusive
        else inputs.dc > rules.data_completeness_threshold
    )
    floor = new_measure_floor(measure, ctx, rules)
    label = f"first performance year {measure.first_performance_year}"
    if not dc_met:
        pts = fail
        line = (
            f"Data completeness {_fmt(inputs.dc)}% is below {_fmt(rules.data_completeness_threshold)}%: "
            f"{_failed_why(ctx, rules)}"
        )
        if floor is not None and rules.new_measure_floor_when_dc_fails:
            pts = max(pts, floor)
            line += f"; new measure floor {_fmt(floor)}"
            node.metadata["newMeasureFloorApplied"] = floor
        elif floor is not None:
            line += " (the new-measure floor does not apply when data completeness fails)"
        lines.append(line)
        node.metadata["caseMinimumMet"] = None
        return done(pts, DC_FAILED, False)
    if inputs.problem is not None:
        lines.append(f"Cannot score: {inputs.problem}; {_failed_why(ctx, rules)}")
        return done(fail, NO_RATE, True)

    bm = ref.benchmark(mid, submission_method)
    bm_problem = benchmark_problem(bm) if bm is not None else None
    if bm is not None:
        node.metadata["benchmark"] = benchmark_metadata(bm)
        lines.append(benchmark_sentence(bm))
    case_met = inputs.cases is not None and inputs.cases >= rules.case_minimum
    node.metadata["caseMinimumMet"] = case_met
    if bm is None or bm_problem is not None:
        if bm_problem is not None:
            why = bm_problem
        elif exclusion is not None:
            why = (
                "CMS published no benchmark ("
                + "; ".join(
                    f"{c}: {d}"
                    for c, d in zip(exclusion.reason_codes, exclusion.reason_descriptions, strict=False)
                )
                + ")"
            )
        else:
            why = f"no benchmark exists for measure {mid} via {submission_method}"
        status = NO_BENCHMARK
    elif not case_met:
        why = f"case count {inputs.cases} is below the case minimum of {rules.case_minimum}"
        status = CASE_MINIMUM
    else:
        why = ""
        status = SCORED
    node.metadata["noBenchmarks"] = status == NO_BENCHMARK
    if status != SCORED:
        if floor is not None:
            lines.append(f"{why.capitalize()}: new measure ({label}) receives {_fmt(floor)} points")
            node.metadata["newMeasureFloorApplied"] = floor
            return done(floor, status, True)
        outcome = "not scorable in the APP" if ctx.reporting_option == "app" else _failed_why(ctx, rules)
        lines.append(f"{why[0].upper() + why[1:]}: {outcome}")
        return done(fail, status, True)
    assert bm is not None and inputs.rate is not None
    no_cap = cap_removed(measure, submission_method, rules)
    pts, more, meta = score_benchmarked(
        inputs.rate, bm, rules, floor, label, cap_applies=topped_out_cap_applies(ctx, rules), no_cap=no_cap
    )
    lines.extend(more)
    node.metadata.update(meta)
    return done(pts, SCORED, True)


def score_cahps(
    measurements: list[Measurement], ctx: ScoringContext, ref: ReferenceData, rules: QualityRules
) -> MeasureScore:
    """Spec 4.5: CAHPS for MIPS (321) = average of its summary survey measures' points (UNCONFIRMED).

    The survey has no data completeness or 20-case minimum (survey sample rules): each SSM with a benchmark
    row is scored 1-10; SSMs without a row (e.g. CAHPS_7) are listed and skipped.
    """
    mid = rules.cahps_measure_id
    method = rules.cahps_submission_method
    measure = ref.measure(mid)
    node = Node(
        name=mid, metadata={"submissionMethod": method, "measureTitle": measure.title if measure else ""}
    )
    pts_list: list[float] = []
    for m in measurements:
        sub = Node(name=m.measure_id)
        rate = performance_rate(m.value) if isinstance(m.value, CahpsValue | SingleRateValue) else None
        bm = ref.benchmark(m.measure_id, method)
        if rate is None:
            sub.detail = f"{m.measure_id}: no survey score submitted ({{performanceRate}} expected); skipped"
        elif bm is None or benchmark_problem(bm) is not None:
            sub.detail = (
                f"{m.measure_id}: score {_fmt(rate)} has no benchmark row; not part of the CAHPS average"
            )
        else:
            place = place_rate(rate, bm, rules.outside_p1_p99_points)
            sub.value = place.points
            sub.detail = f"{m.measure_id}: {place.detail}. {benchmark_sentence(bm)}"
            sub.metadata = {
                "performanceRate": rate,
                "decile": place.decile,
                "benchmark": benchmark_metadata(bm),
            }
            pts_list.append(place.points)
        node.parts.append(sub)
    node.metadata["dataCompletenessMet"] = True
    if not pts_list:
        pts = failed_points(ctx, rules)
        node.value = pts
        node.detail = (
            f"CAHPS for MIPS: no summary survey measure has a benchmark and a score; "
            f"{_failed_why(ctx, rules)}"
        )
        node.metadata["status"] = NO_BENCHMARK
        return MeasureScore(mid, method, pts, NO_BENCHMARK, node, measure, dc_met=True)
    avg = round(sum(pts_list) / len(pts_list), rules.measure_points_decimals)
    node.value = avg
    node.detail = (
        f"CAHPS for MIPS = average of {len(pts_list)} summary survey measure points "
        f"({' + '.join(_fmt(p) for p in pts_list)})/{len(pts_list)} = {_fmt(avg)} (spec 4.5, UNCONFIRMED)"
    )
    node.metadata["status"] = SCORED
    return MeasureScore(mid, method, avg, SCORED, node, measure, dc_met=True)
