"""Prove a validation speed-up changes no verdict: this tree against a git revision, on the same inputs.

    python scripts/compare_validation.py --base main            # verdicts only
    python scripts/compare_validation.py --base main --rounds 2 # and timings, old/new alternated

Every case is validated by the base revision's ``shared/`` (extracted with ``git archive`` to a temporary
folder and run in a child interpreter) and by this tree's, and the two outputs are compared: kind, validity,
every problem (code, path, message, severity, file, in order) and the parsed model. The cases, built once
here so both sides see the same bytes:

* every file of ``tests/corpus/bad/`` (the kind its ``case.json`` says, then any kind);
* ``../shared/samples/`` (QPP JSON, QRDA III, CMS's QRDA III samples), when beside the project, any kind;
* the example entities (``shared/mips/examples``) and every golden case's inputs (``tests/golden``), as
  bytes and as decoded dicts;
* ``--generated`` submissions of :func:`mips.bench.generate_entities` and ``--mutants`` seeded mutations
  of them (typos, wrong types, bad ids, duplicates, escapes, big numbers, truncation ...), plus a third
  as many of the example profiles and CMS data, which reach the problem paths the valid files do not;
* the real files again through :func:`mips.validation.validate_file` (``mips validate``).

With ``--rounds N`` each side then times ``validate_document`` against ``Submission.model_validate_json``
on the generated submissions, alternating old and new N times; the medians and ratios are printed.
Exit status 1 when any verdict differs.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
KIND_OF_FILE = {"submission.json": "submission", "profile.json": "profile", "cms-data.json": "cmsData"}


# -- the cases (built once, in the parent) ---------------------------------------------------------------
def _case(label: str, data: bytes | dict[str, Any], kind: str | None, file: str | None) -> dict[str, Any]:
    if isinstance(data, bytes):
        return {"label": label, "bytes": base64.b64encode(data).decode(), "kind": kind, "file": file}
    return {"label": label, "dict": data, "kind": kind, "file": file}


def _mutate(doc: Any, rng: random.Random) -> Any:
    """One seeded mutation somewhere in ``doc`` (a copy): the faults the corpus names, at random places."""
    doc = copy.deepcopy(doc)
    spots: list[tuple[Any, Any]] = []  # (container, key) of every value

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in list(items):
            spots.append((node, k))
            walk(v)

    walk(doc)
    if not spots:
        return doc
    lists = [n[k] for n, k in spots if k == "measurements" and isinstance(n[k], list) and n[k]]
    if lists and rng.random() < 0.15:  # the set-level checks: exclusions, strata
        extra = _extra_measurement(rng.choice([6, 7]), rng)
        if isinstance(extra["value"], dict) and "strata" in extra["value"] and rng.random() < 0.3:
            extra["value"]["strata"] *= rng.choice([34, 50, 101])
        rng.choice(lists).append(extra)
        return doc
    node, key = rng.choice(spots)
    op = rng.randrange(15)
    replacements: list[Any] = [
        -1,
        0,
        None,
        True,
        False,
        "",
        "x",
        "2024-13-01",
        10**16,
        1e16,
        2.5,
        [],
        {},
        "IA_EPA_1",
        "ia_epa_1",
        "1",
        "001",
        "PI_EP_1",
        "ACI_EP_1",
        "CAHPS_1",
        "479",
        "TPCC_1",
        "aci",
        "cost",
        "pi",
        "quality",
        "ia",
        "registry",
        "claims",
        "electronicHealthRecord",
        "administrativeClaims",
        "app1",
        "pcf",
        "G0053",
        "apm",
        "group",
        "virtualGroup",
        "subgroup",
        "apmEntity",
        "A1234",
        "VG-1/..",
        "000000000",
        "1234567890",
        "\u0000",
        "\ud800",
        "2023-06-30",
        "2024-03-01",
    ]
    if op == 0 and isinstance(node, dict):
        del node[key]
    elif op == 1 and isinstance(node, dict) and isinstance(key, str) and key:
        i = rng.randrange(len(key))
        typo = key[:i] + key[i + 1 :] if rng.random() < 0.5 else key[:i] + key[i] + key[i:]
        node[typo] = node.pop(key)
    elif op == 2 and isinstance(node, list):
        node.append(copy.deepcopy(node[key]))
    elif op == 14 and isinstance(node, list) and node:
        node.extend(copy.deepcopy(node[0]) for _ in range(rng.choice([99, 100, 101, 250])))
    elif op == 3 and isinstance(node, dict):
        node[rng.choice(["unknownThing", "sourceSystem", "id", "performanceMett", "strata"])] = 1
    elif op == 4 and isinstance(node[key], int) and not isinstance(node[key], bool):
        node[key] = node[key] * rng.choice([-1, 1000, 10**12]) + rng.randint(0, 3)
    elif (
        op in (6, 7)
        and isinstance(node, list)
        and node
        and isinstance(node[0], dict)
        and "measureId" in node[0]
    ):
        node.append(_extra_measurement(op, rng))
    elif op == 5 and isinstance(node, dict) and key in ("performanceStart", "performanceEnd"):
        node[key] = rng.choice(["2024-01-01", "2024-12-31", "2023-12-31", "2024-06-01", "2025-01-01"])
    else:
        node[key] = rng.choice(replacements)
    return doc


def _extra_measurement(op: int, rng: random.Random) -> dict[str, Any]:
    """A PI exclusion (true, false or a count) or a stratified quality measure with odd strata."""
    if op == 6:
        excl = ["PI_LVPP_1", "PI_EP_2_EX_1", "PI_LVOTC_1", "PI_LVITC_2", "PI_PHCDRR_1_EX_1", "PI_EP_1"]
        value: Any = rng.choice([True, False, {"numerator": 1, "denominator": 2}])
        return {"measureId": rng.choice(excl), "value": value}
    strata = [
        {
            "stratum": rng.choice(["reporting", "performance", "x", "84days", "180Days", "Spirometry"]),
            "performanceMet": rng.randint(0, 5),
            "performanceNotMet": 1,
            "eligiblePopulation": rng.choice([0, 3, 10]),
        }
        for _ in range(rng.randint(1, 3))
    ]
    return {"measureId": rng.choice(["226", "009", "052", "001"]), "value": {"strata": strata}}


def _raw_mutation(data: bytes, rng: random.Random) -> bytes:
    """A byte-level fault: truncation, a duplicated key, deep nesting, a BOM, NaN, a long integer."""
    op = rng.randrange(7)
    if op == 0:
        return data[: rng.randrange(len(data))]
    if op == 1:
        return data.replace(b'"measureId":', b'"measureId": "x", "measureId":', 1)
    if op == 2:
        depth = rng.choice([30, 63, 64, 65, 70])
        return data[:-1] + b', "deep": ' + b"[" * depth + b"]" * depth + b"}"
    if op == 3:
        return b"\xef\xbb\xbf" * rng.choice([1, 2]) + data
    if op == 4:
        return data.replace(b"0,", b"NaN,", 1)
    if op == 5:
        return data.replace(b"0,", b"1234567890123456,", 1)
    return data.replace(b'"', b'"\\u00e9', 3)


def build_cases(generated: int, mutants: int, seed: int) -> list[dict[str, Any]]:
    from mips.bench import EXAMPLES_DIR, generate_entities

    cases: list[dict[str, Any]] = []
    files: list[tuple[Path, str | None]] = []
    for case_file in sorted((ROOT / "tests" / "corpus" / "bad").glob("*/case.json")):
        meta = json.loads(case_file.read_text())
        files.append((case_file.parent / meta["file"], meta.get("as")))
        files.append((case_file.parent / meta["file"], None))
    if SAMPLES.is_dir():
        for f in sorted(SAMPLES.rglob("*")):
            if f.is_file() and f.suffix in (".json", ".xml"):
                files.append((f, None))
    for f in sorted(EXAMPLES_DIR.rglob("*.json")):
        files.append((f, KIND_OF_FILE.get(f.name)))
        files.append((f, None))
    for f, kind in files:
        rel = os.path.relpath(f, ROOT)
        cases.append(_case(f"file {rel} as {kind}", f.read_bytes(), kind, rel))
        cases.append({"label": f"validate_file {rel} as {kind}", "path": str(f), "kind": kind})
    for f in sorted((ROOT / "tests" / "golden").glob("*/*.json")):
        inputs = json.loads(f.read_text())["inputs"]
        for kind, doc in inputs.items():
            if doc is None:
                continue
            rel = os.path.relpath(f, ROOT)
            cases.append(_case(f"golden {rel} {kind} bytes", json.dumps(doc).encode(), kind, None))
            cases.append(_case(f"golden {rel} {kind} dict", doc, kind, f"{rel}:{kind}"))
    entities = generate_entities(generated)
    for i, e in enumerate(entities):
        cases.append(_case(f"generated {i}", e.submission_json, "submission", None))
    rng = random.Random(seed)
    docs = [json.loads(e.submission_json) for e in entities[:50]]
    for i in range(mutants):
        doc = rng.choice(docs)
        for _ in range(rng.randint(1, 3)):
            doc = _mutate(doc, rng)
        if rng.random() < 0.2:
            doc = {"data": {"submission": doc}}
        data = json.dumps(doc).encode()
        if rng.random() < 0.25:
            data = _raw_mutation(data, rng)
        kind = rng.choice(["submission", "submission", "submission", None, "profile"])
        cases.append(_case(f"mutant {i}", data, kind, f"mutant-{i}.json" if i % 2 else None))
    others = [
        (json.loads(f.read_text()), KIND_OF_FILE[f.name])
        for name in ("profile.json", "cms-data.json")
        for f in sorted(EXAMPLES_DIR.glob(f"*/{name}"))
    ]
    for i in range(mutants // 3):  # profiles and CMS data: strict unknown fields, their own checks
        doc, kind = rng.choice(others)
        for _ in range(rng.randint(1, 3)):
            doc = _mutate(doc, rng)
        data = json.dumps(doc).encode()
        cases.append(_case(f"mutant {kind} {i}", data, rng.choice([kind, kind, None]), None))
    return cases


# -- one side (runs in a child interpreter, on whichever mips is on sys.path) -------------------------------
def _verdict(report: Any) -> dict[str, Any]:
    model = report.model.model_dump(mode="json") if report.model is not None else None
    return {
        "kind": report.kind,
        "file": report.file,
        "valid": report.valid,
        "problems": [[str(p.code), p.path, p.message, p.severity, p.file] for p in report.problems],
        "model": model,
    }


def dump(cases_path: Path, out_path: Path) -> None:
    from mips.reference import load_reference
    from mips.validation import validate_document, validate_file

    refs: dict[int, Any] = {}

    def ref_for(year: int) -> Any:
        if year not in refs:
            refs[year] = load_reference(year)
        return refs[year]

    default = ref_for(2024)
    with cases_path.open() as fh, out_path.open("w") as out:
        for line in fh:
            case = json.loads(line)
            if "path" in case:
                report = validate_file(Path(case["path"]), ref_for, default, kind=case["kind"])
            else:
                data = base64.b64decode(case["bytes"]) if "bytes" in case else case["dict"]
                year = _year(data)
                ref = ref_for(year) if year in (2024, 2025, 2026) else default
                report = validate_document(data, ref, kind=case["kind"], file=case["file"])
            out.write(json.dumps({"label": case["label"], **_verdict(report)}) + "\n")


def _year(data: bytes | dict[str, Any]) -> Any:
    try:
        doc = json.loads(data) if isinstance(data, bytes) else data
    except (ValueError, RecursionError):
        return None
    if isinstance(doc, dict) and isinstance(doc.get("data"), dict):
        doc = doc["data"].get("submission", doc)
    return doc.get("performanceYear") if isinstance(doc, dict) else None


def timing(count: int, repeat: int) -> None:
    """Median files/s of validate_document and of the bare pydantic parse, same files, same process."""
    from mips.bench import generate_entities
    from mips.models import Submission
    from mips.reference import load_reference
    from mips.validation import validate_document

    ref = load_reference(2024)
    payloads = [e.submission_json for e in generate_entities(count)]
    stages = {
        "validate": lambda p: validate_document(p, ref, kind="submission"),
        "parse": Submission.model_validate_json,
    }
    times: dict[str, list[float]] = {k: [] for k in stages}
    for _ in range(repeat):
        for name, fn in stages.items():  # interleaved, so drift hits both stages alike
            t0 = time.perf_counter()
            for p in payloads:
                fn(p)
            times[name].append(time.perf_counter() - t0)
    ratios = [v / p for v, p in zip(times["validate"], times["parse"], strict=True)]
    print(
        json.dumps(
            {
                "validate": count / statistics.median(times["validate"]),
                "parse": count / statistics.median(times["parse"]),
                "ratio": statistics.median(ratios),
            }
        )
    )


# -- the parent ------------------------------------------------------------------------------------------
def _extract(rev: str, into: Path) -> Path:
    archive = into / "base.tar"
    with archive.open("wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", rev, "shared"], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "base", filter="data")
    return into / "base" / "shared"


def _child(shared: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(shared)}
    run = subprocess.run([sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the child run on {shared} failed:\n{run.stderr}")
    return run.stdout


def _diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    for key in ("kind", "file", "valid", "model"):
        if old[key] != new[key]:
            return f"{key}: {str(old[key])[:200]} -> {str(new[key])[:200]}"
    for i, (a, b) in enumerate(zip(old["problems"], new["problems"], strict=False)):
        if a != b:
            return f"problem {i}: {a} -> {b}"
    return f"{len(old['problems'])} problems -> {len(new['problems'])}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="main", help="git revision of the old code (default main)")
    parser.add_argument("--generated", type=int, default=500, help="generated submissions (default 500)")
    parser.add_argument("--mutants", type=int, default=1500, help="seeded mutants (default 1500)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=0, help="timing rounds, old/new alternated (0: none)")
    parser.add_argument("--count", type=int, default=300, help="files per timing pass (default 300)")
    parser.add_argument("--repeat", type=int, default=5, help="passes per timing round (default 5)")
    parser.add_argument("--codes", action="store_true", help="print how often each problem code occurs")
    parser.add_argument("--dump", nargs=2, metavar=("CASES", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--time", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        dump(Path(args.dump[0]), Path(args.dump[1]))
        return 0
    if args.time:
        timing(args.count, args.repeat)
        return 0
    sys.path.insert(0, str(ROOT / "shared"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sides = {"old": _extract(args.base, work), "new": ROOT / "shared"}
        cases = build_cases(args.generated, args.mutants, args.seed)
        cases_path = work / "cases.jsonl"
        cases_path.write_text("".join(json.dumps(c) + "\n" for c in cases))
        outputs = {}
        for side, shared in sides.items():
            _child(shared, "--dump", str(cases_path), str(work / f"{side}.jsonl"))
            outputs[side] = [json.loads(x) for x in (work / f"{side}.jsonl").read_text().splitlines()]
        differ = [(o, n) for o, n in zip(outputs["old"], outputs["new"], strict=True) if o != n]
        problems = sum(len(o["problems"]) for o in outputs["old"])
        invalid = sum(not o["valid"] for o in outputs["old"])
        print(
            f"{len(cases)} cases ({invalid} invalid, {problems} problems in all): "
            f"{len(differ)} differ between {args.base} and this tree"
        )
        if args.codes:
            codes = Counter(p[0] for o in outputs["old"] for p in o["problems"])
            print("  problem codes:", ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
        for old, new in differ[:20]:
            print(f"  {old['label']}: {_diff(old, new)}")
        for r in range(args.rounds):
            for side, shared in sides.items():
                out = json.loads(
                    _child(shared, "--time", "--count", str(args.count), "--repeat", str(args.repeat))
                )
                print(
                    f"timing round {r + 1} {side}: validate {out['validate']:,.0f} files/s, "
                    f"parse {out['parse']:,.0f} files/s, validate/parse {out['ratio']:.2f}x"
                )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
