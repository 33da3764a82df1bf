"""Promoting Interoperability category (spec section 6, example E1 of section 14).

Every expected number is computed by hand from the spec; the arithmetic is in the comment next to it.
Baseline set = E1's PI set (spec 14): PI_EP_1 900/1000, PI_EP_2 yes, PI_HIE_1 170/200, PI_HIE_4 90/120,
PI_PEA_1 400/500, PI_PHCDRR_1 yes (+_PROD), PI_PHCDRR_3 yes (+_PROD), all gates met.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from mips.categories.pi import NO_DATA_DETAIL, score_pi
from mips.models.submission import MeasurementSet
from mips.reference import ReferenceData
from mips.rules import YearRules
from mips.scoring import CategoryResult, ScoringContext

BASE: dict[str, Any] = {
    "category": "pi",
    "submissionMethod": "registry",
    "programName": "mips",
    "cehrtId": "0015H8ABCDEFGHI",
    "performanceStart": "2024-01-01",
    "performanceEnd": "2024-12-31",
    "measurements": [
        {"measureId": "PI_INFBLO_1", "value": True},
        {"measureId": "PI_ONCDIR_1", "value": True},
        {"measureId": "PI_PPHI_1", "value": True},
        {"measureId": "PI_PPHI_2", "value": True},
        {"measureId": "PI_EP_1", "value": {"numerator": 900, "denominator": 1000}},
        {"measureId": "PI_EP_2", "value": True},
        {"measureId": "PI_HIE_1", "value": {"numerator": 170, "denominator": 200}},
        {"measureId": "PI_HIE_4", "value": {"numerator": 90, "denominator": 120}},
        {"measureId": "PI_PEA_1", "value": {"numerator": 400, "denominator": 500}},
        {"measureId": "PI_PHCDRR_1", "value": True},
        {"measureId": "PI_PHCDRR_1_PROD", "value": True},
        {"measureId": "PI_PHCDRR_3", "value": True},
        {"measureId": "PI_PHCDRR_3_PROD", "value": True},
    ],
}


def pi_set(drop: tuple[str, ...] = (), values: dict[str, Any] | None = None, **fields: Any) -> MeasurementSet:
    """The E1 PI set with measures dropped, values replaced/added and set fields (camelCase) changed."""
    doc = copy.deepcopy(BASE)
    ms = [m for m in doc["measurements"] if m["measureId"] not in drop]
    for mid, v in (values or {}).items():
        hit = next((m for m in ms if m["measureId"] == mid), None)
        if hit is None:
            ms.append({"measureId": mid, "value": v})
        else:
            hit["value"] = v
    doc["measurements"] = ms
    doc.update(fields)
    return MeasurementSet.model_validate(doc)


def prop(n: int, d: int) -> dict[str, int]:
    return {"numerator": n, "denominator": d}


@pytest.fixture
def score(ref: ReferenceData, rules: YearRules):
    def run(*sets: MeasurementSet, year_rules: YearRules | None = None) -> CategoryResult:
        return score_pi(list(sets), ScoringContext(), ref, year_rules or rules)

    return run


def with_pi(rules: YearRules, **changes: Any) -> YearRules:
    return dataclasses.replace(rules, pi=dataclasses.replace(rules.pi, **changes))


def points_of(result: CategoryResult, node: str) -> Any:
    found = result.explanation.find(node)
    assert found is not None, node
    return found.value


# -- spec 14 E1 --------------------------------------------------------------------------------------
def test_given_e1_pi_set_when_scored_then_88(score):
    """Spec 14 E1 (and 6.3 half-up rounding): 9 + 10 + 13 + 11 + 20 + 25 = 88."""
    r = score(pi_set())
    assert r.category == "pi"
    assert r.score == 88.0
    assert r.points == 88.0
    assert r.max_points == 100.0
    assert r.data_submitted is True
    assert points_of(r, "PI_EP_1") == 9  # 0.9 x 10
    assert points_of(r, "PI_EP_2") == 10
    assert points_of(r, "PI_HIE_1") == 13  # 0.85 x 15 = 12.75 -> 13
    assert points_of(r, "PI_HIE_4") == 11  # 0.75 x 15 = 11.25 -> 11
    assert points_of(r, "PI_PEA_1") == 20  # 0.8 x 25
    assert points_of(r, "publicHealthAndClinicalDataExchange") == 25
    hie1 = r.explanation.find("PI_HIE_1")
    assert hie1 is not None and hie1.metadata["formula"] == "((170/200)*15) = 12.75 -> 13"
    hie4 = r.explanation.find("PI_HIE_4")
    assert hie4 is not None and hie4.metadata["formula"] == "((90/120)*15) = 11.25 -> 11"
    assert r.metadata["objectiveScores"] == {
        "electronicPrescribing": 19.0,  # 9 + 10
        "healthInformationExchange": 24.0,  # 13 + 11
        "providerToPatientExchange": 20.0,
        "publicHealthAndClinicalDataExchange": 25.0,
    }
    assert r.metadata["performancePeriodDays"] == 366  # 2024 is a leap year, both ends counted
    assert r.metadata["hasCehrtId"] is True
    assert all(r.metadata["gates"].values())


# -- no data (spec 3.0, 6.5) ---------------------------------------------------------------------
def test_given_no_pi_set_when_scored_then_zero_not_submitted(score):
    """Spec 3.0/6.5: no PI data scores 0 unless reweighted; data_submitted False lets reweighting apply."""
    r = score()
    assert r.score == 0.0
    assert r.data_submitted is False
    assert r.explanation.detail == "No Promoting Interoperability data submitted: scored 0 unless reweighted"
    assert r.explanation.detail == NO_DATA_DETAIL


def test_given_only_non_pi_sets_when_scored_then_treated_as_no_pi_data(score):
    ia = MeasurementSet.model_validate(
        {
            "category": "ia",
            "submissionMethod": "registry",
            "measurements": [{"measureId": "IA_EPA_1", "value": True}],
        }
    )
    r = score(ia)
    assert (r.score, r.data_submitted) == (0.0, False)


def test_given_pi_set_without_measurements_when_scored_then_zero_and_not_submitted(score):
    """Spec 2, 3.0, 6.5, 12: "unless PI data is submitted" - a PI set with no measurements carries no data
    (as for quality and the IA APM-credit check): 0 with data_submitted False, so an entity qualifying for
    PI reweighting is still reweighted; the explanation says the set was empty."""
    r = score(pi_set(drop=tuple(m["measureId"] for m in BASE["measurements"])))
    assert (r.score, r.data_submitted) == (0.0, False)
    assert "no measurements" in " ".join(r.metadata["warnings"])


def test_given_pi_set_with_only_gate_attestations_when_scored_then_zero_but_submitted(score):
    """Spec 6.1/3.0: PI data is submitted but the required measures are missing: 0, not reweighted."""
    keep = {"PI_INFBLO_1", "PI_ONCDIR_1", "PI_PPHI_1", "PI_PPHI_2"}
    r = score(pi_set(drop=tuple(m["measureId"] for m in BASE["measurements"] if m["measureId"] not in keep)))
    assert (r.score, r.data_submitted) == (0.0, True)
    assert "requiredMeasures" in r.metadata["failedGates"]


# -- gates (spec 6.1) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "gate"),
    [
        ({"fields": {"cehrtId": None}}, "cehrtId"),
        ({"fields": {"cehrtId": "   "}}, "cehrtId"),
        ({"values": {"PI_INFBLO_1": False}}, "PI_INFBLO_1"),
        ({"drop": ("PI_INFBLO_1",)}, "PI_INFBLO_1"),
        ({"values": {"PI_PPHI_1": False}}, "PI_PPHI_1"),
        ({"values": {"PI_PPHI_2": False}}, "PI_PPHI_2"),  # 2024: a "no" to SAFER Guides no longer suffices
        ({"drop": ("PI_ONCDIR_1",)}, "PI_ONCDIR_1"),
        ({"drop": ("PI_PEA_1",)}, "requiredMeasures"),
        ({"drop": ("PI_EP_2",)}, "requiredMeasures"),
        ({"drop": ("PI_PHCDRR_3", "PI_PHCDRR_3_PROD")}, "requiredMeasures"),
        ({"values": {"PI_EP_1": prop(0, 1000)}}, "minimumNumerator"),
        ({"values": {"PI_PEA_1": prop(0, 500)}}, "minimumNumerator"),
        ({"values": {"PI_EP_1": True}}, "validValues"),
        ({"values": {"PI_PEA_1": prop(600, 500)}}, "validValues"),
        ({"values": {"PI_EP_2": prop(1, 2)}}, "validValues"),
        ({"drop": ("PI_PHCDRR_1_PROD",)}, "activeEngagementLevel"),
        ({"fields": {"performanceEnd": "2024-06-27"}}, "performancePeriod"),
        ({"fields": {"performanceStart": None}}, "performancePeriod"),
        ({"fields": {"performanceStart": "2024-12-31", "performanceEnd": "2024-01-01"}}, "performancePeriod"),
    ],
)
def test_given_one_gate_failing_when_scored_then_category_zero_and_still_submitted(score, change, gate):
    """Spec 6.1 + 3.0: a failed gate scores PI 0 (data_submitted True, not reweighted) and names the gate."""
    r = score(pi_set(drop=change.get("drop", ()), values=change.get("values"), **change.get("fields", {})))
    assert r.score == 0.0
    assert r.points == 0.0
    assert r.data_submitted is True
    assert r.metadata["failedGates"] == [gate]
    assert r.metadata["gates"][gate] is False
    assert f"gate '{gate}'" in r.explanation.detail
    # measure nodes say why they score nothing
    ep2 = r.explanation.find("PI_EP_2")
    assert ep2 is not None and ep2.value == 0.0 and "failed" in ep2.detail


def test_given_oncdir_answered_no_when_scored_then_gate_met(score):
    """Spec 6.1 item 4: PI_ONCDIR_1 "yes" or "no" both satisfy the gate -> E1 score 88 kept."""
    r = score(pi_set(values={"PI_ONCDIR_1": False}))
    assert r.metadata["gates"]["PI_ONCDIR_1"] is True
    assert r.score == 88.0


def test_given_180_vs_179_day_period_when_scored_then_180_passes(score):
    """Spec 6.1 item 1: >= 180 continuous days. 2024-01-01..06-28 = 31+29+31+30+31+28 = 180 days."""
    ok = score(pi_set(performanceEnd="2024-06-28"))
    assert ok.metadata["performancePeriodDays"] == 180
    assert ok.score == 88.0
    short = score(pi_set(performanceEnd="2024-06-27"))  # 179 days
    assert short.metadata["performancePeriodDays"] == 179
    assert short.score == 0.0
    assert short.metadata["failedGates"] == ["performancePeriod"]
    # July 5 .. Dec 31 = 27 + 31 + 30 + 31 + 30 + 31 = 180 days (the last start day for 2024)
    late = score(pi_set(performanceStart="2024-07-05"))
    assert late.metadata["performancePeriodDays"] == 180 and late.score == 88.0


def test_given_period_partly_outside_the_year_when_scored_then_only_days_within_2024_count(score):
    """Spec 6.1 item 1: the 180 days must be within CY 2024; 2023-07-01..2024-06-27 has 179 days in 2024."""
    r = score(pi_set(performanceStart="2023-07-01", performanceEnd="2024-06-27"))
    assert r.metadata["performancePeriodDays"] == 179
    assert r.metadata["failedGates"] == ["performancePeriod"]


def test_given_public_health_yes_without_level_when_scored_then_level_gate_fails(score):
    """Spec 6.1 item 7: the active-engagement level of each public-health measure reported is required."""
    r = score(pi_set(drop=("PI_PHCDRR_3_PROD",)))
    assert r.metadata["failedGates"] == ["activeEngagementLevel"]
    assert "PI_PHCDRR_3" in r.explanation.detail


def test_given_pre_production_level_when_scored_then_level_accepted(score):
    """Spec 6.2: _PRE (pre-production) and _PROD are substitutes; either level satisfies the requirement."""
    r = score(pi_set(drop=("PI_PHCDRR_1_PROD",), values={"PI_PHCDRR_1_PRE": True}))
    assert r.score == 88.0
    node = r.explanation.find("PI_PHCDRR_1")
    assert node is not None and node.metadata["activeEngagementLevel"] == "PRE"


# -- yes/no and numerator rules (spec 6.3) ---------------------------------------------------------
def test_given_pdmp_answered_no_when_scored_then_measure_zero_category_scored(score):
    """Spec 6.3 default: a "no" on a scored yes/no measure earns 0; category still scored: 88 - 10 = 78."""
    r = score(pi_set(values={"PI_EP_2": False}))
    assert r.score == 78.0
    node = r.explanation.find("PI_EP_2")
    assert node is not None and node.value == 0 and "Answered no" in node.detail


def test_given_no_fails_category_parameter_when_pdmp_no_then_gate_fails(score, rules):
    """Spec 6.3: configurable alternative: a "no" on a required measure zeroes the category."""
    strict = with_pi(rules, no_on_required_fails_category=True)
    r = score(pi_set(values={"PI_EP_2": False}), year_rules=strict)
    assert r.score == 0.0
    assert r.metadata["failedGates"] == ["requiredAnsweredYes"]


def test_given_low_rate_when_scored_then_rounded_points(score):
    """Spec 6.3: 1/1000 x 10 = 0.01 -> 0 (numerator 1 meets the gate, rounding gives 0): 88 - 9 = 79."""
    r = score(pi_set(values={"PI_EP_1": prop(1, 1000)}))
    assert r.metadata["gates"]["minimumNumerator"] is True
    assert points_of(r, "PI_EP_1") == 0
    assert r.score == 79.0


@pytest.mark.parametrize(
    ("mode", "expected_hie1", "expected_total"),
    [
        # HIE_1 150/180 x 15 = 12.5 exactly; HIE_4 90/120 x 15 = 11.25
        ("half_up", 13, 88.0),  # 9 + 10 + 13 + 11 + 20 + 25
        ("half_even", 12, 87.0),  # 12.5 -> 12 (even), 11.25 -> 11: 9 + 10 + 12 + 11 + 20 + 25
        ("none", 12.5, 87.75),  # 9 + 10 + 12.5 + 11.25 + 20 + 25
    ],
)
def test_given_rounding_mode_parameter_when_half_point_then_mode_applied(
    score, rules, mode, expected_hie1, expected_total
):
    """Spec 6.3 / 15 item 27: the rounding mode is a parameter (default half-up, as E1 shows)."""
    r = score(
        pi_set(values={"PI_HIE_1": prop(150, 180)}), year_rules=with_pi(rules, measure_points_rounding=mode)
    )
    assert points_of(r, "PI_HIE_1") == expected_hie1
    assert r.score == pytest.approx(expected_total)


def test_given_gate_failure_when_explained_then_measures_say_why(score):
    """Spec 6.1: measure nodes show 0 and the gate(s) that failed, with what they would have earned."""
    r = score(pi_set(values={"PI_EP_1": prop(0, 100), "PI_PPHI_2": False}))
    assert r.metadata["failedGates"] == ["PI_PPHI_2", "minimumNumerator"]
    hie1 = r.explanation.find("PI_HIE_1")
    assert hie1 is not None and hie1.value == 0.0
    assert "gates 'PI_PPHI_2' and 'minimumNumerator' failed" in hie1.detail
    assert hie1.metadata["pointsIfGatesMet"] == 13  # 12.75 -> 13
    ep1 = r.explanation.find("PI_EP_1")
    assert ep1 is not None and "Numerator 0" in ep1.detail


# -- HIE options (spec 6.2) ------------------------------------------------------------------------
HIE1 = ("PI_HIE_1", "PI_HIE_4")


def test_given_bidirectional_option_only_when_scored_then_30_points(score):
    """Spec 6.2 option 2: PI_HIE_5 yes = 30 -> 9 + 10 + 30 + 20 + 25 = 94."""
    r = score(pi_set(drop=HIE1, values={"PI_HIE_5": True}))
    assert r.score == 94.0
    assert r.metadata["hieOption"] == ["PI_HIE_5"]


def test_given_tefca_option_only_when_scored_then_30_points(score):
    """Spec 6.2 option 3: PI_HIE_6 yes = 30 -> 94."""
    r = score(pi_set(drop=HIE1, values={"PI_HIE_6": True}))
    assert r.score == 94.0
    assert r.metadata["hieOption"] == ["PI_HIE_6"]


def test_given_two_hie_options_when_scored_then_best_counts_and_other_marked_not_used(score):
    """Spec 6.2: option 1 earns 13 + 11 = 24, option 2 earns 30 -> option 2 counts: 94."""
    r = score(pi_set(values={"PI_HIE_5": True}))
    assert r.score == 94.0
    assert r.metadata["hieOption"] == ["PI_HIE_5"]
    hie1 = r.explanation.find("PI_HIE_1")
    assert hie1 is not None and hie1.value == 0 and "not used" in hie1.detail
    assert hie1.metadata["processingStatus"] == "NOT_USED"


def test_given_option1_full_rate_and_tefca_no_when_scored_then_option1_counts(score):
    """Spec 6.2: option 1 at 100% = 15 + 15 = 30 beats PI_HIE_6 "no" = 0 -> 9 + 10 + 30 + 20 + 25 = 94."""
    r = score(pi_set(values={"PI_HIE_1": prop(200, 200), "PI_HIE_4": prop(120, 120), "PI_HIE_6": False}))
    assert r.score == 94.0
    assert r.metadata["hieOption"] == ["PI_HIE_1", "PI_HIE_4"]


def test_given_option1_numerator_zero_but_option2_yes_when_scored_then_option2_used(score):
    """Spec 6.1 item 6 applies to the option in use: HIE_1 0/200 rules out option 1; HIE_5 yes -> 94."""
    r = score(pi_set(values={"PI_HIE_1": prop(0, 200), "PI_HIE_5": True}))
    assert r.score == 94.0
    hie1 = r.explanation.find("PI_HIE_1")
    assert hie1 is not None and "numerator is 0" in hie1.detail


def test_given_option1_numerator_zero_only_option_when_scored_then_numerator_gate_fails(score):
    """Spec 6.1 item 6: numerator must be >= 1 -> category 0."""
    r = score(pi_set(values={"PI_HIE_4": prop(0, 120)}))
    assert r.score == 0.0
    assert r.metadata["failedGates"] == ["minimumNumerator"]


def test_given_incomplete_option1_and_no_other_option_when_scored_then_required_gate_fails(score):
    """Spec 6.1 item 6 / 6.2: HIE_1 without HIE_4 (or its exclusion) does not satisfy the HIE objective."""
    r = score(pi_set(drop=("PI_HIE_4",)))
    assert r.metadata["failedGates"] == ["requiredMeasures"]
    assert "PI_HIE_4" in r.explanation.detail


def test_given_bidirectional_answered_no_when_scored_then_hie_zero(score):
    """Spec 6.3 default: HIE_5 "no" earns 0, category scored: 9 + 10 + 0 + 20 + 25 = 64."""
    r = score(pi_set(drop=HIE1, values={"PI_HIE_5": False}))
    assert r.score == 64.0


# -- exclusions (spec 6.4, UNCONFIRMED values = PiRules.exclusion_redistribution) --------------------
def test_given_pdmp_excluded_when_scored_then_10_points_to_eprescribing(score):
    """Spec 6.4 row 1: PDMP's 10 -> PI_EP_1 (max 20): 0.9 x 20 = 18 -> 18 + 24 + 20 + 25 = 87."""
    r = score(pi_set(drop=("PI_EP_2",), values={"PI_EP_2_EX_1": True}))
    assert r.score == 87.0
    assert points_of(r, "PI_EP_1") == 18
    node = r.explanation.find("PI_EP_2")
    assert node is not None and node.value == 0 and "PI_EP_2_EX_1" in node.detail


