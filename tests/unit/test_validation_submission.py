"""Submission validation rules (issue 2 item 4; spec 4.1-4.3, 5, 6.1-6.2, 11, 13.1; contract 1.1).

Each rule has a good example (no problem) and a bad-input example that must name the JSON path and say
what was expected. The builders make a small valid 2024 individual submission to start from.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from mips.validation import validate_document

NPI = "1234567893"  # Luhn over 80840123456789 -> check digit 3 (see test_validation_identity)
FULL_YEAR = {"performanceStart": "2024-01-01", "performanceEnd": "2024-12-31"}


def rate(met: int, not_met: int, eligible: int | None = None, excl: int = 0, exc: int = 0) -> dict[str, Any]:
    return {
        "isEndToEndReported": True,
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": met + not_met + excl + exc if eligible is None else eligible,
        "eligiblePopulationExclusion": excl,
        "eligiblePopulationException": exc,
    }


def mset(category: str, method: str, measurements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "category": category,
        "submissionMethod": method,
        **FULL_YEAR,
        **extra,
        "measurements": measurements,
    }


def m(measure_id: str, value: Any) -> dict[str, Any]:
    return {"measureId": measure_id, "value": value}


PI_OK = [
    m("PI_INFBLO_1", True),
    m("PI_ONCDIR_1", True),
    m("PI_PPHI_1", True),
    m("PI_PPHI_2", True),
    m("PI_EP_1", {"numerator": 90, "denominator": 100}),
    m("PI_PEA_1", {"numerator": 40, "denominator": 50}),
]


def submission(*sets: dict[str, Any], **key: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "performanceYear": 2024,
        "entityType": "individual",
        "taxpayerIdentificationNumber": "000000001",
        "nationalProviderIdentifier": NPI,
        "measurementSets": list(sets)
        or [
            mset("quality", "registry", [m("236", rate(70, 30)), m("130", rate(95, 5))]),
            mset("ia", "registry", [m("IA_EPA_1", True)]),
            mset("pi", "registry", copy.deepcopy(PI_OK), cehrtId="0015E8FAKE00001"),
        ],
    }
    doc.update(key)
    return doc


def problems(ref, doc, severity: str | None = None) -> list[tuple[str, str]]:
    report = validate_document(doc, ref)
    return [(p.path, p.message) for p in report.problems if severity is None or p.severity == severity]


def only_error(ref, doc) -> tuple[str, str]:
    errs = problems(ref, doc, "error")
    assert len(errs) == 1, errs
    return errs[0]


# -- the baseline ----------------------------------------------------------------------------------
def test_given_a_complete_2024_submission_when_validated_then_valid_without_problems(ref):
    report = validate_document(submission(), ref)
    assert report.valid and report.problems == []
    assert report.kind == "submission" and report.model is not None
    assert report.model.measurement_sets[2].category == "pi"


# -- unknown ids and categories (spec 5.1 inventory, 6.2 PI set) -----------------------------------
def test_given_an_unknown_quality_measure_when_validated_then_error_names_it(ref):
    doc = submission(mset("quality", "registry", [m("999", rate(1, 1))]))
    path, msg = only_error(ref, doc)
    assert path == "$.measurementSets[0].measurements[0].measureId"
    assert "'999'" in msg and "not a 2024 quality measure" in msg


def test_given_an_ia_activity_not_in_the_2024_inventory_when_validated_then_error(ref):
    """Spec 5.1: IA_BMH_6 was removed from the 2024 inventory."""
    doc = submission(mset("ia", "registry", [m("IA_EPA_1", True), m("IA_BMH_6", True)]))
    path, msg = only_error(ref, doc)
    assert path == "$.measurementSets[0].measurements[1].measureId"
    assert "not in the 2024 Improvement Activities inventory" in msg


def test_given_a_legacy_aci_id_when_validated_then_error_suggests_the_pi_id(ref):
    doc = submission(
        mset("aci", "registry", [*PI_OK, m("ACI_HIE_1", {"numerator": 1, "denominator": 2})], cehrtId="X")
    )
    path, msg = only_error(ref, doc)
    assert path.endswith("measurements[6].measureId")
    assert "not in the 2024 Promoting Interoperability measure set" in msg and "PI_HIE_1" in msg


def test_given_a_measure_in_the_wrong_category_when_validated_then_error_says_where_it_belongs(ref):
    doc = submission(mset("ia", "registry", [m("236", True)]))
    _, msg = only_error(ref, doc)
    assert "236 is a quality measure, not Improvement Activities" in msg


def test_given_category_cost_or_nonsense_when_validated_then_error_on_category(ref):
    assert only_error(ref, submission(mset("cost", "registry", [])))[0] == "$.measurementSets[0].category"
    path, msg = only_error(ref, submission(mset("qualty", "registry", [])))
    assert path == "$.measurementSets[0].category" and "expected quality, ia or pi" in msg


# -- submission method (spec 4.1 collection types; contract 1.1 CAHPS) -----------------------------
def test_given_a_measure_not_collectable_by_the_method_when_validated_then_error_lists_the_methods(ref):
    """047 (Advance Care Plan) is claims or MIPS CQM only: not an eCQM."""
    doc = submission(mset("quality", "electronicHealthRecord", [m("047", rate(10, 10))]))
    path, msg = only_error(ref, doc)
    assert path == "$.measurementSets[0].measurements[0].measureId"
    assert "cannot be submitted by electronicHealthRecord" in msg and "claims, registry" in msg


def test_given_an_unknown_submission_method_when_validated_then_error(ref):
    path, msg = only_error(ref, submission(mset("quality", "fax", [m("236", rate(7, 3))])))
    assert path == "$.measurementSets[0].submissionMethod" and "'fax'" in msg and "registry" in msg


def test_given_admin_claims_measure_in_a_submission_when_validated_then_error_points_to_cms_data(ref):
    doc = submission(mset("quality", "registry", [m("479", rate(1, 1))]))
    _, msg = only_error(ref, doc)
    assert "calculated by CMS" in msg and "adminClaimsMeasures" in msg


def test_given_cahps_by_survey_vendor_when_validated_then_valid_and_by_registry_is_an_error(ref):
    cahps = [m(f"CAHPS_{n}", {"performanceRate": 80.0}) for n in (1, 2, 3, 11)]
    assert validate_document(submission(mset("quality", "certifiedSurveyVendor", cahps)), ref).valid
    path, msg = only_error(ref, submission(mset("quality", "registry", cahps[:1])))
    assert path.endswith("measurements[0].measureId") and "certifiedSurveyVendor" in msg


# -- program: MVP and APP (spec 11) ----------------------------------------------------------------
def test_given_mvp_measures_from_the_mvp_when_validated_then_valid(ref):
    """G0053's qualityMeasureIds include 130 and 177; iaMeasureIds include IA_BE_1 (mvp.json)."""
    doc = submission(
        mset("quality", "registry", [m("130", rate(9, 1)), m("177", rate(8, 2))], programName="G0053"),
        mset("ia", "registry", [m("IA_BE_1", True)], programName="G0053"),
    )
    assert validate_document(doc, ref).problems == []


