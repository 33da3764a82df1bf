"""Entity-key rules (contract 1; issue 2 item 4): TIN format, NPI check digit, NPI/entityId by entity type."""

from __future__ import annotations

import pytest
from mips.validation import validate_document
from mips.validation_identity import luhn_valid, npi_problem, tin_problem


def test_given_the_cms_example_npi_when_checked_then_the_luhn_digit_with_prefix_80840_matches():
    """NPI 1234567893: double every other digit of 123456789 from the right: 9->18->9, 7->14->5, 5->10->1,
    3->6, 1->2 => 23; the others 8+6+4+2 = 20; 23 + 20 + 24 (the constant for prefix 80840) = 67;
    check digit = 70 - 67 = 3."""
    assert npi_problem("1234567893") is None
    assert luhn_valid("80840" + "1234567893")


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "1000000021"])
def test_given_a_wrong_check_digit_when_checked_then_problem_says_so(npi):
    msg = npi_problem(npi)
    assert msg is not None and "check digit" in msg


def test_given_fake_example_npi_1000000004_when_checked_then_valid():
    """100000000: doubled digits (from the right) 0,0,0,0,1->2 => 2; others 0; 2 + 24 = 26 -> 30 - 26 = 4."""
    assert npi_problem("1000000004") is None


@pytest.mark.parametrize("npi", ["123456789", "12345678930", "12345678a3", ""])
def test_given_an_npi_that_is_not_ten_digits_when_checked_then_problem(npi):
    assert "exactly 10 digits" in (npi_problem(npi) or "")


@pytest.mark.parametrize("tin", ["12345678", "1234567890", "12-3456789", "12345678a", "000000000"])
def test_given_a_malformed_tin_when_checked_then_problem(tin):
    assert tin_problem(tin) is not None


def test_given_a_nine_digit_tin_when_checked_then_valid():
    assert tin_problem("000000001") is None and tin_problem("111222333") is None


def _sub(**key):
    doc = {
        "performanceYear": 2024,
        "entityType": "group",
        "taxpayerIdentificationNumber": "000000001",
        "measurementSets": [
            {
                "category": "ia",
                "submissionMethod": "registry",
                "performanceStart": "2024-01-01",
                "performanceEnd": "2024-12-31",
                "measurements": [{"measureId": "IA_EPA_1", "value": True}],
            }
        ],
    }
    doc.update(key)
    return doc


def test_given_an_individual_without_npi_when_validated_then_error_asks_for_it(ref):
    report = validate_document(_sub(entityType="individual"), ref)
    assert [(p.path, "needs nationalProviderIdentifier" in p.message) for p in report.errors] == [
        ("$.nationalProviderIdentifier", True)
    ]


def test_given_a_group_carrying_an_npi_when_validated_then_error(ref):
    report = validate_document(_sub(nationalProviderIdentifier="1234567893"), ref)
    assert [p.path for p in report.errors] == ["$.nationalProviderIdentifier"]
    assert "individuals only" in report.errors[0].message


def test_given_a_group_with_null_npi_when_validated_then_valid(ref):
    assert validate_document(_sub(nationalProviderIdentifier=None), ref).valid


@pytest.mark.parametrize("entity_type", ["virtualGroup", "subgroup", "apmEntity", "apm"])
def test_given_an_entity_type_keyed_by_entity_id_when_missing_then_error_and_present_then_valid(
    ref, entity_type
):
    report = validate_document(_sub(entityType=entity_type), ref)
    assert [p.path for p in report.errors] == ["$.entityId"]
    assert validate_document(_sub(entityType=entity_type, entityId="A1234"), ref).valid


def test_given_a_tin_with_dashes_when_validated_then_error_names_the_field(ref):
    report = validate_document(_sub(taxpayerIdentificationNumber="12-3456789"), ref)
    assert [p.path for p in report.errors] == ["$.taxpayerIdentificationNumber"]
    assert "exactly 9 digits" in report.errors[0].message


def test_given_an_unknown_entity_type_when_validated_then_structural_error(ref):
    report = validate_document(_sub(entityType="practice"), ref)
    assert [p.path for p in report.errors] == ["$.entityType"]
