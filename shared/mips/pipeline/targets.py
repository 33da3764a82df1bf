"""Where ``mips run-local`` runs the pipeline: in-process moto, a moto server, LocalStack or AWS itself.

The pipeline code is the same on every target; only the session, the endpoint, the credentials and the
state reset differ:

- ``moto``: moto's in-process mock; no request leaves the process (configured endpoints are ignored,
  since moto only intercepts AWS's own addresses and would let the traffic through to them).
- ``moto-server``: a ``moto_server`` process (``make emulators-up``); its state is reset through
  ``POST /moto-api/reset`` before the run, so the run sees only its own resources.
- ``localstack``: LocalStack (``make emulators-up``), clients from ``localstack_client``'s session;
  each run gets a fresh stack name and intake bucket, so earlier runs' resources are never read.
- ``aws``: the account of the environment's credentials; endpoints resolved by botocore as usual.

``--endpoint-url`` without ``--target`` is the one-URL shortcut for any other AWS-compatible endpoint.
"""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import aws

TARGETS = ("moto", "moto-server", "localstack", "aws")
#: default addresses of the emulators started by `make emulators-up` (overridable by variables)
MOTO_SERVER_URL = "http://127.0.0.1:5000"
LOCALSTACK_URL = "http://127.0.0.1:4566"
#: credentials for emulators: never send a real key to a local server
EMULATOR_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}
#: variables that would make an emulator run pick another identity or region than the fake one
EMULATOR_UNSET = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION")


class TargetError(RuntimeError):
    """The target cannot be used (emulator not running, unknown name...)."""


@dataclass(frozen=True)
class Target:
    """A resolved target: how to reach it and what the run may assume about it."""

    name: str
    endpoint_url: str | None
    #: an emulator: plain-http endpoint, TLS-only bucket policy statements are not applied
    emulator: bool
    #: a fresh stack name per run (endpoints whose state persists across runs)
    fresh_stack: bool = False

    @property
    def description(self) -> str:
        if self.name == "moto":
            return "moto (in-process)"
        if self.name == "aws":
            return "AWS"
        return f"{self.name} ({self.endpoint_url})"

    def stack_name(self, requested: str) -> str:
        return f"{requested}-{uuid.uuid4().hex[:8]}" if self.fresh_stack else requested

    def parameters(self, stack_name: str) -> dict[str, str]:
        """Template parameters for the run: on a fresh stack the intake bucket is the stack's own too
        (the template's default name is per account and region, so it would outlive the stack)."""
        return {"IntakeBucketName": f"{stack_name}-intake".lower()[:63]} if self.fresh_stack else {}


def resolve(name: str | None, endpoint_url: str | None = None) -> Target:
    """The target for ``--target NAME`` and/or ``--endpoint-url URL`` (no target, no URL = moto)."""
    if name is None:
        if endpoint_url is None:
            return Target("moto", None, emulator=True)
        return Target("endpoint", endpoint_url, emulator=endpoint_url.startswith("http://"))
    if name == "moto":
        if endpoint_url is not None:
            raise TargetError("--target moto runs in-process: --endpoint-url does not apply")
        return Target("moto", None, emulator=True)
    if name == "moto-server":
        url = endpoint_url or os.environ.get("MIPS_MOTO_SERVER_URL") or MOTO_SERVER_URL
        return Target("moto-server", url, emulator=True)
    if name == "localstack":
        url = endpoint_url or os.environ.get("MIPS_LOCALSTACK_URL") or LOCALSTACK_URL
        return Target("localstack", url, emulator=True, fresh_stack=True)
    if name == "aws":
        return Target("aws", endpoint_url, emulator=False)
    raise TargetError(f"unknown target {name!r}: one of {', '.join(TARGETS)}")


@contextmanager
def scoped_env(values: dict[str, str], unset: tuple[str, ...] = ()) -> Iterator[None]:
    """Set ``values`` and remove ``unset`` for the block; the environment is restored afterwards."""
    keys = set(values) | set(unset)
    saved = {k: os.environ.get(k) for k in keys}
    for k in unset:
        os.environ.pop(k, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def reset_moto_server(url: str, timeout_s: float = 10.0) -> None:
    """Forget every resource of the moto server (its ``/moto-api/reset`` endpoint)."""
    request = urllib.request.Request(url.rstrip("/") + "/moto-api/reset", method="POST", data=b"")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
    except OSError as exc:
        raise TargetError(f"moto server not reachable at {url} ({exc}); start it: make emulators-up") from exc


def localstack_session_factory(url: str) -> Callable[[], Any]:
    """Sessions of ``localstack_client`` for the LocalStack at ``url`` (host:port of its gateway)."""
    from localstack_client.session import Session

    parts = urlsplit(url)
    host = f"{parts.hostname or 'localhost'}:{parts.port or 4566}"

    def factory() -> Any:
        return Session(
            aws_access_key_id=EMULATOR_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=EMULATOR_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            localstack_host=host,
        )

    return factory


def check_localstack(url: str, timeout_s: float = 10.0) -> None:
    """LocalStack answers its health endpoint (a clear error instead of a botocore retry storm)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_localstack/health", timeout=timeout_s) as r:
            r.read()
    except OSError as exc:
        raise TargetError(f"LocalStack not reachable at {url} ({exc}); start it: make emulators-up") from exc


@contextmanager
def connect(target: Target, moto_credentials: dict[str, str]) -> Iterator[None]:
    """Inside the block every client of :mod:`mips.pipeline.aws` talks to ``target``."""
    with ExitStack() as stack:
        if target.name == "moto":
            from moto import mock_aws

            from . import moto_speedups

            stack.enter_context(scoped_env(moto_credentials, unset=("AWS_PROFILE", "AWS_REGION")))
            stack.enter_context(aws.isolated())
            stack.enter_context(mock_aws())
            stack.enter_context(moto_speedups.applied())  # moto's costs independent of the table size
            aws.configure(None)
        elif target.name == "aws":
            aws.configure(target.endpoint_url)
        else:
            assert target.endpoint_url is not None
            if target.name == "endpoint":  # the generic shortcut: the environment's credentials, if any
                creds = {k: os.environ.get(k) or v for k, v in EMULATOR_CREDENTIALS.items()}
                stack.enter_context(scoped_env(creds))
            else:
                stack.enter_context(scoped_env(EMULATOR_CREDENTIALS, unset=EMULATOR_UNSET))
            if target.name == "moto-server":
                reset_moto_server(target.endpoint_url)
            if target.name == "localstack":
                check_localstack(target.endpoint_url)
                aws.configure(None, session_factory=localstack_session_factory(target.endpoint_url))
            else:
                aws.configure(target.endpoint_url)
        try:
            yield
        finally:
            aws.configure(None)
