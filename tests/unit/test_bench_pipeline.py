"""The pipeline benchmark's counting hook and cost arithmetic (issue 15 part 3): hand-computed expectations,
no timings (the figures themselves live in ``mips bench``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from mips import bench_pipeline as bp
from mips.pipeline import aws
from mips.pipeline.driver import _environment

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def moto() -> Iterator[None]:
    from moto import mock_aws

    with _environment(ENV), mock_aws():
        aws.reset()
        yield
        aws.reset()


# -- DynamoDB sizes and units ---------------------------------------------------------------------------
def test_given_attribute_values_then_their_sizes_follow_dynamodbs_rules():
    assert bp.attribute_size({"S": "héllo"}) == 6  # UTF-8 bytes
    assert bp.attribute_size({"N": "12345"}) == 4  # (5 digits + 1) // 2 + 1
    assert bp.attribute_size({"N": "-0.00120"}) == 2  # significant digits "12"
    assert bp.attribute_size({"B": b"\x00" * 10}) == 10
    assert bp.attribute_size({"SS": ["ab", "cde"]}) == 5
    assert bp.attribute_size({"BOOL": True}) == 1
    assert bp.attribute_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (1 + 2) + (1 + 2)
    assert bp.attribute_size({"M": {"k": {"S": "v"}}}) == 3 + 1 + 1 + 1
    # an item: names + values
    assert (
        bp.item_size({"pk": {"S": "abc"}, "sk": {"S": "ENTITY"}, "version": {"N": "7"}})
        == 2 + 3 + 2 + 6 + 7 + 2
    )


def test_given_item_sizes_then_write_and_read_units_round_up_per_kb_and_per_4kb():
    assert bp.write_units(0) == 1  # a write is at least one unit
    assert bp.write_units(1024) == 1 and bp.write_units(1025) == 2
    assert bp.write_units(1025, transactional=True) == 4
    assert bp.read_units(0, consistent=True) == 1.0
    assert bp.read_units(4096, consistent=True) == 1.0 and bp.read_units(4097, consistent=True) == 2.0
    assert bp.read_units(4097, consistent=False) == 1.0  # eventually consistent: half
    assert bp.sqs_chunks(0) == 1 and bp.sqs_chunks(65536) == 1 and bp.sqs_chunks(65537) == 2


# -- the counting hook --------------------------------------------------------------------------------------
def _table() -> None:
    aws.dynamodb().create_table(
        TableName="t",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_given_the_hook_installed_then_every_request_is_counted_for_whoever_made_it(moto):
    counter = bp.RequestCounter()
    with counter.installed():
        _table()  # setup (the default actor)
        s3, sqs = aws.s3(), aws.sqs()  # clients handed out after install are hooked too
        s3.create_bucket(Bucket="bench-bucket")
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        with counter.acting("IngestFunction"):
            s3.put_object(Bucket="bench-bucket", Key="k", Body=b"x")
            s3.get_object(Bucket="bench-bucket", Key="k")["Body"].read()
            s3.head_object(Bucket="bench-bucket", Key="k")
            sqs.send_message(QueueUrl=url, MessageBody="m" * 70_000)  # two 64 KB chunks
        with counter.acting(bp.RUNNER):
            for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    ingest, runner, setup = (counter.usage[a] for a in ("IngestFunction", bp.RUNNER, bp.SETUP))
    assert ingest.requests == Counter(
        {("s3", "PutObject"): 1, ("s3", "GetObject"): 1, ("s3", "HeadObject"): 1, ("sqs", "SendMessage"): 1}
    )
    assert ingest.sqs_billed["SendMessage"] == 2
    assert runner.requests == Counter({("sqs", "ReceiveMessage"): 1, ("sqs", "DeleteMessage"): 1})
    assert runner.sqs_billed["ReceiveMessage"] == 2  # 70,000 bytes received
    assert setup.requests[("dynamodb", "CreateTable")] == 1 and setup.requests[("s3", "CreateBucket")] == 1
    # uninstalled: nothing more is counted
    aws.s3().put_object(Bucket="bench-bucket", Key="k2", Body=b"x")
    assert counter.usage[bp.SETUP].requests[("s3", "PutObject")] == 0


def test_given_dynamodb_calls_then_the_hook_adds_the_request_units_of_the_items_sent_and_returned(moto):
    counter = bp.RequestCounter()
    with counter.installed():
        _table()
        ddb = aws.dynamodb()
        item = {"pk": {"S": "a"}, "body": {"S": "x" * 3000}}  # 2 + 1 + 4 + 3000 = 3007 bytes
        with counter.acting("AggregatorFunction"):
            ddb.put_item(TableName="t", Item=item)  # 3 write units
            ddb.get_item(TableName="t", Key={"pk": {"S": "a"}}, ConsistentRead=True)  # 1 read unit
            ddb.get_item(TableName="t", Key={"pk": {"S": "missing"}})  # not found, eventual: 0.5
            ddb.update_item(
                TableName="t",
                Key={"pk": {"S": "a"}},
                UpdateExpression="SET n = :n",
                ExpressionAttributeValues={":n": {"N": "1"}},
                ReturnValues="ALL_NEW",  # 3007 + 1 + 2 = 3010 bytes: 3 units
            )
    usage = counter.usage["AggregatorFunction"]
    assert usage.wru == {"PutItem": 3, "UpdateItem": 3}
    assert usage.rru == {"GetItem": 1.5}


# -- the bill ------------------------------------------------------------------------------------------------
PRICES = {
    "prices": {
        "lambda_gb_second_arm64": {"usd": 0.00001, "confirmed": True},
        "lambda_request": {"usd": 0.0000002, "confirmed": True},
        "sqs_request": {"usd": 0.0000004, "confirmed": False},
        "s3_put_class_request": {"usd": 0.000005, "confirmed": True},
        "s3_get_class_request": {"usd": 0.0000004, "confirmed": True},
        "dynamodb_write_request_unit": {"usd": 0.000001, "confirmed": True},
        "dynamodb_read_request_unit": {"usd": 0.0000002, "confirmed": True},
        "cloudwatch_logs_ingested_gb": {"usd": 0.5, "confirmed": True},
        "xray_trace_recorded": {"usd": 0.000005, "confirmed": True},
    },
    "model": {
        "s3_event_sqs_requests_per_upload": 1,
        "poller_receives_per_invocation": 1,
        "poller_deletes_per_invocation": 1,
        "lambda_platform_log_bytes_per_invocation": 100,
        "emf_log_bytes_per_invocation": 0,
        "xray_sampled_fraction": 0.1,
        "request_latency_ms": {"s3": 10, "dynamodb": 5},
    },
}


def _run() -> bp.PipelineRun:
    """Two entities (six files); one function, 2048 MB, invoked twice for 1,500 billed ms in all."""
    fn = bp.FunctionRun(
        memory_mb=2048, invocations=2, records=6, seconds=1.4991, billed_ms=1500, log_bytes=1900
    )
    ingest = bp.Usage(
        requests=Counter({("s3", "GetObject"): 6, ("s3", "PutObject"): 6, ("sqs", "SendMessage"): 2}),
        sqs_billed=Counter({"SendMessage": 2}),
    )
    ingest.requests[("dynamodb", "PutItem")] = 6
    ingest.wru["PutItem"] = 10
    ingest.rru["GetItem"] = 4
    upload = bp.Usage(requests=Counter({("s3", "PutObject"): 6}))
    runner = bp.Usage(requests=Counter({("sqs", "ReceiveMessage"): 9, ("sqs", "DeleteMessage"): 6}))
    return bp.PipelineRun(
        entities=2,
        files=6,
        wall_s=3.0,
        cpu_s=2.5,
        architecture="arm64",
        functions={"IngestFunction": fn},
        usage={"IngestFunction": ingest, bp.UPLOAD: upload, bp.RUNNER: runner},
        results=2,
        dead_letters={},
        retries=0,
    )


def test_given_measured_usage_then_the_bill_per_entity_is_the_hand_computed_one():
    b = bp.bill(_run(), PRICES)
    # Lambda: 1.5 s x 2 GB = 3 GB-s x $0.00001 = $0.00003 for 2 entities; 2 invocations x $0.0000002
    assert b.usd["lambda-duration"] == pytest.approx(0.000015)
    assert b.usd["lambda-requests"] == pytest.approx(0.0000002)
    # S3: 6 GETs x $0.0000004 / 2; PUTs: the handler's 6 + the upload's 6, x $0.000005 / 2
    assert b.usd["s3-get"] == pytest.approx(0.0000012)
    assert b.usd["s3-put"] == pytest.approx(0.00003)
    # DynamoDB by units: 10 WRU x $0.000001 / 2; 4 RRU x $0.0000002 / 2
    assert b.usd["dynamodb-write"] == pytest.approx(0.000005)
    assert b.usd["dynamodb-read"] == pytest.approx(0.0000004)
    # SQS: the handler's 2 sends + what AWS does in the runner's place: 6 S3 events, and one receive and
    # one batch delete per invocation (2 + 2) - not the runner's 9 receives and 6 single deletes
    assert b.usd["sqs"] == pytest.approx((2 + 6 + 2 + 2) * 0.0000004 / 2)
    # logs: 1,900 bytes printed + 100 per invocation; X-Ray: 10 % of 2 invocations traced
    assert b.usd["logs"] == pytest.approx((1900 + 200) * 0.5 / 1e9 / 2)
    assert b.usd["xray"] == pytest.approx(0.2 * 0.000005 / 2)
    assert b.usd_per_million == pytest.approx(sum(b.usd.values()) * 1e6)
    assert b.unconfirmed == ["sqs_request"]
    # the latency sensitivity: 12 S3 requests x 10 ms + 6 DynamoDB x 5 ms = 0.15 s x 2 GB x $0.00001 / 2
    assert b.latency_usd == pytest.approx(0.15 * 2 * 0.00001 / 2)


def test_given_measured_usage_then_requests_per_entity_are_by_service_operation_and_who_made_them():
    b = bp.bill(_run(), PRICES)
    assert b.requests[("s3", "GetObject", "handler")] == 3
    assert b.requests[("dynamodb", "PutItem", "handler")] == 3
    assert b.requests[("s3", "PutObject", "upload")] == 3
    assert b.requests[("sqs", "SendMessage", "aws")] == 3  # the S3 events
    assert (
        b.requests[("sqs", "ReceiveMessage", "aws")] == 1
        and b.requests[("sqs", "DeleteMessageBatch", "aws")] == 1
    )
    assert ("sqs", "ReceiveMessage", "runner") not in b.requests  # the emulation itself is not billed
    assert b.requests_per_entity == pytest.approx(3 + 3 + 1 + 3 + 3 + 1 + 1 + 3)
    assert b.requests_by_service() == {"s3": 9, "dynamodb": 3, "sqs": 6}
    assert b.lambda_invocations == 1
    # every dollar is assigned to a function, the upload or what AWS does for the runner
    assert sum(b.by_function.values()) == pytest.approx(sum(b.usd.values()))


def test_given_the_price_file_then_every_price_names_its_source_and_the_date_it_was_read():
    prices = bp.load_prices()
    assert prices["region"] == "us-east-1" and prices["read_on"]
    for name, price in prices["prices"].items():
        assert price["usd"] > 0 and price["source"].startswith("https://"), name
        assert isinstance(price["confirmed"], bool), name


@pytest.mark.integration
def test_given_a_few_entities_when_the_pipeline_bench_runs_then_every_entity_is_scored_and_counted():
    from mips.bench import BenchReport

    report = BenchReport()
    measured = bp.figures(report, 2)
    assert measured.results == 2 and not measured.dead_letters
    names = {f.name for f in report.figures}
    assert {
        "pipeline entities/min",
        "pipeline AWS requests / entity",
        "pipeline USD / million entities",
    } <= names
    detail = report.details["pipeline"]
    # the poller model: one receive and one batch delete per Lambda invocation
    invocations = detail["lambdaInvocationsPerEntity"]
    assert detail["requestsPerEntity"]["sqs:ReceiveMessage:aws"] == pytest.approx(invocations)
    assert detail["requestsPerEntity"]["s3:PutObject:upload"] == 3  # submission, profile, CMS data
    assert set(detail["functions"]) >= {"IngestFunction", "AggregatorFunction"}
