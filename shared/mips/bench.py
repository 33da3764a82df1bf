"""Benchmarks (``make bench`` / ``mips bench``): reference-data load, validation and scoring throughput.

Performance targets live here, never in timed unit tests (developers' guide). Figures are measured in
one run on the same generated inputs and reported with ratios between stages (validation vs parse-only,
scoring vs validation) so that they compare across machines better than absolute numbers do.

* Reference-data load is measured cold: a fresh interpreter per run (a Lambda cold start), import and
  load timed separately; issue 2 asks for "well under a second".
* Validation throughput: N submissions generated from the example files with varied counts, each as
  JSON bytes, through ``json.loads`` only, pydantic parse only (``Submission.model_validate_json``) and the
  full :func:`mips.validation.validate_document`.
* Scoring throughput (when :mod:`mips.engine` is importable): ``score(submission, profile, cms_data, ref)``
  on the parsed models of the same N entities.
* Kernel (issue 15): one entity from its JSON bytes to its result document on one core - pydantic parse,
  ``score`` and ``ScoreResult.to_doc()`` (the explanation tree complete) - and its cost as a ratio to
  ``json.loads`` and to the pydantic parse alone of the same bytes, measured in the same run.

Every throughput figure is the median of ``repeat`` passes over the same inputs, with the fastest and the
slowest pass (``min``/``max``) as its spread. :func:`write_results` stores the report with the machine
(platform, CPU count, Python) and the date in ``bench/results.json``.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .models import CmsData, Profile, Submission
from .reference import ReferenceData, load_reference
from .rules import DEFAULT_PERFORMANCE_YEAR
from .validation import validate_document

EXAMPLES_DIR = Path(__file__).with_name("examples")

#: Issue 2: "loading a year takes well under a second" (the cold-start budget compared against).
LOAD_BUDGET_SECONDS = 1.0
#: Issue 15's goals for the kernel: entity scores per second on one core, and cost over ``json.loads``.
KERNEL_RATE_GOAL = 5000.0
KERNEL_JSON_RATIO_GOAL = 10.0

_COLD_LOAD_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
from mips.reference import load_reference
t1 = time.perf_counter()
ref = load_reference(int(sys.argv[1]))
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "measures": len(ref.measures), "version": ref.version}))
"""


@dataclass
class Figure:
    """One measured figure: ``value`` in ``unit`` (seconds, ms, files/s or a ratio).

    ``value`` is the median of ``runs`` measurements; ``min``/``max`` are their spread (None for a figure
    measured once or derived from others)."""

    name: str
    value: float
    unit: str
    detail: str = ""
    runs: int = 1
    min: float | None = None
    max: float | None = None


@dataclass
class BenchReport:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: structured detail behind some figures (the pipeline's breakdown), written to results.json
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, value: float, unit: str, detail: str = "") -> None:
        self.figures.append(Figure(name, value, unit, detail))

    def add_runs(self, name: str, values: Sequence[float], unit: str, detail: str = "") -> float:
        """Add the median of ``values`` with their min/max; returns the median."""
        med = statistics.median(values)
        self.figures.append(Figure(name, med, unit, detail, len(values), min(values), max(values)))
        return med

    def get(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    def to_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"figures": [asdict(f) for f in self.figures], "notes": list(self.notes)}
        return {**doc, "details": self.details} if self.details else doc

    def render(self) -> str:
        width = max((len(f.name) for f in self.figures), default=10)
        lines = [
            f"{f.name:<{width}}  {_fmt(f.value):>10} {f.unit:<10} {_spread(f):<19} {f.detail}".rstrip()
            for f in self.figures
        ]
        return "\n".join([*lines, *(f"note: {n}" for n in self.notes)])


def _spread(f: Figure) -> str:
    if f.min is None or f.max is None or f.runs < 2:
        return ""
    return f"[{_fmt(f.min)}-{_fmt(f.max)}]"


