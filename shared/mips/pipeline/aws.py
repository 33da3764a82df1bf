"""Lazily created boto3 clients shared by the handlers, the local driver and the CLI.

Clients are created on first use, never at import time: a Lambda cold start only pays for the clients
the function uses, and moto's in-process mock intercepts clients created after it starts. The endpoint
comes from ``AWS_ENDPOINT_URL`` (boto3 reads it natively) or from :func:`configure` (``--endpoint-url``).
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_clients: dict[tuple[str, str | None, str | None], Any] = {}
_endpoint_override: str | None = None


def configure(endpoint_url: str | None) -> None:
    """Point every client at ``endpoint_url`` (LocalStack, moto server...); ``None`` = AWS / env default."""
    global _endpoint_override
    with _lock:
        _endpoint_override = endpoint_url
        _clients.clear()


def reset() -> None:
    """Forget cached clients (tests start a fresh moto mock per module)."""
    with _lock:
        _clients.clear()


def client(service: str) -> Any:
    """The cached boto3 client for ``service`` in the current region/endpoint, created on first use."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    endpoint = _endpoint_override or os.environ.get("AWS_ENDPOINT_URL") or None
    key = (service, region, endpoint)
    with _lock:
        found = _clients.get(key)
        if found is None:
            import boto3
            from botocore.config import Config

            cfg = Config(retries={"mode": "standard", "max_attempts": 5})
            session: Any = boto3.session.Session()
            found = session.client(service, region_name=region, endpoint_url=endpoint, config=cfg)
            _clients[key] = found
        return found


def s3() -> Any:
    return client("s3")


def sqs() -> Any:
    return client("sqs")


def dynamodb() -> Any:
    return client("dynamodb")
