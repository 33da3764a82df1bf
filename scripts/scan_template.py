#!/usr/bin/env python3
"""Scan the TRANSLATED template (what CloudFormation deploys) with checkov.

checkov runs from its own virtual environment (``.venv-tools``, see ``make tools``) because its
dependencies clash with the test environment's pins. Accepted findings are listed with their reasons in the
template's ``Metadata.Checkov.Skip``; they are passed as ``--skip-check`` and printed, every other failed
check fails the lint. Without ``.venv-tools`` the scan is reported as skipped, not passed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"


def main() -> int:
    sys.path.insert(0, str(ROOT / "shared"))
    from mips.pipeline.template import DEFAULT_TEMPLATE, load_sam, translate

    skips: dict[str, str] = (
        (load_sam(DEFAULT_TEMPLATE).get("Metadata") or {}).get("Checkov", {}).get("Skip", {})
    )
    if not CHECKOV.exists():
        print("scan_template: SKIPPED - checkov is not installed (run `make tools`)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "translated.json"
        path.write_text(json.dumps(translate(DEFAULT_TEMPLATE)))
        cmd = [str(CHECKOV), "-f", str(path), "--framework", "cloudformation", "--compact", "--quiet"]
        cmd += ["--skip-download", "--skip-check", ",".join(sorted(skips))] if skips else ["--skip-download"]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for check, why in sorted(skips.items()):
        print(f"scan_template: accepted {check}: {' '.join(why.split())}")
    if proc.returncode != 0:
        print(proc.stdout[-6000:])
        print("scan_template: checkov found unaccepted issues", file=sys.stderr)
        return 1
    print("scan_template: checkov clean on the translated template")
    return 0


if __name__ == "__main__":
    sys.exit(main())