def test_given_second_pdmp_exclusion_when_scored_then_same_redistribution(score):
    """Spec 6.2: PI_EP_2_EX_2 (no Sch. II-IV e-prescriptions) also excludes PDMP -> 87."""
    r = score(pi_set(drop=("PI_EP_2",), values={"PI_EP_2_EX_2": True}))
    assert r.score == 87.0


def test_given_eprescribing_excluded_when_scored_then_20_points_split_to_hie(score):
    """Spec 6.4 row 2: e-Rx 10 + PDMP 10 (also excluded) -> HIE_1 and HIE_4 +10 each (max 25).

    HIE_1 0.85 x 25 = 21.25 -> 21; HIE_4 0.75 x 25 = 18.75 -> 19; total 21 + 19 + 20 + 25 = 85.
    """
    r = score(pi_set(drop=("PI_EP_1", "PI_EP_2"), values={"PI_LVPP_1": True}))
    assert points_of(r, "PI_HIE_1") == 21
    assert points_of(r, "PI_HIE_4") == 19
    assert r.score == 85.0
    assert r.metadata["gates"]["requiredMeasures"] is True


def test_given_eprescribing_excluded_with_bidirectional_option_when_scored_then_points_to_hie5(score):
    """Spec 6.4 row 2: with HIE option 2 the 20 points go to PI_HIE_5: 30 + 20 = 50 -> 50 + 20 + 25 = 95."""
    r = score(pi_set(drop=("PI_EP_1", "PI_EP_2", *HIE1), values={"PI_LVPP_1": True, "PI_HIE_5": True}))
    assert points_of(r, "PI_HIE_5") == 50
    assert r.score == 95.0


