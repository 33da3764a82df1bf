"""``mips replay-dlq`` (not built yet: its issue replaces this module)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay-dlq", help="(not built yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("mips replay-dlq: not built yet", file=sys.stderr)
    return 2
