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
import contextlib
import json
import os
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
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: problems printed per rejected file before "+N more"
MAX_PROBLEMS_SHOWN = 10
#: seconds between progress lines on stderr
PROGRESS_EVERY_S = 5.0
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
    p.add_argument(
        "--log-level", default="WARNING", help=f"powertools log level of the functions: {LOG_LEVELS}"
    )
    p.add_argument("--json", action="store_true", help="print a JSON summary instead of the table")
    p.add_argument(
        "--faults",
        type=int,
        metavar="SEED",
        help="inject seeded faults (mips.pipeline.faults); dead letters are then replayed until drained",
    )
    p.add_argument("--fault-rate", type=float, default=0.03, help="fault probability per opportunity")
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
    """``<type> *****<last 4 of TIN>/<*****last 4 of NPI | entityId | group>``: no full TIN or NPI."""
    e = doc.get("entity", {})
    tin = str(e.get("taxpayerIdentificationNumber", ""))
    npi = e.get("nationalProviderIdentifier")
    leaf = f"*****{str(npi)[-4:]}" if npi else (e.get("entityId") or "group")
    return _safe(f"{e.get('entityType')} *****{tin[-4:]}/{leaf}")


def _safe(value: Any) -> str:
    """Text for the terminal: TIN/NPI-like digit runs masked, control and bidi characters escaped."""
    from ..pipeline.handler import escape_controls, redact

    return escape_controls(str(redact(str(value))), keep_newlines=False)


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
    faults: int | None = None,
    fault_rate: float = 0.03,
) -> dict[str, Any]:
    """Provision, drop the files, drain, collect: returns the summary (results, rejected, dead letters).

    Only this run's entities and files are collected (an endpoint may hold earlier runs' results). The
    functions' output (logs, and the EMF metrics JSON powertools prints every 100 values even when
    metrics are disabled) goes to stderr, where Lambda's would go to CloudWatch: stdout stays ours."""
    from ..pipeline import aws
    from ..pipeline.driver import FUNCTION_OUTPUT, LocalPipeline
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
            with contextlib.redirect_stdout(FUNCTION_OUTPUT):
                stack = pipeline.provision()
                injector = _install_faults(pipeline, faults, fault_rate)
                uploaded, entities = [], set()
                for path in files:
                    key, data = intake_key(path), path.read_bytes()
                    pipeline.put_object(key, data)
                    uploaded.append(key)
                    entities.update(_entity_result_keys(data, key))
                quiet_s = 0.0 if where.name == "moto" else QUIET_S
                handled, replayed = _drain(pipeline, injector, progress=len(files) > 1, quiet_s=quiet_s)
            docs = _this_runs_results(stack.bucket, entities)
            clinicians = _this_runs_clinicians(stack.bucket, entities)
            rejected = _this_runs_rejections(stack.bucket, uploaded)
            orphans = _this_runs_orphans(stack.bucket, entities)
            dead = pipeline.dead_letters()
        finally:
            aws.reset()
    if out is not None:
        _clear_previous(out)
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
        **({"faults": dict(injector.counts), "replayed": replayed} if injector is not None else {}),
    }


def _entity_result_keys(data: bytes, key: str) -> set[str]:
    """The ``results/`` key of the entity a file names (empty when it names none: it is rejected).

    The file goes through the one screening (so QRDA III XML is converted and named by its QPP JSON)."""
    from ..models import EntityKey
    from ..pipeline.store import result_key
    from ..screening import screen, unwrap

    try:
        doc = screen(data, filename=key).doc
        if doc is None:
            return set()
        return {result_key(EntityKey.model_validate(unwrap(doc)[0]))}
    except Exception:  # not an entity: ingest rejects it with the reason
        return set()


def _run_on_target(args: argparse.Namespace, files: list[Path], out: Path) -> dict[str, Any] | None:
    """The run on ``--target`` / ``--endpoint-url``; ``None`` (after saying why in one line) if it is
    unusable (an unknown target, an unreachable endpoint)."""
    from botocore.exceptions import EndpointConnectionError

    from ..pipeline.targets import TargetError

    try:
        return run_pipeline(
            files,
            out,
            args.endpoint_url,
            args.template,
            args.stack_name,
            str(args.log_level).upper(),
            target=getattr(args, "target", None),
            faults=args.faults,
            fault_rate=args.fault_rate,
        )
    except TargetError as exc:
        print(f"mips run-local: {exc}", file=sys.stderr)
        return None
    except EndpointConnectionError as exc:
        print(f"mips run-local: cannot reach {args.endpoint_url or 'the endpoint'}: {exc}", file=sys.stderr)
        return None


def _this_runs_clinicians(bucket: str, result_keys: set[str]) -> dict[str, Any]:
    """``results/<year>/clinician/<TIN>/<NPI>.json`` (spec 9.2) of the TINs this run's entities have."""
    tins = {tuple(k.split("/")[1:4:2]) for k in result_keys}  # (year, TIN)
    return {
        k: _read_json(bucket, k)
        for k in _list_keys(bucket, "results/")
        if k.endswith(".json") and k.split("/")[2:3] == ["clinician"] and tuple(k.split("/")[1:4:2]) in tins
    }


def _this_runs_orphans(bucket: str, result_keys: set[str]) -> dict[str, Any]:
    """``pending/`` files of this run's entities that still have no result (issue 9: listed, not scored)."""
    from ..pipeline.store import PENDING_PREFIX, orphan_keys

    listing = _list_keys(bucket, "pending/") + _list_keys(bucket, "results/")
    return {
        k: _read_json(bucket, k)
        for k in orphan_keys(listing)
        if "results/" + k.removeprefix(PENDING_PREFIX) in result_keys
    }