def test_given_sending_excluded_when_scored_then_15_points_to_pea(score):
    """Spec 6.4 row 3: HIE_1's 15 -> PEA (max 40): 0.8 x 40 = 32 -> 19 + 11 + 32 + 25 = 87."""
    r = score(pi_set(drop=("PI_HIE_1",), values={"PI_LVOTC_1": True}))
    assert points_of(r, "PI_PEA_1") == 32
    assert r.score == 87.0


def test_given_receiving_excluded_when_scored_then_15_points_to_pea(score):
    """Spec 6.4 row 4: HIE_4's 15 -> PEA (max 40): 32 -> 19 + 13 + 32 + 25 = 89."""
    r = score(pi_set(drop=("PI_HIE_4",), values={"PI_LVITC_2": True}))
    assert r.score == 89.0


def test_given_both_public_health_excluded_when_scored_then_25_points_to_pea(score):
    """Spec 6.4 row 5: both PH excluded -> PEA max 50: 0.8 x 50 = 40 -> 19 + 24 + 40 = 83."""
    r = score(
        pi_set(
            drop=("PI_PHCDRR_1", "PI_PHCDRR_1_PROD", "PI_PHCDRR_3", "PI_PHCDRR_3_PROD"),
            values={"PI_PHCDRR_1_EX_1": True, "PI_PHCDRR_3_EX_2": True},
        )
    )
    assert points_of(r, "PI_PEA_1") == 40
    assert r.score == 83.0


