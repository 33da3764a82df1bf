"""The types that connect the pure scoring modules (the domain boundary every handler calls through).

Each category module exposes one function returning a :class:`CategoryResult`; the eligibility,
reweighting and final-score modules combine them. All of these are JSON-serialisable so the pipeline
can store each intermediate result in DynamoDB and the aggregator can rebuild the final result.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .explain import Node
from .models.common import Category, EntityType, ReportingOption
from .models.profile import RosterClinician
from .rules import DEFAULT_PERFORMANCE_YEAR


class ScoringContext(BaseModel):
    """What a category scorer needs to know about the entity and the reporting option being scored."""

    performance_year: int = DEFAULT_PERFORMANCE_YEAR
    entity_type: EntityType = "individual"
    reporting_option: ReportingOption = "traditional"
    program_name: str = "mips"  # "mips", an MVP id, "app1" or "appPlus"
    mvp_id: str | None = None
    # special statuses after derivation (mips.statuses)
    small_practice: bool = False
    rural: bool = False
    hpsa: bool = False
    non_patient_facing: bool = False
    hospital_based: bool = False
    asc_based: bool = False
    clinician_count: int | None = None  # practiceSize: NPIs billing under the TIN
    mips_apm_participant: bool = False
    prior_year_quality_achievement_percent: float | None = None
    #: practice sites of a group's TIN and how many are recognized PCMHs (414.1380(b)(3)(ii)); None = unknown
    practice_sites: int | None = None
    pcmh_recognized_practice_sites: int | None = None
    #: an extreme and uncontrollable circumstances exception was approved (414.1380(c)(2)(iv))
    euc_exception_approved: bool = False
    #: the profile's TIN/NPI roster (APM Entity PI from clinician-level scores, 414.1317)
    clinicians: list[RosterClinician] = Field(default_factory=list)
    #: categories for which this reporting option carries submitted data (IA APM credit needs another one)
    submitted_categories: frozenset[str] = frozenset()

    @property
    def ia_special_status(self) -> bool:
        """Small practice, rural, HPSA or non-patient-facing: IA points doubled in traditional MIPS (5.1)."""
        return self.small_practice or self.rural or self.hpsa or self.non_patient_facing


class CategoryResult(BaseModel):
    """One performance category's outcome for one reporting option.

    ``score`` is the category percent score (0-100, full precision) or None when the category is not
    scored (e.g. no cost measure met its case minimum); ``not_scored_reason`` then says why. A category
    *scored as zero* has ``score == 0.0`` and is never reweighted (spec 3.0).
    """

    category: Category
    reporting_option: ReportingOption = "traditional"
    mvp_id: str | None = None
    score: float | None = None
    points: float | None = None
    max_points: float | None = None
    not_scored_reason: str | None = None
    data_submitted: bool = False
    explanation: Node
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def scored(self) -> bool:
        return self.score is not None