def test_given_a_measure_outside_the_mvp_when_validated_then_error_names_the_mvp(ref):
    """236 is not in G0053 (Advancing Rheumatology Patient Care)."""
    doc = submission(mset("quality", "registry", [m("236", rate(7, 3))], programName="G0053"))
    path, msg = only_error(ref, doc)
    assert path.endswith("measurements[0].measureId")
    assert "not allowed in MVP G0053 (Advancing Rheumatology Patient Care)" in msg


def test_given_mvp_id_alias_and_unknown_program_when_validated_then_alias_accepted_unknown_rejected(ref):
    ok = submission(mset("ia", "registry", [m("IA_BE_1", True)], mvpId="G0053"))
    assert validate_document(ok, ref).valid
    path, msg = only_error(ref, submission(mset("ia", "registry", [m("IA_BE_1", True)], programName="G9999")))
    assert path == "$.measurementSets[0].programName" and "G0053" in msg and "app1" in msg


def test_given_app_measures_when_validated_then_only_app1_measures_are_allowed(ref):
    """Spec 11.2: the APP quality measures are 001, 134, 236 (+ CAHPS); 130 is not one."""
    good = submission(
        mset("quality", "registry", [m("001", rate(2, 8)), m("134", rate(5, 5))], programName="app1")
    )
    assert validate_document(good, ref).valid
    bad = submission(mset("quality", "registry", [m("130", rate(5, 5))], programName="app1"))
    _, msg = only_error(ref, bad)
    assert "not allowed in the APM Performance Pathway (app1)" in msg


