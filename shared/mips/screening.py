"""The one screening of an input file, shared by ``mips validate``, ``mips score`` and the ingest function.

Registries drop whatever their systems export and users pass whatever file is at hand, so before a file
is validated against its model this module answers, with one verdict and one wording for every entry
point: is it JSON at all (not gzip, ZIP, PDF, CSV, XML...)? is it safe to hold in memory (size, nesting,
number sizes, strings)? is it an *input* file (not a result document or a CMS scoring output)? which input
file is it (submission, profile or CMS data, detected from its content) and is that the kind the intake
prefix or the ``mips score`` flag says? does the engine have rules for its performance year? does it stay
within the shape limits (measurement sets per file, measurements per set, no duplicated sets)?

:func:`screen` never raises on bad input: every answer is a :class:`~mips.models.Problem` with a stable
:class:`~mips.problems.ProblemCode`. Errors make the file unusable (it is not validated further); warnings
(a UTF-8 byte-order mark) travel on with the file.

XML is handled in exactly one place, :func:`_screen_xml` (defusedxml only: no DTDs, no entities, no
external references).
"""

from __future__ import annotations

import json
import math
import operator
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, count
from types import ModuleType
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from .models.common import Problem
from .problems import ProblemCode as C

Kind = Literal["submission", "profile", "cmsData"]
KINDS: tuple[Kind, ...] = ("submission", "profile", "cmsData")

# -- limits (README "Input checks") -----------------------------------------------------------------------
#: default largest intake file read into memory (override with MAX_INPUT_BYTES); a QPP JSON submission
#: for one entity holds aggregate counts only and is a few hundred KB at most
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024
#: deeper JSON nesting than any input format has (and far below the parser's recursion limit)
MAX_JSON_DEPTH = 64
#: measurement sets in one submission: one per category x submission method x reporting option needs fewer
MAX_MEASUREMENT_SETS = 20
#: measurements in one set: more than the 2024 quality measures (about 200), activities or PI measures
MAX_MEASUREMENTS_PER_SET = 250
#: measurements in the whole file (bounds validation, scoring and the result document's size)
MAX_MEASUREMENTS_PER_FILE = 1000
#: entries of any other list (strata, costMeasures, adminClaimsMeasures, claims segments)
MAX_LIST_ITEMS = 100
#: digits of an integer (counts, years): 10^15 is more than any count of patients or dollars
MAX_INT_DIGITS = 15
#: magnitude of a decimal number
MAX_NUMBER = 1e15
#: longest file name / S3 key (S3's own key limit is 1,024 bytes)
MAX_FILE_NAME = 1024

QRDA3_TEMPLATE = "2.16.840.1.113883.10.20.27.1.1"  # QRDA Category III report (CMS IG: .27.1.2)
QRDA1_TEMPLATE_PREFIX = "2.16.840.1.113883.10.20.24.1."  # QRDA Category I (patient-level)
_HL7 = "{urn:hl7-org:v3}"
_BOM = b"\xef\xbb\xbf"

#: leading bytes of common binary exports -> (what the file is, code)
_MAGIC: tuple[tuple[bytes, str, C], ...] = (
    (b"\x1f\x8b", "gzip-compressed data", C.COMPRESSED_FILE),
    (b"PK\x03\x04", "a ZIP archive (or an .xlsx/.docx file)", C.COMPRESSED_FILE),
    (b"BZh", "bzip2-compressed data", C.COMPRESSED_FILE),
    (b"\xfd7zXZ", "xz-compressed data", C.COMPRESSED_FILE),
    (b"%PDF", "a PDF document", C.BINARY_FILE),
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office document", C.BINARY_FILE),
    (b"\x89PNG", "a PNG image", C.BINARY_FILE),
    (b"\xff\xd8\xff", "a JPEG image", C.BINARY_FILE),
)
_MAGIC_PREFIXES = tuple(magic for magic, _, _ in _MAGIC)
EXPECTED = {
    "submission": 'QPP Submissions API JSON (measurementSets, bare or as {"data": {"submission": ...}})',
    "profile": "a profile JSON document (clinicianType, practiceSize, claims, specialStatuses, ...)",
    "cmsData": "a CMS-calculated data JSON document (costMeasures, adminClaimsMeasures, complexPatientBonus)",
}
_ANY_INPUT = "a submission (QPP Submissions API JSON), a profile or a CMS-data file"
KIND_NAMES = {"submission": "a submission", "profile": "a profile", "cmsData": "a CMS-data file"}

