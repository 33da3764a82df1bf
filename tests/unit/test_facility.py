"""Facility-based measurement (42 CFR 414.1380(e)): hand-computed final scores, standard weights 30/30/15/25.

Inputs: an individual (not small) with one high-weighted activity (IA 20/40 = 50%), no PI data (PI scored 0,
not reweighted), CMS data TPCC_1 $1,400 with 45 cases -> 7.8768 points (spec 14 E1) -> cost 78.768%.
The facility's Hospital VBP-derived scores: quality 80%, cost 60%.
"""

from __future__ import annotations

from typing import Any

import pytest
from mips.engine import score
from mips.models import CmsData, Profile, Submission

KEY = {
    "performanceYear": 2024,
    "entityType": "individual",
    "taxpayerIdentificationNumber": "111222333",
    "nationalProviderIdentifier": "1234567893",
}
GROUP = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "111222333"}


def sub(key: dict[str, Any], *sets: dict[str, Any]) -> Submission:
    return Submission.model_validate({**key, "measurementSets": list(sets)})


IA_HIGH = {
    "category": "ia",
    "submissionMethod": "registry",
    "measurements": [{"measureId": "IA_EPA_1", "value": True}],
}


def quality_e1() -> dict[str, Any]:
    def single(met: int, not_met: int) -> dict[str, int]:
        return {
            "performanceMet": met,
            "performanceNotMet": not_met,
            "eligiblePopulation": met + not_met,
            "eligiblePopulationExclusion": 0,
            "eligiblePopulationException": 0,
        }

    rows = [("236", single(700, 300)), ("001", single(250, 750)), ("112", single(600, 400))]
    rows += [("134", single(500, 500))]
    return {
        "category": "quality",
        "submissionMethod": "electronicHealthRecord",
        "measurements": [{"measureId": m, "value": v} for m, v in rows],
    }


def cms(key: dict[str, Any], facility: bool = True, **extra: Any) -> CmsData:
    doc: dict[str, Any] = {
        **key,
        "costMeasures": [{"measureId": "TPCC_1", "attributedCases": 45, "value": 1400.0}],
        **extra,
    }
    if facility:
        doc["facilityBased"] = {"qualityScore": 80.0, "costScore": 60.0, "facilityCcn": "010001"}
    return CmsData.model_validate(doc)


def profile(key: dict[str, Any], **extra: Any) -> Profile:
    return Profile.model_validate({**key, "practiceSize": 50, **extra})


def test_given_facility_scores_higher_when_scored_then_facility_based_is_used(ref, rules):
    """414.1380(e)(6)(vi)(B): facility-based unless another submission gives a higher final score.
    Submission: 0.30 x 0 + 0.30 x 78.768 + 0.15 x 50 + 0.25 x 0 = 31.1304.
    Facility-based: 0.30 x 80 + 0.30 x 60 + 0.15 x 50 + 0 = 49.5 -> used."""
    r = score(sub(KEY, IA_HIGH), profile(KEY), cms(KEY), ref, rules)
    assert r.scoring_standard == "facilityBased"
    assert r.final_score == pytest.approx(49.5)
    assert r.categories["quality"].score == 80.0 and r.categories["cost"].score == 60.0
    assert "facilityBased" in r.special_statuses
    assert [a.final_score for a in r.alternatives] == [pytest.approx(31.1304, abs=1e-9)]
    doc = r.to_doc()
    assert doc["scoringStandard"] == "facilityBased" and "scoringStandard" not in doc["alternatives"][0]


