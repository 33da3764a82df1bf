"""Build the typed rule objects of a performance year from the dated parameter files (rules as data).

``shared/mips/parameters/<rule set>.yaml`` holds one entry per field of the rule set's dataclass (same
name). Each entry's ``values`` are keyed by the performance year from which the value is in force
(OpenFisca style: the value for year Y is the one with the latest key <= Y), and every value carries its
``reference`` (citation) and ``status`` (``confirmed`` / ``unconfirmed``). ``years.yaml`` lists the
performance years the engine scores, their payment year and whether the pack is ``exact`` or a
``preview``.

The loader validates the files (pydantic) and then the rule objects themselves (pydantic over the
dataclasses), so a typo'd name, a missing citation or a wrongly typed value fails when its year is first
built (:data:`mips.rules.RULES`), never as a silently wrong score.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator, model_validator

from .base import RuleSet

PARAMETERS_DIR = Path(__file__).resolve().parent.parent / "parameters"

Status = Literal["confirmed", "unconfirmed"]
R = TypeVar("R", bound=RuleSet)


class ParameterError(ValueError):
    """A parameter file is malformed or does not fit its rule set."""


class ParameterValue(BaseModel):
    """One dated value of a parameter, with its citation."""

    model_config = ConfigDict(extra="forbid")

    value: Any
    reference: str = Field(min_length=1)
    status: Status

    @model_validator(mode="after")
    def _status_matches_reference(self) -> ParameterValue:
        # RuleSet.unconfirmed() reads the word in the citation: a confirmed value may not carry it
        if self.status == "confirmed" and "UNCONFIRMED" in self.reference:
            raise ValueError("status is confirmed but the reference says UNCONFIRMED")
        return self


class Parameter(BaseModel):
    """A parameter: its values keyed by the first performance year each is in force."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    values: dict[int, ParameterValue] = Field(min_length=1)

    def in_force(self, year: int) -> ParameterValue | None:
        """The value in force for ``year`` (latest key at or before it), or None before the first."""
        keys = [k for k in self.values if k <= year]
        return self.values[max(keys)] if keys else None


class YearEntry(BaseModel):
    """One performance year the engine scores (``years.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    payment_year: int
    status: Literal["exact", "preview"]
    reference: str = Field(min_length=1)
    #: the parts of the result that are estimates this year, and why (empty when none are)
    estimates: list[str] = Field(default_factory=list)

    @field_validator("estimates")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if any(not s.strip() for s in v):
            raise ValueError("an estimate note may not be empty")
        return v


_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARAMETERS = TypeAdapter(dict[str, Parameter])
_YEARS = TypeAdapter(dict[int, YearEntry])


def _read_yaml(path: Path) -> Any:
    try:
        # libyaml's parser when available: the same SafeConstructor, ~10x faster (cold start, issue 15)
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"{path.name}: cannot be read as YAML: {exc}") from exc


@cache
def parameters(name: str, directory: Path = PARAMETERS_DIR) -> dict[str, Parameter]:
    """The validated entries of ``<name>.yaml``."""
    path = directory / f"{name}.yaml"
    try:
        return _PARAMETERS.validate_python(_read_yaml(path))
    except ValueError as exc:
        raise ParameterError(f"{path.name}: {exc}") from exc


@cache
def years(directory: Path = PARAMETERS_DIR) -> dict[int, YearEntry]:
    path = directory / "years.yaml"
    try:
        return _YEARS.validate_python(_read_yaml(path))
    except ValueError as exc:
        raise ParameterError(f"{path.name}: {exc}") from exc


def _weight_table(value: Any) -> Any:
    """``[{reweighted: [cost, pi], quality: 85, ...}, ...]`` -> ``{frozenset({cost, pi}): {...}}``."""
    if isinstance(value, list) and value and all(isinstance(r, dict) and "reweighted" in r for r in value):
        return {
            frozenset(row["reweighted"]): {k: v for k, v in row.items() if k != "reweighted"} for row in value
        }
    return value


def citation(pv: ParameterValue) -> str:
    """The reference, with the word UNCONFIRMED guaranteed for an unconfirmed value (``RuleSet``)."""
    if pv.status == "unconfirmed" and "UNCONFIRMED" not in pv.reference:
        return f"{pv.reference} UNCONFIRMED"
    return pv.reference


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(cls: type[R]) -> TypeAdapter[R]:
    """One pydantic validator per rule-set class, kept: building it is most of the cost of building a
    year's pack, and every year's pack of a rule set is the same class."""
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def build(cls: type[R], name: str, year: int, directory: Path = PARAMETERS_DIR) -> R:
    """The ``cls`` rule set for ``year`` from ``<name>.yaml``: every field's value in force that year."""
    entries = parameters(name, directory)
    known = {f.name: f for f in fields(cls) if f.name != "sources"}
    unknown = sorted(set(entries) - set(known))
    if unknown:
        raise ParameterError(f"{name}.yaml: {unknown} are not fields of {cls.__name__}")
    kwargs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for fname, f in known.items():
        entry = entries.get(fname)
        pv = entry.in_force(year) if entry is not None else None
        if pv is None:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ParameterError(f"{name}.yaml: {fname} has no value in force for {year}")
            continue  # the dataclass default (a feature this year does not have)
        kwargs[fname] = _weight_table(pv.value)
        sources[fname] = citation(pv)
    try:
        obj = _adapter(cls).validate_python({**kwargs, "sources": sources})
    except ValueError as exc:
        raise ParameterError(f"{name}.yaml ({year}): {exc}") from exc
    for fname in kwargs:  # read-only mappings, as the frozen dataclass promises
        v = getattr(obj, fname)
        if isinstance(v, dict):
            object.__setattr__(obj, fname, MappingProxyType(v))
    object.__setattr__(obj, "sources", MappingProxyType(sources))
    return obj


@dataclass(frozen=True)
class ParameterRow:
    """One parameter of one year, as ``mips rules`` lists it."""

    rule_set: str
    name: str
    from_year: int
    status: Status
    reference: str


def rows_for(name: str, year: int, directory: Path = PARAMETERS_DIR) -> dict[str, ParameterRow]:
    """Which dated value of each parameter of ``<name>.yaml`` is in force in ``year``."""
    out: dict[str, ParameterRow] = {}
    for pname, entry in parameters(name, directory).items():
        keys = [k for k in entry.values if k <= year]
        if keys:
            pv = entry.values[max(keys)]
            out[pname] = ParameterRow(name, pname, max(keys), pv.status, citation(pv))
    return out