PROFILE_KEYS = frozenset(
    {
        "clinicianType",
        "practiceSize",
        "claims",
        "firstMedicareEnrollmentYear",
        "qualifyingApmParticipant",
        "mipsApmParticipant",
        "optedIn",
        "specialStatuses",
        "exceptions",
        "priorYearQualityAchievementPercent",
        "practiceSites",
        "pcmhRecognizedPracticeSites",
        "clinicians",
    }
)
CMS_DATA_KEYS = frozenset(
    {
        "costMeasures",
        "adminClaimsMeasures",
        "complexPatientBonus",
        "priorYearCostCategoryScore",
        "facilityBased",
    }
)
#: characters never allowed in a file name or identifier: C0/C1 controls, bidi overrides and isolates
_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class ScreenResult:
    """The screening verdict on one file.

    ``doc`` is the decoded JSON object when the rest of the file can be checked (it may come with errors,
    e.g. a year without rules, so that validation still lists every problem at once), ``kind`` the kind
    detected from the content (or the expected kind when the content does not tell), ``problems`` every
    error and warning found.
    """

    doc: dict[str, Any] | None
    kind: Kind | None
    problems: list[Problem] = field(default_factory=list)
    #: "qrda3" when ``doc`` is the QPP JSON converted from a QRDA Category III file (None: JSON as sent)
    converted_from: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.doc is not None and not self.errors


