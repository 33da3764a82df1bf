"""Fixtures shared by every test: the 2024 reference data and rules, the shared/ samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from mips.reference import ReferenceData, load_reference
from mips.rules import YearRules, rules_for

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"


@pytest.fixture(scope="session")
def ref() -> ReferenceData:
    """CMS qpp-measures-data 2024, resolved as the engine does (MIPS_REFERENCE_DIR, ../shared, cache)."""
    return load_reference(2024)


@pytest.fixture(scope="session")
def rules() -> YearRules:
    return rules_for(2024)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not beside this checkout")
    return SAMPLES
