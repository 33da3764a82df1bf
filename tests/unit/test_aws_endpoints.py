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


def test_targets_resolve_to_their_endpoints_and_the_shortcut_stays_generic(monkeypatch):
    from mips.pipeline.targets import LOCALSTACK_URL, MOTO_SERVER_URL, TargetError, resolve

    monkeypatch.delenv("MIPS_MOTO_SERVER_URL", raising=False)
    monkeypatch.delenv("MIPS_LOCALSTACK_URL", raising=False)
    assert resolve(None).name == "moto" and resolve(None).endpoint_url is None
    assert resolve("moto-server").endpoint_url == MOTO_SERVER_URL
    assert resolve("localstack").endpoint_url == LOCALSTACK_URL
    assert resolve("localstack", "http://127.0.0.1:4600").endpoint_url == "http://127.0.0.1:4600"
    shortcut = resolve(None, "http://127.0.0.1:4566")
    assert (shortcut.name, shortcut.emulator) == ("endpoint", True)
    real = resolve("aws")
    assert (real.endpoint_url, real.emulator) == (None, False)  # botocore resolves, TLS-only policy applied
    with pytest.raises(TargetError):
        resolve("moto", "http://127.0.0.1:5000")


def test_a_localstack_run_gets_its_own_stack_and_intake_bucket():
    from mips.pipeline.targets import resolve

    ls = resolve("localstack")
    first, second = ls.stack_name("mips-local"), ls.stack_name("mips-local")
    assert first != second and first.startswith("mips-local-")
    assert ls.parameters(first) == {"IntakeBucketName": f"{first}-intake"}
    assert resolve("moto-server").stack_name("mips-local") == "mips-local"  # reset through /moto-api/reset
    assert resolve("moto-server").parameters("mips-local") == {}


def test_given_an_emulator_that_is_not_up_then_run_local_says_how_to_start_it(capsys, tmp_path):
    from mips.cli import main

    code = main(
        ["run-local", "--target", "moto-server", "--endpoint-url", UNREACHABLE, "--out", str(tmp_path)]
    )
    assert code == 2
    assert "make emulators-up" in capsys.readouterr().err


def test_given_one_function_when_it_creates_its_three_clients_then_they_share_one_session(
    monkeypatch, fresh_clients
):
    """A session per client loaded botocore's endpoint and retry data three times in every cold start."""
    import boto3.session

    created = []
    real = boto3.session.Session

    def counting_session(*args, **kwargs):
        created.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(boto3.session, "Session", counting_session)
    aws.s3(), aws.sqs(), aws.dynamodb()
    assert len(created) == 1
    assert aws.s3() is aws.s3()


def test_given_changed_credentials_then_a_new_session_resolves_them(monkeypatch, fresh_clients):
    """A session keeps the credentials it resolved first; changed ones (another target) get a new one."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "first")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "first")
    assert aws.s3()._request_signer._credentials.access_key == "first"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "second")
    aws.reset()
    assert aws.s3()._request_signer._credentials.access_key == "second"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "third")
    assert aws.sqs()._request_signer._credentials.access_key == "third"