def machine() -> dict[str, Any]:
    """What the figures were measured on (absolute numbers only compare on the same machine)."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpuCount": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
    }


def write_results(report: BenchReport, path: Path, settings: dict[str, Any]) -> dict[str, Any]:
    """Write ``report`` with the machine, the date and the settings as JSON to ``path``; returns the doc."""
    doc = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": settings,
        **report.to_doc(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return doc


def _cores() -> int:
    """Cores this process may run on (the affinity mask where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _fmt(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.4f}"


# -- fresh interpreters ------------------------------------------------------------------------------
def _fresh_json(
    script: str,
    *args: str,
    timeout: float,
    extra_path: Path | None = None,
    cwd: Path | None = None,
    env_overrides: dict[str, str | None] | None = None,
) -> Any:
    """Run ``script`` in a fresh interpreter (shared/ and ``extra_path`` first on the path, so the package
    imports without an install) and return the JSON of its last output line. ``env_overrides`` sets
    variables (None removes one) on top of this process's environment."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=_fresh_env(extra_path, env_overrides),
        timeout=timeout,
        check=True,
        cwd=str(cwd) if cwd else None,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fresh_env(
    extra_path: Path | None = None, overrides: dict[str, str | None] | None = None
) -> dict[str, str]:
    """This process's environment with ``overrides`` applied (None removes a variable) and shared/ (plus
    ``extra_path``) first on PYTHONPATH, so a fresh interpreter imports the package without an install."""
    env = dict(os.environ)
    for name, value in (overrides or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    paths = [str(Path(__file__).resolve().parents[1]), *([str(extra_path)] if extra_path else [])]
    env["PYTHONPATH"] = os.pathsep.join([*paths, *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    return env


class _Background:
    """A fresh interpreter running ``script`` while this process measures something else; ``result()``
    waits for it and returns the JSON of its last output line (its stderr in the error if it failed)."""

    def __init__(self, script: str, *args: str) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_fresh_env(),
        )

    def result(self, timeout: float) -> Any:
        out, err = self._proc.communicate(timeout=timeout)
        if self._proc.returncode != 0:
            raise subprocess.CalledProcessError(self._proc.returncode, self._proc.args, out, err)
        return json.loads(out.strip().splitlines()[-1])


# -- reference data, cold ----------------------------------------------------------------------------
def cold_reference_load(year: int = DEFAULT_PERFORMANCE_YEAR, runs: int = 3) -> list[dict[str, Any]]:
    """Import + load the reference data in ``runs`` fresh interpreters; one dict of timings per run."""
    return [_fresh_json(_COLD_LOAD_SCRIPT, str(year), timeout=120) for _ in range(runs)]


# -- generated inputs ----------------------------------------------------------------------------------
@dataclass
class Entity:
    """One generated entity: its submission as JSON bytes, and the profile and CMS data it is scored with."""

    submission_json: bytes
    profile: Profile | None
    cms_data: CmsData | None


ExampleEntity = tuple[dict[str, Any], Profile | None, CmsData | None]


def example_entities(directory: Path = EXAMPLES_DIR) -> list[ExampleEntity]:
    """The complete example entities (submission dict, profile, CMS data); the bad example is skipped."""
    out: list[ExampleEntity] = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        files = {name: folder / name for name in ("submission.json", "profile.json", "cms-data.json")}
        if not all(f.is_file() for f in files.values()):
            continue
        out.append(
            (
                json.loads(files["submission.json"].read_text()),
                Profile.model_validate_json(files["profile.json"].read_bytes()),
                CmsData.model_validate_json(files["cms-data.json"].read_bytes()),
            )
        )
    return out


def _vary(value: Any, rng: random.Random) -> Any:
    """Rescale a measurement's counts, keeping them consistent (so every generated file stays valid)."""
    if isinstance(value, dict) and "strata" in value:
        return {**value, "strata": [_vary(s, rng) for s in value["strata"]]}
    if isinstance(value, dict) and "performanceMet" in value:
        scale = rng.uniform(0.5, 3.0)
        v = dict(value)
        for k in (
            "performanceMet",
            "performanceNotMet",
            "eligiblePopulationExclusion",
            "eligiblePopulationException",
        ):
            v[k] = int((value.get(k) or 0) * scale)
        parts = v["performanceMet"] + v["performanceNotMet"] + v["eligiblePopulationExclusion"]
        v["eligiblePopulation"] = parts + v["eligiblePopulationException"] + rng.randint(0, 20)
        return v
    if isinstance(value, dict) and set(value) == {"numerator", "denominator"}:
        den = max(1, int(value["denominator"] * rng.uniform(0.5, 3.0)))
        return {"numerator": rng.randint(1, den), "denominator": den}
    return value


