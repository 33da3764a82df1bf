#!/usr/bin/env python3
"""Lint template.yaml: translate it offline with aws-sam-translator, then run cfn-lint on the output.

cfn-lint on the raw SAM template misses errors that only appear after the transform (a bad Runtime inside
Globals, for instance), so we lint what CloudFormation would actually receive. On top of cfn-lint we check
the project's own rules: every function runs python3.12, every SQS event source reports batch item
failures, and every queue's visibility timeout is at least six times its function's timeout.

Exit 0 when clean, 1 when there are findings, 2 when the template cannot be read or translated.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "shared"))

from mips.pipeline.template import (  # noqa: E402 - after the sys.path tweak for a bare checkout
    DEFAULT_TEMPLATE,
    TemplateError,
    resources_of_type,
    translate,
)

RUNTIME = "python3.12"
VISIBILITY_FACTOR = 6


def project_findings(cfn: dict[str, Any]) -> list[str]:
    """Rules cfn-lint does not know: runtime pin, partial batch responses, visibility >= 6x timeout."""
    findings: list[str] = []
    functions = resources_of_type(cfn, "AWS::Lambda::Function")
    for name, res in functions.items():
        runtime = res["Properties"].get("Runtime")
        if runtime != RUNTIME:
            findings.append(f"{name}: Runtime is {runtime!r}, expected {RUNTIME!r}")
    queues = resources_of_type(cfn, "AWS::SQS::Queue")
    for name, esm in resources_of_type(cfn, "AWS::Lambda::EventSourceMapping").items():
        props = esm["Properties"]
        if "ReportBatchItemFailures" not in (props.get("FunctionResponseTypes") or []):
            findings.append(f"{name}: FunctionResponseTypes lacks ReportBatchItemFailures")
        queue_id = (props.get("EventSourceArn") or {}).get("Fn::GetAtt", [None])[0]
        fn_id = (props.get("FunctionName") or {}).get("Ref")
        if queue_id not in queues or fn_id not in functions:
            findings.append(f"{name}: event source is not a queue/function of this template")
            continue
        timeout = int(functions[fn_id]["Properties"].get("Timeout", 3))
        visibility = int(queues[queue_id].get("Properties", {}).get("VisibilityTimeout", 30))
        if visibility < VISIBILITY_FACTOR * timeout:
            findings.append(
                f"{queue_id}: VisibilityTimeout {visibility}s < {VISIBILITY_FACTOR} x {fn_id} "
                f"Timeout {timeout}s"
            )
        if "RedrivePolicy" not in queues[queue_id].get("Properties", {}):
            findings.append(f"{queue_id}: no RedrivePolicy (dead-letter queue)")
    return findings


def cfn_lint_findings(cfn: dict[str, Any], regions: list[str]) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(cfn), config=ManualArgs(regions=regions))
    return [f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path or [])})" for m in matches]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", nargs="?", default=str(DEFAULT_TEMPLATE))
    parser.add_argument("--region", action="append", dest="regions", help="regions to lint for (us-east-1)")
    parser.add_argument("--dump", metavar="FILE", help="also write the translated template as JSON")
    args = parser.parse_args(argv)
    regions = args.regions or ["us-east-1"]
    try:
        cfn = translate(args.template, region=regions[0])
    except TemplateError as exc:
        print(f"lint_template: {exc}", file=sys.stderr)
        return 2
    if args.dump:
        Path(args.dump).write_text(json.dumps(cfn, indent=2))
    findings = cfn_lint_findings(cfn, regions) + project_findings(cfn)
    for f in findings:
        print(f"{args.template}: {f}")
    if findings:
        print(f"lint_template: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"lint_template: {args.template} translates and lints clean ({len(cfn['Resources'])} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
