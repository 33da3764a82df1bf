"""Every shared sample and example file goes through validation with a clear verdict (issue 2 done-when).

The QPP samples are real CMS files from older years (2017 ids, ``aci``, template placeholders) or CMS
scoring OUTPUTS: none is a valid 2024 input, and each must say why without crashing. The contract samples
(spec E1, E2) and our examples (issue 6 item 5) are valid 2024 inputs, except the deliberately bad one.
"""

from __future__ import annotations

from pathlib import Path

import mips
import pytest
from mips.models import CmsData, Profile, Submission
from mips.validation import validate_path

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
QPP_JSON = sorted((SAMPLES / "qpp-json").glob("*.json"))
CONTRACT_INPUTS = sorted(
    p
    for p in (SAMPLES / "contract").glob("*/*.json")
    if p.name in {"submission.json", "profile.json", "cms-data.json"}
)
EXAMPLES = Path(mips.__file__).parent / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*/*.json"))
MODELS = {"submission.json": Submission, "profile.json": Profile, "cms-data.json": CmsData}

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason="../shared/samples is not beside this checkout"
)


def _id(p: Path) -> str:
    return f"{p.parent.name}/{p.name}"


@needs_samples
def test_given_the_shared_samples_when_listed_then_all_seven_qpp_files_and_six_contract_inputs_exist():
    assert len(QPP_JSON) == 7 and len(CONTRACT_INPUTS) == 6


@needs_samples
@pytest.mark.parametrize("path", QPP_JSON, ids=_id)
def test_given_each_qpp_sample_when_validated_then_a_clear_verdict_not_a_crash(ref, path):
    report = validate_path(path, ref)
    assert not report.valid  # none of them is a 2024 input
    assert report.errors and all(p.path.startswith("$") and p.message for p in report.problems)
    assert all(p.file == str(path) for p in report.problems)


@needs_samples
@pytest.mark.parametrize("path", [p for p in QPP_JSON if "output" in p.name], ids=_id)
def test_given_a_cms_scoring_output_sample_when_validated_then_it_says_it_is_an_output(ref, path):
    report = validate_path(path, ref)
    assert len(report.problems) == 1 and "OUTPUT" in report.problems[0].message


@needs_samples
def test_given_the_2017_cms_submission_when_validated_then_reports_the_year_and_legacy_ids(ref):
    report = validate_path(SAMPLES / "qpp-json" / "scoring-example-submission-input.json", ref)
    messages = {p.path: p.message for p in report.errors}
    assert "invalid for 2024" in messages["$.data.submission.performanceYear"]
    # the aci set's ACI_EP_1 is read as PI and its 2024 id suggested
    assert "PI_EP_1" in messages["$.data.submission.measurementSets[2].measurements[0].measureId"]
    # nulls in eligiblePopulationExclusion/Exception are accepted (read as 0): no structural error there
    assert not any("eligiblePopulationExclusion" in p for p in messages)


@needs_samples
@pytest.mark.parametrize(
    "name", ["submission-example-aci.json", "submission-example-ia.json", "submission-example-quality.json"]
)
def test_given_a_template_sample_when_validated_then_placeholder_year_and_npi_are_reported(ref, name):
    report = validate_path(SAMPLES / "qpp-json" / name, ref)
    paths = {p.path for p in report.errors}
    assert {"$.performanceYear", "$.nationalProviderIdentifier"} <= paths  # '< performanceYearToBeReported >'


@needs_samples
@pytest.mark.parametrize("path", CONTRACT_INPUTS, ids=_id)
def test_given_each_contract_sample_when_validated_then_valid_and_parsed(ref, path):
    report = validate_path(path, ref)
    assert report.valid, report.errors
    assert isinstance(report.model, MODELS[path.name])


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=_id)
def test_given_each_example_file_when_validated_then_valid_except_the_bad_one(ref, path):
    report = validate_path(path, ref)
    if path.parent.name == "06-bad-submission":
        # NPI 1000000021 (check digit should be 0), 047 counts 90+20 = 110 > 100, PI_EP_1 130 > 120
        assert [p.path for p in report.errors] == [
            "$.nationalProviderIdentifier",
            "$.measurementSets[0].measurements[0].value.eligiblePopulation",
            "$.measurementSets[1].measurements[4].value.numerator",
        ]
    else:
        assert report.valid and report.problems == [], report.problems
        assert isinstance(report.model, MODELS[path.name])


def test_given_the_examples_when_listed_then_five_complete_entities_and_one_bad_file():
    folders = {p.name: sorted(f.name for f in p.glob("*.json")) for p in EXAMPLES.iterdir() if p.is_dir()}
    assert len(folders) == 6
    complete = ["cms-data.json", "profile.json", "submission.json"]
    assert sum(files == complete for files in folders.values()) == 5
    assert folders["06-bad-submission"] == ["submission.json"]


def test_given_the_mvp_and_app_examples_when_parsed_then_reporting_options_are_mvp_and_app(ref):
    mvp = validate_path(EXAMPLES / "04-mvp-rheumatology" / "submission.json", ref).model
    app = validate_path(EXAMPLES / "05-app-apm-entity" / "submission.json", ref).model
    assert isinstance(mvp, Submission) and isinstance(app, Submission)
    assert {s.mvp_id for s in mvp.measurement_sets} == {"G0053"}
    assert {s.reporting_option for s in app.measurement_sets} == {"app"}
    assert app.entity_type == "apmEntity" and app.entity_id == "A1234"
