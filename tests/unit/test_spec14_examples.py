"""Spec section 14 worked examples end to end through ``mips score --json`` (issue 5).

Every example (E1, E2, E8, E9, E10, E11, E14, E15, E22, E23, E29; E19 is in test_cli_score.py) is built
as complete contract input files (interfaces.md 1.1-1.3) in ``tmp_path``, starting from
``samples/contract/e1-standard-individual`` and varying what the example varies, then scored by
``mips.cli.main(["score", ..., "--json"])``.  The figures the example gives are checked where they show up
in the result document (contract 2): measure points in the explanation tree, category scores, the final
score and the 2026 payment adjustment.

All expected numbers are computed by hand from the spec (arithmetic in the comments):
* measure points: spec 4.4.3 mapping on the benchmark rows listed in spec 14 (p_k = percentiles[k]),
  rounded to 4 decimals before they are summed (spec 14 conventions, Appendix A ``round(pts, 4)``);
* quality = (sum of the 6 counted measures' points + small practice bonus 6) / 60 x 100 (spec 4.10/4.11);
* cost = mean cost points x 10 (spec 7.3); IA = min(40, points) / 40 x 100 (spec 5.1); PI as in E1;
* FS = 0.30 Q + 0.30 C + 0.15 IA + 0.25 PI (spec 3.1 "none" row, spec 9.1);
* adjustment (spec 10, SF = 1.05/9): FS > 75: +0.042 x (FS - 75); 18.75 < FS < 75: -0.12 x (75 - FS);
  FS <= 18.75: -9.

E1 figures reused below (spec 14 E1):
  236e 6 + 1.02/3.02 = 6.3377; 001e 7 + 4.05/4.80 = 7.8438; 112e 6 + 0.21/5.85 = 6.0359;
  134e 6 + 7.31/11.25 = 6.6498; 130r 10 -> cap 7; 226r 6 + 0.71/7.81 = 6.0909; sum 39.9581 -> 66.5968%.
  Cost: TPCC 7 + 275.72/314.45 = 7.8768, MSPB 6 + 855.33/1198.74 = 6.7135 -> (7.8768 + 6.7135)/2 x 10
  = 72.9515%.  IA 100%, PI 88%: 0.15 x 100 + 0.25 x 88 = 37; 0.30 x 72.9515 = 21.88545.
Expected final scores are written to 5 decimals where the 5th is a 5, so that the document's 4-decimal
value is within the 1e-4 tolerance whichever way it rounds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mips.cli import main

Json = dict[str, Any]

E1_DIR = ("contract", "e1-standard-individual")
ABS = 1e-4  # the document carries 4 decimals

#: E1's quality measures (spec 14 E1): measure id -> (performanceMet, eligible population), all DC 100%
E1_ECQM = {"236": (700, 1000), "001": (250, 1000), "112": (600, 1000), "134": (500, 1000)}
E1_REGISTRY = {"130": (1000, 1000), "226": (900, 1000)}

#: PI measurements scoring 100: EP_1 10 + EP_2 10 + HIE_1 15 + HIE_4 15 + PEA_1 25 + public health 25
PI_FULL_MARKS = {
    "PI_EP_1": {"numerator": 1000, "denominator": 1000},
    "PI_HIE_1": {"numerator": 200, "denominator": 200},
    "PI_HIE_4": {"numerator": 120, "denominator": 120},
    "PI_PEA_1": {"numerator": 500, "denominator": 500},
}


# ----------------------------------------------------------------------------------------------------------
# Building inputs and reading the document
# ----------------------------------------------------------------------------------------------------------


def rate(met: int, reported: int, eligible: int | None = None) -> Json:
    """A single-rate value: rate = met / reported x 100; DC = reported / eligible x 100 (spec 4.2)."""
    return {
        "isEndToEndReported": True,
        "performanceMet": met,
        "performanceNotMet": reported - met,
        "eligiblePopulation": reported if eligible is None else eligible,
        "eligiblePopulationExclusion": 0,
        "eligiblePopulationException": 0,
    }


def measurement_set(category: str, method: str, measurements: dict[str, Any]) -> Json:
    return {
        "category": category,
        "submissionMethod": method,
        "programName": "mips",
        "performanceStart": "2024-01-01",
        "performanceEnd": "2024-12-31",
        "measurements": [{"measureId": mid, "value": v} for mid, v in measurements.items()],
    }


def e1_inputs(samples_dir: Path) -> tuple[Json, Json, Json]:
    """Fresh copies of the contract sample for spec 14 E1 (submission, profile, cms-data)."""
    d = samples_dir.joinpath(*E1_DIR)
    return tuple(  # type: ignore[return-value]
        json.loads((d / f"{name}.json").read_text()) for name in ("submission", "profile", "cms-data")
    )


def set_quality(sub: Json, by_method: dict[str, dict[str, Json]]) -> None:
    """Replace every quality measurement set by one set per submission method."""
    others = [ms for ms in sub["measurementSets"] if ms["category"] != "quality"]
    quality = [measurement_set("quality", m, ms) for m, ms in by_method.items() if ms]
    sub["measurementSets"] = quality + others


def e1_quality(changes: dict[str, tuple[str, Json] | None]) -> dict[str, dict[str, Json]]:
    """E1's quality measures by method; ``changes[id] = (method, value)`` moves/changes one, None drops
    it."""
    table: dict[str, dict[str, Json]] = {
        "electronicHealthRecord": {mid: rate(met, n) for mid, (met, n) in E1_ECQM.items()},
        "registry": {mid: rate(met, n) for mid, (met, n) in E1_REGISTRY.items()},
    }
    for mid, change in changes.items():
        for by_id in table.values():
            by_id.pop(mid, None)
        if change is not None:
            method, value = change
            table.setdefault(method, {})[mid] = value
    return table


def set_ia(sub: Json, activities: list[str]) -> None:
    others = [ms for ms in sub["measurementSets"] if ms["category"] != "ia"]
    ia = [measurement_set("ia", "registry", dict.fromkeys(activities, True))] if activities else []
    sub["measurementSets"] = others + ia


def set_small_practice(profile: Json) -> None:
    profile["practiceSize"] = 10
    profile["specialStatuses"]["smallPractice"] = True


def score(capsys: pytest.CaptureFixture[str], tmp_path: Path, sub: Json, prof: Json, cms: Json) -> Json:
    """Write the three contract files and run ``mips score ... --json``; return the result document."""
    paths = []
    for name, doc in (("submission", sub), ("profile", prof), ("cms-data", cms)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc))
        paths.append(str(path))
    code = main(["score", paths[0], "--profile", paths[1], "--cms-data", paths[2], "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    result: Json = json.loads(out)
    return result


def walk(node: Json) -> Iterator[Json]:
    yield node
    for part in node.get("parts") or []:
        if isinstance(part, dict):
            yield from walk(part)


def category_tree(doc: Json, category: str) -> Json:
    """The category's subtree of the explanation (first node with the category's name under the root)."""
    return next(n for n in walk(doc["explanation"]) if n is not doc["explanation"] and n["name"] == category)


def node_value(doc: Json, category: str, name: str) -> Any:
    """Value of the single node called ``name`` (a measure or activity id) in the category's subtree."""
    found = [n for n in walk(category_tree(doc, category)) if n["name"] == name]
    assert len(found) == 1, f"{len(found)} nodes named {name!r} under {category}"
    return found[0]["value"]