def test_given_an_mvp_only_activity_in_traditional_mips_when_validated_then_error(ref):
    """IA_MVP lists only MVP ids in allowedPrograms."""
    _, msg = only_error(ref, submission(mset("ia", "registry", [m("IA_MVP", True)])))
    assert "not allowed in program mips" in msg


def test_given_measure_112_in_traditional_mips_when_validated_then_only_a_warning(ref):
    """measures-data lists only M1366 for 112, yet spec 14 E1 scores it in traditional MIPS: warn only."""
    report = validate_document(
        submission(mset("quality", "electronicHealthRecord", [m("112", rate(6, 4))])), ref
    )
    assert report.valid
    assert [p.severity for p in report.problems] == ["warning"]


# -- performance year and dates (spec 4.1, 5.1, 6.1) -----------------------------------------------
def test_given_performance_year_2017_when_validated_then_invalid_for_2024(ref):
    path, msg = only_error(
        ref, submission(mset("ia", "registry", [m("IA_EPA_1", True)]), performanceYear=2017)
    )
    assert path == "$.performanceYear" and "invalid for 2024" in msg


def test_given_dates_outside_the_year_or_reversed_when_validated_then_errors_on_each(ref):
    outside = mset("ia", "registry", [m("IA_EPA_1", True)])
    outside.update(performanceStart="2023-12-01", performanceEnd="2025-01-31")
    errs = problems(ref, submission(outside), "error")
    assert [p for p, _ in errs] == [
        "$.measurementSets[0].performanceStart",
        "$.measurementSets[0].performanceEnd",
    ]
    assert "expected a date from 2024-01-01 to 2024-12-31" in errs[0][1]
    reversed_ = mset("quality", "registry", [m("236", rate(7, 3))])
    reversed_.update(performanceStart="2024-06-01", performanceEnd="2024-05-31")
    path, msg = only_error(ref, submission(reversed_))
    assert path == "$.measurementSets[0].performanceEnd" and "before performanceStart" in msg


@pytest.mark.parametrize(
    ("end", "warned"),
    [
        # 2024-01-01..2024-06-28 inclusive = 31+29+31+30+31+28 = 180 days: meets the 180-day minimum
        ("2024-06-28", False),
        # ..2024-06-27 = 179 days: one short
        ("2024-06-27", True),
    ],
)
def test_given_a_pi_period_when_shorter_than_180_days_then_warning_not_error(ref, end, warned):
    """Spec 6.1 gate 1: a continuous 180-day CEHRT period; shorter scores 0 but the file is valid."""
    pi = mset("pi", "registry", copy.deepcopy(PI_OK), cehrtId="X")
    pi["performanceEnd"] = end
    report = validate_document(submission(pi), ref)
    assert report.valid
    warnings = [p.message for p in report.warnings if p.path == "$.measurementSets[0].performanceEnd"]
    assert bool(warnings) is warned
    if warned:
        assert "179 days" in warnings[0] and "180" in warnings[0]


def test_given_an_ia_period_of_89_days_when_validated_then_warning(ref):
    """Spec 5.1: 90 continuous days; 2024-10-04..2024-12-31 = 28+30+31 = 89 days."""
    ia = mset("ia", "registry", [m("IA_EPA_1", True)])
    ia["performanceStart"] = "2024-10-04"
    report = validate_document(submission(ia), ref)
    assert report.valid and any("89 days" in p.message for p in report.warnings)


