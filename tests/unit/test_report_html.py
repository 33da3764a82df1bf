"""The HTML score report (issue 14): built only from the result document and the year's payment rules,
every input value escaped, the payment curve from the rules (never a hard-coded year or threshold),
preliminary/estimated shown, the waterfall adding up; ``mips report`` on results, submissions, folders."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from mips.cli import main
from mips.engine import score
from mips.models import CmsData, Profile, Submission
from mips.report_html import render_entity, render_index, report_file_name
from mips.report_html.page import _steps

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples"
E1 = EXAMPLES / "01-individual-clinician"


@pytest.fixture(scope="module")
def e1(ref) -> dict[str, Any]:
    def read(name: str, model: Any) -> Any:
        return model.model_validate_json((E1 / name).read_text())

    return score(
        read("submission.json", Submission),
        read("profile.json", Profile),
        read("cms-data.json", CmsData),
        ref,
    ).to_doc()


def test_given_hostile_ids_and_titles_when_rendered_then_every_value_is_escaped(e1, rules):
    doc = copy.deepcopy(e1)
    doc["entity"]["entityId"] = '<script>alert("x")</script>'
    doc["entity"]["nationalProviderIdentifier"] = None
    doc["eligibility"]["reasons"] = ["<img src=x onerror=alert(1)>"]
    measures = next(p for p in doc["explanation"]["parts"] if p["name"] == "quality")["parts"][0]["parts"][0]
    measures["parts"][-1]["title"] = "<b>bold</b> & co"
    html = render_entity(doc, rules=rules) + render_index([(doc, "x.html")])
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    )
    assert report_file_name(doc) == "2024-individual-000000001-_script_alert_x_script_.html"


def test_given_a_result_when_rendered_then_no_network_reference_and_the_figures_of_the_document(e1, rules):
    html = render_entity(e1, rules=rules)
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert "<script" not in html  # the entity page needs no script; only the index sorts
    assert f'id="final-score" data-value="{e1["finalScore"]}"' in html
    for c, out in e1["categories"].items():
        assert f'data-category="{c}" data-score="{out["score"]}"' in html
    assert "threshold 75" in html and "Payment adjustment 2026" in html
    assert "Diabetes: Eye Exam" in html  # measure titles from the reference data, via the tree


def test_given_other_payment_rules_when_rendered_then_the_curve_and_threshold_follow_the_rules(e1, rules):
    """Spec 10: the curve is the rules' adjustment function; a threshold of 80 moves the marker and
    puts the score below it (no year or threshold is written in the renderer)."""
    other = replace(rules, payment=replace(rules.payment, performance_threshold=80.0, payment_year=2031))
    html = render_entity(e1, rules=other)
    assert "threshold 80" in html and "threshold 75" not in html
    assert "below the 80-point threshold" in html


def test_given_a_preliminary_result_when_rendered_then_it_says_so_prominently(e1, rules):
    doc = {**e1, "status": "preliminary"}
    html = render_entity(doc, rules=rules)
    assert 'data-badge="PRELIMINARY"' in html and "has not arrived yet" in html
    assert 'data-badge="ESTIMATED adjustment"' in html  # the 2024 scaling factor is UNCONFIRMED


def test_given_each_example_when_rendered_then_the_waterfall_steps_add_up_to_the_final_score(ref, rules):
    for folder in sorted(p for p in EXAMPLES.iterdir() if (p / "profile.json").is_file()):
        read = {n: (folder / n).read_text() for n in ("submission.json", "profile.json", "cms-data.json")}
        doc = score(
            Submission.model_validate_json(read["submission.json"]),
            Profile.model_validate_json(read["profile.json"]),
            CmsData.model_validate_json(read["cms-data.json"]),
            ref,
        ).to_doc()
        steps = _steps(doc)
        assert sum(s.value for s in steps) == pytest.approx(doc["finalScore"], abs=1e-3), folder.name
        assert not any(s.label == "Other" for s in steps), folder.name  # the tree itself adds up


def test_given_the_examples_folder_when_reported_then_a_page_per_entity_and_an_index(tmp_path, capsys):
    """Folder 06 is invalid: its problems are printed, the other five reports are written, exit 1."""
    assert main(["report", str(EXAMPLES), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "06-bad-submission/submission.json: $.nationalProviderIdentifier" in err
    pages = sorted(p.name for p in tmp_path.glob("*.html"))
    assert len(pages) == 6 and "index.html" in pages
    index = (tmp_path / "index.html").read_text()
    assert all(f'href="{p}"' in index for p in pages if p != "index.html")


def test_given_a_result_document_or_a_submission_when_reported_then_the_same_page(tmp_path, e1, capsys):
    result = tmp_path / "result.json"
    result.write_text(json.dumps(e1))
    assert main(["report", str(result), "-o", str(tmp_path / "a")]) == 0
    args = ["--profile", str(E1 / "profile.json"), "--cms-data", str(E1 / "cms-data.json")]
    assert main(["report", str(E1 / "submission.json"), *args, "-o", str(tmp_path / "b")]) == 0
    name = report_file_name(e1)
    assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()


def test_given_bad_usage_when_reported_then_exit_2_or_1_with_a_reason(tmp_path, capsys):
    two = [str(E1 / "submission.json"), str(E1 / "submission.json")]
    assert main(["report", *two, "--profile", str(E1 / "profile.json"), "-o", str(tmp_path)]) == 2
    assert main(["report", str(tmp_path / "missing.json"), "-o", str(tmp_path)]) == 1
    assert "file not found" in capsys.readouterr().err


def test_given_a_bonus_from_an_unconfirmed_formula_when_rendered_then_it_is_marked_estimated(ref, rules):
    """Example 03 gives complex patient indicators; the population parameters of 42 CFR 414.1380(c)(3)(v)
    are unpublished, so the bonus cannot be computed (0 points) and the page says so."""
    folder = EXAMPLES / "03-large-group-hwr"
    doc = score(
        Submission.model_validate_json((folder / "submission.json").read_text()),
        Profile.model_validate_json((folder / "profile.json").read_text()),
        CmsData.model_validate_json((folder / "cms-data.json").read_text()),
        ref,
    ).to_doc()
    html = render_entity(doc, rules=rules)
    assert 'data-badge="ESTIMATED bonuses"' in html and "the bonus cannot be computed" in html
    assert 'data-badge="ESTIMATED bonuses"' not in render_entity(
        {**doc, "explanation": {**doc["explanation"], "parts": []}}, rules=rules
    )


def test_given_a_result_of_a_year_without_rules_when_rendered_then_the_page_says_there_is_no_curve(e1):
    html = render_entity({**e1, "performanceYear": 1999})
    assert "No payment rules for performance year 1999: no curve." in html
    assert f'id="final-score" data-value="{e1["finalScore"]}"' in html


def test_given_a_broken_result_document_when_reported_then_exit_1_naming_the_json_path(tmp_path, e1, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**e1, "categories": {"quality": "high"}}))
    assert main(["report", str(bad), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: $.categories.quality" in err and "not a valid result document" in err


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _golden_doc(case: str) -> dict[str, Any]:
    """Score a golden case's inputs (tests/golden/<year>/<case>.json) with its year's reference and rules."""
    from mips.reference import load_reference
    from mips.rules import rules_for

    path = GOLDEN / f"{case}.json"
    data = json.loads(path.read_text())
    year = int(path.parent.name)
    inputs = data["inputs"]
    models = [
        None if inputs.get(k) is None else m.model_validate(inputs[k])
        for k, m in (("submission", Submission), ("profile", Profile), ("cmsData", CmsData))
    ]
    return score(*models, load_reference(year), rules_for(year)).to_doc()


def test_given_a_2026_preview_result_when_rendered_then_it_says_preview_not_final():
    """rules-2025-2026 (years.yaml): PY2026 is a preview pack; its result has status "preview"."""
    doc = _golden_doc("2026/preview-quality-historical-benchmark")
    assert doc["status"] == "preview"
    html = render_entity(doc)
    assert 'data-badge="PREVIEW rules"' in html and "rules are not final" in html
    assert 'data-badge="FINAL inputs"' not in html
    assert doc["estimates"] and "Estimate: quality: historical benchmarks only" in html  # years.yaml notes


def test_given_an_estimated_payment_adjustment_when_rendered_then_it_is_marked_estimated_with_the_reason():
    """rules-2025-2026 §10.1: the 2027 scaling factor is unpublished, so a positive adjustment is estimated
    (paymentAdjustment.estimated) and the page says so, with the document's reason."""
    doc = _golden_doc("2025/payment-positive-uses-estimated-scaling-factor")
    assert doc["status"] == "final" and doc["paymentAdjustment"]["estimated"] is True
    html = render_entity(doc)
    assert 'data-badge="ESTIMATED adjustment"' in html and 'data-badge="PREVIEW rules"' not in html
    assert "payment.estimate_scaling_factor" in html
    # the same page without the flag (and without rules to fall back on) is not marked estimated
    plain = {
        **doc,
        "performanceYear": 1999,
        "paymentAdjustment": {**doc["paymentAdjustment"], "estimated": None},
    }
    assert 'data-badge="ESTIMATED adjustment"' not in render_entity(plain)
    flagged = {**doc, "performanceYear": 1999}
    assert 'data-badge="ESTIMATED adjustment"' in render_entity(flagged)
