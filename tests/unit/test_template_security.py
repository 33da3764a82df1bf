"""Issue 10: the security and operations properties of the TRANSLATED template (what CloudFormation
deploys), each asserted: least privilege and sufficiency per function, TLS-only bucket and queues, log
retention, bounded concurrency, dead-letter and error-rate alarms, lifecycle rules."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mips.pipeline.template import DEFAULT_TEMPLATE, translate

FUNCTIONS = ("Ingest", "Eligibility", "Quality", "Ia", "Pi", "Cost", "Reweighting", "Aggregator")


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return translate(DEFAULT_TEMPLATE)


def _of_type(cfn: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in cfn["Resources"].items() if v["Type"] == kind}


def _statements(cfn: dict[str, Any], fn: str) -> list[dict[str, Any]]:
    role = cfn["Resources"][f"{fn}FunctionRole"]["Properties"]
    return [s for pol in role.get("Policies", []) for s in pol["PolicyDocument"]["Statement"]]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _grants(cfn: dict[str, Any], fn: str) -> set[tuple[str, str]]:
    """(action, resource as JSON) pairs of the function's inline policies."""
    return {
        (action, json.dumps(resource, sort_keys=True))
        for s in _statements(cfn, fn)
        if s["Effect"] == "Allow"
        for action in _listed(s["Action"])
        for resource in _listed(s["Resource"])
    }


def test_no_function_is_granted_a_wildcard_action_or_resource(cfn):
    for fn in FUNCTIONS:
        for action, resource in _grants(cfn, fn):
            assert "*" not in action and resource != '"*"', (fn, action, resource)
            assert not action.startswith(("iam:", "kms:", "s3:Delete", "dynamodb:Delete")) or (
                action == "dynamodb:DeleteItem" and "IdempotencyTable" in resource
            ), (fn, action)


def test_each_function_sends_only_to_the_next_steps_and_its_own_dead_letter_queue(cfn):
    nxt = {
        "Ingest": {"EligibilityQueue"},
        "Eligibility": {"QualityQueue", "IaQueue", "PiQueue", "CostQueue"},
        "Quality": {"ReweightingQueue"},
        "Ia": {"ReweightingQueue"},
        "Pi": {"ReweightingQueue"},
        "Cost": {"ReweightingQueue"},
        "Reweighting": {"AggregatorQueue"},
        "Aggregator": set(),
    }
    for fn, targets in nxt.items():
        sent = {json.loads(r)["Fn::GetAtt"][0] for a, r in _grants(cfn, fn) if a == "sqs:SendMessage"}
        assert sent == targets | {f"{fn}DLQ"}, fn
        consumed = {json.loads(r)["Fn::GetAtt"][0] for a, r in _grants(cfn, fn) if a == "sqs:ReceiveMessage"}
        assert consumed == {f"{fn}Queue"}, fn


def test_ingest_role_is_sufficient_to_see_a_missing_key_as_no_such_key(cfn):
    # S3 returns NoSuchKey (not AccessDenied) for a missing key only with s3:ListBucket on the bucket
    assert ("s3:ListBucket", json.dumps({"Fn::GetAtt": ["IntakeBucket", "Arn"]})) in _grants(cfn, "Ingest")
    reads = {json.loads(r)["Fn::Sub"] for a, r in _grants(cfn, "Ingest") if a == "s3:GetObjectVersion"}
    assert reads == {f"${{IntakeBucket.Arn}}/{p}/*" for p in ("submissions", "profiles", "cms-data")}


