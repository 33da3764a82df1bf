"""The request and cost cuts of issue 15 part 3 keep the results and the guarantees they replace."""

from __future__ import annotations

import json

import pytest
from mips.pipeline import steps
from mips.pipeline.reports import publish_report, report_key
from mips.pipeline.store import Bucket, EntityStore, publish_result_file, result_key
from mips.rules import rules_for

from .conftest import CONTRACT, FILES, drop, entity_of, expected_doc, load_case, retarget, stored


def _drop_all(lp, docs, name):
    for kind in FILES:
        if kind in docs:
            drop(lp, kind, docs[kind], f"cuts/{name}/{FILES[kind]}")


def test_given_an_evaluation_stored_without_the_warnings_then_the_aggregator_validates_the_inputs_again(
    lp, monkeypatch
):
    """An EVAL written before the warnings were kept in it (a deploy during a run): the result still
    carries the inputs' validation warnings, as ``mips score`` reports them."""
    real_put = EntityStore.put_version_item

    def old_eval(self, key, version, name, body, **extra):
        if name == "EVAL":
            doc = json.loads(body)
            doc.pop("warnings")
            body = json.dumps(doc)
        return real_put(self, key, version, name, body, **extra)

    monkeypatch.setattr(EntityStore, "put_version_item", old_eval)
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "400000091")
    _drop_all(lp, docs, "old-eval")
    lp.drain()
    _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
    assert ddb_doc == s3_doc == expected_doc(lp, docs)
    assert ddb_doc["warnings"]  # the sample's validation warning is there


def test_given_an_entity_then_each_step_reads_only_the_stored_inputs_it_scores_from(lp, monkeypatch):
    """Each step reads only the inputs it needs: after eligibility, only quality, IA and PI read the
    submission (the aggregator takes the warnings from the evaluation), and the result is unchanged."""
    reads: list[tuple[str, str]] = []
    real_read = Bucket.read

    def counted(self, key, version_id=None, max_bytes=None):
        if key.startswith("inputs/"):  # the stored inputs (not, e.g., a clinician file read to merge)
            reads.append((lp_step[0], key.split("/")[-2]))
        return real_read(self, key, version_id, max_bytes)

    lp_step = [""]
    lp.before_invoke = lambda function, event: lp_step.__setitem__(0, function)
    monkeypatch.setattr(Bucket, "read", counted)
    try:
        docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "400000092")
        _drop_all(lp, docs, "reads")
        lp.drain()
    finally:
        lp.before_invoke = None
    _, ddb_doc, _ = stored(lp, entity_of(docs))
    assert ddb_doc == expected_doc(lp, docs)
    kinds = {fn: sorted(k for f, k in reads if f == fn) for fn, _ in reads if not fn.startswith("Ingest")}
    assert kinds["EligibilityFunction"] == ["cmsData", "profile", "submission"]
    assert kinds["QualityFunction"] == ["cmsData", "submission"]
    assert kinds["CostFunction"] == ["cmsData"]
    assert kinds["IaFunction"] == kinds["PiFunction"] == ["submission"]
    assert kinds["ReweightingFunction"] == ["profile"]
    assert kinds["AggregatorFunction"] == ["cmsData", "profile"]


@pytest.fixture
def published(lp):
    """An entity scored through the pipeline: its store, bucket, key and stored (version, doc)."""
    docs = retarget(load_case(CONTRACT / "e1-standard-individual"), "400000093")
    _drop_all(lp, docs, "publish")
    lp.drain()
    store = EntityStore(lp.stack.tables["EntityTable"], lp.stack.bucket)
    key = entity_of(docs)
    return store, Bucket(lp.stack.bucket), key, store.get_result(key)


def test_given_the_result_just_written_then_it_is_published_without_reading_it_back(published, monkeypatch):
    store, bucket, key, (version, doc) = published

    def no_read(_key):
        raise AssertionError("RESULT read back")

    monkeypatch.setattr(store, "get_result", no_read)
    # the file already holds this version: nothing to put, and nothing read
    assert publish_result_file(store, bucket, key, known=(version, doc)) == version
    assert publish_report(store, bucket, key, rules_for(2024), known=(version, doc)) == version


def test_given_a_known_result_older_than_the_stored_one_then_the_report_is_redone_from_the_stored_one(
    published,
):
    """``known`` is only a first guess: the check after the put sees the newer stored version, and the
    page is rendered again from what DynamoDB holds."""
    store, bucket, key, (version, doc) = published
    stale = {**doc, "finalScore": -1.0}
    assert publish_report(store, bucket, key, rules_for(2024), known=(version - 1, stale)) == version
    page = bucket.read(report_key(key)).data.decode()
    assert "-1.0" not in page
    # and the result file is never replaced by an older known version
    assert publish_result_file(store, bucket, key, known=(version - 1, stale)) == version
    assert json.loads(bucket.read(result_key(key)).data) == doc


def test_given_the_category_inputs_then_each_category_reads_what_its_scoring_uses():
    assert {
        "quality": {"submission", "cmsData"},
        "cost": {"cmsData"},
        "ia": {"submission"},
        "pi": {"submission"},
    } == steps.CATEGORY_INPUTS