def test_given_chained_exclusions_when_scored_then_points_follow_the_chain(score):
    """Spec 6.4 rows 2+3: e-Rx 20 -> HIE_1 10 / HIE_4 10; HIE_1 excluded so its 15 + 10 -> PEA (max 50).

    HIE_4 0.75 x 25 = 18.75 -> 19; PEA 0.8 x 50 = 40; total 19 + 40 + 25 = 84.
    """
    r = score(pi_set(drop=("PI_EP_1", "PI_EP_2", "PI_HIE_1"), values={"PI_LVPP_1": True, "PI_LVOTC_1": True}))
    assert points_of(r, "PI_HIE_4") == 19
    assert points_of(r, "PI_PEA_1") == 40
    assert r.score == 84.0


def test_given_one_public_health_excluded_other_yes_when_scored_then_25(score):
    """Spec 6.3 (UNCONFIRMED parameter): one reported yes + the other excluded = 25 -> 88."""
    r = score(pi_set(drop=("PI_PHCDRR_3", "PI_PHCDRR_3_PROD"), values={"PI_PHCDRR_3_EX_1": True}))
    assert r.score == 88.0
    assert points_of(r, "PI_PHCDRR_1") == 25


def test_given_one_public_health_excluded_parameter_changed_when_scored_then_parameter_used(score, rules):
    """Spec 6.3: the one-excluded value is a parameter (here 0): 88 - 25 = 63."""
    r = score(
        pi_set(drop=("PI_PHCDRR_3", "PI_PHCDRR_3_PROD"), values={"PI_PHCDRR_3_EX_1": True}),
        year_rules=with_pi(rules, public_health_points_one_excluded=0.0),
    )
    assert r.score == 63.0


