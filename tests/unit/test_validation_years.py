"""Issue #12: PY2025 submissions validate against the 2025 reference data (APP Plus program names)."""

from __future__ import annotations

import json

from mips.reference import load_reference
from mips.validation import validate_document


def _submission(measure_id: str, program: str = "mips") -> str:
    value = {
        "isEndToEndReported": False,
        "performanceMet": 60,
        "performanceNotMet": 40,
        "eligiblePopulation": 100,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 0,
    }
    return json.dumps(
        {
            "performanceYear": 2025,
            "entityType": "apmEntity" if program == "appPlus" else "group",
            "taxpayerIdentificationNumber": "700000099",
            **({"entityId": "A0099"} if program == "appPlus" else {}),
            "measurementSets": [
                {
                    "category": "quality",
                    "submissionMethod": "registry",
                    "programName": program,
                    "performanceStart": "2025-01-01",
                    "performanceEnd": "2025-12-31",
                    "measurements": [{"measureId": measure_id, "value": value}],
                }
            ],
        }
    )


def test_given_112_in_traditional_mips_2025_then_valid_with_the_mvp_only_warning():
    """112 lists appPlus beside M1366 in 2025: still the 'only MVPs listed' warning, as in 2024 (E1)."""
    report = validate_document(_submission("112"), load_reference(2025), kind="submission")
    assert report.valid, report.errors
    assert any("lists only MVPs" in w.message for w in report.warnings)


def test_given_a_medicare_cqm_in_traditional_mips_2025_then_invalid():
    """001SSP is an APP Plus (Medicare CQM) measure only (rules-2025-2026 §11.3)."""
    report = validate_document(_submission("001SSP"), load_reference(2025), kind="submission")
    assert not report.valid
    assert any("001SSP" in e.message and "not allowed" in e.message for e in report.errors)


def test_given_programname_appplus_2025_then_valid():
    report = validate_document(_submission("112", "appPlus"), load_reference(2025), kind="submission")
    assert report.valid, report.errors
