"""What each Lambda function does with one record: parse -> domain (mips.engine) -> persist -> fan out.

The pipeline runs exactly the steps :func:`mips.engine.score` is composed of, one function per step:

``ingest``       convert a QRDA III submission to QPP JSON (:mod:`mips.qrda3`), screen the file (size,
                 empty, binary, other XML: :mod:`.intake`), check the performance year
                 has rules, validate it; reject it, or store an immutable copy, bump the entity's input
                 version (atomic, content-aware) and send the version's input snapshot to eligibility
``eligibility``  ``evaluate_entity`` + ``reporting_options`` + ``build_context``; one message per
                 (reporting option, category) to quality / ia / pi / cost
``<category>``   ``score_category``; when the four categories of an option are in, -> reweighting
``reweighting``  ``reweight``; when every option is reweighted, -> aggregator
``aggregator``   ``finalize_option`` per option + ``choose`` -> RESULT item (conditional on the version)
                 and ``results/...json``

Every message carries the entity, the input version and that version's stored inputs, and every
intermediate result is stored under its version, so a result is always computed from one version's inputs.
Work for a superseded version stops early (the newer version's messages produce the newer result), and the
aggregator's conditional write refuses to replace a newer result with an older one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from .. import engine
from ..models import CmsData, EntityKey, Problem, Profile, Submission
from ..models.result import WarningOut
from ..problems import ProblemCode
from ..reference import ReferenceData, load_reference
from ..rules import DEFAULT_PERFORMANCE_YEAR, UnsupportedPerformanceYear, YearRules, rules_for
from ..scoring import CategoryResult, ScoringContext
from ..screening import max_input_bytes, screen, too_large
from ..validation import result_warnings, validate_document, validate_screened
from . import aws
from .clinicians import publish_clinician_results
from .events import InputRef, PoisonMessage, S3ObjectRef, StepMessage, parse_step_message
from .idempotency import run_once
from .reports import publish_report
from .store import (
    Bucket,
    EntityStore,
    S3Object,
    StaleVersion,
    UploadOrder,
    input_copy_key,
    pending_key,
    publish_result_file,
)

#: environment variable holding the queue URL of each downstream step (set in template.yaml)
QUEUE_ENV = {
    "eligibility": "ELIGIBILITY_QUEUE_URL",
    "quality": "QUALITY_QUEUE_URL",
    "ia": "IA_QUEUE_URL",
    "pi": "PI_QUEUE_URL",
    "cost": "COST_QUEUE_URL",
    "reweighting": "REWEIGHTING_QUEUE_URL",
    "aggregator": "AGGREGATOR_QUEUE_URL",
}
DEFAULT_YEAR = DEFAULT_PERFORMANCE_YEAR


@dataclass
class Outcome:
    """What happened to one record (logged and counted as a metric by the handler)."""

    status: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, **self.detail}


class Pipeline:
    """The collaborators a step needs, from the function's environment (overridable in tests)."""

    def __init__(
        self,
        store: EntityStore | None = None,
        bucket: Bucket | None = None,
        reference: Callable[[int], ReferenceData] = load_reference,
        rules: Callable[[int], YearRules] = rules_for,
    ) -> None:
        self._store, self._bucket = store, bucket
        self.reference, self.rules = reference, rules
        self.lambda_context: Any = None

    @property
    def store(self) -> EntityStore:
        if self._store is None:
            self._store = EntityStore()
        return self._store

    @property
    def bucket(self) -> Bucket:
        if self._bucket is None:
            self._bucket = Bucket()
        return self._bucket

    def send(self, msg: StepMessage) -> None:
        url = os.environ.get(QUEUE_ENV[msg.step])
        if not url:
            raise RuntimeError(f"{QUEUE_ENV[msg.step]} is not set: cannot send to {msg.step}")
        aws.sqs().send_message(QueueUrl=url, MessageBody=msg.to_json())

    def once(self, step: str, identity: dict[str, Any], fn: Callable[[], Outcome]) -> Outcome:
        out = run_once(step, identity, lambda: fn().as_dict(), self.lambda_context)
        status = out.pop("status")
        if out.pop("repeat", False):
            return Outcome("repeat", {"first": status, **out})
        return Outcome(status, out)


