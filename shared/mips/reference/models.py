"""Typed views of the CMS qpp-measures-data files (only the fields the engine reads)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel


class _RefModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class Stratum(_RefModel):
    name: str | None = None
    description: str | None = None


class Measure(_RefModel):
    """One row of ``measures-data.json`` (quality, IA, PI or cost)."""

    measure_id: str
    title: str = ""
    category: Literal["quality", "ia", "pi", "cost"]
    metric_type: str | None = None
    first_performance_year: int | None = None
    last_performance_year: int | None = None
    # quality
    measure_type: str | None = None
    is_high_priority: bool = False
    is_inverse: bool = False
    e_measure_id: str | None = Field(default=None, alias="eMeasureId")
    submission_methods: tuple[str, ...] = ()
    allowed_programs: tuple[str, ...] = ()
    measure_sets: tuple[str, ...] = ()
    overall_algorithm: str | None = None
    strata: tuple[Stratum, ...] = ()
    is_registry_measure: bool = False
    #: collection types whose topped-out benchmark has no 7-point cap (from PY2025 data)
    seven_point_cap_removed: tuple[str, ...] = ()
    # improvement activities
    weight: str | None = None
    subcategory_id: str | None = None
    # promoting interoperability
    objective: str | None = None
    is_required: bool = False
    is_bonus: bool = False
    reporting_category: str | None = None
    substitutes: tuple[str, ...] = ()
    exclusion: tuple[str, ...] = ()

    @field_validator(
        "exclusion", "substitutes", "submission_methods", "allowed_programs", "measure_sets", mode="before"
    )
    @classmethod
    def _none_to_empty(cls, v: Any) -> Any:
        return () if v is None else v

    @field_validator("strata", mode="before")
    @classmethod
    def _strata_none(cls, v: Any) -> Any:
        return () if v is None else v

    @property
    def is_outcome(self) -> bool:
        """Outcome for the quality requirement: outcome, intermediate outcome, PRO (spec 4.1, UNCONFIRMED)."""
        return self.measure_type in {"outcome", "intermediateOutcome", "patientReportedOutcome"}


class Benchmark(_RefModel):
    """One row of ``benchmarks.json``: unique on (measureId, submissionMethod, performanceYear)."""

    measure_id: str
    benchmark_year: int
    performance_year: int
    submission_method: str
    is_topped_out: bool = False
    is_topped_out_by_program: bool = False
    is_high_priority: bool = False
    is_inverse: bool = False
    metric_type: str | None = None
    percentiles: dict[int, float]
    average_performance_rate: float | None = None

    def p(self, key: int) -> float:
        """Percentile value at key ``key`` (1, 10, 20, ..., 90, 99)."""
        return self.percentiles[key]


class Mvp(_RefModel):
    """One MVP from ``mvp.json``."""

    mvp_id: str
    title: str = ""
    clinical_topic: str | None = None
    quality_measure_ids: tuple[str, ...] = ()
    ia_measure_ids: tuple[str, ...] = ()
    cost_measure_ids: tuple[str, ...] = ()
    foundation_pi_measure_ids: tuple[str, ...] = ()
    foundation_quality_measure_ids: tuple[str, ...] = ()
    administrative_claims_measure_ids: tuple[str, ...] = ()
    has_cahps: bool = False
    has_outcome_admin_claims: bool = False


class CostNationalAverage(_RefModel):
    measure_id: str
    group_national_average: float | None = None
    individual_national_average: float | None = None


class BenchmarkExclusion(_RefModel):
    measure_id: str
    submission_method: str
    reason_codes: tuple[str, ...] = ()
    reason_descriptions: tuple[str, ...] = ()


class ClinicalCluster(_RefModel):
    name: str
    measure_ids: tuple[str, ...] = ()


class ClinicalClusterRow(_RefModel):
    """One row of ``clinical-clusters.json`` (EMA / denominator reduction, spec 4.9)."""

    measure_id: str
    submission_method: str
    clinical_clusters: tuple[ClinicalCluster, ...] = ()