def assert_totals(doc: Json, quality: float, final: float, adjustment: float) -> None:
    assert doc["categories"]["quality"]["score"] == pytest.approx(quality, abs=ABS)
    assert doc["finalScore"] == pytest.approx(final, abs=ABS)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(adjustment, abs=ABS)


# ----------------------------------------------------------------------------------------------------------
# E1 / E2 at the level of single measures (the category totals are in test_cli_score.py)
# ----------------------------------------------------------------------------------------------------------


def test_given_e1_when_scored_then_each_measure_and_cost_node_has_the_spec_points(
    capsys, tmp_path, samples_dir
):
    """Spec 14 E1 (4.4.3, 7.2, 6.3): per-measure points in the explanation tree."""
    doc = score(capsys, tmp_path, *e1_inputs(samples_dir))
    expected_quality = {
        "236": 6.3377,  # 6 + (70 - 68.98)/(72 - 68.98) = 6 + 1.02/3.02
        "001": 7.8438,  # inverse, (24.25, 29.05]: 7 + (29.05 - 25)/(29.05 - 24.25) = 7 + 4.05/4.80
        "112": 6.0359,  # 6 + (60 - 59.79)/(65.64 - 59.79) = 6 + 0.21/5.85
        "134": 6.6498,  # 6 + (50 - 42.69)/(53.94 - 42.69) = 6 + 7.31/11.25
        "130": 7.0,  # 100 >= p90 100 -> 10, isToppedOutByProgram -> 7
        "226": 6.0909,  # 6 + (90 - 89.29)/(97.1 - 89.29) = 6 + 0.71/7.81
    }
    for mid, pts in expected_quality.items():
        assert node_value(doc, "quality", mid) == pytest.approx(pts, abs=ABS), mid
    assert doc["categories"]["quality"]["points"] == pytest.approx(39.9581, abs=ABS)
    assert doc["categories"]["quality"]["maxPoints"] == 60
    assert node_value(doc, "cost", "TPCC_1") == pytest.approx(7.8768, abs=ABS)  # 7 + 275.72/314.45
    assert node_value(doc, "cost", "MSPB_1") == pytest.approx(6.7135, abs=ABS)  # 6 + 855.33/1198.74
    # PI = 9 + 10 + 13 (12.75) + 11 (11.25) + 20 + 25 = 88
    assert doc["categories"]["pi"]["score"] == pytest.approx(88.0, abs=ABS)


