"""Powertools' Tracer for the handlers, without aws-xray-sdk's import cost where tracing is off.

``Tracer()`` always builds its default provider, ``aws_xray_sdk.core.xray_recorder``, even when tracing
is disabled - and importing ``aws_xray_sdk.core`` creates a botocore X-Ray client for centralized
sampling (aws/aws-xray-sdk-python#273, #311), about as long as ``import boto3`` itself. Powertools
already imports the SDK lazily (its ``LazyLoader``); this module makes the disabled case not import it
at all: where powertools itself decides tracing is off (``POWERTOOLS_TRACE_DISABLED``, or outside Lambda,
or under SAM local / chalice: ``Tracer._is_tracer_disabled``), the Tracer gets a provider that records
nothing. Inside Lambda (``LAMBDA_TASK_ROOT`` set, tracing not disabled) it is exactly ``Tracer()``: the
X-Ray recorder, ``patch_all`` and the same decorators, so deployed functions still trace.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class _NoSegment(BaseSegment):
    """A trace entity that records nothing (what a disabled X-Ray recorder hands out, without the SDK)."""

    def close(self, end_time: int | None = None) -> None:
        return None

    def add_subsegment(self, subsegment: Any) -> None:
        return None

    def remove_subsegment(self, subsegment: Any) -> None:
        return None

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        return None


class NoTracing(BaseProvider):
    """A powertools tracing provider that records nothing and patches nothing."""

    @contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        return None

    def patch(self, modules: Sequence[str]) -> None:
        return None

    def patch_all(self) -> None:
        return None


def tracing_disabled() -> bool:
    """Powertools' own decision (environment only): is tracing off in this process?"""
    return bool(Tracer._is_tracer_disabled())


def tracer() -> Tracer:
    """The handlers' Tracer: powertools' default (X-Ray) where it traces, :class:`NoTracing` where not."""
    if tracing_disabled():
        return Tracer(disabled=True, provider=NoTracing())
    return Tracer()
