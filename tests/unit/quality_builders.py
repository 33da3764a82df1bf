"""Builders shared by the quality tests: spec 14 E1 inputs and their hand-computed measure points."""

from __future__ import annotations

from typing import Any

from mips.models.submission import MeasurementSet

# spec 14 E1 points (eCQM rows of 236, 001, 112, 134; MIPS CQM 130 capped at 7, 226), each rounded to 4 dp
P236 = round(6 + 1.02 / 3.02, 4)  # 6.3377
P001 = round(7 + 4.05 / 4.80, 4)  # 7.8438
P112 = round(6 + 0.21 / 5.85, 4)  # 6.0359
P134 = round(6 + 7.31 / 11.25, 4)  # 6.6498
P226 = round(6 + 0.71 / 7.81, 4)  # 6.0909
E1_POINTS = P236 + P001 + P112 + P134 + 7.0 + P226  # 39.9581


def single(met: int, not_met: int, eligible: int | None = None) -> dict[str, Any]:
    return {
        "performanceMet": met,
        "performanceNotMet": not_met,
        "eligiblePopulation": eligible if eligible is not None else met + not_met,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 0,
    }


def mset(method: str, rows: list[tuple[str, Any]], program: str = "mips") -> MeasurementSet:
    return MeasurementSet.model_validate(
        {
            "category": "quality",
            "submissionMethod": method,
            "programName": program,
            "measurements": [{"measureId": m, "value": v} for m, v in rows],
        }
    )


def e1_sets(dc226: bool = True) -> list[MeasurementSet]:
    return [
        mset(
            "electronicHealthRecord",
            [
                ("236", single(700, 300)),
                ("001", single(250, 750)),
                ("112", single(600, 400)),
                ("134", single(500, 500)),
            ],
        ),
        mset(
            "registry",
            [
                ("130", single(1000, 0)),
                ("226", single(900, 100) if dc226 else single(630, 70, eligible=1000)),
            ],
        ),
    ]
