"""The aggregator writes the HTML score report beside each result (issue 14):
``reports/<year>/<entityType>/<TIN>/<leaf>.html``, rendered from the same stored result as
``results/...json``, replaced when a newer input version rescores the entity; IAM allows exactly that."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from mips.pipeline import aws
from mips.pipeline.reports import report_key
from mips.pipeline.template import translate

from .conftest import EXAMPLES, drop, entity_of, load_case, retarget, stored

pytestmark = pytest.mark.integration


def _report(lp: Any, key: Any) -> tuple[str, str]:
    obj = aws.s3().get_object(Bucket=lp.stack.bucket, Key=report_key(key))
    return obj["ContentType"], obj["Body"].read().decode()


def _final_score_in(html: str) -> float:
    match = re.search(r'id="final-score" data-value="([0-9.]+)"', html)
    assert match, "the report shows no final score"
    return float(match.group(1))


def test_given_an_example_dropped_when_scored_then_its_html_report_sits_beside_the_result(lp):
    docs = retarget(load_case(EXAMPLES / "01-individual-clinician"), "700000001")
    for kind, doc in docs.items():
        drop(lp, kind, doc, f"reports-case/{kind}.json")
    lp.drain()
    key = entity_of(docs)
    _, ddb_doc, s3_doc = stored(lp, key)
    assert ddb_doc is not None and ddb_doc == s3_doc
    assert report_key(key) == "reports/2024/individual/700000001/1000000004.html"
    content_type, html = _report(lp, key)
    assert content_type.startswith("text/html")
    assert _final_score_in(html) == ddb_doc["finalScore"]
    assert "individual NPI 1000000004 (TIN 700000001)" in html and "FINAL inputs" in html

    # when a newer profile rescores the entity (small practice: PI data still counts), the report follows
    updated = json.loads(json.dumps(docs["profile"]))
    updated["practiceSize"] = 10
    updated["specialStatuses"]["smallPractice"] = True
    drop(lp, "profile", updated, "reports-case/profile-v2.json")
    lp.drain()
    _, newer, _ = stored(lp, key)
    assert newer is not None and newer != ddb_doc
    _, html2 = _report(lp, key)
    assert _final_score_in(html2) == newer["finalScore"]
    assert "small practice" in html2
    assert not any(lp.dead_letters().values())


def test_given_the_template_then_only_the_aggregator_may_write_reports_and_nothing_reads_them():
    cfn = translate()
    writers, readers = set(), set()
    for name, res in cfn["Resources"].items():
        if res["Type"] != "AWS::IAM::Role":
            continue
        for pol in res["Properties"].get("Policies", []):
            for st in pol["PolicyDocument"]["Statement"]:
                text = json.dumps(st.get("Resource"))
                if "/reports/*" in text:
                    actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
                    writers |= {name} if "s3:PutObject" in actions else set()
                    readers |= {name} if any(a != "s3:PutObject" for a in actions) else set()
    assert writers == {"AggregatorFunctionRole"} and readers == set()
