"""moto_speedups (the in-process moto of ``mips run-local``) answers exactly as moto itself does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from mips.pipeline import aws, moto_speedups
from mips.pipeline.driver import _environment

ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def moto() -> Iterator[None]:
    from moto import mock_aws

    with _environment(ENV), mock_aws():
        aws.reset()
        ddb = aws.dynamodb()
        ddb.create_table(
            TableName="ranged",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.create_table(
            TableName="hashed",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for p in range(30):
            ddb.put_item(TableName="hashed", Item={"id": {"S": f"E{p:03d}"}, "n": {"N": str(p)}})
            for s in range(12):
                ddb.put_item(
                    TableName="ranged",
                    Item={
                        "pk": {"S": f"E{p:03d}"},
                        "sk": {"S": f"V#{s % 3:010d}#OPT#{s:02d}"},
                        "g": {"S": f"G{s % 4}"},
                        "n": {"N": str(p * 100 + s)},
                        "body": {"S": "x" * (s * 10)},
                    },
                )
        yield
        aws.reset()


def _all_pages(**kwargs: Any) -> list[dict[str, Any]]:
    pages, ddb = [], aws.dynamodb()
    while True:
        page = ddb.query(**kwargs)
        page.pop("ResponseMetadata", None)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}


QUERIES: list[dict[str, Any]] = [
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "E007"}},
    },
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
        "ExpressionAttributeValues": {":p": {"S": "E012"}, ":s": {"S": "V#0000000001#"}},
    },
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
        "ExpressionAttributeValues": {
            ":p": {"S": "E003"},
            ":a": {"S": "V#0000000000"},
            ":b": {"S": "V#0000000001~"},
        },
        "ScanIndexForward": False,
        "Limit": 3,
    },
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p",
        "FilterExpression": "n > :n",
        "ProjectionExpression": "sk, n",
        "ExpressionAttributeValues": {":p": {"S": "E020"}, ":n": {"N": "2005"}},
        "Limit": 4,
    },
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "none"}},
    },
    {
        "TableName": "ranged",
        "KeyConditionExpression": "pk = :p",
        "Select": "COUNT",
        "ExpressionAttributeValues": {":p": {"S": "E029"}},
    },
    {
        "TableName": "ranged",
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "G2"}},
        "Limit": 25,
    },
    {
        "TableName": "hashed",
        "KeyConditionExpression": "id = :i",
        "ExpressionAttributeValues": {":i": {"S": "E011"}},
    },
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_a_query_reads_the_same_pages_as_moto_itself(moto: None, query: dict[str, Any]) -> None:
    # given a table of 30 partitions; when one is queried with moto as it is and with the speed-ups
    expected = _all_pages(**query)
    with moto_speedups.applied():
        got = _all_pages(**query)
    # then the same items, order, counts and paging keys
    assert got == expected
    assert sum(p["Count"] for p in got) == sum(p["Count"] for p in expected)


def test_the_speedups_are_undone_after_the_block_and_apply_once_when_nested(moto: None) -> None:
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue, SQSBackend

    def members() -> tuple[Any, ...]:
        return (
            Table.query,
            SQSBackend.is_message_valid_based_on_retention_period,
            SQSBackend.send_message,
            *(Queue.__dict__[name] for name in moto_speedups.COUNTS),
        )

    original = members()
    with moto_speedups.applied():
        patched = members()
        assert all(p is not o for p, o in zip(patched, original, strict=True))
        with moto_speedups.applied():
            assert members() == patched
        assert members() == patched
    assert members() == original


@pytest.mark.parametrize("speedups", [False, True])
def test_sends_leave_the_queue_counts_as_moto_counts_them(moto: None, speedups: bool) -> None:
    sqs = aws.sqs()
    url = sqs.create_queue(QueueName=f"counted-{speedups}")["QueueUrl"]
    # given 12 messages sent, 3 of them delayed, and 5 received (in flight)
    with moto_speedups.applied() if speedups else _environment({}):
        for i in range(12):
            sqs.send_message(QueueUrl=url, MessageBody=str(i), DelaySeconds=600 if i >= 9 else 0)
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=5)
        # when the queue's counts are asked for (the driver's pending check)
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    # then they count every message, as moto does
    assert attrs["ApproximateNumberOfMessages"] == "4"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "5"
    assert attrs["ApproximateNumberOfMessagesDelayed"] == "3"


@pytest.mark.parametrize("speedups", [False, True])
def test_a_fifo_queue_still_deduplicates_by_content(moto: None, speedups: bool) -> None:
    sqs = aws.sqs()
    url = sqs.create_queue(
        QueueName=f"dedup-{speedups}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    with moto_speedups.applied() if speedups else _environment({}):
        # given the same body sent twice to a content-deduplicating FIFO queue
        for _ in range(2):
            sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")
        # then the queue holds it once
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in got] == ["same"]


@pytest.mark.parametrize("speedups", [False, True])
def test_a_message_past_the_retention_period_is_not_delivered(moto: None, speedups: bool) -> None:
    from moto.sqs.models import sqs_backends

    sqs = aws.sqs()
    url = sqs.create_queue(QueueName=f"retained-{speedups}", Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    # given the message was sent 61 s ago (beyond the queue's 60 s retention)
    queue = sqs_backends["123456789012"]["us-east-1"].get_queue(f"retained-{speedups}")
    queue._messages[0].sent_timestamp -= 61_000
    sqs.send_message(QueueUrl=url, MessageBody="new")
    with moto_speedups.applied() if speedups else _environment({}):
        # when the queue is received from, then it is not delivered
        old = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in old] == []
    # and a fresh message is (moto stops at the first expired one, with and without the speed-ups)
    queue._messages.pop(0)
    with moto_speedups.applied() if speedups else _environment({}):
        new = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in new] == ["new"]
