"""Streaming QRDA Category III -> QPP Submissions JSON, the way CMS's converter does it.

Read CONVERSION-NOTES.md (shared/samples/qrda3-cms) for what CMS's converter does; the comments below cite
its sections. The file is parsed once, with ``defusedxml`` (no DTD, no entity declarations, no external
references) as a stream of start/end events: the header elements and every ``entry`` of a section are
handled when they end and then dropped, so memory stays bounded by the largest single entry, not by the
file. Every problem found is collected (with the XPath of the element and what was expected); any error
means no submission, exactly like CMS ("any error means no QPP JSON").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any, Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..reference import ReferenceDataError
from .codes import ProblemCode as C
from .ecqm import Ecqm, EcqmCatalogue, catalogue_for
from .rules import MULTI_TO_SINGLE_MEASURES, ConversionRules, Program, known_extensions, rules_for_extension

HL7 = "urn:hl7-org:v3"
NS = "{" + HL7 + "}"
MAX_ERRORS = 100  # CMS: the first 100 errors, then TOO_MANY_ERRORS (82)

# -- template OIDs (CONVERSION-NOTES section 2) ---------------------------------------------------------
QRDA3_CMS = "2.16.840.1.113883.10.20.27.1.2"
QRDA3_BASE = "2.16.840.1.113883.10.20.27.1.1"
QRDA1_PREFIX = "2.16.840.1.113883.10.20.24.1."
SECTION_KINDS = {
    "2.16.840.1.113883.10.20.27.2.3": "quality",
    "2.16.840.1.113883.10.20.27.2.4": "ia",
    "2.16.840.1.113883.10.20.27.2.5": "pi",
}
CATEGORY_SECTION = ("2.16.840.1.113883.10.20.27.2.1", "2020-12-01")
RPA, MEASURE, PI_ND, PI_BOOL, IA, AGG, PERFORMED = (
    "rpa",
    "measure",
    "pi_nd",
    "pi_bool",
    "ia",
    "agg",
    "performed",
)
MEASURE_DATA, RATE, NUMERATOR, DENOMINATOR = "measure_data", "rate", "numerator", "denominator"
#: outermost units inside a section entry
ENTRY_UNITS = {
    "2.16.840.1.113883.10.20.17.3.8": RPA,
    "2.16.840.1.113883.10.20.27.3.1": MEASURE,
    "2.16.840.1.113883.10.20.27.3.17": MEASURE,
    "2.16.840.1.113883.10.20.27.3.28": PI_ND,
    "2.16.840.1.113883.10.20.27.3.29": PI_BOOL,
    "2.16.840.1.113883.10.20.27.3.33": IA,
    "2.16.840.1.113883.10.20.27.3.3": AGG,
    "2.16.840.1.113883.10.20.27.3.27": PERFORMED,
}
MEASURE_UNITS = {
    "2.16.840.1.113883.10.20.27.3.5": MEASURE_DATA,
    "2.16.840.1.113883.10.20.27.3.16": MEASURE_DATA,
    "2.16.840.1.113883.10.20.27.3.14": RATE,
    "2.16.840.1.113883.10.20.27.3.25": RATE,
    "2.16.840.1.113883.10.20.27.3.30": RATE,
}
PI_ND_UNITS = {
    "2.16.840.1.113883.10.20.27.3.31": NUMERATOR,
    "2.16.840.1.113883.10.20.27.3.32": DENOMINATOR,
}
AGG_UNITS = {"2.16.840.1.113883.10.20.27.3.3": AGG}
PERFORMED_UNITS = {"2.16.840.1.113883.10.20.27.3.27": PERFORMED}
# -- identifier roots (CONVERSION-NOTES section 3) ------------------------------------------------------
PROGRAM_ROOT = "2.16.840.1.113883.3.249.7"
TIN_ROOT, NPI_ROOT = "2.16.840.1.113883.4.2", "2.16.840.1.113883.4.6"
APM_ROOT, VIRTUAL_GROUP_ROOT, SUBGROUP_ROOT = (
    "2.16.840.1.113883.3.249.5.4",
    "2.16.840.1.113883.3.249.5.2",
    "2.16.840.1.113883.3.249.5.5",
)
MVP_ROOT, CEHRT_ROOT = "2.16.840.1.113883.3.249.5.6", "2.16.840.1.113883.3.2074.1"
MEASURE_GUID_ROOT = "2.16.840.1.113883.4.738"

#: QRDA population code -> QPP JSON field (IPOP and NUMEX are never emitted; section 5)
POPULATION_FIELDS = {
    "NUMER": "performanceMet",
    "DENOM": "eligiblePopulation",
    "DENEX": "eligiblePopulationExclusion",
    "DENEXCEP": "eligiblePopulationException",
}
POPULATION_CODES = {"IPOP", "IPP", "DENOM", "NUMER", "DENEX", "DENEXCEP", "NUMEX"}
#: PI_HIE_5 may not be reported with these (CMS 102, PiSectionValidator)
HIE_5_EXCLUSIVE = ("PI_HIE_1", "PI_LVOTC_1", "PI_HIE_4", "PI_LVITC_2")
_INT = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class QrdaProblem:
    """One thing wrong with a QRDA III file: stable code, the element's XPath, what was expected."""

    code: C
    xpath: str
    message: str
    expected: str
    severity: Literal["error", "warning"] = "error"

    @property
    def cms_code(self) -> int | None:
        return self.code.cms_code

    def to_doc(self) -> dict[str, Any]:
        return {
            "code": self.code.code,
            "cmsCode": self.code.cms_code,
            "severity": self.severity,
            "xpath": self.xpath,
            "message": self.message,
            "expected": self.expected,
        }

    def text(self) -> str:
        cms = f", CMS {self.code.cms_code}" if self.code.cms_code is not None else ""
        return f"[{self.code.code}{cms}] {self.message}; expected {self.expected}"