def max_input_bytes() -> int:
    """The intake size limit (``MAX_INPUT_BYTES``; default 10 MiB)."""
    try:
        return int(os.environ.get("MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES))
    except ValueError:
        return DEFAULT_MAX_INPUT_BYTES


def too_large(size: int, limit: int) -> list[Problem]:
    return [
        _err(
            "$",
            f"the file is {size:,} bytes; the intake limit is {limit:,} bytes (MAX_INPUT_BYTES): "
            "send one file per entity holding aggregate QPP JSON, not patient-level data or archives",
            C.TOO_LARGE,
        )
    ]


def _err(path: str, message: str, code: C) -> Problem:
    return Problem(path=path, message=message, code=code)


def _expected(kind: str | None) -> str:
    return EXPECTED.get(kind or "", _ANY_INPUT)


# -- public API -----------------------------------------------------------------------------------------
def screen(
    data: bytes, *, filename: str = "", expected_kind: Kind | None = None, max_bytes: int | None = None
) -> ScreenResult:
    """Screen one file's bytes: decode it and say which input it is, or why it cannot be one.

    ``expected_kind`` is what the intake prefix or the ``mips score`` flag says the file is (None: any
    input kind, detected from the content).
    """
    problems = screen_file_name(filename)
    if problems:
        return ScreenResult(None, expected_kind, problems)
    problems = screen_bytes(data, expected_kind, max_bytes=max_bytes, xml=False)
    if any(p.severity == "error" for p in problems):
        return ScreenResult(None, expected_kind, problems)
    body = data.removeprefix(_BOM)
    if body.lstrip().startswith(b"<"):
        xml = _screen_xml(body.lstrip(), expected_kind)
        if xml.doc is None:
            return ScreenResult(None, xml.kind or expected_kind, [*problems, *xml.problems])
        result = screen_document(xml.doc, expected_kind)
        result.problems[:0] = [*problems, *xml.problems]
        result.converted_from = xml.converted_from
        return result
    doc, found = _load_json(body, expected_kind)
    if found:
        return ScreenResult(None, expected_kind, [*problems, *found])
    # a strata list can only be there when the text says "strata" (or spells a key with an escape)
    has_strata = b'"strata"' in body or b"\\u" in body
    result = _screen_decoded(doc, expected_kind, from_json=True, has_strata=has_strata)
    result.problems[:0] = problems
    return result


def screen_file_name(filename: str) -> list[Problem]:
    """A file name or S3 key that cannot be stored or shown safely (too long, control characters)."""
    if len(filename.encode("utf-8", "surrogatepass")) > MAX_FILE_NAME:
        return [
            _err(
                "$",
                f"the file name is longer than {MAX_FILE_NAME} bytes: use a shorter name",
                C.BAD_FILE_NAME,
            )
        ]
    if _UNSAFE_CHARS.search(filename) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in filename):
        return [
            _err(
                "$",
                "the file name contains a control, NUL, bidirectional-override or invalid character: "
                "rename the file",
                C.BAD_FILE_NAME,
            )
        ]
    return []


def screen_bytes(
    data: bytes, expected_kind: str | None = None, *, max_bytes: int | None = None, xml: bool = True
) -> list[Problem]:
    """Problems that make ``data`` unusable before JSON parsing (empty, too large, binary, XML, deep).

    With ``xml=False`` an XML body is left to the caller (:func:`screen` hands it to :func:`_screen_xml`).
    """
    expected = _expected(expected_kind)
    limit = max_input_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        return too_large(len(data), limit)
    problems: list[Problem] = []
    if data.startswith(_BOM):
        problems.append(
            Problem(
                path="$",
                message="the file starts with a UTF-8 byte-order mark: ignored (save as UTF-8 without BOM)",
                severity="warning",
                code=C.BYTE_ORDER_MARK,
            )
        )
    body = data.removeprefix(_BOM).lstrip()
    if not body:
        what = "empty (0 bytes)" if not data else "blank (whitespace only)"
        return [_err("$", f"the file is {what}: expected {expected}", C.EMPTY_FILE)]
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [
            _err("$", f"not UTF-8 text: the file is UTF-16; save it as UTF-8 JSON ({expected})", C.NOT_UTF8)
        ]
    if body.startswith(_MAGIC_PREFIXES):  # one C call for the usual file, which is none of them
        for magic, what, code in _MAGIC:
            if body.startswith(magic):
                return [_err("$", f"the file is {what}, not JSON: expected {expected}", code)]
    if body.startswith(b"<"):
        if not xml:
            return problems
        found = _screen_xml(body, expected_kind)
        if found.doc is not None:  # converted QRDA III: the JSON checks of the kind apply too
            found = screen_document(found.doc, expected_kind)  # type: ignore[arg-type]
        return [*problems, *found.problems]
    # fewer opening brackets than the limit (strings included) cannot nest deeper: no scan needed
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and (depth := _json_depth(body)) > MAX_JSON_DEPTH:
        return [
            _err(
                "$",
                f"JSON nested {depth} levels deep (more than {MAX_JSON_DEPTH}; nested too deeply for an "
                f"input file): expected {expected}",
                C.JSON_TOO_DEEP,
            )
        ]
    return problems


def _screen_xml(data: bytes, expected_kind: str | None) -> ScreenResult:
    """Every XML file ends here: recognise QRDA Category III, QRDA Category I or other XML (defusedxml).

    QRDA III is converted to QPP submission JSON here, by :mod:`mips.qrda3` (CMS's converter rules, streaming,
    every problem with its XPath and code); the JSON then gets every check a JSON submission gets, so a QRDA
    III file under ``profiles/`` is refused as the wrong kind.
    """
    from .qrda3.adapt import is_qrda3_candidate

    if is_qrda3_candidate(data):
        return _convert_qrda3(data)
    expected = _expected(expected_kind)
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        msg = (
            f"XML with a DTD, entity declaration or external reference is refused for safety "
            f"({type(exc).__name__}): expected {expected}"
        )
        return ScreenResult(None, None, [_err("/", msg, C.XML_UNSAFE)])
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        msg = f"not well-formed XML (line {line}, column {column}): expected {expected}"
        return ScreenResult(None, None, [_err("/", msg, C.XML_MALFORMED)])
    except Exception as exc:  # e.g. an unencodable declaration: never a traceback
        msg = f"unreadable XML ({type(exc).__name__}): expected {expected}"
        return ScreenResult(None, None, [_err("/", msg, C.XML_MALFORMED)])
    local = str(root.tag).rsplit("}", 1)[-1]
    templates = {
        str(el.get("root", ""))
        for el in list(root.findall(f"{_HL7}templateId")) + list(root.findall("templateId"))
    }
    if local == "ClinicalDocument" and QRDA3_TEMPLATE in templates:
        return _convert_qrda3(data)
    if local == "ClinicalDocument" and any(t.startswith(QRDA1_TEMPLATE_PREFIX) for t in templates):
        msg = (
            "QRDA Category I (patient-level) XML is not accepted: it holds patient data; send the "
            f"aggregate results as {expected}"
        )
        return ScreenResult(None, None, [_err("/ClinicalDocument", msg, C.QRDA1_PATIENT_DATA)])
    if local == "ClinicalDocument":
        msg = f"an HL7 CDA document that is not QRDA Category III is not accepted: expected {expected}"
        return ScreenResult(None, None, [_err("/ClinicalDocument", msg, C.XML_NOT_QRDA)])
    msg = f"XML document <{local[:80]}> is not accepted: expected {expected}"
    return ScreenResult(None, None, [_err(f"/{local[:80]}", msg, C.XML_NOT_QRDA)])


def _convert_qrda3(data: bytes) -> ScreenResult:
    """QRDA III -> QPP submission JSON (None with the converter's problems when it cannot be converted)."""
    from .qrda3 import convert, to_problems

    conversion = convert(data)
    problems = to_problems(conversion)
    for problem in problems:
        problem.file = None  # the caller names the file
    return ScreenResult(conversion.submission, "submission", problems, converted_from="qrda3")


def _json_depth(data: bytes) -> int:
    """Deepest bracket nesting outside strings, capped at ``MAX_JSON_DEPTH + 1`` (json.loads would hit
    RecursionError).

    The strings are dropped first - without a backslash they are every other piece between quotes, else a
    regex that knows escapes - then the depth is the running sum of the remaining brackets: all at C speed
    (a Python loop over every byte cost more than parsing the file)."""
    # (an unterminated string runs to the end, in both)
    outside = _JSON_STRING.sub(b"", data) if b"\\" in data else b"".join(data.split(b'"')[::2])
    return min(_depth_of(outside.translate(None, _NOT_BRACKETS)), MAX_JSON_DEPTH + 1)


def _depth_of(brackets: bytes) -> int:
    """The deepest running depth of a brackets-only string: after k brackets of which o open, the depth
    is o - (k - o) = 2o - k, i.e. the running sum with an opener counted 2 and a closer 0, minus k."""
    sums = accumulate(brackets.translate(_BRACKET_WEIGHTS))
    return max(0, max(map(operator.sub, sums, count(1)), default=0))


#: a JSON string as the depth scan sees one: a backslash escapes the next byte; unterminated: to the end
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_WEIGHTS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


# -- JSON decoding ----------------------------------------------------------------------------------------
class _Rejected(ValueError):
    """Raised from a json.loads hook: the file is rejected with this problem."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _Rejected(
            _err(
                "$",
                f"an integer with {digits} digits ({text[:12]}...) is far beyond any count, year or amount "
                f"in an input file (at most {MAX_INT_DIGITS} digits)",
                C.NUMBER_TOO_LARGE,
            )
        )
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise _Rejected(
            _err(
                "$",
                f"the number {text[:24]} is far beyond any value in an input file (at most {MAX_NUMBER:.0e})",
                C.NUMBER_TOO_LARGE,
            )
        )
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is an error (json.loads would silently keep the last value)."""
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        shown = twice if len(twice) <= 60 else twice[:57] + "..."
        raise _Rejected(
            _err(
                "$",
                f"the field {shown!r} appears twice in one JSON object: which value is meant is ambiguous",
                C.DUPLICATE_KEY,
            )
        )
    return doc


def _parse_constant(text: str) -> float:
    raise _Rejected(
        _err(
            "$",
            f"{text} is not a JSON number (JSON has no NaN or Infinity): give a finite number",
            C.NON_FINITE_NUMBER,
        )
    )


def _load_json(body: bytes, expected_kind: str | None) -> tuple[Any, list[Problem]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_err("$", f"not UTF-8 text: {exc.reason} at byte {exc.start}", C.NOT_UTF8)]
    try:
        if text.startswith("\ufeff"):  # a second BOM: json.loads's own error for it
            doc = json.loads(text, **_DECODER_HOOKS)
        else:
            # json's own int() when no integer can be that long (no run of 16 digits anywhere)
            long_digits = _LONG_DIGITS in body.translate(_DIGITS_AS_ZERO)
            doc = (_DECODER_LONG_INTS if long_digits else _DECODER).decode(text)
    except _Rejected as exc:
        return None, [exc.problem]
    except RecursionError:
        return None, [_err("$", "JSON nested too deeply to be an input file", C.JSON_TOO_DEEP)]
    except json.JSONDecodeError as exc:
        first_line = text.lstrip().split("\n", 1)[0]
        if first_line[:1] not in ("{", "[") and ("," in first_line or "\t" in first_line):
            msg = (
                f"the file looks like CSV/spreadsheet text (first line {first_line[:60]!r}), not JSON: "
                f"expected {_expected(expected_kind)}"
            )
            return None, [_err("$", msg, C.CSV_FILE)]
        msg = (
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos}): "
            f"expected {_expected(expected_kind)}"
        )
        return None, [_err("$", msg, C.NOT_JSON)]
    except ValueError as exc:  # any other conversion limit: still a clear rejection
        return None, [_err("$", f"not usable JSON: {str(exc)[:200]}", C.NOT_JSON)]
    # a NUL or a lone surrogate can only come from a \u escape: raw control characters are not JSON
    # and a surrogate is not UTF-8, so without one no string needs looking at
    bad = _bad_string(doc, "$") if b"\\u" in body else None
    if bad is not None:
        return None, [bad]
    return doc, []


