"""Eligibility and special-status parameters by performance year (spec 1, 2)."""

from __future__ import annotations

from dataclasses import dataclass

from .base import RuleSet


@dataclass(frozen=True, kw_only=True)
class EligibilityRules(RuleSet):
    """Every value that changes by year for eligibility and special statuses; see ``sources``."""

    #: MIPS eligible clinician types, as normalised names (see ``mips.eligibility.normalise_clinician_type``)
    clinician_types: frozenset[str]
    #: LVT: an entity exceeds the threshold only if it is strictly above all three figures
    lvt_allowed_charges: float
    lvt_beneficiaries: int
    lvt_covered_services: int
    #: the LVT must be exceeded in every determination segment given (segment 1 and segment 2)
    lvt_all_segments_required: bool
    #: a clinician first enrolled in Medicare during the performance year is exempt
    newly_enrolled_excluded: bool
    newly_enrolled_may_opt_in: bool
    qp_excluded: bool
    #: special statuses (spec 2)
    small_practice_max_clinicians: int
    non_patient_facing_max_encounters: int
    hospital_based_min_share: float
    asc_based_min_share: float
    #: a status found in either determination segment applies for the year
    status_in_either_segment: bool
    #: entity types whose hospital-based / ASC-based / non-patient-facing status comes from the
    #: clinician's own claims (the group rule counts clinicians, which the profile does not carry)
    individual_status_entity_types: frozenset[str]
    #: clinician types whose PI category is automatically reweighted (unless PI data is submitted)
    pi_auto_reweight_clinician_types: frozenset[str]


ELIGIBILITY_2024 = EligibilityRules(
    clinician_types=frozenset(
        {
            "physician",
            "osteopathicPractitioner",
            "chiropractor",
            "physicianAssistant",
            "nursePractitioner",
            "clinicalNurseSpecialist",
            "certifiedRegisteredNurseAnesthetist",
            "physicalTherapist",
            "occupationalTherapist",
            "clinicalPsychologist",
            "speechLanguagePathologist",
            "audiologist",
            "registeredDietitian",
            "clinicalSocialWorker",
            "certifiedNurseMidwife",
        }
    ),
    lvt_allowed_charges=90_000.0,
    lvt_beneficiaries=200,
    lvt_covered_services=200,
    lvt_all_segments_required=True,
    newly_enrolled_excluded=True,
    newly_enrolled_may_opt_in=False,
    qp_excluded=True,
    small_practice_max_clinicians=15,
    non_patient_facing_max_encounters=100,
    hospital_based_min_share=0.75,
    asc_based_min_share=0.75,
    status_in_either_segment=True,
    individual_status_entity_types=frozenset({"individual"}),
    pi_auto_reweight_clinician_types=frozenset({"clinicalSocialWorker"}),
    sources={
        "clinician_types": (
            "spec §1.2 [S:HMX-ELIG (3rd party); DATA:measures-data.json] UNCONFIRMED as to the exact "
            "codified wording of 42 CFR 414.1305; no source settles it (cfr-verification-2024.md §2 "
            "#39)"
        ),
        "lvt_allowed_charges": "spec §1.3 [S:QPP-ELIG] (more than $90,000 Part B allowed charges)",
        "lvt_beneficiaries": "spec §1.3 [S:QPP-ELIG] (more than 200 Part B patients)",
        "lvt_covered_services": "spec §1.3 [S:QPP-ELIG] (more than 200 covered professional services)",
        "lvt_all_segments_required": "spec §1.4 [S:QPP-ELIG] (must exceed the LVT during both segments)",
        "newly_enrolled_excluded": "spec §1.5 [S:HMX-ELIG (3rd party)]",
        "newly_enrolled_may_opt_in": (
            "spec §1.5 UNCONFIRMED (newly enrolled clinicians cannot opt in); no source settles it "
            "(cfr-verification-2024.md §2 #40)"
        ),
        "qp_excluded": "spec §1.5 [S:LEGAL (3rd party); S:QPP-ELIG]",
        "small_practice_max_clinicians": "spec §2 [S:SEED-SP] (15 or fewer clinicians billing under the TIN)",
        "non_patient_facing_max_encounters": "spec §2 [S:SEED-FM] (100 or fewer patient-facing encounters)",
        "hospital_based_min_share": "spec §2 [S:SEED-FM] (75% or more of services in POS 19/21/22/23)",
        "asc_based_min_share": (
            'spec §2; settled by the 42 CFR 414.1305 definition: "75 percent or more ... ambulatory '
            'surgical center setting" (mirror @aa9ade34, older text) [cfr-verification-2024.md §2 '
            "#41]"
        ),
        "status_in_either_segment": (
            "spec §2 [S:ASA-SS (3rd party)] UNCONFIRMED against CMS text; no source settles it "
            "(cfr-verification-2024.md §2 #42)"
        ),
        "individual_status_entity_types": "spec §2 [S:SEED-FM] (group/VG rule is 'more than 75% of the "
        "clinicians', not derivable from a claims summary: explicit statuses only)",
        "pi_auto_reweight_clinician_types": "spec §2, §17 [S:SEED-FM] (clinical social workers only in 2024)",
    },
)
