"""Three of in-process moto's costs made independent of the table and queue sizes, for ``mips run-local``.

Profiling one run-local stack of 50 to 200 entities showed the run time growing with the square of the
entity count, and none of it in our requests (each Query names one partition; the driver receives ten
messages at a time), but inside moto (5.x):

* **DynamoDB Query** on a table's own key reads *every item of the table*: ``Table.query`` filters
  ``Table.all_items()`` by hash key, and ``all_items`` also sorts the whole table (``DynamoType``
  comparisons) on every call. DynamoDB itself reads one partition. Here the query sees only the one
  partition moto already keeps (``Table.items[hash_key]``); moto's own code then does everything else
  (range condition, sort, ``ExclusiveStartKey``, ``Limit``, the 1 MB page, filter, projection).
* **SQS ReceiveMessage** looks up the queue's ``MessageRetentionPeriod`` once per delivered message
  through ``get_queue_attributes``, which computes *all* the queue's attributes, its approximate message
  counts included (a pass over every message of the queue, with a clock read per message) - three times.
  Here the period is read from the queue directly: the same value.
* **SQS SendMessage** (and so every S3 event notification) reads ``queue.attributes`` for
  ``ContentBasedDeduplication`` alone, and computing them counts the queue's messages. During a send
  (to a queue no moto Lambda event source mapping polls) the three approximate counts answer 0
  instead: nothing in the send reads them. Everywhere else they are counted as before.

Both are exact: the same items, in the same order, with the same paging; the same messages. They are
applied only around the in-process moto mock (:func:`mips.pipeline.targets.connect`) and undone when
it ends; tests check each against moto's own result. Other emulators (moto server, LocalStack) are
separate processes and untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _partition_query(original: Any) -> Any:
    @functools.wraps(original)
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None or "all_items" in vars(self):
            return original(self, hash_key, *args, **kwargs)
        partition = self.items.get(hash_key)
        if partition is None:
            candidates: list[Any] = []
        elif self.range_key_attr:
            candidates = list(partition.values())
        else:
            candidates = [partition]
        # moto's query reads ``self.all_items()`` and keeps the items of ``hash_key``: give it just those
        self.all_items = lambda: candidates
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    query.mips_speedup = True  # type: ignore[attr-defined]
    return query


def _direct_retention(original: Any) -> Any:
    from moto.core.utils import unix_time

    @functools.wraps(original)
    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention_period = self.get_queue(queue_name).message_retention_period
        return bool(retention_period + message.sent_timestamp / 1000 > unix_time())

    is_message_valid_based_on_retention_period.mips_speedup = True  # type: ignore[attr-defined]
    return is_message_valid_based_on_retention_period


#: the queue attributes that count the queue's messages (one pass over the queue each)
COUNTS = (
    "approximate_number_of_messages",
    "approximate_number_of_messages_delayed",
    "approximate_number_of_messages_not_visible",
)
_SENDING = "_mips_sending"


def _uncounted_while_sending(original: Any) -> Any:
    @property  # type: ignore[misc]
    def count(self: Any) -> int:
        return 0 if self.__dict__.get(_SENDING) else int(original.fget(self))

    count.fget.mips_speedup = True  # type: ignore[attr-defined]
    return count


def _flagged_send(original: Any) -> Any:
    @functools.wraps(original)
    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        queue = self.get_queue(queue_name)
        if queue.lambda_event_source_mappings:  # moto itself receives in the send: counts as they are
            return original(self, queue_name, *args, **kwargs)
        queue.__dict__[_SENDING] = True
        try:
            return original(self, queue_name, *args, **kwargs)
        finally:
            queue.__dict__.pop(_SENDING, None)

    send_message.mips_speedup = True  # type: ignore[attr-defined]
    return send_message


def _is_applied(member: Any) -> bool:
    return bool(getattr(getattr(member, "fget", member), "mips_speedup", False))


@contextmanager
def applied() -> Iterator[None]:
    """moto's Table.query, SQS retention check and send replaced for the block (nested: once)."""
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue, SQSBackend

    patches: list[tuple[type, str, Any]] = [
        (Table, "query", _partition_query),
        (SQSBackend, "is_message_valid_based_on_retention_period", _direct_retention),
        (SQSBackend, "send_message", _flagged_send),
        *((Queue, name, _uncounted_while_sending) for name in COUNTS),
    ]
    saved = []
    for owner, name, make in patches:
        current = owner.__dict__[name]
        if _is_applied(current):
            continue  # already applied by an enclosing block
        saved.append((owner, name, current))
        setattr(owner, name, make(current))
    try:
        yield
    finally:
        for owner, name, current in reversed(saved):
            setattr(owner, name, current)