@dataclass
class Conversion:
    """The result of converting one file: the QPP submission (None when any error) and every problem."""

    submission: dict[str, Any] | None
    problems: list[QrdaProblem]
    filename: str | None = None
    rules_year: int | None = None  # the performance year whose conversion rules applied

    @property
    def errors(self) -> list[QrdaProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[QrdaProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.submission is not None


class _Stop(Exception):
    """The document is not one we convert; nothing more to read."""


def _local(tag: Any) -> str:
    return tag[len(NS) :] if isinstance(tag, str) and tag.startswith(NS) else str(tag)


def _children(el: Element, xpath: str) -> Iterator[tuple[Element, str]]:
    """Children with their XPath (``name[i]``: position among same-named siblings)."""
    seen: dict[str, int] = {}
    for child in el:
        name = _local(child.tag)
        seen[name] = seen.get(name, 0) + 1
        yield child, f"{xpath}/{name}[{seen[name]}]"


def _templates(el: Element) -> list[Element]:
    return el.findall(f"{NS}templateId")


def _units(el: Element, xpath: str, kinds: Mapping[str, str]) -> Iterator[tuple[str, Element, str]]:
    """Outermost descendants (or ``el`` itself) carrying one of ``kinds``' templates, in document order.

    Unknown templates are transparent, as in CMS's decoder: their children are still searched. Iterative
    (an explicit stack), so an absurdly nested entry cannot exhaust the interpreter's recursion limit."""
    todo: list[tuple[Element, str]] = [(el, xpath)]
    while todo:
        node, nx = todo.pop()
        kind = next((k for t in _templates(node) if (k := kinds.get(str(t.get("root", ""))))), None)
        if kind:
            yield kind, node, nx
        else:
            todo.extend(reversed(list(_children(node, nx))))


def _find_ids(el: Element, *steps: str) -> list[Element]:
    return el.findall("/".join(NS + s for s in steps))


def _value_attr(el: Element, attr: str) -> str | None:
    v = el.find(f"{NS}value")
    return None if v is None else v.get(attr)


@dataclass
class _Period:
    start: str | None
    end: str | None
    year: int | None


@dataclass
class _Section:
    kind: str | None
    xpath: str
    templates: list[tuple[str, str | None]] = field(default_factory=list)
    periods: list[tuple[_Period | None, str]] = field(default_factory=list)
    measurements: list[dict[str, Any]] = field(default_factory=list)
    units: int = 0  # measures / activities found
    guids: set[str] = field(default_factory=set)
    pi_ids: list[str] = field(default_factory=list)


@dataclass
class _Header:
    programs: list[tuple[str, str]] = field(default_factory=list)  # (name, xpath)
    tins: list[str] = field(default_factory=list)
    npis: list[str] = field(default_factory=list)
    apm_ids: list[str] = field(default_factory=list)
    virtual_group_ids: list[str] = field(default_factory=list)
    subgroup_ids: list[str] = field(default_factory=list)
    mvp_ids: list[str] = field(default_factory=list)
    cehrt_ids: list[str] = field(default_factory=list)


class _Converter:
    def __init__(self, catalogue: EcqmCatalogue | None) -> None:
        self.problems: list[QrdaProblem] = []
        self.root_templates: list[tuple[str, str | None]] = []
        self.rules: ConversionRules | None = None
        self.header = _Header()
        self.sections: list[_Section] = []
        self.section: _Section | None = None
        self._catalogue = catalogue
        self._catalogue_failed = False
        self._program: Program | None = None
        self._program_resolved = False
        self.counts: dict[str, int] = {}
        self.fatal = False  # the file is unreadable or not a QRDA III document: document checks are moot

    # -- problems --------------------------------------------------------------------------------------
    def add(self, code: C, xpath: str, message: str, expected: str, severity: str = "error") -> None:
        """Collect a problem; beyond MAX_ERRORS of a severity only count it (bounded memory)."""
        self.counts[severity] = self.counts.get(severity, 0) + 1
        if self.counts[severity] <= MAX_ERRORS:
            self.problems.append(QrdaProblem(code, xpath, message, expected, severity))  # type: ignore[arg-type]

    @property
    def catalogue(self) -> EcqmCatalogue | None:
        """The year's eCQMs; None (reported once) when its measures-data cannot be resolved."""
        if self._catalogue is None and not self._catalogue_failed:
            assert self.rules is not None
            try:
                self._catalogue = catalogue_for(self.rules.year)
            except (ReferenceDataError, OSError, ValueError) as exc:
                self._catalogue_failed = True
                self.add(
                    C.MEASURES_DATA_UNAVAILABLE,
                    "/ClinicalDocument",
                    f"the {self.rules.year} measures-data needed to map eCQM GUIDs is unavailable: {exc}",
                    f"CMS qpp-measures-data for {self.rules.year} (mips reference)",
                )
        return self._catalogue

    # -- the stream -----------------------------------------------------------------------------------
    def run(self, stream: IO[bytes]) -> None:
        stack: list[Element] = []
        path: list[str] = []
        counters: list[dict[str, int]] = [{}]
        started = False
        try:
            events = iterparse(
                stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
            deep = 0  # open elements below a section's children: kept in the entry's subtree, no bookkeeping
            for event, el in events:
                if deep or (event == "start" and len(stack) > 5):
                    deep += 1 if event == "start" else -1
                    continue
                if event == "start":
                    name = _local(el.tag)
                    seen = counters[-1]
                    seen[name] = seen.get(name, 0) + 1
                    path.append(f"{name}[{seen[name]}]" if stack else name)
                    counters.append({})
                    stack.append(el)
                    depth = len(stack) - 1
                    if depth == 0:
                        started = True
                        self._root(el)
                    elif (
                        depth == 1
                        and self.rules is None
                        and name not in {"realmCode", "typeId", "templateId"}
                    ):
                        self._recognise()
                    elif depth == 4 and self._in_body(path) and name == "section":
                        self.section = _Section(None, "/" + "/".join(path))
                    continue
                depth = len(stack) - 1
                self._end(el, depth, path)
                # header elements and body containers/section children: handled, now dropped (bounded
                # memory: the tree never holds more than one header element or one section entry)
                drop = depth == 1 or (2 <= depth <= 5 and path[1].startswith("component["))
                stack.pop()
                path.pop()
                counters.pop()
                if drop:
                    stack[-1].remove(el)
            if self.rules is None and started:
                self._recognise()
        except _Stop:
            self.fatal = True
            return
        except DefusedXmlException as exc:
            self.fatal = True
            self.add(
                C.UNSAFE_XML,
                "/",
                f"XML with a DTD, entity declaration or external reference is refused ({type(exc).__name__})",
                "a QRDA III document without DOCTYPE or entities",
            )
        except ParseError as exc:
            self.fatal = True
            line, column = getattr(exc, "position", (0, 0))
            if not started:
                self.add(
                    C.NOT_XML,
                    "/",
                    f"the file is not XML (line {line}, column {column}: {exc})",
                    "a QRDA Category III XML document",
                )
            elif "no element found" in str(exc) or "unclosed token" in str(exc):
                self.add(
                    C.TRUNCATED_XML,
                    "/" + "/".join(path),
                    f"the XML ends before the document is complete (line {line}, column {column}): "
                    "the file looks truncated",
                    f"the whole document, closed by </{path[0] if path else 'ClinicalDocument'}>",
                )
            else:
                self.add(
                    C.MALFORMED_XML,
                    "/" + "/".join(path),
                    f"not well-formed XML (line {line}, column {column}: {exc})",
                    "well-formed XML",
                )

    @staticmethod
    def _in_body(path: list[str]) -> bool:
        return (
            len(path) >= 5
            and path[1].startswith("component[")
            and path[2].startswith("structuredBody[")
            and path[3].startswith("component[")
        )

    def _root(self, el: Element) -> None:
        tag = str(el.tag)
        if tag == NS + "ClinicalDocument":
            return
        local = tag.rsplit("}", 1)[-1]
        ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
        if local == "ClinicalDocument":
            self.add(
                C.WRONG_NAMESPACE,
                "/ClinicalDocument",
                f"<ClinicalDocument> is in namespace {ns!r}" if ns else "<ClinicalDocument> has no namespace",
                f'the HL7 v3 namespace xmlns="{HL7}"',
            )
        else:
            self.add(
                C.NOT_QRDA_III,
                f"/{local}",
                f"the document element is <{local}>, not a QRDA III <ClinicalDocument>",
                f'<ClinicalDocument xmlns="{HL7}"> with templateId {QRDA3_CMS}',
            )
        raise _Stop

    def _recognise(self) -> None:
        """Clinical Document templateId -> year rules (exact extension match, as CMS; section 1)."""
        roots = {r for r, _ in self.root_templates}
        cms = [ext for r, ext in self.root_templates if r == QRDA3_CMS]
        if cms:
            rules = next((r for e in cms if (r := rules_for_extension(e)) is not None), None)
            if rules is not None:
                self.rules = rules
                return
            self.add(
                C.UNSUPPORTED_IG_VERSION,
                "/ClinicalDocument/templateId",
                f"templateId {QRDA3_CMS} (QRDA III Report - CMS) has extension "
                f"{', '.join(repr(e) for e in cms if e) or 'none'}: not an Implementation Guide edition "
                "this converter knows",
                f"extension {known_extensions()}",
            )
        elif any(r.startswith(QRDA1_PREFIX) for r in roots):
            self.add(
                C.QRDA_CATEGORY_I,
                "/ClinicalDocument/templateId",
                "this is a QRDA Category I (patient-level) document: it holds patient data, never accepted",
                f"a QRDA Category III (aggregate) report, templateId {QRDA3_CMS}",
            )
        else:
            what = "the base QRDA III report template only" if QRDA3_BASE in roots else "no QRDA III template"
            self.add(
                C.NOT_QRDA_III,
                "/ClinicalDocument/templateId",
                f"the ClinicalDocument carries {what}",
                f"templateId {QRDA3_CMS} (QRDA III Report - CMS) with extension {known_extensions()}",
            )
        raise _Stop

    # -- element ends -----------------------------------------------------------------------------------
    def _end(self, el: Element, depth: int, path: list[str]) -> None:
        name = _local(el.tag)
        if depth == 1:
            if name == "templateId":
                self.root_templates.append((str(el.get("root", "")), el.get("extension")))
            elif name != "component":
                self._header_element(el, name, "/" + "/".join(path))
        elif depth == 5 and self.section is not None and self._in_body(path):
            xpath = "/" + "/".join(path)
            if name == "templateId":
                root = str(el.get("root", ""))
                self.section.templates.append((root, el.get("extension")))
                if self.section.kind is None and root in SECTION_KINDS:
                    self.section.kind = SECTION_KINDS[root]
            elif name == "entry" and self.section.kind is not None:
                for kind, unit, ux in _units(el, xpath, ENTRY_UNITS):
                    self._unit(self.section, kind, unit, ux)
        elif depth == 4 and self.section is not None and name == "section":
            if self.section.kind is not None:
                self._finish_section(self.section)
                self.sections.append(self.section)
            self.section = None

    # -- header (section 3) ---------------------------------------------------------------------------
    def _header_element(self, el: Element, name: str, xpath: str) -> None:
        h = self.header
        if name == "informationRecipient":
            for i, rid in enumerate(_find_ids(el, "intendedRecipient", "id"), 1):
                if rid.get("root") == PROGRAM_ROOT:
                    h.programs.append(
                        (str(rid.get("extension") or ""), f"{xpath}/intendedRecipient[1]/id[{i}]")
                    )
        elif name == "participant":
            for pid in _find_ids(el, "associatedEntity", "id"):
                ext = pid.get("extension")
                if pid.get("root") == MVP_ROOT and ext:
                    h.mvp_ids.append(ext)
                elif pid.get("root") == CEHRT_ROOT and ext:
                    h.cehrt_ids.append(ext)
        elif name == "documentationOf":
            for performer in _find_ids(el, "serviceEvent", "performer"):
                for pid in _find_ids(performer, "assignedEntity", "id"):
                    if pid.get("root") == NPI_ROOT and pid.get("extension"):
                        h.npis.append(str(pid.get("extension")))
                for oid in _find_ids(performer, "assignedEntity", "representedOrganization", "id"):
                    ext, root = oid.get("extension"), oid.get("root")
                    if not ext:
                        continue
                    {
                        TIN_ROOT: h.tins,
                        APM_ROOT: h.apm_ids,
                        VIRTUAL_GROUP_ROOT: h.virtual_group_ids,
                        SUBGROUP_ROOT: h.subgroup_ids,
                    }.get(str(root), []).append(ext)

    @property
    def program(self) -> Program | None:
        """The header's program (None: missing or unknown; reported once at the end)."""
        if not self._program_resolved and self.rules is not None:
            self._program_resolved = True
            names = [n for n, _ in self.header.programs if n]
            if len(names) == 1:
                self._program = self.rules.programs.get(names[0].strip().upper())
        return self._program

    @property
    def program_unknown(self) -> bool:
        """A program name is given but is not one of the year's (PCF, CPC+, ...): error 25 says it all;
        CMS runs no measure validation for such files."""
        return self.program is None and any(n for n, _ in self.header.programs)

    @property
    def validates_ecqm_populations(self) -> bool:
        """CMS validates eCQM populations for MIPS programs only (section 5); a missing program counts
        as MIPS here (the file is rejected for its program name anyway)."""
        prog = self.program
        return prog.program_name == "mips" if prog is not None else not self.program_unknown

    # -- section entries --------------------------------------------------------------------------------
    def _unit(self, section: _Section, kind: str, el: Element, xpath: str) -> None:
        if kind == RPA:
            section.periods.append((self._period(el, xpath), xpath))
            return
        if section.kind == "quality" and kind == MEASURE:
            section.units += 1
            self._measure(section, el, xpath)
        elif section.kind == "pi" and kind in (PI_ND, PI_BOOL):
            section.units += 1
            (self._pi_nd if kind == PI_ND else self._pi_bool)(section, el, xpath)
        elif section.kind == "ia" and kind == IA:
            section.units += 1
            self._ia(section, el, xpath)
        elif section.kind == "ia":  # section 7: nothing but activities and the reporting parameters
            self.add(
                C.IA_SECTION_WRONG_CHILD,
                section.xpath,
                f"the Improvement Activities section contains a {kind} element at {xpath}",
                "only Improvement Activity Performed entries (3.33) and one Reporting Parameters Act",
            )
            if kind == AGG:  # CMS also rejects the stray aggregate count itself (its parent has none)
                self.add(
                    C.AGGREGATE_COUNT_NOT_SINGULAR,
                    xpath,
                    "an aggregate count outside a measure population, numerator or denominator",
                    "aggregate counts only inside Measure Data or PI numerator/denominator observations",
                )
        # anything else inside a quality or PI section is ignored, as CMS does (junk is transparent)

    def _period(self, act: Element, xpath: str) -> _Period | None:
        """Reporting Parameters Act -> performance period (section 4: first 8 digits, yyyyMMdd)."""
        found: list[str | None] = []
        for edge, code, what in (("low", C.PERFORMANCE_START_NOT_SINGLE, "start"), ("high", None, "end")):
            values = [e.get("value") for e in act.findall(f"{NS}effectiveTime/{NS}{edge}") if e.get("value")]
            if len(values) != 1:
                self.add(
                    code or C.PERFORMANCE_END_NOT_SINGLE,
                    xpath,
                    f"the reporting parameters have {len(values)} performance period {what} values",
                    f"exactly one effectiveTime/{edge}/@value (a date such as 20240101)",
                )
                return None  # CMS stops at the first failure on this node
            found.append(values[0])
        dates: list[str] = []
        for raw, edge in zip(found, ("low", "high"), strict=True):
            digits = str(raw).replace("-", "").replace("/", "")[:8]
            try:
                dates.append(date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat())
            except ValueError:
                self.add(
                    C.INVALID_PERFORMANCE_PERIOD_FORMAT,
                    xpath,
                    f"performance period {edge} date {raw!r} (effectiveTime/{edge}/@value) is not a date",
                    "yyyyMMdd (e.g. 20240101), 2024-01-01 or 2024/01/01T01:45:23",
                )
                return None
        return _Period(dates[0], dates[1], int(dates[0][:4]))

    # -- quality (section 5) ----------------------------------------------------------------------------
    def _measure(self, section: _Section, el: Element, xpath: str) -> None:
        guids = [
            str(i.get("extension"))
            for i in _find_ids(el, "reference", "externalDocument", "id")
            if i.get("root") == MEASURE_GUID_ROOT and i.get("extension")
        ]
        if len(guids) != 1:
            self.add(
                C.MEASURE_GUID_MISSING,
                f"{xpath}/reference[1]/externalDocument[1]",
                f"the measure reference carries {len(guids)} eCQM version-specific GUIDs",
                f"exactly one externalDocument/id[@root='{MEASURE_GUID_ROOT}']/@extension",
            )
        guid = guids[0] if guids else None
        if guid and guid.lower() in section.guids:
            self.add(
                C.MEASURE_GUID_DUPLICATED,
                xpath,
                f"the measure GUID {guid} is reported twice in the measure section",
                "each measure once",
            )
        if guid:
            section.guids.add(guid.lower())
        catalogue = self.catalogue
        if catalogue is None:
            return
        ecqm = catalogue.get(guid)
        if guid and ecqm is None and not self.program_unknown:
            self.add(
                C.MEASURE_GUID_UNKNOWN,
                xpath,
                f"the eCQM GUID {guid} is not a {self.rules.year if self.rules else ''} eCQM "
                "(measures-data has no such eMeasureUuid)",
                f"a version-specific eCQM UUID of performance year {self.rules.year if self.rules else ''} "
                "(QRDA III IG table 15)",
            )
        populations: list[tuple[str, str, int | None, str]] = []  # (code, uuid, count, xpath)
        rates: list[tuple[Element, str]] = []
        for kind, unit, ux in _units(el, xpath, MEASURE_UNITS):
            if unit is el:
                continue
            if kind == MEASURE_DATA:
                pop = self._population(unit, ux)
                if pop is not None:
                    populations.append(pop)
            else:
                rates.append((unit, ux))
        bad_counts = any(count is None for _, _, count, _ in populations)
        for unit, ux in rates:
            self._rate(unit, ux, ecqm)
        if ecqm is None:
            return
        self._check_populations(ecqm, populations, xpath)
        if not bad_counts:
            section.measurements.append(
                {"measureId": ecqm.measure_id, "value": _encode_value(ecqm, populations)}
            )

    def _population(self, obs: Element, xpath: str) -> tuple[str, str, int | None, str] | None:
        code = (_value_attr(obs, "code") or "").upper()
        if code not in POPULATION_CODES:
            return None  # CMS skips unknown population codes
        code = "IPOP" if code == "IPP" else code
        uuid = next(
            (str(i.get("root")) for i in _find_ids(obs, "reference", "externalObservation", "id")), ""
        )
        counts = [  # only the count directly under this population, not the stratum/SDE counts
            (count, count_xpath)
            for rel, rel_xpath in _children(obs, xpath)
            if rel.tag == NS + "entryRelationship"
            for count, count_xpath in _children(rel, rel_xpath)
            if any(t.get("root") in AGG_UNITS for t in _templates(count))
        ]
        if not counts:
            self.add(
                C.MEASURE_DATA_MISSING_AGGREGATE_COUNT,
                xpath,
                f"the {code} population {uuid} has no aggregate count",
                "exactly one Aggregate Count (2.16.840.1.113883.10.20.27.3.3) directly under the population",
            )
            return (code, uuid, None, xpath)
        if len(counts) > 1:
            self.add(
                C.AGGREGATE_COUNT_NOT_SINGULAR,
                xpath,
                f"the {code} population {uuid} has {len(counts)} aggregate counts",
                "exactly one Aggregate Count directly under the population",
            )
            return (code, uuid, None, xpath)
        count_el, cx = counts[0]
        values = count_el.findall(f"{NS}value")
        if len(values) > 1:
            self.add(
                C.AGGREGATE_COUNT_NOT_SINGULAR,
                cx,
                f"the {code} population {uuid} count has {len(values)} values",
                "exactly one value/@value in the aggregate count",
            )
            return (code, uuid, None, xpath)
        raw = _value_attr(count_el, "value")
        if raw is None or not _INT.fullmatch(raw.strip()):
            self.add(
                C.AGGREGATE_COUNT_NOT_INTEGER,
                cx,
                f"the {code} population {uuid} count is {raw!r}",
                "a whole number without decimals",
            )
            return (code, uuid, None, xpath)
        count = int(raw)
        if count < 0:
            self.add(
                C.MEASURE_DATA_VALUE_NEGATIVE,
                cx,
                f"the {code} population {uuid} count is {count}",
                "a whole number greater than or equal to 0",
            )
            return (code, uuid, None, xpath)
        return (code, uuid, count, xpath)

    def _rate(self, obs: Element, xpath: str, ecqm: Ecqm | None) -> None:
        value = obs.find(f"{NS}value")
        if value is not None and value.get("nullFlavor") != "NA":
            raw = value.get("value")
            try:
                ok = raw is not None and 0.0 <= float(raw) <= 1.0
            except ValueError:
                ok = False
            if not ok:
                self.add(
                    C.PERFORMANCE_RATE_INVALID_VALUE,
                    f"{xpath}/value[1]",
                    f"the performance rate is {raw!r}",
                    'a decimal between 0 and 1, or nullFlavor="NA" when the performance denominator is 0',
                )
        if ecqm is None or not self.validates_ecqm_populations:
            return
        refs = [
            str(i.get("root"))
            for i in _find_ids(obs, "reference", "externalObservation", "id")
            if i.get("root")
        ]
        if len(refs) != 1:
            self.add(
                C.PERFORMANCE_RATE_MISSING_NUMERATOR_UUID,
                xpath,
                f"the performance rate references {len(refs)} numerator UUIDs",
                "exactly one reference/externalObservation/id/@root naming the numerator population",
            )
        elif refs[0].lower() not in ecqm.uuids_of("NUMER"):
            self.add(
                C.POPULATION_UUID_INCORRECT,
                xpath,
                f"{ecqm.e_measure_id}: the performance rate references numerator {refs[0]}",
                f"performanceRateUuid one of {', '.join(sorted(ecqm.uuids_of('NUMER')))}",
            )

    def _check_populations(
        self, ecqm: Ecqm, pops: list[tuple[str, str, int | None, str]], xpath: str
    ) -> None:
        """CMS's MipsQualityMeasureIdValidator: counts (14), UUIDs (59), DENOM <= IPOP (13). CMS runs it for
        MIPS programs only; for APP programs the same findings are warnings here (decision, README)."""
        severity = "error" if self.validates_ecqm_populations else "warning"
        note = "" if severity == "error" else " (CMS does not check this for APP programs: warning only)"
        for code in ("DENOM", "NUMER", "DENEX", "DENEXCEP"):
            expected = ecqm.expected_count(code)
            actual = sum(p[0] == code for p in pops)
            if expected != actual:
                self.add(
                    C.POPULATION_COUNT_INCORRECT,
                    xpath,
                    f"{ecqm.e_measure_id} (measure {ecqm.measure_id}): {actual} {code} population(s){note}",
                    f"{expected} {code} population(s)",
                    severity,
                )
                continue
            present = {p[1].lower() for p in pops if p[0] == code}
            for uuid in sorted(ecqm.uuids_of(code) - present):
                self.add(
                    C.POPULATION_UUID_INCORRECT,
                    xpath,
                    f"{ecqm.e_measure_id} (measure {ecqm.measure_id}) has no {code} population with UUID "
                    f"{uuid}{note}",
                    f"a {code} population whose reference/externalObservation/id/@root is {uuid}",
                    severity,
                )
        by_uuid = {(p[0], p[1].lower()): p for p in pops}
        for stratum in ecqm.strata:
            ipop_uuid, denom_uuid = stratum.uuids.get("IPOP"), stratum.uuids.get("DENOM")
            ipop = by_uuid.get(("IPOP", (ipop_uuid or "").lower()))
            denom = by_uuid.get(("DENOM", (denom_uuid or "").lower()))
            if ipop and denom and ipop[2] is not None and denom[2] is not None and denom[2] > ipop[2]:
                self.add(
                    C.DENOMINATOR_COUNT_INVALID,
                    denom[3],
                    f"{ecqm.e_measure_id}: denominator {denom[2]} is greater than the initial population "
                    f"{ipop[2]}{note}",
                    "a denominator count less than or equal to the initial population count",
                    severity,
                )

    # -- promoting interoperability (section 6) ---------------------------------------------------------
    def _measure_id(self, el: Element, xpath: str, what: str) -> str | None:
        ids = [
            str(i.get("extension"))
            for i in _find_ids(el, "reference", "externalDocument", "id")
            if i.get("extension")
        ]
        if not ids:
            self.add(
                C.PI_MISSING_MEASURE_ID,
                f"{xpath}/reference[1]/externalDocument[1]",
                f"the {what} has no measure id",
                "reference/externalDocument/id/@extension (e.g. PI_PEA_1)",
            )
            return None
        return ids[0]

    def _pi_nd(self, section: _Section, el: Element, xpath: str) -> None:
        measure_id = self._measure_id(el, xpath, "Promoting Interoperability numerator/denominator measure")
        parts: dict[str, list[tuple[Element, str]]] = {NUMERATOR: [], DENOMINATOR: []}
        for kind, unit, ux in _units(el, xpath, PI_ND_UNITS):
            if unit is not el:
                parts[kind].append((unit, ux))
        if not parts[NUMERATOR] and not parts[DENOMINATOR]:
            self.add(
                C.PI_NUMERATOR_DENOMINATOR_MISSING_CHILDREN,
                xpath,
                f"the measure {measure_id} has neither a Numerator nor a Denominator element",
                "one Numerator (3.31) and one Denominator (3.32) element child",
            )
            return
        values: dict[str, int | None] = {}
        for kind, label in ((NUMERATOR, "Numerator"), (DENOMINATOR, "Denominator")):
            for unit, ux in parts[kind]:
                values.setdefault(kind, self._pi_count(unit, ux, label))
        for kind, label in ((NUMERATOR, "Numerator"), (DENOMINATOR, "Denominator")):
            if len(parts[kind]) != 1:
                self.add(
                    C.PI_NUMERATOR_DENOMINATOR_NOT_SINGLE,
                    xpath,
                    f"the measure {measure_id} has {len(parts[kind])} {label} elements",
                    f"exactly one {label} element child",
                )
                return
        if measure_id is not None:
            section.pi_ids.append(measure_id)
            if values[NUMERATOR] is not None and values[DENOMINATOR] is not None:
                section.measurements.append(
                    {
                        "measureId": measure_id,
                        "value": {"numerator": values[NUMERATOR], "denominator": values[DENOMINATOR]},
                    }
                )

    def _pi_count(self, obs: Element, xpath: str, label: str) -> int | None:
        counts = [(u, ux) for _, u, ux in _units(obs, xpath, AGG_UNITS) if u is not obs]
        if len(counts) != 1:
            self.add(
                C.PI_AGGREGATE_COUNT_NOT_SINGLE,
                xpath,
                f"the {label} has {len(counts)} aggregate counts",
                "exactly one aggregate count",
            )
            return None
        unit, ux = counts[0]
        raw = (_value_attr(unit, "value") or "").strip()
        if not raw:
            self.add(C.PI_COUNT_INVALID, ux, f"the {label} value is empty", "a whole number >= 0")
            return None
        if not _INT.fullmatch(raw):
            self.add(
                C.PI_COUNT_NOT_INTEGER,
                ux,
                f"the {label} value {raw!r} is not a whole number",
                "a whole number >= 0",
            )
            return None
        if int(raw) < 0:
            self.add(
                C.PI_COUNT_INVALID,
                ux,
                f"the {label} value {raw!r} is negative",
                "a whole number >= 0",
            )
            return None
        return int(raw)

    def _performed(self, el: Element, xpath: str, not_single: C, what: str) -> bool | None:
        performed = [(u, ux) for _, u, ux in _units(el, xpath, PERFORMED_UNITS) if u is not el]
        if len(performed) != 1:
            self.add(
                not_single,
                xpath,
                f"the {what} has {len(performed)} measure-performed children",
                "exactly one Measure Performed (3.27)",
            )
            return None
        unit, ux = performed[0]
        code = _value_attr(unit, "code")
        if code not in ("Y", "N"):
            self.add(
                C.MEASURE_PERFORMED_NOT_Y_OR_N,
                ux,
                f"the {what} value is {code!r}",
                "value/@code Y or N (code system 2.16.840.1.113883.12.136)",
            )
            return None
        return code == "Y"

    def _pi_bool(self, section: _Section, el: Element, xpath: str) -> None:
        measure_id = self._measure_id(el, xpath, "Promoting Interoperability measure")
        n_ids = sum(bool(i.get("extension")) for i in _find_ids(el, "reference", "externalDocument", "id"))
        if n_ids > 1:
            self.add(
                C.PI_MEASURE_ID_NOT_SINGLE,
                f"{xpath}/reference[1]/externalDocument[1]",
                f"the Promoting Interoperability measure has {n_ids} measure ids",
                "exactly one reference/externalDocument/id/@extension",
            )
            return
        value = self._performed(el, xpath, C.PI_MEASURE_PERFORMED_NOT_SINGLE, f"PI measure {measure_id}")
        if measure_id is not None:
            section.pi_ids.append(measure_id)
            if value is not None:
                section.measurements.append({"measureId": measure_id, "value": value})

    # -- improvement activities (section 7) -------------------------------------------------------------
    def _ia(self, section: _Section, el: Element, xpath: str) -> None:
        ids = [
            str(i.get("extension"))
            for i in _find_ids(el, "reference", "externalDocument", "id")
            if i.get("extension")
        ]
        value = self._performed(
            el, xpath, C.IA_MEASURE_PERFORMED_NOT_SINGLE, f"activity {ids[0] if ids else '?'}"
        )
        if not ids:  # CMS has no code for it; an activity nobody can name must not vanish silently
            self.add(
                C.IA_MISSING_MEASURE_ID,
                f"{xpath}/reference[1]/externalDocument[1]",
                "the improvement activity has no activity id",
                "reference/externalDocument/id/@extension (e.g. IA_EPA_1)",
            )
        if ids and value is not None:
            section.measurements.append({"measureId": ids[0], "value": value})

    # -- section and document checks --------------------------------------------------------------------
    def _finish_section(self, s: _Section) -> None:
        rpa_code = {
            "quality": C.QUALITY_SECTION_REPORTING_PARAMETERS,
            "pi": C.PI_SECTION_REPORTING_PARAMETERS,
            "ia": C.IA_SECTION_REPORTING_PARAMETERS,
        }[str(s.kind)]
        names = {"quality": "measure", "pi": "Promoting Interoperability", "ia": "Improvement Activities"}
        if len(s.periods) != 1:
            self.add(
                rpa_code,
                s.xpath,
                f"the {names[str(s.kind)]} section has {len(s.periods)} Reporting Parameters Acts",
                "exactly one Reporting Parameters Act (2.16.840.1.113883.10.20.17.3.8) giving the section's "
                "performance period",
            )
        if s.kind == "quality":
            if CATEGORY_SECTION not in s.templates:
                self.add(
                    C.MEASURE_SECTION_REQUIRES_CATEGORY_SECTION,
                    s.xpath,
                    "the measure section lacks the QRDA III Measure Section templateId",
                    f"templateId root {CATEGORY_SECTION[0]} extension {CATEGORY_SECTION[1]}",
                )
            if s.units == 0:
                self.add(
                    C.MEASURE_SECTION_MISSING_MEASURE,
                    s.xpath,
                    "the measure section has no measure",
                    "at least one eCQM",
                )
        elif s.kind == "ia" and s.units == 0:
            self.add(
                C.IA_SECTION_MISSING_MEASURE,
                s.xpath,
                "the Improvement Activities section has no activity",
                "at least one Improvement Activity",
            )
        elif s.kind == "pi" and "PI_HIE_5" in s.pi_ids:
            clash = [m for m in HIE_5_EXCLUSIVE if m in s.pi_ids]
            if clash:
                self.add(
                    C.PI_RESTRICTED_MEASURES,
                    s.xpath,
                    f"PI_HIE_5 is reported together with {', '.join(clash)}",
                    f"PI_HIE_5 alone, or {', '.join(HIE_5_EXCLUSIVE)} without PI_HIE_5",
                )

    def finish(self) -> dict[str, Any] | None:
        if self.rules is None or self.fatal:
            return None
        h = self.header
        names = [n for n, _ in h.programs if n]
        allowed = ", ".join(sorted(self.rules.programs))
        if len(names) != 1:
            self.add(
                C.MISSING_PROGRAM_NAME,
                "/ClinicalDocument",
                f"the document has {len(names)} program names",
                f"exactly one informationRecipient/intendedRecipient/id[@root='{PROGRAM_ROOT}']/@extension, "
                f"one of: {allowed}",
            )
        elif self.program is None:
            self.add(
                C.INCORRECT_PROGRAM_NAME,
                "/ClinicalDocument",
                f"program name {names[0]!r} is not a {self.rules.year} program",
                f"one of {allowed}",
            )
        prog = self.program
        if prog is not None and prog.entity_type == "virtualGroup" and not h.virtual_group_ids:
            self.add(
                C.VIRTUAL_GROUP_ID_REQUIRED,
                "/ClinicalDocument/documentationOf",
                "a MIPS virtual group file without the virtual group id",
                f"representedOrganization/id[@root='{VIRTUAL_GROUP_ROOT}']/@extension",
            )
        if not self.sections:
            self.add(
                C.NO_SECTION,
                "/ClinicalDocument/component",
                "the document has no measure, Promoting Interoperability or Improvement Activities section",
                "at least one of those sections",
            )
        seen: set[str] = set()
        dup = {
            "pi": C.DUPLICATE_PI_SECTION,
            "ia": C.DUPLICATE_IA_SECTION,
            "quality": C.DUPLICATE_QUALITY_SECTION,
        }
        for s in self.sections:
            if s.kind in seen:
                self.add(
                    dup[str(s.kind)], s.xpath, f"a second {s.kind} section", f"at most one {s.kind} section"
                )
            seen.add(str(s.kind))
        periods = [p for s in self.sections for p, _ in s.periods[:1] if p is not None]
        if self.sections and not periods and not self.errors():
            self.add(
                C.MISSING_PERFORMANCE_YEAR,
                "/ClinicalDocument",
                "no performance period",
                "a Reporting Parameters Act",
            )
        if self.errors() or prog is None:
            return None
        return self._encode(prog, periods[0].year if periods else None)

    def errors(self) -> list[QrdaProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def _encode(self, prog: Program, year: int | None) -> dict[str, Any]:
        """Top level and one measurement set per section, in document order (sections 3 and 4)."""
        assert self.rules is not None
        h = self.header
        doc: dict[str, Any] = {"performanceYear": year, "entityType": prog.entity_type}
        entity_id = {
            "apm": h.apm_ids,
            "subgroup": h.subgroup_ids,
            "virtualGroup": h.virtual_group_ids,
        }.get(prog.entity_type)
        if entity_id:
            doc["entityId"] = entity_id[0]
        if prog.entity_type == "individual" and h.npis:
            doc["nationalProviderIdentifier"] = h.npis[0]
        if prog.entity_type in ("individual", "group", "virtualGroup") and h.tins:
            doc["taxpayerIdentificationNumber"] = h.tins[0]
        mvp = h.mvp_ids[0] if prog.reads_mvp and h.mvp_ids else None
        sets = []
        for s in self.sections:
            period = s.periods[0][0]
            assert period is not None
            program_name = mvp or prog.program_name
            if s.kind == "quality" and prog.entity_type == "apm":  # ClinicalDocumentEncoder: forced
                program_name = prog.program_name
            ms: dict[str, Any] = {"category": s.kind, "submissionMethod": "electronicHealthRecord"}
            if s.kind in self.rules.cehrt_id_categories and h.cehrt_ids:
                ms["cehrtId"] = h.cehrt_ids[0]
            ms.update(
                measurements=s.measurements,
                programName=program_name,
                performanceStart=period.start,
                performanceEnd=period.end,
                source="qrda3",
            )
            sets.append(ms)
        doc["measurementSets"] = sets
        return doc


def _encode_value(ecqm: Ecqm, pops: list[tuple[str, str, int | None, str]]) -> dict[str, Any]:
    """Populations -> QPP ``value`` by the measure's shape (section 5: single, multi-to-single, multi)."""
    if ecqm.measure_id in MULTI_TO_SINGLE_MEASURES:
        sums = {code: sum(p[2] or 0 for p in pops if p[0] == code) for code in POPULATION_FIELDS}
        return {"isEndToEndReported": True, **_fields(sums, always=True)}
    if ecqm.metric_type == "multiPerformanceRate" and len(ecqm.strata) > 1:
        strata = []
        for stratum in ecqm.strata:
            uuids = stratum.uuid_set()
            if not uuids:  # a stratum without population UUIDs (370 "adults"): CMS emits zeros
                has_denex = any(p[0] == "DENEX" for p in pops)
                zero = {"NUMER": 0, "DENOM": 0, **({"DENEX": 0} if has_denex else {})}
                strata.append({**_fields(zero), "stratum": stratum.name})
                continue
            first: dict[str, int] = {}
            for code, uuid, count, _ in pops:
                if uuid.lower() in uuids and code in POPULATION_FIELDS and code not in first:
                    first[code] = count or 0
            strata.append({**_fields(first), "stratum": stratum.name})
        return {"isEndToEndReported": True, "strata": strata}
    first = {}
    for code, _, count, _ in pops:  # CMS takes the first population of each type (UUIDs only validated)
        if code in POPULATION_FIELDS and code not in first:
            first[code] = count or 0
    return {"isEndToEndReported": True, **_fields(first)}


def _fields(counts: Mapping[str, int], always: bool = False) -> dict[str, int]:
    """QPP count fields for the populations present (all five when ``always``); performanceNotMet is
    derived: DENOM - NUMER - DENEX - DENEXCEP, absent populations counting 0."""
    out = {POPULATION_FIELDS[c]: counts.get(c, 0) for c in POPULATION_FIELDS if c in counts or always}
    not_met = (
        counts.get("DENOM", 0) - counts.get("NUMER", 0) - counts.get("DENEX", 0) - counts.get("DENEXCEP", 0)
    )
    out["performanceNotMet"] = not_met
    return out


def convert(
    data: bytes | IO[bytes],
    *,
    filename: str | None = None,
    catalogue: EcqmCatalogue | None = None,
) -> Conversion:
    """Convert one QRDA Category III document (bytes or a binary stream) to a QPP submission.

    ``catalogue`` overrides the eCQM measures data (default: the measures-data of the performance year
    whose Implementation Guide edition the document declares, via :mod:`mips.reference`). Never raises
    on bad input: every problem is in ``Conversion.problems``.
    """
    stream: IO[bytes] = io.BytesIO(bytes(data)) if isinstance(data, (bytes, bytearray, memoryview)) else data
    conv = _Converter(catalogue)
    conv.run(stream)
    submission = conv.finish()
    problems = conv.problems
    n_errors = conv.counts.get("error", 0)
    if n_errors > MAX_ERRORS:  # CMS: the first 100 errors, then TOO_MANY_ERRORS (82)
        problems = [
            *problems,
            QrdaProblem(
                C.TOO_MANY_PROBLEMS,
                "/ClinicalDocument",
                f"the file has {n_errors} errors; the first {MAX_ERRORS} are listed",
                "a corrected file",
            ),
        ]
    return Conversion(
        submission=submission,
        problems=problems,
        filename=filename,
        rules_year=conv.rules.year if conv.rules else None,
    )