def test_given_one_public_health_excluded_other_no_when_scored_then_zero_public_health(score):
    """Spec 6.3: no measure answered yes -> public health 0: 19 + 24 + 20 = 63."""
    r = score(
        pi_set(
            drop=("PI_PHCDRR_3", "PI_PHCDRR_3_PROD", "PI_PHCDRR_1_PROD"),
            values={"PI_PHCDRR_3_EX_1": True, "PI_PHCDRR_1": False},
        )
    )
    assert r.score == 63.0


def test_given_one_public_health_no_when_scored_then_pair_earns_nothing(score):
    """Spec 6.2/6.3: 25 is for the pair; eCR "no" -> public health 0 -> 19 + 24 + 20 = 63."""
    r = score(pi_set(drop=("PI_PHCDRR_3_PROD",), values={"PI_PHCDRR_3": False}))
    assert r.score == 63.0
    node = r.explanation.find("PI_PHCDRR_1")
    assert node is not None and node.value == 0 and "PI_PHCDRR_3 answered no" in node.detail


def test_given_exclusion_with_its_measure_when_scored_then_flagged_and_measure_scored(score):
    """Spec 6.2: exclusion and measure submitted together are flagged; the measure is scored -> 88."""
    r = score(pi_set(values={"PI_LVPP_1": True}))
    assert r.score == 88.0
    assert any("PI_LVPP_1" in w and "opposite" in w for w in r.metadata["warnings"])
    assert r.metadata["exclusionsClaimed"] == {}


