"""The QPP Submissions API JSON (contract 1.1) as pydantic v2 models.

Accepts the bare ``submission`` object or ``{"data": {"submission": {...}}}``; the legacy category
``aci`` as ``pi``; the entity type ``apm`` as ``apmEntity``; ``mvpId`` as an alias of ``programName``.
Measurement values are typed by their shape (spec 13.1): boolean (IA and PI attestations), proportion
``{numerator, denominator}`` (PI), single performance rate, multi performance rate (``strata``),
non-proportion (QCDR) and CAHPS summary-survey scores ``{performanceRate}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AliasChoices, BeforeValidator, Field, NonNegativeInt, field_validator, model_validator

from .common import ApiModel, KeyedInput


class SingleRateValue(ApiModel):
    """Single performance rate (``singlePerformanceRate`` / ``registrySinglePerformanceRate``)."""

    performance_met: NonNegativeInt
    performance_not_met: NonNegativeInt = 0
    eligible_population: NonNegativeInt
    eligible_population_exclusion: NonNegativeInt = 0
    eligible_population_exception: NonNegativeInt = 0
    is_end_to_end_reported: bool | None = None
    performance_rate: float | None = Field(default=None, ge=0, le=100)
    reporting_rate: float | None = Field(default=None, ge=0, le=100)

    @field_validator(
        "performance_not_met", "eligible_population_exclusion", "eligible_population_exception", mode="before"
    )
    @classmethod
    def _null_is_zero(cls, v: Any) -> Any:
        """CMS's own examples send ``null`` for an empty count (scoring-example-submission-input.json)."""
        return 0 if v is None else v


class StratumValue(SingleRateValue):
    stratum: str


class MultiRateValue(ApiModel):
    strata: list[StratumValue] = Field(min_length=1)
    is_end_to_end_reported: bool | None = None


class NonProportionValue(ApiModel):
    """QCDR non-proportion measurement (observation instances)."""

    numerator: float
    denominator: NonNegativeInt
    numerator_exclusion: NonNegativeInt = 0
    denominator_exception: NonNegativeInt = 0
    observation_instances: NonNegativeInt = 0
    is_end_to_end_reported: bool | None = None

    @field_validator("numerator_exclusion", "denominator_exception", "observation_instances", mode="before")
    @classmethod
    def _null_is_zero(cls, v: Any) -> Any:
        return 0 if v is None else v


class ProportionValue(ApiModel):
    """PI numerator/denominator measure."""

    numerator: NonNegativeInt
    denominator: NonNegativeInt


class CahpsValue(ApiModel):
    """A CAHPS for MIPS summary survey measure score (0-100)."""

    performance_rate: float = Field(ge=0, le=100)


MeasurementValue = bool | SingleRateValue | MultiRateValue | NonProportionValue | ProportionValue | CahpsValue

_VALUE_SHAPES = (
    "measurement value must be true/false, {numerator, denominator}, a single-rate object "
    "{performanceMet, performanceNotMet, eligiblePopulation, ...}, {strata: [...]}, or {performanceRate}"
)
_NON_PROPORTION_KEYS = {"observationInstances", "numeratorExclusion", "denominatorException"}


def _classify_value(v: Any) -> Any:
    """Pick the value type by its keys so errors name the right fields (no union guessing)."""
    if isinstance(v, bool):
        return v
    if not isinstance(v, dict):
        raise ValueError(_VALUE_SHAPES)
    if "strata" in v:
        return MultiRateValue.model_validate(v)
    if "performanceMet" in v or "eligiblePopulation" in v:
        return SingleRateValue.model_validate(v)
    if "numerator" in v or "denominator" in v:
        if _NON_PROPORTION_KEYS & set(v):
            return NonProportionValue.model_validate(v)
        return ProportionValue.model_validate(v)
    if "performanceRate" in v:
        return CahpsValue.model_validate(v)
    raise ValueError(_VALUE_SHAPES)


class Measurement(ApiModel):
    measure_id: str = Field(min_length=1)
    value: Annotated[MeasurementValue, BeforeValidator(_classify_value)]


def _category_alias(v: Any) -> Any:
    return "pi" if v == "aci" else v


class MeasurementSet(ApiModel):
    category: Annotated[str, BeforeValidator(_category_alias)]
    submission_method: str
    program_name: str = Field(default="mips", validation_alias=AliasChoices("programName", "mvpId"))
    cehrt_id: str | None = None
    performance_start: date | None = None
    performance_end: date | None = None
    measurements: list[Measurement] = Field(default_factory=list)

    @property
    def reporting_option(self) -> str:
        """``traditional``, ``app`` or ``mvp`` from ``programName`` (contract 1.1)."""
        p = self.program_name
        if p in ("mips", "", None):
            return "traditional"
        if p.lower().startswith("app"):
            return "app"
        return "mvp"

    @property
    def mvp_id(self) -> str | None:
        return self.program_name if self.reporting_option == "mvp" else None


class Submission(KeyedInput):
    """One entity's submission for one performance year."""

    measurement_sets: list[MeasurementSet] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, data: Any) -> Any:
        """Accept ``{"data": {"submission": {...}}}`` as returned by the QPP API."""
        if isinstance(data, dict) and "data" in data and isinstance(data["data"], dict):
            inner = data["data"].get("submission")
            if isinstance(inner, dict):
                return inner
        return data
