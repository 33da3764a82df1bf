"""What CMS knows about the clinician or practice (contract 1.2): eligibility and special statuses."""

from __future__ import annotations

from pydantic import Field, NonNegativeFloat, NonNegativeInt

from .common import ApiModel, KeyedInput


class ClaimsSegment(ApiModel):
    """Part B claims figures for one determination period segment (spec 1.3-1.4)."""

    allowed_charges: NonNegativeFloat | None = None
    beneficiaries: NonNegativeInt | None = None
    covered_services: NonNegativeInt | None = None
    patient_facing_encounters: NonNegativeInt | None = None
    hospital_place_of_service_share: float | None = Field(default=None, ge=0, le=1)
    asc_place_of_service_share: float | None = Field(default=None, ge=0, le=1)


class Claims(ClaimsSegment):
    """The claims summary; ``segments`` optionally carries both determination segments (spec 1.4)."""

    segments: list[ClaimsSegment] = Field(default_factory=list, max_length=2)


class SpecialStatuses(ApiModel):
    """CMS-published statuses; a field left out (None) is derived by the engine where the rules allow."""

    small_practice: bool | None = None
    rural: bool | None = None
    hpsa: bool | None = None
    non_patient_facing: bool | None = None
    hospital_based: bool | None = None
    asc_based: bool | None = None


class EucExceptions(ApiModel):
    """Approved extreme-and-uncontrollable-circumstances reweighting, per category (spec 12)."""

    quality: bool = False
    cost: bool = False
    ia: bool = False
    pi: bool = False


class Exceptions(ApiModel):
    pi_hardship: bool = False
    extreme_uncontrollable: EucExceptions = Field(default_factory=EucExceptions)


class Profile(KeyedInput):
    clinician_type: str | None = None
    practice_size: NonNegativeInt | None = None
    claims: Claims | None = None
    first_medicare_enrollment_year: int | None = None
    qualifying_apm_participant: bool = False
    mips_apm_participant: bool = False
    opted_in: bool = False
    special_statuses: SpecialStatuses = Field(default_factory=SpecialStatuses)
    exceptions: Exceptions = Field(default_factory=Exceptions)
    prior_year_quality_achievement_percent: float | None = Field(default=None, ge=0, le=100)
    #: practice sites under the group's TIN and how many are recognized patient-centered medical homes:
    #: a group's IA_PCMH attestation needs at least 50% of its sites (42 CFR 414.1380(b)(3)(ii))
    practice_sites: NonNegativeInt | None = None
    pcmh_recognized_practice_sites: NonNegativeInt | None = None
