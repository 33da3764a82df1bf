"""Quality category score (spec 4.8-4.12, 11.1, 11.2, 14 E1/E2/E8/E22, 16 #3 and #4).

Expected numbers are computed by hand from the benchmark rows quoted in spec 14; the arithmetic is in
each docstring/comment. Measure points used repeatedly (spec 14 E1):
236 eCQM 70% = 6 + 1.02/3.02; 001 eCQM 25% = 7 + 4.05/4.80; 112 eCQM 60% = 6 + 0.21/5.85;
134 eCQM 50% = 6 + 7.31/11.25; 130 MIPS CQM 100% = 10 capped 7; 226 MIPS CQM 90% = 6 + 0.71/7.81.
Each measure's points are rounded to 4 dp before they are summed, as CMS does (spec 0.3, CMS sample
scoring-example-output-quality.json; rule ``measure_points_decimals``); category scores are then
(sum of 4-dp points + bonus) / denominator x 100, not rounded further.
"""

from __future__ import annotations

import json

import pytest
from mips.categories.quality import score_quality
from mips.models.cms_data import CmsData
from mips.models.submission import MeasurementSet, Submission
from mips.scoring import ScoringContext

from .quality_builders import E1_POINTS, P001, P112, P134, P226, P236, e1_sets, mset, single


def cms(*rows: tuple[str, int, float], entity: str = "individual") -> CmsData:
    return CmsData.model_validate(
        {
            "performanceYear": 2024,
            "entityType": entity,
            "taxpayerIdentificationNumber": "123456789",
            "adminClaimsMeasures": [{"measureId": m, "attributedCases": n, "value": v} for m, n, v in rows],
        }
    )


def run(ref, rules, sets, ctx=None, data=None):
    return score_quality(sets, data if data is not None else cms(), ctx or ScoringContext(), ref, rules)


# --- spec 14 examples -----------------------------------------------------------------------------
def test_given_e1_when_scored_then_quality_66_5968(ref, rules):
    """Spec 14 E1: 39.9581 / 60 = 66.5968%."""
    r = run(ref, rules, e1_sets())
    assert r.score == pytest.approx(E1_POINTS / 60 * 100)
    assert r.score == pytest.approx(66.5968, abs=1e-4)
    assert r.points == pytest.approx(E1_POINTS) and r.max_points == 60
    assert r.metadata["achievementPercent"] == pytest.approx(66.5968, abs=1e-4)
    assert sorted(r.metadata["measuresPicked"]) == ["001", "112", "130", "134", "226", "236"]
    assert r.data_submitted is True and r.metadata["smallPracticeBonus"] == 0.0


def test_given_e2_small_practice_when_scored_then_quality_69_9302(ref, rules):
    """Spec 14 E2: E1 without 130, 047 MIPS CQM with DC 60% -> 3 (small); (32.9581 + 3 + 6)/60 = 69.9302%."""
    sets = e1_sets()
    sets[1] = mset("registry", [("226", single(900, 100)), ("047", single(480, 120, eligible=1000))])
    r = run(ref, rules, sets, ScoringContext(small_practice=True))
    assert r.score == pytest.approx(69.9302, abs=1e-4)
    assert r.metadata["smallPracticeBonus"] == 6.0
    assert r.points == pytest.approx(P236 + P001 + P112 + P134 + P226 + 3 + 6)
    assert r.metadata["achievementPercent"] == pytest.approx(
        (P236 + P001 + P112 + P134 + P226 + 3) / 60 * 100
    )


