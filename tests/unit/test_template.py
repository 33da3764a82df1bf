"""template.yaml (issue 6 item 1): translates and lints clean; the properties the design requires."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from mips.pipeline.template import load_sam, resources_of_type, translate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
FUNCTIONS = {"ingest", "eligibility", "quality", "ia", "pi", "cost", "reweighting", "aggregator"}


def _lint_module() -> Any:
    spec = importlib.util.spec_from_file_location("lint_template", ROOT / "scripts" / "lint_template.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return translate(TEMPLATE)


def test_given_the_template_when_translated_and_linted_then_there_are_no_findings(capsys):
    assert _lint_module().main([str(TEMPLATE)]) == 0
    assert "lints clean" in capsys.readouterr().out


def test_given_a_template_with_a_bad_runtime_then_the_lint_fails(tmp_path):
    bad = tmp_path / "template.yaml"
    bad.write_text(TEMPLATE.read_text().replace("Runtime: python3.12", "Runtime: python3.9"))
    lint = _lint_module()
    assert lint.main([str(bad)]) == 1
    findings = lint.project_findings(translate(bad))
    assert any("expected 'python3.12'" in f for f in findings)


def test_given_a_template_with_a_short_visibility_timeout_then_the_project_check_fails(tmp_path):
    bad = tmp_path / "template.yaml"
    bad.write_text(TEMPLATE.read_text().replace("VisibilityTimeout: 720", "VisibilityTimeout: 600", 1))
    findings = _lint_module().project_findings(translate(bad))
    assert findings == ["IngestQueue: VisibilityTimeout 600s < 6 x IngestFunction Timeout 120s"]


def test_every_function_is_python312_traced_with_powertools_env_and_an_sqs_source(cfn):
    functions = resources_of_type(cfn, "AWS::Lambda::Function")
    assert {name.removesuffix("Function").lower() for name in functions} == FUNCTIONS
    for name, fn in functions.items():
        p = fn["Properties"]
        assert p["Runtime"] == "python3.12" and p["TracingConfig"] == {"Mode": "Active"}, name
        env = p["Environment"]["Variables"]
        assert env["POWERTOOLS_SERVICE_NAME"] == name.removesuffix("Function").lower()
        assert env["POWERTOOLS_METRICS_NAMESPACE"] == "MipsScoring"
        assert env["MIPS_CACHE_DIR"] == "/tmp/mips-cache"
        assert p["Layers"], name
    mappings = resources_of_type(cfn, "AWS::Lambda::EventSourceMapping")
    assert {m["Properties"]["FunctionName"]["Ref"] for m in mappings.values()} == set(functions)
    assert all(
        m["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"] for m in mappings.values()
    )


def test_every_function_queue_has_a_dlq_and_visibility_at_least_six_times_the_timeout(cfn):
    queues = resources_of_type(cfn, "AWS::SQS::Queue")
    functions = resources_of_type(cfn, "AWS::Lambda::Function")
    for m in resources_of_type(cfn, "AWS::Lambda::EventSourceMapping").values():
        queue = queues[m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]]["Properties"]
        timeout = functions[m["Properties"]["FunctionName"]["Ref"]]["Properties"]["Timeout"]
        assert queue["VisibilityTimeout"] >= 6 * timeout
        dlq = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dlq.endswith("DLQ") and queues[dlq]["Properties"]["SqsManagedSseEnabled"] is True
        assert queue["SqsManagedSseEnabled"] is True
    assert len(queues) == 16  # a queue and a dead-letter queue per function


def test_the_intake_bucket_is_versioned_encrypted_private_tls_only_and_notifies_three_prefixes(cfn):
    bucket = cfn["Resources"]["IntakeBucket"]
    p = bucket["Properties"]
    assert bucket["DependsOn"] == "IngestQueuePolicy"  # breaks the bucket <-> queue policy cycle
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert all(p["PublicAccessBlockConfiguration"].values())
    prefixes = [
        q["Filter"]["S3Key"]["Rules"][0]["Value"]
        for q in p["NotificationConfiguration"]["QueueConfigurations"]
    ]
    assert prefixes == ["submissions/", "profiles/", "cms-data/"]
    policy = cfn["Resources"]["IntakeBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert policy["Effect"] == "Deny" and policy["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_intake_queue_policy_admits_only_this_bucket_and_account(cfn):
    allow = cfn["Resources"]["IngestQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert "aws:SourceArn" in allow["Condition"]["ArnEquals"]
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_tables_are_on_demand_with_pitr_sse_and_ttl(cfn):
    for name, ttl in (("EntityTable", "expiresAt"), ("IdempotencyTable", "expiration")):
        p = cfn["Resources"][name]["Properties"]
        assert p["BillingMode"] == "PAY_PER_REQUEST"
        assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert p["SSESpecification"] == {"SSEEnabled": True}
        assert p["TimeToLiveSpecification"] == {"AttributeName": ttl, "Enabled": True}


def _statements(cfn: dict[str, Any], fn: str) -> list[dict[str, Any]]:
    role = cfn["Resources"][f"{fn}FunctionRole"]["Properties"]
    return [s for pol in role["Policies"] for s in pol["PolicyDocument"]["Statement"]]


def test_policies_are_least_privilege(cfn):
    text = {fn: json.dumps(_statements(cfn, fn)) for fn in ("Ingest", "Eligibility", "Quality", "Aggregator")}
    for fn, doc in text.items():
        assert '"Resource": "*"' not in doc and "dynamodb:Scan" not in doc and "s3:DeleteObject" not in doc, (
            fn
        )
    # only ingest reads the intake prefixes and writes rejected/; only the aggregator writes results/
    assert "/submissions/*" in text["Ingest"] and "/rejected/*" in text["Ingest"]
    assert "/results/*" not in text["Ingest"] and "/submissions/*" not in text["Aggregator"]
    assert "/results/*" in text["Aggregator"] and "/rejected/*" not in text["Aggregator"]
    # each function may send only to the next step's queue(s)
    assert "EligibilityQueue" in text["Ingest"] and "QualityQueue" not in text["Ingest"]
    assert "ReweightingQueue" in text["Quality"] and "AggregatorQueue" not in text["Quality"]
    # ...and to its own dead-letter queue (unfixable messages, issue 10), the aggregator to nothing else
    sends = [s for s in _statements(cfn, "Aggregator") if "sqs:SendMessage" in json.dumps(s["Action"])]
    assert [s["Resource"] for s in sends] == [{"Fn::GetAtt": ["AggregatorDLQ", "Arn"]}]


def test_code_uris_point_at_existing_folders_with_an_app_module():
    sam = load_sam(TEMPLATE)
    for res in sam["Resources"].values():
        props = res.get("Properties") or {}
        if res["Type"] == "AWS::Serverless::Function":
            assert (ROOT / props["CodeUri"] / "app.py").is_file()
        if res["Type"] == "AWS::Serverless::LayerVersion":
            assert (ROOT / props["ContentUri"] / "requirements.txt").is_file()
            assert res["Metadata"]["BuildMethod"] == "python3.12"


QUEUE_OF = {
    "Ingest": "IngestQueue",
    "Eligibility": "EligibilityQueue",
    "Quality": "QualityQueue",
    "Ia": "IaQueue",
    "Pi": "PiQueue",
    "Cost": "CostQueue",
    "Reweighting": "ReweightingQueue",
    "Aggregator": "AggregatorQueue",
}


def test_no_role_gets_sams_sqs_managed_policy_and_each_consumes_only_its_own_queue(cfn):
    """SAM's `Events: SQS` attaches AWSLambdaSQSQueueExecutionRole (receive/delete on every queue): the
    template declares the mappings itself and scopes the consume permissions to the function's queue."""
    for fn, queue in QUEUE_OF.items():
        role = cfn["Resources"][f"{fn}FunctionRole"]["Properties"]
        managed = {arn.rsplit("/", 1)[-1] for arn in role["ManagedPolicyArns"]}
        assert managed == {"AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess"}, fn
        receive = [s for s in _statements(cfn, fn) if "sqs:ReceiveMessage" in s["Action"]]
        assert [s["Resource"] for s in receive] == [{"Fn::GetAtt": [queue, "Arn"]}], fn
        assert set(receive[0]["Action"]) == {
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        }
    mappings = resources_of_type(cfn, "AWS::Lambda::EventSourceMapping")
    assert {
        (m["Properties"]["FunctionName"]["Ref"], m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0])
        for m in mappings.values()
    } == {(f"{fn}Function", queue) for fn, queue in QUEUE_OF.items()}


