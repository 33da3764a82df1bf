"""The soak: many files through the local pipeline with seeded faults, then a ledger that proves nothing
was lost and nothing is wrong (``make soak``; a small run is part of ``make test``).

Files: the shipped examples, each copied to many entities (one TIN each), with
* duplicates - the same content again, under the same key and under another key;
* same-second updates - an older profile and then the current one, uploaded back to back (same key or
  another key of the same entity);
* invalid files - not JSON, and a submission that fails validation;
* updates after the result - a second wave changes some entities' profiles after they were scored.

Ledger: ``files`` uploaded, ``faults`` injected (by kind), ``retries`` (failed deliveries), ``dlq``
messages dead-lettered, ``recovered`` by ``mips replay-dlq`` (three rounds with the faults still on, then
with them off - the cause fixed), ``lost`` (a file neither
scored nor rejected with a report, or messages left in a dead-letter queue) and ``wrong`` (an entity
whose result in DynamoDB or in ``results/`` differs from ``mips score`` on its latest inputs - which also
catches a mixed-version result). The run passes when ``lost == wrong == 0``.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CASES = (
    "01-individual-clinician",
    "02-small-practice-group",
    "03-large-group-hwr",
    "04-mvp-rheumatology",
    "05-app-apm-entity",
)
FILES = {"submission": "submission.json", "profile": "profile.json", "cmsData": "cms-data.json"}
PREFIX = {"submission": "submissions/", "profile": "profiles/", "cmsData": "cms-data/"}
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass
class Ledger:
    files: int = 0
    entities: int = 0
    invalid_files: int = 0
    faults: int = 0
    faults_by_kind: dict[str, int] = field(default_factory=dict)
    messages: int = 0
    retries: int = 0
    dlq: int = 0
    recovered: int = 0
    replay_rounds: int = 0
    scored: int = 0
    rejected: int = 0
    lost: int = 0
    wrong: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.wrong == 0

    def text(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.faults_by_kind.items()))
        return "\n".join(
            [
                f"soak ledger ({self.seconds:.0f} s)",
                f"  files      {self.files}  ({self.entities} entities, {self.invalid_files} invalid files)",
                f"  faults     {self.faults}  ({kinds})",
                f"  messages   {self.messages} handled, retries {self.retries}",
                f"  dlq        {self.dlq} dead-lettered, recovered {self.recovered} "
                f"by replay-dlq in {self.replay_rounds} round(s)",
                f"  outcome    {self.scored} entities scored, {self.rejected} files rejected with a report",
                f"  lost       {self.lost}",
                f"  wrong      {self.wrong}",
                *(f"  ! {p}" for p in self.problems[:20]),
            ]
        )


def _load(case: str) -> dict[str, dict[str, Any]]:
    folder = EXAMPLES / case
    return {k: json.loads((folder / f).read_text()) for k, f in FILES.items() if (folder / f).is_file()}


def _inner(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["data"]["submission"] if "data" in doc else doc


def _retarget(docs: dict[str, dict[str, Any]], tin: str) -> dict[str, dict[str, Any]]:
    out = copy.deepcopy(docs)
    for doc in out.values():
        _inner(doc)["taxpayerIdentificationNumber"] = tin
    return out


def _older_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """A different (earlier) profile of the same entity: the small-practice status flipped."""
    older = copy.deepcopy(profile)
    statuses = older.setdefault("specialStatuses", {})
    statuses["smallPractice"] = not statuses.get("smallPractice", False)
    return older


@dataclass
class Plan:
    """What to upload, in order, and what each entity's latest inputs are."""

    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    second_wave: list[tuple[str, bytes]] = field(default_factory=list)
    latest: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # tin -> kind -> doc
    invalid: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.uploads) + len(self.second_wave)


def plan(files: int, seed: int) -> Plan:
    """About ``files`` uploads for ``files // 3`` entities (valid, invalid, duplicates, updates)."""
    rng, out = random.Random(seed), Plan()
    groups: list[list[tuple[str, bytes]]] = []
    bad = (EXAMPLES / "06-bad-submission" / "submission.json").read_bytes()
    base = {case: _load(case) for case in CASES}
    n = 0
    while sum(len(g) for g in groups) + len(out.second_wave) < files:
        tin = f"9{seed % 100:02d}{n:06d}"
        docs = _retarget(base[CASES[n % len(CASES)]], tin)
        folder = f"soak/{tin}"
        for kind, doc in docs.items():
            if kind == "profile" and rng.random() < 0.2:  # same-second update: older then current
                target = f"{PREFIX[kind]}{folder}/profile{'' if rng.random() < 0.5 else '-v2'}.json"
                older = (f"{PREFIX[kind]}{folder}/profile.json", _json(_older_profile(doc)))
                groups.append([older, (target, _json(doc))])  # kept in this order: older first
            else:
                groups.append([(f"{PREFIX[kind]}{folder}/{kind}.json", _json(doc))])
        if rng.random() < 0.15:  # duplicate: the same submission again, same key or another key
            again = "submission.json" if rng.random() < 0.5 else "submission-copy.json"
            groups.append([(f"submissions/{folder}/{again}", _json(docs["submission"]))])
        if rng.random() < 0.1:  # an update after the result
            docs["profile"] = _older_profile(docs["profile"])
            out.second_wave.append((f"profiles/{folder}/profile-update.json", _json(docs["profile"])))
        if rng.random() < 0.1:
            key = f"submissions/{folder}/{'broken.json' if rng.random() < 0.5 else 'invalid.json'}"
            groups.append([(key, b"{ not json" if key.endswith("broken.json") else bad)])
            out.invalid.append(key)
        out.latest[tin] = docs
        n += 1
    rng.shuffle(groups)  # registries drop files in any order (a same-second pair stays in its order)
    out.uploads = [upload for group in groups for upload in group]
    return out