# -- ingest ------------------------------------------------------------------------------------------
def _performance_year(doc: Any) -> int:
    """Peek at ``performanceYear`` of the screened document to pick the reference data (default: the
    first year)."""
    if isinstance(doc, dict):
        inner = (doc.get("data") or {}).get("submission") if isinstance(doc.get("data"), dict) else None
        year = (inner if isinstance(inner, dict) else doc).get("performanceYear")
        if isinstance(year, int):
            return year
    return DEFAULT_YEAR


def _reference_for(p: Pipeline, year: int) -> ReferenceData:
    try:
        return p.reference(year)
    except Exception:  # unsupported year: validate against the default year, which reports the year problem
        return p.reference(DEFAULT_YEAR)


def _unsupported_year(p: Pipeline, year: int, file: str) -> Problem | None:
    """A problem when the engine has no rules for ``year``. Reference data may exist for such a year
    (2025), so validation alone would accept the file and eligibility would fail on every retry."""
    try:
        p.rules(year)
    except UnsupportedPerformanceYear as exc:
        return Problem(
            path="$.performanceYear",
            message=f"{exc}: this file cannot be scored",
            file=file,
            code=ProblemCode.UNSUPPORTED_YEAR,
        )
    return None


def _upload_order(obj: S3ObjectRef, s3obj: S3Object) -> UploadOrder:
    """The upload's place in time: the event's sequencer and the later of event time and LastModified."""
    times = [t for t in (obj.event_time_ms, s3obj.last_modified_ms) if t is not None]
    return UploadOrder(source=obj.key, sequencer=obj.sequencer, time_ms=max(times))


def ingest_object(p: Pipeline, obj: S3ObjectRef) -> Outcome:
    """Validate one intake file; reject it or register it as the entity's newest input and fan out."""
    kind = obj.kind
    if obj.key.endswith("/"):
        return Outcome("skipped", {"reason": "folder marker"})
    if kind is None:
        return Outcome("skipped", {"reason": "key is outside submissions/, profiles/, cms-data/"})
    limit = max_input_bytes()
    try:
        s3obj = p.bucket.read(obj.key, obj.version_id, max_bytes=limit)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "NoSuchVersion", "404"}:
            return Outcome("skipped", {"reason": "object no longer exists"})
        raise
    if s3obj.size > limit:  # not read into memory: copied to rejected/ by S3 itself
        target = p.bucket.reject(obj.key, None, too_large(s3obj.size, limit), kind, s3obj.version_id)
        return Outcome("rejected", {"rejected": target, "errors": 1, "bytes": s3obj.size})
    data = s3obj.data
    # the one screening (mips.screening): not JSON, hostile, wrong kind for the prefix, a result
    # document...: a clear rejection, never a retry loop
    screened = screen(data, filename=obj.key, expected_kind=kind)  # type: ignore[arg-type]
    if screened.doc is None:
        target = p.bucket.reject(obj.key, data, screened.problems, kind)
        return Outcome("rejected", {"rejected": target, "errors": len(screened.errors)})
    copy_name = obj.key  # the stored input copy is named after what it holds (converted XML: .qpp.json)
    if screened.converted_from is not None:  # QRDA III XML (mips.qrda3): go on with its QPP JSON
        data, copy_name = json.dumps(screened.doc).encode(), f"{obj.key}.qpp.json"
    year = _performance_year(screened.doc)  # a year without rules: the screening's UNSUPPORTED_YEAR
    ref = _reference_for(p, year)
    if screened.converted_from is None:  # JSON: validated from this screening, not screened a second time
        report = validate_screened(screened, ref, kind=kind, file=obj.key)
    else:  # the converted QPP JSON is new bytes: screened and validated as a file of its own
        report = validate_document(data, ref, kind=kind, file=obj.key)
        report.problems[:0] = screened.warnings  # the conversion's warnings (XPath), then the JSON's
    if not report.valid or report.model is None:
        target = p.bucket.reject(obj.key, data, report.problems, kind)
        return Outcome("rejected", {"rejected": target, "errors": len(report.errors)})
    key: EntityKey = report.model.key
    if (unsupported := _unsupported_year(p, key.performance_year, obj.key)) is not None:
        target = p.bucket.reject(obj.key, data, [unsupported], kind)
        return Outcome("rejected", {"rejected": target, "errors": 1})
    sha = hashlib.sha256(data).hexdigest()
    identity = {
        "entity": key.storage_id(),
        "kind": kind,
        "sha256": sha,
        "object": f"{obj.key}@{obj.object_identity or s3obj.version_id or ''}",
    }

    def register() -> Outcome:
        ref = InputRef(key=input_copy_key(key, kind, sha, copy_name), sha256=sha, source=obj.key)
        p.bucket.put_bytes(ref.key, data)
        reg = p.store.register_input(key, kind, ref, order=_upload_order(obj, s3obj))
        detail: dict[str, Any] = {"entity": key.masked(), "kind": kind, "version": reg.version}
        if reg.status == "stale":
            return Outcome("stale", detail)
        if "submission" not in reg.inputs:
            # an orphan: a profile / CMS data that matches no submission is listed, never scored alone
            p.bucket.put_json(pending_key(key), _pending_doc(key, reg.version, reg.inputs))
            return Outcome("pending", detail)
        p.send(StepMessage(step="eligibility", entity=key, version=reg.version, inputs=reg.inputs))
        return Outcome("registered" if reg.status == "new" else "unchanged", detail)

    return p.once("ingest", identity, register)


