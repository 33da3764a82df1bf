"""``mips rules``: print the per-year rules table (every parameter, its value and its citation)."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from typing import Any

from ..rules import DEFAULT_PERFORMANCE_YEAR, SCORED_YEARS, UnsupportedPerformanceYear, rules_for
from ..rules.loader import rows_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="list the scoring parameters of a year with their citations")
    p.add_argument(
        "--year",
        type=int,
        default=DEFAULT_PERFORMANCE_YEAR,
        help=f"performance year (default {DEFAULT_PERFORMANCE_YEAR}; scored: {SCORED_YEARS})",
    )
    p.add_argument("--unconfirmed", action="store_true", help="only parameters the spec marks UNCONFIRMED")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.set_defaults(func=run)


def _plain(value: Any) -> Any:
    """Mappings and frozensets as JSON-friendly values (keys as strings)."""
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if hasattr(value, "items"):
        return {
            (",".join(sorted(k)) if isinstance(k, frozenset) else str(k)): _plain(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def run(args: argparse.Namespace) -> int:
    try:
        year = rules_for(args.year)
    except UnsupportedPerformanceYear as exc:
        print(f"mips rules: {exc}")
        return 2
    rows = []
    for category, rule_set in year.rule_sets().items():
        dated = rows_for(category, args.year)
        for f in fields(rule_set):
            if f.name == "sources":
                continue
            source = rule_set.sources.get(f.name, "")
            if args.unconfirmed and "UNCONFIRMED" not in source:
                continue
            dated_row = dated.get(f.name)
            rows.append(
                {
                    "category": category,
                    "name": f.name,
                    "value": _plain(getattr(rule_set, f.name)),
                    "source": source,
                    # the year from which this value is in force; None = not in force (class default)
                    "fromYear": dated_row.from_year if dated_row else None,
                    "status": dated_row.status if dated_row else "notInForce",
                }
            )
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    print(f"Performance year {args.year} (payment year {year.payment_year}): {year.status} rule pack")
    for note in year.estimates:
        print(f"  estimate: {note}")
    print()
    for row in rows:
        value = json.dumps(row["value"], default=str)
        if len(value) > 100:
            value = value[:97] + "..."
        since = f"from {row['fromYear']}, {row['status']}" if row["fromYear"] else "not in force this year"
        print(f"{row['category']}.{row['name']} = {value}\n    [{since}] {row['source']}")
    print(f"\n{len(rows)} parameter(s) for performance year {args.year} (payment year {year.payment_year})")
    return 0
