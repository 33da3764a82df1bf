"""Issue 10: with seeded faults (throttling, races, failed reads, lost write answers, failed and duplicate
sends, crashes before/after the work and mid-batch, duplicate and reordered deliveries) every entity still
ends with the result `mips score` computes, once the dead letters are replayed."""

from __future__ import annotations

import pytest
from mips.cli import main
from mips.pipeline import dlq
from mips.pipeline.faults import FaultInjector
from mips.pipeline.soak import run_soak

from .conftest import CONTRACT, EXAMPLES, drop, entity_of, expected_doc, load_case, retarget, stored

pytestmark = pytest.mark.integration


def test_given_faults_when_two_entities_flow_and_dead_letters_are_replayed_then_results_are_exact(lp, faults):
    cases = [
        retarget(load_case(CONTRACT / "e1-standard-individual"), "620000001"),
        retarget(load_case(CONTRACT / "e2-small-practice-pi-reweighted"), "620000002"),
    ]
    for i, docs in enumerate(cases):
        for kind, doc in docs.items():
            drop(lp, kind, doc, f"faults{i}/{kind}.json")
    lp.drain()
    for round_no in range(6):
        dead = [q for q, n in lp.dead_letters().items() if n]
        if not dead:
            break
        faults.enabled = round_no < 3  # then the cause is fixed: replay without faults
        for q in dead:
            dlq.replay(lp.stack.queues[q].url)  # type: ignore[union-attr]
        lp.drain()
    assert faults.total > 0
    assert not any(lp.dead_letters().values())
    for docs in cases:
        _, ddb_doc, s3_doc = stored(lp, entity_of(docs))
        assert ddb_doc == s3_doc == expected_doc(lp, docs)


def test_the_same_seed_draws_the_same_faults():
    first, second = FaultInjector(seed=7, rate=0.5), FaultInjector(seed=7, rate=0.5)
    kinds = ("a", "b", "c")
    assert [first._draw(kinds) for _ in range(50)] == [second._draw(kinds) for _ in range(50)]


def test_given_a_small_soak_then_the_ledger_shows_no_lost_and_no_wrong_result():
    ledger = run_soak(files=8, seed=5, rate=0.05, quiet=True)
    assert ledger.files >= 8 and ledger.faults > 0
    assert (ledger.lost, ledger.wrong) == (0, 0), ledger.text()
    assert ledger.scored == ledger.entities and ledger.rejected == ledger.invalid_files


def test_given_run_local_with_faults_then_it_reports_them_and_still_scores(tmp_path, capsys):
    case = EXAMPLES / "01-individual-clinician"
    assert main(["run-local", str(case), "--out", str(tmp_path), "--faults", "3", "--fault-rate", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "Injected " in out and "final" in out
