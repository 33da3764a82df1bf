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


class RosterClinician(ApiModel):
    """One MIPS eligible clinician (TIN/NPI) of a group's or APM Entity's roster (all fields but the NPI
    optional): who the entity's score can count for (spec 9.2) and what CMS knows about the clinician."""

    national_provider_identifier: str = Field(min_length=1, max_length=20)
    #: the clinician's billing TIN; defaults to the profile's TIN (APM Entities span several TINs)
    taxpayer_identification_number: str | None = Field(default=None, min_length=1, max_length=20)
    #: the clinician qualifies individually for PI reweighting (414.1380(c)(2)(i)); a group is reweighted
    #: only when all its clinicians do (414.1380(c)(2)(iii))
    pi_reweighting_qualifies: bool | None = None
    #: the clinician's PI category scores as an individual and in its group (APM Entity PI is the average
    #: of each clinician's higher score, 414.1317)
    individual_pi_score: float | None = Field(default=None, ge=0, le=100)
    group_pi_score: float | None = Field(default=None, ge=0, le=100)


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
    #: optional TIN/NPI roster of a group, virtual group or APM Entity
    clinicians: list[RosterClinician] = Field(default_factory=list)
