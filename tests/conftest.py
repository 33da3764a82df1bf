"""Fixtures shared by every test: the 2024 reference data and rules, the shared/ samples."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def _no_configured_aws_endpoints() -> Iterator[None]:
    """No test follows the shell's AWS_ENDPOINT_URL* (botocore would send moto-meant traffic there):
    removed for the whole session and botocore told to ignore configured endpoints. The endpoint tests
    name their emulator explicitly."""
    with pytest.MonkeyPatch.context() as mp:
        for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL")]:
            mp.delenv(key)
        mp.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
        yield
