"""Guarantees 2 and 6: reads during writes, and the API under load (a real `qa serve` on loopback).

The server runs as its own process (`python -m qa.cli serve`, the tiny model, hybrid
retrieval so FAISS takes part in every answer). While one client adds, replaces and
deletes documents through /v1/documents in a loop, reader clients search without
pause. Every version of a document carries its own token in every sentence, so a
response can be checked:

* no 5xx, ever;
* no result mixing two index versions: all passages of one document come from one
  version, and the two documents written one after the other in each round are
  never further apart than one write;
* no passage of a document in a response to a request sent after its DELETE was
  acknowledged;
* every acknowledged write is visible to every request sent after the acknowledgement
  (a reader never sees an older version than one already acknowledged), and the
  writer's own next search finds it.

The load test runs repetitions of N concurrent clients asking questions for T
seconds: no errors, and the server's resident memory does not grow across the
later repetitions. Bounded here; `long` runs 32 clients x 30 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from qa.config import Settings
from qa.ingest import IngestReport, Writer, collect_sources
from qa.pipeline import Pipeline
from api_support import free_port
from reliability_support import ROOT, SEEDS, children

VERSION = re.compile(r"\bkx(\d{6})\b")
COMMON = "tàu điện ngầm"


def _text(name: str, version: int) -> str:
    token = f"kx{version:06d}"
    return (f"Bản tin {name} về {COMMON} {token}\n"
            f"Tuyến {COMMON} {name} chở nhiều khách trong ngày {token} của tháng.\n")




def _rss_kib(pid: int) -> int:
    """Resident memory of the server: the process and what it started (`--workers`), if anything."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) + sum(_rss_kib(child) for child in children(pid))
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module", params=[pytest.param(1, id="1-process"), pytest.param(2, id="2-workers")])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path):  # noqa: ANN201
    """`qa serve` alone, and with two worker processes (QA_WORKERS): the guarantees hold across workers."""
    base = tmp_path_factory.mktemp("served")
    data = base / "data"
    from embeddings.encoder import load_encoder

    report = IngestReport()
    Writer(data, Pipeline(Settings(data_dir=data), load_encoder(str(tiny_model_dir)))).ingest(
        collect_sources([SEEDS], 5_000_000, report))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("QA_API_KEYS", "QA_ADMIN_KEYS")}  # open
    env.update(QA_DATA_DIR=str(data), QA_MODEL=str(tiny_model_dir), QA_MODE="hybrid",
               QA_RATE_LIMIT_PER_MINUTE="0", QA_CORS_ORIGINS="",
               OMP_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    log = open(base / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(request.param)], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError((base / "server.log").read_text())
        time.sleep(0.2)
    yield url, proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


def _versions(passages: list[dict], doc_id: str) -> set[int]:
    return {int(m) for p in passages if p["doc_id"] == doc_id for m in VERSION.findall(p["text"])}


def _run_reads_during_writes(url: str, seconds: float, readers: int) -> dict[str, object]:
    """The write loop and the reader loops; returns what went wrong, by kind, and the volumes."""
    lock = threading.Lock()
    ack_times: list[tuple[float, str, int]] = []  # (monotonic time of the ack, doc, version)
    deleted: list[tuple[float, str]] = []  # (time of the DELETE ack, doc)
    results: list[tuple[float, list[dict]]] = []
    kinds = ("server_errors", "failed_writes", "own_write_not_found", "mixed", "stale", "resurrected")
    found: dict[str, list[str]] = {k: [] for k in kinds}
    stop = threading.Event()

    def writer() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            version = 0
            while not stop.is_set():
                version += 1
                for name in ("alpha", "beta"):
                    r = client.post("/v1/documents", json={"doc_id": name, "text": _text(name, version)})
                    if r.status_code not in (200, 201):
                        found["server_errors" if r.status_code >= 500 else "failed_writes"].append(
                            f"write {name}@{version}: {r.status_code} {r.text[:200]}")
                        continue
                    with lock:
                        ack_times.append((time.monotonic(), name, version))
                    # read-your-write: the very next search sees this version
                    q = {"question": f"kx{version:06d} {name}", "k": 3, "mode": "lexical"}
                    got = client.post("/v1/search", json=q)
                    if got.status_code != 200 or _versions(got.json()["passages"], name) != {version}:
                        seen = _versions(got.json().get("passages", []), name) if got.status_code == 200 else got.status_code
                        found["own_write_not_found"].append(f"{name}@{version} acknowledged, search saw {seen}")
                if version % 3 == 0:
                    gamma = f"gamma-{version}"
                    r = client.post("/v1/documents", json={"doc_id": gamma, "text": _text(gamma, version)})
                    if r.status_code != 201:
                        found["failed_writes"].append(f"write {gamma}: {r.status_code}")
                    r = client.delete(f"/v1/documents/{gamma}")
                    if r.status_code != 200:
                        found["failed_writes"].append(f"delete {gamma}: {r.status_code} {r.text[:200]}")
                    else:
                        with lock:
                            deleted.append((time.monotonic(), gamma))

    def reader(n: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while not stop.is_set():
                question = f"{COMMON} alpha beta gamma" if n % 2 else f"chở nhiều khách {COMMON}"
                started = time.monotonic()
                r = client.post("/v1/search", json={"question": question, "k": 10, "mode": "hybrid"})
                if r.status_code != 200:
                    found["server_errors" if r.status_code >= 500 else "failed_writes"].append(
                        f"read: {r.status_code} {r.text[:200]}")
                    continue
                with lock:
                    results.append((started, r.json()["passages"]))

    threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader, args=(n,)) for n in range(readers)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=120)

    for started, passages in results:
        alpha, beta = _versions(passages, "alpha"), _versions(passages, "beta")
        if len(alpha) > 1 or len(beta) > 1:
            found["mixed"].append(f"one document in two versions: alpha {alpha}, beta {beta}")
        elif alpha and beta and not 0 <= min(alpha) - min(beta) <= 1:
            # alpha@v is acknowledged before beta@v is written: a published state has beta at v or v-1
            found["mixed"].append(f"alpha@{alpha} with beta@{beta}: never published together")
        floor = {doc: version for when, doc, version in ack_times if when < started}
        for doc, seen in (("alpha", alpha), ("beta", beta)):
            if seen and doc in floor and min(seen) < floor[doc]:
                found["stale"].append(f"{doc}@{min(seen)} after {doc}@{floor[doc]} was acknowledged")
        gone = {doc for when, doc in deleted if when < started}
        found["resurrected"] += [f"{p['doc_id']} after its delete was acknowledged" for p in passages
                                 if p["doc_id"] in gone]
    counts = {"reads": len(results), "writes": len(ack_times), "deletes": len(deleted)}
    print(f"reads during writes: {counts}, " + ", ".join(f"{k} {len(v)}" for k, v in found.items()))
    return {"counts": counts, **found}


