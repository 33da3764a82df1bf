"""`mips run-local` and `mips replay-dlq` as a user runs them (contract 3, issue 6 items 3-5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mips.cli import main
from mips.cli.run_local import intake_key, results_table

from .conftest import EXAMPLES

pytestmark = pytest.mark.integration


def test_intake_key_uses_the_folder_then_the_file_name_then_the_content(tmp_path):
    assert intake_key(Path("cases/acme/profiles/p1.json")) == "profiles/acme/p1.json"
    assert intake_key(Path("cases/acme/cms-data.json")) == "cms-data/acme/cms-data.json"
    odd = tmp_path / "q4" / "upload-17.json"
    odd.parent.mkdir()
    odd.write_text(json.dumps({"performanceYear": 2024, "costMeasures": []}))
    assert intake_key(odd) == "cms-data/q4/upload-17.json"  # detected as CMS data by its content
    junk = tmp_path / "q4" / "notes.json"
    junk.write_text("[]")
    assert intake_key(junk) == "submissions/q4/notes.json"  # undetectable: rejected there, with reasons


def test_results_table_masks_the_tin_and_marks_reweighted_categories():
    doc = {
        "entity": {"entityType": "group", "taxpayerIdentificationNumber": "123456789"},
        "reportingOption": "mvp",
        "mvpId": "G0053",
        "status": "final",
        "finalScore": 70.28821,
        "categories": {
            "quality": {"score": 37.6449},
            "cost": {"score": None, "reweighted": True},
            "ia": {"score": 100.0},
            "pi": {"score": None},
        },
        "paymentAdjustment": {"percent": -0.5654},
    }
    table = results_table([doc])
    assert "123456789" not in table and "*****6789/group" in table
    row = table.splitlines()[2].split()
    assert row[2:] == ["mvp", "G0053", "37.64", "rw", "100.00", "-", "70.2882", "-0.5654%", "final"]


def test_given_one_example_folder_when_run_local_then_it_prints_the_score_and_writes_the_result(
    tmp_path, capsys
):
    case = EXAMPLES / "01-individual-clinician"
    assert main(["run-local", str(case), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "individual *****" in out and "final" in out
    (written,) = list((tmp_path / "results").rglob("*.json"))
    doc = json.loads(written.read_text())
    assert written.relative_to(tmp_path).parts[:3] == ("results", "2024", "individual")
    assert f"{doc['finalScore']:.4f}" in out


def test_given_a_missing_file_then_run_local_is_a_usage_error(tmp_path, capsys):
    assert main(["run-local", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_replay_dlq_requires_a_queue_or_all(capsys):
    assert main(["replay-dlq"]) == 2


def test_given_only_files_that_are_rejected_then_run_local_says_why_there_are_no_results(tmp_path, capsys):
    qrda = Path(__file__).resolve().parents[3] / "shared" / "samples" / "qrda3" / "App1-Indv-QRDA-III.xml"
    assert main(["run-local", str(qrda), str(EXAMPLES / "06-bad-submission"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "No results: no entity has an accepted input (see the rejected files below)." in out
    assert "QRDA Category III XML is not accepted yet" in out and "06-bad-submission/submission.json" in out
    assert not (tmp_path / "results").exists()
    written = sorted(p.name for p in (tmp_path / "rejected").rglob("*.errors.json"))
    assert written == ["App1-Indv-QRDA-III.xml.errors.json", "submission.json.errors.json"]


def test_given_endpoint_variables_in_the_shell_when_run_local_then_no_request_leaves_the_process(
    tmp_path, capsys, monkeypatch
):
    """Issue 16: the in-process run ignores AWS_ENDPOINT_URL* (moto would let that traffic through)."""
    import socket

    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    for var in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_ENDPOINT_URL_SQS",
        "AWS_ENDPOINT_URL_DYNAMODB",
    ):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")
    connects: list[object] = []

    def refuse(self, address):  # any network connection at all fails the test
        connects.append(address)
        raise OSError(f"network connection attempted to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    case = EXAMPLES / "01-individual-clinician"
    assert main(["run-local", str(case), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "moto (in-process)" in out and "final" in out
    assert connects == []
    assert len(list((tmp_path / "results").rglob("*.json"))) == 1
    import os

    assert os.environ["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:9"  # the shell's variables restored
