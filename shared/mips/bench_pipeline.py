"""The pipeline benchmark (issue 15 part 3): entities per minute, AWS requests per entity and the cost per
million entities of the local event pipeline, measured the way ``mips run-local`` runs it.

N complete entities (submission + profile + CMS data, the shipped examples with one TIN each and their
counts varied) are dropped into the intake bucket of the in-process moto stack and drained through the
event source mappings (S3 -> SQS -> handlers -> aggregator), exactly as
:func:`mips.cli.run_local.run_pipeline` does. Nothing in the pipeline is changed for the measurement;
it is observed from outside:

* **requests** - a botocore ``before-send`` hook (registered first, so it sees each HTTP attempt before
  moto answers it: what AWS bills, retries included) on every client :mod:`mips.pipeline.aws` creates,
  including the ones created lazily later. Each request is attributed to whoever made it: a function's
  handler, or the runner (the upload, or the Lambda poller the driver plays: ReceiveMessage,
  DeleteMessage...). ``after-call`` adds the DynamoDB request units (from the item sizes sent and
  returned) and the SQS 64 KB chunks.
* **durations** - each handler invocation is timed (``LocalPipeline.wrap_invoke``); Lambda bills it
  rounded up to the millisecond, times the function's ``MemorySize`` from the template.
* **logs** - the bytes the functions print (their CloudWatch log lines).

On AWS the runner's requests are made by AWS services; :func:`bill` models what AWS bills for them (one
SQS send per S3 event, one receive and one batch delete per Lambda invocation; see the ``model`` section
of ``bench_aws_prices.yaml``), and the prices themselves are data in that file, with their source.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .pipeline.soak import CASES  # the complete examples: submission, profile and CMS data each

PRICES_FILE = Path(__file__).with_name("bench_aws_prices.yaml")
EXAMPLES = Path(__file__).with_name("examples")
#: file name -> intake prefix, in the order ``mips run-local FOLDER`` uploads a folder (sorted names)
FILES = (("cms-data.json", "cms-data/"), ("profile.json", "profiles/"), ("submission.json", "submissions/"))
#: issue 15's goals for the pipeline
REQUESTS_GOAL = 25.0
USD_PER_MILLION_GOAL = 25.0
UPLOAD, RUNNER, SETUP = "upload", "runner", "setup"
#: entities per fresh stack: all of them in one, as one ``mips run-local`` of the folder (see :func:`run`)
WAVE: int | None = None
_HOOK = "mips-bench-requests"
S3_PUT_CLASS = frozenset(
    {
        "PutObject",
        "CopyObject",
        "PostObject",
        "ListObjects",
        "ListObjectsV2",
        "ListObjectVersions",
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
    }
)
S3_FREE = frozenset({"DeleteObject", "DeleteObjects", "AbortMultipartUpload"})


# -- inputs ----------------------------------------------------------------------------------------------
def entity_files(n: int, seed: int = 2024) -> list[tuple[str, bytes]]:
    """``3 n`` intake files for ``n`` entities: the complete examples in turn, each with its own TIN and
    its measurements' counts varied (as :func:`mips.bench.generate_entities` varies them), in the order
    ``mips run-local`` uploads an entity's folder."""
    from .bench import _vary

    rng = random.Random(seed)
    bases = {c: {name: json.loads((EXAMPLES / c / name).read_text()) for name, _ in FILES} for c in CASES}
    out: list[tuple[str, bytes]] = []
    for i in range(n):
        tin = f"8{seed % 100:02d}{i:06d}"
        docs = copy.deepcopy(bases[CASES[i % len(CASES)]])
        for doc in docs.values():
            inner = doc["data"]["submission"] if "data" in doc else doc
            inner["taxpayerIdentificationNumber"] = tin
        sub = docs["submission.json"]
        for mset in (sub["data"]["submission"] if "data" in sub else sub).get("measurementSets", []):
            for m in mset.get("measurements", []):
                m["value"] = _vary(m["value"], rng)
        out.extend((f"{prefix}bench/{tin}/{name}", json.dumps(docs[name]).encode()) for name, prefix in FILES)
    return out


