"""The fast paths of the screening and validation (issue 15) answer exactly what the full checks answer.

Each fast path decides "nothing to report" cheaply and hands anything else to the original check, so
the problems (code, path, message, order) never change. These tests pin the decisions that could drift:
the depth scan against the byte-by-byte scanner it replaced, the skipped walks against the files that
need them, and the cached verdicts against fresh ones. The before/after comparison over every corpus,
sample, example, golden and generated file is ``scripts/compare_validation.py``.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mips.models import Submission
from mips.models.submission import (
    CahpsValue,
    NonProportionValue,
    ProportionValue,
    SingleRateValue,
)
from mips.problems import ProblemCode
from mips.screening import MAX_JSON_DEPTH, _json_depth, screen
from mips.validation import validate_document, validate_screened
from mips.validation_fields import unknown_field_problems
from mips.validation_submission import (
    _MAX_VERDICTS,
    SubmissionChecker,
    counts_add_up,
    reference_views,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples" / "01-individual-clinician"
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "bad"


def _submission() -> dict:
    return json.loads((EXAMPLE / "submission.json").read_text())


def _codes(report) -> list[str]:
    return [str(p.code) for p in report.problems]


def _byte_scanner_depth(data: bytes) -> int:
    """The scanner the depth check used to be (one Python step per byte): the specification."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


# -- the depth scan ------------------------------------------------------------------------------------
@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"a", b":", b"\xff"]), max_size=300))
def test_given_any_bytes_then_the_depth_is_the_byte_scanners(pieces):
    data = b"".join(pieces)
    assert _json_depth(data) == _byte_scanner_depth(data)


@pytest.mark.parametrize("depth", [1, 62, 63, 64, 200])
@pytest.mark.parametrize("escape", [b"", b'"a\\"[[[[' + b"[" * 70 + b'"'])
def test_given_nesting_around_the_limit_then_only_deeper_than_64_is_rejected(depth, escape):
    # given nested arrays, with or without a string full of brackets (and an escaped quote) before them
    data = b'{"s": "' + escape.strip(b'"') + b'", "x": ' + b"[" * depth + b"]" * depth + b"}"
    # when screened, then the depth is the byte scanner's and only beyond the limit a rejection
    assert _json_depth(data) == _byte_scanner_depth(data)
    codes = [p.code for p in screen(data).problems]
    assert (ProblemCode.JSON_TOO_DEEP in codes) == (depth + 1 > MAX_JSON_DEPTH)  # + the outer object


# -- strings and numbers: the walk is skipped only when it cannot find anything -------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"entityId": "A\\u0000B"', ProblemCode.BAD_STRING),
        ('"a\\u0000": 1', ProblemCode.BAD_STRING),
        ('"note": "\\ud800"', ProblemCode.BAD_STRING),
        ('"note": "caf\\u00e9"', None),
        ('"count": 1234567890123456', ProblemCode.NUMBER_TOO_LARGE),
        ('"count": 123456789012345', None),
        ('"note": "1234567890123456"', None),
    ],
)
def test_given_an_escape_or_a_long_number_deep_in_a_file_then_the_screening_still_names_it(text, code):
    doc = _submission()
    raw = json.dumps(doc).encode()
    # given a value added inside the first measurement
    data = raw.replace(b'"measureId":', text.encode() + b', "measureId":', 1)
    # when screened
    found = [p.code for p in screen(data, expected_kind="submission").errors]
    # then the string or number problem is there exactly when the file has one
    assert (
        (code in found) if code else not {ProblemCode.BAD_STRING, ProblemCode.NUMBER_TOO_LARGE} & set(found)
    )


# -- duplicate sets: canonical JSON only for look-alikes ---------------------------------------------
def test_given_two_identical_sets_then_the_second_is_a_duplicate():
    doc = _submission()
    doc["measurementSets"].append(copy.deepcopy(doc["measurementSets"][0]))
    codes = [p.code for p in screen(json.dumps(doc).encode()).problems]
    assert ProblemCode.DUPLICATE_SET in codes


@pytest.mark.parametrize("change", [("performanceEnd", "2024-12-30"), ("cehrtId", None)])
def test_given_look_alike_sets_that_differ_in_one_field_then_no_duplicate(change):
    # given two sets with the same keys, category, method and number of measurements
    doc = _submission()
    twin = copy.deepcopy(doc["measurementSets"][0])
    twin[change[0]] = change[1]
    doc["measurementSets"].append(twin)
    # then they are not duplicates (their canonical JSON differs)
    codes = [p.code for p in screen(json.dumps(doc).encode()).problems]
    assert ProblemCode.DUPLICATE_SET not in codes


def test_given_sets_equal_as_python_values_but_not_as_json_then_no_duplicate():
    # 1 == 1.0 in Python, but the canonical JSON tells them apart, as before
    doc = _submission()
    doc["measurementSets"][0]["extra"] = 1
    twin = copy.deepcopy(doc["measurementSets"][0])
    twin["extra"] = 1.0
    doc["measurementSets"].append(twin)
    codes = [p.code for p in screen(json.dumps(doc).encode()).problems]
    assert ProblemCode.DUPLICATE_SET not in codes


