"""Shared model plumbing: camelCase aliases, the entity key, problems with JSON paths."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from ..problems import ProblemCode

EntityType = Literal["individual", "group", "virtualGroup", "subgroup", "apmEntity"]
Category = Literal["quality", "ia", "pi", "cost"]
ReportingOption = Literal["traditional", "mvp", "app"]


def _entity_type_alias(v: Any) -> Any:
    """The QPP API says ``apm``; the contract says ``apmEntity``."""
    return "apmEntity" if v == "apm" else v


EntityTypeField = Annotated[EntityType, BeforeValidator(_entity_type_alias)]


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python; unknown fields tolerated (QPP adds fields over time)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class EntityKey(ApiModel):
    """``(performanceYear, entityType, TIN, NPI | entityId)``: how the three input files are joined."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)

    performance_year: int
    entity_type: EntityTypeField
    taxpayer_identification_number: str
    national_provider_identifier: str | None = None
    entity_id: str | None = None

    def storage_id(self) -> str:
        """``<year>#<entityType>#<TIN>#<NPI or entityId or "group">`` (DynamoDB partition key)."""
        return "#".join(
            [str(self.performance_year), self.entity_type, self.taxpayer_identification_number, self.leaf()]
        )

    def leaf(self) -> str:
        return self.national_provider_identifier or self.entity_id or "group"

    def masked(self) -> str:
        """For logs: never the full TIN (security standard), NPI kept (it is public)."""
        tin = self.taxpayer_identification_number
        return f"{self.performance_year}/{self.entity_type}/*****{tin[-4:]}/{self.leaf()}"


class Problem(BaseModel):
    """One thing wrong (or worth warning about) in an input file."""

    path: str  # JSON path, e.g. "$.measurementSets[0].measurements[2].value.performanceMet"
    message: str
    severity: Literal["error", "warning"] = "error"
    file: str | None = None
    #: stable code: a :class:`mips.problems.ProblemCode`, or a QRDA III converter code (``QRDA3_...``,
    #: :class:`mips.qrda3.codes.ProblemCode`, carried as its string); every check of this package sets it
    code: ProblemCode | str | None = None


def json_path(loc: Sequence[int | str]) -> str:
    """pydantic ``loc`` -> JSON path (``$.a[0].b``), dropping union-branch tags."""
    out = "$"
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith("function-") or part in {"bool", "dict[str,any]"} or "[" in part:
            continue
        else:
            out += f".{part}"
    return out


def problems_from_validation_error(exc: ValidationError, prefix: Sequence[int | str] = ()) -> list[Problem]:
    """Every pydantic error as a Problem naming the JSON path and what was expected."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False):
        path = json_path([*prefix, *err["loc"]])
        got = err.get("input")
        shown = repr(got)[:80] if not isinstance(got, dict | list) else type(got).__name__
        code = ProblemCode.INVALID_VALUE
        if err["type"] == "missing":
            msg, code = "required field is missing", ProblemCode.MISSING_FIELD
        elif err["type"].startswith("date_"):
            msg, code = _date_message(got), ProblemCode.INVALID_DATE
        else:
            msg = f"{err['msg']} (got {shown})"
        if (path, msg) not in seen:
            seen.add((path, msg))
            problems.append(Problem(path=path, message=msg, code=code))
    return problems


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)


def _date_message(got: Any) -> str:
    """A date that is not ISO 8601: say the expected form, and the fix for a US-style date."""
    shown = repr(got)[:40]
    if isinstance(got, str) and (m := _US_DATE.fullmatch(got.strip())):
        month, day, year = m.groups()
        iso = f"{year}-{int(month):02d}-{int(day):02d}"
        return f"expected YYYY-MM-DD (got {shown}, a US-style date: write {iso})"
    return f"expected a date YYYY-MM-DD (got {shown})"


class KeyedInput(ApiModel):
    """The entity-key fields every input file carries (contract 1): submission, profile, CMS data."""

    performance_year: int
    entity_type: EntityTypeField
    taxpayer_identification_number: str
    national_provider_identifier: str | None = None
    entity_id: str | None = None

    @property
    def key(self) -> EntityKey:
        return EntityKey(
            performance_year=self.performance_year,
            entity_type=self.entity_type,
            taxpayer_identification_number=self.taxpayer_identification_number,
            national_provider_identifier=self.national_provider_identifier,
            entity_id=self.entity_id,
        )
