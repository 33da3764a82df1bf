"""``mips convert`` and QRDA III .xml in ``mips validate`` / ``mips score`` (issue 13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mips.cli import main

from tests.conftest import SAMPLES

CMS = SAMPLES / "qrda3-cms"
VALID = sorted((CMS / "valid").glob("*.xml")) if CMS.is_dir() else []
needs_samples = pytest.mark.skipif(
    not CMS.is_dir(), reason="../shared/samples/qrda3-cms not beside the checkout"
)
#: CMS samples that must score (no validation problem in their content)
MUST_SCORE = {
    "2024_App1-Group-QRDA-III.xml",
    "2024_App1-Indv-QRDA-III.xml",
    "2024_Mvp_Mips-Group-Sample.xml",
    "derived-2024-multiPerformanceRate-009.xml",
}
PROBLEM_LINE = re.compile(r"^\S+: (\$|/)\S*: .+")


@needs_samples
def test_given_a_valid_sample_when_converted_then_stdout_is_cms_json(capsys):
    xml = CMS / "valid" / "2024_valid-QRDA-III-latest.xml"

    assert main(["convert", str(xml)]) == 0

    expected = json.loads(xml.with_name("2024_valid-QRDA-III-latest.expected.qpp.json").read_text())
    assert json.loads(capsys.readouterr().out) == expected


@needs_samples
def test_given_a_negative_when_converted_with_json_then_problems_carry_codes_and_xpaths(capsys):
    xml = CMS / "negative" / "qrda_bad_denominator.xml"

    assert main(["convert", str(xml), "--json"]) == 1

    doc = json.loads(capsys.readouterr().out)
    assert doc["converted"] is False and doc["submission"] is None
    assert [p["cmsCode"] for p in doc["problems"]] == [42, 42]
    assert all(
        p["xpath"].startswith("/ClinicalDocument/component[1]") and p["expected"] for p in doc["problems"]
    )


def test_given_no_such_file_then_convert_is_a_usage_error(tmp_path, capsys):
    assert main(["convert", str(tmp_path / "nope.xml")]) == 2
    assert "no such file" in capsys.readouterr().err


@needs_samples
def test_given_xml_files_when_validated_then_converted_then_validated(capsys):
    good = CMS / "valid" / "2024_Mvp_Mips-Group-Sample.xml"
    bad = CMS / "negative" / "iaSectionMissingMeasures.xml"

    assert main(["validate", str(good), str(bad)]) == 1

    out = capsys.readouterr().out
    assert f"VALID   {good} (submission)" in out
    assert (
        f"INVALID {bad} (submission): 1 error" in out and "[QRDA3_IA_SECTION_MISSING_MEASURE, CMS 43]" in out
    )


@needs_samples
@pytest.mark.parametrize("xml", VALID, ids=lambda p: p.name)
def test_given_a_valid_sample_when_scored_then_a_result_or_a_precise_validation_problem(xml: Path, capsys):
    """Done-when of issue 13: every valid sample scores, or the reason it cannot is a precise problem
    (FILE: JSON path or XPath: message). README "QRDA III input" lists which is which."""
    code = main(["score", str(xml), "--json"])

    captured = capsys.readouterr()
    if xml.name in MUST_SCORE:
        assert code == 0, captured.err
    if code == 0:
        assert json.loads(captured.out)["finalScore"] is not None
    else:
        assert code == 1
        problems = [line for line in captured.err.splitlines() if PROBLEM_LINE.match(line)]
        assert problems, captured.err


@needs_samples
def test_given_a_non_convertible_xml_when_scored_then_exit_1_with_the_xpath(capsys):
    assert main(["score", str(CMS / "negative" / "angerTheConverter.xml")]) == 1
    err = capsys.readouterr().err
    assert (
        "/ClinicalDocument/component[1]/structuredBody[1]/component[2]/section[1]: [QRDA3_PI_SECTION" in err
    )