def test_given_e2_when_scored_then_047_failing_dc_scores_the_small_practice_floor(capsys, samples_dir):
    """Spec 14 E2 (4.6, 4.11, 3.2): 047 at DC 60% -> 3 (small); (32.9581 + 3 + 6)/60 = 69.9302%."""
    d = samples_dir / "contract" / "e2-small-practice-pi-reweighted"
    code = main(
        [
            "score",
            str(d / "submission.json"),
            "--profile",
            str(d / "profile.json"),
            "--cms-data",
            str(d / "cms-data.json"),
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert node_value(doc, "quality", "047") == pytest.approx(3.0, abs=ABS)
    # IA_EPA_1 high, doubled for a small practice: 40 -> 100%
    assert node_value(doc, "ia", "IA_EPA_1") == pytest.approx(40.0, abs=ABS)
    # Q = 41.9581/60 = 69.93017; FS = 0.40 x 69.93017 + 0.30 x 72.9515 + 0.30 x 100
    #   = 27.97207 + 21.88545 + 30 = 79.85752; adj = 0.042 x 4.85752 = +0.2040
    assert_totals(doc, quality=69.9302, final=79.8575, adjustment=0.2040)


# ----------------------------------------------------------------------------------------------------------
# E8 - data completeness failure
# ----------------------------------------------------------------------------------------------------------


def test_given_e1_with_226_at_dc_70_and_not_small_when_scored_then_226_scores_zero(
    capsys, tmp_path, samples_dir
):
    """Spec 14 E8 (4.2, 4.6): not small, 226 at DC 70% -> 0; quality 33.8672/60 = 56.4453%."""
    sub, prof, cms = e1_inputs(samples_dir)
    # 226: 630 met + 70 not met reported of 1000 eligible -> DC 70% < 75%, rate 90% as in E1
    set_quality(sub, e1_quality({"226": ("registry", rate(630, 700, eligible=1000))}))
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "226") == 0.0
    # 39.9581 - 6.0909 = 33.8672; / 60 x 100 = 56.44533
    # FS = 0.30 x 56.44533 + 0.30 x 72.9515 + 15 + 22 = 16.93360 + 21.88545 + 37 = 75.81905
    # adj = 0.042 x (75.81905 - 75) = +0.0344
    assert_totals(doc, quality=56.4453, final=75.81905, adjustment=0.0344)
    assert doc["paymentAdjustment"]["direction"] == "positive"


def test_given_e1_with_226_at_dc_70_and_small_when_scored_then_226_scores_three_plus_bonus(
    capsys, tmp_path, samples_dir
):
    """Spec 14 E8 (4.6, 4.11): small practice, 226 at DC 70% -> 3; (33.8672 + 3 + 6)/60 = 71.4453%.

    PI data is submitted, so no category is reweighted (spec 3.2 "none" row 30/30/15/25); IA doubles for the
    small practice (2 high = 80, capped 40 -> 100%, spec 5.1)."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_small_practice(prof)
    set_quality(sub, e1_quality({"226": ("registry", rate(630, 700, eligible=1000))}))
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "226") == pytest.approx(3.0, abs=ABS)
    assert [doc["categories"][c]["weight"] for c in ("quality", "cost", "ia", "pi")] == [30, 30, 15, 25]
    # Q = 42.8672/60 = 71.44533; FS = 0.30 x 71.44533 + 21.88545 + 15 + 22 = 21.43360 + 58.88545 = 80.31905
    # adj = 0.042 x 5.31905 = +0.2234
    assert_totals(doc, quality=71.4453, final=80.31905, adjustment=0.2234)


# ----------------------------------------------------------------------------------------------------------
# E9 / E29 - topped out and the 7-point cap
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "points", "quality", "final", "adjustment"),
    [
        # 100% >= p90 (100) -> 10 -> isToppedOutByProgram cap 7.
        # Q = (39.9581 - 6.6498 + 7)/60 = 40.3083/60 = 67.1805; FS = 20.15415 + 21.88545 + 37 = 79.0396;
        # adj = 0.042 x 4.0396 = +0.1697
        (1000, 7.0, 67.1805, 79.0396, 0.1697),
        # 99.5%: p40 99.22 <= 99.5 < p50 99.97 -> 5 + 0.28/0.75 = 5.3733 (cap not binding).
        # Q = (39.9581 - 6.6498 + 5.3733)/60 = 38.6816/60 = 64.46933; FS = 19.3408 + 21.88545 + 37 = 78.22625;
        # adj = 0.042 x 3.22625 = +0.1355
        (995, 5.3733, 64.4693, 78.22625, 0.1355),
    ],
)
def test_given_134_reported_as_mips_cqm_when_scored_then_topped_out_cap_applies(
    capsys, tmp_path, samples_dir, met, points, quality, final, adjustment
):
    """Spec 14 E9 (4.4.5): 134 MIPS CQM (isToppedOutByProgram) at 100% -> 7.0, at 99.5% -> 5.3733."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_quality(sub, e1_quality({"134": ("registry", rate(met, 1000))}))
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "134") == pytest.approx(points, abs=ABS)
    assert_totals(doc, quality=quality, final=final, adjustment=adjustment)


