"""Which final score counts for a clinician (spec 9.2; 2024 CMS guides' hierarchy; 42 CFR 414.1317(b)).

Scores are hand-set source documents: the choice itself is what is tested here; an end-to-end case
through `mips score --entity ... --clinicians` follows (its final scores computed by hand below).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mips.cli import main
from mips.clinician import choose_for_clinician, clinician_key, clinician_results, source_of
from mips.models import Profile

TIN, NPI = "111222333", "1234567893"


def doc(entity_type: str, final: float, *, npi: str | None = None, entity_id: str | None = None) -> dict:
    return {
        "performanceYear": 2024,
        "paymentYear": 2026,
        "entity": {
            "entityType": entity_type,
            "taxpayerIdentificationNumber": TIN,
            "nationalProviderIdentifier": npi,
            "entityId": entity_id,
        },
        "reportingOption": "traditional",
        "status": "final",
        "finalScore": final,
        "paymentAdjustment": {
            "paymentYear": 2026,
            "percent": round((final - 75) * 0.042, 4),
            "direction": "x",
        },
    }


def roster_profile(entity_type: str, entity_id: str | None = None, *npis: str) -> Profile:
    key: dict[str, Any] = {
        "performanceYear": 2024,
        "entityType": entity_type,
        "taxpayerIdentificationNumber": TIN,
    }
    if entity_id:
        key["entityId"] = entity_id
    return Profile.model_validate({**key, "clinicians": [{"nationalProviderIdentifier": n} for n in npis]})


def test_given_individual_and_group_scores_then_the_higher_counts():
    """Spec 9.2 [S:SEED-FM]: "Highest available final score from the group or individual participation":
    individual 70 vs group 82.5 -> 82.5 from the group; the individual score is the alternative."""
    out = clinician_results(
        [(doc("individual", 70.0, npi=NPI), None), (doc("group", 82.5), roster_profile("group", None, NPI))]
    )
    assert len(out) == 1
    c = out[0]
    assert (c.taxpayer_identification_number, c.national_provider_identifier) == (TIN, NPI)
    assert c.final_score == 82.5 and c.source.entity_type == "group"
    assert [a.final_score for a in c.alternatives] == [70.0]
    assert c.payment_adjustment["percent"] == pytest.approx(0.315)


def test_given_a_virtual_group_score_then_it_wins_even_when_lower():
    """Spec 9.2 [S:SEED-FM]: the virtual group final score comes first in the hierarchy: VG 60 beats
    individual 90."""
    out = clinician_results(
        [
            (doc("individual", 90.0, npi=NPI), None),
            (doc("virtualGroup", 60.0, entity_id="VG1"), roster_profile("virtualGroup", "VG1", NPI)),
        ]
    )
    assert out[0].source.entity_type == "virtualGroup" and out[0].final_score == 60.0
    assert "Virtual group" in out[0].rule


def test_given_apm_entity_and_group_scores_then_the_highest_counts():
    """42 CFR 414.1317(b) applies the APM Entity score to its clinicians; spec 9.2: APM Entity and subgroup
    scores compete in the "highest of": APM Entity 88 > group 80 > subgroup 77."""
    out = clinician_results(
        [
            (doc("group", 80.0), roster_profile("group", None, NPI)),
            (doc("apmEntity", 88.0, entity_id="A1"), roster_profile("apmEntity", "A1", NPI, "1111111111")),
            (doc("subgroup", 77.0, entity_id="S1"), roster_profile("subgroup", "S1", NPI)),
        ]
    )
    mine = next(c for c in out if c.national_provider_identifier == NPI)
    assert mine.source.entity_type == "apmEntity" and mine.source.entity_id == "A1"
    assert [a.entity_type for a in mine.alternatives] == ["group", "subgroup"]
    other = next(c for c in out if c.national_provider_identifier == "1111111111")
    assert other.final_score == 88.0 and other.alternatives == []


def test_group_without_roster_covers_no_clinician_and_key_layout():
    assert clinician_results([(doc("group", 80.0), None)]) == []
    assert clinician_key(2024, TIN, NPI) == f"results/2024/clinician/{TIN}/{NPI}.json"


def test_a_newer_score_of_the_same_entity_replaces_the_older():
    old, new = source_of(doc("group", 70.0)), source_of(doc("group", 75.0))
    c = choose_for_clinician(2024, TIN, NPI, [old, source_of(doc("individual", 72.0, npi=NPI)), new])
    assert c.final_score == 75.0 and [a.final_score for a in c.alternatives] == [72.0]


# -- mips score --entity ... --clinicians (end to end) ---------------------------------------------------
def _write(tmp: Path, name: str, body: dict) -> str:
    path = tmp / name
    path.write_text(json.dumps(body))
    return str(path)


def test_cli_score_with_a_group_entity_prints_the_per_clinician_choice(tmp_path, capsys):
    """Individual: one high activity (IA 20/40 = 50%), nothing else, TPCC_1 $1,400 -> 78.768% cost:
    0.30 x 78.768 + 0.15 x 50 = 31.1304. Group (roster lists the individual): two high activities 100%,
    TPCC_1 7.8768 -> 0.30 x 78.768 + 0.15 x 100 = 38.6304 -> the group score counts."""
    ind_key = {
        "performanceYear": 2024,
        "entityType": "individual",
        "taxpayerIdentificationNumber": TIN,
        "nationalProviderIdentifier": NPI,
    }
    grp_key = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": TIN}

    def ia(*ids: str) -> dict:
        return {
            "category": "ia",
            "submissionMethod": "registry",
            "measurements": [{"measureId": i, "value": True} for i in ids],
        }

    cost = {"costMeasures": [{"measureId": "TPCC_1", "attributedCases": 45, "value": 1400.0}]}
    files = {
        "ind_sub": _write(tmp_path, "is.json", {**ind_key, "measurementSets": [ia("IA_EPA_1")]}),
        "ind_prof": _write(tmp_path, "ip.json", {**ind_key, "practiceSize": 50}),
        "ind_cms": _write(tmp_path, "ic.json", {**ind_key, **cost}),
        "grp_sub": _write(tmp_path, "gs.json", {**grp_key, "measurementSets": [ia("IA_EPA_1", "IA_BE_6")]}),
        "grp_prof": _write(
            tmp_path,
            "gp.json",
            {**grp_key, "practiceSize": 50, "clinicians": [{"nationalProviderIdentifier": NPI}]},
        ),
        "grp_cms": _write(tmp_path, "gc.json", {**grp_key, **cost}),
    }
    argv = [
        "score",
        files["ind_sub"],
        "--profile",
        files["ind_prof"],
        "--cms-data",
        files["ind_cms"],
        "--entity",
        f"{files['grp_sub']},{files['grp_prof']},{files['grp_cms']}",
        "--json",
    ]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 1
    assert out[0]["nationalProviderIdentifier"] == NPI
    assert out[0]["source"]["entityType"] == "group"
    assert out[0]["finalScore"] == pytest.approx(38.6304, abs=1e-4)
    assert out[0]["alternatives"][0]["finalScore"] == pytest.approx(31.1304, abs=1e-4)
    assert main(argv[:-1]) == 0
    text = capsys.readouterr().out
    assert "from group" in text and "alternative: individual" in text
