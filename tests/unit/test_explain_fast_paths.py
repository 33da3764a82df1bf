"""The explanation tree's fast paths (issue 15) behave exactly like the generic code they replace.

``Node.clone`` must equal the original and share nothing mutable with it; a ``Node`` (a plain dataclass)
must still validate and serialise as a pydantic field exactly as the pydantic model it replaced did;
``round4``'s exact-type fast paths must give what the ``isinstance`` rules give (contract 2: numbers
rounded to 4 dp, tuples emitted as lists, bools and None untouched).
"""

from __future__ import annotations

import json
import pickle
from collections import OrderedDict

import pytest
from mips.explain import FrozenData, Node, copy_data, round4
from mips.explain_annotate import category_subtree
from mips.models.result import ScoreResult
from mips.scoring import CategoryResult


def tree() -> Node:
    leaf = Node(
        name="236", value=7.123456, unit="points", metadata={"rate": 0.8512345, "flags": [1, 2.55555]}
    )
    return Node(
        name="quality",
        title="Quality",
        value=81.234567,
        detail="why",
        parts=[Node(name="measures", parts=[leaf]), Node(name="ok", value=True)],
        metadata={"nested": {"deep": [{"x": 1.000049}]}, "tuple": (1.23456, "a")},
    )


def test_given_a_tree_when_cloned_then_it_equals_the_original_and_serialises_the_same():
    original = tree()
    clone = original.clone()
    assert clone == original and clone is not original
    assert json.dumps(clone.to_doc()) == json.dumps(original.to_doc())


def test_given_a_node_field_when_dumped_to_json_then_every_field_in_order_and_read_back_equal():
    """The pipeline stores CategoryResult as JSON between steps: same form as the pydantic Node gave."""
    result = CategoryResult(category="quality", explanation=tree())
    stored = result.model_dump_json()
    assert stored.startswith(
        '{"category":"quality","reporting_option":"traditional","mvp_id":null,"score":null,"points":null,'
        '"max_points":null,"not_scored_reason":null,"data_submitted":false,"explanation":{"name":"quality",'
        '"title":"Quality","value":81.234567,"unit":null,"detail":"why","parts":[{"name":"measures",'
    )
    assert '"metadata":{"nested":{"deep":[{"x":1.000049}]},"tuple":[1.23456,"a"]}}' in stored
    back = CategoryResult.model_validate_json(stored)
    assert isinstance(back.explanation.parts[0].parts[0], Node)
    assert back.model_dump_json() == stored


def test_given_lists_passed_to_a_node_when_the_caller_changes_them_then_the_node_does_not_change():
    parts, metadata = [Node(name="a")], {"k": 1}
    node = Node(name="n", parts=parts, metadata=metadata)
    parts.append(Node(name="b"))
    metadata["k"] = 2
    assert [p.name for p in node.parts] == ["a"] and node.metadata == {"k": 1}


def test_given_a_category_tree_when_relabelled_then_rendered_like_before_and_left_unchanged():
    """category_subtree renders the relabelled tree without copying it: the input tree stays as built."""
    original = Node(name="ia", parts=[Node(name="total", value=1.234567), Node(name="x", title="")])
    before = json.dumps(original.to_doc())
    doc = category_subtree("ia", original, None)
    assert doc["name"] == "iaCategoryScore" and doc["unit"] == "percent"
    assert [p["name"] for p in doc["parts"]] == ["iaPoints", "x"]
    assert doc["parts"][0]["value"] == 1.2346 and doc["parts"][1]["title"] == ""
    assert json.dumps(original.to_doc()) == before


def test_given_a_clone_when_mutated_then_the_original_is_untouched():
    original = tree()
    clone = original.clone()
    clone.name = "renamed"
    clone.parts[0].parts[0].metadata["flags"].append(3)
    clone.metadata["nested"]["deep"][0]["x"] = 0
    clone.parts.append(Node(name="extra"))
    assert original.name == "quality" and len(original.parts) == 2
    assert original.parts[0].parts[0].metadata["flags"] == [1, 2.55555]
    assert original.metadata["nested"]["deep"][0]["x"] == 1.000049


