"""Where QRDA III XML enters the rest of the project: validation reports, CLI inputs, the ingest step.

Each helper converts first (:func:`mips.qrda3.convert`) and hands the QPP submission JSON to the code
that already handles JSON, so XML gets exactly the checks, scoring and rejections JSON gets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..models.common import Problem
from ..reference import ReferenceData
from ..validation import ValidationReport, validate_document
from . import convert, convert_path, to_problems

#: the QRDA III report templates (base .27.1.1, CMS .27.1.2) share this prefix
QRDA3_TEMPLATE_PREFIX = b"2.16.840.1.113883.10.20.27.1."
SNIFF_BYTES = 64 * 1024


def is_qrda3_candidate(data: bytes) -> bool:
    """XML whose head names a ClinicalDocument with a QRDA III report template: convert it. (Other XML -
    QRDA I, other CDA, anything else - keeps the intake screening's specific rejections.)"""
    head = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and b"ClinicalDocument" in head and QRDA3_TEMPLATE_PREFIX in head


def convert_to_json(data: bytes | IO[bytes], file: str | None = None) -> tuple[bytes | None, list[Problem]]:
    """QRDA III -> QPP submission JSON bytes (None when not convertible) and every problem as a
    :class:`Problem` (path = XPath; warnings included)."""
    conversion = convert(data, filename=file)
    payload = None if conversion.submission is None else json.dumps(conversion.submission).encode()
    return payload, to_problems(conversion, file)


def validate_xml_path(
    path: Path, ref_for: Callable[[int], ReferenceData], default: ReferenceData
) -> ValidationReport:
    """``mips validate`` for a ``.xml`` file: convert, then validate the QPP JSON against the reference
    data of the year the file's Implementation Guide edition names (``default`` when not convertible)."""
    conversion = convert_path(str(path))
    problems = to_problems(conversion, str(path))
    if conversion.submission is None:
        return ValidationReport(kind="submission", file=str(path), problems=problems)
    ref = default
    if conversion.rules_year is not None and conversion.rules_year != default.year:
        try:
            ref = ref_for(conversion.rules_year)
        except Exception:  # the JSON validation then names the year problem itself
            ref = default
    report = validate_document(conversion.submission, ref, kind="submission", file=str(path))
    report.problems[:0] = problems  # conversion warnings first
    return report