@pytest.fixture(scope="module", params=[pytest.param((6, 4), id="6s-4-readers"),
                                        pytest.param((60, 8), id="60s-8-readers", marks=pytest.mark.long)])
def reads_during_writes(request: pytest.FixtureRequest, server: tuple[str, subprocess.Popen]) -> dict[str, object]:
    seconds, readers = request.param
    return _run_reads_during_writes(server[0], seconds, readers)


@pytest.mark.slow
def test_reads_during_writes_are_consistent(reads_during_writes: dict[str, object]) -> None:
    """No 5xx, no write refused, no response mixing two index versions."""
    counts = reads_during_writes["counts"]
    assert counts["reads"] > 0 and counts["writes"] > 0 and counts["deletes"] > 0, counts
    for kind in ("server_errors", "failed_writes", "mixed"):
        assert reads_during_writes[kind] == [], (kind, reads_during_writes[kind][:5])


@pytest.mark.slow
def test_acknowledged_writes_and_deletes_are_visible_to_later_requests(reads_during_writes: dict[str, object]) -> None:
    for kind in ("own_write_not_found", "stale", "resurrected"):
        assert reads_during_writes[kind] == [], (kind, len(reads_during_writes[kind]), reads_during_writes[kind][:5])


QUESTIONS = ["Ai đã gặp nhau tại Rome?", "cuoc gap o Rome keo dai bao lau", "What is the population of Brazil?",
             "Quan chức Mỹ và Trung Quốc thảo luận gì?", "Tàu điện ngầm chở bao nhiêu khách?"]


@pytest.mark.slow
@pytest.mark.parametrize("clients, seconds, repetitions", [
    pytest.param(16, 2.5, 4, id="16-clients-2.5s-x4"),
    pytest.param(32, 30, 5, id="32-clients-30s-x5", marks=pytest.mark.long),
])
def test_load_without_errors_or_memory_growth(server: tuple[str, subprocess.Popen], clients: int, seconds: float,
                                              repetitions: int) -> None:
    url, proc = server
    rss: list[int] = []
    totals: list[int] = []
    for rep in range(repetitions):
        counts = [0] * clients
        errors: list[str] = []
        stop = threading.Event()

        def client_loop(n: int) -> None:
            with httpx.Client(base_url=url, timeout=60) as client:
                i = n
                while not stop.is_set():
                    question = QUESTIONS[i % len(QUESTIONS)] + (f" {rep}-{i}" if i % 4 == 0 else "")  # some new
                    r = client.post("/v1/ask", json={"question": question, "k": 5})
                    if r.status_code != 200:
                        errors.append(f"{r.status_code} {r.text[:200]}")
                    counts[n] += 1
                    i += clients

        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors[:5]
        totals.append(sum(counts))
        rss.append(_rss_kib(proc.pid))
    print(f"load: {clients} clients, requests per repetition {totals}, server RSS KiB {rss}")
    assert min(totals) > 0
    growth = rss[-1] - rss[1]  # the first repetition warms caches and thread pools
    assert growth <= max(16 * 1024, rss[1] // 20), f"resident memory grew by {growth} KiB: {rss}"
