"""``mips score FILE.xml``: convert the QRDA III file, then score the QPP JSON exactly like a .json input."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

EXIT_INVALID, EXIT_USAGE = 1, 2


def run_converted(args: argparse.Namespace, score: Callable[[argparse.Namespace], int]) -> int:
    """Convert ``args.submission``; on errors print them (``FILE: XPATH: message``) and exit 1; else score
    the converted JSON (written to a temporary ``<name>.qpp.json``, named in every later message)."""
    from ..qrda3 import convert_path, to_problems

    source = Path(args.submission)
    if not source.is_file():
        print(f"{args.submission}: $: submission file not found", file=sys.stderr)
        return EXIT_USAGE
    conversion = convert_path(str(source))
    for problem in to_problems(conversion, str(source)):
        label = "" if problem.severity == "error" else "warning: "
        print(f"{source}: {problem.path}: {label}{problem.message}", file=sys.stderr)
    if conversion.submission is None:
        return EXIT_INVALID
    import json

    with tempfile.TemporaryDirectory(prefix="mips-qrda3-") as tmp:
        converted = Path(tmp) / f"{source.stem}.qpp.json"
        converted.write_text(json.dumps(conversion.submission))
        print(f"{source}: converted from QRDA III to QPP JSON ({converted.name})", file=sys.stderr)
        return score(argparse.Namespace(**{**vars(args), "submission": str(converted)}))
