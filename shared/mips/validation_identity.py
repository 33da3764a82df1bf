"""Checks shared by the three input files: the entity key (year, entity type, TIN, NPI, entity id).

Used by :mod:`mips.validation`; works on the raw JSON object so that a key problem is reported even
when another part of the file does not parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .rules import RULES

#: The NPI check digit is the Luhn digit of the 9 leading digits prefixed with the health-industry
#: issuer prefix 80840 (ISO 7812, as CMS documents for the NPI).
NPI_LUHN_PREFIX = "80840"

_TIN = re.compile(r"^\d{9}$")
_NPI = re.compile(r"^\d{10}$")

#: Entity types whose key carries ``entityId`` instead of an NPI (contract 1).
ENTITY_ID_TYPES = {
    "virtualGroup": "virtual group id",
    "subgroup": "subgroup id",
    "apmEntity": "APM Entity id",
}

Report = Callable[[str, str], None]


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
    if not _NPI.match(npi):
        return f"NPI must be exactly 10 digits (got {npi!r})"
    if not luhn_valid(NPI_LUHN_PREFIX + npi):
        return (
            f"NPI {npi} fails its check digit (Luhn over the prefix {NPI_LUHN_PREFIX} + the NPI): "
            "a digit is probably mistyped"
        )
    return None


def tin_problem(tin: str) -> str | None:
    """Why ``tin`` is not a well-formed Taxpayer Identification Number, or None."""
    if not _TIN.match(tin):
        return f"TIN must be exactly 9 digits, no dashes or spaces (got {len(tin)} characters)"
    if tin == "000000000":
        return "TIN 000000000 is not a valid taxpayer identification number"
    return None


def check_entity_key(doc: Mapping[str, Any], base: str, year: int, err: Report) -> None:
    """Year, TIN, NPI and entity id rules of the entity key (contract 1), on the raw JSON object.

    Type errors (e.g. a string year) are left to the pydantic models, which report them with their path.
    """
    perf_year = doc.get("performanceYear")
    if isinstance(perf_year, int) and not isinstance(perf_year, bool) and perf_year not in RULES:
        err(
            f"{base}.performanceYear",
            f"performanceYear {perf_year} is invalid for {', '.join(map(str, sorted(RULES)))}: this engine "
            f"has no scoring rules for {perf_year} (expected {' or '.join(map(str, sorted(RULES)))})",
        )
    elif isinstance(perf_year, int) and not isinstance(perf_year, bool) and perf_year != year:
        err(
            f"{base}.performanceYear",
            f"performanceYear {perf_year} is invalid for {year}: this engine scores performance year "
            f"{year} only (expected {year})",
        )
    tin = doc.get("taxpayerIdentificationNumber")
    if isinstance(tin, str):
        msg = tin_problem(tin)
        if msg:
            err(f"{base}.taxpayerIdentificationNumber", msg)
    entity_type = doc.get("entityType")
    if entity_type == "apm":
        entity_type = "apmEntity"
    npi = doc.get("nationalProviderIdentifier")
    if entity_type == "individual":
        if npi is None or npi == "":
            err(
                f"{base}.nationalProviderIdentifier",
                "an individual's key needs nationalProviderIdentifier (the clinician's 10-digit NPI)",
            )
        elif isinstance(npi, str):
            msg = npi_problem(npi)
            if msg:
                err(f"{base}.nationalProviderIdentifier", msg)
    elif isinstance(entity_type, str) and npi not in (None, ""):
        err(
            f"{base}.nationalProviderIdentifier",
            f"entityType {entity_type} must not carry an NPI: the NPI is for individuals only "
            "(remove nationalProviderIdentifier or set it to null)",
        )
    if entity_type in ENTITY_ID_TYPES and not doc.get("entityId"):
        err(
            f"{base}.entityId",
            f"entityType {entity_type} needs entityId (the {ENTITY_ID_TYPES[entity_type]})",
        )