def test_downstream_roles_are_sufficient_for_what_the_steps_call(cfn):
    for fn in FUNCTIONS[1:]:
        actions = {a for a, _ in _grants(cfn, fn)}
        # every step reads its inputs, large bodies and its item, and uses the idempotency table
        assert {"s3:GetObject", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"} <= actions, fn
    assert "dynamodb:Query" in {a for a, _ in _grants(cfn, "Reweighting")}
    assert "dynamodb:Query" in {a for a, _ in _grants(cfn, "Aggregator")}
    assert ("s3:PutObject", json.dumps({"Fn::Sub": "${IntakeBucket.Arn}/results/*"})) in _grants(
        cfn, "Aggregator"
    )


def _denies_insecure_transport(statements: list[dict[str, Any]]) -> set[str]:
    """The resources (GetAtt logical ids) an aws:SecureTransport=false Deny statement covers."""
    covered: set[str] = set()
    for s in statements:
        if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}:
            for r in _listed(s["Resource"]):
                if isinstance(r, dict) and "Fn::GetAtt" in r:
                    covered.add(r["Fn::GetAtt"][0])
    return covered


def test_the_bucket_and_every_queue_accept_only_tls(cfn):
    bucket = cfn["Resources"]["IntakeBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert "IntakeBucket" in _denies_insecure_transport(bucket)
    covered: set[str] = set()
    for policy in _of_type(cfn, "AWS::SQS::QueuePolicy").values():
        covered |= _denies_insecure_transport(policy["Properties"]["PolicyDocument"]["Statement"])
    assert set(_of_type(cfn, "AWS::SQS::Queue")) <= covered


def test_every_function_has_a_log_group_with_retention(cfn):
    groups = {
        g["Properties"]["LogGroupName"]["Fn::Sub"]: g["Properties"]
        for g in _of_type(cfn, "AWS::Logs::LogGroup").values()
    }
    for fn in FUNCTIONS:
        props = groups[f"/aws/lambda/${{{fn}Function}}"]
        assert props["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_every_event_source_mapping_bounds_its_concurrency(cfn):
    mappings = _of_type(cfn, "AWS::Lambda::EventSourceMapping")
    assert len(mappings) == len(FUNCTIONS)
    for name, m in mappings.items():
        assert m["Properties"]["ScalingConfig"] == {"MaximumConcurrency": {"Ref": "MaxConcurrency"}}, name


def test_every_dead_letter_queue_alarms_on_depth_and_age_and_every_function_on_its_error_rate(cfn):
    alarms = list(_of_type(cfn, "AWS::CloudWatch::Alarm").values())
    by_metric: dict[str, set[str]] = {}
    for a in alarms:
        p = a["Properties"]
        assert p["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        if "MetricName" in p:
            queue = p["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
            by_metric.setdefault(p["MetricName"], set()).add(queue)
        else:
            stats = [m["MetricStat"]["Metric"] for m in p["Metrics"] if "MetricStat" in m]
            assert {s["MetricName"] for s in stats} == {"Errors", "Invocations"}
            by_metric.setdefault("errorRate", set()).add(stats[0]["Dimensions"][0]["Value"]["Ref"])
    dlqs = {f"{fn}DLQ" for fn in FUNCTIONS}
    assert by_metric["ApproximateNumberOfMessagesVisible"] == dlqs
    assert by_metric["ApproximateAgeOfOldestMessage"] == dlqs
    assert by_metric["errorRate"] == {f"{fn}Function" for fn in FUNCTIONS}
    topic = cfn["Resources"]["AlarmTopic"]["Properties"]
    assert topic["KmsMasterKeyId"] == "alias/aws/sns"


def test_lifecycle_rules_expire_intake_rejected_and_old_result_versions(cfn):
    rules = {
        r["Prefix"]: r
        for r in cfn["Resources"]["IntakeBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    }
    for prefix in ("submissions/", "profiles/", "cms-data/"):
        assert rules[prefix]["ExpirationInDays"] == {"Ref": "IntakeRetentionDays"}
        assert "NoncurrentVersionExpiration" in rules[prefix]
    assert rules["rejected/"]["ExpirationInDays"] == {"Ref": "RejectedRetentionDays"}
    # the current result is kept; replaced versions expire
    assert "ExpirationInDays" not in rules["results/"]
    assert rules["results/"]["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    assert "ExpirationInDays" not in rules["inputs/"]  # accepted inputs stay: an entity can be re-scored