def test_given_cms_sample_when_summing_then_measure_points_rounded_to_4dp_first(ref, rules, samples_dir):
    """Spec 0.3: CMS carries measure points to 4 dp, and its sum uses them: the CMS sample
    scoring-example-output-quality.json has unroundedScoreValue 34.93083333 = (3 + 8.9585 + 3 + 6)/60
    (110's 8.9585 already 4 dp). Spec 14 E2 (contract sample e2-small-practice-pi-reweighted) likewise:
    (6.3377 + 7.8438 + 6.0359 + 6.6498 + 6.0909 + 3 + 6)/60 = 41.9581/60 = 69.930166..%;
    unrounded measure points would give 41.958082/60 = 69.930137..%."""
    cms_out = json.loads((samples_dir / "qpp-json" / "scoring-example-output-quality.json").read_text())
    cms_set = cms_out["parts"][0]["original"]["parts"][0]
    assert [p["value"] for p in cms_set["parts"]] == [3, 8.9585, 3]
    assert cms_out["parts"][0]["original"]["metadata"]["unroundedScoreValue"] == pytest.approx(
        (3 + 8.9585 + 3 + 6) / 60 * 100, abs=1e-9
    )

    sub = Submission.model_validate_json(
        (samples_dir / "contract" / "e2-small-practice-pi-reweighted" / "submission.json").read_text()
    )
    sets = [ms for ms in sub.measurement_sets if ms.category == "quality"]
    r = run(ref, rules, sets, ScoringContext(small_practice=True))
    assert r.points == pytest.approx(41.9581, abs=1e-9) and r.max_points == 60
    assert r.score == pytest.approx(41.9581 / 60 * 100, abs=1e-9)
    assert [r.explanation.find(m).value for m in ("236", "001", "112", "134", "226", "047")] == [
        6.3377,
        7.8438,
        6.0359,
        6.6498,
        6.0909,
        3.0,
    ]


def test_given_e8_dc_failure_when_scored_then_56_4453_or_71_4453_small(ref, rules):
    """Spec 14 E8: 226 DC 70% -> 0: (39.9581 - 6.0909)/60 = 56.4453%;
    small: (33.8672 + 3 + 6)/60 = 71.4453%."""
    r = run(ref, rules, e1_sets(dc226=False))
    assert r.score == pytest.approx(56.4453, abs=1e-4)
    r = run(ref, rules, e1_sets(dc226=False), ScoringContext(small_practice=True))
    assert r.score == pytest.approx(71.4453, abs=1e-4)


def e22_sets() -> list[MeasurementSet]:
    # 236 MIPS CQM flat 20% -> decile 3 [20, 30): 3; 001 MIPS CQM flat inverse 60% -> (50, 60]: 5 + 0 = 5;
    # 134 eCQM 95% >= p90 93.44 -> 10; 112 eCQM 90% >= 84.56 -> 10; 047 MIPS CQM 100% -> 10 (no cap);
    # 226 MIPS CQM 18.92% = p10 -> decile 2 + 0 = 2. Total 3 + 5 + 10 + 10 + 10 + 2 = 40.
    return [
        mset(
            "registry",
            [
                ("236", single(20, 80)),
                ("001", single(60, 40)),
                ("047", single(100, 0)),
                ("226", single(1892, 8108)),
            ],
        ),
        mset("electronicHealthRecord", [("134", single(95, 5)), ("112", single(90, 10))]),
    ]


def test_given_e22_when_scored_then_small_practice_bonus_in_numerator(ref, rules):
    """Spec 14 E22 / 4.11: six measures totalling 40: 40/60 = 66.6667%; small (40 + 6)/60 = 76.6667%."""
    r = run(ref, rules, e22_sets())
    assert r.score == pytest.approx(66.6667, abs=1e-4) and r.max_points == 60
    r = run(ref, rules, e22_sets(), ScoringContext(small_practice=True))
    assert r.score == pytest.approx(76.6667, abs=1e-4) and r.max_points == 60


