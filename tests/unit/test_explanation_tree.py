"""The explanation tree reads like CMS's scoring API output (contract 2; issue 14):

- the root's ``points`` parts add up to the final score (categories + bonuses + cap/threshold rule);
- every level has its own names (``quality`` contribution, ``qualityCategoryScore`` below it; one ``total``);
- a reweighted category's node carries ``null``, as the document's ``categories.<c>.score`` does;
- measure and activity nodes carry ``title`` from the reference data;
- a ``feedback`` part lists the top improvement opportunities (CMS's ``feedback-quality``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from mips.engine import score
from mips.explain_annotate import RESERVED_NAMES, category_score_name
from mips.models import CmsData, Profile, Submission
from mips.reference import load_reference

from tests.unit.test_engine_properties import inputs

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples"
SCORABLE = sorted(p for p in EXAMPLES.iterdir() if (p / "profile.json").is_file())
REF = load_reference(2024)
#: generic annotation leaves that may sit at any depth (a message, a reason of a status)
GENERIC = {"message", "reason"}
STRUCTURAL = re.compile(r"^[a-z][A-Za-z]*$")


def _load(folder: Path) -> dict[str, Any]:
    def read(name: str, model: Any) -> Any:
        return model.model_validate_json((folder / name).read_text()) if (folder / name).is_file() else None

    return score(
        read("submission.json", Submission),
        read("profile.json", Profile),
        read("cms-data.json", CmsData),
        REF,
    ).to_doc()


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, Any]]:
    return {p.name: _load(p) for p in SCORABLE}


def _walk(node: dict[str, Any], depth: int = 0) -> Iterator[tuple[int, dict[str, Any]]]:
    yield depth, node
    for p in node.get("parts", []):
        yield from _walk(p, depth + 1)


def _every_tree(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [doc["explanation"], *(a["explanation"] for a in doc["alternatives"])]


def _check_tree_properties(doc: dict[str, Any]) -> None:
    """The properties every result's tree has (used on the examples and on random inputs)."""
    for tree in [doc, *doc["alternatives"]]:
        root = tree["explanation"]
        # the root's parts add up: its `points` parts sum to the final score (each emitted at 4 dp)
        points = [p for p in root["parts"] if p.get("unit") == "points"]
        total = sum(p["value"] for p in points if p["value"] is not None)
        assert total == pytest.approx(root["value"], abs=1e-4 * (len(points) + 1))
        assert root["value"] == tree["finalScore"]
        # names distinct per level: a structural (camelCase) name sits at one depth only; identifiers
        # from the input (measure ids such as 001 or IA_EPA_1, measurementSet[0]) may repeat, as in CMS's
        # feedback-quality; message/reason are generic leaves
        depths: dict[str, set[int]] = defaultdict(set)
        for depth, node in _walk(root):
            depths[node["name"]].add(depth)
        feedback = next(p for p in root["parts"] if p["name"] == "feedback")
        for name, where in depths.items():
            if STRUCTURAL.match(name) and name not in GENERIC:
                assert len(where) == 1, (name, where)
        assert depths["total"] == {0}
        assert all(depths[n] <= {1} for n in RESERVED_NAMES - {"total"})  # never deeper
        # a reweighted category's node carries null, like the document
        by_name = {p["name"]: p for p in root["parts"]}
        for c, out in tree["categories"].items():
            node = by_name[c]
            assert (node["value"] is None) == out["reweighted"], c
            if node["parts"]:
                assert node["parts"][0]["name"] == category_score_name(c)
                assert node["parts"][0]["unit"] == "percent"
        # feedback: largest first, at most five, each a number of final-score points
        values = [p["value"] for p in feedback["parts"]]
        assert values == sorted(values, reverse=True) and len(values) <= 5
        assert all(v > 0 and p["unit"] == "points" for v, p in zip(values, feedback["parts"], strict=True))


def test_given_each_example_when_scored_then_the_tree_properties_hold(docs):
    assert len(docs) == 5
    for name, doc in docs.items():
        try:
            _check_tree_properties(doc)
        except AssertionError as exc:  # pragma: no cover - names the example that failed
            raise AssertionError(f"{name}: {exc}") from exc
        json.dumps(doc, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs())