#: json.loads(text, **hooks) builds a decoder per call: these are built once, with the same hooks
_DECODER_HOOKS: dict[str, Any] = {
    "parse_int": _parse_int,
    "parse_float": _parse_float,
    "parse_constant": _parse_constant,
    "object_pairs_hook": _unique_keys,
}
_DECODER_LONG_INTS = json.JSONDecoder(**_DECODER_HOOKS)
_DECODER = json.JSONDecoder(**{k: v for k, v in _DECODER_HOOKS.items() if k != "parse_int"})

#: the shortest run of digits _parse_int rejects (MAX_INT_DIGITS + 1), looked for in the bytes with
#: every digit made a 0 (a substring search: much faster than a regex over every byte)
_LONG_DIGITS = b"0" * (MAX_INT_DIGITS + 1)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def _bad_string(value: Any, path: str) -> Problem | None:
    """The first string (key or value) holding a NUL or a lone surrogate (not encodable as UTF-8), or -
    for a document that was not parsed here - the first number beyond the limits or not finite."""
    if isinstance(value, str):
        return _string_problem(value, path)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value.bit_length() > 50:  # > 10^15: the same bound as MAX_INT_DIGITS
            msg = f"an integer beyond any count, year or amount (at most {MAX_INT_DIGITS} digits)"
            return _err(path, msg, C.NUMBER_TOO_LARGE)
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return _err(
                path, f"{value} is not a JSON number (JSON has no NaN or Infinity)", C.NON_FINITE_NUMBER
            )
        if abs(value) > MAX_NUMBER:
            return _err(
                path, f"the number {value:.3g} is far beyond any value in an input file", C.NUMBER_TOO_LARGE
            )
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{_safe_name(k)}"
            found = _string_problem(k, sub) or _bad_string(v, sub)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _bad_string(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def _string_problem(text: str, path: str) -> Problem | None:
    if "\x00" in text:
        return _err(path, "a string holds a NUL character (\\u0000): remove it", C.BAD_STRING)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _err(
            path, "a string holds a lone UTF-16 surrogate (e.g. \\ud800): it is not text", C.BAD_STRING
        )
    return None


def _safe_name(key: str) -> str:
    """A JSON key fit to appear in a path shown to users."""
    clean = key.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
    return clean if len(clean) <= 80 else clean[:77] + "..."


# -- the decoded document -------------------------------------------------------------------------------
def unwrap(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """``{"data": {"submission": {...}}}`` (the QPP API envelope) -> the inner object and its JSON path."""
    data = doc.get("data")
    if isinstance(data, dict) and isinstance(data.get("submission"), dict):
        return data["submission"], "$.data.submission"
    return doc, "$"


def output_kind(doc: Mapping[str, Any]) -> tuple[str, C] | None:
    """What ``doc`` is when it is a scoring OUTPUT rather than an input file, else None."""
    if "name" in doc and "parts" in doc and "measurementSets" not in doc:
        return (
            "a CMS scoring-engine OUTPUT (a score tree with name/value/parts, like "
            "scoring-example-output-*.json)",
            C.CMS_SCORING_OUTPUT,
        )
    if "finalScore" in doc and "categories" in doc:
        return "a score result document (this engine's output)", C.RESULT_DOCUMENT
    if isinstance(doc.get("errors"), list) and "measurementSets" not in doc and "data" not in doc:
        return (
            "an error report (like the {errors: [{sourceIdentifier, details}]} of CMS's QRDA III converter)",
            C.ERROR_REPORT,
        )
    return None


def detect_kind(doc: Any) -> Kind | None:
    """Which input file ``doc`` is, by its content: submission, profile or cmsData (None if none)."""
    if not isinstance(doc, dict) or output_kind(doc) is not None:
        return None
    inner, _ = unwrap(doc)
    if "measurementSets" in inner:
        return "submission"
    if CMS_DATA_KEYS & set(inner):
        return "cmsData"
    if PROFILE_KEYS & set(inner):
        return "profile"
    return None


def _evidence(doc: Mapping[str, Any], kind: Kind) -> str:
    inner, base = unwrap(doc)
    keys = {"submission": {"measurementSets"}, "cmsData": CMS_DATA_KEYS, "profile": PROFILE_KEYS}[kind]
    found = sorted(keys & set(inner))
    return f"{', '.join(found[:3])} at {base}"


def screen_document(doc: Any, expected_kind: Kind | None = None) -> ScreenResult:
    """Screen a decoded JSON value: an input object of the expected kind, a supported year, in limits."""
    return _screen_decoded(doc, expected_kind, from_json=False)


def _screen_decoded(
    doc: Any, expected_kind: Kind | None, *, from_json: bool, has_strata: bool = True
) -> ScreenResult:
    """:func:`screen_document`; ``from_json``: ``doc`` is what :func:`_load_json` returned, whose strings
    and numbers it has checked already (so they are not walked again) and whose values are JSON types;
    ``has_strata`` False: the text has no "strata" key, so no list of strata needs counting."""
    if not isinstance(doc, dict):
        name = {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(doc), "number")
        msg = f"expected a JSON object ({_expected(expected_kind)}), got a JSON {name}"
        return ScreenResult(None, expected_kind, [_err("$", msg, C.NOT_AN_OBJECT)])
    bad = None if from_json else _bad_string(doc, "$")
    if bad is not None:
        return ScreenResult(None, expected_kind, [bad])
    described = output_kind(doc)
    if described is not None:
        what, code = described
        msg = f"this file is {what}, not an input file: expected {_expected(expected_kind)}"
        return ScreenResult(None, expected_kind, [_err("$", msg, code)])
    detected = detect_kind(doc)
    if detected is None and expected_kind is None:
        msg = (
            "cannot tell which input file this is: expected measurementSets (a submission), "
            "costMeasures/adminClaimsMeasures/complexPatientBonus (CMS data) or profile fields "
            "such as clinicianType/practiceSize/specialStatuses"
        )
        return ScreenResult(None, None, [_err("$", msg, C.UNKNOWN_KIND)])
    if detected is not None and expected_kind is not None and detected != expected_kind:
        msg = (
            f"this is {KIND_NAMES[detected]}, expected {KIND_NAMES[expected_kind]} (found "
            f"{_evidence(doc, detected)}): check the intake folder or the command-line flag"
        )
        return ScreenResult(None, detected, [_err("$", msg, C.WRONG_KIND)])
    kind: Kind = detected or expected_kind  # type: ignore[assignment]
    shape = _shape_problems(doc, kind, from_json=from_json, has_strata=has_strata)
    if any(p.code in _FATAL_SHAPE for p in shape):
        return ScreenResult(None, kind, shape)
    # a year without rules or a duplicated set: an error, but the rest of the file is still checked
    return ScreenResult(doc, kind, [*_year_problems(doc), *shape])


_FATAL_SHAPE = frozenset({C.TOO_MANY_SETS, C.TOO_MANY_MEASUREMENTS, C.TOO_MANY_ITEMS})


@cache
def _rules_module() -> ModuleType:
    """:mod:`mips.rules`, imported on first use (it reads the parameter files) and then kept: a
    function-level import costs more than the rest of the year check, per file."""
    from . import rules

    return rules


def _year_problems(doc: Mapping[str, Any]) -> list[Problem]:
    rules_by_year = _rules_module().RULES
    inner, base = unwrap(doc)
    year = inner.get("performanceYear")
    if isinstance(year, int) and not isinstance(year, bool) and year in rules_by_year:
        return []  # the usual file: no message to build
    supported = " or ".join(map(str, sorted(rules_by_year)))
    if isinstance(year, str) and not year.strip().isdigit():
        msg = f"performanceYear is the placeholder {year[:40]!r}: fill in the performance year ({supported})"
        return [_err(f"{base}.performanceYear", msg, C.INVALID_VALUE)]
    if isinstance(year, int) and not isinstance(year, bool) and year not in rules_by_year:
        msg = (
            f"performanceYear {year} is invalid for {supported}: this engine has no scoring rules for {year} "
            f"(expected {supported}); measure ids, benchmarks and rules differ by year"
        )
        return [_err(f"{base}.performanceYear", msg, C.UNSUPPORTED_YEAR)]
    return []


def _shape_problems(
    doc: Mapping[str, Any], kind: Kind, *, from_json: bool = False, has_strata: bool = True
) -> list[Problem]:
    """Bounded shape: a file holds at most so many sets, measurements and list entries, no duplicate sets.

    Two sets are duplicates when their canonical JSON is the same; for a document decoded here
    (``from_json``) that text is only built for the sets that share a cheap fingerprint with another
    (see :func:`_set_fingerprint`): the others cannot be duplicates."""
    inner, base = unwrap(doc)
    problems: list[Problem] = []
    if kind == "submission":
        sets = inner.get("measurementSets")
        if isinstance(sets, list):
            if len(sets) > MAX_MEASUREMENT_SETS:
                msg = (
                    f"{len(sets)} measurement sets: at most {MAX_MEASUREMENT_SETS} per file (one per "
                    "category, submission method and reporting option is all an entity needs)"
                )
                return [_err(f"{base}.measurementSets", msg, C.TOO_MANY_SETS)]
            total = sum(
                len(m)
                for ms in sets
                if isinstance(ms, dict) and isinstance(m := ms.get("measurements"), list)
            )
            if total > MAX_MEASUREMENTS_PER_FILE:
                msg = f"{total} measurements in the file: at most {MAX_MEASUREMENTS_PER_FILE}"
                return [_err(f"{base}.measurementSets", msg, C.TOO_MANY_MEASUREMENTS)]
            seen: dict[str, int] = {}
            alike = _alike_sets(sets) if from_json else None
            for i, ms in enumerate(sets):
                path = f"{base}.measurementSets[{i}]"
                if not isinstance(ms, dict):
                    continue
                measurements = ms.get("measurements")
                if isinstance(measurements, list) and len(measurements) > MAX_MEASUREMENTS_PER_SET:
                    msg = f"{len(measurements)} measurements in one set: at most {MAX_MEASUREMENTS_PER_SET}"
                    problems.append(_err(f"{path}.measurements", msg, C.TOO_MANY_MEASUREMENTS))
                    continue
                canonical = json.dumps(ms, sort_keys=True) if alike is None or i in alike else None
                if canonical is None:  # its fingerprint is unique: no other set can be the same
                    pass
                elif canonical in seen:
                    msg = (
                        f"measurement set {i} is an exact duplicate of measurementSets[{seen[canonical]}]: "
                        "send each measurement set once"
                    )
                    problems.append(_err(path, msg, C.DUPLICATE_SET))
                else:
                    seen[canonical] = i
                counted = measurements if has_strata and isinstance(measurements, list) else []
                for j, m in enumerate(counted):
                    value = m.get("value") if isinstance(m, dict) else None
                    strata = value.get("strata") if isinstance(value, dict) else None
                    if isinstance(strata, list) and len(strata) > MAX_LIST_ITEMS:
                        msg = f"{len(strata)} strata: at most {MAX_LIST_ITEMS}"
                        problems.append(_err(f"{path}.measurements[{j}].value.strata", msg, C.TOO_MANY_ITEMS))
    elif kind == "cmsData":
        for name in ("costMeasures", "adminClaimsMeasures"):
            items = inner.get(name)
            if isinstance(items, list) and len(items) > MAX_LIST_ITEMS:
                msg = f"{len(items)} entries in {name}: at most {MAX_LIST_ITEMS}"
                problems.append(_err(f"{base}.{name}", msg, C.TOO_MANY_ITEMS))
    return problems


def _set_fingerprint(ms: Mapping[str, Any]) -> tuple[Any, ...]:
    """What two sets with the same canonical JSON share: their number of keys, their string header
    fields and their number of measurements (cheap to compare; equal ones still need the canonical
    text)."""
    measurements = ms.get("measurements")
    category, method = ms.get("category"), ms.get("submissionMethod")
    return (
        len(ms),
        category if isinstance(category, str) else type(category),
        method if isinstance(method, str) else type(method),
        len(measurements) if isinstance(measurements, list) else type(measurements),
    )


def _alike_sets(sets: list[Any]) -> set[int]:
    """Indexes of the dict sets whose fingerprint another set shares (the only possible duplicates)."""
    by_print: dict[tuple[Any, ...], list[int]] = {}
    for i, ms in enumerate(sets):
        if isinstance(ms, dict):
            by_print.setdefault(_set_fingerprint(ms), []).append(i)
    return {i for group in by_print.values() if len(group) > 1 for i in group}


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "KINDS",
    "MAX_JSON_DEPTH",
    "MAX_MEASUREMENTS_PER_FILE",
    "MAX_MEASUREMENTS_PER_SET",
    "MAX_MEASUREMENT_SETS",
    "Kind",
    "ScreenResult",
    "detect_kind",
    "max_input_bytes",
    "output_kind",
    "screen",
    "screen_bytes",
    "screen_document",
    "too_large",
    "unwrap",
]
