"""Hypothesis fuzzing of the three input parsers (issue 9 done-when): the screening and validation of a
submission, a profile and CMS data never raise, whatever the bytes or values, and every problem carries a
stable code."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mips.problems import ProblemCode
from mips.screening import screen
from mips.validation import validate_document

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples" / "01-individual-clinician"
BASE = {
    "submission": json.loads((EXAMPLE / "submission.json").read_text()),
    "profile": json.loads((EXAMPLE / "profile.json").read_text()),
    "cmsData": json.loads((EXAMPLE / "cms-data.json").read_text()),
}
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: values a hostile or careless registry could put anywhere
hostile = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([10**400, -(10**400), 2**63, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["\ud800", "\x00", "1\n", "１２３", "../..", "\u202e", "01/31/2024", "2024-02-30", ""]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
)


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def _encode(doc: Any) -> bytes:
    """Like a careless exporter: NaN/Infinity as bare words, huge ints in full, lone surrogates kept."""
    return json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")


def _check(report: Any) -> None:
    assert all(isinstance(p.code, ProblemCode) for p in report.problems)
    assert all(p.path.startswith(("$", "/")) for p in report.problems)
    if report.valid:
        assert report.model is not None


@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(sorted(BASE)),
    expected=st.sampled_from([None, "submission", "profile", "cmsData"]),
)
def test_given_a_valid_input_with_one_hostile_value_then_validation_never_raises(ref, data, kind, expected):
    doc = copy.deepcopy(BASE[kind])
    path = data.draw(st.sampled_from(_paths(doc)))
    doc = _set(doc, path, data.draw(hostile))
    _check(validate_document(_encode(doc), ref, kind=expected))
    _check(validate_document(doc if isinstance(doc, dict) else {"x": doc}, ref, kind=expected))


@FUZZ
@given(data=st.data(), kind=st.sampled_from(sorted(BASE)))
def test_given_a_valid_input_with_a_renamed_key_then_never_raises_and_typos_are_errors(ref, data, kind):
    doc = copy.deepcopy(BASE[kind])
    paths = [p for p in _paths(doc) if p and isinstance(p[-1], str)]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1] + "x"] = parent.pop(path[-1])  # a one-letter typo of a known field
    report = validate_document(_encode(doc), ref, kind=kind)
    _check(report)
    assert not report.valid  # a typo of a known field never passes silently (missing, or "did you mean")


@FUZZ
@given(
    blob=st.binary(max_size=300),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"{", b"<", b"[", b"\x1f\x8b"]),
)
def test_given_arbitrary_bytes_then_the_screening_and_validation_never_raise(ref, blob, prefix):
    data = prefix + blob
    for expected in (None, "submission", "profile", "cmsData"):
        result = screen(data, filename="fuzz.json", expected_kind=expected)  # type: ignore[arg-type]
        assert all(isinstance(p.code, ProblemCode) for p in result.problems)
        _check(validate_document(data, ref, kind=expected))


@FUZZ
@given(raw=st.binary(min_size=1, max_size=40), data=st.data(), kind=st.sampled_from(sorted(BASE)))
def test_given_bytes_spliced_into_a_valid_file_then_never_raises(ref, raw, data, kind):
    body = _encode(BASE[kind])
    at = data.draw(st.integers(min_value=0, max_value=len(body)))
    _check(validate_document(body[:at] + raw + body[at:], ref, kind=kind))