def test_given_047_topped_out_but_not_by_program_when_scored_then_no_cap(capsys, tmp_path, samples_dir):
    """Spec 14 E29 (4.4.5): 047 MIPS CQM (isToppedOut, not isToppedOutByProgram) at 100% -> 10.0;
    134 MIPS CQM at 100% in the same submission -> 7.0 (E9)."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_quality(
        sub,
        e1_quality(
            {"226": None, "047": ("registry", rate(1000, 1000)), "134": ("registry", rate(1000, 1000))}
        ),
    )
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "047") == pytest.approx(10.0, abs=ABS)
    assert node_value(doc, "quality", "134") == pytest.approx(7.0, abs=ABS)
    # 236 6.3377 + 001 7.8438 + 112 6.0359 + 134r 7 + 130r 7 + 047r 10 = 44.2174 -> 73.69567%
    # FS = 0.30 x 73.69567 + 21.88545 + 37 = 22.10870 + 58.88545 = 80.99415; adj = 0.042 x 5.99415 = +0.2518
    assert_totals(doc, quality=73.6957, final=80.99415, adjustment=0.2518)


# ----------------------------------------------------------------------------------------------------------
# E10 - inverse measure boundaries (001 eCQM: p10 14.53, p20 19.83, p30 24.25, p40 29.05, p90 93.62, p99 99.5)
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "reported", "points", "quality", "final", "adjustment"),
    [
        # 14.53% = p10 -> decile 10 (boundary in the better decile) -> 10.
        # Q = (39.9581 - 7.8438 + 10)/60 = 42.1143/60 = 70.1905; FS = 21.05715 + 21.88545 + 37 = 79.9426;
        # adj = 0.042 x 4.9426 = +0.2076
        (1453, 10000, 10.0, 70.1905, 79.9426, 0.2076),
        # 14.54%: 9 + (19.83 - 14.54)/(19.83 - 14.53) = 9 + 5.29/5.30 = 9.9981.
        # Q = (32.1143 + 9.9981)/60 = 42.1124/60 = 70.18733; FS = 21.0562 + 58.88545 = 79.94165;
        # adj = 0.042 x 4.94165 = +0.2075
        (1454, 10000, 9.9981, 70.1873, 79.94165, 0.2075),
        # 25%: 7 + 4.05/4.80 = 7.8438 (E1): Q 66.5968, FS 78.8645, adj 0.042 x 3.8645 = +0.1623
        (250, 1000, 7.8438, 66.5968, 78.8645, 0.1623),
        # 99.8% > p99 99.5 -> 1.0 (UNCONFIRMED rule, spec 4.4.3).
        # Q = (32.1143 + 1)/60 = 33.1143/60 = 55.1905; FS = 16.55715 + 58.88545 = 75.4426;
        # adj = 0.042 x 0.4426 = +0.0186
        (998, 1000, 1.0, 55.1905, 75.4426, 0.0186),
    ],
)
def test_given_001_ecqm_at_a_boundary_rate_when_scored_then_inverse_mapping_applies(
    capsys, tmp_path, samples_dir, met, reported, points, quality, final, adjustment
):
    """Spec 14 E10 (4.4.3 inverse, spec 16 item 1): 001 eCQM at 14.53, 14.54, 25 and 99.8%."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_quality(sub, e1_quality({"001": ("electronicHealthRecord", rate(met, reported))}))
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "001") == pytest.approx(points, abs=ABS)
    assert_totals(doc, quality=quality, final=final, adjustment=adjustment)


# ----------------------------------------------------------------------------------------------------------
# E11 - flat benchmarks (001/236 MIPS CQM and claims rows: p_k = k)
# ----------------------------------------------------------------------------------------------------------