# -- unknown fields: the path-free walk sends any unknown key to the full one ---------------------------
@pytest.mark.parametrize("where", ["envelope", "set", "measurement", "value", "stratum"])
def test_given_an_unknown_key_at_any_level_then_it_is_reported_with_its_path(where, ref):
    doc = _submission()
    sets = doc["measurementSets"]
    quality = next(s for s in sets if s["category"] == "quality")
    measurement = quality["measurements"][0]
    target = {
        "envelope": doc,
        "set": quality,
        "measurement": measurement,
        "value": measurement["value"],
    }.get(where)
    if where == "stratum":
        measurement["value"] = {"strata": [{**measurement["value"], "stratum": "overall"}]}
        target = measurement["value"]["strata"][0]
    target["performanceMett"] = 1
    found = unknown_field_problems("submission", doc)
    assert [p.code for p in found] == [ProblemCode.UNKNOWN_FIELD]
    assert found[0].path.endswith(".performanceMett")


def test_given_a_clean_submission_then_no_unknown_field():
    assert unknown_field_problems("submission", _submission()) == []


# -- counts: the cheap check is the exact negation of check_counts ---------------------------------------
counts = st.integers(min_value=0, max_value=30)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.booleans(),
        st.builds(
            SingleRateValue,
            performance_met=counts,
            performance_not_met=counts,
            eligible_population=counts,
            eligible_population_exclusion=counts,
            eligible_population_exception=counts,
        ),
        st.builds(ProportionValue, numerator=counts, denominator=counts),
        st.builds(
            NonProportionValue,
            numerator=st.floats(0, 30),
            denominator=counts,
            numerator_exclusion=counts,
            denominator_exception=counts,
            observation_instances=counts,
        ),
        st.builds(CahpsValue, performance_rate=st.floats(0, 100)),
    )
)
def test_given_any_plain_value_then_counts_add_up_exactly_when_check_counts_is_silent(value, ref):
    checker = SubmissionChecker(ref=ref, rules=None)
    checker.check_counts("$.v", value)
    assert counts_add_up(value) == (not checker.problems)


# -- cached verdicts -------------------------------------------------------------------------------------
def test_given_the_same_file_twice_then_the_cached_verdicts_give_the_same_report(ref):
    data = (CORPUS / "measure-id-lowercase" / "input.json").read_bytes()
    first = validate_document(data, ref, kind="submission")
    again = validate_document(data, ref, kind="submission")
    assert first.problems == again.problems and not first.valid


def test_given_many_unknown_measure_ids_then_the_verdict_cache_stays_bounded(ref):
    doc = _submission()
    quality = next(s for s in doc["measurementSets"] if s["category"] == "quality")
    template = quality["measurements"][0]
    rng = random.Random(15)
    for _ in range(3):
        quality["measurements"] = [
            {**template, "measureId": f"X{rng.randrange(10**9)}"} for _ in range(_MAX_VERDICTS // 2)
        ]
        parsed = Submission.model_validate(doc)
        SubmissionChecker(ref=ref, rules=None).check(doc, parsed)
    tables = reference_views(ref).verdicts.values()
    assert all(len(t) <= _MAX_VERDICTS for t in tables)


# -- one screening per file -----------------------------------------------------------------------------
@pytest.mark.parametrize("case", sorted(p.parent.name for p in CORPUS.glob("*/case.json")))
def test_given_a_screened_corpus_file_then_validate_screened_is_validate_document(case, ref):
    meta = json.loads((CORPUS / case / "case.json").read_text())
    data = (CORPUS / case / meta["file"]).read_bytes()
    screened = screen(data, filename=meta["file"], expected_kind=meta["as"])
    once = validate_screened(screened, ref, kind=meta["as"], file=meta["file"])
    twice = validate_document(data, ref, kind=meta["as"], file=meta["file"])
    assert once.model_dump() == twice.model_dump()


def test_given_strata_in_one_set_and_too_many_strata_in_a_later_one_then_the_later_is_named():
    # given a stratified measurement in the first set and 101 strata in the last set's measurement
    doc = _submission()
    sets = doc["measurementSets"]
    stratum = {"stratum": "overall", "performanceMet": 1, "eligiblePopulation": 2}
    sets[0]["measurements"][0]["value"] = {"strata": [stratum]}
    sets[-1]["measurements"][-1]["value"] = {"strata": [stratum] * 101}
    # when screened
    found = [p for p in screen(json.dumps(doc).encode()).problems if p.code == ProblemCode.TOO_MANY_ITEMS]
    # then the long list is named at its path
    where = f"$.measurementSets[{len(sets) - 1}].measurements[{len(sets[-1]['measurements']) - 1}]"
    assert [p.path for p in found] == [f"{where}.value.strata"]


def test_given_two_byte_order_marks_then_the_second_is_json_s_own_error():
    # the decoder is built once now; json.loads's check for a BOM in the text must still apply
    data = b"\xef\xbb\xbf\xef\xbb\xbf" + (EXAMPLE / "submission.json").read_bytes()
    errors = screen(data, expected_kind="submission").errors
    assert [p.code for p in errors] == [ProblemCode.NOT_JSON]
    assert "Unexpected UTF-8 BOM" in errors[0].message
