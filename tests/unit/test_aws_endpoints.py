"""Where the pipeline's clients send their requests (issue 16: no local run may reach a real endpoint).

Given endpoint variables in the shell, botocore resolves them per service; ``--endpoint-url`` is one URL
for all; the in-process moto run ignores every configured endpoint.
"""

from __future__ import annotations

import pytest
from mips.pipeline import aws

UNREACHABLE = "http://127.0.0.1:9"  # discard port: nothing listens there


@pytest.fixture
def fresh_clients():
    aws.configure(None)
    yield
    aws.configure(None)


def test_given_per_service_endpoint_variables_then_botocore_resolves_each_service(monkeypatch, fresh_clients):
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:8")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", UNREACHABLE)
    assert aws.dynamodb().meta.endpoint_url == UNREACHABLE  # the per-service variable wins
    assert aws.s3().meta.endpoint_url == "http://127.0.0.1:8"  # the global one for the others


def test_given_a_changed_variable_then_the_cached_client_is_not_reused(monkeypatch, fresh_clients):
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:8")
    assert aws.sqs().meta.endpoint_url == "http://127.0.0.1:8"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", UNREACHABLE)
    assert aws.sqs().meta.endpoint_url == UNREACHABLE


def test_given_endpoint_url_option_then_every_service_uses_that_one_url(monkeypatch, fresh_clients):
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", UNREACHABLE)
    aws.configure("http://127.0.0.1:5000")
    assert aws.dynamodb().meta.endpoint_url == "http://127.0.0.1:5000"
    assert aws.s3().meta.endpoint_url == "http://127.0.0.1:5000"


def test_inside_isolated_no_configured_endpoint_applies_and_the_shell_is_restored(monkeypatch, fresh_clients):
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", UNREACHABLE)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", UNREACHABLE)
    with aws.isolated():
        assert aws.endpoint_variables() == {}
        assert "127.0.0.1" not in aws.s3().meta.endpoint_url  # AWS's own address, which moto intercepts
        assert "127.0.0.1" not in aws.sqs().meta.endpoint_url
    assert aws.endpoint_variables() == {"AWS_ENDPOINT_URL": UNREACHABLE, "AWS_ENDPOINT_URL_S3": UNREACHABLE}
    assert aws.s3().meta.endpoint_url == UNREACHABLE