# E1 without 236 and 001: 112 6.0359 + 134 6.6498 + 130 7 + 226 6.0909 = 25.7766


@pytest.mark.parametrize(
    ("met001", "points001", "quality", "final", "adjustment"),
    [
        # 8% <= p10 (10) -> 10. Q = (25.7766 + 9.45 + 10)/60 = 45.2266/60 = 75.37767;
        # FS = 22.6133 + 58.88545 = 81.49875; adj = 0.042 x 6.49875 = +0.2729
        (80, 10.0, 75.3777, 81.49875, 0.2729),
        # 35% in (30, 40] -> 7 + (40 - 35)/10 = 7.5. Q = 42.7266/60 = 71.2110; FS = 21.3633 + 58.88545
        # = 80.24875; adj = 0.042 x 5.24875 = +0.2204
        (350, 7.5, 71.2110, 80.24875, 0.2204),
        # 99.5% > p99 (99) -> 1.0 (UNCONFIRMED rule). Q = 36.2266/60 = 60.37767; FS = 18.1133 + 58.88545
        # = 76.99875; adj = 0.042 x 1.99875 = +0.0839
        (995, 1.0, 60.3777, 76.99875, 0.0839),
    ],
)
def test_given_flat_benchmark_rows_when_scored_then_points_follow_the_flat_ladder(
    capsys, tmp_path, samples_dir, met001, points001, quality, final, adjustment
):
    """Spec 14 E11 (4.4.4): 236 MIPS CQM 84.5% -> 9 + 4.5/10 = 9.45; 001 MIPS CQM 8% -> 10, 35% -> 7.5,
    99.5% -> 1.0."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_quality(
        sub,
        e1_quality({"236": ("registry", rate(845, 1000)), "001": ("registry", rate(met001, 1000))}),
    )
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "236") == pytest.approx(9.45, abs=ABS)
    assert node_value(doc, "quality", "001") == pytest.approx(points001, abs=ABS)
    assert_totals(doc, quality=quality, final=final, adjustment=adjustment)


@pytest.mark.parametrize(
    ("met", "points", "quality", "final", "adjustment"),
    [
        # 95% >= p90 (90) -> 10 (the spec's figure).
        # Q = (25.7766 + 001e 7.8438 + 10 + bonus 6)/60 = 49.6204/60 = 82.70067 (PI submitted: 30/30/15/25)
        # FS = 24.8102 + 21.88545 + 37 = 83.69565; adj = 0.042 x 8.69565 = +0.3652
        (950, 10.0, 82.7007, 83.69565, 0.3652),
        # 85% in [80, 90) -> 9 + 5/10 = 9.5 on the flat claims row (the eCQM row would give 10: 85 >= 84.04).
        # Q = (25.7766 + 7.8438 + 9.5 + 6)/60 = 49.1204/60 = 81.86733; FS = 24.5602 + 58.88545 = 83.44565;
        # adj = 0.042 x 8.44565 = +0.3547
        (850, 9.5, 81.8673, 83.44565, 0.3547),
    ],
)
def test_given_small_practice_reporting_236_by_claims_when_scored_then_the_flat_claims_row_is_used(
    capsys, tmp_path, samples_dir, met, points, quality, final, adjustment
):
    """Spec 14 E11 (4.4.4; 4.1: Part B claims for small practices only): 236 claims at 95% -> 10."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_small_practice(prof)
    set_quality(sub, e1_quality({"236": ("claims", rate(met, 1000))}))
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert node_value(doc, "quality", "236") == pytest.approx(points, abs=ABS)
    assert_totals(doc, quality=quality, final=final, adjustment=adjustment)


# ----------------------------------------------------------------------------------------------------------
# E14 / E15 - improvement activities
# ----------------------------------------------------------------------------------------------------------

# E1 without IA: 0.30 x 66.59683 + 0.30 x 72.9515 + 0.25 x 88 = 19.97905 + 21.88545 + 22 = 63.8645;
# FS = 63.8645 + 0.15 x IA.
#   IA 100 -> 78.8645, adj +0.042 x 3.8645 = +0.1623
#   IA 50  -> 71.3645, adj -0.12 x (75 - 71.3645) = -0.12 x 3.6355 = -0.4363
#   IA 75  -> 75.1145, adj +0.042 x 0.1145 = +0.0048


