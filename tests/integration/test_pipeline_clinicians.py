"""The pipeline publishes results/<year>/clinician/<TIN>/<NPI>.json naming the score used (spec 9.2).

Same hand-computed case as tests/unit/test_clinician.py: individual 31.1304, group (roster lists the
individual) 38.6304 -> the group score counts for the clinician, the individual one is the alternative.
"""

from __future__ import annotations

import json

import pytest
from mips.clinician import clinician_key
from mips.pipeline import aws

from .conftest import drop

pytestmark = pytest.mark.integration
TIN, NPI = "555666777", "1234567893"


def _ia(*ids: str) -> dict:
    return {
        "category": "ia",
        "submissionMethod": "registry",
        "measurements": [{"measureId": i, "value": True} for i in ids],
    }


def test_given_individual_and_group_with_roster_then_clinician_file_names_the_group_score(lp):
    ind = {
        "performanceYear": 2024,
        "entityType": "individual",
        "taxpayerIdentificationNumber": TIN,
        "nationalProviderIdentifier": NPI,
    }
    grp = {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": TIN}
    cost = {"costMeasures": [{"measureId": "TPCC_1", "attributedCases": 45, "value": 1400.0}]}
    drop(lp, "submission", {**ind, "measurementSets": [_ia("IA_EPA_1")]}, "clin/ind-sub.json")
    drop(lp, "profile", {**ind, "practiceSize": 50}, "clin/ind-prof.json")
    drop(lp, "cmsData", {**ind, **cost}, "clin/ind-cms.json")
    drop(lp, "submission", {**grp, "measurementSets": [_ia("IA_EPA_1", "IA_BE_6")]}, "clin/grp-sub.json")
    roster = {"clinicians": [{"nationalProviderIdentifier": NPI}]}
    drop(lp, "profile", {**grp, "practiceSize": 50, **roster}, "clin/grp-prof.json")
    drop(lp, "cmsData", {**grp, **cost}, "clin/grp-cms.json")
    lp.drain()
    body = aws.s3().get_object(Bucket=lp.stack.bucket, Key=clinician_key(2024, TIN, NPI))["Body"].read()
    doc = json.loads(body)
    assert doc["source"]["entityType"] == "group"
    assert doc["finalScore"] == pytest.approx(38.6304, abs=1e-4)
    assert [a["entityType"] for a in doc["alternatives"]] == ["individual"]
    assert doc["alternatives"][0]["finalScore"] == pytest.approx(31.1304, abs=1e-4)
    assert doc["status"] == "final"