# -- DynamoDB item sizes (the rules of "Item sizes and formats" in the DynamoDB developer guide) -----------
def _number_size(text: str) -> int:
    digits = text.strip().lstrip("+-").replace(".", "").lower().split("e")[0].strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one low-level attribute value: strings UTF-8, numbers ~1 byte per 2 digits + 1, binary
    raw, sets the sum of members, lists and maps 3 bytes + 1 byte per element + the elements."""
    ((kind, v),) = value.items()
    if kind == "S":
        return len(str(v).encode())
    if kind == "N":
        return _number_size(str(v))
    if kind == "B":
        return len(v if isinstance(v, bytes | bytearray) else str(v).encode())
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(str(s).encode()) for s in v)
    if kind == "NS":
        return sum(_number_size(str(s)) for s in v)
    if kind == "BS":
        return sum(len(b) for b in v)
    if kind == "L":
        return 3 + sum(1 + attribute_size(x) for x in v)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + attribute_size(x) for k, x in v.items())
    return 0


def item_size(item: dict[str, Any] | None) -> int:
    """Bytes of an item: attribute names + values."""
    return sum(len(name.encode()) + attribute_size(v) for name, v in (item or {}).items())


def write_units(size: int, unit: int = 1024, transactional: bool = False) -> int:
    """On-demand write request units of one item write: 1 per started KB (minimum 1), x2 in a transaction."""
    return max(1, math.ceil(size / unit)) * (2 if transactional else 1)


def read_units(size: int, consistent: bool, unit: int = 4096) -> float:
    """Read request units of a read returning ``size`` bytes: 1 per started 4 KB (minimum 1) for a strongly
    consistent read, half that for an eventually consistent one."""
    return max(1, math.ceil(size / unit)) * (1.0 if consistent else 0.5)


def _capacity(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> tuple[float, float]:
    """(read units, write units) one DynamoDB call consumes, from what was sent and what came back."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "GetItem":
        return read_units(item_size(parsed.get("Item")), consistent), 0.0
    if operation in ("Query", "Scan"):
        return read_units(sum(item_size(i) for i in parsed.get("Items", [])), consistent), 0.0
    if operation == "BatchGetItem":
        items = [i for found in (parsed.get("Responses") or {}).values() for i in found]
        return sum(read_units(item_size(i), consistent) for i in items), 0.0
    if operation == "PutItem":
        return 0.0, write_units(max(item_size(params.get("Item")), item_size(parsed.get("Attributes"))))
    if operation == "UpdateItem":
        after = parsed.get("Attributes")
        if after is None or params.get("ReturnValues") not in ("ALL_NEW", "ALL_OLD"):
            # the item as far as the request names it (key + values): a lower bound of its size
            values = params.get("ExpressionAttributeValues") or {}
            after = {**params.get("Key", {}), **{k.lstrip(":"): v for k, v in values.items()}}
        return 0.0, write_units(item_size(after))
    if operation == "DeleteItem":
        return 0.0, write_units(item_size(parsed.get("Attributes")))
    if operation == "BatchWriteItem":
        puts = [
            r.get("PutRequest", {}).get("Item") for rs in params.get("RequestItems", {}).values() for r in rs
        ]
        return 0.0, float(sum(write_units(item_size(i)) for i in puts))
    if operation == "TransactWriteItems":
        units = 0
        for entry in params.get("TransactItems", []):
            ((_kind, body),) = entry.items()
            item = body.get("Item") or {
                **body.get("Key", {}),
                **(body.get("ExpressionAttributeValues") or {}),
            }
            units += write_units(item_size(item), transactional=True)
        return 0.0, float(units)
    return 0.0, 0.0


