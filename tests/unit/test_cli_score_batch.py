"""``mips score --batch`` (issue 15): many entities in one process, one JSON line each, every ``result``
exactly the document ``mips score --json`` prints for the same files; nothing dropped."""

from __future__ import annotations

import json
from pathlib import Path

from mips.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "mips" / "examples"
SCORABLE = sorted(p for p in EXAMPLES.iterdir() if (p / "profile.json").is_file())


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def single(capsys, folder: Path) -> dict:
    argv = ["score", str(folder / "submission.json"), "--json"]
    argv += ["--profile", str(folder / "profile.json"), "--cms-data", str(folder / "cms-data.json")]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_given_the_examples_folder_when_batch_scored_then_each_result_is_the_mips_score_document(capsys):
    code = main(["score", "--batch", str(EXAMPLES)])
    out = lines(capsys.readouterr().out)
    assert code == 1  # folder 06 is invalid: an error line, and exit 1
    by_source = {Path(o["source"]).name: o for o in out}
    assert list(by_source) == sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    for folder in SCORABLE:
        assert by_source[folder.name]["result"] == single(capsys, folder), folder.name
    bad = by_source["06-bad-submission"]
    assert "result" not in bad and {e["code"] for e in bad["errors"]} >= {"INVALID_NPI"}


def test_given_a_jsonl_file_when_batch_scored_then_lines_keep_order_and_bad_lines_are_error_lines(
    capsys, tmp_path
):
    folder = SCORABLE[0]
    entity = {
        "submission": json.loads((folder / "submission.json").read_text()),
        "profile": json.loads((folder / "profile.json").read_text()),
        "cmsData": json.loads((folder / "cms-data.json").read_text()),
    }
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        "\n".join([json.dumps(entity), "{not json", json.dumps({"submision": {}}), "", json.dumps(entity)])
        + "\n"
    )
    code = main(["score", "--batch", str(batch)])
    out = lines(capsys.readouterr().out)
    assert code == 1
    assert [o["source"].rsplit(":", 1)[1] for o in out] == ["1", "2", "3", "5"]
    expected = single(capsys, folder)
    assert out[0]["result"] == expected and out[3]["result"] == expected
    assert out[1]["errors"][0]["code"] == "NOT_JSON" and out[2]["errors"][0]["code"] == "INVALID_VALUE"


def test_given_an_invalid_entity_line_when_batch_scored_then_its_validation_errors_name_the_line(
    capsys, tmp_path
):
    doc = json.loads((EXAMPLES / "06-bad-submission" / "submission.json").read_text())
    batch = tmp_path / "bad.jsonl"
    batch.write_text(json.dumps({"submission": doc}) + "\n")
    assert main(["score", "--batch", str(batch)]) == 1
    (line,) = lines(capsys.readouterr().out)
    assert len(line["errors"]) == 3 and all(e["file"] == f"{batch}:1:submission" for e in line["errors"])


def test_given_submission_and_batch_or_neither_when_scored_then_usage_error_2(capsys, tmp_path):
    assert main(["score", "--batch", str(EXAMPLES), str(SCORABLE[0] / "submission.json")]) == 2
    assert main(["score"]) == 2
    assert main(["score", "--batch", str(tmp_path / "missing.jsonl")]) == 2
