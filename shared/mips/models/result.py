"""The score result document (contract section 2): one JSON document per entity."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..explain import round4
from .common import ReportingOption


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class EntityOut(_Out):
    entity_type: str
    taxpayer_identification_number: str
    national_provider_identifier: str | None = None
    entity_id: str | None = None


class EligibilityOut(_Out):
    status: str  # required | optInEligible | optedIn | excluded | voluntary
    reasons: list[str] = Field(default_factory=list)


class CategoryOut(_Out):
    score: float | None
    weight: float
    reweighted: bool = False
    reweighting_reason: str | None = None
    points: float | None = None
    max_points: float | None = None


class PaymentAdjustmentOut(_Out):
    payment_year: int
    percent: float
    direction: Literal["positive", "neutral", "negative"]


class VersionsOut(_Out):
    engine: str
    rules: str
    reference_data: str


class WarningOut(_Out):
    """A validation warning of an input that was scored (in the spirit of the QPP API's warnings)."""

    path: str
    message: str
    code: str | None = None
    input: str | None = None  # submission | profile | cmsData


class ScoreResult(_Out):
    performance_year: int
    payment_year: int
    entity: EntityOut
    reporting_option: ReportingOption
    mvp_id: str | None = None
    status: Literal["preliminary", "final"]
    eligibility: EligibilityOut
    special_statuses: list[str] = Field(default_factory=list)
    categories: dict[str, CategoryOut]
    complex_patient_bonus: float = 0.0
    final_score: float
    payment_adjustment: PaymentAdjustmentOut
    explanation: dict[str, Any]
    alternatives: list[ScoreResult] = Field(default_factory=list)
    versions: VersionsOut
    #: "facilityBased" when quality and cost come from facility-based measurement (42 CFR 414.1380(e));
    #: absent otherwise (emitted only when set)
    scoring_standard: str | None = None
    warnings: list[WarningOut] = Field(default_factory=list)

    def to_doc(self) -> dict[str, Any]:
        """The exact JSON document of contract 2: camelCase, numbers rounded to 4 dp.

        ``mvpId`` is emitted only for MVP results; alternatives carry no ``alternatives`` of their own;
        ``warnings`` (optional) only when an input had validation warnings.
        """
        doc = self.model_dump(by_alias=True, mode="json")
        if not doc.get("warnings"):
            doc.pop("warnings", None)
        if doc.get("mvpId") is None:
            doc.pop("mvpId", None)
        if doc.get("scoringStandard") is None:
            doc.pop("scoringStandard", None)
        for alt in doc.get("alternatives", []):
            alt.pop("alternatives", None)
            alt.pop("warnings", None)
            if alt.get("mvpId") is None:
                alt.pop("mvpId", None)
            if alt.get("scoringStandard") is None:
                alt.pop("scoringStandard", None)
        return round4(doc)
