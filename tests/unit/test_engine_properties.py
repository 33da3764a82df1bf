"""Property tests (hypothesis): ``mips.engine.score`` on random schema-valid inputs never raises and
always yields a result the contract allows (spec 3.0, 9.1, 10; contract 2).

The inputs are built as JSON documents and validated through the public models, so every example is
schema-valid: real 2024 measure ids (quality, IA, PI, cost, admin claims) mixed with unknown ones, every
measurement-value shape, odd dates, empty sets, several reporting options, every entity type, profiles
with any combination of statuses/exceptions/claims, and CMS data with any bonus form.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mips.engine import score
from mips.models import CmsData, Profile, Submission
from mips.reference import load_reference
from mips.rules import rules_for

REF = load_reference(2024)
RULES = rules_for(2024)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

QUALITY_IDS = sorted(m.measure_id for m in REF.measures_in("quality"))
IA_IDS = sorted(m.measure_id for m in REF.measures_in("ia"))
PI_IDS = sorted(m.measure_id for m in REF.measures_in("pi"))
COST_IDS = sorted(m.measure_id for m in REF.measures_in("cost"))
BOGUS = ["XYZ_1", "IA_BOGUS", "PI_NOPE_1", "999", "COST_NONE_1"]
IDS = {"quality": QUALITY_IDS, "ia": IA_IDS, "pi": PI_IDS}

TIN = "123456789"
NPI = "1234567893"
ENTITY_TYPES = ["individual", "group", "virtualGroup", "subgroup", "apmEntity"]
PROGRAMS = ["mips", "mips", "app1", "G0053", "M0001", "M0005", "M9999"]
METHODS = ["electronicHealthRecord", "registry", "claims", "certifiedSurveyVendor", "cmsWebInterface"]

counts = st.integers(min_value=0, max_value=400)
days = st.dates(min_value=date(2023, 6, 1), max_value=date(2025, 6, 30))


def _single_rate() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "performanceMet": counts,
            "performanceNotMet": counts,
            "eligiblePopulation": counts,
            "eligiblePopulationExclusion": counts,
            "eligiblePopulationException": counts,
        },
        optional={
            "performanceRate": st.floats(0, 100, allow_nan=False),
            "reportingRate": st.floats(0, 100, allow_nan=False),
        },
    )


values: st.SearchStrategy[Any] = st.one_of(
    st.booleans(),
    st.fixed_dictionaries({"numerator": counts, "denominator": counts}),
    _single_rate(),
    st.builds(
        lambda strata: {"strata": strata},
        st.lists(
            st.builds(
                lambda d, s: {**d, "stratum": s}, _single_rate(), st.sampled_from(["overall", "1", "2"])
            ),
            min_size=1,
            max_size=3,
        ),
    ),
    st.fixed_dictionaries(
        {
            "numerator": st.floats(-10, 500, allow_nan=False),
            "denominator": counts,
            "observationInstances": counts,
        }
    ),
    st.fixed_dictionaries({"performanceRate": st.floats(0, 100, allow_nan=False)}),
)


@st.composite
def measurement_sets(draw: st.DrawFn) -> dict[str, Any]:
    category = draw(st.sampled_from(["quality", "ia", "pi", "aci"]))
    pool = IDS["pi" if category == "aci" else category]
    ids = st.one_of(st.sampled_from(pool), st.sampled_from([*BOGUS, *QUALITY_IDS[:5], *IA_IDS[:5]]))
    ms: dict[str, Any] = {
        "category": category,
        "submissionMethod": draw(st.sampled_from(METHODS)),
        "programName": draw(st.sampled_from(PROGRAMS)),
        "measurements": draw(
            st.lists(st.fixed_dictionaries({"measureId": ids, "value": values}), max_size=10)
        ),
    }
    if draw(st.booleans()):
        ms["cehrtId"] = draw(st.sampled_from(["0015E8DHRB1R9M7", " ", "X"]))
    if draw(st.booleans()):
        ms["performanceStart"] = draw(days).isoformat()
    if draw(st.booleans()):
        ms["performanceEnd"] = draw(days).isoformat()
    return ms


def _key(entity_type: str) -> dict[str, Any]:
    key: dict[str, Any] = {
        "performanceYear": 2024,
        "entityType": entity_type,
        "taxpayerIdentificationNumber": TIN,
    }
    if entity_type == "individual":
        key["nationalProviderIdentifier"] = NPI
    elif entity_type != "group":
        key["entityId"] = "E1"
    return key


def _segment() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "allowedCharges": st.floats(0, 300_000, allow_nan=False),
            "beneficiaries": counts,
            "coveredServices": counts,
            "patientFacingEncounters": counts,
            "hospitalPlaceOfServiceShare": st.floats(0, 1),
            "ascPlaceOfServiceShare": st.floats(0, 1),
        },
    )


maybe_bool = st.one_of(st.none(), st.booleans())


@st.composite
def profiles(draw: st.DrawFn, entity_type: str) -> dict[str, Any] | None:
    if draw(st.integers(0, 5)) == 0:
        return None
    doc: dict[str, Any] = _key(entity_type)
    optional = {
        "clinicianType": st.sampled_from(
            ["physician", "clinicalSocialWorker", "LCSW", "nursePractitioner", "chef", "Physical Therapist"]
        ),
        "practiceSize": st.integers(0, 40),
        "claims": st.builds(
            lambda base, segs: {**base, "segments": segs},
            _segment(),
            st.lists(_segment(), max_size=2),
        ),
        "firstMedicareEnrollmentYear": st.integers(2000, 2026),
        "qualifyingApmParticipant": st.booleans(),
        "mipsApmParticipant": st.booleans(),
        "optedIn": st.booleans(),
        "specialStatuses": st.fixed_dictionaries(
            {
                k: maybe_bool
                for k in ("smallPractice", "rural", "hpsa", "nonPatientFacing", "hospitalBased", "ascBased")
            }
        ),
        "exceptions": st.fixed_dictionaries(
            {
                "piHardship": st.booleans(),
                "extremeUncontrollable": st.fixed_dictionaries(
                    {k: st.booleans() for k in ("quality", "cost", "ia", "pi")}
                ),
            }
        ),
        "priorYearQualityAchievementPercent": st.floats(0, 100, allow_nan=False),
    }
    for name, strat in optional.items():
        if draw(st.booleans()):
            doc[name] = draw(strat)
    return doc


calculated = st.fixed_dictionaries(
    {
        "measureId": st.sampled_from([*COST_IDS, "479", "484", "480", "492", "COST_NONE_1"]),
        "attributedCases": st.integers(0, 400),
        "value": st.floats(-1000, 60_000, allow_nan=False),
    }
)


@st.composite
def cms_datas(draw: st.DrawFn, entity_type: str) -> dict[str, Any] | None:
    if draw(st.integers(0, 4)) == 0:
        return None
    doc: dict[str, Any] = _key(entity_type)
    doc["costMeasures"] = draw(st.lists(calculated, max_size=5))
    doc["adminClaimsMeasures"] = draw(st.lists(calculated, max_size=3))
    doc["complexPatientBonus"] = draw(
        st.one_of(
            st.none(),
            st.floats(-5, 25, allow_nan=False),
            st.fixed_dictionaries(
                {"averageHccRiskScore": st.floats(0, 5), "dualEligibleRatio": st.floats(0, 1)}
            ),
        )
    )
    return doc


@st.composite
def inputs(draw: st.DrawFn) -> tuple[Submission, Profile | None, CmsData | None]:
    entity_type = draw(st.sampled_from(ENTITY_TYPES))
    sub = {**_key(entity_type), "measurementSets": draw(st.lists(measurement_sets(), max_size=5))}
    prof = draw(profiles(entity_type))
    cms = draw(cms_datas(entity_type))
    return (
        Submission.model_validate(sub),
        Profile.model_validate(prof) if prof is not None else None,
        CmsData.model_validate(cms) if cms is not None else None,
    )


def _check(doc: dict[str, Any]) -> None:
    """The invariants of one result document (the reported one or an alternative)."""
    fs = doc["finalScore"]
    assert math.isfinite(fs) and 0.0 <= fs <= 100.0
    cats = doc["categories"]
    assert set(cats) == {"quality", "cost", "ia", "pi"}
    for c in cats.values():
        assert c["score"] is None or 0.0 <= c["score"] <= 100.0
        assert 0.0 <= c["weight"] <= 100.0
        if c["reweighted"]:
            assert c["weight"] == 0.0 and c["score"] is None
    weighted = [n for n, c in cats.items() if c["weight"] > 0]
    if len(weighted) < 2:
        # spec 3.0, 9.1, 17: fewer than two scored categories => the performance threshold
        assert fs == RULES.payment.performance_threshold
        assert doc["paymentAdjustment"]["percent"] == 0.0
    else:
        assert abs(sum(c["weight"] for c in cats.values()) - 100.0) < 1e-6
        assert all(cats[n]["score"] is not None for n in weighted)
    pct = doc["paymentAdjustment"]["percent"]
    top = RULES.payment.applicable_percent * RULES.payment.scaling_factor
    assert -RULES.payment.applicable_percent <= pct <= top + 1e-9
    assert 0.0 <= doc["complexPatientBonus"] <= RULES.bonus.cpb_cap


@SETTINGS
@given(data=inputs())
def test_score_never_raises_and_stays_in_range_on_random_schema_valid_inputs(data):
    """Given any schema-valid submission/profile/CMS data, when scored, then no exception, final score in
    [0, 100], weights sum to 100 (or fewer than two scored => 75), emitted numbers at 4 dp, JSON-clean."""
    submission, profile, cms_data = data
    result = score(submission, profile, cms_data, REF, RULES)
    doc = result.to_doc()
    text = json.dumps(doc, allow_nan=False)  # no NaN/inf anywhere in the document
    assert json.loads(text) == doc
    _check(doc)
    for alt in doc["alternatives"]:
        _check(alt)
        assert alt["finalScore"] <= doc["finalScore"]
    assert round(doc["finalScore"], 4) == doc["finalScore"]
    if profile is None or cms_data is None:
        assert doc["status"] == "preliminary"
    else:
        assert doc["status"] == "final"


@SETTINGS
@given(
    entity_type=st.sampled_from(ENTITY_TYPES),
    cpb=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_any_float_bonus_never_breaks_the_range(entity_type, cpb):
    """Given a complex patient bonus that is any float (also NaN/inf, which JSON parsers in Python accept),
    when scored, then the bonus stays within 0..10 and the final score within 0..100 (spec 8.1, 9.1)."""
    sub = Submission.model_validate(
        {
            **_key(entity_type),
            "measurementSets": [
                {
                    "category": "ia",
                    "submissionMethod": "registry",
                    "measurements": [{"measureId": "IA_EPA_1", "value": True}],
                }
            ],
        }
    )
    cms = CmsData.model_validate({**_key(entity_type), "complexPatientBonus": cpb})
    doc = score(sub, None, cms, REF, RULES).to_doc()
    json.dumps(doc, allow_nan=False)
    _check(doc)