def test_given_missing_dates_and_pi_without_cehrt_id_when_validated_then_warnings_only(ref):
    pi = {"category": "pi", "submissionMethod": "registry", "measurements": copy.deepcopy(PI_OK)}
    report = validate_document(submission(pi), ref)
    assert report.valid
    assert {p.path for p in report.warnings} == {
        "$.measurementSets[0].performanceStart",
        "$.measurementSets[0].performanceEnd",
        "$.measurementSets[0].cehrtId",
    }


# -- counts (spec 4.2) -----------------------------------------------------------------------------
def test_given_quality_counts_exceeding_the_eligible_population_when_validated_then_error_shows_the_sum(ref):
    # 60 met + 30 not met + 10 exclusions + 5 exceptions = 105 > 100 eligible
    doc = submission(mset("quality", "registry", [m("236", rate(60, 30, eligible=100, excl=10, exc=5))]))
    path, msg = only_error(ref, doc)
    assert path == "$.measurementSets[0].measurements[0].value.eligiblePopulation"
    assert "= 105 is greater than eligiblePopulation 100" in msg


def test_given_counts_equal_to_the_eligible_population_when_validated_then_valid(ref):
    # 60 + 30 + 6 + 4 = 100 = eligible: data completeness 100%, fine
    doc = submission(mset("quality", "registry", [m("236", rate(60, 30, eligible=100, excl=6, exc=4))]))
    assert validate_document(doc, ref).valid


def test_given_a_stratum_whose_counts_do_not_add_up_when_validated_then_error_on_that_stratum(ref):
    strata = {
        "strata": [{**rate(5, 5), "stratum": "14Days"}, {**rate(9, 9, eligible=10), "stratum": "34Days"}]
    }
    path, msg = only_error(ref, submission(mset("quality", "electronicHealthRecord", [m("305", strata)])))
    assert path == "$.measurementSets[0].measurements[0].value.strata[1].eligiblePopulation"
    assert "= 18 is greater than eligiblePopulation 10" in msg


def test_given_negative_counts_when_validated_then_structural_error_on_the_field(ref):
    doc = submission(mset("quality", "registry", [m("236", rate(-1, 3))]))
    paths = [p for p, _ in problems(ref, doc, "error")]
    assert "$.measurementSets[0].measurements[0].value.performanceMet" in paths


def test_given_pi_numerator_above_denominator_when_validated_then_error(ref):
    pi = copy.deepcopy(PI_OK)
    pi[4] = m("PI_EP_1", {"numerator": 101, "denominator": 100})
    path, msg = only_error(ref, submission(mset("pi", "registry", pi, cehrtId="X")))
    assert path == "$.measurementSets[0].measurements[4].value.numerator"
    assert msg == "numerator 101 is greater than denominator 100"


def test_given_non_proportion_instances_above_denominator_when_validated_then_error(ref):
    # 80 observation instances + 30 exceptions + 0 exclusions = 110 > 100
    value = {
        "numerator": 3,
        "denominator": 100,
        "observationInstances": 80,
        "denominatorException": 30,
        "numeratorExclusion": 0,
    }
    _, msg = only_error(ref, submission(mset("quality", "registry", [m("ACRAD15", value)])))
    assert "= 110 is greater than denominator 100" in msg


def test_given_null_exclusion_counts_like_cms_examples_when_validated_then_read_as_zero(ref):
    value = rate(8, 2)
    value.update(eligiblePopulationExclusion=None, eligiblePopulationException=None)
    report = validate_document(submission(mset("quality", "registry", [m("236", value)])), ref)
    assert report.valid
    assert report.model.measurement_sets[0].measurements[0].value.eligible_population_exclusion == 0


# -- value shape vs metric type (spec 13.1) --------------------------------------------------------
def test_given_a_value_of_the_wrong_shape_when_validated_then_error_says_what_was_expected(ref):
    path, msg = only_error(ref, submission(mset("quality", "registry", [m("236", True)])))
    assert path == "$.measurementSets[0].measurements[0].value"
    assert "expects a single performance rate" in msg and "got true" in msg
    pi = copy.deepcopy(PI_OK)
    pi[4] = m("PI_EP_1", True)
    _, msg = only_error(ref, submission(mset("pi", "registry", pi, cehrtId="X")))
    assert "expects {numerator, denominator}" in msg