# --- spec 4.8: picking ----------------------------------------------------------------------------
def test_given_same_measure_two_collection_types_when_scored_then_higher_counts_once(ref, rules):
    """Spec 4.8: 236 eCQM 70% (6.3377) and 236 MIPS CQM 84.5% (9.45): only 9.45 counts; 5 placeholders.
    (9.45 + 0 x 5)/60 = 15.75%."""
    sets = [
        mset("electronicHealthRecord", [("236", single(700, 300))]),
        mset("registry", [("236", single(845, 155))]),
    ]
    r = run(ref, rules, sets)
    assert r.score == pytest.approx(9.45 / 60 * 100)
    assert r.metadata["measuresPicked"] == ["236"] and r.metadata["placeholders"] == 5
    assert "counts once" in r.explanation.find("measures").parts[-1].detail


def test_given_more_than_six_when_picked_then_outcome_required_even_if_lower(ref, rules):
    """Spec 4.8: 001 eCQM 99.8% (1.0, outcome) is picked over 6 better process measures; then the 5 best:
    134 eCQM 95 (10), 112 eCQM 90 (10), 047 100 (10), 130 100 (7), 226 90 (6.0909); 117 and 128 left out.
    (1 + 10 + 10 + 10 + 7 + 6.0909)/60."""
    sets = [
        mset(
            "electronicHealthRecord",
            [
                ("001", single(998, 2)),
                ("134", single(95, 5)),
                ("112", single(90, 10)),
                ("117", single(10, 90)),
                ("128", single(20, 80)),
            ],
        ),
        mset("registry", [("047", single(100, 0)), ("130", single(100, 0)), ("226", single(90, 10))]),
    ]
    r = run(ref, rules, sets)
    assert r.metadata["measuresPicked"][0] == "001"
    assert sorted(r.metadata["measuresPicked"]) == ["001", "047", "112", "130", "134", "226"]
    assert r.score == pytest.approx((1 + 10 + 10 + 10 + 7 + P226) / 60 * 100)
    assert "Picked at 1" in r.explanation.find("001").detail


def test_given_no_outcome_or_hp_measure_when_picked_then_one_slot_scores_zero(ref, rules):
    """Spec 4.9 (UNCONFIRMED, parameter): six process, non-HP measures -> five best + a zero slot.
    134 eCQM 95 (10), 112 eCQM 90 (10), 117 eCQM 100 (10), 128 eCQM 100 (10), 226 90 (6.0909) count;
    039 1% (decile 1, ~1.1) is left out: (10 + 10 + 10 + 10 + 6.0909 + 0)/60."""
    sets = [
        mset(
            "electronicHealthRecord",
            [
                ("134", single(95, 5)),
                ("112", single(90, 10)),
                ("117", single(100, 0)),
                ("128", single(100, 0)),
            ],
        ),
        mset("registry", [("226", single(90, 10)), ("039", single(1, 99))]),
    ]
    r = run(ref, rules, sets)
    assert r.metadata["placeholders"] == 1
    assert r.score == pytest.approx((40 + P226) / 60 * 100)


def test_given_fewer_than_six_when_scored_then_zero_placeholders_keep_denominator_60(ref, rules):
    """Spec 4.9 / 16 #4: three measures (236 6.3377, 001 7.8438, 112 6.0359) -> / 60, not / 30."""
    sets = [
        mset(
            "electronicHealthRecord",
            [("236", single(700, 300)), ("001", single(250, 750)), ("112", single(600, 400))],
        )
    ]
    r = run(ref, rules, sets)
    assert r.max_points == 60 and r.metadata["placeholders"] == 3
    assert r.score == pytest.approx((P236 + P001 + P112) / 60 * 100)
    assert r.explanation.find("missing-6").metadata["isGhost"] is True


def test_given_complete_small_specialty_set_when_scored_then_denominator_reduced(ref, rules):
    """Spec 4.1: the dentistry set has 2 measures (378, 379); both submitted -> 2 required, denominator 20.
    378/379 registry have no benchmark: 0 each -> 0/20 = 0%; small practice: (3 + 3 + 6)/20 = 60%."""
    sets = [mset("registry", [("378", single(50, 50)), ("379", single(50, 50))])]
    r = run(ref, rules, sets)
    assert r.max_points == 20 and r.metadata["requiredMeasures"] == 2
    r = run(ref, rules, sets, ScoringContext(small_practice=True))
    assert r.score == pytest.approx(60.0)