def test_large_bodies_live_under_a_non_notified_expiring_state_prefix(cfn):
    bucket = cfn["Resources"]["IntakeBucket"]["Properties"]
    (rule,) = [r for r in bucket["LifecycleConfiguration"]["Rules"] if r["Id"] == "ExpireVersionState"]
    assert rule["Prefix"] == "state/versions/" and rule["ExpirationInDays"] == {"Ref": "RetentionDays"}
    prefixes = [
        q["Filter"]["S3Key"]["Rules"][0]["Value"]
        for q in bucket["NotificationConfiguration"]["QueueConfigurations"]
    ]
    assert not any("state/".startswith(p) for p in prefixes)
    for fn in QUEUE_OF:
        text = json.dumps(_statements(cfn, fn))
        assert ("/state/*" in text) == (fn != "Ingest"), fn  # ingest stores no intermediate results
    ingest_env = cfn["Resources"]["IngestFunction"]["Properties"]["Environment"]["Variables"]
    assert ingest_env["MAX_INPUT_BYTES"] == "10485760"


def _sam_sqs_event(template: str) -> str:
    """The same template with the ingest function's mapping written the SAM way (Events: SQS)."""
    sam_event = (
        "      Events:\n        SamIntake:\n          Type: SQS\n          Properties:\n"
        "            Queue: !GetAtt IngestQueue.Arn\n            BatchSize: 10\n"
        "            FunctionResponseTypes: [ReportBatchItemFailures]\n"
    )
    anchor = "  EligibilityFunction:\n"
    return template.replace(anchor, sam_event + "\n" + anchor, 1)


