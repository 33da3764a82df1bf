"""Create the pipeline's resources from the translated template.yaml on moto, LocalStack or any endpoint.

moto's CloudFormation accepts the translated template but silently drops bucket notifications, TTL and
queue policies, and cannot run the Lambda functions without Docker. So we interpret the translated
template ourselves: every S3 bucket (versioning, encryption, public access block, ownership, policy,
notifications, lifecycle rules), SQS queue (attributes, redrive policy, queue policy) and DynamoDB table
(keys, billing, SSE, PITR, TTL) is created with the plain service APIs, in dependency order, with
intrinsic functions resolved by :class:`mips.pipeline.template.Resolver`. Lambda functions are not
created: their handler, code folder, timeout and environment variables, and the event source mappings,
are read from the template and returned as a :class:`Stack` for :mod:`mips.pipeline.driver` to invoke
in-process.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from . import aws
from .template import PROJECT_ROOT, Resolver, TemplateError, code_locations

log = logging.getLogger(__name__)

#: resource types that exist only on AWS (IAM, layers...): nothing to create locally
_SKIPPED = {"AWS::IAM::Role", "AWS::IAM::Policy", "AWS::Lambda::LayerVersion", "AWS::Lambda::Permission"}


@dataclass
class QueueInfo:
    logical_id: str
    name: str
    url: str
    arn: str
    max_receive_count: int | None = None
    dlq_arn: str | None = None


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    code_dir: Path
    handler: str
    timeout: int
    memory: int
    environment: dict[str, str]


@dataclass
class MappingSpec:
    logical_id: str
    function: str  # logical id
    queue: str  # logical id
    batch_size: int
    report_batch_item_failures: bool


@dataclass
class Stack:
    name: str
    region: str
    account: str
    queues: dict[str, QueueInfo] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    mappings: list[MappingSpec] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def queue_by_arn(self, arn: str) -> QueueInfo | None:
        return next((q for q in self.queues.values() if q.arn == arn), None)

    @property
    def bucket(self) -> str:
        return next(iter(self.buckets.values()))

    @property
    def dead_letter_queues(self) -> list[QueueInfo]:
        arns = {q.dlq_arn for q in self.queues.values() if q.dlq_arn}
        return [q for q in self.queues.values() if q.arn in arns]


def _ignore(exc: ClientError, *codes: str) -> bool:
    return exc.response.get("Error", {}).get("Code") in codes


#: what an emulator answers for an API it does not implement (never AWS for the APIs used here)
UNSUPPORTED_CODES = frozenset(
    {"UnknownOperationException", "NotImplemented", "NotImplementedException", "InvalidAction"}
)


def unsupported(exc: ClientError) -> bool:
    """True when the endpoint lacks the operation itself (an emulator), not when the call was wrong."""
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return _ignore(exc, *UNSUPPORTED_CODES) or status == 501


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule (Prefix, ExpirationInDays...) in the S3 API's shape."""
    out: dict[str, Any] = {
        "Status": rule.get("Status", "Enabled"),
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "Id" in rule:
        out["ID"] = rule["Id"]
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "NoncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        }
    return out


class Provisioner:
    """Create the resources of one translated template, each once, dependencies first."""

    def __init__(
        self,
        cfn: dict[str, Any],
        sam: dict[str, Any],
        stack_name: str = "mips-local",
        parameters: dict[str, Any] | None = None,
        region: str = "us-east-1",
        project_root: Path = PROJECT_ROOT,
        emulator: bool = False,
    ) -> None:
        self.emulator = emulator
        self.cfn, self.resources = cfn, cfn["Resources"]
        self.code = code_locations(sam)
        self.root = project_root
        account = self._account()
        self.stack = Stack(stack_name, region, account)
        pseudo = {
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        self.resolver = Resolver(cfn, parameters or {}, pseudo, self._attribute)
        self._attrs: dict[str, dict[str, Any]] = {}
        self._creating: set[str] = set()

    @staticmethod
    def _account() -> str:
        try:
            return str(aws.client("sts").get_caller_identity()["Account"])
        except Exception:  # endpoints without STS
            return "000000000000"

    def _physical(self, logical_id: str) -> str:
        return f"{self.stack.name}-{logical_id}"[:80]

    # -- dependency-ordered creation ------------------------------------------------------------------
    def _attribute(self, logical_id: str, name: str) -> Any:
        if logical_id not in self.resources:
            raise TemplateError(f"reference to unknown resource {logical_id}")
        self.ensure(logical_id)
        attrs = self._attrs.get(logical_id, {})
        if name not in attrs:
            raise TemplateError(f"{logical_id} has no attribute {name} locally")
        return attrs[name]

    def ensure(self, logical_id: str) -> None:
        if logical_id in self._attrs:
            return
        if logical_id in self._creating:
            raise TemplateError(f"circular dependency through {logical_id}")
        self._creating.add(logical_id)
        res = self.resources[logical_id]
        depends = res.get("DependsOn") or []
        for dep in [depends] if isinstance(depends, str) else depends:
            self.ensure(dep)
        creator = getattr(self, "_create_" + res["Type"].replace("::", "_"), None)
        if creator is None:
            if res["Type"] not in _SKIPPED:
                log.debug("skipping %s (%s): not needed locally", logical_id, res["Type"])
            self._attrs[logical_id] = {"Ref": self._physical(logical_id), "Arn": f"arn:local:{logical_id}"}
        else:
            self._attrs[logical_id] = creator(logical_id, res.get("Properties") or {})
        self._creating.discard(logical_id)

    def _optional_missing(self, logical_id: str, operation: str, exc: ClientError) -> None:
        """An emulator without an optional API: warn and note it in the stack, do not fail."""
        code = exc.response.get("Error", {}).get("Code")
        note = f"{logical_id}: {operation} not supported by this endpoint ({code}); skipped"
        log.warning(note)
        self.stack.notes.append(note)

    def create_all(self) -> Stack:
        for logical_id in self.resources:
            self.ensure(logical_id)
        for name, out in (self.cfn.get("Outputs") or {}).items():
            self.stack.outputs[name] = self.resolver.resolve(out.get("Value"))
        return self.stack

    # -- SQS -------------------------------------------------------------------------------------------
    def _create_AWS_SQS_Queue(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        p = self.resolver.resolve(props)
        name = p.get("QueueName") or self._physical(logical_id)
        attrs: dict[str, str] = {}
        for key in (
            "VisibilityTimeout",
            "MessageRetentionPeriod",
            "DelaySeconds",
            "ReceiveMessageWaitTimeSeconds",
            "MaximumMessageSize",
            "SqsManagedSseEnabled",
            "KmsMasterKeyId",
        ):
            if key in p:
                attrs[key] = str(p[key]).lower() if isinstance(p[key], bool) else str(p[key])
        redrive = p.get("RedrivePolicy")
        if redrive:
            attrs["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": redrive["deadLetterTargetArn"],
                    "maxReceiveCount": int(redrive["maxReceiveCount"]),
                }
            )
        sqs = aws.sqs()
        url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.stack.queues[logical_id] = QueueInfo(
            logical_id,
            name,
            url,
            arn,
            int(redrive["maxReceiveCount"]) if redrive else None,
            redrive["deadLetterTargetArn"] if redrive else None,
        )
        return {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}

    def _create_AWS_SQS_QueuePolicy(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        p = self.resolver.resolve(props)
        for url in p["Queues"]:
            aws.sqs().set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(p["PolicyDocument"])}
            )
        return {"Ref": self._physical(logical_id)}

    # -- DynamoDB ----------------------------------------------------------------------------------------
    def _create_AWS_DynamoDB_Table(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        p = self.resolver.resolve(props)
        name = p.get("TableName") or self._physical(logical_id)
        ddb = aws.dynamodb()
        kwargs: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": p["AttributeDefinitions"],
            "KeySchema": p["KeySchema"],
            "BillingMode": p.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if p.get("SSESpecification", {}).get("SSEEnabled"):
            kwargs["SSESpecification"] = {"Enabled": True}
        try:
            ddb.create_table(**kwargs)
            ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        except ClientError as exc:
            if not _ignore(exc, "ResourceInUseException"):
                raise
        ttl = p.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            try:
                ddb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
                )
            except ClientError as exc:  # already enabled on a persistent endpoint
                if unsupported(exc):  # optional here: items only expire later, nothing is scored wrong
                    self._optional_missing(logical_id, "UpdateTimeToLive", exc)
                elif not _ignore(exc, "ValidationException"):
                    raise
        if p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
            try:
                ddb.update_continuous_backups(
                    TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
                )
            except ClientError as exc:  # emulators without PITR
                log.warning("point-in-time recovery not enabled on %s: %s", name, exc)
        self.stack.tables[logical_id] = name
        arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
        return {"Ref": name, "Arn": arn}

    # -- S3 --------------------------------------------------------------------------------------------------
    def _create_AWS_S3_Bucket(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        p = self.resolver.resolve(props)
        name = p.get("BucketName") or self._physical(logical_id).lower()
        s3 = aws.s3()
        kwargs: dict[str, Any] = {"Bucket": name}
        if self.stack.region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.stack.region}
        try:
            s3.create_bucket(**kwargs)
        except ClientError as exc:
            if not _ignore(exc, "BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        if "VersioningConfiguration" in p:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration=p["VersioningConfiguration"])
        enc = p.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration")
        if (
            enc
        ):  # CloudFormation says ServerSideEncryptionByDefault, the API ApplyServerSideEncryptionByDefault
            rules = [
                {
                    "ApplyServerSideEncryptionByDefault": r["ServerSideEncryptionByDefault"],
                    **({"BucketKeyEnabled": r["BucketKeyEnabled"]} if "BucketKeyEnabled" in r else {}),
                }
                for r in enc
            ]
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
        if "PublicAccessBlockConfiguration" in p:
            s3.put_public_access_block(
                Bucket=name, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"]
            )
        if "OwnershipControls" in p:
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=p["OwnershipControls"])
        lifecycle = p.get("LifecycleConfiguration", {}).get("Rules")
        if lifecycle:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle]}
            )
        notif = p.get("NotificationConfiguration", {})
        queue_configs = [
            {
                "QueueArn": q["Queue"],
                "Events": [q["Event"]],
                **(
                    {"Filter": {"Key": {"FilterRules": q["Filter"]["S3Key"]["Rules"]}}}
                    if "Filter" in q
                    else {}
                ),
            }
            for q in notif.get("QueueConfigurations", [])
        ]
        if queue_configs:
            s3.put_bucket_notification_configuration(
                Bucket=name, NotificationConfiguration={"QueueConfigurations": queue_configs}
            )
        self.stack.buckets[logical_id] = name
        return {"Ref": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}

    def _create_AWS_S3_BucketPolicy(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        p = self.resolver.resolve(props)
        policy = p["PolicyDocument"]
        if self.emulator:
            # moto evaluates a bucket policy's Deny without the request context (aws:SecureTransport is
            # unknown, so the TLS-only statement would deny every request) and a plain-http local endpoint
            # can never satisfy it: on emulators, skip the TLS-only statements.
            kept = [st for st in policy.get("Statement", []) if "aws:SecureTransport" not in json.dumps(st)]
            if len(kept) != len(policy.get("Statement", [])):
                self.stack.notes.append(f"{logical_id}: TLS-only statement not applied on the emulator")
            policy = {**policy, "Statement": kept}
        if policy.get("Statement"):
            aws.s3().put_bucket_policy(Bucket=p["Bucket"], Policy=json.dumps(policy))
        return {"Ref": self._physical(logical_id)}

    # -- Lambda (read, not created) ------------------------------------------------------------------------
    def _create_AWS_Lambda_Function(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        name = self._physical(logical_id)
        env = self.resolver.resolve((props.get("Environment") or {}).get("Variables") or {})
        folder = self.code.get(logical_id)
        if folder is None:
            raise TemplateError(f"{logical_id} has no local CodeUri")
        self.stack.functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=name,
            code_dir=(self.root / folder).resolve(),
            handler=props.get("Handler", "app.lambda_handler"),
            timeout=int(self.resolver.resolve(props.get("Timeout", 3))),
            memory=int(self.resolver.resolve(props.get("MemorySize", 128))),
            environment={k: str(v) for k, v in env.items()},
        )
        arn = f"arn:aws:lambda:{self.stack.region}:{self.stack.account}:function:{name}"
        return {"Ref": name, "Arn": arn}

    def _create_AWS_Lambda_EventSourceMapping(self, logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
        source = props["EventSourceArn"]
        queue_id = source["Fn::GetAtt"][0] if isinstance(source, dict) and "Fn::GetAtt" in source else None
        fn = props["FunctionName"]
        fn_id = fn.get("Ref") if isinstance(fn, dict) else None
        if queue_id is None or fn_id is None:
            raise TemplateError(
                f"{logical_id}: only queue -> function mappings of this template are supported"
            )
        self.ensure(queue_id)
        self.ensure(fn_id)
        self.stack.mappings.append(
            MappingSpec(
                logical_id=logical_id,
                function=fn_id,
                queue=queue_id,
                batch_size=int(self.resolver.resolve(props.get("BatchSize", 10))),
                report_batch_item_failures="ReportBatchItemFailures"
                in (props.get("FunctionResponseTypes") or []),
            )
        )
        return {"Ref": logical_id}
