"""``mips convert FILE.xml [--json]``: QRDA Category III XML -> QPP Submissions JSON, as CMS converts it.

Prints the QPP submission JSON (ready for ``mips validate`` / ``mips score``); every problem goes to
stderr as ``FILE: XPATH: [CODE, CMS n] message; expected ...``. With ``--json`` one JSON document
``{"file", "converted", "submission", "problems"}`` is printed instead. Exit 0 converted, 1 the file has
errors (no submission), 2 usage error (no such file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert",
        help="convert a QRDA Category III XML file to QPP submission JSON (as CMS's converter does)",
        description=(
            "Convert QRDA Category III XML to QPP Submissions API JSON exactly as CMS's converter does. "
            "Every problem is reported with its XPath, a stable code and CMS's error number. "
            "Exit 0 = converted, 1 = not convertible, 2 = usage error."
        ),
    )
    p.add_argument("file", metavar="FILE.xml", help="QRDA Category III XML file")
    p.add_argument(
        "--json", action="store_true", help="print {file, converted, submission, problems} as JSON"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..qrda3 import convert_path
    from ..reference import ReferenceDataError

    path = Path(args.file)
    if not path.is_file():
        print(f"mips convert: no such file: {args.file}", file=sys.stderr)
        return EXIT_USAGE
    try:
        conversion = convert_path(str(path))
    except ReferenceDataError as exc:
        print(f"mips convert: measures data unavailable: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        doc = {
            "file": str(path),
            "converted": conversion.submission is not None,
            "performanceYearRules": conversion.rules_year,
            "submission": conversion.submission,
            "problems": [p.to_doc() for p in conversion.problems],
        }
        print(json.dumps(doc, indent=2))
    else:
        for p in conversion.problems:
            print(f"{path}: {p.xpath}: {p.severity}: {p.text()}", file=sys.stderr)
        if conversion.submission is not None:
            print(json.dumps(conversion.submission, indent=2))
    return EXIT_OK if conversion.submission is not None else EXIT_INVALID
