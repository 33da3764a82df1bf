"""``mips score SUBMISSION [--profile FILE] [--cms-data FILE] [--json]``: score one entity in-process.

Exit codes (contract 3): 0 scored; 1 an input is invalid or cannot be scored (every problem is printed,
with its file and JSON path); 2 usage error (bad arguments, a file that does not exist).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..models import CmsData, Problem, Profile, Submission
from ..models.common import problems_from_validation_error

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

M = TypeVar("M", bound=BaseModel)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score one entity's submission in-process (no AWS)",
        description="Score a QPP submission with the optional CMS profile and CMS-calculated data. "
        "Prints a readable report, or with --json exactly the result document of the contract.",
    )
    p.add_argument("submission", metavar="SUBMISSION", help="QPP Submissions API JSON file")
    p.add_argument("--profile", metavar="FILE", help="CMS profile JSON (eligibility, special statuses)")
    p.add_argument("--cms-data", metavar="FILE", dest="cms_data", help="CMS-calculated data JSON (cost, ...)")
    p.add_argument("--json", action="store_true", help="print the result document (contract 2) as JSON")
    p.add_argument(
        "--entity",
        metavar="SUBMISSION[,PROFILE[,CMS_DATA]]",
        dest="entities",
        action="append",
        default=[],
        help="another entity's files (comma-separated; leave a part empty to omit it), e.g. the group "
        "or APM Entity a clinician also belongs to; implies --clinicians",
    )
    p.add_argument(
        "--clinicians",
        action="store_true",
        help="print, per clinician (TIN/NPI), which final score counts and the alternatives (spec 9.2); "
        "group and APM Entity profiles list their clinicians in 'clinicians'",
    )
    p.set_defaults(func=run)


class InputError(Exception):
    """An input cannot be used; ``problems`` says exactly why."""

    def __init__(self, file: str, problems: list[Problem], usage: bool = False):
        super().__init__(file)
        self.file = file
        self.problems = problems
        self.usage = usage


def _hint(doc: Any, kind: str) -> list[Problem]:
    """Recognise common wrong files and placeholder years so the message says what is really wrong."""
    hints: list[Problem] = []
    if isinstance(doc, dict):
        if "name" in doc and "parts" in doc and "measurementSets" not in doc:
            hints.append(
                Problem(
                    path="$",
                    message=f"this is a scoring-engine output (score tree named {doc.get('name')!r}), "
                    f"not a {kind}",
                )
            )
        inner = doc.get("data", {}).get("submission") if isinstance(doc.get("data"), dict) else None
        year = (inner if isinstance(inner, dict) else doc).get("performanceYear")
        if isinstance(year, str) and not year.strip().isdigit():
            hints.append(
                Problem(
                    path="$.performanceYear",
                    message=f"performanceYear is the placeholder {year!r}: a template, fill in the year",
                )
            )
    return hints


def _load(path: str, model: type[M], kind: str) -> M:
    p = Path(path)
    if not p.is_file():
        raise InputError(path, [Problem(path="$", message=f"{kind} file not found")], usage=True)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, [Problem(path="$", message=f"cannot read the {kind} file: {exc}")]) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            [Problem(path="$", message=f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")],
        ) from exc
    if not isinstance(doc, dict):
        raise InputError(path, [Problem(path="$", message=f"a {kind} must be a JSON object")])
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise InputError(path, _hint(doc, kind) + problems_from_validation_error(exc)) from exc


def _validation_problems(files: list[tuple[str, str]], ref: Any) -> list[InputError]:
    """Reference-data checks of ``mips.validation`` (unknown measure ids, dates outside the year, ...)
    when that module is installed; ``files`` is ``[(path, kind)]``. Warnings are printed, not fatal."""
    try:
        validate_path = importlib.import_module("mips.validation").validate_path
    except (ImportError, AttributeError):
        return []
    failed: list[InputError] = []
    for path, kind in files:
        report = validate_path(Path(path), ref, kind=kind)
        for warning in getattr(report, "warnings", []):
            print(f"{path}: {warning.path}: warning: {warning.message}", file=sys.stderr)
        errors = list(getattr(report, "errors", []))
        if errors:
            failed.append(InputError(path, errors))
    return failed


def _print_problems(err: InputError) -> None:
    for prob in err.problems:
        print(f"{err.file}: {prob.path}: {prob.message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from ..engine import InputMismatch, score
    from ..reference import ReferenceDataError, load_reference
    from ..report import render_text
    from ..rules import UnsupportedPerformanceYear, rules_for

    try:
        submission = _load(args.submission, Submission, "submission")
        profile = _load(args.profile, Profile, "profile") if args.profile else None
        cms_data = _load(args.cms_data, CmsData, "CMS data") if args.cms_data else None
    except InputError as err:
        _print_problems(err)
        return EXIT_USAGE if err.usage else EXIT_INVALID

    year = submission.performance_year
    try:
        rules = rules_for(year)
    except UnsupportedPerformanceYear as exc:
        print(
            f"{args.submission}: $.performanceYear: {exc} (measure ids, benchmarks and rules differ by year; "
            "this file cannot be scored)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        ref = load_reference(year)
    except ReferenceDataError as exc:
        print(f"reference data for {year} unavailable: {exc}", file=sys.stderr)
        return EXIT_INVALID
    given = [(args.submission, "submission"), (args.profile, "profile"), (args.cms_data, "cmsData")]
    invalid = _validation_problems([(f, k) for f, k in given if f], ref)
    if invalid:
        for bad in invalid:
            _print_problems(bad)
        return EXIT_INVALID
    try:
        result = score(submission, profile, cms_data, ref, rules)
    except InputMismatch as exc:
        print(f"inputs do not match: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # never a traceback for the user: say what failed and where
        print(f"{args.submission}: could not be scored: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if args.entities or args.clinicians:
        from .score_clinicians import report_clinicians

        return report_clinicians(args, result, profile, ref, rules)
    if args.json:
        print(json.dumps(result.to_doc(), indent=2))
    else:
        print(render_text(result), end="")
    return EXIT_OK
