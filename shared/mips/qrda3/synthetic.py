# ruff: noqa: E501  (XML templates read better unwrapped)
"""A large, valid PY2024 QRDA III file written as a stream, for the bounded-memory test and ``mips bench``.

The document is small in what it reports (one eCQM, one PI measure, one activity) and large in what a
converter must read and drop: the PI section is padded with entries of a template CMS's converter does not
handle (the implied "Measure Reference" 2.16.840.1.113883.10.20.24.3.98 only, each with supplemental-data
style aggregate counts and narrative), which CMS ignores and so do we (CONVERSION-NOTES section 1: unknown
templates are transparent). The output is therefore the same whatever the size.
"""

from __future__ import annotations

from typing import IO, Any

M001 = "2c928084-83d3-1b44-0183-eb75dc8a03db"  # measure 001 (CMS122v12), PY2024
_POPS = (
    ("IPOP", "F09F8D18-F787-46EA-8791-3D3EF50A4C72", 1000),
    ("DENOM", "66505C6C-AAB0-4232-B0CA-15FB438090F4", 900),
    ("NUMER", "95BCB9D4-86A8-43C1-BE29-7440A2ECE294", 600),
    ("DENEX", "6AD9B271-BBB4-4BB6-95B1-D1A7E50D812F", 100),
)


def _count(n: int) -> str:
    return (
        '<entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.27.3.3"/><value xsi:type="INT" value="'
        f'{n}"/></observation></entryRelationship>'
    )


def _rpa() -> str:
    return (
        '<entry typeCode="DRIV"><act classCode="ACT" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.17.3.8"/>'
        '<effectiveTime><low value="20240101"/><high value="20241231"/></effectiveTime></act></entry>'
    )


HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    '<templateId root="2.16.840.1.113883.10.20.27.1.1" extension="2017-06-01"/>'
    '<templateId root="2.16.840.1.113883.10.20.27.1.2" extension="2022-12-01"/>'
    '<informationRecipient><intendedRecipient><id root="2.16.840.1.113883.3.249.7" extension="MIPS_GROUP"/>'
    "</intendedRecipient></informationRecipient>"
    '<participant typeCode="DEV"><associatedEntity classCode="RGPR">'
    '<id root="2.16.840.1.113883.3.2074.1" extension="0015C0000000001"/></associatedEntity></participant>'
    "<documentationOf><serviceEvent><performer><assignedEntity><representedOrganization>"
    '<id root="2.16.840.1.113883.4.2" extension="000123456"/></representedOrganization></assignedEntity>'
    "</performer></serviceEvent></documentationOf><component><structuredBody>"
    '<component><section><templateId root="2.16.840.1.113883.10.20.27.2.1" extension="2020-12-01"/>'
    '<templateId root="2.16.840.1.113883.10.20.27.2.3" extension="2022-05-01"/>'
    '<entry><organizer classCode="CLUSTER" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.27.3.1"/>'
    '<templateId root="2.16.840.1.113883.10.20.27.3.17" extension="2022-05-01"/><reference typeCode="REFR">'
    f'<externalDocument classCode="DOC" moodCode="EVN"><id root="2.16.840.1.113883.4.738" extension="{M001}"/>'
    "</externalDocument></reference>"
    + "".join(
        '<component><observation classCode="OBS" moodCode="EVN">'
        '<templateId root="2.16.840.1.113883.10.20.27.3.5"/><templateId root="2.16.840.1.113883.10.20.27.3.16"/>'
        f'<value xsi:type="CD" code="{code}"/>{_count(n)}<reference typeCode="REFR"><externalObservation>'
        f'<id root="{uuid}"/></externalObservation></reference></observation></component>'
        for code, uuid, n in _POPS
    )
    + "</organizer></entry>"
    + _rpa()
    + "</section></component>"
    '<component><section><templateId root="2.16.840.1.113883.10.20.27.2.5" extension="2020-12-01"/>'
    '<entry><organizer classCode="CLUSTER" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.27.3.28"/>'
    '<reference typeCode="REFR"><externalDocument><id root="2.16.840.1.113883.3.7031" extension="PI_PEA_1"/>'
    "</externalDocument></reference>"
    '<component><observation><templateId root="2.16.840.1.113883.10.20.27.3.31"/>'
    + _count(600)
    + "</observation></component>"
    '<component><observation><templateId root="2.16.840.1.113883.10.20.27.3.32"/>'
    + _count(800)
    + "</observation></component>"
    "</organizer></entry>" + _rpa()
)
#: one ignored padding entry (about 2 KB): an unhandled template with SDE-like counts and narrative
PADDING = (
    '\n<entry><organizer classCode="CLUSTER" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.24.3.98"/>'
    "<text>Supplemental data narrative for the registry: sex, race, ethnicity and payer breakdown.</text>"
    + "".join(
        f'<component><observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.27.3.{t}"/>'
        f'<value xsi:type="CD" code="{code}" codeSystem="2.16.840.1.113883.5.1"/>{_count(n)}</observation></component>'
        for t, code, n in (
            ("6", "M", 400),
            ("6", "F", 600),
            ("7", "2135-2", 350),
            ("8", "2106-3", 350),
            ("18", "1", 500),
        )
    )
    + "</organizer></entry>"
)
TAIL = "</section></component></structuredBody></component></ClinicalDocument>\n"

#: what the generated file converts to, whatever its size
EXPECTED: dict[str, Any] = {
    "performanceYear": 2024,
    "entityType": "group",
    "taxpayerIdentificationNumber": "000123456",
    "measurementSets": [
        {
            "category": "quality",
            "submissionMethod": "electronicHealthRecord",
            "measurements": [
                {
                    "measureId": "001",
                    "value": {
                        "isEndToEndReported": True,
                        "performanceMet": 600,
                        "eligiblePopulation": 900,
                        "eligiblePopulationExclusion": 100,
                        "performanceNotMet": 200,
                    },
                }
            ],
            "programName": "mips",
            "performanceStart": "2024-01-01",
            "performanceEnd": "2024-12-31",
            "source": "qrda3",
        },
        {
            "category": "pi",
            "submissionMethod": "electronicHealthRecord",
            "cehrtId": "0015C0000000001",
            "measurements": [{"measureId": "PI_PEA_1", "value": {"numerator": 600, "denominator": 800}}],
            "programName": "mips",
            "performanceStart": "2024-01-01",
            "performanceEnd": "2024-12-31",
            "source": "qrda3",
        },
    ],
}


def write_large_file(out: IO[bytes], target_bytes: int) -> int:
    """Stream a valid PY2024 QRDA III document of at least ``target_bytes`` to ``out``; returns its size."""
    head, pad, tail = HEAD.encode(), PADDING.encode(), TAIL.encode()
    out.write(head)
    written = len(head)
    block = pad * 256
    while written + len(tail) < target_bytes:
        out.write(block)
        written += len(block)
    out.write(tail)
    return written + len(tail)