def _this_runs_results(bucket: str, result_keys: set[str]) -> dict[str, Any]:
    present = set(_list_keys(bucket, "results/"))
    return {k: _read_json(bucket, k) for k in sorted(result_keys & present)}


def _this_runs_rejections(bucket: str, uploaded: list[str]) -> dict[str, Any]:
    present = set(_list_keys(bucket, "rejected/"))
    reports = {f"rejected/{k}.errors.json": f"rejected/{k}" for k in uploaded}
    return {target: _read_json(bucket, report) for report, target in reports.items() if report in present}


def _clear_previous(out: Path) -> None:
    """Remove earlier runs' ``results/`` and ``rejected/`` under ``--out`` (only .json files, then empty
    folders), so the folder shows this run only."""
    for sub in ("results", "rejected"):
        root = out / sub
        if not root.is_dir():
            continue
        for f in root.rglob("*.json"):
            f.unlink()
        for d in sorted((d for d in root.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
            if not any(d.iterdir()):
                d.rmdir()
        if not any(root.iterdir()):
            root.rmdir()


def _install_faults(pipeline: Any, seed: int | None, rate: float) -> Any:
    if seed is None:
        return None
    from ..pipeline.faults import FaultInjector

    return FaultInjector(seed=seed, rate=rate).install(pipeline)


def _drain(pipeline: Any, injector: Any, progress: bool, quiet_s: float = 0.0) -> tuple[int, int]:
    """Drain the queues (a progress line on stderr every few seconds); with faults, replay dead letters
    until none is left (three rounds with faults, then without). Returns (messages handled, replayed)."""
    from ..pipeline import dlq

    last = [time.monotonic()]

    def report(handled: int) -> None:
        if progress and time.monotonic() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.monotonic()
            print(f"mips run-local: {handled} messages handled...", file=sys.__stderr__, flush=True)

    handled, replayed = pipeline.drain(progress=report, quiet_s=quiet_s), 0
    for round_no in range(6 if injector is not None else 0):
        dead = [q for q, n in pipeline.dead_letters().items() if n]
        if not dead:
            break
        injector.enabled = round_no < 3  # then replay as after a fix: without faults
        for logical_id in dead:
            replayed += dlq.replay(pipeline.stack.queues[logical_id].url).moved
        handled += pipeline.drain(progress=report, quiet_s=quiet_s)
    if injector is not None:
        injector.uninstall(pipeline)
    return handled, replayed


def _usage_error(args: argparse.Namespace) -> str | None:
    """The one-line reason the arguments cannot run, or None."""
    if str(args.log_level).upper() not in LOG_LEVELS:
        return f"--log-level must be one of {', '.join(LOG_LEVELS)}, not {args.log_level!r}"
    if args.template and not Path(args.template).is_file():
        return f"no such template: {args.template}"
    if args.fault_rate is not None and not 0.0 <= args.fault_rate <= 1.0:
        return "--fault-rate must be between 0 and 1"
    return None


def _print_summary(args: argparse.Namespace, summary: dict[str, Any], out: Path) -> None:
    if args.json:
        doc = {k: v for k, v in summary.items() if k != "results"} | {"results": list(summary["results"])}
        print(json.dumps(doc, indent=2))
        return
    where = summary.get("target") or args.endpoint_url or "moto (in-process)"
    print(
        f"Sent {len(summary['uploaded'])} file(s) through the pipeline on {where}: "
        f"{summary['messagesHandled']} messages in {summary['seconds']} s\n"
    )
    if "faults" in summary:
        injected = sum(summary["faults"].values())
        print(f"Injected {injected} fault(s); replayed {summary['replayed']} dead letter(s).\n")
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
            print("\n".join(rejection_lines(key, errors)))
    if summary["orphans"]:
        print("\nOrphans (a profile or CMS data without a submission; not scored):")
        for key, pending in summary["orphans"].items():
            sources = ", ".join(pending.get("inputs", {}).values())
            print(f"  {_masked_pending(key)}  ({_safe(sources)})")
    if summary["deadLetters"]:
        print(f"\nDead-letter queues hold messages: {summary['deadLetters']} (see `mips replay-dlq`)")


def rejection_lines(key: str, errors: dict[str, Any]) -> list[str]:
    """A rejected file and every problem (the first ``MAX_PROBLEMS_SHOWN``, then "+N more")."""
    problems = errors.get("problems", [])
    lines = [f"  {_safe(key)}  ({len(problems)} problem(s); {_safe(key)}.errors.json)"]
    for prob in problems[:MAX_PROBLEMS_SHOWN]:
        lines.append(f"    {_safe(prob.get('path'))}: {_safe(prob.get('message'))}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"    +{len(problems) - MAX_PROBLEMS_SHOWN} more")
    return lines


def exit_code(summary: dict[str, Any]) -> int:
    """1 when any file was rejected or any message dead-lettered, else 0."""
    return 1 if summary["rejected"] or summary["deadLetters"] else 0


def run(args: argparse.Namespace) -> int:
    try:
        files = collect_files(args.files)
    except FileNotFoundError as exc:
        print(f"mips run-local: {exc}", file=sys.stderr)
        return 2
    if not files:
        print("mips run-local: no .json/.xml files to send", file=sys.stderr)
        return 2
    if (problem := _usage_error(args)) is not None:
        print(f"mips run-local: {problem}", file=sys.stderr)
        return 2
    out = Path(args.out)
    summary = _run_on_target(args, files, out)
    if summary is None:
        return 2
    try:
        _print_summary(args, summary, out)
        sys.stdout.flush()
    except BrokenPipeError:  # `mips run-local | head`: the reader left; say nothing more
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2
    return exit_code(summary)
