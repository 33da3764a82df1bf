"""Reference-data checks of a QPP submission: what pydantic's types cannot know.

Works set by set and measurement by measurement on whatever parses, so one bad measurement does not
hide the problems of the others: every problem in a file is reported at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic import ValidationError

from .models.common import Problem
from .models.submission import (
    CahpsValue,
    Measurement,
    MeasurementSet,
    MultiRateValue,
    NonProportionValue,
    ProportionValue,
    SingleRateValue,
    Submission,
)
from .problems import ProblemCode as C
from .reference import Measure, ReferenceData
from .rules import YearRules

#: Submission methods by which CMS itself supplies data: never accepted in a submission file.
CMS_CALCULATED_METHOD = "administrativeClaims"
#: The CAHPS for MIPS survey measure; its summary survey measures are CAHPS_1 ... CAHPS_11.
CAHPS_MEASURE_ID = "321"
CAHPS_SSM_PREFIX = "CAHPS_"

#: Which measurement-value shape each ``metricType`` of measures-data.json expects (spec 13.1).
VALUE_SHAPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "singlePerformanceRate": (
        SingleRateValue,
        "a single performance rate {performanceMet, eligiblePopulation, ...}",
    ),
    "registrySinglePerformanceRate": (
        SingleRateValue,
        "a single performance rate {performanceMet, eligiblePopulation, ...}",
    ),
    "multiPerformanceRate": (MultiRateValue, "a multi performance rate {strata: [...]}"),
    "registryMultiPerformanceRate": (MultiRateValue, "a multi performance rate {strata: [...]}"),
    "nonProportion": (
        NonProportionValue,
        "a non-proportion value {numerator, denominator, observationInstances, ...}",
    ),
    "cahps": (CahpsValue, "a CAHPS summary survey score {performanceRate: 0-100}"),
    "boolean": (bool, "true or false"),
    "proportion": (ProportionValue, "{numerator, denominator}"),
}

CATEGORY_NAMES = {"quality": "quality", "ia": "Improvement Activities", "pi": "Promoting Interoperability"}


@dataclass(frozen=True)
class ReferenceViews:
    """Sets derived once per loaded reference data (validation runs per file, the data per process)."""

    submission_methods: frozenset[str]  # collectable by a submitter (not administrativeClaims)
    programs: frozenset[str]  # mips, app1, pcf and the MVP ids that allowedPrograms mention
    cost_measure_ids: tuple[str, ...]
    admin_claims_measure_ids: tuple[str, ...]  # quality measures CMS calculates (479, 480, 484, 492)
    ids_by_category: dict[str, list[str]] = field(default_factory=dict)  # for "did you mean" hints
    #: measures with an ``exclusion`` list (PI): the only ones :meth:`SubmissionChecker.check_exclusions`
    #: has anything to say about
    with_exclusions: frozenset[str] = frozenset()
    #: :meth:`SubmissionChecker.measure_verdict` per set header and measure id: files repeat the same
    #: few measures, so each verdict and its messages are worked out once (bounded: see _MAX_VERDICTS)
    verdicts: dict[tuple[Any, ...], dict[str, MeasureVerdict]] = field(default_factory=dict)
    #: :meth:`SubmissionChecker.header_verdict` per set header and the rules it reads (bounded too)
    header_verdicts: dict[tuple[Any, ...], HeaderVerdict] = field(default_factory=dict)


@lru_cache(maxsize=8)
def reference_views(ref: ReferenceData) -> ReferenceViews:
    measures = ref.measures.values()
    return ReferenceViews(
        submission_methods=frozenset(sm for m in measures for sm in m.submission_methods)
        - {CMS_CALCULATED_METHOD},
        programs=frozenset(p for m in measures for p in m.allowed_programs) | {"mips"},
        cost_measure_ids=tuple(sorted(m.measure_id for m in ref.measures_in("cost"))),
        admin_claims_measure_ids=tuple(
            sorted(
                m.measure_id
                for m in ref.measures_in("quality")
                if CMS_CALCULATED_METHOD in m.submission_methods
            )
        ),
        ids_by_category={
            c: sorted(m.measure_id for m in ref.measures_in(c)) for c in ("quality", "ia", "pi")
        },
        with_exclusions=frozenset(m.measure_id for m in measures if m.exclusion),
    )


class HeaderVerdict(NamedTuple):
    """What a measurement set's header fields say, whatever its measurements."""

    #: the problems at the set's fields: (path suffix, message, code, severity)
    problems: tuple[tuple[str, str, Any, str], ...]
    #: category, submission method and program known (see :meth:`SubmissionChecker.check_header`)
    oks: tuple[bool, bool, bool]


