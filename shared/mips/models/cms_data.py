"""CMS-calculated data (contract 1.3): cost, administrative-claims quality measures, complex patient bonus."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, NonNegativeFloat, NonNegativeInt

from .common import ApiModel, KeyedInput


class CalculatedMeasure(ApiModel):
    """A CMS-calculated measure: ``value`` is a risk-adjusted cost (dollars) or rate, as benchmarked."""

    measure_id: str
    attributed_cases: NonNegativeInt
    value: float


class ComplexPatientIndicators(ApiModel):
    """Inputs to compute the complex patient bonus (spec 8.1)."""

    average_hcc_risk_score: NonNegativeFloat
    dual_eligible_ratio: float = Field(ge=0, le=1)


def _classify_bonus(v: Any) -> Any:
    """An object is the indicators to compute the bonus from; pick it so errors name its fields."""
    if isinstance(v, dict):
        return ComplexPatientIndicators.model_validate(v)
    if v is None or (isinstance(v, int | float) and not isinstance(v, bool)):
        return v
    raise ValueError("expected a number of points or {averageHccRiskScore, dualEligibleRatio}")


class FacilityBasedScores(ApiModel):
    """Facility-based measurement (42 CFR 414.1380(e)): the quality and cost performance category scores
    CMS derived from the attributed hospital's Hospital VBP Program Total Performance Score."""

    quality_score: float = Field(ge=0, le=100)
    cost_score: float = Field(ge=0, le=100)
    facility_ccn: str | None = None


class CmsData(KeyedInput):
    cost_measures: list[CalculatedMeasure] = Field(default_factory=list)
    admin_claims_measures: list[CalculatedMeasure] = Field(default_factory=list)
    complex_patient_bonus: Annotated[
        float | ComplexPatientIndicators | None, BeforeValidator(_classify_bonus)
    ] = None
    #: the cost performance category score (0-100) CMS gave the same identifier in the previous
    #: performance period; absent = not scored on cost then (no cost improvement, 414.1380(b)(2)(iv)(B))
    prior_year_cost_category_score: float | None = Field(default=None, ge=0, le=100)
    #: facility-based measurement scores (414.1380(e)); absent = not facility-based / no hospital score
    facility_based: FacilityBasedScores | None = None
