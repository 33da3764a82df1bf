"""``mips report RESULT.json|SUBMISSION|FOLDER... [--profile FILE] [--cms-data FILE] [-o DIR]``.

Writes one self-contained HTML page per entity plus ``index.html`` (the portfolio, sortable) into DIR.
Each input is a result document (contract 2, e.g. from ``mips score --json`` or ``mips run-local``), a
submission to score (with ``--profile``/``--cms-data`` as in ``mips score``, when only one is given), a
folder holding ``submission.json`` (+ ``profile.json``, ``cms-data.json``), a folder of such folders
(``shared/mips/examples``) or a folder of result documents (``out/results``).

Exit codes (contract 3): 0 every report written; 1 an input is invalid or cannot be scored (every
problem is printed; the other reports are still written); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
#: file names of an entity folder (shared/mips/examples/*)
FOLDER_FILES = {"submission": "submission.json", "profile": "profile.json", "cmsData": "cms-data.json"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write HTML score reports (one page per entity + a sortable index)",
        description="Write a self-contained HTML score report per entity (charts as inline SVG, no network) "
        "and an index page, from result documents, submissions or folders of examples.",
    )
    p.add_argument("inputs", nargs="+", metavar="RESULT|SUBMISSION|FOLDER")
    p.add_argument("--profile", metavar="FILE", help="CMS profile JSON for a single SUBMISSION")
    p.add_argument("--cms-data", metavar="FILE", dest="cms_data", help="CMS-calculated data for a SUBMISSION")
    p.add_argument("-o", "--out", default="mips-reports", help="output folder (default: ./mips-reports)")
    p.set_defaults(func=run)


@dataclass
class Job:
    """One entity to report: a result document already, or input files to score."""

    source: str
    result: dict[str, Any] | None = None
    files: dict[str, Path] = field(default_factory=dict)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _is_result(doc: Any) -> bool:
    return isinstance(doc, dict) and {"finalScore", "categories", "explanation"} <= set(doc)


def _result_problems(doc: dict[str, Any]) -> list[str]:
    """Why a document that looks like a result is not one (contract 2), as ``$.path: message`` lines."""
    from pydantic import ValidationError

    from ..models.common import problems_from_validation_error
    from ..models.result import ScoreResult

    try:
        ScoreResult.model_validate(doc)
    except ValidationError as exc:
        return [
            f"{p.path}: {p.message} (not a valid result document)"
            for p in problems_from_validation_error(exc)
        ]
    return []


def _jobs(inputs: list[str], profile: str | None, cms_data: str | None) -> Iterator[Job | str]:
    """Jobs for the inputs, or an error sentence for an input that is none of the accepted kinds."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            if (path / FOLDER_FILES["submission"]).is_file():
                files = {k: path / n for k, n in FOLDER_FILES.items() if (path / n).is_file()}
                yield Job(source=str(path), files=files)
                continue
            found = False
            for child in sorted(path.iterdir()):
                if child.is_dir() and (child / FOLDER_FILES["submission"]).is_file():
                    found = True
                    yield Job(
                        source=str(child),
                        files={k: child / n for k, n in FOLDER_FILES.items() if (child / n).is_file()},
                    )
            for file in sorted(path.rglob("*.json")):
                try:
                    doc = _read_json(file)
                except (OSError, ValueError):
                    continue
                if _is_result(doc):
                    found = True
                    problems = _result_problems(doc)
                    if problems:
                        yield "\n".join(f"{file}: {line}" for line in problems)
                        continue
                    yield Job(source=str(file), result=doc)
            if not found:
                yield f"{path}: no result documents and no folder with a submission.json found"
            continue
        if not path.is_file():
            yield f"{path}: file not found"
            continue
        try:
            doc = _read_json(path)
        except (OSError, ValueError) as exc:
            yield f"{path}: $: not a readable JSON file: {exc}"
            continue
        if _is_result(doc):
            problems = _result_problems(doc)
            if problems:
                yield "\n".join(f"{path}: {line}" for line in problems)
                continue
            yield Job(source=str(path), result=doc)
        else:
            files = {"submission": path}
            if profile:
                files["profile"] = Path(profile)
            if cms_data:
                files["cmsData"] = Path(cms_data)
            yield Job(source=str(path), files=files)


def _performance_year(path: Path) -> int | None:
    try:
        doc = _read_json(path)
    except (OSError, ValueError):
        return None
    inner = doc.get("data", {}).get("submission") if isinstance(doc, dict) and "data" in doc else doc
    year = inner.get("performanceYear") if isinstance(inner, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _score(job: Job) -> tuple[dict[str, Any] | None, list[str]]:
    """Validate and score a job's input files: (result document, problems as printable lines)."""
    from ..engine import InputMismatch, score
    from ..reference import ReferenceDataError, load_reference
    from ..rules import UnsupportedPerformanceYear, rules_for
    from ..validation import validate_path

    sub_path = job.files["submission"]
    year = _performance_year(sub_path)
    if year is None:
        return None, [f"{sub_path}: $.performanceYear: missing or not a year (is this a submission?)"]
    try:
        rules = rules_for(year)
        ref = load_reference(year)
    except (UnsupportedPerformanceYear, ReferenceDataError) as exc:
        return None, [f"{sub_path}: $.performanceYear: {exc}"]
    models: dict[str, Any] = {}
    problems: list[str] = []
    for kind, path in job.files.items():
        if not path.is_file():
            problems.append(f"{path}: {kind} file not found")
            continue
        report = validate_path(path, ref, kind=kind)
        problems += [f"{path}: {p.path}: {p.message}" for p in report.errors]
        models[kind] = report.model
    if problems:
        return None, problems
    try:
        result = score(models.get("submission"), models.get("profile"), models.get("cmsData"), ref, rules)
    except InputMismatch as exc:
        return None, [f"{job.source}: inputs do not match: {exc}"]
    return result.to_doc(), []


def run(args: argparse.Namespace) -> int:
    from ..reference import ReferenceDataError, load_reference
    from ..report_html import render_entity, render_index, report_file_name

    out = Path(args.out)
    if (args.profile or args.cms_data) and len(args.inputs) != 1:
        print("--profile/--cms-data go with exactly one SUBMISSION", file=sys.stderr)
        return EXIT_USAGE
    failed = False
    docs: list[dict[str, Any]] = []
    for job in _jobs(args.inputs, args.profile, args.cms_data):
        if isinstance(job, str):
            print(job, file=sys.stderr)
            failed = True
            continue
        doc, problems = (job.result, []) if job.result is not None else _score(job)
        for line in problems:
            print(line, file=sys.stderr)
        if doc is None:
            print(f"{job.source}: no report written", file=sys.stderr)
            failed = True
            continue
        docs.append(doc)
    out.mkdir(parents=True, exist_ok=True)
    entries: list[tuple[dict[str, Any], str]] = []
    for doc in docs:
        try:
            ref = load_reference(int(doc["performanceYear"]))
        except (ReferenceDataError, ValueError, KeyError):
            ref = None  # titles then come from the tree only
        name = report_file_name(doc)
        (out / name).write_text(render_entity(doc, ref=ref), encoding="utf-8")
        entries.append((doc, name))
        print(f"wrote {out / name}")
    (out / "index.html").write_text(render_index(entries), encoding="utf-8")
    print(f"wrote {out / 'index.html'} ({len(entries)} entit{'y' if len(entries) == 1 else 'ies'})")
    return EXIT_INVALID if failed else EXIT_OK
