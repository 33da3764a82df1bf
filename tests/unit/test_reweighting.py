"""Reweighting (spec 2, 3, 12): reasons and every row of the redistribution tables of spec 3.1-3.4.

The category results are hand-built (each scored 80%), so each test checks only the weight decision.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from mips.eligibility import EligibilityResult
from mips.explain import Node
from mips.models import Profile
from mips.reweighting import reweight
from mips.rules import YearRules, rules_for
from mips.scoring import CategoryResult, ScoringContext
from mips.statuses import EntityEvaluation, StatusResult


def cat(category: str, score: float | None = 80.0, submitted: bool = True, reason: str | None = None):
    return CategoryResult(
        category=category,
        score=score,
        data_submitted=submitted,
        not_scored_reason=reason,
        explanation=Node(name=category, value=score),
    )


def evaluation(**statuses: Any) -> EntityEvaluation:
    return EntityEvaluation(
        eligibility=EligibilityResult(status="required"), statuses=StatusResult(**statuses)
    )


def profile(entity_type: str = "individual", euc: dict | None = None, pi_hardship: bool = False) -> Profile:
    return Profile.model_validate(
        {
            "performanceYear": 2024,
            "entityType": entity_type,
            "taxpayerIdentificationNumber": "123456789",
            "exceptions": {"piHardship": pi_hardship, "extremeUncontrollable": euc or {}},
        }
    )


def decide(reweighted: set[str], entity_type="individual", option="traditional", small=False):
    """Reweight exactly ``reweighted``: quality/IA/PI by an approved EUC exception with no data, cost by
    'no cost measure met its case minimum'."""
    ctx = ScoringContext(entity_type=entity_type, reporting_option=option, small_practice=small)
    results = {
        "quality": cat("quality", submitted="quality" not in reweighted),
        "cost": cat("cost", None, False, "noCostMeasureMetCaseMinimum")
        if "cost" in reweighted
        else cat("cost"),
        "ia": cat("ia", submitted="ia" not in reweighted),
        "pi": cat("pi", submitted="pi" not in reweighted),
    }
    euc = {c: c in reweighted for c in ("quality", "ia", "pi")}
    return reweight(ctx, results, evaluation(small_practice=small), profile(entity_type, euc), _rules())


def _rules() -> YearRules:
    return rules_for(2024)


def w(q: float, c: float, ia: float, pi: float) -> dict[str, float]:
    return {"quality": q, "cost": c, "ia": ia, "pi": pi}


# spec 3.1 (a) standard table, rows copied from the spec by hand (Quality / Cost / IA / PI)
STANDARD = [
    (set(), w(30, 30, 15, 25)),
    ({"cost"}, w(55, 0, 15, 30)),
    ({"pi"}, w(55, 30, 15, 0)),
    ({"quality"}, w(0, 30, 15, 55)),
    ({"ia"}, w(45, 30, 0, 25)),
    ({"cost", "pi"}, w(85, 0, 15, 0)),
    ({"cost", "quality"}, w(0, 0, 15, 85)),
    ({"cost", "ia"}, w(70, 0, 0, 30)),
    ({"pi", "quality"}, w(0, 50, 50, 0)),
    ({"pi", "ia"}, w(70, 30, 0, 0)),
    ({"quality", "ia"}, w(0, 30, 0, 70)),
]
# spec 3.2 (b) small practices: PI -> 40/30/30/0, cost+PI -> 50/0/50/0, the rest as standard
SMALL = [(s, row) for s, row in STANDARD if s not in ({"pi"}, {"cost", "pi"})] + [
    ({"pi"}, w(40, 30, 30, 0)),
    ({"cost", "pi"}, w(50, 0, 50, 0)),
]


@pytest.mark.parametrize(
    ("reweighted", "expected"), STANDARD, ids=[",".join(sorted(s)) or "none" for s, _ in STANDARD]
)
def test_standard_table_row(reweighted, expected):
    """spec 3.1: not a small practice."""
    d = decide(reweighted)
    assert d.table == "standard"
    assert d.weights == expected
    assert set(d.reweighted) == reweighted
    assert not d.fewer_than_minimum


@pytest.mark.parametrize(
    ("reweighted", "expected"), SMALL, ids=[",".join(sorted(s)) or "none" for s, _ in SMALL]
)
def test_small_practice_table_row(reweighted, expected):
    """spec 3.2: small practices (<= 15 clinicians)."""
    d = decide(reweighted, small=True)
    assert d.table == "smallPractice"
    assert d.weights == expected


APM = [
    (set(), w(55, 0, 15, 30)),
    ({"pi"}, w(85, 0, 15, 0)),
    ({"quality"}, w(0, 0, 15, 85)),
    ({"ia"}, w(70, 0, 0, 30)),
]


@pytest.mark.parametrize(("reweighted", "expected"), APM, ids=[",".join(sorted(s)) or "none" for s, _ in APM])
def test_apm_entity_table_row(reweighted, expected):
    """spec 3.3: APM Entity base 55/0/15/30, cost never evaluated."""
    d = decide(reweighted, entity_type="apmEntity")
    assert d.table == "apmEntity"
    assert d.weights == expected
    assert d.reweighted["cost"] == "notEvaluatedForApmEntity"


def test_apm_entity_small_practice_pi_row():
    """spec 3.3: PI reweighted for an APM Entity with small-practice status -> 50/0/50/0."""
    d = decide({"pi"}, entity_type="apmEntity", small=True)
    assert d.table == "apmEntitySmallPractice"
    assert d.weights == w(50, 0, 50, 0)


APP = [(set(), w(50, 0, 20, 30)), ({"pi"}, w(75, 0, 25, 0)), ({"quality"}, w(0, 0, 25, 75))]


@pytest.mark.parametrize(("reweighted", "expected"), APP, ids=[",".join(sorted(s)) or "none" for s, _ in APP])
def test_app_table_row(reweighted, expected):
    """spec 3.4: APP Q50/IA20/PI30, cost 0."""
    d = decide(reweighted, option="app")
    assert d.table == "app"
    assert d.weights == expected
    assert d.reweighted["cost"] == "notEvaluatedInApp"


def test_app_quality_and_pi_reweighted_leaves_only_ia_so_fewer_than_two():
    """spec 3.4: 'Quality + PI: final score = 75 (only IA scored)'."""
    d = decide({"quality", "pi"}, option="app")
    assert d.fewer_than_minimum
    assert d.weights == w(0, 0, 100, 0)  # "1 performance category is weighted at 100%" (spec 17)


@pytest.mark.parametrize("reweighted", [set(c) for c in combinations(("quality", "cost", "ia", "pi"), 3)])
def test_any_three_reweighted_leaves_one_category_at_100_and_fewer_than_two(reweighted):
    """spec 3.1 'any 3 or 4 => final score = 75', decided from the weights after redistribution (spec 17)."""
    d = decide(reweighted)
    assert d.fewer_than_minimum
    assert len(d.scored_categories) == 1
    assert sum(d.weights.values()) == 100


def test_all_four_reweighted_then_no_weight_at_all():
    d = decide({"quality", "cost", "ia", "pi"})
    assert d.fewer_than_minimum and d.scored_categories == []
    assert sum(d.weights.values()) == 0


def test_apm_entity_two_of_q_ia_pi_reweighted_then_fewer_than_two():
    """spec 3.3: 'any two of Q/IA/PI => final score = 75'."""
    assert decide({"quality", "pi"}, entity_type="apmEntity").fewer_than_minimum


# --- reasons ---------------------------------------------------------------------------------------
def _standard(results: dict, statuses: dict | None = None, prof: Profile | None = None, **ctx: Any):
    return reweight(ScoringContext(**ctx), results, evaluation(**(statuses or {})), prof, _rules())


def _all(**over: CategoryResult) -> dict[str, CategoryResult]:
    base = {c: cat(c) for c in ("quality", "cost", "ia", "pi")}
    base.update(over)
    return base


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("small_practice", "smallPractice"),
        ("hospital_based", "hospitalBased"),
        ("asc_based", "ascBased"),
        ("non_patient_facing", "nonPatientFacing"),
    ],
)
def test_given_pi_reweighting_status_and_no_pi_data_then_pi_reweighted(status, code):
    """spec 2: automatic PI reweighting for these statuses unless PI data is submitted."""
    d = _standard(
        _all(pi=cat("pi", 0.0, submitted=False)), {status: True}, small_practice=status == "small_practice"
    )
    assert d.reweighted == {"pi": code}


@pytest.mark.parametrize("status", ["small_practice", "hospital_based", "non_patient_facing"])
def test_given_pi_reweighting_status_but_pi_data_submitted_then_pi_scored(status):
    """spec 2: 'if data is submitted, CMS will score their performance and weight their PI accordingly'."""
    d = _standard(_all(pi=cat("pi", 40.0)), {status: True})
    assert "pi" not in d.reweighted
    assert d.weights["pi"] == 25
    assert any("PI data submitted" in n for n in d.notes)


def test_given_clinical_social_worker_without_pi_data_then_pi_reweighted():
    """spec 2, 17: clinical social workers keep automatic PI reweighting in 2024."""
    d = _standard(_all(pi=cat("pi", 0.0, False)), {"pi_reweight_clinician_type": "clinicalSocialWorker"})
    assert d.reweighted == {"pi": "clinicalSocialWorker"}
    assert d.weights == w(55, 30, 15, 0)


def test_given_pi_scored_zero_without_status_then_not_reweighted():
    """spec 3.0: a category scored as zero is still a scored category."""
    d = _standard(_all(pi=cat("pi", 0.0, submitted=False), quality=cat("quality", 0.0, submitted=False)))
    assert d.reweighted == {}
    assert d.weights == w(30, 30, 15, 25)


def test_given_pi_hardship_without_pi_data_then_reweighted_and_with_data_then_scored():
    """spec 12: PI hardship exception; data submission overrides approved reweighting."""
    prof = profile(pi_hardship=True)
    assert _standard(_all(pi=cat("pi", 0.0, False)), prof=prof).reweighted == {"pi": "piHardship"}
    assert _standard(_all(pi=cat("pi", 70.0)), prof=prof).reweighted == {}


def test_given_quality_euc_with_quality_data_then_data_overrides():
    """spec 12: 'Data submission overrides approved reweighting on a category by category basis'."""
    prof = profile(euc={"quality": True, "ia": True})
    d = _standard(_all(ia=cat("ia", 0.0, False)), prof=prof)
    assert d.reweighted == {"ia": "extremeUncontrollable"}
    assert any("overrides" in n for n in d.notes)


def test_given_cost_euc_then_cost_reweighted_even_with_cost_score():
    """spec 12: cost reweighted in an EUC 'regardless of whether they have applicable cost measures'."""
    d = _standard(_all(), prof=profile(euc={"cost": True}))
    assert d.reweighted == {"cost": "extremeUncontrollable"}


def test_given_cost_not_scored_then_reason_from_cost_module():
    d = _standard(_all(cost=cat("cost", None, False, "cmsDataNotReceived")))
    assert d.reweighted == {"cost": "cmsDataNotReceived"}


def test_given_app_with_ia_euc_then_ia_still_automatic():
    """spec 11.2: APP IA is automatic full credit, never reweighted."""
    d = _standard(_all(ia=cat("ia", 100.0, False)), prof=profile(euc={"ia": True}), reporting_option="app")
    assert "ia" not in d.reweighted
    assert d.weights == w(50, 0, 20, 30)


def test_weight_decision_round_trips_as_json():
    d = decide({"pi"}, small=True)
    assert type(d).model_validate_json(d.model_dump_json()) == d
