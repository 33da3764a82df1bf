"""Eligibility from the profile (spec 1.2-1.6): clinician type, low-volume threshold, exclusions, opt-in."""

from __future__ import annotations

from typing import Any

import pytest
from mips.eligibility import evaluate_eligibility, normalise_clinician_type
from mips.models import EntityKey, Profile

KEY = EntityKey(
    performance_year=2024,
    entity_type="individual",
    taxpayer_identification_number="123456789",
    national_provider_identifier="1234567893",
)
ABOVE = {"allowedCharges": 150000.0, "beneficiaries": 320, "coveredServices": 800}


def profile(**fields: Any) -> Profile:
    doc = {
        "performanceYear": 2024,
        "entityType": "individual",
        "taxpayerIdentificationNumber": "123456789",
        "nationalProviderIdentifier": "1234567893",
        "clinicianType": "physician",
        "claims": ABOVE,
        "firstMedicareEnrollmentYear": 2015,
    }
    doc.update(fields)
    return Profile.model_validate(doc)


def status(p: Profile | None, rules) -> str:
    return evaluate_eligibility(KEY, p, rules.eligibility).status


def test_given_no_profile_when_evaluating_then_status_unknown_with_reason(rules):
    res = evaluate_eligibility(KEY, None, rules.eligibility)
    assert res.status == "unknown"
    assert "preliminary" in res.reasons[0]
    assert res.payment_adjustment_applies  # scored as required until the profile arrives


def test_given_physician_above_all_three_lvt_criteria_then_required(rules):
    """spec 1.3: $150,000 > $90,000, 320 > 200 patients, 800 > 200 services."""
    res = evaluate_eligibility(KEY, profile(), rules.eligibility)
    assert res.status == "required"
    assert res.payment_adjustment_applies


@pytest.mark.parametrize(
    "claims",
    [
        {
            "allowedCharges": 90000.0,
            "beneficiaries": 320,
            "coveredServices": 800,
        },  # charges AT $90,000: not more
        {"allowedCharges": 150000.0, "beneficiaries": 200, "coveredServices": 800},  # 200 patients: not more
        {"allowedCharges": 150000.0, "beneficiaries": 320, "coveredServices": 200},  # 200 services: not more
    ],
)
def test_given_exactly_at_one_lvt_limit_then_opt_in_eligible_not_required(rules, claims):
    """spec 1.3: the LVT is exceeded only when MORE than each figure; 2 of 3 exceeded => opt-in eligible."""
    res = evaluate_eligibility(KEY, profile(claims=claims), rules.eligibility)
    assert res.status == "optInEligible"
    assert not res.payment_adjustment_applies


def test_given_one_criterion_exceeded_and_opted_in_then_opted_in_with_adjustment(rules):
    """spec 1.3: exceeds one or two (here one: $95,000) and elected to opt in => scored with adjustment."""
    claims = {"allowedCharges": 95000.0, "beneficiaries": 150, "coveredServices": 100}
    res = evaluate_eligibility(KEY, profile(claims=claims, optedIn=True), rules.eligibility)
    assert res.status == "optedIn"
    assert res.payment_adjustment_applies


def test_given_no_criterion_exceeded_then_excluded_even_if_opted_in(rules):
    claims = {"allowedCharges": 50000.0, "beneficiaries": 150, "coveredServices": 100}
    res = evaluate_eligibility(KEY, profile(claims=claims, optedIn=True), rules.eligibility)
    assert res.status == "excluded"
    assert "Below the low-volume threshold" in res.reasons[-1]


def test_given_both_segments_above_then_required(rules):
    """spec 1.4: above/above = eligible."""
    claims = {"segments": [ABOVE, {"allowedCharges": 100000.0, "beneficiaries": 250, "coveredServices": 300}]}
    assert status(profile(claims=claims), rules) == "required"


def test_given_segment_2_below_then_not_required(rules):
    """spec 1.4: 'you must exceed the low-volume threshold during both segments'; any 'below' = exempt."""
    below = {"allowedCharges": 80000.0, "beneficiaries": 250, "coveredServices": 300}
    res = evaluate_eligibility(KEY, profile(claims={"segments": [ABOVE, below]}), rules.eligibility)
    assert res.status == "optInEligible"  # segment 2 still exceeds 2 of 3 criteria
    assert any("segment 2" in r for r in res.reasons)