def test_given_suppressed_measure_when_scored_then_denominator_shrinks(ref, rules):
    """Spec 4.6: E1's 5 scored measures without 130 + 389 (BR-022): denominator 50, not 60.
    (6.3377 + 7.8438 + 6.0359 + 6.6498 + 6.0909)/50."""
    sets = e1_sets()
    sets[1] = mset("registry", [("226", single(900, 100)), ("389", single(50, 50))])
    r = run(ref, rules, sets)
    assert r.max_points == 50
    assert r.score == pytest.approx((P236 + P001 + P112 + P134 + P226) / 50 * 100)


# --- spec 4.7: administrative claims --------------------------------------------------------------
def test_given_group_of_20_with_479_when_scored_then_denominator_70(ref, rules):
    """Spec 4.7: 479 0.1450 (inverse) in (p30 0.1442, p40 0.1474] -> 7 + (0.1474 - 0.1450)/0.0032 = 7.75;
    (39.9581 + 7.75)/70."""
    ctx = ScoringContext(entity_type="group", clinician_count=20)
    r = run(ref, rules, e1_sets(), ctx, cms(("479", 250, 0.1450), entity="group"))
    assert r.max_points == 70 and "479" in r.metadata["measuresPicked"]
    assert r.explanation.find("479").value == pytest.approx(7.75)
    assert r.score == pytest.approx((E1_POINTS + 7.75) / 70 * 100)


def test_given_479_not_applicable_when_scored_then_absent_not_zero(ref, rules):
    """Spec 4.7: case minimum 200 not met, a 15-clinician group, or an individual -> 479 absent (den 60)."""
    for ctx, rows in [
        (ScoringContext(entity_type="group", clinician_count=20), ("479", 199, 0.1450)),
        (ScoringContext(entity_type="group", clinician_count=15), ("479", 250, 0.1450)),
        (ScoringContext(entity_type="individual"), ("479", 250, 0.1450)),
    ]:
        r = run(ref, rules, e1_sets(), ctx, cms(rows))
        assert r.max_points == 60 and r.score == pytest.approx(E1_POINTS / 60 * 100)
        assert "not scored" in r.explanation.find("479").detail


def test_given_484_for_large_group_when_scored_then_adds_10(ref, rules):
    """Spec 4.7: 484 at 35.83 (= p50, inverse) -> decile 6 (p40, p50]: 6 + 0 = 6; with 479 7.75: den 80."""
    ctx = ScoringContext(entity_type="group", clinician_count=30)
    r = run(ref, rules, e1_sets(), ctx, cms(("479", 250, 0.1450), ("484", 40, 35.83)))
    assert r.max_points == 80
    assert r.score == pytest.approx((E1_POINTS + 7.75 + 6) / 80 * 100)


def test_given_no_cms_data_when_scored_then_admin_claims_pending(ref, rules):
    r = score_quality(e1_sets(), None, ScoringContext(), ref, rules)
    assert r.metadata["adminClaimsPending"] is True and "pending" in r.explanation.find("adminClaims").detail
    assert r.score == pytest.approx(E1_POINTS / 60 * 100)


def test_given_no_quality_data_when_scored_then_zero_not_reweighted(ref, rules):
    """Spec 4.10 / 3.0: no quality data and no admin-claims measure -> 0.0, data_submitted False."""
    r = score_quality([], None, ScoringContext(small_practice=True), ref, rules)
    assert r.score == 0.0 and r.data_submitted is False and r.metadata["smallPracticeBonus"] == 0.0


def test_given_only_unknown_measure_when_scored_then_message_and_no_bonus(ref, rules):
    r = run(ref, rules, [mset("registry", [("ZZZ9", single(1, 1))])], ScoringContext(small_practice=True))
    assert r.score == 0.0 and "not a 2024 MIPS quality measure" in r.explanation.find("ZZZ9").detail