def test_given_mixed_data_when_rounded_then_floats_are_4dp_tuples_lists_and_others_untouched():
    data = {
        "f": 1.234567,
        "i": 3,
        "b": True,
        "n": None,
        "s": "x",
        "l": [0.123456, (2.00005, False)],
        "od": OrderedDict(a=9.87654321),
    }
    assert round4(data) == {
        "f": 1.2346,
        "i": 3,
        "b": True,
        "n": None,
        "s": "x",
        "l": [0.1235, [2.0, False]],
        "od": {"a": 9.8765},
    }
    assert type(round4(data)["od"]) is dict
    assert round4(True) is True and round4(None) is None and round4(2.5) == 2.5


def test_given_json_like_data_when_copied_then_equal_but_independent():
    data = {"a": [1, {"b": 2.5}], "c": (1, 2)}
    out = copy_data(data)
    assert out == data and out["a"] is not data["a"] and out["a"][1] is not data["a"][1]


def test_given_engine_results_when_serialised_then_the_skipped_rounding_gives_the_generic_document(ref):
    """ScoreResult.to_doc skips re-rounding the engine's (already 4-dp) explanation; the document must be
    the one the generic ``round4(model_dump)`` gives, for every example entity and its alternatives."""
    from mips.bench import example_entities
    from mips.engine import score
    from mips.models import Submission

    for doc, profile, cms in example_entities():
        result = score(Submission.model_validate(doc), profile, cms, ref)
        # a result validated afresh is not marked: its explanation is rounded the generic way
        generic = ScoreResult.model_validate(result.model_dump()).to_doc()
        assert json.dumps(result.to_doc()) == json.dumps(generic)


def test_given_a_marked_result_when_copied_then_the_copy_still_skips_the_rounding(ref):
    """``choose`` copies every option (model_copy); the mark must survive, or the explanation would be
    walked again (issue 15)."""
    from mips.bench import example_entities
    from mips.engine import score
    from mips.models import Submission

    doc, profile, cms = example_entities()[0]
    result = score(Submission.model_validate(doc), profile, cms, ref)
    assert result._rounded_explanation is result.explanation
    copied = result.model_copy(update={"alternatives": []})
    assert copied._rounded_explanation is copied.explanation


def test_given_a_replaced_explanation_when_serialised_then_it_is_rounded_again(ref):
    from mips.bench import example_entities
    from mips.engine import score
    from mips.models import Submission

    doc, profile, cms = example_entities()[0]
    result = score(Submission.model_validate(doc), profile, cms, ref)
    result.explanation = {**result.explanation, "value": 12.3456789}
    assert result.to_doc()["explanation"]["value"] == 12.3457


def test_given_a_benchmark_row_when_its_metadata_is_asked_twice_then_one_read_only_dict(ref):
    """benchmark_metadata/benchmark_sentence are computed once per row; the metadata is shared, so it is
    read-only (a caller cannot change what every later entity sees)."""
    from mips.categories.quality_measure import benchmark_metadata, benchmark_sentence

    bm = ref.benchmark("236", "electronicHealthRecord")
    assert bm is not None
    first, second = benchmark_metadata(bm), benchmark_metadata(bm)
    assert first is second
    with pytest.raises(TypeError):
        first["percentiles"]["10"] = -1
    with pytest.raises(TypeError):
        first.update(added=True)
    assert benchmark_sentence(bm) == benchmark_sentence(bm) and benchmark_sentence(bm).startswith(
        "Benchmark 236/"
    )


def test_given_frozen_data_when_rounded_then_the_plain_dicts_rounding_as_fresh_copies():
    """round4 of FrozenData is what it gives for the same plain data, and each call a new copy."""
    plain = {"year": 2024, "pcts": {"1": 0.123456789, "10": 10.0, 20: 55.55555}, "ok": True}
    frozen = FrozenData({**plain, "pcts": FrozenData(plain["pcts"])})
    first, second = round4(frozen), round4(frozen)
    assert json.dumps(first) == json.dumps(round4(plain)) and type(first) is dict
    assert first == second and first is not second and first["pcts"] is not second["pcts"]
    first["pcts"]["1"] = -1
    assert round4(frozen) == second


