"""Where QRDA III XML enters the project: which XML is converted, and what the ingest step receives."""

from __future__ import annotations

import json

from mips.pipeline.intake import screen
from mips.qrda3.adapt import convert_to_json, is_qrda3_candidate

from tests.unit import qrda3_builders as b

QRDA1 = (
    b'<?xml version="1.0"?><ClinicalDocument xmlns="urn:hl7-org:v3">'
    b'<templateId root="2.16.840.1.113883.10.20.24.1.1"/><templateId root="2.16.840.1.113883.10.20.24.1.2"/>'
    b"<recordTarget/></ClinicalDocument>"
)


def test_given_qrda_iii_then_converted_and_qrda_i_or_json_left_to_the_screening():
    assert is_qrda3_candidate(b"\xef\xbb\xbf  " + b.document(b.ia_section(b.ia("IA_EPA_1"))))
    assert not is_qrda3_candidate(QRDA1)
    assert not is_qrda3_candidate(b'{"performanceYear": 2024}')
    # QRDA I stays rejected by the intake screening with its specific reason (issue 13)
    (problem,) = screen(QRDA1, "submission")
    assert "QRDA Category I (patient-level) XML is not accepted" in problem.message


def test_given_a_convertible_file_then_json_bytes_and_no_errors():
    payload, problems = convert_to_json(b.document(b.ia_section(b.ia("IA_EPA_1"))), "submissions/a.xml")

    assert problems == []
    assert json.loads(payload)["measurementSets"][0]["measurements"] == [
        {"measureId": "IA_EPA_1", "value": True}
    ]


def test_given_a_file_that_does_not_convert_then_problems_name_file_xpath_and_code():
    payload, problems = convert_to_json(b.document(b.ia_section(b.ia("IA_EPA_1", "?"))), "submissions/a.xml")

    assert payload is None
    (problem,) = problems
    assert problem.file == "submissions/a.xml" and problem.path.startswith("/ClinicalDocument/component[1]")
    assert "[QRDA3_MEASURE_PERFORMED_NOT_Y_OR_N, CMS 51]" in problem.message
