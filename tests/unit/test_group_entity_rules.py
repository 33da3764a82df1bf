"""Group PI reweighting (42 CFR 414.1380(c)(2)(iii)) and APM Entity PI from clinicians (42 CFR 414.1317)."""

from __future__ import annotations

from typing import Any

import pytest
from mips.engine import score
from mips.models import CmsData, Profile, Submission

GROUP = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "111222333"}
ENTITY = {
    "performanceYear": 2024,
    "entityType": "apmEntity",
    "taxpayerIdentificationNumber": "111222333",
    "entityId": "A1234",
}
IA_HIGH = {
    "category": "ia",
    "submissionMethod": "registry",
    "measurements": [{"measureId": "IA_EPA_1", "value": True}],
}


def run(ref, rules, key: dict[str, Any], **profile: Any):
    sub = Submission.model_validate({**key, "measurementSets": [IA_HIGH]})
    prof = Profile.model_validate({**key, "practiceSize": 50, **profile})
    cms = CmsData.model_validate(key)
    return score(sub, prof, cms, ref, rules)


def roster(*qualifies: bool | None) -> list[dict[str, Any]]:
    return [
        {"nationalProviderIdentifier": f"12345678{i:02d}", "piReweightingQualifies": q}
        for i, q in enumerate(qualifies)
    ]


def test_given_asc_based_group_when_not_every_clinician_qualifies_then_pi_not_reweighted(ref, rules):
    """414.1380(c)(2)(iii): a group's PI is reweighted only if all its clinicians qualify or the group is
    hospital-based / non-patient-facing. ASC-based group, 1 of 2 clinicians qualifying: PI scored 0."""
    r = run(ref, rules, GROUP, specialStatuses={"ascBased": True}, clinicians=roster(True, False))
    assert r.categories["pi"].reweighted is False and r.categories["pi"].score == 0.0
    assert "414.1380(c)(2)(iii)" in str(r.explanation)


def test_given_every_clinician_qualifies_then_group_pi_reweighted(ref, rules):
    """414.1380(c)(2)(iii): all clinicians qualify -> PI reweighted, even without a group status."""
    r = run(ref, rules, GROUP, clinicians=roster(True, True, True))
    assert r.categories["pi"].reweighted is True
    assert r.categories["pi"].reweighting_reason == "allCliniciansQualify"


def test_given_hospital_based_group_then_reweighted_whatever_the_roster(ref, rules):
    """414.1380(c)(2)(iii): a group meeting the hospital-based definition is reweighted."""
    r = run(ref, rules, GROUP, specialStatuses={"hospitalBased": True}, clinicians=roster(True, False))
    assert r.categories["pi"].reweighting_reason == "hospitalBased"


def test_given_roster_without_flags_then_group_statuses_as_before(ref, rules):
    """Without piReweightingQualifies on every clinician the CMS-published group status decides."""
    r = run(ref, rules, GROUP, specialStatuses={"ascBased": True}, clinicians=roster(None, True))
    assert r.categories["pi"].reweighting_reason == "ascBased"


def test_given_apm_entity_clinician_pi_then_average_of_higher_scores(ref, rules):
    """414.1317: APM Entity PI = average of each clinician's higher group/individual PI score; a clinician
    qualifying for reweighting without a score is left out; one without a score counts 0.
    A: max(80, 90) = 90; B: 60; C: excluded; D: 0 -> (90 + 60 + 0) / 3 = 50.
    Final (APM Entity weights 55/0/15/30): quality 0, IA high 20/40 = 50%: 0.15 x 50 + 0.30 x 50 = 22.5."""
    clinicians = [
        {"nationalProviderIdentifier": "1000000001", "individualPiScore": 80, "groupPiScore": 90},
        {"nationalProviderIdentifier": "1000000002", "individualPiScore": 60},
        {"nationalProviderIdentifier": "1000000003", "piReweightingQualifies": True},
        {"nationalProviderIdentifier": "1000000004", "taxpayerIdentificationNumber": "999888777"},
    ]
    r = run(ref, rules, ENTITY, clinicians=clinicians)
    assert r.categories["pi"].score == pytest.approx(50.0)
    assert r.categories["pi"].weight == 30.0
    assert r.final_score == pytest.approx(22.5)


def test_given_apm_entity_every_clinician_excluded_then_pi_reweighted(ref, rules):
    """414.1317: every clinician qualifies for PI reweighting and none has a score -> PI not scored and
    reweighted: APM Entity row 'cost + PI' = 85/0/15/0: quality 0, IA 50%: 0.15 x 50 = 7.5."""
    clinicians = [
        {"nationalProviderIdentifier": "1000000001", "piReweightingQualifies": True},
        {"nationalProviderIdentifier": "1000000002", "piReweightingQualifies": True},
    ]
    r = run(ref, rules, ENTITY, clinicians=clinicians)
    assert r.categories["pi"].reweighted is True
    assert r.categories["pi"].reweighting_reason == "allCliniciansQualify"
    assert r.categories["ia"].weight == 15.0 and r.categories["quality"].weight == 85.0
    assert r.final_score == pytest.approx(7.5)


def test_given_apm_entity_single_clinician_score_then_it_is_the_entity_pi(ref, rules):
    """414.1317: one clinician with individual PI 80 (no group score): the average is 80."""
    clinicians = [{"nationalProviderIdentifier": "1000000001", "individualPiScore": 80}]
    r = run(ref, rules, ENTITY, clinicians=clinicians)
    assert r.categories["pi"].score == pytest.approx(80.0)
