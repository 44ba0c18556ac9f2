"""`qa serve --workers N`: several processes behind one port, one rate limit and one set of metrics.

The index guarantees (reads during writes, load without errors) run against two workers too, in
tests/test_reliability_api.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import random
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_support import ROOT, free_port, seeded_data_dir, stop
from server.middleware import Metrics
from server.security import RateLimiter, SharedRateLimiter
from server.workers import (METRICS_ENV, PARENT_FILE, PREFIX, STATE_ENV, follow_parent, shared_state, state_dir,
                            sweep_orphans)
from reliability_support import children, is_worker

ROME_VI = "Ai đã gặp nhau tại Rome?"


def test_shared_buckets_behave_as_one_limiter_whichever_process_takes(tmp_path: Path) -> None:
    """Two limiters on one file (two workers' connections) give exactly the waits of one in-memory limiter."""
    rng = random.Random(3)
    one = RateLimiter(30)
    shared = [SharedRateLimiter(tmp_path / "buckets.sqlite3", 30) for _ in range(2)]
    now = 1000.0
    for _ in range(400):
        now += rng.choice([0.0, 0.0, 0.05, 0.5, 3.0])
        client = rng.choice(["ip:a", "ip:b", "key:c"])
        assert rng.choice(shared).take(client, now=now) == pytest.approx(one.take(client, now=now))


def test_shared_limiter_forgets_refilled_clients(tmp_path: Path) -> None:
    limiter = SharedRateLimiter(tmp_path / "buckets.sqlite3", 60)
    limiter.FORGET_EVERY = 10
    for i in range(10):
        limiter.take(f"ip:{i}", now=0.0)
    rows = limiter._conn.execute("SELECT count(*) FROM buckets").fetchone()[0]
    assert rows == 10  # the sweep at the 10th take runs at t=0: nobody has refilled yet
    for i in range(10):
        limiter.take("ip:late", now=120.0 + i)  # two minutes on: the first ten are full again
    assert limiter._conn.execute("SELECT client FROM buckets").fetchall() == [("ip:late",)]


_RECORD = """
import sys
from server.middleware import Metrics
m = Metrics(shared=True)
for _ in range(int(sys.argv[1])):
    m.requests.labels("POST", "/v1/ask", "200").inc()
    m.latency.labels("POST", "/v1/ask").observe(0.02)
m.documents.set(int(sys.argv[2]))
m.in_flight.inc()
if sys.argv[3] == "retire":
    m.retire()
if sys.argv[3] == "serve":  # still serving its request: lives until told otherwise
    print("up", flush=True)
    sys.stdin.readline()
"""


def test_metrics_sum_over_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests counted by several processes (in prometheus_client's shared files) are one total when
    scraped; requests in flight count only for live workers: one that stopped cleanly retired its own,
    and one that died without doing so (a crash, SIGKILL) is found dead at the next scrape."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    run = tmp_path / "run"  # the run folder: this process is the parent of the recording workers
    run.mkdir()
    (run / PARENT_FILE).write_text(str(os.getpid()))
    monkeypatch.setenv(STATE_ENV, str(run))
    env = dict(os.environ, **{METRICS_ENV: str(folder)}, PYTHONPATH=str(ROOT))
    for count, documents, end in ((3, 5, "retire"), (4, 6, "crash")):
        subprocess.run([sys.executable, "-c", _RECORD, str(count), str(documents), end], env=env, check=True, cwd=ROOT)
    serving = subprocess.Popen([sys.executable, "-c", _RECORD, "2", "7", "serve"], env=env, cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert serving.stdout.readline() == b"up\n"
        monkeypatch.setenv(METRICS_ENV, str(folder))
        text = Metrics(shared=True).exposition().decode()
        lines = set(text.splitlines())
        assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="200"} 9.0' in lines, text
        assert 'qa_http_request_duration_seconds_count{method="POST",route="/v1/ask"} 9.0' in lines, text
        assert "qa_index_documents 7.0" in lines, text  # the most recent value, not a sum
        assert "qa_http_requests_in_flight 1.0" in lines, text  # the live one only
    finally:
        serving.communicate(b"done\n", timeout=30)
    lines = set(Metrics(shared=True).exposition().decode().splitlines())
    # it has gone: its request no longer counts (no live worker is left in this test, so no sample)
    in_flight = [line for line in lines if line.startswith("qa_http_requests_in_flight ")]
    assert in_flight in ([], ["qa_http_requests_in_flight 0.0"]), in_flight
    assert list(folder.glob("gauge_live*")) == []
    assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="200"} 9.0' in lines  # its count does


def test_shared_state_is_announced_to_workers_and_removed_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)
    monkeypatch.delenv(METRICS_ENV, raising=False)
    assert state_dir() is None
    with shared_state() as root:
        assert state_dir() == root and Path(os.environ[METRICS_ENV]).is_dir()
    assert not root.exists() and state_dir() is None and METRICS_ENV not in os.environ


