"""QRDA III -> QPP JSON equals what CMS's own converter produced, for every CMS sample on disk.

Material: ../shared/samples/qrda3-cms (CONVERSION-NOTES.md; README "How to compare": parsed JSON, key
order irrelevant, measurementSets and measurements in document order; negatives by the multiset of CMS
error codes).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from mips.qrda3 import EcqmCatalogue, ProblemCode, convert, convert_path

from tests.conftest import SAMPLES

CMS = SAMPLES / "qrda3-cms"
VALID = sorted((CMS / "valid").glob("*.xml")) if CMS.is_dir() else []
NEGATIVE = sorted((CMS / "negative").glob("*.xml")) if CMS.is_dir() else []
needs_samples = pytest.mark.skipif(
    not CMS.is_dir(), reason="../shared/samples/qrda3-cms not beside the checkout"
)


def _expected_json(xml: Path, tag: str = "") -> Path:
    return xml.with_name(xml.name.removesuffix(".xml") + f"{tag}.expected.qpp.json")


def _expected_codes(xml: Path, tag: str = "") -> Counter[int]:
    doc = json.loads(xml.with_name(xml.name.removesuffix(".xml") + f"{tag}.expected.error.json").read_text())
    return Counter(d["errorCode"] for e in doc["errors"] for d in e["details"])


def _cms_codes(conversion) -> Counter[int]:
    return Counter(p.code.cms_code for p in conversion.errors)


def test_samples_are_found():
    if not CMS.is_dir():
        pytest.skip("../shared/samples/qrda3-cms not beside the checkout")
    assert len(VALID) >= 12 and len(NEGATIVE) >= 15


@needs_samples
@pytest.mark.parametrize("xml", VALID, ids=lambda p: p.name)
def test_given_a_valid_cms_sample_when_converted_then_equals_cms_converter_output(xml: Path):
    """CONVERSION-NOTES sections 3-7: every measurement of CMS's expected output, compared as data."""
    conversion = convert_path(str(xml))

    assert conversion.errors == [], [p.text() for p in conversion.errors]
    expected = json.loads(_expected_json(xml).read_text())
    assert conversion.submission == expected


@needs_samples
@pytest.mark.parametrize("xml", NEGATIVE, ids=lambda p: p.name)
def test_given_a_cms_negative_sample_then_rejected_with_cms_codes_or_converted(xml: Path):
    """Negatives: the multiset of CMS error codes (README "How to compare"); the one negative CMS itself
    converts (junk ignored) must equal CMS's output."""
    conversion = convert(xml.read_bytes(), filename=xml.name)

    if _expected_json(xml).is_file():
        assert conversion.submission == json.loads(_expected_json(xml).read_text())
    else:
        assert conversion.submission is None
        assert _cms_codes(conversion) == _expected_codes(xml)
        for problem in conversion.errors:
            assert problem.xpath.startswith("/") and problem.expected


@needs_samples
@pytest.mark.parametrize(
    "xml", [p for p in NEGATIVE if any(p.parent.glob(p.stem + ".cms-testdata.*"))], ids=str
)
def test_given_cms_test_measure_data_then_the_cms_testdata_expectations_hold(xml: Path):
    """The *.cms-testdata.* files were produced with CMS's unit-test measure data (README, generator v25s)."""
    catalogue = EcqmCatalogue.from_file(CMS / "reference" / "cms-test-measure-data-static.json")

    conversion = convert_path(str(xml), catalogue=catalogue)

    if _expected_json(xml, ".cms-testdata").is_file():
        assert conversion.submission == json.loads(_expected_json(xml, ".cms-testdata").read_text())
    else:
        assert _cms_codes(conversion) == _expected_codes(xml, ".cms-testdata")


