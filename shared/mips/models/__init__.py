"""pydantic v2 models of the three input files and the result document (the public contract)."""

from .cms_data import CalculatedMeasure, CmsData, ComplexPatientIndicators
from .common import Category, EntityKey, EntityType, Problem, ReportingOption
from .profile import Claims, ClaimsSegment, Exceptions, Profile, SpecialStatuses
from .result import ScoreResult
from .submission import (
    CahpsValue,
    Measurement,
    MeasurementSet,
    MultiRateValue,
    NonProportionValue,
    ProportionValue,
    SingleRateValue,
    StratumValue,
    Submission,
)

__all__ = [
    "CahpsValue",
    "CalculatedMeasure",
    "Category",
    "Claims",
    "ClaimsSegment",
    "CmsData",
    "ComplexPatientIndicators",
    "EntityKey",
    "EntityType",
    "Exceptions",
    "Measurement",
    "MeasurementSet",
    "MultiRateValue",
    "NonProportionValue",
    "Problem",
    "Profile",
    "ProportionValue",
    "ReportingOption",
    "ScoreResult",
    "SingleRateValue",
    "SpecialStatuses",
    "StratumValue",
    "Submission",
]
