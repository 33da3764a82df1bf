"""Idempotency on business identity, with powertools' Idempotency utility and DynamoDB persistence.

SQS delivers at least once and S3 may notify twice, so each unit of work runs at most once per business
identity - entity + input content hash (+ object version) for ingest, entity + input version + option +
category downstream - never per SQS message id (a re-sent duplicate has a new message id). A completed
unit returns its saved outcome; a unit that raised is forgotten and runs again on the retry; a unit still
in progress elsewhere raises ``IdempotencyAlreadyInProgressError`` so that its record is retried later.

Records live in ``IDEMPOTENCY_TABLE`` (key ``id``, TTL attribute ``expiration``) for
``IDEMPOTENCY_TTL_SECONDS`` (default one day). The persistence layer is built on first use with the lazily
created DynamoDB client, so nothing touches AWS at import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import aws

_persistence: dict[tuple[str, int], Any] = {}


def _layer(table: str) -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    client = aws.dynamodb()
    key = (table, id(client))
    if key not in _persistence:
        _persistence.clear()
        _persistence[key] = DynamoDBPersistenceLayer(table_name=table, boto3_client=client)
    return _persistence[key]


def run_once(
    step: str, identity: dict[str, Any], fn: Callable[[], dict[str, Any]], lambda_context: Any = None
) -> dict[str, Any]:
    """Run ``fn`` once per ``(step, identity)``; a repeat returns the first run's outcome + ``repeat``.

    Without ``IDEMPOTENCY_TABLE`` (pure unit tests of a step) ``fn`` simply runs.
    """
    table = os.environ.get("IDEMPOTENCY_TABLE")
    if not table:
        return fn()
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

    config = IdempotencyConfig(
        expires_after_seconds=int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", "86400")),
        raise_on_no_idempotency_key=True,
    )
    if lambda_context is not None:
        config.register_lambda_context(lambda_context)

    ran: list[bool] = []

    @idempotent_function(
        data_keyword_argument="identity",
        persistence_store=_layer(table),
        config=config,
        key_prefix=f"mips.{step}",
    )
    def _once(identity: dict[str, Any]) -> dict[str, Any]:
        ran.append(True)
        return fn()

    outcome = dict(_once(identity=identity))
    if not ran:  # answered from the idempotency record: this is a repeat
        outcome["repeat"] = True
    return outcome
