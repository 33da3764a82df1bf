"""Capture every result document the engine prints for a fixed corpus, to prove a speed-up changes none.

A speed-up of the kernel (issue 15) must leave each result document byte-identical (developers' guide:
"correctness first"). This script scores a fixed corpus and writes one canonical JSON line per result:

* the shipped examples (``shared/mips/examples``, PY2024);
* every golden case (``tests/golden/<year>/*.json``, PY2025 and PY2026);
* results with alternatives (facility-based scores, several reporting options) of 100 generated entities;
* the pipeline's stored category results (JSON, and read back) of 50 generated entities;
* ``--count`` entities from :func:`mips.bench.generate_entities` (the examples with varied counts), scored
  as PY2024 and, re-dated, as PY2025 and PY2026 where the re-dated inputs still validate.

Usage::

    python scripts/result_docs.py capture before.jsonl     # on the old code
    python scripts/result_docs.py capture after.jsonl      # on the new code
    python scripts/result_docs.py compare before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mips.bench import example_entities, generate_entities
from mips.engine import (
    CATEGORIES,
    build_context,
    entity_key,
    evaluate_entity,
    reporting_options,
    score,
    score_category,
)
from mips.models import CmsData, Profile, Submission
from mips.reference import load_reference
from mips.rules import rules_for
from mips.scoring import CategoryResult
from mips.validation import validate_document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
YEARS = (2024, 2025, 2026)


def _line(label: str, doc: Any) -> str:
    """One canonical line: the label, then the document exactly as ``json.dumps`` prints it, and a flag
    when the document is not plain JSON data (e.g. an int dict key, which ``json.dumps`` hides)."""
    text = json.dumps(doc, ensure_ascii=False)
    plain = json.loads(text) == doc
    return json.dumps(
        {"case": label, **({} if plain else {"notPlainJson": True}), "doc": doc}, ensure_ascii=False
    )


def _redate(doc: dict[str, Any] | None, year: int) -> dict[str, Any] | None:
    """An input document moved to another performance year: its year and every 2024 date."""
    if doc is None:
        return None
    text = json.dumps({**doc, "performanceYear": year}).replace('"2024-', f'"{year}-')
    return dict(json.loads(text))


def _validated(doc: dict[str, Any] | None, kind: str, year: int) -> Any:
    """The validated model of ``doc`` for ``year``, or raise ``ValueError`` when it does not validate."""
    if doc is None:
        return None
    report = validate_document(json.dumps(doc), load_reference(year), kind=kind)
    if not report.valid:
        raise ValueError(f"{kind} invalid for {year}")
    return report.model


def _score_docs(sub: Any, profile: Any, cms: Any, year: int) -> Any:
    return score(sub, profile, cms, load_reference(year), rules_for(year)).to_doc()


def golden_lines() -> Iterator[str]:
    """Every golden case's result document."""
    for path in sorted(GOLDEN.glob("*/*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        year = int(path.parent.name)
        inputs = case["inputs"]
        models = [_validated(inputs.get(k), k, year) for k in ("submission", "profile", "cmsData")]
        yield _line(f"golden/{year}/{path.stem}", _score_docs(*models, year))


def example_lines() -> Iterator[str]:
    """The shipped examples, as they are."""
    for i, (sub, profile, cms) in enumerate(example_entities()):
        yield _line(f"example/{i}", _score_docs(Submission.model_validate(sub), profile, cms, 2024))


def generated_lines(count: int) -> Iterator[str]:
    """Generated entities for each year; a re-dated entity that no longer validates is skipped."""
    entities = generate_entities(count)
    for year in YEARS:
        for i, e in enumerate(entities):
            sub = json.loads(e.submission_json)
            prof = e.profile.model_dump(by_alias=True, mode="json") if e.profile else None
            cms = e.cms_data.model_dump(by_alias=True, mode="json") if e.cms_data else None
            try:
                models = (
                    _validated(_redate(sub, year), "submission", year),
                    Profile.model_validate(_redate(prof, year)) if prof else None,
                    CmsData.model_validate(_redate(cms, year)) if cms else None,
                )
            except ValueError:
                continue
            yield _line(f"generated/{year}/{i}", _score_docs(*models, year))


def alternative_lines(count: int) -> Iterator[str]:
    """Results with ``alternatives``: generated entities given facility-based scores (higher and lower
    than their own) and entities whose submission also carries every other example's measurement sets
    (traditional, MVP and APP options scored side by side)."""
    ref, rules = load_reference(2024), rules_for(2024)
    entities = generate_entities(count)
    other_sets = [ms for e in entities[:5] for ms in json.loads(e.submission_json)["measurementSets"]]
    for i, e in enumerate(entities):
        sub = json.loads(e.submission_json)
        if e.cms_data is not None:
            cms = e.cms_data.model_dump(by_alias=True, mode="json")
            scores = {"qualityScore": 20.0 + 7.5 * (i % 11), "costScore": 90.0 - 6.5 * (i % 13)}
            cms["facilityBased"] = {**scores, "facilityCcn": "010001"}
            facility = CmsData.model_validate(cms)
            doc = _score_docs(Submission.model_validate(sub), e.profile, facility, 2024)
            yield _line(f"facility/{i}", doc)
        combined = {**sub, "measurementSets": [*sub["measurementSets"], *other_sets]}
        doc = score(Submission.model_validate(combined), e.profile, e.cms_data, ref, rules).to_doc()
        yield _line(f"combined/{i}", doc)


def category_lines(count: int) -> Iterator[str]:
    """The pipeline's stored form of each category result (``CategoryResult.model_dump_json``, read
    back by the reweighting and aggregator steps) of the first ``count`` generated entities."""
    ref, rules = load_reference(2024), rules_for(2024)
    for i, e in enumerate(generate_entities(count)):
        sub = Submission.model_validate_json(e.submission_json)
        key = entity_key(sub, e.profile, e.cms_data)
        evaluation = evaluate_entity(key, e.profile, rules)
        for option in reporting_options(sub):
            ctx = build_context(key, option, sub, evaluation, e.profile)
            for c in CATEGORIES:
                stored = score_category(c, sub, e.cms_data, ctx, ref, rules).model_dump_json()
                again = CategoryResult.model_validate_json(stored).model_dump_json()
                label = f"category/{i}/{option.reporting_option}/{c}"
                yield _line(label, stored)
                yield _line(label + "/round-trip", again)


def capture(out: Path, count: int) -> int:
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for lines in (
            example_lines(),
            golden_lines(),
            generated_lines(count),
            alternative_lines(100),
            category_lines(50),
        ):
            for line in lines:
                f.write(line + "\n")
                n += 1
    print(f"{n} result documents -> {out}")
    return 0


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    if len(left) != len(right):
        print(f"different number of documents: {len(left)} vs {len(right)}")
        return 1
    bad = [json.loads(x)["case"] for x, y in zip(left, right, strict=True) if x != y]
    for case in bad[:20]:
        print(f"differs: {case}")
    print(f"{len(left) - len(bad)} of {len(left)} documents byte-identical")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out", type=Path)
    cap.add_argument("--count", type=int, default=500)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("a", type=Path)
    cmp_.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "capture":
        return capture(args.out, args.count)
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
