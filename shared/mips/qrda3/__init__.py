"""QRDA Category III XML -> QPP Submissions JSON, converted exactly as CMS's converter does.

``convert(data)`` parses the file as a stream with defusedxml and returns a :class:`Conversion`: the QPP
submission dict (``None`` when the file has any error) and every problem, each with a stable
:class:`ProblemCode` (mapped to CMS's number), the element's XPath and what was expected.
"""

from __future__ import annotations

from typing import IO

from ..models.common import Problem
from .codes import ProblemCode
from .convert import Conversion, QrdaProblem, convert
from .ecqm import EcqmCatalogue
from .rules import YEAR_RULES, ConversionRules

__all__ = [
    "YEAR_RULES",
    "Conversion",
    "ConversionRules",
    "EcqmCatalogue",
    "ProblemCode",
    "QrdaProblem",
    "convert",
    "convert_path",
    "looks_like_xml",
    "to_problems",
]


def to_problems(conversion: Conversion, file: str | None = None) -> list[Problem]:
    """The conversion's problems as the project's :class:`mips.models.Problem` (path = XPath)."""
    name = file if file is not None else conversion.filename
    return [
        Problem(path=p.xpath, message=p.text(), severity=p.severity, file=name, code=p.code.code)
        for p in conversion.problems
    ]


def looks_like_xml(data: bytes) -> bool:
    """True when ``data`` starts (after a BOM and white space) with ``<``: hand it to :func:`convert`."""
    return data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def convert_path(path: str, catalogue: EcqmCatalogue | None = None) -> Conversion:
    """Convert a file on disk, streaming it (never read whole into memory)."""
    with open(path, "rb") as fh:
        stream: IO[bytes] = fh
        return convert(stream, filename=str(path), catalogue=catalogue)
