"""Checks shared by the three input files: the entity key (year, entity type, TIN, NPI, entity id).

Used by :mod:`mips.validation`; works on the raw JSON object so that a key problem is reported even
when another part of the file does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import Any

from .problems import ProblemCode as C

#: The NPI check digit is the Luhn digit of the 9 leading digits prefixed with the health-industry
#: issuer prefix 80840 (ISO 7812, as CMS documents for the NPI).
NPI_LUHN_PREFIX = "80840"

_TIN = re.compile(r"[0-9]{9}")  # used with fullmatch: ASCII digits only, no trailing newline
_NPI = re.compile(r"[0-9]{10}")

#: Entity types whose key carries ``entityId`` instead of an NPI (contract 1).
ENTITY_ID_TYPES = {
    "virtualGroup": "virtual group id",
    "subgroup": "subgroup id",
    "apmEntity": "APM Entity id",
}
#: ``entityId`` grammar per entity type: letters, digits and ``-``/``_`` only (never ``/``, ``.``, NUL,
#: control or bidi characters), starting with a letter or digit, bounded length. APM Entity ids are
#: CMS-assigned like ``A1234``; virtual-group and subgroup ids like ``VG-12345`` / ``SG-12345``.
ENTITY_ID_MAX = 40
ENTITY_ID_GRAMMAR = {
    "apmEntity": (
        re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,19}"),
        "2-20 letters, digits, '-' or '_' (e.g. A1234)",
    ),
    "virtualGroup": (
        re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{ENTITY_ID_MAX - 1}}}"),
        f"1-{ENTITY_ID_MAX} letters, digits, '-' or '_' (e.g. VG-12345)",
    ),
    "subgroup": (
        re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{ENTITY_ID_MAX - 1}}}"),
        f"1-{ENTITY_ID_MAX} letters, digits, '-' or '_' (e.g. SG-12345)",
    ),
}
#: what a storage key segment (S3 key part, local path part) may be: only validated identifiers pass
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def key_segment(value: object) -> str:
    """``value`` as one S3-key / path segment, or ValueError: keys are built from validated parts only."""
    text = str(value)
    if not _SEGMENT.fullmatch(text):
        raise ValueError(f"unsafe storage key segment {text[:40]!r}: only validated identifiers are used")
    return text


def _shown(value: str) -> str:
    """An identifier fit for a message: bounded and with invisible characters escaped."""
    return ascii(value[:40]) + ("..." if len(value) > 40 else "")


Report = Callable[[str, str, C], None]


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (all decimal) passes the Luhn check (the last digit is the check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def npi_problem(npi: str) -> str | None:
    """Why ``npi`` is not a valid National Provider Identifier, or None when it is."""
    if not _NPI.fullmatch(npi):
        return f"NPI must be exactly 10 digits, ASCII 0-9 only (got {_shown(npi)})"
    if not luhn_valid(NPI_LUHN_PREFIX + npi):
        return (
            f"NPI {npi} fails its check digit (Luhn over the prefix {NPI_LUHN_PREFIX} + the NPI): "
            "a digit is probably mistyped"
        )
    return None


def tin_problem(tin: str) -> str | None:
    """Why ``tin`` is not a well-formed Taxpayer Identification Number, or None."""
    if not _TIN.fullmatch(tin):
        return (
            "TIN must be exactly 9 digits, ASCII 0-9 only: no dashes, spaces, newlines or other digit "
            f"forms (got {len(tin)} characters)"
        )
    if tin == "000000000":
        return "TIN 000000000 is not a valid taxpayer identification number"
    return None


def entity_id_problem(entity_type: str, entity_id: str) -> str | None:
    """Why ``entity_id`` is not a valid id for ``entity_type``, or None."""
    grammar = ENTITY_ID_GRAMMAR.get(entity_type)
    if grammar is None:
        return None
    pattern, described = grammar
    if not pattern.fullmatch(entity_id):
        return (
            f"entityId {_shown(entity_id)} is not a valid {ENTITY_ID_TYPES[entity_type]}: expected "
            f"{described}; "
            "'/', '.', spaces, control and bidirectional characters are not allowed"
        )
    return None


@cache
def _rules_module() -> ModuleType:
    """:mod:`mips.rules`, imported on first use and kept (a function-level import per file costs more
    than the key checks themselves)."""
    from . import rules

    return rules


def check_entity_key(doc: Mapping[str, Any], base: str, year: int, err: Report) -> None:
    """Year, TIN, NPI and entity id rules of the entity key (contract 1), on the raw JSON object.

    Type errors (e.g. a string year) are left to the pydantic models, which report them with their path;
    a year without rules is reported by :mod:`mips.screening` before this runs.
    """
    perf_year = doc.get("performanceYear")
    rules_by_year = _rules_module().RULES  # a year without rules is the screening's UNSUPPORTED_YEAR
    if (
        isinstance(perf_year, int)
        and not isinstance(perf_year, bool)
        and perf_year in rules_by_year
        and perf_year != year
    ):
        err(
            f"{base}.performanceYear",
            f"performanceYear {perf_year} is invalid for {year}: validated against the {year} reference data "
            f"(expected {year})",
            C.YEAR_MISMATCH,
        )
    tin = doc.get("taxpayerIdentificationNumber")
    if isinstance(tin, str):
        msg = tin_problem(tin)
        if msg:
            err(f"{base}.taxpayerIdentificationNumber", msg, C.INVALID_TIN)
    entity_type = doc.get("entityType")
    if entity_type == "apm":
        entity_type = "apmEntity"
    npi = doc.get("nationalProviderIdentifier")
    if entity_type == "individual":
        if npi is None or npi == "":
            err(
                f"{base}.nationalProviderIdentifier",
                "an individual's key needs nationalProviderIdentifier (the clinician's 10-digit NPI)",
                C.MISSING_NPI,
            )
        elif isinstance(npi, str):
            msg = npi_problem(npi)
            if msg:
                err(f"{base}.nationalProviderIdentifier", msg, C.INVALID_NPI)
    elif isinstance(entity_type, str) and npi not in (None, ""):
        err(
            f"{base}.nationalProviderIdentifier",
            f"entityType {entity_type} must not carry an NPI: the NPI is for individuals only "
            "(remove nationalProviderIdentifier or set it to null)",
            C.NPI_NOT_ALLOWED,
        )
    entity_id = doc.get("entityId")
    if entity_type in ENTITY_ID_TYPES:
        if not entity_id:
            err(
                f"{base}.entityId",
                f"entityType {entity_type} needs entityId (the {ENTITY_ID_TYPES[entity_type]})",
                C.MISSING_ENTITY_ID,
            )
        elif isinstance(entity_id, str) and (msg := entity_id_problem(entity_type, entity_id)):
            err(f"{base}.entityId", msg, C.INVALID_ENTITY_ID)
    elif entity_type in ("individual", "group") and entity_id not in (None, ""):
        err(
            f"{base}.entityId",
            f"entityType {entity_type} must not carry an entityId: it is for virtual groups, subgroups and "
            "APM Entities (remove entityId or set it to null)",
            C.ENTITY_ID_NOT_ALLOWED,
        )
