"""Golden cases as data (issue #12): every ``tests/golden/<year>/*.json`` is scored and checked.

A case file holds everything an analyst needs to add one without Python:

* ``name``, ``description``: what the case shows;
* ``source``: the rule it exercises (section of ../shared/spec/rules-2025-2026.md or the 2024 digest);
* ``arithmetic``: the hand computation of the expected figures;
* ``inputs``: ``submission``, ``profile`` and ``cmsData`` documents (contract 1; ``null`` when absent);
* ``expected``: ``{path: value}`` checked on the result document (contract 2). A path is dotted keys,
  ``[n]`` list indexes and ``[name=x]`` (the list item whose ``name`` is x, e.g. explanation nodes).
  Numbers match to 4 decimals; ``null`` means absent or null; ``{"contains": "text"}`` means a string
  (or one item of a list of strings) containing the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from mips.engine import score
from mips.reference import load_reference
from mips.rules import rules_for
from mips.validation import validate_document

GOLDEN = Path(__file__).resolve().parent
CASES = sorted(GOLDEN.glob("*/*.json"))
REQUIRED_KEYS = {"name", "description", "source", "arithmetic", "inputs", "expected"}
_MISSING = object()
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]|\[name=([^\]]+)\]")


def _get(doc: Any, path: str) -> Any:
    cur = doc
    for key, index, name in _STEP.findall(path):
        if key:
            if not isinstance(cur, dict) or key not in cur:
                return _MISSING
            cur = cur[key]
        elif index:
            if not isinstance(cur, list) or int(index) >= len(cur):
                return _MISSING
            cur = cur[int(index)]
        else:
            found = (
                [x for x in cur if isinstance(x, dict) and x.get("name") == name]
                if isinstance(cur, list)
                else []
            )
            if not found:
                return _MISSING
            cur = found[0]
    return cur


def _check(actual: Any, expected: Any, path: str) -> str | None:
    if expected is None:
        return None if actual is _MISSING or actual is None else f"{path}: expected absent, got {actual!r}"
    if actual is _MISSING:
        return f"{path}: missing from the result"
    if isinstance(expected, dict) and set(expected) == {"contains"}:
        text = expected["contains"]
        items = actual if isinstance(actual, list) else [actual]
        ok = any(isinstance(i, str) and text in i for i in items)
        return None if ok else f"{path}: no {text!r} in {actual!r}"
    if isinstance(expected, bool) or not isinstance(expected, int | float):
        return None if actual == expected else f"{path}: expected {expected!r}, got {actual!r}"
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        return f"{path}: expected the number {expected!r}, got {actual!r}"
    return None if abs(actual - expected) <= 1e-4 else f"{path}: expected {expected!r}, got {actual!r}"


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_given_the_golden_folders_then_each_year_has_its_minimum_of_cases():
    """Issue #12: at least 15 golden cases for PY2025 and 5 for PY2026."""
    counts = {y: sum(1 for c in CASES if c.parent.name == y) for y in ("2025", "2026")}
    assert counts["2025"] >= 15 and counts["2026"] >= 5, counts


@pytest.mark.parametrize("path", CASES, ids=_case_id)
def test_golden_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert set(case) >= REQUIRED_KEYS, f"{path.name}: lacks {sorted(REQUIRED_KEYS - set(case))}"
    assert case["expected"], f"{path.name}: no expected figures"
    year = int(path.parent.name)
    ref, rules = load_reference(year), rules_for(year)
    models: dict[str, Any] = {}
    for kind in ("submission", "profile", "cmsData"):
        doc = case["inputs"].get(kind)
        if doc is None:
            continue
        assert doc.get("performanceYear") == year, f"{kind} is not a {year} document"
        report = validate_document(json.dumps(doc), ref, kind=kind)
        assert report.valid, f"{kind}: " + "; ".join(f"{p.path}: {p.message}" for p in report.errors)
        models[kind] = report.model
    result = score(models.get("submission"), models.get("profile"), models.get("cmsData"), ref, rules)
    doc = result.to_doc()
    problems = [p for p in (_check(_get(doc, k), v, k) for k, v in case["expected"].items()) if p is not None]
    assert not problems, f"{case['name']} ({case['source']}):\n  " + "\n  ".join(problems)
