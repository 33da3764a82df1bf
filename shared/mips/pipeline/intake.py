"""Intake screening for the ingest function: a thin view of :mod:`mips.screening`.

The one screening of every input file lives in :mod:`mips.screening` (the same verdict and wording for
``mips validate``, ``mips score`` and ingest). This module keeps the pipeline's historical names.
"""

from __future__ import annotations

from ..models.common import Problem
from ..screening import (
    DEFAULT_MAX_INPUT_BYTES,
    MAX_JSON_DEPTH,
    QRDA1_TEMPLATE_PREFIX,
    QRDA3_TEMPLATE,
    max_input_bytes,
    screen_bytes,
    too_large,
)


def screen(data: bytes, kind: str) -> list[Problem]:
    """The errors that make ``data`` unusable before JSON parsing ([] = hand it to the validator)."""
    return [p for p in screen_bytes(data, kind) if p.severity == "error"]


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "MAX_JSON_DEPTH",
    "QRDA1_TEMPLATE_PREFIX",
    "QRDA3_TEMPLATE",
    "max_input_bytes",
    "screen",
    "too_large",
]