def test_given_frozen_data_in_a_node_when_copied_pickled_or_dumped_then_same_data():
    """A node holding FrozenData clones, pickles and serialises through pydantic like a dict."""
    frozen = FrozenData({"percentiles": FrozenData({"1": 1.5})})
    node = Node(name="m", value=1.0, metadata={"benchmark": frozen})
    assert node.clone().metadata == node.metadata
    back = pickle.loads(pickle.dumps(frozen))
    assert back == frozen and type(back) is FrozenData
    result = CategoryResult(category="quality", explanation=node)
    assert CategoryResult.model_validate_json(result.model_dump_json()).explanation.metadata == node.metadata


def test_given_the_parameter_files_when_read_with_the_fast_yaml_loader_then_same_data_as_safe_load():
    """rules.loader reads YAML with libyaml's CSafeLoader when present (cold start): same data."""
    import yaml
    from mips.rules.loader import PARAMETERS_DIR, _read_yaml

    files = sorted(PARAMETERS_DIR.glob("*.yaml"))
    assert files
    for path in files:
        assert _read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name


def test_given_data_beyond_json_when_rounded_then_it_is_pydantics_json_form_rounded():
    """round4 output is emitted without re-serialising (issue 15): it must be what pydantic's JSON mode
    gave before rounding - a model as its aliased dict, a set as a list, an int key as a string,
    infinities and NaN as None."""
    from typing import Any

    from mips.models import Submission
    from pydantic import BaseModel

    class Holder(BaseModel):
        data: dict[str, Any]

    model = Submission.model_validate(
        {"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "123456789"}
    )
    data = {
        "model": model,
        "set": {3},
        "keys": {10: 1.234567, 2.5: "x"},
        "inf": float("inf"),
        "nan": [float("nan"), -float("inf")],
        "nested": {"deep": [model, (1, float("inf"))]},
    }
    pydantic_form = Holder(data=data).model_dump(mode="json", by_alias=True)["data"]
    assert round4(data) == round4(pydantic_form)
    assert round4(data)["model"]["performanceYear"] == 2024 and round4(data)["inf"] is None
    assert json.dumps(round4(data)) == json.dumps(round4(pydantic_form))


def test_given_results_with_alternatives_when_serialised_then_the_fast_path_gives_the_generic_document(ref):
    """Facility-based scoring adds an alternative; its explanation is also put in as built."""
    from mips.bench import example_entities
    from mips.engine import score
    from mips.models import CmsData, Submission

    with_alternatives = 0
    for doc, profile, cms in example_entities():
        if cms is None:
            continue
        for quality in (10.0, 95.0):  # the facility's scores lose, then win
            facility = {"qualityScore": quality, "costScore": 50.0, "facilityCcn": "010001"}
            with_facility = CmsData.model_validate(
                {**cms.model_dump(by_alias=True, mode="json"), "facilityBased": facility}
            )
            result = score(Submission.model_validate(doc), profile, with_facility, ref)
            generic = ScoreResult.model_validate(result.model_dump()).to_doc()
            with_alternatives += bool(result.alternatives)
            assert json.dumps(result.to_doc()) == json.dumps(generic)
            assert result.to_doc() == generic
    assert with_alternatives >= 4  # facility-based scoring applied to the examples it can apply to


def test_given_whole_and_signed_zero_floats_when_rounded_then_exactly_what_round_gives():
    """Whole numbers skip ``round`` (issue 15): the emitted JSON must not change, -0.0 included."""
    values = [-0.0, 0.0, 100.0, -7.0, 1e300, 2.0**60, 0.12345, -2.00005, float("inf"), float("nan")]
    expected = [round(v, 4) if v - v == 0.0 else None for v in values]
    assert json.dumps(round4(values)) == json.dumps(expected)
    assert json.dumps(round4({"v": values[0]})) == '{"v": -0.0}'
    assert json.dumps(Node(name="z", value=-0.0).to_doc()["value"]) == "-0.0"