class MeasureVerdict(NamedTuple):
    """What a measure id says in a measurement set, whatever the measurement's value."""

    #: the problems at ``.measureId``: (path suffix, message, code, severity)
    problems: tuple[tuple[str, str, Any, str], ...]
    #: the measure whose value :meth:`SubmissionChecker.check_value` then checks (None: not checked)
    measure: Measure | None
    #: the value types that leave nothing to report but their counts (see :func:`counts_add_up`): the
    #: types that pass the measure's shape check and need no strata check; none when there are problems
    clean_types: frozenset[type]
    #: of those, the types without counts (true/false, CAHPS scores): nothing at all to check
    free_types: frozenset[type]


_PLAIN_VALUE_TYPES = frozenset({bool, SingleRateValue, NonProportionValue, ProportionValue, CahpsValue})
_COUNTLESS_VALUE_TYPES = frozenset({bool, CahpsValue})  # counts_add_up is always True for these


def clean_value_types(measure: Measure | None) -> frozenset[type]:
    """The types of value :meth:`SubmissionChecker.check_value` reports nothing about for ``measure``
    beyond :meth:`~SubmissionChecker.check_counts` (multi-rate values, with their strata, excluded)."""
    if measure is None:
        return frozenset()
    shape = VALUE_SHAPES.get(measure.metric_type or "")
    if shape is None:
        return _PLAIN_VALUE_TYPES
    expected = shape[0]
    if expected is MultiRateValue:  # a single overall rate is accepted too (check_value)
        return frozenset({SingleRateValue})
    return frozenset(t for t in _PLAIN_VALUE_TYPES if t is expected)


def counts_add_up(v: Any) -> bool:
    """True when :meth:`SubmissionChecker.check_counts` has nothing to report about ``v``, a value of one
    of the plain types (the exact negation of its conditions; any other type: False, so fully checked)."""
    t = type(v)
    if t is SingleRateValue:
        reported = (
            v.performance_met
            + v.performance_not_met
            + v.eligible_population_exclusion
            + v.eligible_population_exception
        )
        return not reported > v.eligible_population
    if t is ProportionValue:
        return not v.numerator > v.denominator
    if t is NonProportionValue:
        reported = v.observation_instances + v.numerator_exclusion + v.denominator_exception
        return not reported > v.denominator
    return t is bool or t is CahpsValue


#: set headers and verdicts per header kept per reference data (headers and ids come from the input
#: files: a hostile stream must not grow them without bound)
_MAX_HEADERS = 256
_MAX_VERDICTS = 4096


def pi_min_period_days(rules: YearRules) -> int:
    """The minimum continuous CEHRT period for PI (spec 6.1 gate 1), from the PI rules table."""
    return int(rules.pi.min_performance_period_days)


