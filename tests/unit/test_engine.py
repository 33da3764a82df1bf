"""The engine (contract 2, spec 3.0, 9.2): reporting options, context, composition, choice, status.

End-to-end cases use the real category modules and the 2024 reference data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mips import ENGINE_VERSION
from mips.eligibility import EligibilityResult
from mips.engine import (
    CATEGORIES,
    EntityEvaluation,
    InputMismatch,
    OptionSpec,
    build_context,
    choose,
    evaluate_entity,
    finalize_option,
    input_status,
    reporting_options,
    reweight,
    score,
    score_category,
)
from mips.models import CmsData, Profile, ScoreResult, Submission
from mips.reweighting import WeightDecision
from mips.scoring import CategoryResult, ScoringContext

CONTRACT = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "contract"
KEY_FIELDS = {
    "performanceYear": 2024,
    "entityType": "individual",
    "taxpayerIdentificationNumber": "111222333",
    "nationalProviderIdentifier": "1234567893",
}


def load(example: str, name: str, model: Any) -> Any:
    path = CONTRACT / example / name
    if not path.is_file():
        pytest.skip("../shared/samples/contract is not beside this checkout")
    return model.model_validate_json(path.read_text())


def submission(*sets: dict) -> Submission:
    return Submission.model_validate({**KEY_FIELDS, "measurementSets": list(sets)})


def ia_set(program: str = "mips", *ids: str) -> dict:
    return {
        "category": "ia",
        "submissionMethod": "registry",
        "programName": program,
        "performanceStart": "2024-01-01",
        "performanceEnd": "2024-12-31",
        "measurements": [{"measureId": i, "value": True} for i in ids or ("IA_EPA_1",)],
    }


# --- reporting options --------------------------------------------------------------------------------
def test_no_submission_is_scored_as_traditional():
    assert reporting_options(None) == [OptionSpec(reporting_option="traditional", program_name="mips")]


def test_sets_are_grouped_by_program_name_traditional_first():
    s = submission(ia_set("M0005"), ia_set("mips"), ia_set("app1"), ia_set("M0005"), ia_set("mips"))
    opts = reporting_options(s)
    assert [(o.reporting_option, o.program_name, o.mvp_id) for o in opts] == [
        ("traditional", "mips", None),
        ("mvp", "M0005", "M0005"),
        ("app", "app1", None),
    ]


# --- context -----------------------------------------------------------------------------------------
def test_context_carries_statuses_profile_and_submitted_categories(rules):
    prof = Profile.model_validate(
        {
            **KEY_FIELDS,
            "practiceSize": 4,
            "mipsApmParticipant": True,
            "priorYearQualityAchievementPercent": 50.0,
            "specialStatuses": {"rural": True},
        }
    )
    key = prof.key
    ev = evaluate_entity(key, prof, rules)
    s = submission(ia_set("mips"), {**ia_set("M0005"), "category": "pi", "measurements": []})
    ctx = build_context(key, reporting_options(s)[0], s, ev, prof)
    assert ctx.small_practice and ctx.rural and ctx.mips_apm_participant
    assert ctx.clinician_count == 4 and ctx.prior_year_quality_achievement_percent == 50.0
    assert ctx.submitted_categories == frozenset({"ia"})  # the empty PI set belongs to the MVP option


def test_input_status_preliminary_without_profile_or_cms_data():
    prof = Profile.model_validate(KEY_FIELDS)
    cms = CmsData.model_validate(KEY_FIELDS)
    assert input_status(prof, cms) == "final"
    assert input_status(None, cms) == "preliminary"
    assert input_status(prof, None) == "preliminary"


def test_unknown_category_is_rejected(rules, ref):
    with pytest.raises(ValueError, match="unknown performance category"):
        score_category("bonus", None, None, ScoringContext(), ref, rules)


# --- choose ------------------------------------------------------------------------------------------
def _result(option: str, fs: float) -> ScoreResult:
    return ScoreResult.model_validate(
        {
            "performanceYear": 2024,
            "paymentYear": 2026,
            "entity": {"entityType": "individual", "taxpayerIdentificationNumber": "1"},
            "reportingOption": option,
            "status": "final",
            "eligibility": {"status": "required"},
            "categories": {},
            "finalScore": fs,
            "paymentAdjustment": {"paymentYear": 2026, "percent": 0.0, "direction": "neutral"},
            "explanation": {},
            "versions": {"engine": "x", "rules": "2024", "referenceData": "y"},
        }
    )


def test_choose_reports_the_highest_and_lists_the_others():
    """spec 9.2: scores are never combined across reporting options; the highest is used."""
    best = choose([_result("traditional", 70.0), _result("mvp", 81.0), _result("app", 60.0)])
    assert best.reporting_option == "mvp" and best.final_score == 81.0
    assert [a.reporting_option for a in best.alternatives] == ["traditional", "app"]
    assert "alternatives" not in best.to_doc()["alternatives"][0]


def test_choose_tie_keeps_the_first_option():
    assert choose([_result("traditional", 75.0), _result("mvp", 75.0)]).reporting_option == "traditional"


# --- end to end through the engine -------------------------------------------------------------------
def test_e1_through_score_matches_spec(ref):
    """spec 14 E1: final 78.8645, adjustment +0.1623."""
    r = score(
        load("e1-standard-individual", "submission.json", Submission),
        load("e1-standard-individual", "profile.json", Profile),
        load("e1-standard-individual", "cms-data.json", CmsData),
        ref,
    )
    assert r.final_score == pytest.approx(78.8645, abs=0.01)
    assert r.payment_adjustment.percent == pytest.approx(0.1623, abs=0.01)
    assert r.status == "final" and r.eligibility.status == "required"
    assert r.versions.engine == ENGINE_VERSION and r.versions.rules == "2024"
    assert r.versions.reference_data == ref.version
    tree = r.explanation
    assert tree["name"] == "total" and [p["name"] for p in tree["parts"]][:4] == list(CATEGORIES)
    quality = tree["parts"][0]
    assert quality["metadata"]["weight"] == 30.0 and quality["parts"][0]["name"] == "qualityCategoryScore"
    assert quality["value"] == pytest.approx(19.979, abs=0.001)  # 66.5968 x 0.30


def test_score_is_exactly_the_composition_of_the_public_steps_with_json_hops(ref, rules):
    """The pipeline stores every intermediate model as JSON between Lambdas: the result must not change."""
    s = load("e2-small-practice-pi-reweighted", "submission.json", Submission)
    p = load("e2-small-practice-pi-reweighted", "profile.json", Profile)
    c = load("e2-small-practice-pi-reweighted", "cms-data.json", CmsData)

    def hop(model: Any) -> Any:
        return type(model).model_validate_json(model.model_dump_json())

    key = s.key
    ev = hop(evaluate_entity(key, p, rules))
    status = input_status(p, c)
    scored = []
    for opt in reporting_options(s):
        ctx = hop(build_context(key, hop(opt), s, ev, p))
        results = {cat: hop(score_category(cat, s, c, ctx, ref, rules)) for cat in CATEGORIES}
        decision = hop(reweight(ctx, results, ev, p, rules))
        scored.append(hop(finalize_option(key, ctx, results, decision, ev, p, c, ref, rules, status)))
    assert choose(scored).to_doc() == score(s, p, c, ref).to_doc()
    assert isinstance(decision, WeightDecision) and isinstance(ev, EntityEvaluation)
    assert isinstance(results["ia"], CategoryResult)


def test_nothing_submitted_scores_cost_only(ref):
    """spec 3.0 note: quality and IA 0 (not reweighted), PI 0, FS = 0.30 x cost = 0.30 x 72.9515 = 21.88545;
    adjustment -9 x (75 - 21.88545)/75 = -6.37375 (spec 10); no CPB without data submission."""
    prof = load("e1-standard-individual", "profile.json", Profile)
    cms = load("e1-standard-individual", "cms-data.json", CmsData).model_copy(
        update={"complex_patient_bonus": 3.0}
    )
    r = score(None, prof, cms, ref)
    assert r.categories["quality"].score == 0.0 and not r.categories["quality"].reweighted
    assert r.categories["ia"].score == 0.0 and r.categories["pi"].score == 0.0
    assert r.final_score == pytest.approx(21.88545, abs=1e-3)
    assert r.complex_patient_bonus == 0.0
    assert r.payment_adjustment.percent == pytest.approx(-6.37375, abs=1e-3)


def test_nothing_submitted_small_practice_also_thirty_percent_of_cost(ref):
    """spec 3.0 note: small practice PI auto-reweighted -> 40/30/30 table, still 0.30 x 72.9515 = 21.88545."""
    prof = load("e2-small-practice-pi-reweighted", "profile.json", Profile)
    cms = load("e2-small-practice-pi-reweighted", "cms-data.json", CmsData)
    r = score(None, prof, cms, ref)
    assert r.categories["pi"].reweighted and r.categories["quality"].weight == 40.0
    assert r.final_score == pytest.approx(21.88545, abs=1e-3)


def test_empty_pi_set_does_not_override_small_practice_pi_reweighting(ref):
    """spec 2, 3.2: a small practice's PI is reweighted "unless PI data is submitted"; a PI measurement set
    with no measurements is no data. E2 inputs + an empty PI set -> still the 40/30/30/0 row."""
    prof = load("e2-small-practice-pi-reweighted", "profile.json", Profile)
    cms = load("e2-small-practice-pi-reweighted", "cms-data.json", CmsData)
    key = prof.key.model_dump(by_alias=True)
    empty_pi = {
        "category": "pi",
        "submissionMethod": "electronicHealthRecord",
        "cehrtId": "X",
        "measurements": [],
    }
    s = Submission.model_validate({**key, "measurementSets": [ia_set("mips", "IA_EPA_1"), empty_pi]})
    r = score(s, prof, cms, ref)
    assert r.categories["pi"].reweighted and r.categories["pi"].reweighting_reason == "smallPractice"
    assert [r.categories[c].weight for c in ("quality", "cost", "ia", "pi")] == [40.0, 30.0, 30.0, 0.0]


def e19_inputs() -> tuple[Submission, Profile, CmsData]:
    """spec 14 E19: hospital-based ED physician, no cost measure meets its case minimum, EUC quality,
    one high-weighted IA activity (20 points -> 50%)."""
    s = submission(ia_set("mips", "IA_EPA_1"))
    p = Profile.model_validate(
        {
            **KEY_FIELDS,
            "clinicianType": "physician",
            "practiceSize": 40,
            "claims": {
                "allowedCharges": 400000.0,
                "beneficiaries": 900,
                "coveredServices": 2000,
                "patientFacingEncounters": 1800,
                "hospitalPlaceOfServiceShare": 0.95,
            },
            "exceptions": {"extremeUncontrollable": {"quality": True}},
        }
    )
    c = CmsData.model_validate(
        {**KEY_FIELDS, "costMeasures": [{"measureId": "TPCC_1", "attributedCases": 5, "value": 1400.0}]}
    )
    return s, p, c


def test_e19_only_one_category_scored_gives_75_and_neutral(ref):
    s, p, c = e19_inputs()
    r = score(s, p, c, ref)
    assert r.special_statuses == ["hospitalBased"]  # derived: 95% >= 75%
    assert r.categories["ia"].score == pytest.approx(50.0)
    assert r.categories["pi"].reweighting_reason == "hospitalBased"
    assert r.categories["quality"].reweighting_reason == "extremeUncontrollable"
    assert r.categories["cost"].reweighted
    assert r.final_score == 75.0
    assert r.payment_adjustment.percent == 0.0 and r.payment_adjustment.direction == "neutral"


def test_several_reporting_options_scored_separately(ref):
    """spec 9.2 / contract 2: traditional (E1) and an MVP with only one IA activity: E1 is higher."""
    s = load("e1-standard-individual", "submission.json", Submission)
    s = s.model_copy(
        update={
            "measurement_sets": [
                *s.measurement_sets,
                *submission(ia_set("M0005", "IA_BE_4")).measurement_sets,
            ]
        }
    )
    p = load("e1-standard-individual", "profile.json", Profile)
    c = load("e1-standard-individual", "cms-data.json", CmsData)
    r = score(s, p, c, ref)
    assert r.reporting_option == "traditional"
    assert r.final_score == pytest.approx(78.8645, abs=0.01)
    assert len(r.alternatives) == 1
    alt = r.alternatives[0]
    assert alt.reporting_option == "mvp" and alt.mvp_id == "M0005"
    assert alt.final_score < r.final_score
    doc = r.to_doc()
    assert doc["alternatives"][0]["mvpId"] == "M0005" and "mvpId" not in doc
    json.dumps(doc)


def test_profile_for_another_entity_is_rejected(ref):
    s = load("e1-standard-individual", "submission.json", Submission)
    other = Profile.model_validate({**KEY_FIELDS, "nationalProviderIdentifier": "9999999999"})
    with pytest.raises(InputMismatch, match="profile"):
        score(s, other, None, ref)


def test_without_profile_eligibility_unknown_and_preliminary(ref):
    s = load("e1-standard-individual", "submission.json", Submission)
    c = load("e1-standard-individual", "cms-data.json", CmsData)
    r = score(s, None, c, ref)
    assert r.status == "preliminary" and r.eligibility.status == "unknown"
    assert r.final_score == pytest.approx(78.8645, abs=0.01)  # standard non-special scoring meanwhile


def test_excluded_clinician_is_scored_without_adjustment(ref):
    s = load("e1-standard-individual", "submission.json", Submission)
    p = load("e1-standard-individual", "profile.json", Profile).model_copy(
        update={"qualifying_apm_participant": True}
    )
    r = score(s, p, None, ref)
    assert r.eligibility.status == "excluded"
    assert r.payment_adjustment.percent == 0.0 and r.payment_adjustment.direction == "neutral"


def test_apm_entity_weights_55_0_15_30(ref, rules):
    """spec 3.3: an APM Entity's cost is not evaluated even when cost data exists."""
    key = {**KEY_FIELDS, "entityType": "apmEntity", "nationalProviderIdentifier": None, "entityId": "A1234"}
    s = Submission.model_validate({**key, "measurementSets": [ia_set("mips", "IA_EPA_1", "IA_BE_6")]})
    c = CmsData.model_validate(
        {**key, "costMeasures": [{"measureId": "TPCC_1", "attributedCases": 50, "value": 1400.0}]}
    )
    p = Profile.model_validate({**key, "practiceSize": 200})
    r = score(s, p, c, ref)
    assert {k: v.weight for k, v in r.categories.items()} == {"quality": 55, "cost": 0, "ia": 15, "pi": 30}
    assert r.categories["cost"].reweighting_reason == "notEvaluatedForApmEntity"
    # quality 0 x 0.55 + IA 100 x 0.15 + PI 0 x 0.30 = 15
    assert r.final_score == pytest.approx(15.0)


def test_eligibility_result_and_option_round_trip():
    e = EligibilityResult(status="optInEligible", reasons=["x"])
    assert EligibilityResult.model_validate_json(e.model_dump_json()) == e
    o = OptionSpec(reporting_option="mvp", program_name="M0005", mvp_id="M0005")
    assert OptionSpec.model_validate_json(o.model_dump_json()) == o