# --- spec 4.12: improvement -----------------------------------------------------------------------
def test_given_prior_50_when_improved_then_added_after_division(ref, rules):
    """Spec 4.12 (UNCONFIRMED formula): achievement 39.9581/60 = 66.5968, prior 50:
    (66.5968 - 50)/50 x 10 = 3.3194; score = 66.5968 + 3.3194 = 69.9162."""
    r = run(ref, rules, e1_sets(), ScoringContext(prior_year_quality_achievement_percent=50.0))
    ach = E1_POINTS / 60 * 100
    assert r.metadata["improvementPercent"] == pytest.approx((ach - 50) / 50 * 10)
    assert r.score == pytest.approx(ach + (ach - 50) / 50 * 10)


def test_given_prior_below_30_when_improved_then_compared_with_30_and_capped_at_10(ref, rules):
    """Spec 4.12: prior 20 -> base 30: (66.5968 - 30)/30 x 10 = 12.2 -> capped 10."""
    r = run(ref, rules, e1_sets(), ScoringContext(prior_year_quality_achievement_percent=20.0))
    assert r.metadata["improvementPercent"] == 10.0
    assert r.score == pytest.approx(E1_POINTS / 60 * 100 + 10)


def test_given_improvement_and_bonus_when_over_100_then_capped(ref, rules):
    """Spec 4.10: six 10-point measures (047 100%, 236 MIPS CQM 95% >= 90, 001 MIPS CQM 5% <= 10, 134 eCQM
    95% >= 93.44, 112 eCQM 90% >= 84.56, 117 eCQM 100% >= 100) + bonus 6: (60 + 6)/60 = 110% -> capped 100."""
    sets = [
        mset("registry", [("047", single(100, 0)), ("236", single(95, 5)), ("001", single(5, 95))]),
        mset(
            "electronicHealthRecord",
            [("134", single(95, 5)), ("112", single(90, 10)), ("117", single(100, 0))],
        ),
    ]
    r = run(
        ref, rules, sets, ScoringContext(small_practice=True, prior_year_quality_achievement_percent=30.0)
    )
    assert r.score == 100.0


def test_given_missing_measures_when_improved_then_no_improvement(ref, rules):
    """Spec 4.12 (UNCONFIRMED): full participation required -> 3 of 6 measures: improvement 0."""
    sets = [mset("electronicHealthRecord", [("236", single(700, 300))])]
    r = run(ref, rules, sets, ScoringContext(prior_year_quality_achievement_percent=5.0))
    assert r.metadata["improvementPercent"] == 0.0


# --- spec 11.1: MVP -------------------------------------------------------------------------------
def test_given_mvp_when_scored_then_four_measures_plus_population_health(ref, rules):
    """Spec 11.1: G0053 measures 130 (100% -> 7 capped) and 134 eCQM 50% (6.6498); 2 missing of 4;
    236 is not in G0053 (not counted); 479 for a 20-clinician group 7.75 -> (7 + 6.6498 + 7.75)/50."""
    sets = [
        mset("registry", [("130", single(100, 0))], program="G0053"),
        mset(
            "electronicHealthRecord", [("134", single(500, 500)), ("236", single(700, 300))], program="G0053"
        ),
    ]
    ctx = ScoringContext(
        reporting_option="mvp", mvp_id="G0053", program_name="G0053", entity_type="group", clinician_count=20
    )
    r = run(ref, rules, sets, ctx, cms(("479", 250, 0.1450), ("484", 10, 35.83)))
    assert r.max_points == 50 and r.metadata["placeholders"] == 2
    assert r.score == pytest.approx((7 + P134 + 7.75) / 50 * 100)
    assert "not a quality measure of MVP G0053" in r.explanation.find("236").detail