@dataclass
class SubmissionChecker:
    """Collects the problems of one submission; ``base`` is the JSON path of the submission object."""

    ref: ReferenceData
    rules: YearRules | None
    base: str = "$"
    problems: list[Problem] = field(default_factory=list)

    # -- reporting -------------------------------------------------------------------------------
    def err(self, path: str, message: str, code: C) -> None:
        self.problems.append(Problem(path=path, message=message, code=code))

    def warn(self, path: str, message: str, code: C) -> None:
        self.problems.append(Problem(path=path, message=message, severity="warning", code=code))

    # -- derived reference views -----------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.ref.year

    def known_methods(self) -> frozenset[str]:
        return reference_views(self.ref).submission_methods

    def known_programs(self) -> frozenset[str]:
        return reference_views(self.ref).programs

    # -- entry point -----------------------------------------------------------------------------
    def check(self, doc: Mapping[str, Any], parsed: Submission | None = None) -> None:
        """Check the parsed submission, or (when it did not parse) every set and measurement that does."""
        if parsed is not None:
            for i, s in enumerate(parsed.measurement_sets):
                self.check_parsed_set(f"{self.base}.measurementSets[{i}]", s, list(enumerate(s.measurements)))
            return
        sets = doc.get("measurementSets")
        if not isinstance(sets, list):
            return  # absent or mistyped: pydantic reports it
        for i, raw in enumerate(sets):
            if isinstance(raw, dict):
                self.check_set(f"{self.base}.measurementSets[{i}]", raw)

    # -- one measurement set ---------------------------------------------------------------------
    def check_set(self, path: str, raw: dict[str, Any]) -> None:
        try:
            header = MeasurementSet.model_validate({**raw, "measurements": []})
        except ValidationError:
            return  # structural errors already reported by the whole-document parse
        self.check_parsed_set(path, header, self.parsed_measurements(raw.get("measurements")))

    def check_parsed_set(
        self, path: str, header: MeasurementSet, measurements: list[tuple[int, Measurement]]
    ) -> None:
        found, (category_ok, method_ok, program_ok) = self.header_verdict(header)
        for suffix, message, code, severity in found:
            (self.warn if severity == "warning" else self.err)(path + suffix, message, code)
        self.check_measurements(path, header, measurements, category_ok, method_ok, program_ok)

    def header_verdict(self, header: MeasurementSet) -> HeaderVerdict:
        """:meth:`check_header` of a set header, worked out once per reference data, rules and header
        (files repeat the same few headers) and replayed at each set's path."""
        views = reference_views(self.ref)
        rules = self.rules
        key = (
            header.category,
            header.submission_method,
            header.program_name,
            bool(header.cehrt_id),
            header.performance_start,
            header.performance_end,
            None
            if rules is None
            else (
                rules.performance_year,
                rules.pi.min_performance_period_days,
                rules.ia.min_activity_days,
                rules.quality.ecqm_requires_cehrt_id,
            ),
        )
        verdict = views.header_verdicts.get(key)
        if verdict is None:
            scratch = SubmissionChecker(ref=self.ref, rules=rules, base=self.base)
            oks = scratch.check_header("", header)
            verdict = HeaderVerdict(
                tuple((p.path, p.message, p.code, p.severity) for p in scratch.problems), oks
            )
            if len(views.header_verdicts) >= _MAX_VERDICTS:
                views.header_verdicts.clear()
            views.header_verdicts[key] = verdict
        return verdict

    def check_header(self, path: str, header: MeasurementSet) -> tuple[bool, bool, bool]:
        """The checks of a set's header fields; returns whether its category, submission method and
        program are known (its measurements are then checked against them)."""
        category_ok = self.check_category(path, header)
        method_ok = self.check_method(path, header)
        program_ok = self.check_program(path, header)
        self.check_period(path, header)
        if category_ok and header.category == "pi" and not header.cehrt_id:
            self.warn(
                f"{path}.cehrtId",
                "no cehrtId: the Promoting Interoperability category needs the CMS EHR certification ID "
                "(CEHRT, 42 CFR 414.1375), otherwise it scores 0",
                C.MISSING_CEHRT_ID,
            )
        if (
            category_ok
            and method_ok
            and header.category == "quality"
            and header.submission_method == "electronicHealthRecord"
            and not header.cehrt_id
            and self.rules is not None
            and self.rules.quality.ecqm_requires_cehrt_id
        ):
            self.err(
                f"{path}.cehrtId",
                f"no cehrtId: in performance year {self.rules.performance_year} an eCQM quality set must "
                "carry the CMS EHR certification ID (QPP Submissions API: 'Quality eCQM reporting now "
                "requires the inclusion of a CEHRT ID'): add the 15-character CEHRT ID",
                C.MISSING_CEHRT_ID,
            )
        return category_ok, method_ok, program_ok

    def check_measurements(
        self,
        path: str,
        header: MeasurementSet,
        measurements: list[tuple[int, Measurement]],
        category_ok: bool,
        method_ok: bool,
        program_ok: bool,
    ) -> None:
        seen: dict[str, int] = {}
        table = self.verdict_table(header, method_ok=method_ok, program_ok=program_ok)
        for j, m in measurements:
            measure_id = m.measure_id
            if measure_id in seen:
                self.err(
                    f"{path}.measurements[{j}].measureId",
                    f"duplicate measure {measure_id} in this measurement set (first at measurements"
                    f"[{seen[measure_id]}]): each measure may appear once per set",
                    C.DUPLICATE_MEASURE,
                )
                continue
            seen[measure_id] = j
            if not category_ok:
                continue
            verdict = table.get(measure_id) or self.measure_verdict(
                header, measure_id, method_ok=method_ok, program_ok=program_ok
            )
            value = m.value
            kind = type(value)
            if kind in verdict.free_types or (kind in verdict.clean_types and counts_add_up(value)):
                continue  # the usual measurement: nothing to report (and no JSON path built for it)
            mpath = f"{path}.measurements[{j}]"
            self.check_measurement(mpath, header, m, method_ok=method_ok, program_ok=program_ok)
        # seen: every measure id of the set; only a measure with an exclusion list can conflict
        if category_ok and not reference_views(self.ref).with_exclusions.isdisjoint(seen):
            self.check_exclusions(path, measurements)

    @staticmethod
    def parsed_measurements(raw: Any) -> list[tuple[int, Measurement]]:
        """The measurements that parse, with their index (the others are reported structurally)."""
        out: list[tuple[int, Measurement]] = []
        if not isinstance(raw, list):
            return out
        for j, item in enumerate(raw):
            try:
                out.append((j, Measurement.model_validate(item)))
            except ValidationError:
                continue
        return out

    def check_category(self, path: str, s: MeasurementSet) -> bool:
        if s.category in CATEGORY_NAMES:
            return True
        if s.category == "cost":
            self.err(
                f"{path}.category",
                "cost is calculated by CMS from claims and is not submitted: put cost measures in the "
                "CMS-data file (costMeasures)",
                C.UNKNOWN_CATEGORY,
            )
        else:
            self.err(
                f"{path}.category",
                f"unknown category {s.category!r}: expected quality, ia or pi (or aci)",
                C.UNKNOWN_CATEGORY,
            )
        return False

    def check_method(self, path: str, s: MeasurementSet) -> bool:
        known = self.known_methods()
        if s.submission_method in known:
            return True
        if s.submission_method == CMS_CALCULATED_METHOD:
            self.err(
                f"{path}.submissionMethod",
                "administrativeClaims data are calculated by CMS and not submitted: put them in the "
                "CMS-data file (adminClaimsMeasures / costMeasures)",
                C.UNKNOWN_SUBMISSION_METHOD,
            )
        else:
            self.err(
                f"{path}.submissionMethod",
                f"unknown submissionMethod {s.submission_method!r}: "
                f"expected one of {', '.join(sorted(known))}",
                C.UNKNOWN_SUBMISSION_METHOD,
            )
        return False

    def check_program(self, path: str, s: MeasurementSet) -> bool:
        known = self.known_programs()
        if s.program_name in known:
            if s.reporting_option == "mvp" and self.ref.mvp(s.program_name) is None:
                # allowedPrograms mentions it but mvp.json does not define it
                self.err(
                    f"{path}.programName",
                    f"MVP {s.program_name} is not defined in the {self.year} mvp.json",
                    C.UNKNOWN_PROGRAM,
                )
                return False
            return True
        mvps = ", ".join(sorted(self.ref.mvps))
        self.err(
            f"{path}.programName",
            f"programName {s.program_name!r} is not a {self.year} program: expected mips (traditional MIPS), "
            f"app1 (APP) or an MVP id ({mvps})",
            C.UNKNOWN_PROGRAM,
        )
        return False

    def check_period(self, path: str, s: MeasurementSet) -> None:
        first, last = date(self.year, 1, 1), date(self.year, 12, 31)
        for name, d in (("performanceStart", s.performance_start), ("performanceEnd", s.performance_end)):
            if d is None:
                self.warn(
                    f"{path}.{name}",
                    f"{name} is not given: expected a date within the performance year ({first} to {last})",
                    C.PERIOD_MISSING,
                )
            elif not first <= d <= last:
                self.err(
                    f"{path}.{name}",
                    f"{name} {d} is outside the performance year: expected a date from {first} to {last}",
                    C.PERIOD_OUTSIDE_YEAR,
                )
        start, end = s.performance_start, s.performance_end
        if start is None or end is None:
            return
        if end < start:
            self.err(
                f"{path}.performanceEnd",
                f"performanceEnd {end} is before performanceStart {start}",
                C.PERIOD_REVERSED,
            )
            return
        days = (end - start).days + 1  # both ends inclusive
        if self.rules is None:
            return
        if s.category == "pi":
            minimum = pi_min_period_days(self.rules)
            if days < minimum:
                self.warn(
                    f"{path}.performanceEnd",
                    f"the Promoting Interoperability period {start} to {end} is {days} days, shorter "
                    "than the "
                    f"required continuous {minimum} days: the PI category will score 0",
                    C.PERIOD_TOO_SHORT,
                )
        elif s.category == "ia":
            minimum = self.rules.ia.min_activity_days
            if days < minimum:
                self.warn(
                    f"{path}.performanceEnd",
                    f"the Improvement Activities period {start} to {end} is {days} days, shorter than the "
                    f"required continuous {minimum} days: the activities earn no credit",
                    C.PERIOD_TOO_SHORT,
                )

    # -- one measurement -------------------------------------------------------------------------
    def check_measurement(
        self, path: str, s: MeasurementSet, m: Measurement, *, method_ok: bool, program_ok: bool
    ) -> None:
        verdict = self.measure_verdict(s, m.measure_id, method_ok=method_ok, program_ok=program_ok)
        for suffix, message, code, severity in verdict.problems:
            (self.warn if severity == "warning" else self.err)(path + suffix, message, code)
        if verdict.measure is not None:
            self.check_value(f"{path}.value", verdict.measure, m)

    def measure_verdict(
        self, s: MeasurementSet, measure_id: str, *, method_ok: bool, program_ok: bool
    ) -> MeasureVerdict:
        """What ``measure_id`` in set ``s`` is worth apart from its value (see :class:`MeasureVerdict`),
        worked out once per reference data, set header and measure id."""
        table = self.verdict_table(s, method_ok=method_ok, program_ok=program_ok)
        verdict = table.get(measure_id)
        if verdict is None:
            scratch = SubmissionChecker(ref=self.ref, rules=self.rules, base=self.base)
            measure = scratch.check_measure(s, measure_id, method_ok=method_ok, program_ok=program_ok)
            found = tuple((p.path, p.message, p.code, p.severity) for p in scratch.problems)
            clean = clean_value_types(measure) if not found else frozenset()
            free = clean & _COUNTLESS_VALUE_TYPES
            verdict = MeasureVerdict(found, measure, clean, free)
            if len(table) >= _MAX_VERDICTS:
                table.clear()
            table[measure_id] = verdict
        return verdict

    def verdict_table(
        self, s: MeasurementSet, *, method_ok: bool, program_ok: bool
    ) -> dict[str, MeasureVerdict]:
        """The verdicts by measure id for sets with ``s``'s header (what :meth:`check_measure` reads)."""
        verdicts = reference_views(self.ref).verdicts
        plus = self.rules.quality.app_plus_program_name if self.rules else None
        key = (s.category, s.submission_method, s.program_name, method_ok, program_ok, plus)
        table = verdicts.get(key)
        if table is None:
            if len(verdicts) >= _MAX_HEADERS:
                verdicts.clear()
            table = verdicts[key] = {}
        return table

    def check_measure(
        self, s: MeasurementSet, measure_id: str, *, method_ok: bool, program_ok: bool
    ) -> Measure | None:
        """The checks of a measure id in its set (problems at ``.measureId``, relative to the
        measurement); returns the measure when its value is to be checked."""
        path = ""
        measure = self.ref.measure(measure_id)
        if measure is None:
            self.err(f"{path}.measureId", self.unknown_message(s.category, measure_id), C.UNKNOWN_MEASURE)
            return None
        if measure.category != s.category:
            self.err(
                f"{path}.measureId",
                f"{measure_id} is a {CATEGORY_NAMES.get(measure.category, measure.category)} measure, not "
                f"{CATEGORY_NAMES[s.category]}: move it to a measurement set with category "
                f"{measure.category}",
                C.WRONG_CATEGORY,
            )
            return None
        if not self.check_measure_years(path, measure):
            return None
        if CMS_CALCULATED_METHOD in measure.submission_methods and len(measure.submission_methods) == 1:
            self.err(
                f"{path}.measureId",
                f"{measure_id} ({measure.title}) is calculated by CMS from administrative claims and "
                "is not "
                "submitted: it belongs in the CMS-data file (adminClaimsMeasures)",
                C.CMS_CALCULATED,
            )
            return None
        if method_ok and measure.submission_methods and s.submission_method not in measure.submission_methods:
            self.err(
                f"{path}.measureId",
                f"measure {measure_id} cannot be submitted by {s.submission_method}: its {self.year} "
                f"collection types are {', '.join(measure.submission_methods)}",
                C.METHOD_NOT_ALLOWED,
            )
        if program_ok:
            self.check_measure_program(path, s, measure)
        return measure

    def unknown_message(self, category: str, measure_id: str) -> str:
        hint = ""
        if measure_id.startswith("ACI_"):
            modern = "PI_" + measure_id[4:]
            if self.ref.pi_measure(modern) is not None:
                hint = f" (legacy ACI id; the {self.year} id is {modern})"
            else:
                hint = " (legacy ACI id)"
        if category == "ia":
            what = f"not in the {self.year} Improvement Activities inventory"
        elif category == "pi":
            what = f"not in the {self.year} Promoting Interoperability measure set"
        else:
            what = f"not a {self.year} quality measure (measures-data.json)"
        if not hint:
            hint = self.measure_hint(category, measure_id)
        return f"unknown measure id {measure_id[:40]!r}: {what}{hint}"

    def measure_hint(self, category: str, measure_id: str) -> str:
        """``did you mean 001`` for ``1``, ``IA_EPA_1`` for ``ia_epa_1``, or the closest known id."""
        known = self.known_ids(category)
        if measure_id.isascii() and measure_id.isdigit() and measure_id.zfill(3) in known:
            return f" (did you mean {measure_id.zfill(3)}? quality measure ids have 3 digits)"
        by_case = {k.lower(): k for k in known}
        if measure_id.lower() in by_case:
            return f" (did you mean {by_case[measure_id.lower()]}? measure ids are case-sensitive)"
        close = difflib.get_close_matches(measure_id, known, n=1, cutoff=0.8)
        return f" (did you mean {close[0]}?)" if close else ""

    def known_ids(self, category: str) -> list[str]:
        """The measure ids of ``category`` in this year's reference data (every category when unknown)."""
        ids = reference_views(self.ref).ids_by_category
        return ids.get(category) or sorted({m for found in ids.values() for m in found})

    def check_measure_years(self, path: str, measure: Measure) -> bool:
        first, last = measure.first_performance_year, measure.last_performance_year
        if (first is not None and first > self.year) or (last is not None and last < self.year):
            self.err(
                f"{path}.measureId",
                f"measure {measure.measure_id} is not available in {self.year} "
                f"(performance years {first or '?'} to {last or 'now'})",
                C.MEASURE_NOT_AVAILABLE,
            )
            return False
        return True

    def check_measure_program(self, path: str, s: MeasurementSet, measure: Measure) -> None:
        allowed = set(measure.allowed_programs)
        if measure.measure_id.startswith(CAHPS_SSM_PREFIX):
            cahps = self.ref.measure(CAHPS_MEASURE_ID)
            if cahps is not None:
                allowed |= set(cahps.allowed_programs)  # the SSMs follow the survey measure
        if s.program_name in allowed:
            return
        rest = allowed - {"pcf"}
        plus = self.rules.quality.app_plus_program_name if self.rules else None
        if plus and rest - {plus, "ssp"}:  # from 2025 e.g. 112 lists appPlus beside its MVP ids
            rest -= {plus, "ssp"}
        mvp_only = bool(allowed) and all(self.ref.mvp(p) is not None for p in rest)
        if s.reporting_option == "traditional" and measure.category == "quality" and mvp_only:
            # e.g. 112, 113, 128: CMS lists only MVPs in allowedPrograms yet publishes traditional
            # benchmarks (spec 14 E1 scores 112 in traditional MIPS), so this is not made an error.
            self.warn(
                f"{path}.measureId",
                f"measures-data.json lists only MVPs for measure {measure.measure_id} "
                f"({', '.join(measure.allowed_programs)}), not traditional MIPS: check it is reportable "
                "outside "
                "an MVP",
                C.PROGRAM_NOT_ALLOWED,
            )
            return
        if s.reporting_option == "mvp":
            mvp = self.ref.mvp(s.program_name)
            title = f" ({mvp.title})" if mvp else ""
            where = f"MVP {s.program_name}{title}"
        elif s.reporting_option == "app":
            where = f"the APM Performance Pathway ({s.program_name})"
        else:
            where = f"program {s.program_name}"
        self.err(
            f"{path}.measureId",
            f"measure {measure.measure_id} is not allowed in {where}: its {self.year} programs are "
            f"{', '.join(measure.allowed_programs) or 'none'}",
            C.PROGRAM_NOT_ALLOWED,
        )

    def check_value(self, path: str, measure: Measure, m: Measurement) -> None:
        shape = VALUE_SHAPES.get(measure.metric_type or "")
        v = m.value
        if shape is not None:
            expected_type, described = shape
            if expected_type is MultiRateValue:
                # a single overall rate is accepted for a multi-rate measure (spec 14 E1 reports 226 so)
                expected_type = (MultiRateValue, SingleRateValue)
            if not isinstance(v, expected_type) or (expected_type is not bool and isinstance(v, bool)):
                self.err(
                    path,
                    f"measure {measure.measure_id} ({measure.metric_type}) expects {described}; "
                    f"got {describe_value(v)}",
                    C.WRONG_VALUE_SHAPE,
                )
                return
        self.check_counts(path, v)
        if isinstance(v, MultiRateValue):
            self.check_strata(path, measure, v)

    def check_counts(self, path: str, v: Any) -> None:
        if isinstance(v, SingleRateValue):
            self.check_single_rate(path, v)
        elif isinstance(v, MultiRateValue):
            for k, stratum in enumerate(v.strata):
                self.check_single_rate(f"{path}.strata[{k}]", stratum)
        elif isinstance(v, ProportionValue):
            if v.numerator > v.denominator:
                self.err(
                    f"{path}.numerator",
                    f"numerator {v.numerator} is greater than denominator {v.denominator}",
                    C.COUNTS_INCONSISTENT,
                )
        elif isinstance(v, NonProportionValue):
            reported = v.observation_instances + v.numerator_exclusion + v.denominator_exception
            if reported > v.denominator:
                self.err(
                    f"{path}.denominator",
                    "observationInstances + numeratorExclusion + denominatorException = "
                    f"{reported} is greater "
                    f"than denominator {v.denominator}",
                    C.COUNTS_INCONSISTENT,
                )

    def check_single_rate(self, path: str, v: SingleRateValue) -> None:
        reported = (
            v.performance_met
            + v.performance_not_met
            + v.eligible_population_exclusion
            + v.eligible_population_exception
        )
        if reported > v.eligible_population:
            self.err(
                f"{path}.eligiblePopulation",
                f"counts do not add up: performanceMet {v.performance_met} + performanceNotMet "
                f"{v.performance_not_met} + eligiblePopulationExclusion {v.eligible_population_exclusion} + "
                f"eligiblePopulationException {v.eligible_population_exception} = {reported} is greater than "
                f"eligiblePopulation {v.eligible_population}",
                C.COUNTS_INCONSISTENT,
            )

    def check_strata(self, path: str, measure: Measure, v: MultiRateValue) -> None:
        names = {st.name.lower(): st.name for st in measure.strata if st.name}
        if not names:
            return
        for k, stratum in enumerate(v.strata):
            if stratum.stratum.lower() not in names:
                self.warn(
                    f"{path}.strata[{k}].stratum",
                    f"stratum {stratum.stratum!r} is not one of measure {measure.measure_id}'s strata "
                    f"({', '.join(names.values())})",
                    C.UNKNOWN_STRATUM,
                )

    # -- PI exclusions ---------------------------------------------------------------------------
    def check_exclusions(self, path: str, measurements: Sequence[tuple[int, Measurement]]) -> None:
        """An exclusion cannot be submitted with the measure it excludes (spec 6.2, SUBDOCS)."""
        index = {m.measure_id: (j, m) for j, m in reversed(measurements)}
        for j, m in measurements:
            measure = self.ref.measure(m.measure_id)
            if measure is None:
                continue
            for ex_id in measure.exclusion:
                if ex_id not in index:
                    continue
                k, ex = index[ex_id]
                ex_path = f"{path}.measurements[{k}].measureId"
                if ex.value is True:
                    self.err(
                        ex_path,
                        f"{ex_id} claims the exclusion from {m.measure_id}, which is also submitted (at "
                        f"measurements[{j}]): submit either the measure or its exclusion, they have opposite "
                        "meanings",
                        C.EXCLUSION_CONFLICT,
                    )
                else:
                    self.warn(
                        ex_path,
                        f"{ex_id} (the exclusion from {m.measure_id}) is submitted as "
                        f"{describe_value(ex.value)} "
                        f"together with {m.measure_id}: it is ignored",
                        C.EXCLUSION_CONFLICT,
                    )


def describe_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    names: Mapping[type, str] = {
        SingleRateValue: "a single performance rate",
        MultiRateValue: "a multi performance rate (strata)",
        NonProportionValue: "a non-proportion value",
        ProportionValue: "{numerator, denominator}",
        CahpsValue: "{performanceRate}",
    }
    return names.get(type(v), type(v).__name__)


def check_submission(
    doc: Mapping[str, Any],
    ref: ReferenceData,
    rules: YearRules | None,
    base: str = "$",
    parsed: Submission | None = None,
) -> list[Problem]:
    """Every reference-data problem of the raw submission object ``doc`` (at JSON path ``base``).

    ``parsed`` is ``doc`` already parsed, when it parsed: it saves parsing each set again.
    """
    checker = SubmissionChecker(ref=ref, rules=rules, base=base)
    checker.check(doc, parsed)
    return checker.problems
