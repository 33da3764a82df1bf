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
from ..validation import ValidationReport, validate_file
from . import convert, to_problems

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
    path: Path, ref_for: Callable[[int], ReferenceData], default: ReferenceData, kind: str | None = None
) -> ValidationReport:
    """``mips validate`` for a ``.xml`` file: the one screening (which converts QRDA III), then validation
    against the reference data of the year the converted file names (``mips.validation.validate_file``)."""
    return validate_file(path, ref_for, default, kind)