def test_given_mvp_with_both_population_measures_when_scored_then_one_counts(ref, rules):
    """Spec 11.1 (UNCONFIRMED): 479 (7.75) and 484 (6.0) both scored -> only the better counts;
    denominator 40 + 10."""
    ctx = ScoringContext(reporting_option="mvp", mvp_id="G0053", entity_type="group", clinician_count=20)
    sets = [mset("registry", [("130", single(100, 0))], program="G0053")]
    r = run(ref, rules, sets, ctx, cms(("479", 250, 0.1450), ("484", 40, 35.83)))
    assert r.max_points == 50 and r.score == pytest.approx((7 + 7.75) / 50 * 100)


# --- spec 11.2: APP -------------------------------------------------------------------------------
def test_given_app_when_scored_then_missing_cahps_zero_and_admin_claims_added(ref, rules):
    """Spec 11.2: 001 eCQM 25% 7.8438, 134 eCQM 50% 6.6498, 236 eCQM 70% 6.3377, CAHPS missing -> 0/10,
    479 7.75 (group of 20) -> (7.8438 + 6.6498 + 6.3377 + 0 + 7.75)/50."""
    sets = [
        mset(
            "electronicHealthRecord",
            [("001", single(250, 750)), ("134", single(500, 500)), ("236", single(700, 300))],
            program="app1",
        )
    ]
    ctx = ScoringContext(reporting_option="app", program_name="app1", entity_type="group", clinician_count=20)
    r = run(ref, rules, sets, ctx, cms(("479", 250, 0.1450)))
    assert r.max_points == 50
    assert r.score == pytest.approx((P001 + P134 + P236 + 7.75) / 50 * 100)


def test_given_app_measure_below_case_minimum_when_scored_then_excluded_from_both(ref, rules):
    """Spec 11.2: 236 with 10 cases is excluded (0 of 0), unlike traditional MIPS:
    (7.8438 + 6.6498 + CAHPS 8.0)/30 with CAHPS_1 84.49 -> 6 and CAHPS_11 31.04 -> 10."""
    sets = [
        mset(
            "electronicHealthRecord",
            [("001", single(250, 750)), ("134", single(500, 500)), ("236", single(7, 3))],
            program="app1",
        ),
        MeasurementSet.model_validate(
            {
                "category": "quality",
                "submissionMethod": "certifiedSurveyVendor",
                "programName": "app1",
                "measurements": [
                    {"measureId": "CAHPS_1", "value": {"performanceRate": 84.49}},
                    {"measureId": "CAHPS_11", "value": {"performanceRate": 31.04}},
                ],
            }
        ),
    ]
    ctx = ScoringContext(reporting_option="app", program_name="app1")
    r = run(ref, rules, sets, ctx)
    assert r.max_points == 30 and r.metadata["measuresExcluded"] == ["236"]
    assert r.score == pytest.approx((P001 + P134 + 8.0) / 30 * 100)


# --- explanation ----------------------------------------------------------------------------------
def test_given_e1_when_explained_then_nodes_carry_benchmark_decile_and_pick(ref, rules):
    r = run(ref, rules, e1_sets())
    n236 = r.explanation.find("236")
    assert n236.metadata["benchmark"]["benchmarkYear"] == 2024
    assert n236.metadata["decile"] == 6 and "68.98-72" in n236.detail and "Picked at" in n236.detail
    assert r.explanation.find("denominator").value == 60
    assert "Quality = (" in r.explanation.detail


