"""Screen an intake file before JSON validation: empty, too large, binary, XML (QRDA) or absurdly nested.

Registries drop whatever their systems export, and S3 accepts anything. ``mips.validation`` explains what is
wrong with a JSON document; this module turns every *other* kind of file into the same kind of clear,
specific rejection (``rejected/<key>.errors.json``) instead of an unhelpful "not valid JSON" - or, worse,
an exception that would retry the message into the dead-letter queue.

XML is only ever parsed with defusedxml (no DTDs, no entity expansion, no external references), and only
to recognise what was sent: QRDA Category III (aggregate; converted by :mod:`mips.qrda3` when it is a
submission, refused as a profile or CMS data) or QRDA Category I (patient-level data, never accepted).
"""

from __future__ import annotations

import os
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from ..models.common import Problem

#: default largest intake file read into memory (override with MAX_INPUT_BYTES); a QPP JSON submission
#: for one entity holds aggregate counts only and is a few hundred KB at most
DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024
#: deeper JSON nesting than any input format has (and far below the parser's recursion limit)
MAX_JSON_DEPTH = 64

QRDA3_TEMPLATE = "2.16.840.1.113883.10.20.27.1.1"  # QRDA Category III report (CMS IG: .27.1.2)
QRDA1_TEMPLATE_PREFIX = "2.16.840.1.113883.10.20.24.1."  # QRDA Category I (patient-level)
_HL7 = "{urn:hl7-org:v3}"

#: leading bytes of common binary exports -> what the file is
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive (or an .xlsx/.docx file)"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "a legacy Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_EXPECTED = {
    "submission": 'QPP Submissions API JSON (measurementSets, bare or as {"data": {"submission": ...}})',
    "profile": "a profile JSON document (interfaces.md section 1.2)",
    "cmsData": "a CMS-calculated data JSON document (interfaces.md section 1.3)",
}


def max_input_bytes() -> int:
    """The intake size limit (``MAX_INPUT_BYTES``; default 10 MiB)."""
    try:
        return int(os.environ.get("MAX_INPUT_BYTES", DEFAULT_MAX_INPUT_BYTES))
    except ValueError:
        return DEFAULT_MAX_INPUT_BYTES


def too_large(size: int, limit: int) -> list[Problem]:
    return [
        Problem(
            path="$",
            message=(
                f"the file is {size:,} bytes; the intake limit is {limit:,} bytes (MAX_INPUT_BYTES): "
                "send one file per entity holding aggregate QPP JSON, not patient-level data or archives"
            ),
        )
    ]


def screen(data: bytes, kind: str) -> list[Problem]:
    """Problems that make ``data`` unusable before JSON validation ([] = hand it to the validator)."""
    expected = _EXPECTED.get(kind, _EXPECTED["submission"])
    body = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not body:
        what = "empty (0 bytes)" if not data else "blank (whitespace only)"
        return [Problem(path="$", message=f"the file is {what}: expected {expected}")]
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return [Problem(path="$", message=f"the file is {what}, not JSON: expected {expected}")]
    if body.startswith(b"<"):
        return _xml_problems(body, kind, expected)
    depth = _json_depth(body)
    if depth > MAX_JSON_DEPTH:
        return [
            Problem(
                path="$",
                message=f"JSON nested {depth} levels deep (more than {MAX_JSON_DEPTH}): expected {expected}",
            )
        ]
    return []


def _json_depth(data: bytes) -> int:
    """Deepest bracket nesting outside strings (a linear scan; json.loads would hit RecursionError)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _xml_problems(data: bytes, kind: str, expected: str) -> list[Problem]:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        return [
            Problem(
                path="/",
                message=(
                    f"XML with a DTD, entity declaration or external reference is refused for safety "
                    f"({type(exc).__name__}): expected {expected}"
                ),
            )
        ]
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        return [
            Problem(
                path="/",
                message=f"not well-formed XML (line {line}, column {column}): expected {expected}",
            )
        ]
    local = root.tag.rsplit("}", 1)[-1]
    templates = {
        str(el.get("root", ""))
        for el in list(root.findall(f"{_HL7}templateId")) + list(root.findall("templateId"))
    }
    if local == "ClinicalDocument" and QRDA3_TEMPLATE in templates:
        return [
            Problem(
                path="/ClinicalDocument",
                message=(
                    "QRDA Category III XML is accepted as a submission only (under submissions/, where it "
                    f"is converted to QPP JSON): expected {expected}"
                ),
            )
        ]
    if local == "ClinicalDocument" and any(t.startswith(QRDA1_TEMPLATE_PREFIX) for t in templates):
        return [
            Problem(
                path="/ClinicalDocument",
                message=(
                    "QRDA Category I (patient-level) XML is not accepted: it holds patient data; send the "
                    f"aggregate results as {expected}"
                ),
            )
        ]
    if local == "ClinicalDocument":
        return [
            Problem(
                path="/ClinicalDocument",
                message=(
                    f"an HL7 CDA document that is not QRDA Category III is not accepted: expected {expected}"
                ),
            )
        ]
    return [Problem(path=f"/{local}", message=f"XML document <{local}> is not accepted: expected {expected}")]
