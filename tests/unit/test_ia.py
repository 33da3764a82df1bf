"""Improvement Activities category (spec 5.1, 11.1, 11.2, 14 E1/E2/E14/E15).

Every expected number is worked out by hand from the spec: activity points (medium 10 / high 20, doubled
to 20/40 with a special status, 20/40 in an MVP), sum capped at 40, score = points / 40 x 100.
Activity weights used (measures-data.json 2024): IA_EPA_1 high, IA_BE_6 high, IA_AHE_3 high,
IA_CC_1 medium, IA_CC_2 medium, IA_EPA_2 medium, IA_PSPA_4 medium, IA_BE_4 medium.
"""

from __future__ import annotations

from typing import Any

import pytest
from mips.categories.ia import score_ia
from mips.models.submission import MeasurementSet
from mips.reference import ReferenceData
from mips.rules import YearRules
from mips.scoring import ScoringContext


def ia_set(*activities: tuple[str, Any], program: str = "mips", **extra: Any) -> MeasurementSet:
    """An IA measurement set from (activityId, value) pairs, built from camelCase JSON as registries send."""
    doc: dict[str, Any] = {
        "category": "ia",
        "submissionMethod": "registry",
        "programName": program,
        "measurements": [{"measureId": a, "value": v} for a, v in activities],
        **extra,
    }
    return MeasurementSet.model_validate(doc)


def yes(*ids: str) -> list[tuple[str, Any]]:
    return [(i, True) for i in ids]


# -- traditional MIPS, no special status (spec 5.1 table row 1, E14, E1) -----------------------------
@pytest.mark.parametrize(
    ("activities", "points", "score"),
    [
        (["IA_EPA_1"], 20.0, 50.0),  # E14: 1 high = 20 -> 20/40 = 50%
        (["IA_EPA_1", "IA_CC_1"], 30.0, 75.0),  # E14: 20 + 10 = 30 -> 75%
        (["IA_CC_1"], 10.0, 25.0),  # 1 medium = 10 -> 25%
        (["IA_EPA_1", "IA_BE_6"], 40.0, 100.0),  # E1: 2 high = 40 -> 100%
        (["IA_EPA_1", "IA_CC_1", "IA_CC_2"], 40.0, 100.0),  # 1 high + 2 medium = 40
        (["IA_CC_1", "IA_CC_2", "IA_EPA_2", "IA_PSPA_4"], 40.0, 100.0),  # 4 medium = 40
        (["IA_CC_1", "IA_CC_2", "IA_EPA_2"], 30.0, 75.0),  # 3 medium = 30
    ],
)
def test_given_no_special_status_when_activities_attested_then_medium_10_high_20(
    ref: ReferenceData, rules: YearRules, activities: list[str], points: float, score: float
) -> None:
    """Spec 5.1 / E14 / E1: medium 10, high 20 in traditional MIPS without special status."""
    result = score_ia([ia_set(*yes(*activities))], ScoringContext(), ref, rules)
    assert result.points == pytest.approx(points)
    assert result.score == pytest.approx(score)
    assert result.max_points == 40
    assert result.data_submitted is True
    assert result.category == "ia"


