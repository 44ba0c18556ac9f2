"""Guarantee 1: a crash during ingest loses nothing.

A CLI process (`qa ingest DIR --prune`) is killed with SIGKILL at random moments,
again and again, alternating between two versions of a corpus. After every kill
the data dir holds exactly the previous or the new complete state (compared by a
history-independent fingerprint of documents, chunks, vectors and manifest), every
reader invariant holds (FAISS ntotal and ids = the chunk rows, every chunk's offsets
slice its document, checksums match), `qa ask` answers, and an uninterrupted re-run
converges to the state of a run that was never interrupted, leaving no orphan files.

Children are forked from a pre-imported server (tests/reliability_support.py) so a
kill costs ~0.2 s instead of ~2 s of imports; a few kills also hit a plain
`python -m qa.cli ingest` subprocess. The default is bounded for CI; the `long`
variants kill hundreds of times (`make test-long`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability_support import (
    ROOT,
    Zygote,
    base_docs,
    check_invariants,
    fingerprint,
    stray_files,
    variant,
    vectors_close,
    write_corpus,
)

QUESTION = "tin kinh tế năm 2005"


def _env(data_dir: Path, model: str) -> dict[str, str]:
    return {"QA_DATA_DIR": str(data_dir), "QA_MODEL": model, "HF_HUB_OFFLINE": "1", "QA_MODE": "hybrid"}


def _reference(zygote: Zygote, tmp: Path, name: str, corpus: Path, docs: dict[str, str], model: str) -> tuple[tuple, float]:
    """The fingerprint of an uninterrupted ingest of ``docs`` (written to ``corpus``) into a fresh dir; its duration."""
    write_corpus(corpus, docs)
    outcome = zygote.run(["ingest", str(corpus), "--prune", "--json"], _env(tmp / name, model))
    assert outcome.exit_code == 0, outcome.output
    return fingerprint(tmp / name), outcome.seconds


def _ask_works(zygote: Zygote, data_dir: Path, model: str) -> None:
    outcome = zygote.run(["ask", QUESTION, "--json"], _env(data_dir, model))
    assert outcome.exit_code == 0, outcome.output
    answer = json.loads(outcome.output[outcome.output.index("{"):])
    assert answer["passages"], answer


def _kill_loop(tmp: Path, zygote: Zygote, model: str, *, kills: int, docs: int, seed: int) -> dict[str, int]:
    # one folder whose content alternates: a document's stored path is the same in every state
    corpus = tmp / "corpus"
    versions = [base_docs(docs), variant(base_docs(docs))]
    refs = [_reference(zygote, tmp, f"ref-{i}", corpus, v, model) for i, v in enumerate(versions)]
    assert refs[0][0] != refs[1][0]
    # how long an incremental run takes (what the loop does after its first run): version 0 -> 1, then back;
    # the shorter of the two, so that one slow sample on a busy machine does not put most kills after the end;
    # adjusted after every run (below)
    duration = min(_reference(zygote, tmp, "ref-0", corpus, versions[1 - i % 2], model)[1] for i in range(2))
    data = tmp / "data"
    env = _env(data, model)
    rng = random.Random(seed)
    previous = fingerprint(data)
    stats = {"kills": 0, "before_commit": 0, "after_commit": 0, "finished": 0}
    for i in range(kills):
        target = i % 2
        delay = rng.uniform(0.0, duration * 1.1)
        write_corpus(corpus, versions[target])
        outcome = zygote.run(["ingest", str(corpus), "--prune", "--json"], env, kill_after=delay)
        now = fingerprint(data)
        if outcome.killed:
            stats["kills"] += 1
            if now == previous:
                stats["before_commit"] += 1
            else:
                stats["after_commit"] += 1
        else:
            assert outcome.exit_code == 0, outcome.output
            stats["finished"] += 1
        # the machine's speed drifts over hundreds of runs: keep the kill delays spanning the run as it is now
        # (at equilibrium ~16% of the delays fall after the end: the whole run, its last steps included, is hit)
        duration *= 1.02 if outcome.killed else 0.9
        assert now in (previous, refs[target][0]), (
            f"kill {i} after {delay:.3f}s left a state that is neither the previous one nor version {target}")
        check_invariants(data)
        if i % 6 == 5:
            _ask_works(zygote, data, model)
        if i % 4 == 3:  # the interrupted ingest, re-run to the end, converges
            again = zygote.run(["ingest", str(corpus), "--prune", "--json"], env)
            assert again.exit_code == 0, again.output
            assert fingerprint(data) == refs[target][0] and vectors_close(data, tmp / f"ref-{target}")
            assert stray_files(data) == []
            now = refs[target][0]
        previous = now
    write_corpus(corpus, versions[0])
    final = zygote.run(["ingest", str(corpus), "--prune", "--json"], env)
    assert final.exit_code == 0, final.output
    assert fingerprint(data) == refs[0][0]
    assert stray_files(data) == []
    check_invariants(data)
    _ask_works(zygote, data, model)
    assert stats["kills"] >= kills // 2, stats  # most runs were really interrupted
    return stats


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """One fork server for lexical and dense children (torch imported once, ~8 s)."""
    server = Zygote(tmp_path_factory.mktemp("zygote-logs"), dense=True)
    yield server
    server.close()


@pytest.mark.slow
@pytest.mark.parametrize("kills", [pytest.param(22, id="22-kills"),
                                   pytest.param(300, id="300-kills", marks=pytest.mark.long)])
def test_sigkill_during_lexical_ingest_leaves_old_or_new_state(tmp_path: Path, zygote: Zygote,
                                                              kills: int) -> None:
    stats = _kill_loop(tmp_path, zygote, str(tmp_path / "no-such-model"), kills=kills, docs=30, seed=kills)
    print(f"lexical: {stats}")


@pytest.mark.slow
@pytest.mark.parametrize("kills", [pytest.param(6, id="6-kills"),
                                   pytest.param(80, id="80-kills", marks=pytest.mark.long)])
def test_sigkill_during_dense_ingest_leaves_old_or_new_state(tmp_path: Path, zygote: Zygote,
                                                            tiny_model_dir: Path, kills: int) -> None:
    stats = _kill_loop(tmp_path, zygote, str(tiny_model_dir), kills=kills, docs=10, seed=kills)
    print(f"dense: {stats}")


# every step of a dense write, in order; the crash leaves the previous state except after the commit
CRASH_POINTS = [
    ("faiss-temp-written", False),  # FAISS temp file complete, not renamed
    ("faiss-published", False),  # new FAISS file in place under its new name, manifest not yet updated
    ("before-commit", False),  # manifest row written inside the open transaction
    ("after-commit", True),  # committed, the previous generation's file not yet removed
]


@pytest.mark.slow
def test_sigkill_at_each_step_of_publication(tmp_path: Path, zygote: Zygote, tiny_model_dir: Path) -> None:
    model = str(tiny_model_dir)
    corpus = tmp_path / "corpus"
    versions = [base_docs(6), variant(base_docs(6))]
    target, _ = _reference(zygote, tmp_path, "ref-B", corpus, versions[1], model)
    data = tmp_path / "data"
    env = _env(data, model)
    write_corpus(corpus, versions[0])
    assert zygote.run(["ingest", str(corpus), "--prune"], env).exit_code == 0
    before = fingerprint(data)
    published = check_invariants(data)["faiss_file"]

    write_corpus(corpus, versions[1])
    leftovers: set[str] = set()
    for point, committed in CRASH_POINTS:
        outcome = zygote.run(["ingest", str(corpus), "--prune"], env, crash_at=point)
        assert outcome.killed, (point, outcome.output)
        assert fingerprint(data) == (target if committed else before), point
        summary = check_invariants(data)  # an orphan is never what a reader loads
        assert (summary["faiss_file"] != published) == committed, point
        strays = set(stray_files(data))
        assert strays - leftovers, f"{point}: the crash should leave a file behind for the next write to collect"
        leftovers |= strays
    _ask_works(zygote, data, model)

    again = zygote.run(["ingest", str(corpus), "--prune"], env)
    assert again.exit_code == 0, again.output
    assert fingerprint(data) == target and vectors_close(data, tmp_path / "ref-B")
    assert stray_files(data) == []
    assert not any((data / name).exists() for name in leftovers)
    check_invariants(data)


@pytest.mark.slow
def test_sigkill_a_real_cli_process(tmp_path: Path, zygote: Zygote) -> None:
    """The same guarantee without the fork server: `python -m qa.cli ingest` started from scratch and killed."""
    corpus = tmp_path / "corpus"
    model = str(tmp_path / "no-such-model")
    reference, duration = _reference(zygote, tmp_path, "ref", corpus, base_docs(30), model)
    data = tmp_path / "data"
    env = dict(os.environ, **_env(data, model), PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "qa.cli", "ingest", str(corpus), "--prune"]
    rng = random.Random(7)
    for _ in range(2):
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        proc.stderr.readline()  # "warning: cannot load model ...": imports are done, the ingest starts
        time.sleep(rng.uniform(0.0, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        assert fingerprint(data) in (fingerprint(tmp_path / "nothing"), reference)
        if (data / "qa.sqlite3").exists():
            check_invariants(data)
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert fingerprint(data) == reference and stray_files(data) == []
