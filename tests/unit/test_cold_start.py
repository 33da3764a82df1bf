"""Cold start (issue 15 part 4): what importing a Lambda handler does, and does not do, in a fresh process.

Behavioural checks only (no timings; `make bench` measures the time): each handler module is imported in
a fresh interpreter with the layer (shared/) and its function folder on the path, as Lambda imports it,
and the process is then asked what it built. The test process itself has long since built everything,
so these checks cannot be made in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").is_file())

#: what a handler module's import left behind, printed as JSON by the fresh interpreter
_AFTER_IMPORT = """
import json, sys
__import__(sys.argv[1])
from mips.reference.data import _load_reference
from mips.rules import RULES
print(json.dumps({
    "rule_packs_built": list(RULES.built()),
    "reference_years_loaded": _load_reference.cache_info().currsize,
    "xray_imported": "aws_xray_sdk.core" in sys.modules,
}))
"""


def _fresh(script: str, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> dict:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "LAMBDA_", "AWS_LAMBDA_"))
    }
    paths = [str(ROOT / "shared"), str(cwd)]
    base["PYTHONPATH"] = os.pathsep.join(paths)
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_there_are_eight_handlers():
    assert HANDLERS == ["aggregator", "cost", "eligibility", "ia", "ingest", "pi", "quality", "reweighting"]


@pytest.mark.parametrize("name", HANDLERS)
def test_given_a_fresh_process_when_a_handler_is_imported_then_no_rule_pack_or_reference_data_is_built(name):
    """Rule packs and reference data are built on first use (the year a record names), never at import."""
    after = _fresh(_AFTER_IMPORT, "app", cwd=ROOT / "functions" / name)
    assert after["rule_packs_built"] == []
    assert after["reference_years_loaded"] == 0


@pytest.mark.parametrize("name", ["ingest", "aggregator"])
def test_given_tracing_off_when_a_handler_is_imported_then_aws_xray_sdk_is_not(name):
    """Outside Lambda (and with POWERTOOLS_TRACE_DISABLED) powertools' tracer records nothing; the handler
    does not pay for importing the X-Ray SDK (which creates a botocore client at import)."""
    after = _fresh(_AFTER_IMPORT, "app", cwd=ROOT / "functions" / name)
    assert after["xray_imported"] is False
    disabled = _fresh(
        _AFTER_IMPORT, "app", cwd=ROOT / "functions" / name, env={"POWERTOOLS_TRACE_DISABLED": "true"}
    )
    assert disabled["xray_imported"] is False


def test_given_a_lambda_environment_then_the_tracer_is_x_ray_and_outside_lambda_it_records_nothing():
    """Deployed (LAMBDA_TASK_ROOT set, tracing not disabled) the functions still trace with X-Ray."""
    script = """
import json
from mips.pipeline import tracing
t = tracing.tracer()
x_ray = type(t.provider).__module__.startswith("aws_xray_sdk")
print(json.dumps({"disabled": bool(t.disabled), "x_ray": x_ray}))
"""
    lambda_env = {
        "LAMBDA_TASK_ROOT": str(ROOT / "functions" / "quality"),
        "AWS_LAMBDA_FUNCTION_NAME": "quality",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    assert _fresh(script, env=lambda_env) == {"disabled": False, "x_ray": True}
    assert _fresh(script) == {"disabled": True, "x_ray": False}


def test_given_a_fresh_process_when_a_year_is_asked_for_then_only_its_pack_is_built_once():
    script = """
import json
from mips.rules import RULES, rules_for
before = list(RULES.built())
member = 2026 in RULES and 2017 not in RULES
first = rules_for(2025)
again = rules_for(2025)
print(json.dumps({"before": before, "member": member, "after": list(RULES.built()),
                  "same": first is again, "years": sorted(RULES)}))
"""
    assert _fresh(script) == {
        "before": [],
        "member": True,
        "after": [2025],
        "same": True,
        "years": [2024, 2025, 2026],
    }
