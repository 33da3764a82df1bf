"""Lazily created boto3 clients shared by the handlers, the local driver and the CLI.

Clients are created on first use, never at import time: a Lambda cold start only pays for the clients
the function uses, and moto's in-process mock intercepts clients created after it starts.

Endpoints are botocore's business: it reads ``AWS_ENDPOINT_URL``, the per-service
``AWS_ENDPOINT_URL_<SERVICE>`` variables and the config file's ``endpoint_url`` itself, so this module
never passes an endpoint unless one was set explicitly with :func:`configure` (``--endpoint-url``, a
one-URL shortcut for every service). :func:`isolated` is for the in-process moto run: moto only
intercepts requests to AWS's own addresses, so a configured endpoint would send the "local" run's
traffic to a real server; inside it no configured endpoint applies.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_lock = threading.Lock()
_clients: dict[tuple[Any, ...], Any] = {}
_sessions: dict[tuple[Any, ...], Any] = {}
_endpoint_override: str | None = None
_session_factory: Callable[[], Any] | None = None

#: botocore's endpoint variables: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
ENDPOINT_ENV_PREFIX = "AWS_ENDPOINT_URL"
#: botocore ignores every configured endpoint (variables and config file) when this is true
IGNORE_CONFIGURED = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def configure(endpoint_url: str | None, session_factory: Callable[[], Any] | None = None) -> None:
    """Point every client at ``endpoint_url`` (moto server...), or create them from ``session_factory``
    (a boto3-like session such as ``localstack_client.session.Session``); ``None`` = botocore's own
    resolution (AWS, or the configured endpoint variables)."""
    global _endpoint_override, _session_factory
    with _lock:
        _endpoint_override = endpoint_url
        _session_factory = session_factory
        _clients.clear()
        _sessions.clear()


def reset() -> None:
    """Forget cached clients and sessions (tests start a fresh moto mock per module)."""
    with _lock:
        _clients.clear()
        _sessions.clear()


def endpoint_variables() -> dict[str, str]:
    """The endpoint variables botocore would apply in this process (AWS_ENDPOINT_URL*)."""
    return {k: v for k, v in os.environ.items() if k.startswith(ENDPOINT_ENV_PREFIX)}


@contextmanager
def isolated() -> Iterator[None]:
    """No configured endpoint applies inside: the AWS_ENDPOINT_URL* variables are removed and botocore
    is told to ignore the config file's endpoints; restored (and the client cache cleared) on exit."""
    saved = endpoint_variables()
    saved_ignore = os.environ.get(IGNORE_CONFIGURED)
    for key in saved:
        del os.environ[key]
    os.environ[IGNORE_CONFIGURED] = "true"
    reset()
    try:
        yield
    finally:
        os.environ.update(saved)
        if saved_ignore is None:
            os.environ.pop(IGNORE_CONFIGURED, None)
        else:
            os.environ[IGNORE_CONFIGURED] = saved_ignore
        reset()


def _cache_key(service: str, region: str) -> tuple[Any, ...]:
    """Everything that decides where a client sends its requests (so a changed variable is honoured)."""
    suffix = service.upper().replace("-", "_").replace(" ", "_")
    return (
        service,
        region,
        _endpoint_override,
        _session_factory,
        os.environ.get(ENDPOINT_ENV_PREFIX),
        os.environ.get(f"{ENDPOINT_ENV_PREFIX}_{suffix}"),
        os.environ.get(IGNORE_CONFIGURED),
    )


#: what a botocore session reads once and keeps (credentials, config files): a change makes a new session
_SESSION_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


def _session(key: tuple[Any, ...]) -> Any:
    """One boto3 session for every client with the same endpoint settings and credentials (caller holds
    the lock). A session loads botocore's shared data (endpoints, partitions, retry config) and resolves
    credentials once; a session per client repeated that for each of a function's three clients, ~70 ms
    of CPU in every cold start's first invocation (issue 15)."""
    skey = (key[2:], *(os.environ.get(name) for name in _SESSION_ENV))
    found = _sessions.get(skey)
    if found is None:
        import boto3

        found = _sessions[skey] = _session_factory() if _session_factory else boto3.session.Session()
    return found


def client(service: str) -> Any:
    """The cached boto3 client for ``service`` in the current region/endpoint, created on first use."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    key = _cache_key(service, region)
    with _lock:
        found = _clients.get(key)
        if found is None:
            from botocore.config import Config

            cfg = Config(retries={"mode": "standard", "max_attempts": 5})
            kwargs: dict[str, Any] = {"region_name": region, "config": cfg}
            if _endpoint_override is not None:
                kwargs["endpoint_url"] = _endpoint_override
            found = _session(key).client(service, **kwargs)
            _clients[key] = found
        return found


def s3() -> Any:
    return client("s3")


def sqs() -> Any:
    return client("sqs")


def dynamodb() -> Any:
    return client("dynamodb")