def generate_entities(n: int, seed: int = 2024) -> list[Entity]:
    """``n`` submissions cycling over the examples, with counts varied by a seeded generator."""
    rng = random.Random(seed)
    bases = example_entities()
    if not bases:
        raise RuntimeError(f"no example entities in {EXAMPLES_DIR}")
    out = []
    for i in range(n):
        doc, profile, cms = bases[i % len(bases)]
        doc = copy.deepcopy(doc)
        for mset in doc.get("measurementSets", []):
            for m in mset.get("measurements", []):
                m["value"] = _vary(m["value"], rng)
        out.append(Entity(json.dumps(doc).encode(), profile, cms))
    return out


# -- timing ------------------------------------------------------------------------------------------
def pass_times(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` passes over ``items``."""
    out = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        out.append(max(time.perf_counter() - t0, 1e-9))
    return out


def best_rate(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> tuple[float, float]:
    """(items per second, seconds) of the fastest of ``repeat`` passes over ``items``."""
    best = min(pass_times(fn, items, repeat))
    return len(items) / best, best


def _rates(times: Sequence[float], n: int) -> list[float]:
    return [n / t for t in times]


def _score_fn() -> Callable[..., Any] | None:
    try:
        from .engine import score  # the engine is another module's; the bench works without it
    except ImportError:
        return None
    return score


def run(
    *,
    count: int = 500,
    repeat: int = 3,
    load_runs: int = 5,
    year: int = DEFAULT_PERFORMANCE_YEAR,
    ref: ReferenceData | None = None,
    qrda3_mb: int = 0,
    batch_sizes: Sequence[int] = (),
    cold_runs: int = 0,
    pipeline_entities: int = 0,
) -> BenchReport:
    """Measure everything once; see the module docstring for what each figure means."""
    report = BenchReport()
    # The two long single-core runs - the pipeline (in this process) and the batch suite (a child process)
    # - go side by side when there is a core for each, which keeps `make bench` under 10 minutes; every
    # other stage runs alone afterwards.
    beside = None
    if batch_sizes and pipeline_entities > 0 and _cores() >= 2:
        beside = _Background(_BATCH_SUITE_SCRIPT, ",".join(str(n) for n in batch_sizes))
    if pipeline_entities > 0:  # issue 15 part 3: the local event pipeline (mips.bench_pipeline)
        from .bench_pipeline import figures as pipeline_figures

        pipeline_figures(report, pipeline_entities)
    if beside is not None:
        batch_figures(
            report, batch_sizes, beside.result(timeout=7200), "; beside the pipeline run, 1 core each"
        )
    elif batch_sizes:
        batch_figures(report, batch_sizes)
    if qrda3_mb > 0:
        qrda3_large_file(report, qrda3_mb)
    if cold_runs > 0:
        cold_start(report, cold_runs)

    loads = cold_reference_load(year, load_runs)
    load = statistics.median(r["load"] for r in loads)
    imported = statistics.median(r["import"] for r in loads)
    total = (
        report.add_runs(
            "reference load, cold",
            [(r["import"] + r["load"]) * 1000 for r in loads],
            "ms",
            f"median of {load_runs} fresh interpreters: import {imported * 1000:.0f} ms + load "
            f"{load * 1000:.0f} ms ({loads[0]['measures']} measures, {loads[0]['version']})",
        )
        / 1000
    )
    report.add(
        "reference load / 1 s budget", total / LOAD_BUDGET_SECONDS, "ratio", "issue 2: well under a second"
    )

    ref = ref or load_reference(year)
    entities = generate_entities(count)
    payloads = [e.submission_json for e in entities]
    invalid = sum(not validate_document(p, ref, kind="submission").valid for p in payloads)
    if invalid:
        report.notes.append(f"{invalid} of {count} generated submissions were invalid (expected 0)")

    score = _score_fn()
    if score is None:
        report.notes.append("mips.engine.score is not importable: scoring throughput not measured")
    throughput(report, entities, ref, repeat, score)
    return report


def throughput(
    report: BenchReport,
    entities: Sequence[Entity],
    ref: ReferenceData,
    repeat: int,
    score: Callable[..., Any] | None,
) -> None:
    """JSON floor, pydantic parse, validation, scoring and the kernel over the same entities.

    The stages are timed in interleaved rounds (each round one pass of every stage), so that every ratio
    is taken between passes measured seconds apart, on the same load of a shared machine; a figure is the
    median of the rounds, its spread their min/max."""
    count = len(entities)
    payloads = [e.submission_json for e in entities]
    models = [(Submission.model_validate_json(e.submission_json), e.profile, e.cms_data) for e in entities]

    def kernel(e: Entity) -> Any:
        assert score is not None
        return score(Submission.model_validate_json(e.submission_json), e.profile, e.cms_data, ref).to_doc()

    stages: dict[str, tuple[Callable[[Any], Any], Sequence[Any]]] = {
        "json": (json.loads, payloads),
        "parse": (Submission.model_validate_json, payloads),
        "validate": (lambda p: validate_document(p, ref, kind="submission"), payloads),
    }
    if score is not None:
        stages["score"] = (lambda t: score(t[0], t[1], t[2], ref), models)
        stages["kernel"] = (kernel, entities)
    times: dict[str, list[float]] = {k: [] for k in stages}
    for _ in range(max(1, repeat)):
        for k, (fn, items) in stages.items():
            times[k] += pass_times(fn, items, 1)

    def ratio(a: str, b: str) -> list[float]:
        return [x / y for x, y in zip(times[a], times[b], strict=True)]

    size = sum(map(len, payloads)) / len(payloads)
    detail = f"{count} generated submissions, avg {size / 1024:.1f} KiB, median of {repeat}"
    report.add_runs("json.loads only", _rates(times["json"], count), "files/s", detail)
    report.add_runs("parse only (pydantic)", _rates(times["parse"], count), "files/s", detail)
    report.add_runs("validate (full)", _rates(times["validate"], count), "files/s", detail)
    report.add_runs(
        "validate cost / parse-only cost", ratio("validate", "parse"), "ratio", "same files, same run"
    )
    report.add_runs("validate per file", [t / count * 1000 for t in times["validate"]], "ms")
    if score is None:
        return
    score_rates = report.add_runs(
        "score (engine)", _rates(times["score"], count), "entities/s", f"{count} entities, parsed models"
    )
    report.add_runs(
        "score cost / validate cost", ratio("score", "validate"), "ratio", "same entities, same run"
    )
    report.add_runs("score per entity", [t / count * 1000 for t in times["score"]], "ms")
    validate_rate = statistics.median(_rates(times["validate"], count))
    report.add(
        "validate + score",
        1 / (1 / validate_rate + 1 / score_rates),
        "entities/s",
        "what one pipeline worker could sustain (no I/O)",
    )
    report.add_runs(
        "kernel: bytes -> result doc",
        _rates(times["kernel"], count),
        "entities/s",
        "one core: pydantic parse + score + to_doc, explanation complete",
    )
    report.add_runs(
        "kernel / json.loads", ratio("kernel", "json"), "ratio", f"goal <= {KERNEL_JSON_RATIO_GOAL:g}"
    )
    report.add_runs("kernel / pydantic parse", ratio("kernel", "parse"), "ratio", "same bytes, same run")
    report.add_runs(
        "kernel / 5,000 entities/s goal",
        [KERNEL_RATE_GOAL * t / count for t in times["kernel"]],
        "ratio",
        "<= 1 meets issue 15's per-core goal",
    )


# -- batch: mips score --batch, time and peak memory (issue 15) --------------------------------------------
_BATCH_SCRIPT = """
import json, os, resource, sys, time
from mips.cli.score_batch import run_batch
t0 = time.perf_counter()
with open(os.devnull, "w") as out:
    code = run_batch(sys.argv[1], out)
took = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
try:  # Linux: this process's own high-water mark (ru_maxrss keeps the parent's peak across fork + exec)
    with open("/proc/self/status") as fh:
        rss = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(json.dumps({"seconds": took, "peakRss": rss, "code": code}))
"""

#: the whole batch suite (files written and each size run in its own fresh interpreter) in a child process,
#: so that it can run on the second core beside the pipeline run (see :func:`run`)
_BATCH_SUITE_SCRIPT = """
import json, sys
from mips.bench import batch_suite
print(json.dumps(batch_suite([int(n) for n in sys.argv[1].split(",")])))
"""


def write_batch_file(path: Path, n: int, seed: int = 2024) -> int:
    """A JSON-lines batch of ``n`` entities (the examples with varied counts), written as a stream;
    returns its size in bytes."""
    rng = random.Random(seed)
    bases = []
    for folder in sorted(p for p in EXAMPLES_DIR.iterdir() if (p / "profile.json").is_file()):
        bases.append(
            {
                "submission": json.loads((folder / "submission.json").read_text()),
                "profile": json.loads((folder / "profile.json").read_text()),
                "cmsData": json.loads((folder / "cms-data.json").read_text()),
            }
        )
    size = 0
    with path.open("w") as fh:
        for i in range(n):
            base = bases[i % len(bases)]
            sub = copy.deepcopy(base["submission"])
            for mset in sub.get("measurementSets", []):
                for m in mset.get("measurements", []):
                    m["value"] = _vary(m["value"], rng)
            line = json.dumps({**base, "submission": sub}) + "\n"
            size += len(line)
            fh.write(line)
    return size


def batch_run(path: Path) -> dict[str, Any]:
    """``run_batch`` over ``path`` in a fresh interpreter: seconds, peak RSS in bytes, exit code."""
    return dict(_fresh_json(_BATCH_SCRIPT, str(path), timeout=3600))


def batch_suite(sizes: Sequence[int]) -> dict[str, dict[str, Any]]:
    """``mips score --batch`` at each size, each in a fresh interpreter over a freshly written file:
    ``{size: {seconds, peakRss, code}}`` (keys are strings, as they come back through JSON)."""
    import tempfile

    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"batch-{n}.jsonl"
            write_batch_file(path, n)
            runs[str(n)] = batch_run(path)
            path.unlink()
    return runs


def batch_figures(
    report: BenchReport,
    sizes: Sequence[int],
    runs_by_size: dict[str, dict[str, Any]] | None = None,
    where: str = "",
) -> None:
    """Time and peak RSS of ``mips score --batch`` at each size (one fresh process each), with the
    time per entity and the peak-memory ratio of the largest to the smallest batch (goal <= 1.5).
    ``runs_by_size`` is :func:`batch_suite`'s answer when it ran elsewhere (beside the pipeline run)."""
    got = runs_by_size if runs_by_size is not None else batch_suite(sizes)
    runs = {n: got[str(n)] for n in sizes}
    for n in sizes:
        if runs[n]["code"] != 0:
            report.notes.append(f"batch of {n}: exit {runs[n]['code']} (expected 0: every entity scored)")
        report.add(
            f"batch {n:,} entities",
            n / runs[n]["seconds"],
            "entities/s",
            f"mips score --batch, JSON lines in and out, {runs[n]['seconds']:.1f} s{where}",
        )
        report.add(
            f"batch {n:,} peak RSS",
            runs[n]["peakRss"] / 1e6,
            "MB",
            "fresh process (its own VmHWM), reference data loaded once",
        )
    lo, hi = min(sizes), max(sizes)
    if hi > lo:
        report.add(
            f"batch peak RSS {hi:,} / {lo:,}",
            runs[hi]["peakRss"] / runs[lo]["peakRss"],
            "ratio",
            "goal <= 1.5 (flat memory)",
        )
        per_entity = (runs[hi]["seconds"] / hi) / (runs[lo]["seconds"] / lo)
        report.add(f"batch time per entity {hi:,} / {lo:,}", per_entity, "ratio", "1 = linear time")


# -- cold start: handler import time in a fresh interpreter vs boto3 alone (issue 15) ------------------------
FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
#: issue 15: a handler's cold import within 1.5x of ``import boto3`` alone
COLD_START_RATIO_GOAL = 1.5

_IMPORT_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
__import__(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def import_seconds(
    module: str, extra_path: Path | None = None, env_overrides: dict[str, str | None] | None = None
) -> float:
    """Seconds to import ``module`` in a fresh interpreter (shared/ and ``extra_path`` on the path)."""
    doc = _fresh_json(
        _IMPORT_SCRIPT,
        module,
        timeout=120,
        extra_path=extra_path,
        cwd=extra_path or Path.cwd(),
        env_overrides=env_overrides,
    )
    return float(doc["seconds"])


def lambda_environment(handler_dir: Path) -> dict[str, str | None]:
    """What makes powertools trace as in a deployed function: ``LAMBDA_TASK_ROOT`` set (Lambda sets it)
    and tracing not disabled. Outside Lambda the handlers' tracer records nothing and does not import
    aws-xray-sdk (:mod:`mips.pipeline.tracing`); a deployed function with ``Tracing: Active`` does."""
    return {
        "LAMBDA_TASK_ROOT": str(handler_dir),
        "AWS_LAMBDA_FUNCTION_NAME": handler_dir.name,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": None,
        "AWS_SAM_LOCAL": None,
    }


def cold_start(report: BenchReport, runs: int, functions_dir: Path = FUNCTIONS_DIR) -> None:
    """Each handler's ``import app`` in fresh interpreters (median of ``runs``) as a ratio to
    ``import boto3`` alone measured in the same rounds: as run locally (the goal's figure; tracing off),
    and in a Lambda environment (X-Ray tracing on, so aws-xray-sdk is imported as a deployed function
    imports it) for the worst handler."""
    handlers = sorted(p for p in functions_dir.iterdir() if (p / "app.py").is_file())
    if not handlers:
        report.notes.append(f"no handlers under {functions_dir}: cold start not measured")
        return
    boto: list[float] = []
    times: dict[str, list[float]] = {h.name: [] for h in handlers}
    traced: dict[str, list[float]] = {h.name: [] for h in handlers}
    for _ in range(max(1, runs)):
        boto.append(import_seconds("boto3"))
        for h in handlers:
            times[h.name].append(import_seconds("app", h))
            traced[h.name].append(import_seconds("app", h, lambda_environment(h)))
    report.add_runs("cold import boto3", [t * 1000 for t in boto], "ms", "fresh interpreter, import only")
    ratios = []
    for name, ts in times.items():
        ratio = [t / b for t, b in zip(ts, boto, strict=True)]
        ratios.append(statistics.median(ratio))
        report.add_runs(
            f"cold import {name} / boto3", ratio, "ratio", f"median {statistics.median(ts) * 1000:.0f} ms"
        )
    report.add(
        "cold import worst handler / boto3", max(ratios), "ratio", f"goal <= {COLD_START_RATIO_GOAL:g}"
    )
    traced_ratios = {name: [t / b for t, b in zip(ts, boto, strict=True)] for name, ts in traced.items()}
    worst = max(traced_ratios, key=lambda n: statistics.median(traced_ratios[n]))
    report.add_runs(
        "cold import worst handler / boto3, Lambda env (X-Ray on)",
        traced_ratios[worst],
        "ratio",
        f"{worst}, median {statistics.median(traced[worst]) * 1000:.0f} ms (aws-xray-sdk imported)",
    )


# -- QRDA III streaming conversion (issue 13) -------------------------------------------------------------
def qrda3_large_file(report: BenchReport, megabytes: int = 200) -> None:
    """Convert a generated ``megabytes`` MB QRDA III file (:mod:`mips.qrda3.synthetic`) and compare with a
    bare defusedxml iterparse of the same file that only clears each element (the floor for streaming)."""
    import tempfile

    from defusedxml.ElementTree import iterparse

    from .qrda3 import convert_path
    from .qrda3.synthetic import EXPECTED, write_large_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large-qrda3.xml"
        with path.open("wb") as fh:
            size = write_large_file(fh, megabytes * 1_000_000)
        t0 = time.perf_counter()
        for _, el in iterparse(str(path), events=("end",), forbid_dtd=True):
            el.clear()
        bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        conversion = convert_path(str(path))
        took = time.perf_counter() - t0
    mb = size / 1_000_000
    if conversion.submission != EXPECTED:
        report.notes.append("the generated QRDA III file did not convert to its expected submission")
    report.add("qrda3 convert", mb / took, "MB/s", f"generated {mb:.0f} MB file, {took:.1f} s")
    report.add("qrda3 bare iterparse", mb / bare, "MB/s", "defusedxml iterparse + clear, same file")
    report.add("qrda3 convert / bare iterparse", took / bare, "ratio", "cost of conversion over parsing")
