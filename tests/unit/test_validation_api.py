"""The validation API (issue 2 item 4; contract 1.1-1.3): kind detection, never raising, profile, CMS data."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mips.models import CmsData, Profile
from mips.validation import ValidationReport, detect_kind, validate_document, validate_path

KEY = {
    "performanceYear": 2024,
    "entityType": "individual",
    "taxpayerIdentificationNumber": "000000001",
    "nationalProviderIdentifier": "1234567893",
}


def profile(**extra):
    return {**KEY, "clinicianType": "physician", "practiceSize": 12, **extra}


def cms_data(**extra):
    doc = {
        **KEY,
        "costMeasures": [{"measureId": "TPCC_1", "attributedCases": 45, "value": 1400.0}],
        "adminClaimsMeasures": [{"measureId": "479", "attributedCases": 250, "value": 0.145}],
        "complexPatientBonus": 3.5,
    }
    doc.update(extra)
    return doc


# -- kind detection --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        ({**KEY, "measurementSets": []}, "submission"),
        ({"data": {"submission": {**KEY, "measurementSets": []}}}, "submission"),
        (profile(), "profile"),
        ({**KEY, "specialStatuses": {"rural": True}}, "profile"),
        (cms_data(), "cmsData"),
        ({**KEY, "complexPatientBonus": 1.0}, "cmsData"),
        (KEY, None),
        ({"name": "total", "value": 16, "parts": []}, None),
        ({"finalScore": 80.0, "categories": {}}, None),
    ],
)
def test_given_a_document_when_its_kind_is_detected_then_by_content(doc, kind):
    assert detect_kind(doc) == kind


# -- bad input never raises ------------------------------------------------------------------------
def test_given_broken_json_when_validated_then_one_problem_at_root_with_the_position(ref):
    report = validate_document(b'{"performanceYear": 2024,\n  "entityType": }', ref, file="x.json")
    assert not report.valid and report.model is None
    assert [(p.path, p.file) for p in report.problems] == [("$", "x.json")]
    assert "not valid JSON" in report.problems[0].message and "line 2 column 17" in report.problems[0].message


def test_given_bytes_that_are_not_utf8_when_validated_then_problem(ref):
    report = validate_document(b"\xff\xfe{}", ref)
    assert not report.valid and "not UTF-8" in report.problems[0].message


@pytest.mark.parametrize("text", ["[1, 2]", "42", "null", '"submission"'])
def test_given_json_that_is_not_an_object_when_validated_then_problem_says_object_expected(ref, text):
    report = validate_document(text, ref)
    assert not report.valid and "expected a JSON object" in report.problems[0].message


def test_given_a_cms_scoring_output_when_validated_then_it_says_it_is_an_output(ref):
    report = validate_document({"name": "total", "title": "Total Score", "value": 15, "parts": []}, ref)
    assert not report.valid and len(report.problems) == 1
    assert "scoring-engine OUTPUT" in report.problems[0].message


def test_given_an_undetectable_document_when_validated_then_problem_explains_the_expected_kinds(ref):
    report = validate_document(KEY, ref)
    assert report.kind == "submission" and not report.valid
    assert "cannot tell which input file this is" in report.problems[0].message


def test_given_an_unknown_kind_argument_when_called_then_value_error():
    with pytest.raises(ValueError, match="kind must be one of"):
        validate_document("{}", None, kind="result")  # type: ignore[arg-type]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 3000) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "measurementSets",
                    "measurements",
                    "measureId",
                    "value",
                    "category",
                    "submissionMethod",
                    "performanceYear",
                    "entityType",
                    "numerator",
                    "denominator",
                    "strata",
                    "performanceMet",
                    "eligiblePopulation",
                    "costMeasures",
                    "programName",
                    "data",
                    "submission",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=json_values, kind=st.sampled_from([None, "submission", "profile", "cmsData"]))
def test_given_arbitrary_json_when_validated_then_never_raises(ref, doc, kind):
    report = validate_document(json.dumps(doc), ref, kind=kind)
    assert isinstance(report, ValidationReport)
    assert all(p.path.startswith("$") for p in report.problems)


# -- the QPP envelope --------------------------------------------------------------------------------
def test_given_the_data_submission_envelope_when_invalid_then_paths_are_prefixed(ref):
    doc = {"data": {"submission": {**KEY, "measurementSets": [{"category": "ia", "measurements": []}]}}}
    report = validate_document(doc, ref)
    assert "$.data.submission.measurementSets[0].submissionMethod" in {p.path for p in report.errors}


# -- profile (contract 1.2) ------------------------------------------------------------------------
def test_given_a_valid_profile_when_validated_then_model_is_a_profile(ref):
    report = validate_document(profile(specialStatuses={"smallPractice": True}), ref)
    assert report.valid and report.kind == "profile" and isinstance(report.model, Profile)


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"claims": {"hospitalPlaceOfServiceShare": 1.5}}, "$.claims.hospitalPlaceOfServiceShare"),
        ({"claims": {"ascPlaceOfServiceShare": -0.1}}, "$.claims.ascPlaceOfServiceShare"),
        ({"practiceSize": -3}, "$.practiceSize"),
        ({"practiceSize": "twelve"}, "$.practiceSize"),
        ({"specialStatuses": {"rural": "maybe"}}, "$.specialStatuses.rural"),
        ({"priorYearQualityAchievementPercent": 120}, "$.priorYearQualityAchievementPercent"),
        ({"performanceYear": 2023}, "$.performanceYear"),
        ({"nationalProviderIdentifier": "1234567890"}, "$.nationalProviderIdentifier"),
        ({"firstMedicareEnrollmentYear": 2025}, "$.firstMedicareEnrollmentYear"),
    ],
)
def test_given_a_bad_profile_field_when_validated_then_error_names_it(ref, extra, path):
    report = validate_document(profile(**extra), ref, kind="profile")
    assert path in {p.path for p in report.errors}, report.problems


# -- CMS data (contract 1.3) -------------------------------------------------------------------------
def test_given_valid_cms_data_when_validated_then_model_is_cms_data(ref):
    report = validate_document(cms_data(), ref)
    assert report.valid and report.kind == "cmsData" and isinstance(report.model, CmsData)
    hcc = cms_data(complexPatientBonus={"averageHccRiskScore": 1.4, "dualEligibleRatio": 0.2})
    assert validate_document(hcc, ref).valid


@pytest.mark.parametrize("measure_id", ["479", "480", "484", "492"])
def test_given_each_2024_admin_claims_measure_when_validated_then_accepted(ref, measure_id):
    doc = cms_data(adminClaimsMeasures=[{"measureId": measure_id, "attributedCases": 300, "value": 0.15}])
    assert validate_document(doc, ref).valid


@pytest.mark.parametrize(
    ("extra", "path", "text"),
    [
        (
            {"costMeasures": [{"measureId": "TPCC_9", "attributedCases": 1, "value": 1.0}]},
            "$.costMeasures[0].measureId",
            "unknown cost measure",
        ),
        (
            {"costMeasures": [{"measureId": "236", "attributedCases": 1, "value": 1.0}]},
            "$.costMeasures[0].measureId",
            "TPCC_1",
        ),
        (
            {"adminClaimsMeasures": [{"measureId": "236", "attributedCases": 1, "value": 1.0}]},
            "$.adminClaimsMeasures[0].measureId",
            "479, 480, 484, 492",
        ),
        (
            {"costMeasures": [{"measureId": "TPCC_1", "attributedCases": 1, "value": 1.0}] * 2},
            "$.costMeasures[1].measureId",
            "duplicate",
        ),
        (
            {"costMeasures": [{"measureId": "TPCC_1", "attributedCases": 1, "value": -5.0}]},
            "$.costMeasures[0].value",
            "negative",
        ),
        (
            {"costMeasures": [{"measureId": "TPCC_1", "attributedCases": -1, "value": 5.0}]},
            "$.costMeasures[0].attributedCases",
            "greater than or equal to 0",
        ),
        ({"complexPatientBonus": -1}, "$.complexPatientBonus", "negative"),
        (
            {"complexPatientBonus": {"averageHccRiskScore": 1.0, "dualEligibleRatio": 1.5}},
            "$.complexPatientBonus.dualEligibleRatio",
            "less than or equal to 1",
        ),
    ],
)
def test_given_bad_cms_data_when_validated_then_error_names_path_and_expectation(ref, extra, path, text):
    report = validate_document(cms_data(**extra), ref, kind="cmsData")
    matching = [p.message for p in report.errors if p.path == path]
    assert matching and text in matching[0], report.problems


# -- files -----------------------------------------------------------------------------------------
def test_given_a_missing_file_when_validated_by_path_then_problem_not_exception(ref, tmp_path):
    report = validate_path(tmp_path / "nope.json", ref)
    assert not report.valid and "cannot read the file" in report.problems[0].message


def test_given_a_report_when_serialised_then_doc_has_valid_flag_and_problems(ref, tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(profile(practiceSize=-1)))
    doc = validate_path(f, ref).to_doc()
    assert doc["file"] == str(f) and doc["kind"] == "profile" and doc["valid"] is False
    assert doc["problems"][0]["path"] == "$.practiceSize" and doc["problems"][0]["severity"] == "error"


def test_given_a_profile_dropped_as_a_submission_when_validated_then_wrong_kind_error(ref):
    """Issue 9 item 1: the kind is detected from the content and compared with the expected kind."""
    report = validate_document(profile(), ref, kind="submission")
    assert [(p.path, p.code) for p in report.errors] == [("$", "WRONG_KIND")]
    assert "this is a profile, expected a submission" in report.errors[0].message


def test_given_json_nested_deeper_than_python_can_parse_then_a_problem_not_an_exception(ref):
    """Contract: validate never raises on bad input (here: 200,000 nested arrays)."""
    from mips.validation import validate_document

    report = validate_document(b"[" * 200_000 + b"]" * 200_000, ref)
    assert not report.valid
    assert report.problems[0].path == "$" and "nested too deeply" in report.problems[0].message


def test_given_a_2025_profile_validated_with_2025_reference_data_then_valid():
    """Issue #12: the engine has a 2025 rule pack, so a 2025 profile against 2025 CMS data is valid."""
    from mips.reference import load_reference
    from mips.validation import validate_document

    ref_2025 = load_reference(2025) if _has_2025() else None
    if ref_2025 is None:
        import pytest

        pytest.skip("no 2025 reference data beside the project")
    doc = {
        "performanceYear": 2025,
        "entityType": "group",
        "taxpayerIdentificationNumber": "000000001",
        "practiceSize": 20,
    }
    report = validate_document(doc, ref_2025, kind="profile")
    assert report.valid, report.problems


def _has_2025() -> bool:
    from mips.reference import ReferenceDataError, load_reference

    try:
        load_reference(2025)
    except ReferenceDataError:
        return False
    return True