def test_given_a_single_rate_for_a_multi_rate_measure_when_validated_then_accepted(ref):
    """Spec 14 E1 reports 226 (multiPerformanceRate) as one rate."""
    assert validate_document(submission(mset("quality", "registry", [m("226", rate(9, 1))])), ref).valid


def test_given_an_unknown_stratum_name_when_validated_then_warning(ref):
    strata = {"strata": [{**rate(5, 5), "stratum": "14days"}, {**rate(5, 5), "stratum": "60days"}]}
    report = validate_document(submission(mset("quality", "electronicHealthRecord", [m("305", strata)])), ref)
    assert report.valid  # "14days" matches "14Days" case-insensitively; "60days" does not
    assert [p.path for p in report.warnings] == [
        "$.measurementSets[0].measurements[0].value.strata[1].stratum"
    ]


# -- duplicates and PI exclusions (spec 6.2) -------------------------------------------------------
def test_given_a_duplicate_measure_in_one_set_when_validated_then_error_on_the_second(ref):
    doc = submission(
        mset("quality", "registry", [m("236", rate(7, 3)), m("130", rate(1, 1)), m("236", rate(1, 1))])
    )
    path, msg = only_error(ref, doc)
    assert path == "$.measurementSets[0].measurements[2].measureId" and "first at measurements[0]" in msg


def test_given_the_same_measure_in_two_sets_when_validated_then_valid(ref):
    doc = submission(
        mset("quality", "registry", [m("236", rate(7, 3))]),
        mset("quality", "electronicHealthRecord", [m("236", rate(7, 3))]),
    )
    assert validate_document(doc, ref).valid


def test_given_an_exclusion_claimed_with_its_measure_when_validated_then_error(ref):
    """PI_LVPP_1 is PI_EP_1's exclusion (measures-data ``exclusion``): opposite meanings."""
    pi = [*copy.deepcopy(PI_OK), m("PI_LVPP_1", True)]
    path, msg = only_error(ref, submission(mset("pi", "registry", pi, cehrtId="X")))
    assert path == "$.measurementSets[0].measurements[6].measureId"
    assert "PI_LVPP_1 claims the exclusion from PI_EP_1" in msg


def test_given_an_exclusion_answered_false_with_its_measure_when_validated_then_warning(ref):
    pi = [*copy.deepcopy(PI_OK), m("PI_LVPP_1", False)]
    report = validate_document(submission(mset("pi", "registry", pi, cehrtId="X")), ref)
    assert report.valid and len(report.warnings) == 1


def test_given_an_exclusion_without_its_measure_when_validated_then_valid(ref):
    pi = [p for p in copy.deepcopy(PI_OK) if p["measureId"] != "PI_EP_1"] + [m("PI_LVPP_1", True)]
    assert validate_document(submission(mset("pi", "registry", pi, cehrtId="X")), ref).valid


# -- every problem at once -------------------------------------------------------------------------
def test_given_many_problems_when_validated_then_all_are_reported_even_when_parsing_fails(ref):
    doc = submission(
        mset("quality", "registry", [m("236", {"performanceMet": "lots"}), m("999", rate(1, 1))]),
        mset("ia", "registry", [m("IA_NOPE", True)]),
        nationalProviderIdentifier="1234567890",
        taxpayerIdentificationNumber="12-345",
    )
    report = validate_document(doc, ref)
    paths = {p.path for p in report.errors}
    assert {
        "$.measurementSets[0].measurements[0].value.performanceMet",  # structural (pydantic)
        "$.measurementSets[0].measurements[1].measureId",  # unknown measure, still checked
        "$.measurementSets[1].measurements[0].measureId",  # unknown activity
        "$.nationalProviderIdentifier",
        "$.taxpayerIdentificationNumber",
    } <= paths
    assert report.model is None