def test_given_sams_sqs_event_source_then_the_lint_names_the_wildcard_managed_policy(tmp_path):
    bad = tmp_path / "template.yaml"
    bad.write_text(_sam_sqs_event(TEMPLATE.read_text()))
    lint = _lint_module()
    findings = lint.iam_findings(translate(bad))
    assert len(findings) == 1
    assert findings[0].startswith(
        "IngestFunctionRole: managed policy service-role/AWSLambdaSQSQueueExecutionRole"
    )
    assert lint.main([str(bad)]) == 1


@pytest.mark.parametrize(
    ("statement", "flagged"),
    [
        ({"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "*"}, True),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}, True),
        ({"Effect": "Allow", "Action": "*", "Resource": ["*"]}, True),
        ({"Effect": "Allow", "Action": ["xray:PutTraceSegments"], "Resource": "*"}, False),
        ({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}, False),
        ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/inputs/*"}, False),
    ],
)
def test_the_lint_flags_inline_statements_reaching_sqs_s3_or_dynamodb_on_a_wildcard(statement, flagged):
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [statement]}}]},
    }
    findings = _lint_module().iam_findings({"Resources": {"R": role}})
    assert bool(findings) is flagged


def test_the_lint_flags_broad_and_unknown_managed_policies_and_accepts_the_known_safe_ones():
    def role(*names: str) -> dict[str, Any]:
        arns = [f"arn:aws:iam::aws:policy/{n}" for n in names]
        return {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": arns}}}}

    lint = _lint_module()
    assert lint.iam_findings(role("service-role/AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess")) == []
    assert "grants dynamodb:* on every table" in lint.iam_findings(role("AmazonDynamoDBFullAccess"))[0]
    assert "s3:GetObject/PutObject on every bucket" in lint.iam_findings(role("AWSLambdaExecute"))[0]
    assert "is not known to stay off" in lint.iam_findings(role("SomeNewPolicy"))[0]