@pytest.mark.parametrize(
    ("activities", "activity_points", "ia", "final", "adjustment"),
    [
        # rural, traditional MIPS: high doubled 20 -> 40 -> 40/40 = 100%
        (["IA_EPA_1"], {"IA_EPA_1": 40.0}, 100.0, 78.8645, 0.1623),
        # rural: medium doubled 10 -> 20 -> 20/40 = 50%
        (["IA_CC_1"], {"IA_CC_1": 20.0}, 50.0, 71.3645, -0.4363),
    ],
)
def test_given_rural_individual_when_scored_then_ia_points_are_doubled(
    capsys, tmp_path, samples_dir, activities, activity_points, ia, final, adjustment
):
    """Spec 14 E14 (5.1, 2): rural individual: IA_EPA_1 alone = 40 -> 100%; IA_CC_1 alone = 20 -> 50%."""
    sub, prof, cms = e1_inputs(samples_dir)
    prof["specialStatuses"]["rural"] = True
    set_ia(sub, activities)
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert "rural" in doc["specialStatuses"]
    for act, pts in activity_points.items():
        assert node_value(doc, "ia", act) == pytest.approx(pts, abs=ABS)
    assert doc["categories"]["ia"]["score"] == pytest.approx(ia, abs=ABS)
    # rural is not small: PI data scored, weights 30/30/15/25 unchanged
    assert doc["categories"]["ia"]["weight"] == 15.0
    assert doc["finalScore"] == pytest.approx(final, abs=ABS)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(adjustment, abs=ABS)


@pytest.mark.parametrize(
    ("activities", "ia", "final", "adjustment", "direction"),
    [
        # IA_EPA_1 (high) alone = 20 -> 20/40 = 50%
        (["IA_EPA_1"], 50.0, 71.3645, -0.4363, "negative"),
        # IA_EPA_1 20 + IA_CC_1 10 = 30 -> 75%
        (["IA_EPA_1", "IA_CC_1"], 75.0, 75.1145, 0.0048, "positive"),
        # 2 high + 2 medium = 20 + 20 + 10 + 10 = 60 -> capped 40 -> 100%
        (["IA_EPA_1", "IA_BE_6", "IA_CC_1", "IA_CC_2"], 100.0, 78.8645, 0.1623, "positive"),
    ],
)
def test_given_no_special_status_when_scored_then_ia_points_are_not_doubled(
    capsys, tmp_path, samples_dir, activities, ia, final, adjustment, direction
):
    """Spec 14 E14 (5.1): no special status: 50%, 75%, and 60 points capped at 40 -> 100%."""
    sub, prof, cms = e1_inputs(samples_dir)
    set_ia(sub, activities)
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert doc["specialStatuses"] == []
    assert node_value(doc, "ia", "IA_EPA_1") == pytest.approx(20.0, abs=ABS)
    assert doc["categories"]["ia"]["score"] == pytest.approx(ia, abs=ABS)
    assert doc["finalScore"] == pytest.approx(final, abs=ABS)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(adjustment, abs=ABS)
    assert doc["paymentAdjustment"]["direction"] == direction


def as_group(*docs: Json) -> None:
    """Turn E1's individual inputs into a group's (TIN only): interfaces.md 1 entity key."""
    for doc in docs:
        doc["entityType"] = "group"
        doc.pop("nationalProviderIdentifier", None)


@pytest.mark.parametrize("activities", [["IA_PCMH"], ["IA_PCMH", "IA_CC_1"]])
def test_given_group_attesting_pcmh_when_scored_then_ia_is_full_credit(
    capsys, tmp_path, samples_dir, activities
):
    """Spec 14 E15 (5.1): a group attesting IA_PCMH gets IA = 100% regardless of other activities."""
    sub, prof, cms = e1_inputs(samples_dir)
    as_group(sub, prof, cms)
    set_ia(sub, activities)
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert doc["entity"]["entityType"] == "group"
    assert doc["categories"]["ia"]["score"] == pytest.approx(100.0, abs=ABS)
    # same quality/cost/PI as E1: FS = 19.9790 + 21.8855 + 0.15 x 100 + 22 = 78.8645 -> +0.1623
    assert doc["finalScore"] == pytest.approx(78.8645, abs=ABS)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(0.1623, abs=ABS)


# ----------------------------------------------------------------------------------------------------------
# E22 - small practice bonus
# ----------------------------------------------------------------------------------------------------------

#: six measures totalling exactly 40.0 points (spec 4.4.3/4.4.4 on the spec 14 rows):
#: 236r 65% -> 6 + 5/10 = 7.5; 001r 15% (inverse, (10, 20]) -> 9 + (20 - 15)/10 = 9.5;
#: 130r 100% -> 10 capped 7; 134r 100% -> 10 capped 7; 047r 95.46% = p50 -> 6 + 0 = 6;
#: 226r 39.13% = p20 -> 3 + 0 = 3.  7.5 + 9.5 + 7 + 7 + 6 + 3 = 40.0
FORTY_POINTS = {
    "236": (rate(650, 1000), 7.5),
    "001": (rate(150, 1000), 9.5),
    "130": (rate(1000, 1000), 7.0),
    "134": (rate(1000, 1000), 7.0),
    "047": (rate(9546, 10000), 6.0),
    "226": (rate(3913, 10000), 3.0),
}


