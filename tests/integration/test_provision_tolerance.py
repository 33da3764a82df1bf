"""Provisioning on emulators that lack an optional API (issue 16): warn and go on, never fail."""

from __future__ import annotations

import logging

import pytest
from botocore.exceptions import ClientError
from mips.pipeline import aws
from mips.pipeline.driver import LocalPipeline, _environment

from .conftest import FAKE_ENV

pytestmark = pytest.mark.integration


def _answer(code: str, status: int):
    def call(**_kwargs):
        raise ClientError(
            {
                "Error": {"Code": code, "Message": "emulator says no"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            },
            "UpdateTimeToLive",
        )

    return call


def _provision_with_ttl_answer(monkeypatch, code: str, status: int) -> LocalPipeline:
    from moto import mock_aws

    with _environment(FAKE_ENV), mock_aws():
        aws.reset()
        monkeypatch.setattr(aws.dynamodb(), "update_time_to_live", _answer(code, status))
        pipeline = LocalPipeline(stack_name="mips-tol")
        try:
            pipeline.provision()
        finally:
            aws.reset()
    return pipeline


def test_given_an_endpoint_without_update_time_to_live_then_the_table_is_created_with_a_warning(
    monkeypatch, caplog
):
    with caplog.at_level(logging.WARNING, logger="mips.pipeline.provision"):
        pipeline = _provision_with_ttl_answer(monkeypatch, "UnknownOperationException", 400)
    stack = pipeline.stack
    assert stack is not None and "EntityTable" in stack.tables
    assert any("UpdateTimeToLive not supported" in n for n in stack.notes)
    assert "UnknownOperationException" in caplog.text


def test_given_a_real_error_from_update_time_to_live_then_provisioning_fails(monkeypatch):
    with pytest.raises(ClientError, match="AccessDenied"):
        _provision_with_ttl_answer(monkeypatch, "AccessDeniedException", 400)