def test_given_exclusion_answered_false_when_measure_missing_then_required_gate_fails(score):
    """Spec 6.4: "You must claim an exclusion": PI_EP_2_EX_1 false is no exclusion -> PDMP missing -> 0."""
    r = score(pi_set(drop=("PI_EP_2",), values={"PI_EP_2_EX_1": False}))
    assert r.metadata["failedGates"] == ["requiredMeasures"]
    assert r.score == 0.0


def test_given_eprescribing_excluded_but_pdmp_reported_when_scored_then_pdmp_scored(score):
    """Spec 6.4 row 2 with PDMP reported yes: PDMP scored 10, e-Rx's own 10 -> HIE +5 each (max 20).

    HIE_1 0.85 x 20 = 17; HIE_4 0.75 x 20 = 15; total 10 + 17 + 15 + 20 + 25 = 87.
    """
    r = score(pi_set(drop=("PI_EP_1",), values={"PI_LVPP_1": True}))
    assert points_of(r, "PI_HIE_1") == 17
    assert points_of(r, "PI_HIE_4") == 15
    assert r.score == 87.0


# -- bonus and cap (spec 6.3) ----------------------------------------------------------------------
def test_given_bonus_measure_with_level_when_scored_then_plus_5(score):
    """Spec 6.3: +5 for PI_PHCDRR_2 yes with its level -> 88 + 5 = 93."""
    r = score(pi_set(values={"PI_PHCDRR_2": True, "PI_PHCDRR_2_PRE": True}))
    assert r.score == 93.0
    assert r.metadata["bonusPoints"] == 5.0
    assert points_of(r, "bonus") == 5


