"""Dead-letter queue replay: move messages back to the queue they came from.

A message lands in a function's dead-letter queue after ``maxReceiveCount`` failed deliveries. Once the
cause is fixed (a code fix deployed, a missing permission added, the reference data reachable again),
replaying sends each message back to its source queue unchanged (same body and message attributes) and
deletes it from the dead-letter queue only after the send succeeded, so nothing is lost. Handlers are
idempotent on business identity, so a replayed message that had partly succeeded does no harm.

Portable on purpose (receive/send/delete works on AWS, LocalStack and moto); on AWS the console's
"Start DLQ redrive" (SQS StartMessageMoveTask) does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import aws


@dataclass
class ReplayReport:
    dead_letter_queue: str
    source_queue: str
    moved: int


def queue_url(name_or_url: str) -> str:
    if name_or_url.startswith(("http://", "https://")):
        return name_or_url
    return str(aws.sqs().get_queue_url(QueueName=name_or_url)["QueueUrl"])


def source_queues(dlq_url: str) -> list[str]:
    """The queues whose redrive policy targets ``dlq_url``."""
    urls: list[str] = []
    for page in aws.sqs().get_paginator("list_dead_letter_source_queues").paginate(QueueUrl=dlq_url):
        urls.extend(page.get("queueUrls", []))
    return urls


def dead_letter_queues(prefix: str = "") -> list[str]:
    """Every queue (optionally with a name prefix) that is some queue's dead-letter queue."""
    found: list[str] = []
    kwargs: dict[str, Any] = {"QueueNamePrefix": prefix} if prefix else {}
    for page in aws.sqs().get_paginator("list_queues").paginate(**kwargs):
        for url in page.get("QueueUrls", []):
            if source_queues(url):
                found.append(url)
    return sorted(found)


def replay(dlq: str, source: str | None = None, limit: int | None = None) -> ReplayReport:
    """Move up to ``limit`` messages (all by default) from ``dlq`` back to its source queue."""
    sqs = aws.sqs()
    dlq_url = queue_url(dlq)
    if source is None:
        sources = source_queues(dlq_url)
        if len(sources) != 1:
            raise ValueError(
                f"{dlq_url} is the dead-letter queue of {len(sources)} queues; name the target with --source"
            )
        source = sources[0]
    target = queue_url(source)
    moved = 0
    while limit is None or moved < limit:
        batch = 10 if limit is None else max(1, min(10, limit - moved))
        resp = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=batch,
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
        )
        messages = resp.get("Messages", [])
        if not messages:
            break
        for m in messages:
            kwargs: dict[str, Any] = {"QueueUrl": target, "MessageBody": m["Body"]}
            if m.get("MessageAttributes"):
                kwargs["MessageAttributes"] = m["MessageAttributes"]
            sqs.send_message(**kwargs)
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=m["ReceiptHandle"])
            moved += 1
    return ReplayReport(dlq_url, target, moved)
