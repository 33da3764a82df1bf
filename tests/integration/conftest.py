"""The moto-backed local pipeline for integration tests (one mock and one provisioned stack per module)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mips.engine import score
from mips.models import EntityKey
from mips.pipeline import aws
from mips.pipeline.driver import LocalPipeline, _environment
from mips.pipeline.store import EntityStore, result_key
from mips.validation import validate_document

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "samples" / "contract"
EXAMPLES = ROOT / "shared" / "mips" / "examples"
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
FILES = {"submission": "submission.json", "profile": "profile.json", "cmsData": "cms-data.json"}
PREFIX = {"submission": "submissions/", "profile": "profiles/", "cmsData": "cms-data/"}


@pytest.fixture(scope="module")
def lp() -> Iterator[LocalPipeline]:
    from moto import mock_aws

    with _environment(FAKE_ENV), mock_aws():
        aws.reset()
        pipeline = LocalPipeline(stack_name="mips-it")
        pipeline.provision()
        yield pipeline
        aws.reset()


def load_case(folder: Path) -> dict[str, dict[str, Any]]:
    """The case's input documents by kind (contract samples and examples share the file names)."""
    return {k: json.loads((folder / f).read_text()) for k, f in FILES.items() if (folder / f).is_file()}


def retarget(docs: dict[str, dict[str, Any]], tin: str) -> dict[str, dict[str, Any]]:
    """The same inputs for another TIN (a fresh entity for each test)."""
    out = copy.deepcopy(docs)
    for doc in out.values():
        inner = doc["data"]["submission"] if "data" in doc else doc
        inner["taxpayerIdentificationNumber"] = tin
    return out


def entity_of(docs: dict[str, dict[str, Any]]) -> EntityKey:
    doc = next(iter(docs.values()))
    inner = doc["data"]["submission"] if "data" in doc else doc
    return EntityKey.model_validate(inner)


def drop(lp: LocalPipeline, kind: str, doc: dict[str, Any] | bytes, name: str) -> str:
    key = f"{PREFIX[kind]}{name}"
    lp.put_object(key, doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return key


def expected_doc(lp: LocalPipeline, docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What `mips score` computes in-process on the same inputs (the one domain both paths share)."""
    from mips.models.result import WarningOut
    from mips.reference import load_reference
    from mips.validation import result_warnings

    ref = load_reference(2024)
    reports = {k: validate_document(json.dumps(d), ref, kind=k) for k, d in docs.items()}
    models = {k: r.model for k, r in reports.items()}
    result = score(models.get("submission"), models.get("profile"), models.get("cmsData"), ref)  # type: ignore[arg-type]
    order = [reports[k] for k in sorted(reports)]  # the pipeline lists its inputs by kind
    result.warnings = [WarningOut.model_validate(w) for w in result_warnings(order)]
    return result.to_doc()


def stored(
    lp: LocalPipeline, key: EntityKey
) -> tuple[int | None, dict[str, Any] | None, dict[str, Any] | None]:
    """(entity input version, RESULT document in DynamoDB, result document in S3)."""
    store = EntityStore(lp.stack.tables["EntityTable"], lp.stack.bucket)  # type: ignore[union-attr]
    result = store.get_result(key)
    try:
        body = aws.s3().get_object(Bucket=lp.stack.bucket, Key=result_key(key))["Body"].read()  # type: ignore[union-attr]
        s3_doc = json.loads(body)
    except aws.s3().exceptions.NoSuchKey:
        s3_doc = None
    return store.current_version(key), (result[1] if result else None), s3_doc


def result_version(lp: LocalPipeline, key: EntityKey) -> int | None:
    store = EntityStore(lp.stack.tables["EntityTable"], lp.stack.bucket)  # type: ignore[union-attr]
    result = store.get_result(key)
    return result[0] if result else None


@pytest.fixture
def faults(lp: LocalPipeline) -> Iterator[Any]:
    """Seeded faults on the shared pipeline for one test (issue 10): client faults via botocore hooks and
    invocation faults via the driver. ``faults.counts`` says what was injected."""
    from mips.pipeline.faults import FaultInjector

    injector = FaultInjector(seed=10, rate=0.08).install(lp)
    try:
        yield injector
    finally:
        injector.uninstall(lp)
