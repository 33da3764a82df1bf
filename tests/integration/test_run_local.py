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
    (written,) = [p for p in (tmp_path / "results").rglob("*.json") if "clinician" not in p.parts]
    doc = json.loads(written.read_text())
    # the per-clinician choice (spec 9.2): the individual's own score is the only one
    (clinician,) = list((tmp_path / "results" / "2024" / "clinician").rglob("*.json"))
    assert json.loads(clinician.read_text())["finalScore"] == doc["finalScore"]
    assert written.relative_to(tmp_path).parts[:3] == ("results", "2024", "individual")
    assert f"{doc['finalScore']:.4f}" in out


def test_given_a_missing_file_then_run_local_is_a_usage_error(tmp_path, capsys):
    assert main(["run-local", str(tmp_path / "nope.json")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_replay_dlq_requires_a_queue_or_all(capsys):
    assert main(["replay-dlq"]) == 2


def test_given_only_files_that_are_rejected_then_run_local_says_why_there_are_no_results(tmp_path, capsys):
    qrda = Path(__file__).resolve().parents[3] / "shared" / "samples" / "qrda3" / "negative"
    qrda = qrda / "iaSectionMissingMeasures.xml"
    assert main(["run-local", str(qrda), str(EXAMPLES / "06-bad-submission"), "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "No results: no entity has an accepted input (see the rejected files below)." in out
    assert "QRDA3_IA_SECTION_MISSING_MEASURE, CMS 43" in out and "06-bad-submission/submission.json" in out
    assert not (tmp_path / "results").exists()
    written = sorted(p.name for p in (tmp_path / "rejected").rglob("*.errors.json"))
    assert written == ["iaSectionMissingMeasures.xml.errors.json", "submission.json.errors.json"]


def test_given_a_qrda_iii_submission_then_run_local_scores_it_like_json(tmp_path, capsys):
    """Issue 13: QRDA III XML under submissions/ is converted at ingest and scored (CMS MVP sample)."""
    qrda = Path(__file__).resolve().parents[3] / "shared" / "samples" / "qrda3" / "Mvp_Mips-Group-Sample.xml"
    assert main(["run-local", str(qrda), "--out", str(tmp_path)]) == 0
    results = list((tmp_path / "results").rglob("*.json"))
    assert len(results) == 1 and not (tmp_path / "rejected").exists()
    doc = json.loads(results[0].read_text())
    assert (doc["performanceYear"], doc["reportingOption"], doc["mvpId"]) == (2024, "mvp", "G0053")
    assert doc["status"] == "preliminary"  # no profile was sent: an honest preliminary, never final


def test_given_an_orphan_profile_and_a_traversal_entity_id_then_run_local_lists_the_orphan_and_stays_in_out(
    tmp_path, capsys
):
    """Issue 9 items 3 and 4: the orphan is printed (not scored); ``../../group/000000005/group`` is
    rejected and nothing is written outside ``--out``."""
    cases = tmp_path / "cases"
    (cases / "orphan" / "profiles").mkdir(parents=True)
    (cases / "evil" / "submissions").mkdir(parents=True)
    profile = json.loads((EXAMPLES / "01-individual-clinician" / "profile.json").read_text())
    profile["taxpayerIdentificationNumber"] = "700000099"
    (cases / "orphan" / "profiles" / "p.json").write_text(json.dumps(profile))
    evil = json.loads((EXAMPLES / "05-app-apm-entity" / "submission.json").read_text())
    evil["entityId"] = "../../group/000000005/group"
    (cases / "evil" / "submissions" / "s.json").write_text(json.dumps(evil))
    out = tmp_path / "out"
    assert main(["run-local", str(cases), "--out", str(out)]) == 1  # a rejected file: exit 1 (issue 10)
    printed = capsys.readouterr().out
    assert "Orphans (a profile or CMS data without a submission; not scored):" in printed
    assert "individual *****0099/1000000004  (profiles/orphan/p.json)" in printed
    assert "is not a valid APM Entity id" in printed
    written = sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file() and "cases" not in p.parts
    )
    assert written == ["out/rejected/submissions/evil/s.json.errors.json"]


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
    assert len(list((tmp_path / "results" / "2024" / "individual").rglob("*.json"))) == 1
    import os

    assert os.environ["AWS_ENDPOINT_URL_S3"] == "http://127.0.0.1:9"  # the shell's variables restored


# -- issue 10: batches, hygiene, usage errors --------------------------------------------------------------
def test_given_an_individual_then_neither_the_full_tin_nor_the_full_npi_is_printed(tmp_path, capsys):
    case = EXAMPLES / "01-individual-clinician"
    npi = json.loads((case / "profile.json").read_text())["nationalProviderIdentifier"]
    tin = json.loads((case / "profile.json").read_text())["taxpayerIdentificationNumber"]
    assert main(["run-local", str(case), "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert npi not in captured.out and tin not in captured.out
    assert f"*****{npi[-4:]}" in captured.out


def test_given_two_runs_into_one_out_folder_then_the_second_shows_and_keeps_only_its_own_results(
    tmp_path, capsys
):
    assert main(["run-local", str(EXAMPLES / "01-individual-clinician"), "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    assert (
        main(["run-local", str(EXAMPLES / "02-small-practice-group"), "--out", str(tmp_path), "--json"]) == 0
    )
    summary = json.loads(capsys.readouterr().out)  # stdout is exactly the JSON summary
    (only,) = summary["results"]
    assert only.startswith("results/2024/group/")
    written = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "results").rglob("*.json")]
    assert written == [only]


def test_given_functions_printing_to_stdout_then_the_json_summary_stays_clean(tmp_path, capsys, monkeypatch):
    from mips.pipeline.driver import LocalPipeline

    real = LocalPipeline.drain

    def noisy(self, *args, **kwargs):  # what powertools does every 100 metric values
        print('{"_aws": {"CloudWatchMetrics": []}}')
        return real(self, *args, **kwargs)

    monkeypatch.setattr(LocalPipeline, "drain", noisy)
    assert (
        main(["run-local", str(EXAMPLES / "01-individual-clinician"), "--out", str(tmp_path), "--json"]) == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out)["results"] and "CloudWatchMetrics" in captured.err


def test_given_a_rejected_file_with_many_problems_then_each_is_listed_or_counted():
    from mips.cli.run_local import rejection_lines

    problems = [{"path": f"$.measurements[{i}]", "message": "bad\u202evalue"} for i in range(13)]
    lines = rejection_lines("submissions/x\x1b.json", {"problems": problems})
    assert len(lines) == 1 + 10 + 1 and lines[-1].strip() == "+3 more"
    assert "\u202e" not in "".join(lines) and "\\u202e" in lines[1] and "\\u001b" in lines[0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--log-level", "LOUD"], "--log-level must be one of"),
        (["--template", "no-such-template.yaml"], "no such template"),
        (["--endpoint-url", "http://127.0.0.1:9"], "cannot reach http://127.0.0.1:9"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(tmp_path, capsys, monkeypatch, extra, message):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    case = EXAMPLES / "01-individual-clinician" / "profile.json"
    assert main(["run-local", str(case), "--out", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
