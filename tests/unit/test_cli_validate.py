"""``mips validate FILE...`` (contract 3): exit 0 all valid, 1 any invalid, 2 usage error; text or --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mips
from mips.cli import main

EXAMPLES = Path(mips.__file__).parent / "examples"
GOOD = EXAMPLES / "01-individual-clinician" / "submission.json"
BAD = EXAMPLES / "06-bad-submission" / "submission.json"


def test_given_valid_files_when_validated_then_exit_0_and_one_verdict_line_each(capsys):
    profile = EXAMPLES / "01-individual-clinician" / "profile.json"
    assert main(["validate", str(GOOD), str(profile)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"VALID   {GOOD} (submission)"
    assert out[1] == f"VALID   {profile} (profile)"
    assert out[-1].startswith("2 of 2 file(s) valid")


def test_given_one_invalid_file_when_validated_then_exit_1_and_its_problems_listed(capsys):
    assert main(["validate", str(GOOD), str(BAD)]) == 1
    out = capsys.readouterr().out
    assert f"INVALID {BAD} (submission): 3 errors" in out
    assert "  error   $.nationalProviderIdentifier: NPI 1000000021 fails its check digit" in out
    assert "1 of 2 file(s) valid" in out


def test_given_no_files_when_run_then_usage_error_2(capsys):
    assert main(["validate"]) == 2
    assert "give at least one FILE" in capsys.readouterr().err


def test_given_a_missing_file_when_run_then_usage_error_2_naming_it(capsys, tmp_path):
    assert main(["validate", str(GOOD), str(tmp_path / "nope.json")]) == 2
    captured = capsys.readouterr()
    assert "no such file" in captured.err and "nope.json" in captured.err and captured.out == ""


def test_given_an_unknown_option_when_run_then_usage_error_2():
    assert main(["validate", "--frobnicate", str(GOOD)]) == 2


def test_given_json_flag_when_run_then_a_json_array_of_reports(capsys):
    assert main(["validate", "--json", str(GOOD), str(BAD)]) == 1
    docs = json.loads(capsys.readouterr().out)
    assert [(d["file"], d["kind"], d["valid"]) for d in docs] == [
        (str(GOOD), "submission", True),
        (str(BAD), "submission", False),
    ]
    first = docs[1]["problems"][0]
    assert (first["path"], first["severity"]) == ("$.nationalProviderIdentifier", "error")
    assert "check digit" in first["message"] and set(first) == {"path", "message", "severity", "code"}
    assert first["code"] == "INVALID_NPI"


def test_given_a_directory_when_run_then_its_json_files_are_validated(capsys):
    assert main(["validate", str(EXAMPLES / "03-large-group-hwr")]) == 0
    assert "3 of 3 file(s) valid" in capsys.readouterr().out


def test_given_kind_flag_when_a_profile_is_read_as_cms_data_then_invalid(capsys, tmp_path):
    f = tmp_path / "p.json"
    f.write_text(
        json.dumps({"performanceYear": 2024, "entityType": "group", "taxpayerIdentificationNumber": "1"})
    )
    assert main(["validate", "--kind", "profile", str(f)]) == 1
    assert "TIN must be exactly 9 digits" in capsys.readouterr().out


def test_given_the_console_entry_when_run_as_a_process_then_same_exit_codes(tmp_path):
    bad_json = tmp_path / "broken.json"
    bad_json.write_text("{")
    proc = subprocess.run(
        [sys.executable, "-m", "mips", "validate", str(GOOD), str(bad_json)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert f"INVALID {bad_json} (submission): 1 error" in proc.stdout
    assert "not valid JSON" in proc.stdout