@pytest.mark.parametrize(
    ("small", "quality", "final", "adjustment"),
    [
        # 40/60 = 66.6667%; FS = 0.30 x 66.6667 + 21.88545 + 37 = 20 + 58.88545 = 78.88545;
        # adj = 0.042 x 3.88545 = +0.1632
        (False, 66.6667, 78.88545, 0.1632),
        # (40 + 6)/60 = 76.6667%; FS = 23 + 58.88545 = 81.88545; adj = 0.042 x 6.88545 = +0.2892
        (True, 76.6667, 81.88545, 0.2892),
    ],
)
def test_given_six_measures_totalling_40_when_scored_then_small_bonus_adds_six_points(
    capsys, tmp_path, samples_dir, small, quality, final, adjustment
):
    """Spec 14 E22 (4.10, 4.11): 40/60 = 66.6667% not small; (40 + 6)/60 = 76.6667% small."""
    sub, prof, cms = e1_inputs(samples_dir)
    if small:
        set_small_practice(prof)
    set_quality(sub, {"registry": {mid: value for mid, (value, _) in FORTY_POINTS.items()}})
    doc = score(capsys, tmp_path, sub, prof, cms)
    for mid, (_, pts) in FORTY_POINTS.items():
        assert node_value(doc, "quality", mid) == pytest.approx(pts, abs=ABS), mid
    assert node_value(doc, "quality", "smallPracticeBonus") == (6.0 if small else 0.0)
    assert_totals(doc, quality=quality, final=final, adjustment=adjustment)


# ----------------------------------------------------------------------------------------------------------
# E23 - final score -> 2026 payment adjustment, on inputs constructed to land on each listed score
# ----------------------------------------------------------------------------------------------------------
#
# Standard weights (no category reweighted): FS = 0.30 Q + 0.30 C + 0.15 IA + 0.25 PI with
#   0.30 Q = 0.30 x P/60 x 100 = P/2             (P = sum of measure points; missing measures count 0 of 10)
#   0.30 C = 0.30 x 10 x c = 3c                  (one cost measure TPCC_1 with c points)
#   IA 100 (IA_EPA_1 + IA_BE_6 = 40) or 0 (no IA data: scored 0, spec 3.0 note)
#   PI 100 (PI_FULL_MARKS) or 0 (no PI data, no reweighting status: scored 0, spec 3.0 note)
# Quality measures with exact points (spec 14 rows):
#   236r (flat, direct) at r% in [10, 90): r/10 + 1; >= 90: 10.  001r (flat, inverse) at r% in (10, 90]:
#   11 - r/10; <= 10: 10.  047r 100% -> 10 (no cap); 039r 100% >= p90 97.98 -> 10; 317r 100% = p90 -> 10;
#   226r 100% >= p90 100 -> 10.
# TPCC_1 (inverse): $1000 <= p10 1046.81 -> 10; $1990.18 = p60 -> (p50, p60] decile 5: 5 + 0 = 5;
#   $2304.64 = p90 -> (p80, p90] decile 2: 2 + 0 = 2.

TENS = {mid: rate(1000, 1000) for mid in ("047", "039", "317", "226")}


def flat(r236: int | None = None, r001: int | None = None, tens: int = 0) -> dict[str, Json]:
    """Registry measures: 236 at r236/10 %, 001 at r001/10 %, plus ``tens`` measures worth 10 each."""
    measures = dict(list(TENS.items())[:tens])
    if r236 is not None:
        measures["236"] = rate(r236, 1000)
    if r001 is not None:
        measures["001"] = rate(r001, 1000)
    return measures


