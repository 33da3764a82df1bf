"""``mips reference``: resolve (download and verify if needed) the CMS reference data and say which."""

from __future__ import annotations

import argparse
import sys

from ..reference import ReferenceDataError, load_reference
from ..rules import DEFAULT_PERFORMANCE_YEAR, SCORED_YEARS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reference", help="resolve the CMS qpp-measures-data files and print their version")
    p.add_argument(
        "--year",
        type=int,
        default=DEFAULT_PERFORMANCE_YEAR,
        help=f"performance year (default {DEFAULT_PERFORMANCE_YEAR}; scored: {SCORED_YEARS})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        ref = load_reference(args.year)
    except ReferenceDataError as exc:
        print(f"mips reference: {exc}", file=sys.stderr)
        return 1
    print(
        f"reference data {ref.version} for {args.year} ({ref.origin}: {ref.directory}); "
        f"{len(ref.measures)} measures, {len(ref.benchmarks)} benchmarks, {len(ref.mvps)} MVPs"
    )
    return 0
