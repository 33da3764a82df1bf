"""``mips score SUBMISSION [--profile FILE] [--cms-data FILE] [--json]``: score one entity in-process.

Every input goes through the same screening and validation as ``mips validate`` and the ingest
function, with the kind its flag names (a CMS-data file passed as ``--profile`` is refused). Exit
codes: 0 scored; 1 an input is invalid or cannot be scored (every problem is printed, with its file and
JSON path); 2 usage error (bad arguments, a file that does not exist or cannot be opened).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Problem
from ..problems import ProblemCode

if TYPE_CHECKING:
    from ..screening import ScreenResult

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score one entity's submission in-process (no AWS)",
        description="Score a QPP submission with the optional CMS profile and CMS-calculated data. "
        "Prints a readable report, or with --json exactly the result document of the contract.",
    )
    p.add_argument(
        "submission",
        metavar="SUBMISSION",
        nargs="?",
        help="QPP Submissions API JSON file, or QRDA III .xml (converted)",
    )
    p.add_argument("--profile", metavar="FILE", help="CMS profile JSON (eligibility, special statuses)")
    p.add_argument("--cms-data", metavar="FILE", dest="cms_data", help="CMS-calculated data JSON (cost, ...)")
    p.add_argument(
        "--json", action="store_true", help="print the result document (the public JSON contract) as JSON"
    )
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
        help="print, per clinician (TIN/NPI), which final score counts and the alternatives; "
        "group and APM Entity profiles list their clinicians in 'clinicians'",
    )
    p.add_argument(
        "--batch",
        metavar="FILE.jsonl|DIR",
        help="score many entities in-process instead of SUBMISSION: a JSON-lines file (one "
        '{"submission", "profile", "cmsData"} object a line; - for stdin) or a folder of entity folders '
        "(submission.json, profile.json, cms-data.json); one JSON line per entity on stdout",
    )
    p.set_defaults(func=run)


class InputError(Exception):
    """An input cannot be used; ``problems`` says exactly why."""

    def __init__(self, file: str, problems: list[Problem], usage: bool = False):
        super().__init__(file)
        self.file = file
        self.problems = problems
        self.usage = usage


_LABEL = {"submission": "submission", "profile": "profile", "cmsData": "CMS data"}


def _read(path: str, kind: str) -> bytes:
    """The file's bytes; a missing or unopenable file is a usage error (exit 2), never a traceback."""
    try:
        p = Path(path)
        if not p.is_file():
            raise InputError(
                path,
                [
                    Problem(
                        path="$", message=f"{_LABEL[kind]} file not found", code=ProblemCode.UNREADABLE_FILE
                    )
                ],
                usage=True,
            )
        return p.read_bytes()
    except (OSError, ValueError) as exc:  # "File name too long", "embedded null byte", permissions
        reason = getattr(exc, "strerror", None) or str(exc)
        shown = ascii(path[:80]) + ("..." if len(path) > 80 else "")
        raise InputError(
            shown,
            [
                Problem(
                    path="$",
                    message=f"cannot open the {_LABEL[kind]} file: {reason}",
                    code=ProblemCode.UNREADABLE_FILE,
                )
            ],
            usage=True,
        ) from exc


def _screen_submission(data: bytes, file: str) -> ScreenResult:
    """The one screening of the submission, done once: its year picks the reference data and
    :func:`mips.validation.validate_screened` then validates it without screening it again."""
    from ..screening import screen

    return screen(data, filename=file, expected_kind="submission")


def _screened_year(screened: ScreenResult) -> int:
    """The submission's performance year (for the reference data); the first scored year when it does
    not tell (the validation then names the year problem)."""
    from ..rules import DEFAULT_PERFORMANCE_YEAR, RULES
    from ..screening import unwrap

    doc = screened.doc
    year = unwrap(doc)[0].get("performanceYear") if doc is not None else None
    if isinstance(year, int) and not isinstance(year, bool) and year in RULES:
        return year
    return DEFAULT_PERFORMANCE_YEAR


