"""Screening intake files that are not JSON (issue 6 item 3 hardening): every one gets a clear reason."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from mips.pipeline.intake import DEFAULT_MAX_INPUT_BYTES, MAX_JSON_DEPTH, max_input_bytes, screen, too_large

QRDA = Path(__file__).resolve().parents[3] / "shared" / "samples" / "qrda3"
WRONG_KIND_MESSAGE = "this is a submission, expected a"


def _only(problems):
    assert len(problems) == 1
    return problems[0].message


def test_given_valid_json_of_any_kind_then_screening_leaves_it_to_the_validator():
    assert (
        screen(
            b'{"performanceYear": 2024, "measurementSets": [{"measurements": [{"value": {}}]}]}', "submission"
        )
        == []
    )
    assert (
        screen(b'\xef\xbb\xbf  {"a": "[[[[[[ not brackets ]"}', "profile") == []
    )  # BOM, brackets in strings


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "the file is empty (0 bytes): expected QPP Submissions API JSON"),
        (b"\n \r\n", "the file is blank (whitespace only)"),
        (gzip.compress(b"{}", mtime=0), "the file is gzip-compressed data, not JSON"),
        (b"PK\x03\x04rest", "a ZIP archive (or an .xlsx/.docx file)"),
        (b"%PDF-1.7", "a PDF document"),
        (b"[" * 100_000, f"JSON nested {MAX_JSON_DEPTH + 1} levels deep"),
    ],
    ids=["empty", "blank", "gzip", "zip", "pdf", "deep-json"],  # stable ids: xdist workers must agree
)
def test_given_a_file_that_is_not_json_then_the_problem_says_what_it_is(data, expected):
    assert expected in _only(screen(data, "submission"))


def test_given_the_cms_qrda_iii_samples_then_screening_converts_them_and_checks_the_kind():
    """QRDA III is converted (issue 13) inside the one screening (issue 9): a valid file is a submission
    (so it is refused under profiles/ and cms-data/); a negative sample gives the converter's codes."""
    valid = QRDA / "App1-Indv-QRDA-III.xml"
    assert screen(valid.read_bytes(), "submission") == []
    for kind in ("profile", "cmsData"):
        (problem,) = screen(valid.read_bytes(), kind)
        assert problem.code == "WRONG_KIND" and problem.message.startswith(WRONG_KIND_MESSAGE), kind
    negatives = sorted((QRDA / "negative").glob("*.xml"))
    assert len(negatives) == 8
    for path in negatives:
        problems = screen(path.read_bytes(), "submission")
        assert problems and all(p.code for p in problems), path.name  # QRDA3_* or, once converted, JSON


def test_given_qrda_i_or_other_xml_then_the_reason_names_it():
    qrda1 = (
        b'<ClinicalDocument xmlns="urn:hl7-org:v3"><templateId root="2.16.840.1.113883.10.20.24.1.1"/>'
        b"</ClinicalDocument>"
    )
    assert "QRDA Category I (patient-level) XML is not accepted" in _only(screen(qrda1, "submission"))
    cda = b'<ClinicalDocument xmlns="urn:hl7-org:v3"><title/></ClinicalDocument>'
    assert "not QRDA Category III" in _only(screen(cda, "submission"))
    other = screen(b"<?xml version='1.0'?><profile/>", "profile")
    assert other[0].path == "/profile" and "expected a profile JSON document" in other[0].message


def test_given_xml_with_entities_or_an_external_dtd_then_defusedxml_refuses_it_without_expanding():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<z>&b;</z>"
    )
    external = b'<?xml version="1.0"?><!DOCTYPE z SYSTEM "http://example.invalid/x.dtd"><z/>'
    for data in (bomb, external):
        assert "refused for safety" in _only(screen(data, "submission"))


def test_given_malformed_xml_then_the_line_and_column_are_named():
    assert "not well-formed XML (line 2, column" in _only(screen(b"<a>\n<b></a>", "submission"))


def test_the_size_limit_defaults_to_10_mib_and_reads_max_input_bytes(monkeypatch):
    monkeypatch.delenv("MAX_INPUT_BYTES", raising=False)
    assert max_input_bytes() == DEFAULT_MAX_INPUT_BYTES == 10_485_760
    monkeypatch.setenv("MAX_INPUT_BYTES", "1000")
    assert max_input_bytes() == 1000
    assert too_large(52_428_800, 1000)[0].message.startswith(
        "the file is 52,428,800 bytes; the intake limit is 1,000"
    )