def _pending_doc(key: EntityKey, version: int, inputs: dict[str, InputRef]) -> dict[str, Any]:
    leaf_name = "nationalProviderIdentifier" if key.national_provider_identifier else "entityId"
    return {
        "entity": {
            "performanceYear": key.performance_year,
            "entityType": key.entity_type,
            "taxpayerIdentificationNumber": key.taxpayer_identification_number,
            leaf_name: key.national_provider_identifier or key.entity_id,
        },
        "version": version,
        "inputs": {k: ref.source for k, ref in sorted(inputs.items())},
        "reason": "no submission for this entity: its profile / CMS data are kept and scored when a "
        "submission with the same entity key arrives",
        "code": ProblemCode.ORPHAN_INPUT.value,
    }


# -- shared loading ----------------------------------------------------------------------------------
@dataclass
class Inputs:
    submission: Submission | None = None
    profile: Profile | None = None
    cms_data: CmsData | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)  # validation warnings, for the result


#: the inputs each category is scored from (:func:`mips.engine.score_category`): a step reads only these
CATEGORY_INPUTS: dict[str, frozenset[str]] = {
    "quality": frozenset({"submission", "cmsData"}),  # the submitted measures and the admin-claims ones
    "cost": frozenset({"cmsData"}),  # CMS-calculated only
    "ia": frozenset({"submission"}),
    "pi": frozenset({"submission"}),
}


def load_inputs(
    p: Pipeline, msg: StepMessage, ref: ReferenceData, kinds: frozenset[str] | None = None
) -> Inputs:
    """Read and parse the version's stored inputs (the same validation ``mips score`` applies).

    ``kinds``: only these (each read costs an S3 GET and a validation); ``None`` = all of them, with the
    validation warnings of all of them (eligibility stores those for the result)."""
    found = Inputs()
    for kind, input_ref in sorted(msg.inputs.items()):  # sorted: a stable order of warnings
        if kinds is not None and kind not in kinds:
            continue
        data = p.bucket.read(input_ref.key).data
        if hashlib.sha256(data).hexdigest() != input_ref.sha256:
            raise RuntimeError(f"stored input {input_ref.key} does not match its sha256")
        report = validate_document(data, ref, kind=kind, file=input_ref.source)
        if report.model is None:
            raise RuntimeError(f"stored input {input_ref.source} no longer parses: {report.problems[:3]}")
        found.warnings.extend(result_warnings([report]))
        if kind == "submission":
            found.submission = report.model  # type: ignore[assignment]
        elif kind == "profile":
            found.profile = report.model  # type: ignore[assignment]
        else:
            found.cms_data = report.model  # type: ignore[assignment]
    return found


def option_id(index: int, option: engine.OptionSpec) -> str:
    """Stable, readable id of a reporting option within one version: ``0-traditional``, ``1-mvp-M0005``."""
    suffix = f"-{option.mvp_id}" if option.mvp_id else ""
    return f"{index}-{option.reporting_option}{suffix}"


@dataclass
class Evaluation:
    evaluation: engine.EntityEvaluation
    contexts: dict[str, ScoringContext]  # option id -> context, in reporting_options order
    #: the validation warnings of the version's inputs, as eligibility found them (None: an evaluation
    #: stored before they were kept in it - the aggregator then validates every input again)
    warnings: list[dict[str, Any]] | None = None