def key_mismatch(named: list[tuple[str, str, Any]]) -> str | None:
    """Name both files and every differing entity-key field when the inputs are not for one entity."""
    fields = (
        ("performanceYear", "performance_year"),
        ("entityType", "entity_type"),
        ("taxpayerIdentificationNumber", "taxpayer_identification_number"),
        ("nationalProviderIdentifier", "national_provider_identifier"),
        ("entityId", "entity_id"),
    )
    (first_file, first_kind, first), rest = named[0], named[1:]
    for file, kind, model in rest:
        diffs = []
        for wire, attr in fields:
            a, b = getattr(first.key, attr), getattr(model.key, attr)
            if a != b:
                if attr == "taxpayer_identification_number":  # never a full TIN on screen
                    a, b = f"...{str(a)[-4:]}", f"...{str(b)[-4:]}"
                diffs.append(f"{wire} {b!r} vs {a!r}")
        if diffs:
            return (
                f"the {_LABEL[kind]} {file} and the {_LABEL[first_kind]} {first_file} are for different "
                f"entities: {'; '.join(diffs)} (inputs are joined on performanceYear, entityType, "
                "taxpayerIdentificationNumber and nationalProviderIdentifier or entityId)"
            )
    return None


def _print_problems(err: InputError) -> None:
    for prob in err.problems:
        print(f"{err.file}: {prob.path}: {prob.message}", file=sys.stderr)


def _run_batch(args: argparse.Namespace) -> int:
    if args.batch is None or args.submission or args.profile or args.cms_data or args.entities:
        print(
            "mips score: give either SUBMISSION (with --profile/--cms-data) or --batch FILE.jsonl|DIR",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from .score_batch import run_batch

    return run_batch(args.batch)


def run(args: argparse.Namespace) -> int:
    """Score one entity; QRDA III XML is converted by the one screening (mips.screening), like ingest."""
    from ..engine import InputMismatch, score
    from ..models.result import WarningOut
    from ..reference import ReferenceDataError, load_reference
    from ..report import render_text
    from ..rules import rules_for
    from ..validation import result_warnings, validate_document, validate_screened

    if args.batch is not None or args.submission is None:
        return _run_batch(args)
    given = [(args.submission, "submission"), (args.profile, "profile"), (args.cms_data, "cmsData")]
    given = [(f, k) for f, k in given if f]
    try:
        data = {k: _read(f, k) for f, k in given}
    except InputError as err:
        _print_problems(err)
        return EXIT_USAGE
    screened = _screen_submission(data["submission"], args.submission)
    year = _screened_year(screened)
    try:
        ref = load_reference(year)
    except ReferenceDataError as exc:
        print(f"reference data for {year} unavailable: {exc}", file=sys.stderr)
        return EXIT_INVALID
    # the one screening + validation of mips validate and the ingest function, with the expected kind
    reports = {
        k: validate_screened(screened, ref, kind=k, file=f)
        if k == "submission"
        else validate_document(data[k], ref, kind=k, file=f)
        for f, k in given
    }
    for (f, _kind), report in zip(given, reports.values(), strict=True):
        for warning in report.warnings:
            print(f"{f}: {warning.path}: warning: {warning.message}", file=sys.stderr)
    invalid = [InputError(f, reports[k].errors) for f, k in given if reports[k].errors]
    if invalid:
        for bad in invalid:
            _print_problems(bad)
        return EXIT_INVALID
    models: dict[str, Any] = {k: r.model for k, r in reports.items()}
    mismatch = key_mismatch([(f, k, models[k]) for f, k in given])
    if mismatch is not None:
        print(f"inputs do not match: {mismatch}", file=sys.stderr)
        return EXIT_INVALID
    try:
        result = score(
            models.get("submission"), models.get("profile"), models.get("cmsData"), ref, rules_for(year)
        )
    except InputMismatch as exc:
        print(f"inputs do not match: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except Exception as exc:  # never a traceback for the user: say what failed and where
        print(f"{args.submission}: could not be scored: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    ordered = [reports[k] for k in sorted(reports)]
    result.warnings = [WarningOut.model_validate(w) for w in result_warnings(ordered)]
    if args.entities or args.clinicians:
        from .score_clinicians import report_clinicians

        return report_clinicians(args, result, models.get("profile"), ref, rules_for(year))
    if args.json:
        print(json.dumps(result.to_doc(), indent=2))
    else:
        print(render_text(result), end="")
    return EXIT_OK
