"""The ``mips`` command line (contract 3). Each sub-command lives in its own module with ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import ENGINE_VERSION

#: sub-command modules, each exposing ``register(subparsers)`` that sets ``func`` on its parser
COMMAND_MODULES = (
    "validate",
    "score",
    "convert",
    "run_local",
    "replay_dlq",
    "bench",
    "reference",
    "rules",
    "report",
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mips",
        description=(
            "Score MIPS exactly as CMS does (performance years 2024 and 2025; 2026 as a preview), "
            "and explain every point."
        ),
    )
    parser.add_argument("--version", action="version", version=f"mips {ENGINE_VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