def test_given_submission_scores_higher_when_scored_then_submission_is_used(ref, rules):
    """414.1380(e)(6)(vi)(B): facility quality 40, cost 30: 0.3 x 40 + 0.3 x 30 + 0.15 x 50 = 28.5.
    Submission with E1's 4 eCQMs 6.3377 + 7.8438 + 6.0359 + 6.6498 = 26.8672 of 60 = 44.7787%:
    0.30 x 44.7787 + 0.30 x 78.768 + 0.15 x 50 = 44.5640 > 28.5 -> the submission is used."""
    fb = cms(KEY).facility_based
    assert fb is not None
    data = cms(KEY).model_copy(
        update={"facility_based": fb.model_copy(update={"quality_score": 40.0, "cost_score": 30.0})}
    )
    r = score(sub(KEY, IA_HIGH, quality_e1()), profile(KEY), data, ref, rules)
    assert r.scoring_standard is None
    expected = 0.3 * (26.8672 / 60 * 100) + 0.3 * 78.768 + 7.5
    assert r.final_score == pytest.approx(expected, abs=1e-9)
    assert r.alternatives[0].scoring_standard == "facilityBased"
    assert r.alternatives[0].final_score == pytest.approx(28.5)


def test_given_group_without_ia_or_pi_data_then_facility_based_not_used(ref, rules):
    """414.1380(e)(4): a group must submit IA or PI data to be scored as facility-based."""
    r = score(sub(GROUP, quality_e1()), profile(GROUP), cms(GROUP), ref, rules)
    assert r.scoring_standard is None and r.alternatives == []
    assert "414.1380(e)(4)" in str(r.explanation)


def test_given_group_with_ia_data_then_facility_based_applies(ref, rules):
    """414.1380(e)(2)(ii), (e)(4): group with IA data: 0.3 x 80 + 0.3 x 60 + 0.15 x 50 = 49.5."""
    r = score(sub(GROUP, IA_HIGH), profile(GROUP), cms(GROUP), ref, rules)
    assert r.scoring_standard == "facilityBased" and r.final_score == pytest.approx(49.5)


def test_given_facility_based_and_nothing_submitted_then_bonus_still_applies(ref, rules):
    """414.1380(c)(3): from the 2025 payment year a facility-based clinician gets the complex patient
    bonus without submitting data; (e)(4): an individual needs no submission. Facility: 0.3 x 80 +
    0.3 x 60 = 42 + bonus 3 = 45; submission-based: 0.3 x 78.768 = 23.6304 and no bonus (no data)."""
    r = score(None, profile(KEY), cms(KEY, complexPatientBonus=3.0), ref, rules)
    assert r.scoring_standard == "facilityBased"
    assert r.final_score == pytest.approx(45.0)
    assert r.complex_patient_bonus == 3.0
    assert r.alternatives[0].final_score == pytest.approx(23.6304, abs=1e-9)


def test_without_facility_scores_results_are_unchanged(ref, rules):
    """No facilityBased field: scored as before (0.3 x 78.768 + 7.5 = 31.1304), no alternatives."""
    r = score(sub(KEY, IA_HIGH), profile(KEY), cms(KEY, facility=False), ref, rules)
    assert r.final_score == pytest.approx(31.1304, abs=1e-9) and r.alternatives == []
    assert "scoringStandard" not in r.to_doc()


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        ({**KEY, "facilityBased": {"qualityScore": 80.0, "costScore": 60.0}}, "cmsData"),
        ({**KEY, "priorYearCostCategoryScore": 61.5}, "cmsData"),
        ({**GROUP, "clinicians": [{"nationalProviderIdentifier": "1234567893"}]}, "profile"),
        ({**GROUP, "practiceSites": 4, "pcmhRecognizedPracticeSites": 2}, "profile"),
    ],
)
def test_files_with_only_the_new_optional_fields_are_recognised(doc, kind):
    """README (issue 11 fields): a CMS-data file or profile holding only a new field is still recognised."""
    from mips.validation import detect_kind

    assert detect_kind(doc) == kind


def test_facility_scores_outside_0_100_are_rejected():
    with pytest.raises(ValueError, match="qualityScore"):
        CmsData.model_validate({**KEY, "facilityBased": {"qualityScore": 180.0, "costScore": 60.0}})
