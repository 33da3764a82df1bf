"""eCQM version-specific UUID -> QPP measure, from the year's CMS measures-data (CMSgov/qpp-measures-data).

CMS's converter keys its measure map by ``eMeasureUuid`` lower-cased (``MeasureConfigs.java``) and reads
each stratum's population UUIDs from ``strata[].eMeasureUuids``; the project's typed reference model does
not carry those fields, so this module reads them from the same ``measures-data.json`` the resolver found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: measures-data ``eMeasureUuids`` keys -> QRDA population codes
UUID_KEYS = {
    "initialPopulationUuid": "IPOP",
    "denominatorUuid": "DENOM",
    "numeratorUuid": "NUMER",
    "denominatorExclusionUuid": "DENEX",
    "denominatorExceptionUuid": "DENEXCEP",
}


@dataclass(frozen=True)
class EcqmStratum:
    name: str | None
    uuids: Mapping[str, str]  # population code -> UUID (as written in measures-data)

    def uuid_set(self) -> frozenset[str]:
        return frozenset(u.lower() for u in self.uuids.values())


@dataclass(frozen=True)
class Ecqm:
    measure_id: str  # QPP id with leading zeros, e.g. "001"
    e_measure_id: str  # e.g. CMS122v12
    uuid: str
    metric_type: str
    strata: tuple[EcqmStratum, ...]

    def expected_count(self, population: str) -> int:
        return sum(population in s.uuids for s in self.strata)

    def uuids_of(self, population: str) -> frozenset[str]:
        return frozenset(s.uuids[population].lower() for s in self.strata if population in s.uuids)


class EcqmCatalogue:
    """The eCQMs of one measures-data file, looked up by version-specific UUID (case-insensitive)."""

    def __init__(self, ecqms: Iterable[Ecqm], origin: str = "memory") -> None:
        self.by_uuid = {e.uuid.lower(): e for e in ecqms}
        self.origin = origin

    def get(self, uuid: str | None) -> Ecqm | None:
        return self.by_uuid.get(uuid.lower()) if uuid else None

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], origin: str = "memory") -> EcqmCatalogue:
        ecqms = []
        for rec in records:
            uuid = rec.get("eMeasureUuid")
            if not uuid or not rec.get("measureId"):
                continue
            strata = tuple(
                EcqmStratum(
                    name=s.get("name"),
                    uuids={
                        code: s["eMeasureUuids"][key]
                        for key, code in UUID_KEYS.items()
                        if isinstance(s.get("eMeasureUuids"), dict) and s["eMeasureUuids"].get(key)
                    },
                )
                for s in rec.get("strata") or ()
                if isinstance(s, dict)
            )
            ecqms.append(
                Ecqm(
                    measure_id=str(rec["measureId"]),
                    e_measure_id=str(rec.get("eMeasureId") or rec["measureId"]),
                    uuid=str(uuid),
                    metric_type=str(rec.get("metricType") or "singlePerformanceRate"),
                    strata=strata,
                )
            )
        return cls(ecqms, origin)

    @classmethod
    def from_file(cls, path: Path) -> EcqmCatalogue:
        return cls.from_records(json.loads(Path(path).read_bytes()), origin=str(path))


@lru_cache(maxsize=4)
def catalogue_for(year: int) -> EcqmCatalogue:
    """The eCQMs of performance year ``year`` from the resolved reference data (:mod:`mips.reference`)."""
    from ..reference import ReferenceDataError, load_reference

    ref = load_reference(year)
    if ref.directory is None:
        raise ReferenceDataError(f"reference data for {year} has no directory to read measures-data from")
    return EcqmCatalogue.from_file(ref.directory / "measures-data.json")
