"""``mips run-local [FILE...]``: the whole event pipeline on the embedded emulator (contract 3).

Starts moto in-process (no Docker, no AWS account), creates the resources of template.yaml (translated
with aws-sam-translator), drops the files into the intake bucket as a registry would, drives every
function until the queues are drained, prints the results and rejected files, and writes the result
documents under ``--out`` (default ``./out``) as ``results/<year>/<entityType>/<TIN>/<leaf>.json``.
With ``--target moto-server|localstack|aws`` (or ``--endpoint-url``) the same runs against a moto
server, LocalStack, a real AWS account or another AWS-compatible endpoint (mips.pipeline.targets).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "examples"
FOLDER_PREFIXES = {"submissions": "submissions/", "profiles": "profiles/", "cms-data": "cms-data/"}
STEM_PREFIXES = {
    "submission": "submissions/",
    "profile": "profiles/",
    "cms-data": "cms-data/",
    "cmsdata": "cms-data/",
    "cms_data": "cms-data/",
}
#: on a remote endpoint S3 notifies SQS asynchronously: queues must stay empty this long to be drained
QUIET_S = 2.0
KIND_PREFIXES = {"submission": "submissions/", "profile": "profiles/", "cmsData": "cms-data/"}
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run-local",
        help="run files through the whole event pipeline on moto (or --endpoint-url) and print the results",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="input files or folders (default: the shipped examples in mips/examples)",
    )
    p.add_argument("--out", default="out", help="folder for the result documents (default: ./out)")
    _add_target_arguments(p)
    p.add_argument("--template", help="SAM template (default: template.yaml of this checkout)")
    p.add_argument("--stack-name", default="mips-local", help="prefix of the created queues and tables")
    p.add_argument("--log-level", default="WARNING", help="powertools log level of the functions")
    p.add_argument("--json", action="store_true", help="print a JSON summary instead of the table")
    p.set_defaults(func=run)


def _add_target_arguments(p: argparse.ArgumentParser) -> None:
    """--target and --endpoint-url (mips.pipeline.targets)."""
    from ..pipeline.targets import TARGETS

    p.add_argument(
        "--target",
        choices=TARGETS,
        help="where to run: moto = in-process (default), moto-server / localstack = the emulators of "
        "`make emulators-up`, aws = the account of your credentials",
    )
    p.add_argument(
        "--endpoint-url",
        help="one URL for every service: another AWS-compatible endpoint, or the address of the "
        "moto-server / localstack target",
    )


# -- which prefix a file goes to ---------------------------------------------------------------------------
def intake_key(path: Path) -> str:
    """The intake key for a local file: by folder (submissions/, profiles/, cms-data/), by file name
    (submission.json, profile.json, cms-data.json), else by content (mips.validation.detect_kind);
    an undetectable file goes to submissions/ and is rejected there with the reason."""
    parent = path.parent.name
    if parent in FOLDER_PREFIXES:
        case = path.parent.parent.name
        return f"{FOLDER_PREFIXES[parent]}{case + '/' if case else ''}{path.name}"
    prefix = STEM_PREFIXES.get(path.stem.lower())
    if prefix is None:
        from ..screening import screen

        try:
            kind = screen(path.read_bytes(), filename=path.name).kind  # never raises on bad content
        except (OSError, ValueError):
            kind = None
        prefix = KIND_PREFIXES.get(kind or "", "submissions/")
    return f"{prefix}{parent + '/' if parent else ''}{path.name}"


def collect_files(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [EXAMPLES_DIR]
    files: list[Path] = []
    for root in roots:
        try:
            root.stat()
        except (OSError, ValueError) as exc:  # missing, "File name too long", "embedded null byte"
            raise FileNotFoundError(f"no such file or folder: {str(root)[:120]!a} ({exc})") from exc
        if root.is_dir():
            files.extend(
                sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in {".json", ".xml"})
            )
        elif root.is_file():
            files.append(root)
        else:
            raise FileNotFoundError(f"no such file or folder: {root}")
    return files


# -- output -------------------------------------------------------------------------------------------------
def _masked_entity(doc: dict[str, Any]) -> str:
    e = doc.get("entity", {})
    tin = str(e.get("taxpayerIdentificationNumber", ""))
    leaf = e.get("nationalProviderIdentifier") or e.get("entityId") or "group"
    return f"{e.get('entityType')} *****{tin[-4:]}/{leaf}"


def _cat(doc: dict[str, Any], c: str) -> str:
    cat = doc.get("categories", {}).get(c, {})
    if cat.get("reweighted"):
        return "rw"
    score = cat.get("score")
    return "-" if score is None else f"{score:.2f}"


def _option(doc: dict[str, Any]) -> str:
    opt = str(doc.get("reportingOption"))
    return f"mvp {doc.get('mvpId')}" if opt == "mvp" and doc.get("mvpId") else opt


def _masked_pending(key: str) -> str:
    """``pending/<year>/<type>/<TIN>/<leaf>.json`` -> ``<type> *****1234/<leaf>`` (no full TIN shown)."""
    parts = key.removesuffix(".json").split("/")
    if len(parts) != 5:
        return key
    _, _, etype, tin, leaf = parts
    return f"{etype} *****{tin[-4:]}/{leaf}"


def results_table(docs: list[dict[str, Any]]) -> str:
    head = ("entity", "option", "quality", "cost", "ia", "pi", "final", "adjustment", "status")
    rows = [head]
    for d in docs:
        pay = d.get("paymentAdjustment", {})
        rows.append(
            (
                _masked_entity(d),
                _option(d),
                _cat(d, "quality"),
                _cat(d, "cost"),
                _cat(d, "ia"),
                _cat(d, "pi"),
                f"{d.get('finalScore', 0):.4f}",
                f"{pay.get('percent', 0):+.4f}%",
                str(d.get("status")),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _list_keys(bucket: str, prefix: str) -> list[str]:
    from ..pipeline import aws

    keys: list[str] = []
    for page in aws.s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []))
    return sorted(keys)


def _read_json(bucket: str, key: str) -> Any:
    from ..pipeline import aws

    return json.loads(aws.s3().get_object(Bucket=bucket, Key=key)["Body"].read())


def _write_under(out: Path, key: str, doc: Any) -> None:
    """Write ``doc`` at ``out/key``; a key that would leave ``out`` (``..``, absolute) is never written."""
    root = out.resolve()
    target = (out / key).resolve()
    if not target.is_relative_to(root) or target == root:
        print(f"mips run-local: not writing {key!r}: it would leave {out}", file=sys.stderr)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, indent=2) + "\n")
    except (OSError, ValueError) as exc:  # e.g. a file name too long for the local file system
        print(f"mips run-local: cannot write {key[:80]!a}: {exc}", file=sys.stderr)


# -- the run ---------------------------------------------------------------------------------------
def run_pipeline(
    files: list[Path],
    out: Path | None,
    endpoint_url: str | None = None,
    template: str | None = None,
    stack_name: str = "mips-local",
    log_level: str = "WARNING",
    target: str | None = None,
) -> dict[str, Any]:
    """Provision, drop the files, drain, collect: returns the summary (results, rejected, dead letters)."""
    from ..pipeline import aws
    from ..pipeline.driver import LocalPipeline
    from ..pipeline.targets import connect, resolve
    from ..pipeline.template import DEFAULT_TEMPLATE

    where = resolve(target, endpoint_url)
    name = where.stack_name(stack_name)
    started = time.monotonic()
    with connect(where, FAKE_CREDENTIALS):
        try:
            pipeline = LocalPipeline(
                template or DEFAULT_TEMPLATE,
                stack_name=name,
                parameters=where.parameters(name),
                log_level=log_level,
                emulator=where.emulator,
            )
            stack = pipeline.provision()
            uploaded = []
            for path in files:
                key = intake_key(path)
                pipeline.put_object(key, path.read_bytes())
                uploaded.append(key)
            handled = pipeline.drain(quiet_s=0.0 if where.name == "moto" else QUIET_S)
            result_keys = [k for k in _list_keys(stack.bucket, "results/") if k.endswith(".json")]
            # results/<year>/clinician/... are per-clinician choices (spec 9.2), not entity results
            clinician_keys = [k for k in result_keys if k.split("/")[2:3] == ["clinician"]]
            docs = {k: _read_json(stack.bucket, k) for k in result_keys if k not in clinician_keys}
            clinicians = {k: _read_json(stack.bucket, k) for k in clinician_keys}
            rejected = {
                k[: -len(".errors.json")]: _read_json(stack.bucket, k)
                for k in _list_keys(stack.bucket, "rejected/")
                if k.endswith(".errors.json")
            }
            from ..pipeline.store import orphan_keys

            orphans = {
                k: _read_json(stack.bucket, k)
                for k in orphan_keys(_list_keys(stack.bucket, "pending/") + result_keys)
            }
            dead = pipeline.dead_letters()
        finally:
            aws.reset()
    if out is not None:
        for key, doc in {**docs, **clinicians}.items():
            _write_under(out, key, doc)
        for key, errors in rejected.items():
            _write_under(out, f"{key}.errors.json", errors)
    return {
        "uploaded": uploaded,
        "messagesHandled": handled,
        "results": docs,
        "clinicians": clinicians,
        "rejected": rejected,
        "orphans": orphans,
        "deadLetters": {k: v for k, v in dead.items() if v},
        "seconds": round(time.monotonic() - started, 2),
        "target": where.description,
    }


def _run_on_target(args: argparse.Namespace, files: list[Path], out: Path) -> dict[str, Any] | None:
    """The run on ``--target`` / ``--endpoint-url``; ``None`` (after saying why) if it is unusable."""
    from ..pipeline.targets import TargetError

    try:
        return run_pipeline(
            files,
            out,
            args.endpoint_url,
            args.template,
            args.stack_name,
            args.log_level,
            target=getattr(args, "target", None),
        )
    except TargetError as exc:
        print(f"mips run-local: {exc}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    try:
        files = collect_files(args.files)
    except FileNotFoundError as exc:
        print(f"mips run-local: {exc}", file=sys.stderr)
        return 2
    if not files:
        print("mips run-local: no .json/.xml files to send", file=sys.stderr)
        return 2
    out = Path(args.out)
    summary = _run_on_target(args, files, out)
    if summary is None:
        return 2
    if args.json:
        print(
            json.dumps(
                {k: v for k, v in summary.items() if k != "results"} | {"results": list(summary["results"])},
                indent=2,
            )
        )
    else:
        where = summary["target"]
        print(
            f"Sent {len(summary['uploaded'])} file(s) through the pipeline on {where}: "
            f"{summary['messagesHandled']} messages in {summary['seconds']} s\n"
        )
        docs = list(summary["results"].values())
        if docs:
            print(results_table(docs))
        elif summary["rejected"] and not summary["orphans"]:
            print("No results: no entity has an accepted input (see the rejected files below).")
        elif summary["orphans"]:
            print("No results: no entity has an accepted submission (see the orphans below).")
        else:
            print("No results.")
        if summary["results"]:
            print(f"\nResult documents: {out / 'results'}/")
        if summary["rejected"]:
            print("\nRejected files:")
            for key, errors in summary["rejected"].items():
                problems = errors.get("problems", [])
                print(f"  {key}  ({len(problems)} problem(s); {key}.errors.json)")
                for prob in problems[:3]:
                    print(f"    {prob.get('path')}: {prob.get('message')}")
        if summary["orphans"]:
            print("\nOrphans (a profile or CMS data without a submission; not scored):")
            for key, pending in summary["orphans"].items():
                sources = ", ".join(pending.get("inputs", {}).values())
                print(f"  {_masked_pending(key)}  ({sources})")
        if summary["deadLetters"]:
            print(f"\nDead-letter queues hold messages: {summary['deadLetters']} (see `mips replay-dlq`)")
    return 1 if summary["deadLetters"] else 0