def _json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc).encode()


def _drain_and_replay(lp: Any, ledger: Ledger, injector: Any, rounds: int = 10) -> None:
    """Drain, then replay the dead-letter queues until empty: the first three rounds with the faults
    still on, then with the cause "fixed" (faults off), as an operator replays after a fix."""
    from . import dlq

    lp.drain(max_rounds=5000, timeout_s=3600)
    for round_no in range(rounds):
        dead = {q: n for q, n in lp.dead_letters().items() if n}
        if not dead:
            break
        ledger.dlq += sum(dead.values())
        ledger.replay_rounds += 1
        injector.enabled = round_no < 3
        for logical_id in dead:
            ledger.recovered += dlq.replay(lp.stack.queues[logical_id].url).moved
        lp.drain(max_rounds=5000, timeout_s=3600)
    injector.enabled = True


def run_soak(files: int = 1000, seed: int = 1, rate: float = 0.03, quiet: bool = False) -> Ledger:
    """Upload the plan with faults on, drain, replay dead letters, then check every file and entity."""
    from moto import mock_aws

    from . import aws
    from .driver import LocalPipeline, _environment, _muted
    from .faults import FaultInjector

    started, ledger, work = time.monotonic(), Ledger(), plan(files, seed)
    ledger.files, ledger.entities, ledger.invalid_files = work.files, len(work.latest), len(work.invalid)
    # the functions' logs (an error line per injected fault) would drown the ledger: they go nowhere
    with _environment(FAKE_ENV), mock_aws(), _muted():
        aws.reset()
        lp = LocalPipeline(stack_name="mips-soak")
        lp.provision()
        injector = FaultInjector(seed=seed, rate=rate).install(lp)
        for wave in (work.uploads, work.second_wave):
            for key, data in wave:
                lp.put_object(key, data)
                if key.endswith("/profile-v2.json") or key.endswith("/profile.json"):
                    time.sleep(0.002)  # distinct millisecond event times within one second
            _drain_and_replay(lp, ledger, injector)
            if not quiet:
                print(f"soak: wave of {len(wave)} file(s) drained", file=sys.stderr)
        injector.uninstall(lp)
        ledger.faults, ledger.faults_by_kind = injector.total, dict(injector.counts)
        ledger.messages = sum(len(i.message_ids) for i in lp.invocations)
        ledger.retries = sum(len(i.failed) for i in lp.invocations)
        _check(lp, work, ledger)
        aws.reset()
    ledger.seconds = round(time.monotonic() - started, 1)
    return ledger


def _check(lp: Any, work: Plan, ledger: Ledger) -> None:
    from ..engine import score
    from ..models import EntityKey
    from ..reference import load_reference
    from ..validation import validate_document
    from . import aws
    from .store import EntityStore, result_key

    stack = lp.stack
    store, ref = EntityStore(stack.tables["EntityTable"], stack.bucket), load_reference(2024)
    left = sum(lp.dead_letters().values())
    if left:
        ledger.lost += left
        ledger.problems.append(f"{left} message(s) still in dead-letter queues")
    for key in work.invalid:
        try:
            aws.s3().head_object(Bucket=stack.bucket, Key=f"rejected/{key}.errors.json")
            ledger.rejected += 1
        except aws.s3().exceptions.ClientError:
            ledger.lost += 1
            ledger.problems.append(f"{key}: neither scored nor rejected with a report")
    for tin, docs in work.latest.items():
        models = {k: validate_document(json.dumps(d), ref, kind=k).model for k, d in docs.items()}
        expected = score(models.get("submission"), models.get("profile"), models.get("cmsData"), ref).to_doc()  # type: ignore[arg-type]
        entity = EntityKey.model_validate(_inner(docs["submission"]))
        found = store.get_result(entity)
        if found is None:
            ledger.lost += 1
            ledger.problems.append(f"entity *****{tin[-4:]}: no result")
            continue
        body = aws.s3().get_object(Bucket=stack.bucket, Key=result_key(entity))["Body"].read()
        if found[1] != expected or json.loads(body) != expected:
            ledger.wrong += 1
            ledger.problems.append(
                f"entity *****{tin[-4:]}: result differs from mips score on its latest inputs"
            )
        else:
            ledger.scored += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mips.pipeline.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0.03, help="fault probability per opportunity")
    parser.add_argument("--json", action="store_true", help="print the ledger as JSON")
    args = parser.parse_args(argv)
    ledger = run_soak(args.files, args.seed, args.rate)
    print(json.dumps(asdict(ledger), indent=2) if args.json else ledger.text())
    return 0 if ledger.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