def _sqs_payload(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> int:
    if operation == "SendMessage":
        attrs = params.get("MessageAttributes") or {}
        return len(str(params.get("MessageBody", "")).encode()) + len(json.dumps(attrs))
    if operation == "SendMessageBatch":
        return sum(len(str(e.get("MessageBody", "")).encode()) for e in params.get("Entries", []))
    if operation == "ReceiveMessage":
        return sum(len(str(m.get("Body", "")).encode()) for m in parsed.get("Messages", []))
    return 0


def sqs_chunks(payload: int, chunk: int = 65536) -> int:
    """SQS bills each started 64 KB chunk of a request's payload as one request."""
    return max(1, math.ceil(payload / chunk))


# -- the counting hook -----------------------------------------------------------------------------------
@dataclass
class Usage:
    """What one actor (a function, the runner, the upload) used, by (service, operation)."""

    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: DynamoDB (read units, write units) by operation
    rru: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    wru: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: SQS billed requests (64 KB chunks) by operation
    sqs_billed: Counter[str] = field(default_factory=Counter)


class RequestCounter:
    """Counts every AWS request of the shared clients of :mod:`mips.pipeline.aws`, by actor, service and
    operation; ``actor`` is whoever is making requests right now (set by :meth:`acting`)."""

    def __init__(self) -> None:
        self.actor = SETUP
        self.usage: dict[str, Usage] = defaultdict(Usage)
        self._hooked: set[int] = set()
        self._clients: list[Any] = []

    # installation: on every client, including those created after install()
    def hook(self, client: Any) -> Any:
        if id(client) in self._hooked:
            return client
        events = client.meta.events
        service = client.meta.service_model.service_id.hyphenize()
        events.register_first(f"before-send.{service}", self._sent, f"{_HOOK}-send")
        events.register(f"before-parameter-build.{service}", self._params, f"{_HOOK}-params")
        events.register(f"after-call.{service}", self._after, f"{_HOOK}-after")
        self._hooked.add(id(client))
        self._clients.append(client)
        return client

    @contextlib.contextmanager
    def installed(self) -> Iterator[RequestCounter]:
        """Hook the clients :func:`mips.pipeline.aws.client` hands out while the block runs."""
        from .pipeline import aws

        original = aws.client

        def counted(service: str) -> Any:
            return self.hook(original(service))

        aws.client = counted  # type: ignore[assignment]
        try:
            yield self
        finally:
            aws.client = original  # type: ignore[assignment]
            for client in self._clients:
                service = client.meta.service_model.service_id.hyphenize()
                client.meta.events.unregister(f"before-send.{service}", unique_id=f"{_HOOK}-send")
                client.meta.events.unregister(
                    f"before-parameter-build.{service}", unique_id=f"{_HOOK}-params"
                )
                client.meta.events.unregister(f"after-call.{service}", unique_id=f"{_HOOK}-after")
            self._clients.clear()
            self._hooked.clear()

    @contextlib.contextmanager
    def acting(self, actor: str) -> Iterator[None]:
        previous, self.actor = self.actor, actor
        try:
            yield
        finally:
            self.actor = previous

    # the hooks
    def _sent(self, event_name: str, **_: Any) -> None:
        service, operation = event_name.split(".", 2)[1:]
        self.usage[self.actor].requests[(service, operation)] += 1

    @staticmethod
    def _params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["mips_bench_params"] = dict(params)

    def _after(self, model: Any, context: dict[str, Any], parsed: Any = None, **_: Any) -> None:
        service, operation = model.service_model.service_id.hyphenize(), model.name
        params, parsed = context.get("mips_bench_params") or {}, parsed or {}
        usage = self.usage[self.actor]
        if service == "dynamodb":
            rru, wru = _capacity(operation, params, parsed)
            if rru:
                usage.rru[operation] += rru
            if wru:
                usage.wru[operation] += wru
        elif service == "sqs":
            usage.sqs_billed[operation] += sqs_chunks(_sqs_payload(operation, params, parsed))


# -- the run -----------------------------------------------------------------------------------------------
@dataclass
class FunctionRun:
    """One function's invocations in the run."""

    memory_mb: int
    invocations: int = 0
    records: int = 0
    seconds: float = 0.0  # measured wall time of the handler calls
    billed_ms: int = 0  # each invocation rounded up to the next millisecond
    log_bytes: int = 0

    @property
    def gb_seconds(self) -> float:
        return self.billed_ms / 1000 * self.memory_mb / 1024


@dataclass
class PipelineRun:
    """Everything one benchmark run measured (the raw material of :func:`bill` and the figures)."""

    entities: int
    files: int
    wall_s: float
    #: CPU seconds of this process over the same span (the machine's other load does not count)
    cpu_s: float
    architecture: str
    functions: dict[str, FunctionRun]
    usage: dict[str, Usage]
    results: int
    dead_letters: dict[str, int]
    retries: int
    #: sha256 over every published file (results/, reports/): the same inputs must give the same digest
    digest: str = ""

    @property
    def handler_seconds(self) -> float:
        return sum(f.seconds for f in self.functions.values())

    @property
    def invocations(self) -> int:
        return sum(f.invocations for f in self.functions.values())


class _CountingSink(io.TextIOBase):
    """Where the functions' output goes during the run: counted (their CloudWatch bytes), not shown."""

    def __init__(self) -> None:
        self.bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        return len(text)


def _architecture(template: Path) -> str:
    from .pipeline.template import load_sam

    sam = load_sam(template)
    archs = ((sam.get("Globals") or {}).get("Function") or {}).get("Architectures") or ["x86_64"]
    return str(archs[0])


def run(
    n: int,
    seed: int = 2024,
    log_level: str | None = None,
    template: Path | None = None,
    wave: int | None = WAVE,
) -> PipelineRun:
    """Drop ``n`` entities into the in-process moto pipeline, drain it and return what was measured.

    By default all ``n`` go into one stack, as one ``mips run-local`` of a folder of ``n`` entities
    (in-process moto's Query and receive costs that grew with the table and queue are made
    size-independent by :mod:`mips.pipeline.moto_speedups`). ``wave`` splits them into fresh stacks of
    that many entities each (to compare). The wall clock counts the upload and the drain of every
    stack (not the provisioning). ``log_level`` defaults to the template's ``LogLevel`` default
    (what a deployed stack logs)."""
    from .pipeline.template import DEFAULT_TEMPLATE, load_sam

    template = template or DEFAULT_TEMPLATE
    level = log_level or str(load_sam(template)["Parameters"]["LogLevel"].get("Default", "INFO"))
    files = entity_files(n, seed)
    per_wave = len(FILES) * max(1, wave or n)
    counter, sink = RequestCounter(), _CountingSink()
    functions: dict[str, FunctionRun] = {}
    wall, cpu, results, retries, dead = 0.0, 0.0, 0, 0, Counter[str]()
    digest = hashlib.sha256()
    with counter.installed():
        for start in range(0, len(files), per_wave):
            w = _wave(files[start : start + per_wave], template, level, counter, sink, functions)
            wall += w["wall"]
            cpu += w["cpu"]
            results += w["results"]
            retries += w["retries"]
            dead.update(w["dead"])
            digest.update(w["digest"].encode())
    return PipelineRun(
        entities=n,
        files=len(files),
        wall_s=wall,
        cpu_s=cpu,
        architecture=_architecture(template),
        functions=functions,
        usage=dict(counter.usage),
        results=results,
        dead_letters={k: v for k, v in dead.items() if v},
        retries=retries,
        digest=digest.hexdigest(),
    )


def _wave(
    files: list[tuple[str, bytes]],
    template: Path,
    level: str,
    counter: RequestCounter,
    sink: _CountingSink,
    functions: dict[str, FunctionRun],
) -> dict[str, Any]:
    """One fresh stack: provision, upload ``files``, drain (what ``mips run-local`` does with them)."""
    from .cli.run_local import FAKE_CREDENTIALS
    from .pipeline import aws
    from .pipeline.driver import FUNCTION_OUTPUT, LocalPipeline
    from .pipeline.targets import connect, resolve

    counter.actor = SETUP
    with connect(resolve("moto"), FAKE_CREDENTIALS):
        try:
            lp = LocalPipeline(template, stack_name="mips-bench", log_level=level)
            with contextlib.redirect_stdout(FUNCTION_OUTPUT), contextlib.redirect_stderr(sink):
                stack = lp.provision()
                for k, f in stack.functions.items():
                    functions.setdefault(k, FunctionRun(memory_mb=f.memory))
                for logical_id in stack.functions:  # imported before the clock starts (a warm container)
                    lp.handler(logical_id)
                lp.wrap_invoke = _timed(counter, functions, sink)
                counter.actor = UPLOAD
                started, cpu = time.perf_counter(), time.process_time()
                for key, data in files:
                    lp.put_object(key, data)
                counter.actor = RUNNER
                lp.drain(max_rounds=100_000, timeout_s=3600)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                counter.actor = SETUP
                results, digest = _published(stack.bucket)
                dead = lp.dead_letters()
            retries = sum(len(i.failed) for i in lp.invocations)
        finally:
            aws.reset()
    return {"wall": wall, "cpu": cpu, "results": results, "digest": digest, "dead": dead, "retries": retries}


def _published(bucket: str) -> tuple[int, str]:
    """(entity results, sha256 of every published file) in the bucket: ``results/`` (entities and
    clinicians) and ``reports/``, so that a change to the pipeline can prove its outputs unchanged."""
    from .pipeline import aws

    digest, results = hashlib.sha256(), 0
    for prefix in ("results/", "reports/"):
        pages = aws.s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for key in sorted(o["Key"] for page in pages for o in page.get("Contents", [])):
            digest.update(key.encode() + b"\0" + aws.s3().get_object(Bucket=bucket, Key=key)["Body"].read())
            results += prefix == "results/" and key.split("/")[2:3] != ["clinician"]
    return results, digest.hexdigest()


def _timed(
    counter: RequestCounter, functions: dict[str, FunctionRun], sink: _CountingSink
) -> Callable[[str, dict[str, Any], Callable[[dict[str, Any]], Any]], Any]:
    """The driver's ``wrap_invoke``: the handler call timed, its requests and log bytes its function's."""

    def wrap(function: str, event: dict[str, Any], call: Callable[[dict[str, Any]], Any]) -> Any:
        fn = functions[function]
        logged = sink.bytes
        with counter.acting(function):
            t0 = time.perf_counter()
            try:
                return call(event)
            finally:
                elapsed = time.perf_counter() - t0
                fn.invocations += 1
                fn.records += len(event.get("Records", []))
                fn.seconds += elapsed
                fn.billed_ms += max(1, math.ceil(elapsed * 1000))
                fn.log_bytes += sink.bytes - logged

    return wrap


# -- the bill ----------------------------------------------------------------------------------------------
def load_prices(path: Path = PRICES_FILE) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    return dict(doc)


@dataclass
class Bill:
    """Billed quantities and US dollars of one run, per entity, by service/line and by function."""

    entities: int
    #: (service, operation, who) -> billed requests per entity; who = "handler" or "aws" (made by AWS
    #: services on our behalf: the S3 event delivery, the Lambda poller) or "upload"
    requests: dict[tuple[str, str, str], float]
    lambda_invocations: float
    #: line -> USD per entity (lambda-duration, lambda-requests, sqs, s3-put, s3-get, dynamodb-write,
    #: dynamodb-read, logs, xray)
    usd: dict[str, float]
    #: function -> USD per entity (its duration, invocations, logs, traces and the requests it makes)
    by_function: dict[str, float]
    unconfirmed: list[str]
    #: USD per entity the functions' duration would add if each of their requests waited its typical
    #: AWS latency (``model.request_latency_ms``, an estimate; the headline uses measured time only)
    latency_usd: float = 0.0

    @property
    def requests_per_entity(self) -> float:
        return sum(self.requests.values())

    @property
    def usd_per_million(self) -> float:
        return sum(self.usd.values()) * 1_000_000

    def requests_by_service(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for (service, _, _), v in self.requests.items():
            out[service] += v
        return dict(out)


def _request_usd(service: str, operation: str, count: float, p: dict[str, Any]) -> tuple[str, float]:
    """(bill line, USD) of ``count`` billed requests of one operation (DynamoDB: charged by units)."""
    if service == "s3":
        if operation in S3_FREE:
            return "s3-free", 0.0
        if operation in S3_PUT_CLASS:
            return "s3-put", count * p["s3_put_class_request"]["usd"]
        return "s3-get", count * p["s3_get_class_request"]["usd"]
    if service == "sqs":
        return "sqs", count * p["sqs_request"]["usd"]
    return service, 0.0


def bill(run: PipelineRun, prices: dict[str, Any] | None = None) -> Bill:
    """What AWS would bill for ``run``'s work, per entity, at ``prices`` (``bench_aws_prices.yaml``).

    Handler requests are billed as counted (SQS by 64 KB chunks; DynamoDB by the request units they
    consumed). The runner's requests are replaced by what AWS does in its place (``model``): one SQS
    send per uploaded file (the S3 event), one ReceiveMessage and one DeleteMessageBatch per Lambda
    invocation; the upload's S3 PUTs are billed to the bucket owner as they are."""
    prices = prices or load_prices()
    p, model = prices["prices"], prices["model"]
    n = max(1, run.entities)
    requests: dict[tuple[str, str, str], float] = defaultdict(float)
    usd: dict[str, float] = defaultdict(float)
    by_function: dict[str, float] = defaultdict(float)
    gb_s = p[f"lambda_gb_second_{run.architecture.replace('-', '_')}"]["usd"]
    traced = model["xray_sampled_fraction"]
    log_gb = p["cloudwatch_logs_ingested_gb"]["usd"] / 1e9
    per_invocation_log = (
        model["lambda_platform_log_bytes_per_invocation"] + model["emf_log_bytes_per_invocation"]
    )

    latency = 0.0

    def charge(line: str, amount: float, function: str | None = None) -> None:
        usd[line] += amount / n
        if function is not None:
            by_function[function] += amount / n

    for name, fn in run.functions.items():
        charge("lambda-duration", fn.gb_seconds * gb_s, name)
        charge("lambda-requests", fn.invocations * p["lambda_request"]["usd"], name)
        charge("logs", (fn.log_bytes + fn.invocations * per_invocation_log) * log_gb, name)
        charge("xray", fn.invocations * traced * p["xray_trace_recorded"]["usd"], name)
        usage = run.usage.get(name)
        if usage is None:
            continue
        waited_ms = sum(
            count * model.get("request_latency_ms", {}).get(service, 0)
            for (service, _), count in usage.requests.items()
        )
        latency += waited_ms / 1000 * fn.memory_mb / 1024 * gb_s / n
        for (service, operation), count in usage.requests.items():
            billed = (
                usage.sqs_billed[operation] if service == "sqs" and usage.sqs_billed[operation] else count
            )
            requests[(service, operation, "handler")] += count / n
            if service != "dynamodb":  # DynamoDB bills request units (below), not requests
                line, amount = _request_usd(service, operation, billed, p)
                charge(line, amount, name)
        wru, rru = sum(usage.wru.values()), sum(usage.rru.values())
        charge("dynamodb-write", wru * p["dynamodb_write_request_unit"]["usd"], name)
        charge("dynamodb-read", rru * p["dynamodb_read_request_unit"]["usd"], name)
    # what AWS does where the local runner emulates it
    upload = run.usage.get(UPLOAD, Usage())
    for (service, operation), count in upload.requests.items():
        requests[(service, operation, "upload")] += count / n
        line, amount = _request_usd(service, operation, count, p)
        charge(line, amount, "(upload)")
    sends = run.files * model["s3_event_sqs_requests_per_upload"]
    receives = run.invocations * model["poller_receives_per_invocation"]
    deletes = run.invocations * model["poller_deletes_per_invocation"]
    for operation, count in (
        ("SendMessage", sends),
        ("ReceiveMessage", receives),
        ("DeleteMessageBatch", deletes),
    ):
        requests[("sqs", operation, "aws")] += count / n
        charge("sqs", count * p["sqs_request"]["usd"], "(S3 events, Lambda poller)")
    unconfirmed = sorted(k for k, v in p.items() if not v.get("confirmed"))
    return Bill(
        entities=run.entities,
        requests=dict(requests),
        lambda_invocations=run.invocations / n,
        usd=dict(usd),
        by_function=dict(by_function),
        unconfirmed=unconfirmed,
        latency_usd=latency,
    )


# -- the figures -------------------------------------------------------------------------------------------
def figures(report: Any, n: int, seed: int = 2024) -> PipelineRun:
    """Run the benchmark for ``n`` entities; its figures go into ``report`` (a ``BenchReport``)."""
    measured = run(n, seed)
    b = bill(measured)
    per_min_wall = n / measured.wall_s * 60
    per_min_handlers = n / max(measured.handler_seconds, 1e-9) * 60
    ok = measured.results == n and not measured.dead_letters
    check = (
        ""
        if ok
        else f"; CHECK: {measured.results} results for {n} entities, dead letters {measured.dead_letters}"
    )
    report.add(
        "pipeline entities/min",
        per_min_wall,
        "entities/min",
        f"{n} entities ({measured.files} files, {_stacks(n)}) through run-local's moto pipeline "
        f"in {measured.wall_s:.1f} s wall clock ({measured.cpu_s:.1f} s CPU){check}",
    )
    report.add(
        "pipeline entities/min (handler time)",
        per_min_handlers,
        "entities/min",
        f"from the sum of handler durations ({measured.handler_seconds:.1f} s; one Lambda at a time)",
    )
    by_service = b.requests_by_service()
    report.add(
        "pipeline AWS requests / entity",
        b.requests_per_entity,
        "requests",
        f"goal <= {REQUESTS_GOAL:.0f}; "
        + ", ".join(f"{s} {v:.1f}" for s, v in sorted(by_service.items()))
        + " (handlers + S3 event delivery, Lambda poller and upload as AWS bills them)",
    )
    handler = sum(v for (_, _, who), v in b.requests.items() if who == "handler")
    report.add("pipeline handler requests / entity", handler, "requests", _top_operations(b, "handler"))
    report.add(
        "pipeline Lambda invocations / entity",
        b.lambda_invocations,
        "invocations",
        ", ".join(
            f"{k.removesuffix('Function')} {f.invocations / n:.2f}" for k, f in measured.functions.items()
        ),
    )
    report.add(
        "pipeline USD / million entities",
        b.usd_per_million,
        "USD",
        f"goal < {USD_PER_MILLION_GOAL:.0f}; "
        + ", ".join(f"{k} {v * 1e6:.2f}" for k, v in sorted(b.usd.items(), key=lambda kv: -kv[1]) if v)
        + f"; {measured.architecture} at the template's MemorySize; prices in bench_aws_prices.yaml"
        + (f" ({len(b.unconfirmed)} UNCONFIRMED)" if b.unconfirmed else "")
        + f"; with AWS request latency (estimate) +{b.latency_usd * 1e6:.2f}",
    )
    report.add(
        "pipeline USD / million entities by function",
        b.usd_per_million,
        "USD",
        ", ".join(
            f"{k.removesuffix('Function')} {v * 1e6:.2f}"
            for k, v in sorted(b.by_function.items(), key=lambda kv: -kv[1])
        ),
    )
    if not ok:
        report.notes.append(f"pipeline bench: {check.removeprefix('; ')}")
    if b.unconfirmed:
        report.notes.append(
            "pipeline prices UNCONFIRMED on AWS's own pages (secondary sources; see bench_aws_prices.yaml): "
            + ", ".join(b.unconfirmed)
        )
    report.details["pipeline"] = breakdown(measured, b)
    return measured


def _stacks(n: int, wave: int | None = WAVE) -> str:
    return "one stack" if not wave or wave >= n else f"fresh stacks of {wave}"


def _top_operations(b: Bill, who: str) -> str:
    ops = sorted(((v, s, o) for (s, o, w), v in b.requests.items() if w == who), reverse=True)
    return ", ".join(f"{s}:{o} {v:.2f}" for v, s, o in ops)


def breakdown(measured: PipelineRun, b: Bill) -> dict[str, Any]:
    """The detail for ``bench/results.json``: requests by service/operation/who, USD by line and function."""
    n = max(1, measured.entities)
    return {
        "entities": measured.entities,
        "wallSeconds": round(measured.wall_s, 3),
        "cpuSeconds": round(measured.cpu_s, 3),
        "handlerSeconds": round(measured.handler_seconds, 3),
        "requestsPerEntity": {f"{s}:{o}:{w}": round(v, 4) for (s, o, w), v in sorted(b.requests.items())},
        "lambdaInvocationsPerEntity": round(b.lambda_invocations, 4),
        "usdPerMillionByLine": {k: round(v * 1e6, 4) for k, v in sorted(b.usd.items())},
        "usdPerMillionByFunction": {k: round(v * 1e6, 4) for k, v in sorted(b.by_function.items())},
        "usdPerMillionAddedByRequestLatencyEstimate": round(b.latency_usd * 1e6, 4),
        "functions": {
            k: {
                "memoryMb": f.memory_mb,
                "invocationsPerEntity": round(f.invocations / n, 4),
                "recordsPerEntity": round(f.records / n, 4),
                "msPerEntity": round(f.seconds * 1000 / n, 3),
                "gbSecondsPerEntity": round(f.gb_seconds / n, 6),
                "logBytesPerEntity": round(f.log_bytes / n, 1),
            }
            for k, f in measured.functions.items()
        },
        "dynamodbUnitsPerEntity": {
            who: {"read": round(sum(u.rru.values()) / n, 3), "write": round(sum(u.wru.values()) / n, 3)}
            for who, u in measured.usage.items()
            if u.rru or u.wru
        },
        "unconfirmedPrices": b.unconfirmed,
        "retries": measured.retries,
        "results": measured.results,
        "deadLetters": measured.dead_letters,
        "outputsSha256": measured.digest,
    }
