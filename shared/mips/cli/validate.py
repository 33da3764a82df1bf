"""``mips validate FILE...``: check submissions, profiles and CMS-data files (contract 3).

Exit 0 when every file is valid, 1 when any is invalid, 2 on a usage error (no file given, a file that
does not exist, reference data that cannot be found). A directory stands for the ``*.json`` files in it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..reference import ReferenceDataError, load_reference
from ..rules import DEFAULT_PERFORMANCE_YEAR, SCORED_YEARS
from ..validation import KINDS, ValidationReport, validate_file

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="check submission, profile and CMS-data files against the models and the CMS reference data",
        description=(
            "Validate input files (QPP submission JSON, profiles, CMS data). Every problem of every file is "
            "listed with its JSON path. Exit 0 = all valid, 1 = some invalid, 2 = usage error."
        ),
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="JSON files, or QRDA III .xml files (converted first); a directory means its *.json files",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array of reports instead of text")
    p.add_argument(
        "--kind",
        choices=KINDS,
        default=None,
        help="treat every file as this kind (default: detect by content)",
    )
    p.add_argument(
        "--year",
        type=int,
        default=None,
        help="validate every file against this performance year's reference data (default: the year each "
        f"file names, {DEFAULT_PERFORMANCE_YEAR} when it names none; scored: {SCORED_YEARS})",
    )
    p.set_defaults(func=run)


def expand(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files to validate (directories expanded to their *.json files) and the arguments that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for arg in paths:
        path = Path(arg)
        try:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
            elif path.is_file():
                files.append(path)
            else:
                missing.append(arg)
        except (OSError, ValueError):  # "File name too long", "embedded null byte": not a usable file
            missing.append(ascii(arg[:120]) + ("..." if len(arg) > 120 else ""))
    return files, missing


def render(report: ValidationReport) -> str:
    """One verdict line, then one ``severity path: message`` line per problem."""
    n_err, n_warn = len(report.errors), len(report.warnings)
    counts = ", ".join(
        part
        for part in (
            f"{n_err} error{'s' * (n_err != 1)}" if n_err else "",
            f"{n_warn} warning{'s' * (n_warn != 1)}" if n_warn else "",
        )
        if part
    )
    verdict = "VALID  " if report.valid else "INVALID"
    lines = [f"{verdict} {report.file} ({report.kind})" + (f": {counts}" if counts else "")]
    lines.extend(f"  {p.severity:<7} {p.path}: {p.message}" for p in report.problems)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if not args.files:
        print("mips validate: give at least one FILE to validate", file=sys.stderr)
        return EXIT_USAGE
    files, missing = expand(args.files)
    if missing:
        for arg in missing:
            print(f"mips validate: no such file: {arg}", file=sys.stderr)
        return EXIT_USAGE
    if not files:
        print("mips validate: no .json files in the given directories", file=sys.stderr)
        return EXIT_USAGE
    try:
        ref = load_reference(args.year or DEFAULT_PERFORMANCE_YEAR)
    except ReferenceDataError as exc:
        print(f"mips validate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # the year each file names picks its reference data, unless --year forces one (QRDA III XML is
    # converted by the screening first, so it is named by its QPP JSON)
    ref_for = (lambda _year: ref) if args.year else load_reference
    reports = [validate_file(f, ref_for, ref, kind=args.kind) for f in files]
    if args.json:
        print(json.dumps([r.to_doc() for r in reports], indent=2))
    else:
        for r in reports:
            print(render(r))
        n_bad = sum(not r.valid for r in reports)
        print(f"{len(reports) - n_bad} of {len(reports)} file(s) valid (reference data {ref.version})")
    return EXIT_OK if all(r.valid for r in reports) else EXIT_INVALID