def _load_evaluation(p: Pipeline, msg: StepMessage) -> Evaluation:
    body = p.store.get_version_item(msg.entity, msg.version, "EVAL")
    if body is None:
        raise RuntimeError(f"no eligibility evaluation stored for version {msg.version} yet")
    doc = json.loads(body)
    return Evaluation(
        evaluation=engine.EntityEvaluation.model_validate(doc["evaluation"]),
        contexts={o["id"]: ScoringContext.model_validate(o["context"]) for o in doc["options"]},
        warnings=doc.get("warnings"),
    )


def _guard_current(p: Pipeline, msg: StepMessage) -> Outcome | None:
    try:
        p.store.ensure_current(msg.entity, msg.version)
    except StaleVersion as exc:
        return Outcome("superseded", {"entity": msg.entity.masked(), "version": msg.version, "why": str(exc)})
    return None


# -- eligibility ---------------------------------------------------------------------------------------
def eligibility(p: Pipeline, msg: StepMessage) -> Outcome:
    def work() -> Outcome:
        if (stale := _guard_current(p, msg)) is not None:
            return stale
        key, year = msg.entity, msg.entity.performance_year
        ref, rules = p.reference(year), p.rules(year)
        inputs = load_inputs(p, msg, ref)
        evaluation = engine.evaluate_entity(key, inputs.profile, rules)
        options = []
        for i, option in enumerate(engine.reporting_options(inputs.submission)):
            ctx = engine.build_context(key, option, inputs.submission, evaluation, inputs.profile)
            options.append(
                {
                    "id": option_id(i, option),
                    "spec": option.model_dump(),
                    "context": ctx.model_dump(mode="json"),
                }
            )
        # the inputs' validation warnings go with the evaluation: the aggregator puts them in the result
        # without reading and validating every input again
        evaluated = {"evaluation": evaluation.model_dump(mode="json"), "options": options}
        body = json.dumps({**evaluated, "warnings": inputs.warnings})
        p.store.put_version_item(key, msg.version, "EVAL", body)
        for option_doc in options:
            for category in engine.CATEGORIES:
                p.send(msg.for_step(category, option=option_doc["id"], category=category))  # type: ignore[arg-type]
        return Outcome(
            "evaluated",
            {
                "entity": key.masked(),
                "version": msg.version,
                "eligibility": evaluation.eligibility.status,
                "options": [o["id"] for o in options],
            },
        )

    return p.once("eligibility", msg.business_id(), work)


# -- categories -----------------------------------------------------------------------------------------
def category(p: Pipeline, msg: StepMessage) -> Outcome:
    cat, oid = msg.category, msg.option
    if cat not in engine.CATEGORIES or oid is None:
        raise PoisonMessage(f"category message needs a category of {engine.CATEGORIES} and an option")

    def work() -> Outcome:
        if (stale := _guard_current(p, msg)) is not None:
            return stale
        key, year = msg.entity, msg.entity.performance_year
        ref, rules = p.reference(year), p.rules(year)
        ev = _load_evaluation(p, msg)
        ctx = ev.contexts[oid]
        inputs = load_inputs(p, msg, ref, CATEGORY_INPUTS[cat])
        result = engine.score_category(cat, inputs.submission, inputs.cms_data, ctx, ref, rules)
        p.store.put_version_item(key, msg.version, f"OPT#{oid}#CAT#{cat}", result.model_dump_json())
        done = p.store.mark_done(key, msg.version, f"cats#{oid}", cat)
        complete = set(engine.CATEGORIES) <= done
        if complete:
            p.send(msg.for_step("reweighting", category=None))
        return Outcome(
            "scored",
            {
                "entity": key.masked(),
                "version": msg.version,
                "option": oid,
                "score": result.score,
                "optionComplete": complete,
            },
        )

    return p.once(cat, msg.business_id(), work)


def _load_results(
    p: Pipeline, msg: StepMessage, oid: str, stored: dict[str, str] | None = None
) -> dict[str, CategoryResult]:
    """The option's four category results; from ``stored`` (the version's ``OPT#`` items, already read)
    when given, else with one query."""
    prefix = f"OPT#{oid}#CAT#"
    if stored is None:
        found = p.store.query_version_items(msg.entity, msg.version, prefix)
    else:
        found = {name: body for name, body in stored.items() if name.startswith(prefix)}
    results = {name.rsplit("#", 1)[-1]: CategoryResult.model_validate_json(b) for name, b in found.items()}
    missing = [c for c in engine.CATEGORIES if c not in results]
    if missing:
        raise RuntimeError(f"option {oid} of version {msg.version} lacks category results: {missing}")
    return results


