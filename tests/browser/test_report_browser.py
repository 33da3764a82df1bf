"""The HTML score report as a person sees it (issue 14): Debian's chromium renders each example's page
headless to a PNG; the test reads the page's DOM (after scripts ran) for the final score, the category
values and the payment adjustment, and fails on any console message (script error, blocked resource).

When chromium is missing, ``scripts/ensure-chromium`` (also run by ``make test``) installs it; the test
skips only when that is impossible here, with the script's reason.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.util
import json
import struct
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from mips.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "shared" / "mips" / "examples"
SCORABLE = sorted(p.name for p in EXAMPLES.iterdir() if (p / "profile.json").is_file())


def _shots() -> Any:
    spec = importlib.util.spec_from_file_location(
        "report_screenshots", ROOT / "scripts" / "report_screenshots.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


SHOTS = _shots()


@pytest.fixture(scope="module")
def browser() -> str:
    found = SHOTS.find_chromium()
    if found is None:
        # one install at a time when several xdist workers get here (apt-get holds the dpkg lock)
        with open(Path(tempfile.gettempdir()) / "mips-ensure-chromium.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            why = subprocess.run(
                [str(ROOT / "scripts" / "ensure-chromium")],
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            ).stdout.strip()
        found = SHOTS.find_chromium()
        if found is None:
            pytest.skip(why or "chromium could not be installed (scripts/ensure-chromium)")
    return found


class _Dom(HTMLParser):
    """Elements by id and table rows' data attributes, from the serialised DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.rows: list[dict[str, str | None]] = []
        self.badges: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.by_id[str(a["id"])] = a
        if tag == "tr" and ("data-category" in a or "data-entity" in a):
            self.rows.append(a)
        if a.get("data-badge"):
            self.badges.append(str(a["data-badge"]))


def _dom(html: str) -> _Dom:
    d = _Dom()
    d.feed(html)
    return d


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    for name in SCORABLE:
        assert main(["report", str(EXAMPLES / name), "-o", str(out / name)]) == 0
    results = out / "results"
    results.mkdir()
    for name in SCORABLE:  # the portfolio index over every example, from result documents
        (results / f"{name}.json").write_text(json.dumps(_doc_of(name)))
    assert main(["report", str(results), "-o", str(out / "all")]) == 0
    return out


@functools.cache
def _doc_of(name: str) -> dict[str, Any]:
    from mips.engine import score
    from mips.models import CmsData, Profile, Submission
    from mips.reference import load_reference

    folder = EXAMPLES / name
    return score(
        Submission.model_validate_json((folder / "submission.json").read_text()),
        Profile.model_validate_json((folder / "profile.json").read_text()),
        CmsData.model_validate_json((folder / "cms-data.json").read_text()),
        load_reference(2024),
    ).to_doc()


@pytest.mark.parametrize("name", SCORABLE)
def test_given_an_example_report_when_rendered_in_chromium_then_the_page_shows_the_result(
    name, browser, reports, tmp_path
):
    doc = _doc_of(name)
    (page,) = [p for p in (reports / name).glob("*.html") if p.name != "index.html"]
    png = tmp_path / f"{name}.png"
    rendered = SHOTS.render(browser, page, png)
    assert rendered.console == []  # no script error, no blocked resource, nothing logged
    assert _png_size(png) == SHOTS.SIZE and png.stat().st_size > 20_000  # not a blank page
    dom = _dom(rendered.dom)
    assert float(dom.by_id["final-score"]["data-value"] or "nan") == doc["finalScore"]
    assert (
        float(dom.by_id["payment-adjustment"]["data-value"] or "nan") == doc["paymentAdjustment"]["percent"]
    )
    shown = {r["data-category"]: r for r in dom.rows}
    assert set(shown) == set(doc["categories"])
    contributions = {p["name"]: p["value"] for p in doc["explanation"]["parts"]}
    for c, out in doc["categories"].items():
        score, points = shown[c]["data-score"], shown[c]["data-contribution"]
        assert (float(score) if score else None) == out["score"], c
        assert (float(points) if points else None) == contributions[c], c  # null when reweighted
    assert ("PRELIMINARY" in dom.badges) == (doc["status"] == "preliminary")


def test_given_the_portfolio_index_when_sorted_by_its_script_then_rows_follow_the_final_score(
    browser, reports
):
    rendered = SHOTS.render(browser, reports / "all" / "index.html", fragment="sort=finalScore:desc")
    assert rendered.console == []
    dom = _dom(rendered.dom)
    assert dom.by_id["portfolio"].get("data-sorted") == "finalScore:desc"  # the script ran
    scores = {n: _doc_of(n)["finalScore"] for n in SCORABLE}
    shown = [r["data-entity"] for r in dom.rows]
    assert len(shown) == len(SCORABLE)
    from mips.report_html import report_file_name

    expected = [report_file_name(_doc_of(n)) for n in sorted(SCORABLE, key=lambda n: -scores[n])]
    assert shown == expected