def test_given_bonus_measure_without_level_when_scored_then_no_bonus(score):
    """Spec 6.1 item 7 / 6.2: the bonus registry needs an active-engagement level -> stays 88."""
    r = score(pi_set(values={"PI_PHCDRR_4": True}))
    assert r.score == 88.0
    node = r.explanation.find("PI_PHCDRR_4")
    assert node is not None and node.value == 0 and "level" in node.detail


def test_given_several_bonus_measures_when_scored_then_bonus_once(score):
    """Spec 6.2: one bonus measure suffices, max 5 -> 88 + 5 = 93."""
    r = score(
        pi_set(
            values={
                "PI_PHCDRR_4": True,
                "PI_PHCDRR_4_PROD": True,
                "PI_PHCDRR_5": True,
                "PI_PHCDRR_5_PRE": True,
            }
        )
    )
    assert r.score == 93.0


def test_given_bonus_with_both_public_health_excluded_when_scored_then_bonus_still_earned(score):
    """Spec 17: the bonus is available even when both required PH measures are excluded: 83 + 5 = 88."""
    r = score(
        pi_set(
            drop=("PI_PHCDRR_1", "PI_PHCDRR_1_PROD", "PI_PHCDRR_3", "PI_PHCDRR_3_PROD"),
            values={
                "PI_PHCDRR_1_EX_2": True,
                "PI_PHCDRR_3_EX_3": True,
                "PI_PHCDRR_5": True,
                "PI_PHCDRR_5_PROD": True,
            },
        )
    )
    assert r.score == 88.0


