"""The input models (contract 1.1-1.3, spec 13.1): aliases, the QPP envelope, value shapes, defaults."""

from __future__ import annotations

import pytest
from mips.models import (
    CahpsValue,
    CmsData,
    ComplexPatientIndicators,
    MultiRateValue,
    NonProportionValue,
    Profile,
    ProportionValue,
    SingleRateValue,
    Submission,
)
from mips.models.common import problems_from_validation_error
from pydantic import ValidationError

KEY = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "000000001"}


def sub(*sets, **key):
    return {**KEY, **key, "measurementSets": list(sets)}


def one_value(value):
    s = Submission.model_validate(
        sub(
            {
                "category": "quality",
                "submissionMethod": "registry",
                "measurements": [{"measureId": "x", "value": value}],
            }
        )
    )
    return s.measurement_sets[0].measurements[0].value


def test_given_the_qpp_envelope_when_parsed_then_same_as_the_bare_object():
    bare = sub({"category": "ia", "submissionMethod": "registry", "measurements": []})
    assert Submission.model_validate({"data": {"submission": bare}}) == Submission.model_validate(bare)


def test_given_legacy_aci_and_apm_when_parsed_then_pi_and_apm_entity():
    s = Submission.model_validate(
        sub({"category": "aci", "submissionMethod": "registry"}, entityType="apm", entityId="A1")
    )
    assert s.measurement_sets[0].category == "pi" and s.entity_type == "apmEntity"
    assert s.key.leaf() == "A1"


@pytest.mark.parametrize(
    ("fields", "option", "mvp"),
    [
        ({}, "traditional", None),
        ({"programName": "mips"}, "traditional", None),
        ({"programName": "app1"}, "app", None),
        ({"programName": "G0053"}, "mvp", "G0053"),
        ({"mvpId": "M0005"}, "mvp", "M0005"),
    ],
)
def test_given_program_name_or_mvp_id_when_parsed_then_reporting_option(fields, option, mvp):
    s = Submission.model_validate(sub({"category": "ia", "submissionMethod": "registry", **fields}))
    assert s.measurement_sets[0].reporting_option == option and s.measurement_sets[0].mvp_id == mvp


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, bool),
        ({"numerator": 1, "denominator": 2}, ProportionValue),
        ({"performanceMet": 1, "eligiblePopulation": 2}, SingleRateValue),
        ({"strata": [{"stratum": "a", "performanceMet": 1, "eligiblePopulation": 1}]}, MultiRateValue),
        ({"numerator": 1.5, "denominator": 2, "observationInstances": 2}, NonProportionValue),
        ({"performanceRate": 88.5}, CahpsValue),
    ],
)
def test_given_each_value_shape_when_parsed_then_typed_by_its_keys(value, kind):
    assert isinstance(one_value(value), kind)


def test_given_a_single_rate_with_omitted_and_null_counts_when_parsed_then_zero():
    v = one_value(
        {
            "performanceMet": 5,
            "eligiblePopulation": 9,
            "eligiblePopulationExclusion": None,
            "performanceNotMet": None,
        }
    )
    assert isinstance(v, SingleRateValue)
    assert (v.performance_not_met, v.eligible_population_exclusion, v.eligible_population_exception) == (
        0,
        0,
        0,
    )


@pytest.mark.parametrize("value", ["yes", 3, None, [True], {"foo": 1}])
def test_given_an_unrecognised_value_when_parsed_then_one_error_listing_the_shapes(value):
    with pytest.raises(ValidationError) as exc:
        one_value(value)
    problems = problems_from_validation_error(exc.value)
    assert [p.path for p in problems] == ["$.measurementSets[0].measurements[0].value"]
    assert "must be true/false, {numerator, denominator}" in problems[0].message


def test_given_a_cahps_rate_above_100_when_parsed_then_error_on_performance_rate():
    with pytest.raises(ValidationError) as exc:
        one_value({"performanceRate": 101})
    assert problems_from_validation_error(exc.value)[0].path.endswith("value.performanceRate")


def test_given_a_minimal_profile_when_parsed_then_defaults_are_false_and_statuses_unknown():
    p = Profile.model_validate(KEY)
    assert not p.qualifying_apm_participant and not p.exceptions.pi_hardship
    assert p.special_statuses.small_practice is None  # absent = derived by the engine (contract 1.2)


def test_given_cms_data_bonus_as_points_or_indicators_when_parsed_then_both_accepted():
    assert CmsData.model_validate({**KEY, "complexPatientBonus": 3.5}).complex_patient_bonus == 3.5
    ind = CmsData.model_validate(
        {**KEY, "complexPatientBonus": {"averageHccRiskScore": 1.2, "dualEligibleRatio": 0.3}}
    ).complex_patient_bonus
    assert isinstance(ind, ComplexPatientIndicators) and ind.dual_eligible_ratio == 0.3


def test_given_cms_data_bonus_of_the_wrong_type_when_parsed_then_one_error_at_the_field():
    with pytest.raises(ValidationError) as exc:
        CmsData.model_validate({**KEY, "complexPatientBonus": "high"})
    assert [p.path for p in problems_from_validation_error(exc.value)] == ["$.complexPatientBonus"]