def test_given_two_high_two_medium_when_no_status_then_capped_at_40(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1 / E14: 2 high + 2 medium = 20+20+10+10 = 60 -> capped at 40 -> 100%, and the tree says so."""
    result = score_ia(
        [ia_set(*yes("IA_EPA_1", "IA_BE_6", "IA_CC_1", "IA_CC_2"))], ScoringContext(), ref, rules
    )
    assert result.points == 40.0
    assert result.score == 100.0
    assert result.metadata["uncappedPoints"] == pytest.approx(60.0)
    assert result.metadata["capApplied"] is True
    total = result.explanation.find("total")
    assert total is not None and "capped at 40" in total.detail
    assert result.explanation.find("IA_CC_2") is not None  # one node per activity


# -- special statuses double the points in traditional MIPS (spec 5.1 table row 2, E14) --------------
@pytest.mark.parametrize("status", ["small_practice", "rural", "hpsa", "non_patient_facing"])
def test_given_special_status_when_one_high_then_40_points_full_score(
    ref: ReferenceData, rules: YearRules, status: str
) -> None:
    """Spec 5.1 / E14: with a special status a high activity is 20 x 2 = 40 -> 40/40 = 100%."""
    ctx = ScoringContext(**{status: True})
    result = score_ia([ia_set(*yes("IA_EPA_1"))], ctx, ref, rules)
    assert result.points == 40.0
    assert result.score == 100.0
    node = result.explanation.find("IA_EPA_1")
    assert node is not None and node.value == 40.0 and "doubled" in node.detail


@pytest.mark.parametrize("status", ["small_practice", "rural", "hpsa", "non_patient_facing"])
def test_given_special_status_when_one_medium_then_20_points_half_score(
    ref: ReferenceData, rules: YearRules, status: str
) -> None:
    """Spec 5.1 / E14 (rural IA_CC_1 alone): medium 10 x 2 = 20 -> 20/40 = 50%."""
    result = score_ia([ia_set(*yes("IA_CC_1"))], ScoringContext(**{status: True}), ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0


def test_given_small_practice_when_two_medium_then_full_score(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: special status needs '2 medium or 1 high': 20 + 20 = 40 -> 100%."""
    result = score_ia([ia_set(*yes("IA_CC_1", "IA_CC_2"))], ScoringContext(small_practice=True), ref, rules)
    assert result.points == 40.0
    assert result.score == 100.0


def test_given_no_special_status_when_scored_then_node_says_not_doubled(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: the explanation says whether points were doubled and why."""
    result = score_ia([ia_set(*yes("IA_CC_1"))], ScoringContext(), ref, rules)
    node = result.explanation.find("IA_CC_1")
    assert node is not None and node.value == 10.0 and "not doubled" in node.detail


# -- IA_PCMH (spec 5.1, E15) ----------------------------------------------------------------------
def test_given_pcmh_attested_when_scored_then_100_percent(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1 / E15: IA_PCMH -> IA score 100% regardless of other activities."""
    ctx = ScoringContext(entity_type="group")
    result = score_ia([ia_set(*yes("IA_PCMH"))], ctx, ref, rules)
    assert result.score == 100.0
    assert result.points == 40.0
    assert result.metadata["givenIACreditPCMH"] is True


def test_given_pcmh_with_other_false_activities_then_still_100(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1 / E15: 'regardless of other activities' - a false attestation next to it changes nothing."""
    result = score_ia(
        [ia_set(("IA_CC_1", False), ("IA_PCMH", True))], ScoringContext(entity_type="group"), ref, rules
    )
    assert result.score == 100.0


def test_given_pcmh_attested_false_then_no_credit(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: IA_PCMH false earns nothing; a medium activity alone = 10 -> 25%."""
    result = score_ia([ia_set(("IA_PCMH", False), ("IA_CC_1", True))], ScoringContext(), ref, rules)
    assert result.score == 25.0
    assert result.metadata["givenIACreditPCMH"] is False


# -- MVP (spec 5.1 table row 3, 11.1) ---------------------------------------------------------------
def test_given_mvp_when_one_medium_then_20_points(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1: in an MVP a medium activity is 20 for everyone -> 20/40 = 50%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005", program_name="M0005")
    result = score_ia([ia_set(*yes("IA_BE_4"), program="M0005")], ctx, ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0


def test_given_mvp_when_one_high_then_40_points(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1: in an MVP a high activity is 40 -> 100%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005", program_name="M0005")
    result = score_ia([ia_set(*yes("IA_AHE_3"), program="M0005")], ctx, ref, rules)
    assert result.points == 40.0
    assert result.score == 100.0


def test_given_mvp_and_small_practice_when_medium_then_not_doubled_again(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 11.1: MVPs make no special-status distinction: medium = 20 (not 40) for a small practice."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005", small_practice=True, rural=True)
    result = score_ia([ia_set(*yes("IA_BE_4"), program="M0005")], ctx, ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0


def test_given_mvp_when_activity_not_in_mvp_then_it_earns_nothing(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 11.1: only the MVP's iaMeasureIds count. IA_EPA_2 and IA_PSPA_4 are not in M0005:
    0 points; IA_BE_4 (in M0005, medium) = 20 -> 50%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005")
    result = score_ia([ia_set(*yes("IA_EPA_2", "IA_PSPA_4", "IA_BE_4"), program="M0005")], ctx, ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0
    node = result.explanation.find("IA_EPA_2")
    assert node is not None and node.value == 0.0 and "not in the MVP" in node.detail


def test_given_mvp_when_only_outside_activities_then_zero(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.1: IA_PSPA_4 (medium) is not in M0005 -> 0 points -> 0%, though IA data was submitted."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="M0005")
    result = score_ia([ia_set(*yes("IA_PSPA_4"), program="M0005")], ctx, ref, rules)
    assert result.score == 0.0
    assert result.data_submitted is True


def test_given_mvp_when_pcmh_then_100(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1 table row 3: in an MVP, '2 medium or 1 high, or IA_PCMH' gives 40 -> 100%."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="G0053")
    result = score_ia([ia_set(*yes("IA_PCMH"), program="G0053")], ctx, ref, rules)
    assert result.score == 100.0


def test_given_unknown_mvp_when_scored_then_no_activity_counts_with_message(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 11.1: activities count only for the MVP's list; an unknown MVP has no list -> 0%, said clearly."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="X9999")
    result = score_ia([ia_set(*yes("IA_EPA_1"), program="X9999")], ctx, ref, rules)
    assert result.score == 0.0
    assert any("X9999" in m for m in result.metadata["messages"])


# -- MIPS APM participation credit (spec 5.1) ---------------------------------------------------------
def test_given_apm_participant_with_quality_and_pi_data_and_no_activities_then_half_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(b)(3)(i): a MIPS APM participant that submitted quality AND PI data: IA score at
    least 50%: 20 of 40 -> 50%."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"quality", "pi"}))
    result = score_ia([], ctx, ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0
    assert result.metadata["givenAPMParticipationCredit"] is True
    assert result.data_submitted is False


def test_given_apm_participant_with_only_quality_data_and_no_activities_then_no_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(b)(3)(i) "submit data for the quality and Promoting Interoperability performance
    categories": quality alone, no attested activity -> no credit -> 0% (the seed guide's "another
    category" is looser; the regulation wins)."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"quality"}))
    result = score_ia([], ctx, ref, rules)
    assert result.score == 0.0
    assert result.metadata["givenAPMParticipationCredit"] is False
    node = result.explanation.find("apmParticipationCredit")
    assert node is not None and "quality and pi" in node.detail and "414.1380(b)(3)(i)" in node.detail


def test_given_apm_participant_with_pi_data_and_one_medium_then_credit_plus_activity(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: APM credit 20 + medium 10 = 30 -> 75% ('attest to additional activities')."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"pi", "ia"}))
    result = score_ia([ia_set(*yes("IA_CC_1"))], ctx, ref, rules)
    assert result.points == 30.0
    assert result.score == 75.0


def test_given_apm_participant_with_credit_and_two_high_then_capped(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: 20 credit + 20 + 20 = 60 -> capped 40 -> 100%."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"quality", "ia"}))
    result = score_ia([ia_set(*yes("IA_EPA_1", "IA_BE_6"))], ctx, ref, rules)
    assert result.points == 40.0
    assert result.score == 100.0


def test_given_apm_participant_with_only_an_attested_activity_then_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(b)(3)(i) "attest to having completed an improvement activity": IA data alone earns
    the credit: 20 + medium 10 = 30 -> 75%."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"ia"}))
    result = score_ia([ia_set(*yes("IA_CC_1"))], ctx, ref, rules)
    assert result.points == 30.0
    assert result.score == 75.0
    assert result.metadata["givenAPMParticipationCredit"] is True


def test_given_apm_participant_with_only_false_activities_then_no_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(b)(3)(i): an activity attested false is not a completed activity: no credit, 0%."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"ia"}))
    result = score_ia([ia_set(("IA_CC_1", False))], ctx, ref, rules)
    assert result.score == 0.0
    node = result.explanation.find("apmParticipationCredit")
    assert node is not None and "not given" in node.detail


def test_given_apm_participant_with_nothing_submitted_then_zero(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1 / 3.0: no other category submitted and no activities -> 0 (scored zero, not reweighted)."""
    ctx = ScoringContext(mips_apm_participant=True)
    result = score_ia([], ctx, ref, rules)
    assert result.score == 0.0
    assert result.not_scored_reason is None


def test_given_apm_participant_with_only_cost_then_no_credit(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: cost is CMS-calculated, not submitted data for another category -> no credit -> 0%."""
    ctx = ScoringContext(mips_apm_participant=True, submitted_categories=frozenset({"cost"}))
    assert score_ia([], ctx, ref, rules).score == 0.0


def test_given_not_apm_participant_with_quality_data_then_no_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: the credit is for MIPS APM participants only: medium 10 -> 25%."""
    ctx = ScoringContext(submitted_categories=frozenset({"quality", "ia"}))
    assert score_ia([ia_set(*yes("IA_CC_1"))], ctx, ref, rules).score == 25.0


def test_given_apm_participant_in_mvp_then_credit_plus_mvp_points(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1 (traditional MIPS / MVP reporting): 20 credit + MVP medium 20 = 40 -> 100%."""
    ctx = ScoringContext(
        reporting_option="mvp",
        mvp_id="M0005",
        mips_apm_participant=True,
        submitted_categories=frozenset({"quality", "ia"}),
    )
    result = score_ia([ia_set(*yes("IA_BE_4"), program="M0005")], ctx, ref, rules)
    assert result.points == 40.0
    assert result.score == 100.0


# -- APP (spec 11.2) -------------------------------------------------------------------------------
def test_given_app_without_ia_data_then_automatic_full_credit(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.2: APP IA is automatic 100% (no data needed)."""
    ctx = ScoringContext(reporting_option="app", program_name="app1")
    result = score_ia([], ctx, ref, rules)
    assert result.score == 100.0
    assert result.not_scored_reason is None
    assert result.metadata["automaticCredit"] is True


def test_given_app_with_false_activities_then_still_full_credit(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 11.2: submitted activities do not change the automatic 100%."""
    ctx = ScoringContext(reporting_option="app", program_name="app1")
    result = score_ia([ia_set(("IA_CC_1", False), program="app1")], ctx, ref, rules)
    assert result.score == 100.0


# -- no data, false attestations, unknown activities (spec 3.0, 5.1) ----------------------------------
def test_given_no_ia_data_when_scored_then_zero_not_reweighted(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 3.0: a category with no data is scored 0 (not reweighted)."""
    result = score_ia([], ScoringContext(), ref, rules)
    assert result.score == 0.0
    assert result.points == 0.0
    assert result.data_submitted is False
    assert result.not_scored_reason is None


def test_given_empty_measurement_set_then_zero(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 3.0: a set without measurements is no IA data -> 0%."""
    result = score_ia([ia_set()], ScoringContext(), ref, rules)
    assert result.score == 0.0
    assert result.data_submitted is False


def test_given_false_attestation_then_it_earns_nothing(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: attested false earns nothing: IA_EPA_1 false + IA_CC_1 true = 0 + 10 -> 25%."""
    result = score_ia([ia_set(("IA_EPA_1", False), ("IA_CC_1", True))], ScoringContext(), ref, rules)
    assert result.points == 10.0
    assert result.score == 25.0
    node = result.explanation.find("IA_EPA_1")
    assert node is not None and node.value == 0.0 and "attested false" in node.detail


def test_given_only_false_attestations_then_zero_with_data_submitted(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: all false -> 0 points -> 0%, but IA data was submitted."""
    result = score_ia([ia_set(("IA_EPA_1", False))], ScoringContext(rural=True), ref, rules)
    assert result.score == 0.0
    assert result.data_submitted is True


@pytest.mark.parametrize("unknown", ["IA_BMH_6", "IA_PSPA_29", "IA_NOT_REAL", "PI_EPRX_1", "001"])
def test_given_activity_not_in_2024_inventory_then_nothing_and_message(
    ref: ReferenceData, rules: YearRules, unknown: str
) -> None:
    """Spec 5.1: IA_BMH_6, IA_PSPA_29 were removed for 2024; unknown ids and non-IA ids earn nothing.
    With IA_CC_1 (medium 10) beside it: 10 -> 25%."""
    result = score_ia([ia_set(*yes(unknown, "IA_CC_1"))], ScoringContext(), ref, rules)
    assert result.points == 10.0
    assert result.score == 25.0
    node = result.explanation.find(unknown)
    assert node is not None and node.value == 0.0 and "inventory" in node.detail
    assert unknown in result.metadata["activitiesNotCredited"]


def test_given_new_2024_activity_then_scored(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: IA_MVP was added for 2024 (high) -> 20 -> 50% in traditional MIPS."""
    assert score_ia([ia_set(*yes("IA_MVP"))], ScoringContext(), ref, rules).score == 50.0


def test_given_non_boolean_value_then_nothing_and_message(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 13.1: IA values are true/false; a numerator/denominator earns nothing (no exception)."""
    result = score_ia(
        [ia_set(("IA_EPA_1", {"numerator": 1, "denominator": 2}))], ScoringContext(), ref, rules
    )
    assert result.score == 0.0
    node = result.explanation.find("IA_EPA_1")
    assert node is not None and "true or false" in node.detail


def test_given_same_activity_twice_then_counted_once(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: an activity counts once: IA_EPA_1 in two sets = 20 (not 40) -> 50%."""
    sets = [ia_set(*yes("IA_EPA_1")), ia_set(*yes("IA_EPA_1"), submissionMethod="directAttestation")]
    result = score_ia(sets, ScoringContext(), ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0


def test_given_sets_from_two_submitters_then_activities_combine(ref: ReferenceData, rules: YearRules) -> None:
    """Engine choice (documented): distinct activities in two sets of one option add: 20 + 10 = 30 -> 75%."""
    sets = [ia_set(*yes("IA_EPA_1")), ia_set(*yes("IA_CC_1"), submissionMethod="directAttestation")]
    assert score_ia(sets, ScoringContext(), ref, rules).score == 75.0


# -- 90-day performance period (spec 5.1) --------------------------------------------------------------
def test_given_period_shorter_than_90_days_then_activities_earn_nothing(
    ref: ReferenceData, rules: YearRules
) -> None:
    """Spec 5.1: each activity needs 90 continuous days; 2024-10-03..2024-12-30 is 89 days -> 0%."""
    ms = ia_set(*yes("IA_EPA_1"), performanceStart="2024-10-03", performanceEnd="2024-12-30")
    result = score_ia([ms], ScoringContext(), ref, rules)
    assert result.score == 0.0
    node = result.explanation.find("IA_EPA_1")
    assert node is not None and "90" in node.detail


def test_given_last_90_day_window_then_activities_count(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: the last 90-day window starts Oct 3, 2024: Oct 3..Dec 31 = 29 + 30 + 31 = 90 days."""
    ms = ia_set(*yes("IA_EPA_1"), performanceStart="2024-10-03", performanceEnd="2024-12-31")
    assert score_ia([ms], ScoringContext(), ref, rules).score == 50.0


def test_given_no_period_dates_then_activities_count(ref: ReferenceData, rules: YearRules) -> None:
    """Spec 5.1: without performanceStart/End the attestation is taken as given: high 20 -> 50%."""
    assert score_ia([ia_set(*yes("IA_EPA_1"))], ScoringContext(), ref, rules).score == 50.0


# -- rules table --------------------------------------------------------------------------------------
def test_every_ia_parameter_has_a_citation(rules: YearRules) -> None:
    """Standards: every year-dependent value is cited; the PCMH group rule is settled by 42 CFR
    414.1380(b)(3)(ii), so no IA parameter is UNCONFIRMED any more."""
    assert rules.ia.undocumented() == []
    assert rules.ia.unconfirmed() == []
    assert rules.ia.pcmh_group_min_site_share == 0.5


# -- group PCMH: at least 50% of practice sites (42 CFR 414.1380(b)(3)(ii)) ------------------------------
@pytest.mark.parametrize(
    ("sites", "recognized", "score"),
    [
        (4, 2, 100.0),  # 2/4 = 50% >= 50%: PCMH credit, 100%
        (4, 1, 25.0),  # 1/4 = 25% < 50%: no PCMH credit; only the medium activity: 10/40 = 25%
        (None, None, 100.0),  # site counts not given: the attestation is taken as made
    ],
)
def test_given_group_pcmh_when_sites_counted_then_half_of_sites_needed(
    ref: ReferenceData, rules: YearRules, sites: int | None, recognized: int | None, score: float
) -> None:
    """42 CFR 414.1380(b)(3)(ii): "at least 50 percent of the practice sites within a group's TIN must be
    recognized as a patient-centered medical home"."""
    ctx = ScoringContext(entity_type="group", practice_sites=sites, pcmh_recognized_practice_sites=recognized)
    result = score_ia([ia_set(*yes("IA_PCMH", "IA_CC_1"))], ctx, ref, rules)
    assert result.score == score
    if score < 100:
        node = result.explanation.find("IA_PCMH")
        assert node is not None and node.value == 0.0 and "414.1380(b)(3)(ii)" in node.detail


def test_given_individual_pcmh_then_site_counts_do_not_apply(ref: ReferenceData, rules: YearRules) -> None:
    """42 CFR 414.1380(b)(3)(ii): the 50%-of-sites rule is for a group's TIN."""
    ctx = ScoringContext(practice_sites=4, pcmh_recognized_practice_sites=0)
    assert score_ia([ia_set(*yes("IA_PCMH"))], ctx, ref, rules).score == 100.0


@pytest.mark.parametrize("status", ["hospital_based", "asc_based"])
def test_given_only_a_pi_reweighting_status_when_one_high_then_not_doubled(
    ref: ReferenceData, rules: YearRules, status: str
) -> None:
    """Spec 5.1 table / spec 2: only small practice, rural, HPSA and non-patient-facing double IA points;
    hospital-based and ASC-based affect PI only. IA_EPA_1 (high) = 20 -> 20/40 = 50%."""
    result = score_ia([ia_set(*yes("IA_EPA_1"))], ScoringContext(**{status: True}), ref, rules)
    assert result.points == 20.0
    assert result.score == 50.0


def test_given_apm_participant_with_an_approved_euc_exception_then_no_apm_credit(
    ref: ReferenceData, rules: YearRules
) -> None:
    """42 CFR 414.1380(c)(2)(iv): with an approved EUC exception CMS does not apply the (b)(3)(i) APM
    score: quality and PI data, one medium activity: 10 points only -> 25% (30 -> 75% without the EUC)."""
    ctx = ScoringContext(
        mips_apm_participant=True,
        submitted_categories=frozenset({"quality", "pi", "ia"}),
        euc_exception_approved=True,
    )
    result = score_ia([ia_set(*yes("IA_CC_1"))], ctx, ref, rules)
    assert result.score == 25.0
    node = result.explanation.find("apmParticipationCredit")
    assert node is not None and "414.1380(c)(2)(iv)" in node.detail