def _request(url: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # a new connection each time
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _env(tmp_path: Path, data: Path, **settings: str) -> tuple[dict, Path]:
    """The environment of a `qa serve --workers` run over ``data`` (no keys, no CORS, its own TMPDIR),
    and that TMPDIR (where the run folder goes)."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("QA_API_KEYS", "QA_ADMIN_KEYS")}  # open
    env.update(QA_DATA_DIR=str(data), QA_MODE="lexical", QA_RATE_LIMIT_PER_MINUTE="0", QA_CORS_ORIGINS="",
               TMPDIR=str(scratch), PYTHONPATH=str(ROOT))
    return env | settings, scratch


def _serve_workers(env: dict, port: int, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "2"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def _wait_for_workers(proc: subprocess.Popen, url: str, log: Path) -> list[int]:
    deadline = time.monotonic() + 120
    while len(workers := [c for c in children(proc.pid) if is_worker(c)]) < 2 or _ready(url) != 200:
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.2)
    return workers


@pytest.mark.slow
def test_two_workers_answer_with_one_rate_limit_and_one_metrics_total(tmp_path: Path) -> None:
    """A real `qa serve --workers 2` on loopback: two worker processes answer; a client's rate limit and
    the request counters are the service's, not one worker's; the shared folder goes away on exit."""
    env, scratch = _env(tmp_path, seeded_data_dir(tmp_path / "data"), QA_RATE_LIMIT_PER_MINUTE="6")
    port = free_port()
    log = tmp_path / "server.log"
    proc = _serve_workers(env, port, log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_workers(proc, url, log)
        assert [p.name for p in scratch.iterdir()][0].startswith("qa-serve-")
        codes = []
        for _ in range(9):
            status, body = _request(url + "/v1/ask", {"question": ROME_VI})
            codes.append(status)
            if status == 200:
                assert json.loads(body)["passages"][0]["doc_id"] == "002_57590387f8aa0a75"
        assert codes == [200] * 6 + [429] * 3, codes  # per worker, 12 would have passed
        _, text = _request(url + "/metrics")
        lines = set(text.decode().splitlines())
        assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="200"} 6.0' in lines
        assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="429"} 3.0' in lines
    finally:
        stop(proc, timeout=20)
    assert list(scratch.iterdir()) == []


def _ready(url: str) -> int:
    try:
        return _request(url + "/readyz")[0]
    except OSError:
        return 0


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_orphaned_shared_folders_are_swept_and_live_ones_kept(tmp_path: Path) -> None:
    made = {}
    for name, pid in [("dead", _dead_pid()), ("alive", os.getppid()), ("mine", os.getpid()), ("no-pid", None)]:
        folder = tmp_path / f"{PREFIX}{name}"
        (folder / "metrics").mkdir(parents=True)
        if pid is not None:
            (folder / PARENT_FILE).write_text(str(pid))
        made[name] = folder
    (tmp_path / "unrelated").mkdir()
    kept = [f"{PREFIX}alive", f"{PREFIX}mine", f"{PREFIX}no-pid", "unrelated"]
    if os.getuid() == 0:  # root can make a folder another user's: a dead parent of theirs is not ours to sweep
        theirs = tmp_path / f"{PREFIX}theirs"
        (theirs / "metrics").mkdir(parents=True)
        (theirs / PARENT_FILE).write_text(str(_dead_pid()))
        os.chown(theirs, 65534, 65534)
        kept.append(theirs.name)
    assert sweep_orphans(tmp_path) == [made["dead"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_the_parent_itself_does_not_follow_its_own_death(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)
    monkeypatch.delenv(METRICS_ENV, raising=False)
    with shared_state() as root:
        assert int((root / PARENT_FILE).read_text()) == os.getpid()
        assert follow_parent(root) is False  # in-process (tests, one process): no signal asked for, none sent


@contextlib.contextmanager
def _worker_beside(data_dir: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> Iterator[tuple]:
    """This process as one worker of a run (its app's lifespan under way), the other worker a live process
    that has a ``kind`` marker ("warming" or "ready") in the run folder: yields (client, root, other pid)."""
    from fastapi.testclient import TestClient

    from qa.config import Settings
    from server.app import create_app

    monkeypatch.delenv(STATE_ENV, raising=False)
    monkeypatch.delenv(METRICS_ENV, raising=False)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with shared_state() as root:
            (root / kind).mkdir()
            (root / kind / str(other.pid)).touch()
            app = create_app(Settings(data_dir=data_dir, api_keys=[], admin_keys=[], rate_limit_per_minute=0))
            with TestClient(app) as client:
                if app.state.runtime._warming is not None:
                    app.state.runtime._warming.join(30)
                yield client, root, other.pid
    finally:
        other.kill()
        other.wait()


def test_readyz_waits_for_every_worker_that_takes_connections(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker of a run has warmed up while another, already taking connections, still loads: /readyz
    says 503 whichever of them is asked, and 200 once no live worker is loading."""
    with _worker_beside(data_dir, monkeypatch, "warming") as (client, root, other):
        me = str(os.getpid())
        assert [p.name for p in (root / "ready").iterdir()] == [me]
        assert me not in {p.name for p in (root / "warming").iterdir()}
        waiting = client.get("/readyz")
        assert waiting.status_code == 503, waiting.json()
        assert waiting.json()["reason"] == ("starting: another server process is still loading the model and "
                                            "the index")
        (root / "warming" / str(other)).unlink()  # what the other one's mark_ready does
        dead = root / "warming" / str(_dead_pid())
        dead.touch()  # a worker that died while loading does not count, and its mark goes
        (root / "warming" / str(os.getppid())).touch()  # nor does a live process that is not a worker of the run
        assert client.get("/readyz").status_code == 200
        assert not dead.exists()


def test_a_replacement_worker_loads_first_and_never_counts_as_loading(data_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Another worker is ready: this one loads during its start-up (it accepts nothing meanwhile), leaves
    no warming mark meanwhile, and the run stays ready for the worker already serving."""
    from server.runtime import Runtime

    marks_while_loading = []
    real = Runtime.warm_up

    def warm_up(runtime: Runtime) -> None:
        marks_while_loading.extend(p.name for p in (runtime.shared / "warming").iterdir())
        real(runtime)

    monkeypatch.setattr(Runtime, "warm_up", warm_up)
    with _worker_beside(data_dir, monkeypatch, "ready") as (client, root, other):
        me = str(os.getpid())
        assert marks_while_loading == []  # the other worker's /readyz said 200 all along
        assert sorted(p.name for p in (root / "ready").iterdir()) == sorted([me, str(other)])
        assert list((root / "warming").iterdir()) == []
        assert client.get("/readyz").status_code == 200


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_stop_when_their_parent_is_killed_and_the_next_run_sweeps_its_folder(tmp_path: Path) -> None:
    """SIGKILL to `qa serve --workers 2` itself: its workers stop instead of serving on from the
    inherited socket, and the next `qa serve --workers` removes the shared folder it left."""
    env, scratch = _env(tmp_path, seeded_data_dir(tmp_path / "data"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    proc = _serve_workers(env, port, log)
    workers: list[int] = []
    try:
        workers = _wait_for_workers(proc, url, log)
        [left] = list(scratch.iterdir())
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() and b"Z" not in _state(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers still running after their parent died: {workers}"
            time.sleep(0.2)
        assert _ready(url) == 0  # nobody answers on the port any more
        assert left.exists()  # a killed parent cleans up nothing itself
    finally:
        stop(proc, timeout=5)
        for pid in workers:  # when the test fails: no orphan left serving on the port
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    again = _serve_workers(env, port, log)
    try:
        _wait_for_workers(again, url, log)
        assert not left.exists()
        assert len(list(scratch.iterdir())) == 1  # its own
    finally:
        stop(again, timeout=20)
    assert list(scratch.iterdir()) == []


def _state(pid: int) -> bytes:
    """The process state letter from /proc (Z: exited, not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return b"Z"


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_worker_started_in_place_of_a_dead_one_loads_before_it_takes_a_question(tiny_model_dir: Path,
                                                                                 tmp_path: Path) -> None:
    """A worker SIGKILLed under `qa serve --workers 2` is replaced by uvicorn; the replacement loads the
    model and the index before it accepts a connection, so no question waits for that load meanwhile."""
    from qa.config import Settings
    from qa.ingest import IngestReport, collect_sources
    from qa.service import QAService

    data = tmp_path / "data"
    built = Settings(data_dir=data, model=str(tiny_model_dir))
    report = IngestReport()
    QAService(built, warn=lambda m: None).writer().ingest(
        collect_sources([ROOT / "seeds"], built.max_file_bytes, report), report=report)
    env, scratch = _env(tmp_path, data, QA_MODEL=str(tiny_model_dir), QA_MODE="hybrid")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    proc = _serve_workers(env, port, log)
    try:
        first = _wait_for_workers(proc, url, log)
        [run] = list(scratch.glob(PREFIX + "*"))
        deadline = time.monotonic() + 120
        while len(list((run / "ready").glob("*"))) < 2:  # both have loaded the model
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        os.kill(first[0], signal.SIGKILL)
        slowest, replaced_at = 0.0, None
        deadline = time.monotonic() + 120
        while replaced_at is None or time.monotonic() < replaced_at + 2:
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            started = time.monotonic()
            status, body = _request(url + "/v1/ask", {"question": ROME_VI})
            slowest = max(slowest, time.monotonic() - started)
            assert status == 200 and json.loads(body)["mode"] == "hybrid", body
            new = [pid for pid in children(proc.pid) if is_worker(pid) and pid not in first]
            if replaced_at is None and new and (run / "ready" / str(new[0])).exists():
                replaced_at = time.monotonic()
        text = log.read_text(errors="replace")
        assert "replacing a worker: loading the model and the index before accepting connections" in text, text
        loads = [float(x) for x in re.findall(r"warm-up done in ([\d.]+) s: model '[^']+' \(\w[\w-]*, \d+-d\); index [^;]+: 5 documents", text)]
        assert len(loads) == 3, text  # the two first workers and the replacement
        # a question that had reached the replacement while it loaded would have waited that long
        assert slowest < max(1.0, loads[-1] / 2), (slowest, loads)
    finally:
        stop(proc, timeout=20)
