#!/usr/bin/env python3
"""Lint template.yaml: translate it offline with aws-sam-translator, then run cfn-lint on the output.

cfn-lint on the raw SAM template misses errors that only appear after the transform (a bad Runtime inside
Globals, for instance), so we lint what CloudFormation would actually receive. On top of cfn-lint we check
the project's own rules: every function runs python3.12, every SQS event source reports batch item
failures, every queue's visibility timeout is at least six times its function's timeout, and no role
reaches SQS, S3 or DynamoDB on ``"*"`` - neither through an inline statement nor through an AWS managed
policy (SAM's ``Events: SQS`` silently attaches AWSLambdaSQSQueueExecutionRole, which does exactly that;
declare the event source mapping and a queue-scoped statement instead).

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
#: services whose resources must always be named in a policy (least privilege)
SCOPED_SERVICES = ("sqs", "s3", "dynamodb")
#: AWS managed policies known to grant SQS/S3/DynamoDB actions on "*" (name after ":policy/")
BROAD_MANAGED_POLICIES = {
    "service-role/AWSLambdaSQSQueueExecutionRole": "sqs:ReceiveMessage/DeleteMessage on every queue",
    "service-role/AWSLambdaDynamoDBExecutionRole": "dynamodb stream reads on every table",
    "AWSLambdaExecute": "s3:GetObject/PutObject on every bucket",
    "AWSLambdaInvocation-DynamoDB": "dynamodb stream reads on every table",
    "AWSLambda_FullAccess": "sqs, s3 and dynamodb actions on every resource",
    "AWSLambda_ReadOnlyAccess": "sqs, s3 and dynamodb reads on every resource",
    "AmazonSQSFullAccess": "sqs:* on every queue",
    "AmazonSQSReadOnlyAccess": "sqs reads on every queue",
    "AmazonS3FullAccess": "s3:* on every bucket",
    "AmazonS3ReadOnlyAccess": "s3 reads on every bucket",
    "AmazonDynamoDBFullAccess": "dynamodb:* on every table",
    "AmazonDynamoDBReadOnlyAccess": "dynamodb reads on every table",
    "AdministratorAccess": "everything",
    "PowerUserAccess": "everything but IAM",
    "ReadOnlyAccess": "reads on everything",
}
#: AWS managed policies checked to grant nothing on SQS, S3 or DynamoDB (logs, X-Ray, VPC ENIs)
SAFE_MANAGED_POLICIES = frozenset(
    {
        "service-role/AWSLambdaBasicExecutionRole",
        "service-role/AWSLambdaVPCAccessExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "AWSXRayDaemonWriteAccess",
        "CloudWatchLambdaInsightsExecutionRolePolicy",
    }
)


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


def _policy_name(arn: Any) -> str:
    """``service-role/X`` or ``X`` from a managed policy ARN (plain or built with Fn::Sub/Join)."""
    text = json.dumps(arn) if not isinstance(arn, str) else arn
    return text.split(":policy/", 1)[-1].strip('"]}') if ":policy/" in text else text


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statement_findings(owner: str, statement: dict[str, Any]) -> list[str]:
    """An Allow statement whose actions reach SQS/S3/DynamoDB (or everything) on a wildcard resource."""
    if statement.get("Effect") != "Allow" or "Resource" not in statement:
        return []
    actions = [str(a) for a in _listed(statement.get("Action", []))]
    scoped = [a for a in actions if a == "*" or a.split(":", 1)[0] in SCOPED_SERVICES]
    wildcard = [
        r for r in _listed(statement["Resource"]) if isinstance(r, str) and (r == "*" or r.endswith(":*"))
    ]
    if scoped and wildcard:
        return [
            f"{owner}: statement allows {', '.join(scoped)} on {wildcard[0]!r}; name the queue/bucket/table"
        ]
    return []


def iam_findings(cfn: dict[str, Any]) -> list[str]:
    """Roles and policies that reach SQS, S3 or DynamoDB on "*" (managed or inline)."""
    findings: list[str] = []
    for rtype in ("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        for name, res in resources_of_type(cfn, rtype).items():
            props = res.get("Properties") or {}
            for arn in props.get("ManagedPolicyArns") or []:
                policy = _policy_name(arn)
                if policy in BROAD_MANAGED_POLICIES:
                    findings.append(
                        f'{name}: managed policy {policy} grants {BROAD_MANAGED_POLICIES[policy]} ("*"); '
                        "use a statement scoped to this stack's resources"
                        + (" and declare the SQS event source mapping yourself" if "SQS" in policy else "")
                    )
                elif policy not in SAFE_MANAGED_POLICIES:
                    findings.append(
                        f'{name}: managed policy {policy} is not known to stay off SQS/S3/DynamoDB "*"; '
                        "check it and add it to SAFE_MANAGED_POLICIES, or use a scoped statement"
                    )
            documents = [p.get("PolicyDocument") or {} for p in props.get("Policies") or []]
            if "PolicyDocument" in props:
                documents.append(props["PolicyDocument"])
            for doc in documents:
                for statement in _listed(doc.get("Statement") or []):
                    findings.extend(_statement_findings(name, statement))
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
    findings = cfn_lint_findings(cfn, regions) + project_findings(cfn) + iam_findings(cfn)
    for f in findings:
        print(f"{args.template}: {f}")
    if findings:
        print(f"lint_template: {len(findings)} finding(s)", file=sys.stderr)
        return 1
    print(f"lint_template: {args.template} translates and lints clean ({len(cfn['Resources'])} resources)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
