"""Promoting Interoperability (PI) performance category score (spec section 6).

``score_pi`` scores the PI measurement sets of ONE reporting option and keeps the highest. For each set:

1. the gates of spec 6.1 (CEHRT id, >= 180 continuous days within the year, PI_INFBLO_1 / PI_PPHI_1 /
   PI_PPHI_2 "yes", PI_ONCDIR_1 answered, every required measure reported or excluded, numerator >= 1,
   valid values, active-engagement level for public health). A failed gate scores the category **0**:
   it is a scored category, never reweighted (spec 3.0);
2. the exclusions claimed and where their points go (spec 6.4, a table in ``PiRules``);
3. the points of every measure (spec 6.2/6.3): proportion measures ``rate x max points`` rounded to a
   whole number, yes/no measures full points for "yes"; the HIE objective scored for every complete
   option and the best one kept; the public-health pair; the +5 bonus; the 100 cap.

Pure: no I/O. Reference metadata (objective, exclusion ids, metric type, titles) comes from
``ReferenceData.pi_measure``; every number that changes by year from ``rules.pi``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from ..explain import Node
from ..models.submission import MeasurementSet, MeasurementValue, ProportionValue
from ..reference import ReferenceData
from ..rules import YearRules
from ..rules.pi import HIE_OPTION_TARGET, PUBLIC_HEALTH_SLOT, PiRules
from ..scoring import CategoryResult, ScoringContext

NO_DATA_DETAIL = "No Promoting Interoperability data submitted: scored 0 unless reweighted"

_OBJECTIVE_TITLES = {
    "electronicPrescribing": "e-Prescribing",
    "healthInformationExchange": "Health Information Exchange",
    "providerToPatientExchange": "Provider to Patient Exchange",
    "publicHealthAndClinicalDataExchange": "Public Health and Clinical Data Exchange",
}

_GATE_TITLES = {
    "cehrtId": "CMS EHR Certification ID provided",
    "performancePeriod": "Continuous performance period of the minimum length within the year",
    "requiredMeasures": "Every required measure reported or its exclusion claimed",
    "validValues": "Measure values of the expected type (true/false or numerator <= denominator)",
    "minimumNumerator": "Numerator of at least the minimum for each proportion measure",
    "activeEngagementLevel": "Active-engagement level reported for each public-health measure answered yes",
    "requiredAnsweredYes": "Every required yes/no measure answered yes",
}


# --------------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8192)
def _fmt(x: float | Fraction | int) -> str:
    """A number as a person writes it: 9, 12.75, 0.3333 (at most 4 decimals).

    Cached (about 35 calls per entity, mostly the same point values and maxima entity after entity,
    issue 15): equal numbers (``25``, ``25.0``, ``Fraction(25)``) have one float value, so one entry
    serves them all."""
    f = float(x)
    if f == int(f):
        return str(int(f))
    return f"{f:.4f}".rstrip("0").rstrip(".")


def _round_points(raw: Fraction, mode: str) -> float:
    """Whole-number rounding of measure points (spec 6.3); the mode is a rules parameter."""
    if mode == "half_up":
        return float(math.floor(raw + Fraction(1, 2)))
    if mode == "half_even":
        return float(round(raw))
    return float(raw)


def _describe(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, ProportionValue):
        return f"{v.numerator}/{v.denominator}"
    return type(v).__name__


def _yes_no(v: Any) -> str:
    return "yes" if v is True else "no"


def _period_days(ms: MeasurementSet, year: int) -> tuple[int | None, str | None]:
    """Days of the performance period inside the year, counting both ends (Jan 1-Jun 28 2024 = 180)."""
    start, end = ms.performance_start, ms.performance_end
    if start is None or end is None:
        return None, "performance period start and end dates are missing"
    if end < start:
        return None, f"performance period ends ({end}) before it starts ({start})"
    s, e = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
    days = (e - s).days + 1 if e >= s else 0
    note = None
    if (s, e) != (start, end):
        note = f"only the {days} days of {start}..{end} inside {year} count"
    return days, note


@dataclass
class _Gate:
    key: str
    passed: bool
    detail: str


@dataclass
class _MeasureScore:
    measure_id: str
    objective: str
    points: float
    detail: str
    status: str  # PICKED | EXCLUDED | NOT_REPORTED | ZERO | NOT_USED | INVALID | BONUS
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class _HieStatus:
    complete: list[tuple[str, ...]] = field(default_factory=list)
    usable: list[tuple[str, ...]] = field(default_factory=list)
    issues: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)


@dataclass
class _OptionScore:
    option: tuple[str, ...]
    measures: list[_MeasureScore]
    bonus: list[_MeasureScore]
    moves: list[str]
    bonus_points: float
    public_health_points: float

    @property
    def total(self) -> float:
        return sum(m.points for m in self.measures) + self.bonus_points


@dataclass
class _SetScore:
    index: int
    ms: MeasurementSet
    gates: list[_Gate]
    option: _OptionScore
    other_options: list[tuple[tuple[str, ...], str]]
    extra_nodes: list[Node]
    warnings: list[str]
    rejected: list[str]
    exclusions_claimed: dict[str, list[str]]
    period_days: int | None
    has_cehrt: bool
    cap: float

    @property
    def gates_met(self) -> bool:
        return all(g.passed for g in self.gates)

    @property
    def points(self) -> float:
        return self.option.total if self.gates_met else 0.0

    @property
    def score(self) -> float:
        return min(self.cap, self.points)


# --------------------------------------------------------------------------------------------------
# one measurement set
# --------------------------------------------------------------------------------------------------
class _SetScorer:
    """Scores one PI measurement set (gates, exclusions, HIE options, public health, bonus)."""

    def __init__(self, ms: MeasurementSet, index: int, ref: ReferenceData, rules: YearRules) -> None:
        self.ms, self.index, self.ref, self.r = ms, index, ref, rules.pi
        self.year = rules.performance_year
        self.values: dict[str, MeasurementValue] = {}
        self.warnings: list[str] = []
        self.rejected: list[str] = []
        self.extra: list[Node] = []
        self.excluded: set[str] = set()
        self.claimed: dict[str, list[str]] = {}  # measure -> exclusion ids claimed (honoured)
        self.implied: dict[str, str] = {}  # measure -> measure whose exclusion implies it
        self.period_days: int | None = None
        self._read_measurements()
        self._read_exclusions()

    # -- reference helpers ----------------------------------------------------------------------
    def _objective(self, mid: str) -> str:
        m = self.ref.pi_measure(mid)
        return (m.objective if m is not None else None) or "other"

    def _title(self, mid: str) -> str:
        m = self.ref.pi_measure(mid)
        return m.title.split("\n")[0].strip() if m is not None and m.title else mid

    def _is_proportion(self, mid: str) -> bool:
        m = self.ref.pi_measure(mid)
        if m is not None and m.metric_type:
            return m.metric_type == "proportion"
        return isinstance(self.values.get(mid), ProportionValue)

    def _exclusion_ids(self, mid: str) -> tuple[str, ...]:
        m = self.ref.pi_measure(mid)
        return m.exclusion if m is not None else ()

    def _level_ids(self, mid: str) -> list[str]:
        return [mid + s for s in self.r.engagement_level_suffixes]

    def _level(self, mid: str) -> str | None:
        """The active-engagement level reported "yes" for a public-health measure (e.g. ``PROD``)."""
        for lid in self._level_ids(mid):
            if self.values.get(lid) is True:
                return lid[len(mid) + 1 :]
        return None

    @property
    def _scored_ids(self) -> list[str]:
        return [*self.r.measure_max_points, *self.r.public_health_measures]

    @property
    def _hie_ids(self) -> set[str]:
        return {m for opt in self.r.hie_options for m in opt}

    # -- input -----------------------------------------------------------------------------------
    def _read_measurements(self) -> None:
        for m in self.ms.measurements:
            mid = m.measure_id.strip()
            if self.ref.pi_measure(mid) is None:
                msg = f"{mid} is not a {self.year} Promoting Interoperability measure: rejected, not scored"
                self.rejected.append(mid)
                self.extra.append(
                    Node(name=mid, value=None, detail=msg, metadata={"processingStatus": "REJECTED"})
                )
                continue
            if mid in self.values:
                self.warnings.append(f"{mid} is reported more than once; the first value is used")
                continue
            self.values[mid] = m.value

    def _read_exclusions(self) -> None:
        """Which exclusions are claimed (true) and honoured; flags an exclusion sent with its measure."""
        for mid in self._scored_ids:
            claimed: list[str] = []
            for xid in self._exclusion_ids(mid):
                if xid not in self.values:
                    continue
                v = self.values[xid]
                if v is True:
                    claimed.append(xid)
                elif not isinstance(v, bool):
                    self.warnings.append(f"exclusion {xid} needs true/false, got {_describe(v)}: ignored")
            if not claimed:
                continue
            if mid in self.values:
                keep = self.r.exclusion_with_measure_policy
                self.warnings.append(
                    f"Exclusion {', '.join(claimed)} was submitted together with the measure it excludes, "
                    f"{mid} "
                    f"(they have opposite meanings): the "
                    + (
                        "reported measure is scored and the exclusion ignored"
                        if keep == "measure"
                        else "exclusion is honoured and the reported measure ignored"
                    )
                )
                if keep == "measure":
                    continue
            self.claimed[mid] = claimed
            self.excluded.add(mid)
        for mid in sorted(self.excluded):
            for other in self.r.excluded_together.get(mid, ()):
                if other in self.excluded:
                    continue
                if other in self.values and self.r.exclusion_with_measure_policy == "measure":
                    self.warnings.append(
                        f"{other} is reported although the exclusion of {mid} also excludes it: "
                        f"{other} is scored"
                    )
                    continue
                self.excluded.add(other)
                self.implied[other] = mid

    # -- gates (spec 6.1) ------------------------------------------------------------------------
    def _problem(self, mid: str) -> tuple[str, str] | None:
        """Why a reported (not excluded) required measure fails a gate, if it does."""
        v = self.values[mid]
        if self._is_proportion(mid):
            if not isinstance(v, ProportionValue):
                return "validValues", f"{mid} needs {{numerator, denominator}}, got {_describe(v)}"
            if v.denominator == 0:
                return "validValues", f"{mid} has denominator 0"
            if v.numerator > v.denominator:
                return "validValues", f"{mid} numerator {v.numerator} exceeds denominator {v.denominator}"
            if v.numerator < self.r.min_numerator:
                return "minimumNumerator", (
                    f"{mid} numerator is {v.numerator}; at least {self.r.min_numerator} is required"
                )
            return None
        if not isinstance(v, bool):
            return "validValues", f"{mid} needs true/false, got {_describe(v)}"
        if v is False and self.r.no_on_required_fails_category:
            return "requiredAnsweredYes", f"{mid} ({self._title(mid)}) answered no"
        if (
            v is True
            and mid in self.r.public_health_measures
            and mid not in self.r.suppressed_measures
            and self.r.engagement_level_gate
            and self._level(mid) is None
        ):
            levels = " or ".join(self._level_ids(mid))
            return (
                "activeEngagementLevel",
                f"{mid} answered yes without its active-engagement level ({levels})",
            )
        return None

    def _hie_option_status(self) -> _HieStatus:
        """Complete HIE options (every measure reported or excluded), usable ones, and why others are not."""
        st = _HieStatus()
        for opt in self.r.hie_options:
            missing = [m for m in opt if m not in self.values and m not in self.excluded]
            if missing:
                st.issues[opt] = [("requiredMeasures", f"{', '.join(missing)} not reported")]
                continue
            st.complete.append(opt)
            probs = [p for m in opt if m not in self.excluded and (p := self._problem(m)) is not None]
            if probs:
                st.issues[opt] = probs
            else:
                st.usable.append(opt)
        return st

    def _gates(self, hie: _HieStatus) -> list[_Gate]:
        r = self.r
        gates: list[_Gate] = []
        cehrt = bool(self.ms.cehrt_id and self.ms.cehrt_id.strip())
        gates.append(
            _Gate(
                "cehrtId",
                cehrt or not r.require_cehrt_id,
                f"CEHRT ID {self.ms.cehrt_id.strip()} provided"
                if cehrt and self.ms.cehrt_id
                else "No CMS EHR Certification ID (cehrtId) provided: required to earn a PI score",
            )
        )
        days, note = _period_days(self.ms, self.year)
        self.period_days = days
        if days is None:
            gates.append(_Gate("performancePeriod", False, f"The {note}"))
        else:
            ok = days >= r.min_performance_period_days
            detail = (
                f"Performance period {self.ms.performance_start} to {self.ms.performance_end}: {days} "
                f"continuous days in {self.year} "
                + (
                    f">= {r.min_performance_period_days} required"
                    if ok
                    else f"< {r.min_performance_period_days} required"
                )
            )
            if note:
                detail += f" ({note})"
            gates.append(_Gate("performancePeriod", ok, detail))
        for mid in r.gate_yes_attestations:
            v = self.values.get(mid)
            title = self._title(mid)
            if v is True:
                gates.append(_Gate(mid, True, f"{title}: answered yes"))
            elif v is False:
                gates.append(_Gate(mid, False, f"{title}: answered no; a yes is required to earn a PI score"))
            elif v is None:
                gates.append(
                    _Gate(mid, False, f"{title}: not reported; a yes is required to earn a PI score")
                )
            else:
                gates.append(_Gate(mid, False, f"{title}: needs true/false, got {_describe(v)}"))
        for mid in r.gate_answered_attestations:
            v = self.values.get(mid)
            title = self._title(mid)
            if isinstance(v, bool):
                gates.append(_Gate(mid, True, f"{title}: answered {_yes_no(v)} (yes or no both accepted)"))
            elif v is None:
                gates.append(_Gate(mid, False, f"{title}: not reported; a yes or no answer is required"))
            else:
                gates.append(_Gate(mid, False, f"{title}: needs true/false, got {_describe(v)}"))

        problems: dict[str, list[str]] = {
            k: []
            for k in (
                "requiredMeasures",
                "validValues",
                "minimumNumerator",
                "activeEngagementLevel",
                "requiredAnsweredYes",
            )
        }
        for mid in r.required_measures:
            if mid in self.excluded:
                continue
            if mid not in self.values:
                excl = self._exclusion_ids(mid)
                problems["requiredMeasures"].append(
                    f"{mid} ({self._title(mid)}) not reported"
                    + (f" and no exclusion ({', '.join(excl)}) claimed" if excl else "")
                )
            elif (p := self._problem(mid)) is not None:
                problems[p[0]].append(p[1])
        if not hie.usable:
            if not hie.complete:
                options = ", or ".join(" and ".join(opt) for opt in r.hie_options)
                partial = [
                    f"{' + '.join(opt)}: {hie.issues[opt][0][1]}"
                    for opt in r.hie_options
                    if len(opt) > 1 and any(m in self.values or m in self.excluded for m in opt)
                ]
                problems["requiredMeasures"].append(
                    f"Health Information Exchange objective not reported: report {options} "
                    f"(or claim the exclusions of PI_HIE_1/PI_HIE_4)"
                    + (f" ({'; '.join(partial)})" if partial else "")
                )
            else:
                for opt in hie.complete:
                    for gate, msg in hie.issues[opt]:
                        problems[gate].append(msg)
        for key, msgs in problems.items():
            if key == "requiredAnsweredYes" and not r.no_on_required_fails_category:
                continue
            if key == "activeEngagementLevel" and not r.engagement_level_gate:
                continue
            if msgs:
                gates.append(_Gate(key, False, "; ".join(msgs)))
            else:
                gates.append(_Gate(key, True, _GATE_TITLES[key] + ": met"))
        return gates

    # -- points (spec 6.2-6.4) -------------------------------------------------------------------
    def _redistribute(self, option: tuple[str, ...]) -> tuple[dict[str, float], list[str], dict[str, str]]:
        """Maximum points per measure after the exclusion redistribution table (spec 6.4)."""
        r = self.r
        hie_ids = self._hie_ids
        used = [m for m in r.measure_max_points if m not in hie_ids] + list(option)
        maxes: dict[str, float] = {m: float(r.measure_max_points[m]) for m in used}
        maxes[PUBLIC_HEALTH_SLOT] = float(r.public_health_points)
        slots = {m for m in used if m in self.excluded}
        if all(m in self.excluded for m in r.public_health_measures):
            slots.add(PUBLIC_HEALTH_SLOT)
        moves: list[str] = []
        where: dict[str, str] = {}
        processed: set[str] = set()

        def targets_of(key: str) -> list[str]:
            out: list[str] = []
            for t in r.exclusion_redistribution.get(key, ()):
                out.extend(option if t == HIE_OPTION_TARGET else (t,))
            return out

        def give(target: str, pts: float, depth: int = 0) -> None:
            if target in processed and depth < 10:
                onward = targets_of(target)
                for t in onward:
                    give(t, pts / len(onward), depth + 1)
                return
            maxes[target] = maxes.get(target, 0.0) + pts

        for key in r.exclusion_redistribution:
            if key not in slots:
                continue
            pts = maxes.get(key, 0.0)
            maxes[key] = 0.0
            processed.add(key)
            tgts = targets_of(key)
            if not tgts or pts == 0:
                continue
            for t in tgts:
                give(t, pts / len(tgts))
            label = "both public-health measures" if key == PUBLIC_HEALTH_SLOT else key
            each = f"{_fmt(pts / len(tgts))} each to " if len(tgts) > 1 else "to "
            sentence = f"{label} excluded: its {_fmt(pts)} points go {each}{' and '.join(tgts)}"
            moves.append(sentence)
            where[key] = sentence
        for key in slots - processed:
            if maxes.get(key):
                sentence = (
                    f"{key} excluded: no redistribution rule, its {_fmt(maxes[key])} points are not available"
                )
                moves.append(sentence)
                where[key] = sentence
        return maxes, moves, where

    def _excluded_detail(self, mid: str, where: dict[str, str]) -> str:
        if mid in self.implied:
            why = f"excluded because the exclusion of {self.implied[mid]} is claimed"
        else:
            why = f"exclusion {', '.join(self.claimed.get(mid, []))} claimed"
        move = where.get(mid)
        return f"Not scored: {why}" + (f"; {move.split(': ', 1)[1]}" if move else "")

    def _score_measure(self, mid: str, max_pts: float, where: dict[str, str]) -> _MeasureScore:
        r = self.r
        obj = self._objective(mid)
        base = float(r.measure_max_points[mid])
        meta: dict[str, Any] = {
            "objective": obj,
            "maxContribution": max_pts,
            "basePoints": base,
            "reportingCategory": "required",
        }
        if max_pts != base:
            meta["redistributedPoints"] = max_pts - base
        if mid in self.excluded:
            meta["excludedBy"] = self.claimed.get(mid) or [self.implied.get(mid)]
            return _MeasureScore(mid, obj, 0.0, self._excluded_detail(mid, where), "EXCLUDED", meta)
        if mid not in self.values:
            return _MeasureScore(
                mid, obj, 0.0, f"Not reported: 0 of {_fmt(max_pts)} points", "NOT_REPORTED", meta
            )
        v = self.values[mid]
        if self._is_proportion(mid):
            if not isinstance(v, ProportionValue) or v.denominator == 0 or v.numerator > v.denominator:
                return _MeasureScore(
                    mid, obj, 0.0, f"Invalid value ({_describe(v)}): 0 points", "INVALID", meta
                )
            meta.update(numerator=v.numerator, denominator=v.denominator)
            if v.numerator < r.min_numerator:
                return _MeasureScore(
                    mid,
                    obj,
                    0.0,
                    f"Numerator {v.numerator}: at least {r.min_numerator} is required, 0 points",
                    "ZERO",
                    meta,
                )
            raw = Fraction(v.numerator, v.denominator) * Fraction(max_pts)
            pts = _round_points(raw, r.measure_points_rounding)
            if pts < r.proportion_minimum_points:
                pts = float(r.proportion_minimum_points)
            formula = f"(({v.numerator}/{v.denominator})*{_fmt(max_pts)}) = {_fmt(raw)}"
            if pts != raw:
                formula += f" -> {_fmt(pts)}"
            meta["formula"] = formula
            rate = 100 * v.numerator / v.denominator
            detail = f"Performance rate {_fmt(rate)}% of {_fmt(max_pts)} points: {formula}"
            if max_pts != base:
                detail += f" (max {_fmt(base)} + {_fmt(max_pts - base)} redistributed)"
            return _MeasureScore(mid, obj, pts, detail, "PICKED", meta)
        if not isinstance(v, bool):
            return _MeasureScore(mid, obj, 0.0, f"Invalid value ({_describe(v)}): 0 points", "INVALID", meta)
        if v:
            extra = f" (max {_fmt(base)} + {_fmt(max_pts - base)} redistributed)" if max_pts != base else ""
            return _MeasureScore(
                mid, obj, max_pts, f"Answered yes: {_fmt(max_pts)} points{extra}", "PICKED", meta
            )
        return _MeasureScore(mid, obj, 0.0, f"Answered no: 0 of {_fmt(max_pts)} points", "ZERO", meta)

    def _public_health(self, where: dict[str, str]) -> tuple[list[_MeasureScore], float]:
        """The required public-health pair: 25 for both yes (with a level) or one yes + the other excluded."""
        r = self.r
        ids = r.public_health_measures
        status: dict[str, str] = {}
        for mid in ids:
            v = self.values.get(mid)
            if mid in self.excluded:
                status[mid] = "excluded"
            elif v is None:
                status[mid] = "not reported"
            elif not isinstance(v, bool):
                status[mid] = f"invalid value ({_describe(v)})"
            elif mid in r.suppressed_measures:
                # suppressed (eCR, CY2025): any yes/no answer earns the measure's credit
                status[mid] = "yes"
            elif v is False:
                status[mid] = "answered no"
            elif self._level(mid) is None:
                status[mid] = "answered yes without an active-engagement level"
            else:
                status[mid] = "yes"
        yes = [m for m in ids if status[m] == "yes"]
        excluded = [m for m in ids if status[m] == "excluded"]
        pair = 0.0
        if yes and len(yes) + len(excluded) == len(ids):
            pair = float(r.public_health_points if not excluded else r.public_health_points_one_excluded)
        out: list[_MeasureScore] = []
        obj = "publicHealthAndClinicalDataExchange"
        for mid in ids:
            meta: dict[str, Any] = {
                "objective": obj,
                "maxContribution": r.public_health_points,
                "reportingCategory": "required",
            }
            level = self._level(mid)
            if level:
                meta["activeEngagementLevel"] = level
            st = status[mid]
            if st == "excluded":
                meta["excludedBy"] = self.claimed.get(mid, [])
                if len(excluded) == len(ids):
                    move = where.get(PUBLIC_HEALTH_SLOT, "")
                    detail = f"Not scored: exclusion {', '.join(self.claimed.get(mid, []))} claimed" + (
                        f"; both public-health measures are excluded, {move.split(': ', 1)[1]}"
                        if move
                        else ""
                    )
                else:
                    detail = (
                        f"Not scored: exclusion {', '.join(self.claimed.get(mid, []))} claimed; "
                        f"the public-health points come from the other measure"
                    )
                out.append(_MeasureScore(mid, obj, 0.0, detail, "EXCLUDED", meta))
            elif st == "yes":
                if pair:
                    share = pair / len(yes)
                    with_ = (
                        (" together with " + " and ".join(m for m in yes if m != mid))
                        if len(yes) > 1
                        else (
                            f" (the other public-health measure is excluded: {_fmt(pair)} for the objective)"
                        )
                    )
                    how = (
                        f"Answered {_yes_no(self.values.get(mid))} (measure suppressed this year: any answer "
                        "earns its credit, pi.suppressed_measures)"
                        if mid in r.suppressed_measures
                        else f"Answered yes (active engagement: {level})"
                    )
                    detail = f"{how}: {_fmt(share)} of the {_fmt(pair)} public-health points{with_}"
                    out.append(_MeasureScore(mid, obj, share, detail, "PICKED", meta))
                else:
                    others = "; ".join(
                        f"{m} {status[m]}" for m in ids if status[m] not in ("yes", "excluded")
                    )
                    detail = (
                        f"Answered yes (active engagement: {level}), but the {_fmt(r.public_health_points)} "
                        f"public-health points need every required public-health measure answered yes "
                        f"or excluded ({others}): 0 points"
                    )
                    out.append(_MeasureScore(mid, obj, 0.0, detail, "ZERO", meta))
            else:
                levels = " or ".join(self._level_ids(mid))
                extra = f" ({levels} not reported yes)" if "level" in st else ""
                code = "NOT_REPORTED" if st == "not reported" else "ZERO"
                out.append(_MeasureScore(mid, obj, 0.0, f"{st.capitalize()}{extra}: 0 points", code, meta))
        return out, pair

    def _bonus(self) -> tuple[list[_MeasureScore], float]:
        r = self.r
        out: list[_MeasureScore] = []
        earned: str | None = None
        obj = "publicHealthAndClinicalDataExchange"
        for mid in r.bonus_measures:
            if mid not in self.values:
                continue
            v = self.values[mid]
            level = self._level(mid)
            meta: dict[str, Any] = {
                "objective": obj,
                "maxContribution": r.bonus_points,
                "reportingCategory": "bonus",
            }
            if level:
                meta["activeEngagementLevel"] = level
            if not isinstance(v, bool):
                out.append(
                    _MeasureScore(mid, obj, 0.0, f"Invalid value ({_describe(v)}): no bonus", "INVALID", meta)
                )
            elif v is False:
                out.append(_MeasureScore(mid, obj, 0.0, "Answered no: no bonus", "ZERO", meta))
            elif (
                r.bonus_requires_engagement_level
                and level is None
                and mid not in r.bonus_measures_without_engagement_level
            ):
                levels = " or ".join(self._level_ids(mid))
                out.append(
                    _MeasureScore(
                        mid,
                        obj,
                        0.0,
                        f"Answered yes without an active-engagement level ({levels}): no bonus",
                        "ZERO",
                        meta,
                    )
                )
            elif earned is not None:
                out.append(
                    _MeasureScore(
                        mid,
                        obj,
                        0.0,
                        f"Answered yes: the {_fmt(r.bonus_points)}-point bonus is already earned "
                        f"through {earned} (one measure suffices, at most {_fmt(r.bonus_points)})",
                        "BONUS",
                        meta,
                    )
                )
            else:
                earned = mid
                lvl = f" (active engagement: {level})" if level else ""
                out.append(
                    _MeasureScore(
                        mid,
                        obj,
                        float(r.bonus_points),
                        f"Answered yes{lvl}: +{_fmt(r.bonus_points)} bonus points",
                        "BONUS",
                        meta,
                    )
                )
        return out, (float(r.bonus_points) if earned else 0.0)

    def _score_option(self, option: tuple[str, ...]) -> _OptionScore:
        maxes, moves, where = self._redistribute(option)
        hie_ids = self._hie_ids
        measures: list[_MeasureScore] = []
        for mid in self.r.measure_max_points:
            if mid in hie_ids and mid not in option:
                continue
            measures.append(self._score_measure(mid, maxes.get(mid, 0.0), where))
        ph, ph_points = self._public_health(where)
        measures.extend(ph)
        bonus, bonus_points = self._bonus()
        return _OptionScore(option, measures, bonus, moves, bonus_points, ph_points)

    # -- the set -------------------------------------------------------------------------------------
    def score(self) -> _SetScore:
        r = self.r
        hie = self._hie_option_status()
        gates = self._gates(hie)
        candidates = hie.usable or hie.complete or [r.hie_options[0]]
        scored = [self._score_option(o) for o in candidates]
        if r.hie_pick_best_option:
            best = max(scored, key=lambda s: (s.total, -candidates.index(s.option)))
        else:
            best = scored[0]
        others: list[tuple[tuple[str, ...], str]] = []
        for opt in r.hie_options:
            if opt == best.option or not any(m in self.values or m in self.excluded for m in opt):
                continue
            alt = next((s for s in scored if s.option == opt), None)
            if opt not in hie.usable:
                why = "; ".join(msg for _, msg in hie.issues.get(opt, [])) or "not usable"
                others.append((opt, f"HIE option {' + '.join(opt)} not used: {why}"))
            elif alt is not None:
                others.append(
                    (
                        opt,
                        f"HIE option {' + '.join(opt)} not used: option {' + '.join(best.option)} "
                        f"earns more ({_fmt(best.total)} vs {_fmt(alt.total)} points in total)",
                    )
                )
            else:
                others.append(
                    (
                        opt,
                        f"HIE option {' + '.join(opt)} not used: option {' + '.join(best.option)} "
                        f"is the first complete option",
                    )
                )
        self._note_other_measures(best.option)
        return _SetScore(
            index=self.index,
            ms=self.ms,
            gates=gates,
            option=best,
            other_options=others,
            extra_nodes=self.extra,
            warnings=self.warnings,
            rejected=self.rejected,
            exclusions_claimed=dict(self.claimed),
            period_days=self.period_days,
            has_cehrt=bool(self.ms.cehrt_id and self.ms.cehrt_id.strip()),
            cap=float(r.category_cap),
        )

    def _note_other_measures(self, option: tuple[str, ...]) -> None:
        """Nodes for reported inventory measures that earn no points by themselves (optional, levels...)."""
        r = self.r
        handled = set(r.gate_yes_attestations) | set(r.gate_answered_attestations) | set(self._scored_ids)
        handled |= set(r.bonus_measures)
        level_parents: dict[str, str] = {}
        for mid in [*r.public_health_measures, *r.bonus_measures]:
            for lid in self._level_ids(mid):
                level_parents[lid] = mid
        exclusion_parents = {x: mid for mid in self._scored_ids for x in self._exclusion_ids(mid)}
        for mid, v in self.values.items():
            if mid in handled:
                continue
            if mid in level_parents:
                parent = level_parents[mid]
                if v is True and self.values.get(parent) is not True:
                    self.warnings.append(
                        f"active-engagement level {mid} reported but {parent} is not answered yes"
                    )
                continue
            if mid in exclusion_parents:
                continue
            m = self.ref.pi_measure(mid)
            req = m is not None and m.is_required
            self.extra.append(
                Node(
                    name=mid,
                    value=v if isinstance(v, bool) else _describe(v),
                    detail=f"{self._title(mid)}: "
                    + ("reported, no points" if req else "optional, no points"),
                    metadata={"objective": self._objective(mid), "processingStatus": "NOT_SCORED"},
                )
            )


# --------------------------------------------------------------------------------------------------
# explanation
# --------------------------------------------------------------------------------------------------
def _measure_node(m: _MeasureScore, gates_met: bool, failed: str) -> Node:
    meta = {**m.metadata, "processingStatus": m.status}
    if gates_met:
        return Node(name=m.measure_id, value=m.points, detail=m.detail, metadata=meta)
    meta["pointsIfGatesMet"] = m.points
    return Node(
        name=m.measure_id,
        value=0.0,
        detail=f"0 points: the category scores 0 because {failed} failed (would be: {m.detail})",
        metadata=meta,
    )


def _gate_list(failed: list[_Gate]) -> str:
    """``gate 'X'`` or ``gates 'X' and 'Y'`` for sentences."""
    names = [f"'{g.key}'" for g in failed]
    if not names:
        return "no gate"
    if len(names) == 1:
        return f"gate {names[0]}"
    return "gates " + ", ".join(names[:-1]) + f" and {names[-1]}"


def _set_node(s: _SetScore, pr: PiRules) -> Node:
    failed = [g for g in s.gates if not g.passed]
    failed_txt = _gate_list(failed)
    gates_node = Node(
        name="gates",
        value=not failed,
        detail=(
            "All requirements to earn a PI score are met"
            if not failed
            else f"Failed {failed_txt}: the PI category scores 0 (a failed requirement is not reweighted)"
        ),
        parts=[Node(name=g.key, value=g.passed, detail=g.detail) for g in s.gates],
    )
    by_obj: dict[str, list[_MeasureScore]] = {}
    for m in s.option.measures:
        by_obj.setdefault(m.objective, []).append(m)
    objective_nodes: list[Node] = []
    for obj in [*pr.scored_objectives, *(o for o in by_obj if o not in pr.scored_objectives)]:
        ms = by_obj.get(obj, [])
        if not ms:
            continue
        subtotal = sum(m.points for m in ms)
        parts = [_measure_node(m, not failed, failed_txt) for m in ms]
        if obj == "healthInformationExchange":
            for opt, why in s.other_options:
                for mid in opt:
                    parts.append(
                        Node(
                            name=mid,
                            value=0.0,
                            detail=why,
                            metadata={"objective": obj, "processingStatus": "NOT_USED"},
                        )
                    )
        for m in ms:
            for xid in s.exclusions_claimed.get(m.measure_id, []) if m.status == "EXCLUDED" else []:
                parts.append(
                    Node(
                        name=xid,
                        value=True,
                        detail=f"Exclusion claimed for {m.measure_id}",
                        metadata={"objective": obj, "processingStatus": "EXCLUSION"},
                    )
                )
        title = _OBJECTIVE_TITLES.get(obj, obj)
        terms = " + ".join(_fmt(m.points) for m in ms)
        if failed:
            would = terms if len(ms) == 1 else f"{terms} = {_fmt(subtotal)}"
            detail = f"{title}: 0 points (would be {would} if the gates were met)"
        elif len(ms) == 1:
            detail = f"{title}: {_fmt(subtotal)} points"
        else:
            detail = f"{title}: {terms} = {_fmt(subtotal)} points"
        if obj == "healthInformationExchange":
            detail += f"; option used: {' + '.join(s.option.option)}"
        objective_nodes.append(
            Node(
                name=obj,
                value=subtotal if not failed else 0.0,
                detail=detail,
                parts=parts,
                metadata={"pointsIfGatesMet": subtotal},
            )
        )
    bonus = s.option.bonus_points
    bonus_node = Node(
        name="bonus",
        value=bonus if not failed else 0.0,
        detail=(
            f"Public health / clinical data registry bonus: +{_fmt(bonus)}"
            if bonus
            else "No bonus: none of " + ", ".join(pr.bonus_measures) + " answered yes with an "
            "active-engagement level"
        ),
        parts=[_measure_node(m, not failed, failed_txt) for m in s.option.bonus],
    )
    parts = [gates_node, *objective_nodes, bonus_node]
    if s.option.moves:
        parts.append(
            Node(
                name="exclusions",
                value=len(s.option.moves),
                detail="Exclusion points redistributed: " + "; ".join(s.option.moves),
            )
        )
    if s.extra_nodes:
        parts.append(
            Node(
                name="otherMeasures",
                value=len(s.extra_nodes),
                detail="Reported measures that earn no points",
                parts=list(s.extra_nodes),
            )
        )
    if failed:
        detail = f"0: failed {failed_txt}"
    else:
        total = s.option.total
        cap = f", capped at {_fmt(s.cap)}" if total > s.cap else ""
        detail = f"{_fmt(total)} points{cap} = {_fmt(s.score)}%"
    return Node(
        name=f"measurementSet[{s.index}]",
        value=s.score,
        detail=f"{s.ms.submission_method}: {detail}",
        parts=parts,
        metadata=_set_metadata(s),
    )


def _set_metadata(s: _SetScore) -> dict[str, Any]:
    objective_scores: dict[str, float] = {}
    for m in s.option.measures:
        objective_scores[m.objective] = objective_scores.get(m.objective, 0.0) + m.points
    return {
        "measurementSetIndex": s.index,
        "submissionMethod": s.ms.submission_method,
        "performancePeriodDays": s.period_days,
        "hasCehrtId": s.has_cehrt,
        "gates": {g.key: g.passed for g in s.gates},
        "failedGates": [g.key for g in s.gates if not g.passed],
        "hieOption": list(s.option.option),
        "objectiveScores": objective_scores,
        "bonusPoints": s.option.bonus_points,
        "pointsIfGatesMet": s.option.total,
        "exclusionsClaimed": {k: list(v) for k, v in s.exclusions_claimed.items()},
        "redistribution": list(s.option.moves),
        "rejectedMeasures": list(s.rejected),
        "warnings": list(s.warnings),
    }


# --------------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------------
def _no_data(ctx: ScoringContext, skipped: Sequence[str]) -> CategoryResult:
    meta: dict[str, Any] = {"performancePeriodDays": None, "hasCehrtId": False, "gates": {}}
    if skipped:
        meta["warnings"] = list(skipped)
    return CategoryResult(
        category="pi",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=0.0,
        points=0.0,
        max_points=100.0,
        data_submitted=False,
        explanation=Node(
            name="pi",
            value=0.0,
            detail=NO_DATA_DETAIL,
            parts=[Node(name="message", detail=w) for w in skipped if w.startswith("PI measurement set")],
        ),
        metadata=meta,
    )


def score_pi(
    measurement_sets: list[MeasurementSet], ctx: ScoringContext, ref: ReferenceData, rules: YearRules
) -> CategoryResult:
    """The PI category score (0-100) of one reporting option: each PI set scored, the highest kept.

    No PI set (or only sets without measurements): score 0 with ``data_submitted`` False (the
    reweighting step reweights it when the entity qualifies). A failed gate: score 0 with
    ``data_submitted`` True (scored, not reweighted, spec 3.0).
    """
    pr = rules.pi
    pi_sets: list[tuple[int, MeasurementSet]] = []
    skipped: list[str] = []
    for i, ms in enumerate(measurement_sets):
        if ms.category == "pi" and not ms.measurements:
            # no measurements is no data: it must not override PI reweighting (spec 2, 3.0, 12)
            skipped.append(f"PI measurement set {i} has no measurements: no PI data, not scored")
        elif ms.category == "pi":
            pi_sets.append((i, ms))
        else:
            skipped.append(
                f"measurement set {i} is category '{ms.category}', not PI: ignored by the PI scorer"
            )
    if not pi_sets:
        return _no_data(ctx, skipped)

    results = [_SetScorer(ms, i, ref, rules).score() for i, ms in pi_sets]
    best = max(results, key=lambda s: (s.score, s.points, -s.index))
    ordered = [best, *(s for s in results if s is not best)]
    nodes = [_set_node(s, pr) for s in ordered]
    failed = [g for g in best.gates if not g.passed]
    metadata = _set_metadata(best)  # the category's; its objective scores are also the head's terms

    if failed:
        head = (
            "Promoting Interoperability scores 0: failed "
            + ", ".join(f"gate '{g.key}' ({g.detail})" for g in failed)
            + ". A failed requirement scores the category 0; it is not reweighted"
        )
    else:
        obj = metadata["objectiveScores"]
        terms = " + ".join(f"{_OBJECTIVE_TITLES.get(k, k)} {_fmt(v)}" for k, v in obj.items())
        if best.option.bonus_points:
            terms += f" + bonus {_fmt(best.option.bonus_points)}"
        total = best.option.total
        cap = f", capped at {_fmt(best.cap)}" if total > best.cap else ""
        head = f"Promoting Interoperability: {terms} = {_fmt(total)} points{cap} -> {_fmt(best.score)}%"
    if len(results) > 1:
        head += (
            f". Scored {len(results)} PI measurement sets; kept the highest: set {best.index} "
            f"({best.ms.submission_method}) with {_fmt(best.score)}"
        )
    metadata["measurementSetsScored"] = len(results)
    if skipped:
        metadata["warnings"] = [*metadata["warnings"], *skipped]
    return CategoryResult(
        category="pi",
        reporting_option=ctx.reporting_option,
        mvp_id=ctx.mvp_id,
        score=best.score,
        points=best.points,
        max_points=float(pr.category_cap),
        data_submitted=True,
        explanation=Node(
            name="pi",
            value=best.score,
            detail=head,
            parts=nodes,
            metadata={"measurementSetPicked": best.index},
        ),
        metadata=metadata,
    )


__all__ = ["NO_DATA_DETAIL", "score_pi"]