# -- reweighting ----------------------------------------------------------------------------------------
def reweighting(p: Pipeline, msg: StepMessage) -> Outcome:
    oid = msg.option
    if oid is None:
        raise PoisonMessage("reweighting message needs an option")

    def work() -> Outcome:
        if (stale := _guard_current(p, msg)) is not None:
            return stale
        key, year = msg.entity, msg.entity.performance_year
        ref, rules = p.reference(year), p.rules(year)
        ev = _load_evaluation(p, msg)
        results = _load_results(p, msg, oid)
        inputs = load_inputs(p, msg, ref, frozenset({"profile"}))
        decision = engine.reweight(ev.contexts[oid], results, ev.evaluation, inputs.profile, rules)
        p.store.put_version_item(key, msg.version, f"OPT#{oid}#RW", decision.model_dump_json())
        done = p.store.mark_done(key, msg.version, "options", oid)
        complete = set(ev.contexts) <= done
        if complete:
            p.send(msg.for_step("aggregator", option=None, category=None))
        return Outcome(
            "reweighted",
            {
                "entity": key.masked(),
                "version": msg.version,
                "option": oid,
                "weights": decision.weights,
                "allOptionsDone": complete,
            },
        )

    return p.once("reweighting", msg.business_id(), work)


# -- aggregator ------------------------------------------------------------------------------------------
def aggregate(p: Pipeline, msg: StepMessage) -> Outcome:
    def work() -> Outcome:
        key = msg.entity
        if (stale := _guard_current(p, msg)) is not None:
            publish_result_file(p.store, p.bucket, key)  # keep the file on the newest stored result
            publish_report(
                p.store, p.bucket, key, p.rules(key.performance_year), p.reference(key.performance_year)
            )
            return stale
        year = key.performance_year
        ref, rules = p.reference(year), p.rules(year)
        ev = _load_evaluation(p, msg)
        # the warnings are in the evaluation (older evaluations: validate every input again for them)
        inputs = load_inputs(p, msg, ref, None if ev.warnings is None else frozenset({"profile", "cmsData"}))
        warnings = inputs.warnings if ev.warnings is None else ev.warnings
        status = engine.input_status(inputs.profile, inputs.cms_data)
        scored = []
        # every option's category results and weight decision in one (consistent) query
        stored = p.store.query_version_items(key, msg.version, "OPT#")
        for oid, ctx in ev.contexts.items():
            results = _load_results(p, msg, oid, stored)
            body = stored.get(f"OPT#{oid}#RW")
            if body is None:
                raise RuntimeError(f"option {oid} of version {msg.version} has no weight decision yet")
            decision = engine.WeightDecision.model_validate_json(body)
            scored.append(
                engine.finalize_option(
                    key,
                    ctx,
                    results,
                    decision,
                    ev.evaluation,
                    inputs.profile,
                    inputs.cms_data,
                    ref,
                    rules,
                    status,
                )
            )
        chosen = engine.choose(scored)
        chosen.warnings = [WarningOut.model_validate(w) for w in warnings]
        doc = chosen.to_doc()
        written = p.store.put_result(key, msg.version, doc)
        # just written: publish it without reading it back (the puts stay conditional on what is there)
        known = (msg.version, json.loads(json.dumps(doc))) if written else None
        published = publish_result_file(p.store, p.bucket, key, known=known)
        publish_report(p.store, p.bucket, key, rules, ref, known=known)  # reports/...html beside results/
        if written:
            publish_clinician_results(p.bucket, doc, inputs.profile)  # spec 9.2 (pipeline/clinicians.py)
        return Outcome(
            "scored" if written else "older-than-stored",
            {
                "entity": key.masked(),
                "version": msg.version,
                "finalScore": doc["finalScore"],
                "resultStatus": doc["status"],
                "publishedVersion": published,
            },
        )

    return p.once("aggregator", msg.business_id(), work)


STEP_FUNCTIONS: dict[str, Callable[[Pipeline, StepMessage], Outcome]] = {
    "eligibility": eligibility,
    "quality": category,
    "ia": category,
    "pi": category,
    "cost": category,
    "reweighting": reweighting,
    "aggregator": aggregate,
}


def handle_step_record(p: Pipeline, step: str, body: str) -> Outcome:
    """One SQS record of a downstream function: parse the message for ``step`` and run the step."""
    msg = parse_step_message(body, step)  # type: ignore[arg-type]
    return STEP_FUNCTIONS[step](p, msg)