def test_given_qualifying_apm_participant_then_excluded(rules):
    """spec 1.5: QPs are excluded from MIPS."""
    res = evaluate_eligibility(KEY, profile(qualifyingApmParticipant=True), rules.eligibility)
    assert res.status == "excluded"
    assert "QP" in res.reasons[0]


def test_given_first_enrolled_in_the_performance_year_then_excluded_and_cannot_opt_in(rules):
    """spec 1.5: newly enrolled in 2024 => exempt for PY 2024 (and cannot opt in, UNCONFIRMED)."""
    res = evaluate_eligibility(
        KEY, profile(firstMedicareEnrollmentYear=2024, optedIn=True), rules.eligibility
    )
    assert res.status == "excluded"
    assert "Newly enrolled" in res.reasons[-1]


def test_given_enrolled_the_year_before_then_not_newly_enrolled(rules):
    assert status(profile(firstMedicareEnrollmentYear=2023), rules) == "required"


@pytest.mark.parametrize("ctype", ["registered nurse", "pharmacist"])
def test_given_a_non_mips_clinician_type_then_excluded(rules, ctype):
    """spec 1.2: only the 15 listed clinician types are MIPS eligible."""
    res = evaluate_eligibility(KEY, profile(clinicianType=ctype), rules.eligibility)
    assert res.status == "excluded"
    assert ctype in res.reasons[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Clinical Social Worker", "clinicalSocialWorker"),
        ("LCSW", "clinicalSocialWorker"),
        ("nurse_practitioner", "nursePractitioner"),
        ("CRNA", "certifiedRegisteredNurseAnesthetist"),
        ("certifiedNurseMidwife", "certifiedNurseMidwife"),
    ],
)
def test_given_spellings_of_eligible_types_then_normalised(rules, raw, expected):
    assert normalise_clinician_type(raw, rules.eligibility.clinician_types) == expected
    assert status(profile(clinicianType=raw), rules) == "required"


def test_given_profile_without_claims_then_unknown(rules):
    res = evaluate_eligibility(KEY, profile(claims=None), rules.eligibility)
    assert res.status == "unknown"
    assert "low-volume threshold cannot be applied" in res.reasons[-1]


def test_given_group_above_lvt_then_required_without_clinician_type(rules):
    """spec 1.6: a group's LVT is assessed on the TIN's aggregate."""
    key = EntityKey(performance_year=2024, entity_type="group", taxpayer_identification_number="123456789")
    p = Profile.model_validate(
        {
            "performanceYear": 2024,
            "entityType": "group",
            "taxpayerIdentificationNumber": "123456789",
            "claims": ABOVE,
        }
    )
    assert evaluate_eligibility(key, p, rules.eligibility).status == "required"


def test_given_partial_claims_with_one_figure_at_or_below_its_limit_then_never_adjusted(rules):
    """spec 1.3: "excluded if <= $90,000 OR <= 200 beneficiaries OR <= 200 services". Charges of $50,000
    alone already rule out exceeding the LVT, so the missing figures cannot make the clinician required:
    no payment adjustment (not 'unknown', which is scored with an adjustment)."""
    res = evaluate_eligibility(KEY, profile(claims={"allowedCharges": 50000.0}), rules.eligibility)
    assert res.status != "required"
    assert not res.payment_adjustment_applies


def test_given_partial_claims_one_below_one_above_then_opt_in_eligible(rules):
    """spec 1.3: $50,000 <= $90,000 but 320 > 200 patients: exceeds one, not all three => opt-in eligible
    whatever the missing services figure is; with an election => opted in."""
    claims = {"allowedCharges": 50000.0, "beneficiaries": 320}
    assert status(profile(claims=claims), rules) == "optInEligible"
    assert status(profile(claims=claims, optedIn=True), rules) == "optedIn"


def test_given_partial_claims_all_given_figures_above_then_still_unknown(rules):
    """spec 1.3: $150,000 and 320 patients exceed, services missing: could be required or opt-in eligible."""
    claims = {"allowedCharges": 150000.0, "beneficiaries": 320}
    assert status(profile(claims=claims), rules) == "unknown"