def test_given_app_topped_out_measure_when_scored_then_not_capped_at_7(ref, rules):
    """42 CFR 414.1367(c)(1)(ii): topped-out measures are not subject to the 7-point cap in the APP.
    134 MIPS CQM (isToppedOutByProgram) at 100% >= p90 100 -> 10 (capped to 7 in traditional MIPS, E9);
    with 001 eCQM 25% 7.8438 and 236 eCQM 70% 6.3377, CAHPS missing 0/10, no CMS data:
    (7.8438 + 10 + 6.3377 + 0) / 40."""
    sets = [
        mset(
            "electronicHealthRecord", [("001", single(250, 750)), ("236", single(700, 300))], program="app1"
        ),
        mset("registry", [("134", single(1000, 0))], program="app1"),
    ]
    ctx = ScoringContext(reporting_option="app", program_name="app1")
    r = run(ref, rules, sets, ctx)
    assert r.max_points == 40
    assert r.score == pytest.approx((P001 + 10.0 + P236) / 40 * 100)
    node = r.explanation.find("134")
    assert node is not None and node.value == 10.0 and "414.1367(c)(1)(ii)" in node.detail
    # the same measure in traditional MIPS keeps the cap (414.1380(b)(1)(iv)(B))
    trad = run(ref, rules, [mset("registry", [("134", single(1000, 0))])], ScoringContext())
    tnode = trad.explanation.find("134")
    assert tnode is not None and tnode.value == 7.0


# --- spec 4.9: EMA / denominator reduction with clinical-clusters.json -------------------------------------
def _dc_fail() -> dict:
    """Data completeness 20/100 = 20% < 75%: 3 points for a small practice (spec 4.6)."""
    return single(10, 10, eligible=100)


def _small() -> ScoringContext:
    return ScoringContext(small_practice=True)


def test_given_registry_measures_all_in_one_cluster_then_denominator_reduced_to_the_cluster(ref, rules):
    """Spec 4.9 [DATA:clinical-clusters.json anesthesiologyCare = 404, 424, 430, 463 (registry)]: all four
    submitted (the 5-measure anesthesiology specialty set is incomplete without 477), each 3 points
    (small practice, DC fail), bonus 6: (4 x 3 + 6) / (10 x 4) = 45%."""
    sets = [mset("registry", [(m, _dc_fail()) for m in ("404", "424", "430", "463")])]
    r = run(ref, rules, sets, _small())
    assert r.max_points == 40
    assert r.score == pytest.approx(45.0)
    assert "EMA" in str(r.explanation.to_doc())


def test_given_part_of_a_cluster_then_the_whole_cluster_is_required(ref, rules):
    """Spec 4.9: 404 and 424 submitted, cluster of 4: 4 required, 2 zero placeholders:
    (3 + 3 + 0 + 0 + 6) / 40 = 30%."""
    r = run(ref, rules, [mset("registry", [("404", _dc_fail()), ("424", _dc_fail())])], _small())
    assert r.max_points == 40 and r.score == pytest.approx(30.0)


def test_given_a_measure_outside_any_cluster_then_no_reduction(ref, rules):
    """Spec 4.9: 047 registry is in no clinical cluster, so other measures were applicable:
    (3 + 3 + 3 + 6) / 60 = 25%."""
    rows = [("404", _dc_fail()), ("424", _dc_fail()), ("047", _dc_fail())]
    r = run(ref, rules, [mset("registry", rows)], _small())
    assert r.max_points == 60 and r.score == pytest.approx(25.0)


def test_given_an_ecqm_then_ema_does_not_apply(ref, rules):
    """Spec 4.9: EMA is for claims and MIPS CQM submitters; with an eCQM (236) the denominator stays 60:
    (3 + 3 + 6) / 60 = 20%."""
    sets = [mset("registry", [("424", _dc_fail())]), mset("electronicHealthRecord", [("236", _dc_fail())])]
    r = run(ref, rules, sets, _small())
    assert r.max_points == 60 and r.score == pytest.approx(20.0)


def test_without_the_clusters_file_there_is_no_reduction(ref, rules):
    """clinical-clusters.json is optional reference data: without it, no EMA (60)."""
    import copy

    bare = copy.copy(ref)
    bare.clinical_clusters = {}
    sets = [mset("registry", [(m, _dc_fail()) for m in ("404", "424", "430", "463")])]
    r = run(bare, rules, sets, _small())
    assert r.max_points == 60