@needs_samples
def test_given_app1_samples_with_wrong_population_uuids_then_converted_with_warnings_only():
    """Leniency decision 1 (README): CMS runs eCQM population checks for MIPS programs only; CMS's own
    APP1 samples carry wrong measure-134 UUIDs. We convert as CMS does but say so, as warnings."""
    conversion = convert_path(str(CMS / "valid" / "2024_App1-Indv-QRDA-III.xml"))

    assert conversion.submission is not None
    codes = {p.code for p in conversion.warnings}
    assert codes == {ProblemCode.POPULATION_UUID_INCORRECT, ProblemCode.POPULATION_COUNT_INCORRECT}


@needs_samples
def test_given_the_same_app1_content_relabelled_mips_then_errors_14_and_59():
    """The notes: relabelled as a MIPS program the same content fails with errors 14 and 59."""
    data = (
        (CMS / "valid" / "2024_App1-Group-QRDA-III.xml")
        .read_bytes()
        .replace(b"MIPS_APP1_GROUP", b"MIPS_GROUP")
    )

    conversion = convert(data)

    assert conversion.submission is None
    assert {p.code.cms_code for p in conversion.errors} == {14, 59}


@needs_samples
def test_given_an_app1_file_with_an_unknown_guid_then_rejected_not_silently_emptied():
    """Leniency decision 2 (README): CMS returns a submission with NO measurementSets for an APP file whose
    eCQM GUID is unknown (encoder failure swallowed). A silently empty submission would score wrong, so we
    reject it with MEASURE_GUID_UNKNOWN (CMS 6)."""
    data = (CMS / "valid" / "2024_App1-Indv-QRDA-III.xml").read_bytes()
    data = data.replace(
        b'root="2.16.840.1.113883.4.738" extension="', b'root="2.16.840.1.113883.4.738" extension="0'
    )

    conversion = convert(data)

    assert conversion.submission is None
    assert [p.code for p in conversion.errors] == [ProblemCode.MEASURE_GUID_UNKNOWN]


@needs_samples
def test_year_lock_2024_file_uses_2024_rules_and_2025_file_2025_rules():
    """CONVERSION-NOTES 1 and 4: the Clinical Document extension picks the rules; cehrtId is on PI only in
    2024 and on PI and quality in 2025."""
    c24 = convert_path(str(CMS / "valid" / "2024_valid-QRDA-III-latest.xml"))
    c25 = convert_path(str(CMS / "valid" / "2025_valid-QRDA-III-latest.xml"))

    assert (c24.rules_year, c25.rules_year) == (2024, 2025)
    with_cehrt = lambda c: [s["category"] for s in c.submission["measurementSets"] if "cehrtId" in s]  # noqa: E731
    assert with_cehrt(c24) == ["pi"]
    assert with_cehrt(c25) == ["quality", "pi"]


_CMS_STEP = re.compile(r"\*\[local-name\(\) = '(\w+)' and namespace-uri\(\) = '[^']*'\](\[\d+\])?")


def _cms_xpath(path: str) -> str:
    """CMS's ``/*[local-name() = 'x' and namespace-uri() = '...'][n]`` steps -> ``/x[n]`` ([1] dropped)."""
    return "/" + "/".join(name + (index or "") for name, index in _CMS_STEP.findall(path))


@needs_samples
@pytest.mark.parametrize(
    "xml", [p for p in NEGATIVE if not _expected_json(p).is_file()], ids=lambda p: p.name
)
def test_given_a_negative_then_each_problem_points_at_the_element_cms_points_at(xml: Path):
    """Errors name the same element as CMS's ``location.path`` (README: informative; we keep it equal).
    Document-level rejections (CMS 5, 2) are excepted: CMS gives no path, we name the templateId."""
    doc = json.loads(xml.with_name(xml.name.removesuffix(".xml") + ".expected.error.json").read_text())
    cms = Counter(
        (d["errorCode"], _cms_xpath(d["location"].get("path", "")).replace("[1]", ""))
        for e in doc["errors"]
        for d in e["details"]
        if d["errorCode"] not in (2, 5)
    )

    ours = Counter(
        (p.code.cms_code, p.xpath.replace("[1]", ""))
        for p in convert_path(str(xml)).errors
        if p.code.cms_code not in (2, 5)
    )

    assert ours == cms