def test_given_full_performance_and_bonus_when_scored_then_capped_at_100(score):
    """Spec 6.3: 10 + 10 + 30 + 25 + 25 + 5 = 105 -> capped at 100; points keep 105."""
    r = score(
        pi_set(
            drop=HIE1,
            values={
                "PI_EP_1": prop(1000, 1000),
                "PI_HIE_6": True,
                "PI_PEA_1": prop(500, 500),
                "PI_PHCDRR_2": True,
                "PI_PHCDRR_2_PROD": True,
            },
        )
    )
    assert r.points == 105.0
    assert r.score == 100.0
    assert "capped at 100" in r.explanation.detail


# -- inventory, several sets, explanation ------------------------------------------------------------
def test_given_unknown_measure_id_when_scored_then_rejected_with_message(score):
    """Spec 6.2 inventory: an id not in the 2024 PI inventory is rejected (named) and not scored -> 88."""
    r = score(pi_set(values={"PI_XYZ_9": True, "PI_LVPP_2": True}))
    assert r.score == 88.0
    assert r.metadata["rejectedMeasures"] == ["PI_XYZ_9", "PI_LVPP_2"]
    node = r.explanation.find("PI_XYZ_9")
    assert node is not None and "not a 2024 Promoting Interoperability measure" in node.detail


def test_given_several_pi_sets_when_scored_then_highest_kept_and_said(score):
    """Spec 13.2 ("Picked the highest scoring measurement set"): failing set 0 vs E1 set 88 -> 88."""
    bad = pi_set(values={"PI_PPHI_2": False}, submissionMethod="electronicHealthRecord")
    r = score(bad, pi_set())
    assert r.score == 88.0
    assert r.metadata["measurementSetIndex"] == 1
    assert r.metadata["measurementSetsScored"] == 2
    assert "kept the highest" in r.explanation.detail
    assert r.explanation.parts[0].name == "measurementSet[1]"


def test_given_duplicate_measure_when_scored_then_first_value_used_and_warned(score):
    doc = copy.deepcopy(BASE)
    doc["measurements"].append({"measureId": "PI_EP_2", "value": False})
    r = score(MeasurementSet.model_validate(doc))
    assert r.score == 88.0
    assert any("PI_EP_2 is reported more than once" in w for w in r.metadata["warnings"])


def test_given_legacy_aci_category_when_scored_then_treated_as_pi(score):
    """Contract 1.1: legacy "aci" maps to "pi"."""
    r = score(pi_set(category="aci"))
    assert r.score == 88.0


def test_given_optional_attestation_when_scored_then_shown_without_points(score):
    """Spec 6.1: PI_ONCACB_1 is optional (isRequired false): listed, no points, no gate."""
    r = score(pi_set(values={"PI_ONCACB_1": True}))
    assert r.score == 88.0
    node = r.explanation.find("PI_ONCACB_1")
    assert node is not None and "optional" in node.detail


def test_given_result_when_serialised_then_json_document(score):
    doc = score(pi_set(values={"PI_LVOTC_1": True}, drop=("PI_HIE_1",))).explanation.to_doc()
    assert doc["name"] == "pi"
    assert doc["value"] == 87.0


def test_given_mvp_context_when_scored_then_option_carried(ref, rules):
    """Spec 11.1/11.2: PI is scored the same in MVPs and the APP; the result carries the reporting option."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="G0053", program_name="G0053")
    r = score_pi([pi_set(programName="G0053")], ctx, ref, rules)
    assert (r.score, r.reporting_option, r.mvp_id) == (88.0, "mvp", "G0053")
