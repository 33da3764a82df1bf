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