E23_CASES = [
    # (FS, measures, TPCC $, IA activities, PI full?, expected adjustment %)
    # P = 10 + 10 + 4 x 10 = 60: 30 + 3 x 10 + 15 + 25 = 100 -> 0.042 x 25 = +1.0500
    (100.0, flat(950, 50, tens=4), 1000.0, True, True, 1.05),
    # P = 10 + 10 + 10 + 10 = 40: 20 + 30 + 15 + 25 = 90 -> 0.042 x 15 = +0.6300
    (90.0, flat(950, 50, tens=2), 1000.0, True, True, 0.63),
    # P = 10 + 10 = 20: 10 + 30 + 15 + 25 = 80 -> 0.042 x 5 = +0.2100
    (80.0, flat(950, 50), 1000.0, True, True, 0.21),
    # P = 236 at 50% 6 + 001 at 50% 6 = 12: 6 + 30 + 15 + 25 = 76 -> 0.042 x 1 = +0.0420
    (76.0, flat(500, 500), 1000.0, True, True, 0.042),
    # P = 236 at 40% 5 + 001 at 60% 5 = 10: 5 + 30 + 15 + 25 = 75 -> 0
    (75.0, flat(400, 600), 1000.0, True, True, 0.0),
    # P = 236 at 30% 4 + 001 at 70% 4 = 8: 4 + 30 + 15 + 25 = 74 -> -0.12 x 1 = -0.1200
    (74.0, flat(300, 700), 1000.0, True, True, -0.12),
    # P = 40 (as for 90), c = 5, IA 0: 20 + 15 + 0 + 25 = 60 -> -0.12 x 15 = -1.8000
    (60.0, flat(950, 50, tens=2), 1990.18, False, True, -1.8),
    # P = 20, c = 5, IA 0: 10 + 15 + 25 = 50 -> -0.12 x 25 = -3.0000
    (50.0, flat(950, 50), 1990.18, False, True, -3.0),
    # P = 047 10 + 4 + 4 = 18, c = 2, IA 0: 9 + 6 + 25 = 40 -> -0.12 x 35 = -4.2000
    (40.0, flat(300, 700, tens=1), 2304.64, False, True, -4.2),
    # P = 047 10 + 039 10 + 4 + 4 = 28, c = 2, IA 0, PI 0: 14 + 6 = 20 -> -0.12 x 55 = -6.6000
    (20.0, flat(300, 700, tens=2), 2304.64, False, False, -6.6),
    # P = 10 + 10 + 236 at 45.2% 5.52 = 25.52: 12.76 + 6 = 18.76 -> -0.12 x 56.24 = -6.7488
    (18.76, flat(452, tens=2), 2304.64, False, False, -6.7488),
    # P = 10 + 10 + 236 at 45% 5.5 = 25.5: 12.75 + 6 = 18.75 <= 18.75 -> -9.0000 (step, spec 16 item 5)
    (18.75, flat(450, tens=2), 2304.64, False, False, -9.0),
    # P = 236 at 70% 8 (5 zero placeholders): 4 + 6 = 10 -> -9.0000
    (10.0, flat(700), 2304.64, False, False, -9.0),
]


@pytest.mark.parametrize(
    ("final", "measures", "tpcc", "ia_full", "pi_full", "adjustment"),
    E23_CASES,
    ids=[f"FS{c[0]:g}" for c in E23_CASES],
)
def test_given_inputs_landing_on_a_listed_final_score_when_scored_then_2026_adjustment_matches(
    capsys, tmp_path, samples_dir, final, measures, tpcc, ia_full, pi_full, adjustment
):
    """Spec 14 E23 (10, 16 item 5): 100 -> +1.05, 90 -> +0.63, 80 -> +0.21, 76 -> +0.042, 75 -> 0,
    74 -> -0.12, 60 -> -1.8, 50 -> -3.0, 40 -> -4.2, 20 -> -6.6, 18.76 -> -6.7488, 18.75 -> -9, 10 -> -9."""
    sub, prof, cms = e1_inputs(samples_dir)
    sub["measurementSets"] = [measurement_set("quality", "registry", measures)]
    if ia_full:
        sub["measurementSets"].append(measurement_set("ia", "registry", {"IA_EPA_1": True, "IA_BE_6": True}))
    if pi_full:
        e1_pi = next(ms for ms in e1_inputs(samples_dir)[0]["measurementSets"] if ms["category"] == "pi")
        for m in e1_pi["measurements"]:
            m["value"] = PI_FULL_MARKS.get(m["measureId"], m["value"])
        sub["measurementSets"].append(e1_pi)
    cms["costMeasures"] = [{"measureId": "TPCC_1", "attributedCases": 30, "value": tpcc}]
    doc = score(capsys, tmp_path, sub, prof, cms)
    assert [doc["categories"][c]["weight"] for c in ("quality", "cost", "ia", "pi")] == [30, 30, 15, 25]
    assert doc["categories"]["ia"]["score"] == (100.0 if ia_full else 0.0)
    assert doc["categories"]["pi"]["score"] == (100.0 if pi_full else 0.0)
    assert doc["finalScore"] == pytest.approx(final, abs=ABS)
    assert doc["paymentAdjustment"]["percent"] == pytest.approx(adjustment, abs=ABS)
    expected_direction = "positive" if adjustment > 0 else "negative" if adjustment < 0 else "neutral"
    assert doc["paymentAdjustment"]["direction"] == expected_direction
