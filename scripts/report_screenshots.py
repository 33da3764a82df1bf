#!/usr/bin/env python3
"""Render the HTML score reports headless with Debian's chromium: the DOM after scripts ran, the console
messages, and a PNG. Used by the browser test (tests/browser) and to refresh the screenshots in docs/:

    .venv/bin/python scripts/report_screenshots.py [--out docs]

writes ``docs/report-<example folder>.png`` for each scorable example in shared/mips/examples.
Chromium runs with a fresh profile, no network services (no QUIC, sync, component updates, background
networking) and only ``file://`` pages.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "shared" / "mips" / "examples"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
#: a console message in chromium's log: ``[pid:tid:date:INFO:CONSOLE:12] "message", source: ... (12)``
CONSOLE = re.compile(r":CONSOLE(?:\(\d+\)|:\d+)\]\s*(.*)")
#: width x height of the screenshots kept in docs/ (the top of the page: score, categories, waterfall,
#: payment curve)
SIZE = (1000, 1700)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Rendered:
    dom: str
    console: list[str]


def render(browser: str, page: Path, png: Path | None = None, fragment: str = "", size=SIZE) -> Rendered:
    """Load ``page`` (and ``#fragment``) once: its serialised DOM, console messages and optionally a PNG."""
    with tempfile.TemporaryDirectory(prefix="mips-chromium-") as profile:
        args = [browser, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}"]
        if png is not None:
            args.append(f"--screenshot={png}")
        args += ["--dump-dom", page.resolve().as_uri() + (f"#{fragment}" if fragment else "")]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    console = [m.group(1) for line in proc.stderr.splitlines() if (m := CONSOLE.search(line))]
    return Rendered(dom=proc.stdout, console=console)


def example_reports(out: Path) -> dict[str, Path]:
    """Write the examples' reports with ``mips report``: {example folder name: page}."""
    sys.path.insert(0, str(ROOT / "shared"))
    from mips.cli import main

    pages: dict[str, Path] = {}
    for folder in sorted(p for p in EXAMPLES.iterdir() if (p / "profile.json").is_file()):
        target = out / folder.name
        if main(["report", str(folder), "-o", str(target)]) != 0:
            raise RuntimeError(f"mips report failed for {folder}")
        (page,) = [p for p in target.glob("*.html") if p.name != "index.html"]
        pages[folder.name] = page
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (default: docs/)")
    args = parser.parse_args(argv)
    browser = find_chromium()
    if browser is None:
        print("chromium not found (scripts/ensure-chromium installs it)", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, page in example_reports(Path(tmp)).items():
            png = out / f"report-{name}.png"
            rendered = render(browser, page, png)
            if rendered.console:
                print(f"{name}: console messages: {rendered.console}", file=sys.stderr)
                return 1
            print(f"wrote {png} ({png.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