def test_given_random_schema_valid_inputs_when_scored_then_the_tree_properties_hold(data):
    """The same properties on random inputs (the engine property test's generator): capped scores, the
    threshold rule, reweighting and empty submissions included."""
    _check_tree_properties(score(*data, REF).to_doc())


def test_given_the_small_practice_without_pi_when_scored_then_its_pi_node_is_null_like_the_document(docs):
    """Example 02: PI is reweighted (small practice, spec 3.2) -> categories.pi.score null and node null."""
    doc = docs["02-small-practice-group"]
    pi = next(p for p in doc["explanation"]["parts"] if p["name"] == "pi")
    assert doc["categories"]["pi"]["reweighted"] is True and doc["categories"]["pi"]["score"] is None
    assert pi["value"] is None and pi["unit"] == "points" and "Reweighted" in pi["detail"]


def test_given_e1_when_scored_then_measures_and_activities_carry_their_reference_titles(docs):
    root = docs["01-individual-clinician"]["explanation"]
    nodes = {n["name"]: n for _, n in _walk(root)}
    for measure_id in ("001", "134", "236", "117", "130", "374", "IA_EPA_1", "IA_CC_1", "TPCC_1", "PI_EP_1"):
        expected = REF.measure(measure_id)
        assert expected is not None and expected.title
        assert nodes[measure_id]["title"] == expected.title, measure_id
    assert nodes["001"]["title"] == "Diabetes: Hemoglobin A1c (HbA1c) Poor Control (>9%)"
    assert nodes["quality"]["title"] == "Quality component of total score"
    # IA's own total is renamed so `total` names the root only
    assert "iaPoints" in nodes and nodes["iaPoints"]["value"] == 40


def test_given_e1_when_scored_then_feedback_lists_the_costliest_measures_hand_computed(docs):
    """Example 01: cost weight 30, 2 scored cost measures; quality weight 30, 60 max points.
    MSPB_1 5.5456 of 10: (10 - 5.5456) / 2 x 10 x 30 / 100 = 6.6816 final-score points;
    374 1.9386 of 10: (10 - 1.9386) / 60 x 30 = 4.0307; TPCC_1 7.5270: (10 - 7.527) / 2 x 3 = 3.7095."""
    root = docs["01-individual-clinician"]["explanation"]
    feedback = next(p for p in root["parts"] if p["name"] == "feedback")
    top = [(p["name"], p["value"]) for p in feedback["parts"][:3]]
    assert [n for n, _ in top] == ["MSPB_1", "374", "TPCC_1"]
    assert [v for _, v in top] == pytest.approx([6.6816, 4.0307, 3.7095], abs=1e-4)
    assert feedback["parts"][1]["title"] == "Closing the Referral Loop: Receipt of Specialist Report"
    assert feedback["parts"][1]["detail"].startswith("Focus on improving measure 374")
    assert feedback["parts"][0]["metadata"] == {"category": "cost", "earned": 5.5456, "available": 10.0}


def test_given_a_score_above_the_cap_when_explained_then_a_cap_part_makes_the_root_add_up(rules):
    """Spec 9.1: weighted 95 + bonus 10 = 105 is capped at 100; the finalScoreCap part is -5 points."""
    from mips.engine import score_adjustment_nodes
    from mips.final import FinalScore

    fs = FinalScore(
        value=100.0,
        weighted_sum=95.0,
        contributions={"quality": 40.0, "cost": 25.0, "ia": 15.0, "pi": 15.0},
        complex_patient_bonus=10.0,
        capped=True,
        detail="",
    )
    (cap,) = score_adjustment_nodes(fs, rules)
    assert cap.name == "finalScoreCap" and cap.unit == "points" and cap.value == pytest.approx(-5.0)
    assert 95.0 + 10.0 + cap.value == pytest.approx(fs.value)
    uncapped = fs.model_copy(update={"value": 90.0, "weighted_sum": 85.0, "capped": False})
    assert score_adjustment_nodes(uncapped, rules) == []
