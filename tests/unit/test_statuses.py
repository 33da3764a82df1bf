"""Special statuses (spec 2): published values win, the rest derived from practiceSize and claims."""

from __future__ import annotations

from typing import Any

import pytest
from mips.models import EntityKey, Profile
from mips.statuses import derive_statuses

IND = EntityKey(
    performance_year=2024,
    entity_type="individual",
    taxpayer_identification_number="123456789",
    national_provider_identifier="1234567893",
)
GRP = EntityKey(performance_year=2024, entity_type="group", taxpayer_identification_number="123456789")


def profile(entity_type: str = "individual", **fields: Any) -> Profile:
    doc: dict[str, Any] = {
        "performanceYear": 2024,
        "entityType": entity_type,
        "taxpayerIdentificationNumber": "123456789",
    }
    doc.update(fields)
    return Profile.model_validate(doc)


@pytest.mark.parametrize(("size", "small"), [(1, True), (15, True), (16, False)])
def test_given_practice_size_then_small_practice_at_15_or_fewer(rules, size, small):
    """spec 2: small practice = 15 or fewer clinicians billing under the TIN."""
    st = derive_statuses(IND, profile(practiceSize=size), rules.eligibility)
    assert st.small_practice is small
    assert st.sources["smallPractice"] == "derived"


def test_given_published_status_then_it_wins_over_derivation(rules):
    """contract 1.2: explicit specialStatuses (as CMS publishes them) win."""
    p = profile(practiceSize=5, specialStatuses={"smallPractice": False, "rural": True})
    st = derive_statuses(IND, p, rules.eligibility)
    assert st.small_practice is False and st.rural is True
    assert st.sources["smallPractice"] == "published"
    assert st.active() == ["rural"]


@pytest.mark.parametrize(("encounters", "npf"), [(0, True), (100, True), (101, False)])
def test_given_patient_facing_encounters_then_npf_at_100_or_fewer(rules, encounters, npf):
    """spec 2: non-patient-facing = 100 or fewer patient-facing encounters."""
    st = derive_statuses(IND, profile(claims={"patientFacingEncounters": encounters}), rules.eligibility)
    assert st.non_patient_facing is npf


@pytest.mark.parametrize(("share", "hb"), [(0.75, True), (0.9, True), (0.7499, False)])
def test_given_hospital_pos_share_then_hospital_based_at_75_percent_or_more(rules, share, hb):
    """spec 2: hospital-based = 75% or more of covered services in POS 19/21/22/23."""
    st = derive_statuses(IND, profile(claims={"hospitalPlaceOfServiceShare": share}), rules.eligibility)
    assert st.hospital_based is hb


@pytest.mark.parametrize(("share", "asc"), [(0.75, True), (0.74, False)])
def test_given_asc_pos_share_then_asc_based_at_75_percent_or_more(rules, share, asc):
    """spec 2 (UNCONFIRMED): ASC-based = 75% or more in POS 24."""
    st = derive_statuses(IND, profile(claims={"ascPlaceOfServiceShare": share}), rules.eligibility)
    assert st.asc_based is asc


def test_given_status_met_in_either_segment_then_it_applies(rules):
    """spec 2: a status found in either determination segment applies for the year (UNCONFIRMED)."""
    claims = {"segments": [{"patientFacingEncounters": 500}, {"patientFacingEncounters": 80}]}
    assert derive_statuses(IND, profile(claims=claims), rules.eligibility).non_patient_facing is True


def test_given_group_then_small_practice_derived_but_claims_statuses_need_publishing(rules):
    """spec 2: the group rule counts clinicians (>75% of them), which the profile does not carry."""
    claims = {"patientFacingEncounters": 10, "hospitalPlaceOfServiceShare": 0.95}
    st = derive_statuses(GRP, profile("group", practiceSize=12, claims=claims), rules.eligibility)
    assert st.small_practice is True
    assert st.non_patient_facing is False and st.hospital_based is False
    assert st.sources["hospitalBased"] == "notDerivable"
    published = derive_statuses(
        GRP, profile("group", specialStatuses={"hospitalBased": True}), rules.eligibility
    )
    assert published.hospital_based is True


def test_given_nothing_about_rural_or_hpsa_then_false(rules):
    st = derive_statuses(IND, profile(practiceSize=3), rules.eligibility)
    assert st.rural is False and st.hpsa is False
    assert st.sources["rural"] == "notDerivable"


def test_given_clinical_social_worker_then_pi_reweight_clinician_type(rules):
    """spec 2, 17: clinical social workers keep automatic PI reweighting in 2024; PTs do not."""
    assert (
        derive_statuses(
            IND, profile(clinicianType="clinical social worker"), rules.eligibility
        ).pi_reweight_clinician_type
        == "clinicalSocialWorker"
    )
    assert (
        derive_statuses(
            IND, profile(clinicianType="physicalTherapist"), rules.eligibility
        ).pi_reweight_clinician_type
        is None
    )


def test_given_no_profile_then_no_status(rules):
    st = derive_statuses(IND, None, rules.eligibility)
    assert st.active() == []
    assert st.sources["smallPractice"] == "unknown"
