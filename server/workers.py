"""Several server processes behind one port: ``qa serve --workers N`` (``QA_WORKERS``).

One process answers with one interpreter lock: on 2 cores at 8 clients it keeps 1.67 cores busy,
two processes keep 1.9 busy (+12-15% answers/s, ``benchmarks/bench_query.py --workers``). Workers
are uvicorn's: spawned processes sharing the listening socket, each loading the model and opening
the index itself (memory grows with N; the BM25 file is memory-mapped, so its pages are shared).

What must stay one service across them lives in a folder the parent makes for the run and removes
after it (``QA_SERVE_STATE``, inherited by the workers):

* rate limits: the token buckets in a SQLite file, so a client gets ``QA_RATE_LIMIT_PER_MINUTE``
  whichever worker answers (``server.security.SharedRateLimiter``);
* metrics: prometheus_client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``): ``/metrics`` sums
  requests and latencies over the workers, whichever one is scraped.

Index writes were already one at a time across processes (SQLite's write lock), and every question
checks the published generation first, so a document acknowledged by one worker is answered by all.

A parent killed outright (SIGKILL, OOM killer) runs no clean-up. On Linux each worker asks the kernel
for SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so it stops gracefully instead of
serving on, unsupervised, from the inherited socket; the folder records its parent's pid, and the
next ``qa serve --workers`` removes the folders of parents no longer alive.

A worker that starts when another of the run has already warmed up (one uvicorn starts in place of
a worker that died; at the start of a run, one slower to start than the rest) loads the model and
opens the index before it accepts a connection, while the others answer, so no question waits for
its warm-up. Otherwise a worker warms up in the background as a single process does: ``/healthz``
answers at once, and ``/readyz`` says 503 until every worker that takes connections has warmed up,
whichever worker it reaches (each marks itself ``warming`` until it is ``ready`` in the run folder).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATE_ENV = "QA_SERVE_STATE"
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client when a worker imports it
RATE_LIMIT_DB = "ratelimit.sqlite3"
PARENT_FILE = "parent.pid"
PREFIX = "qa-serve-"
READY_DIR = "ready"  # one empty file per worker that has loaded the model and the index, named by its pid
WARMING_DIR = "warming"  # one per worker loading them while it accepts connections, until it is ready
PR_SET_PDEATHSIG = 1  # linux/prctl.h


@contextmanager
def shared_state() -> Iterator[Path]:
    """The run's shared folder, announced in this process's environment (which spawned workers inherit)."""
    saved = {name: os.environ.get(name) for name in (STATE_ENV, METRICS_ENV)}
    sweep_orphans(Path(tempfile.gettempdir()))
    with tempfile.TemporaryDirectory(prefix=PREFIX) as tmp:
        root = Path(tmp)
        (root / "metrics").mkdir()
        (root / PARENT_FILE).write_text(str(os.getpid()))
        os.environ[STATE_ENV] = str(root)
        os.environ[METRICS_ENV] = str(root / "metrics")
        try:
            yield root
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def state_dir() -> Path | None:
    """The shared folder when this process is one of several workers, else None."""
    value = os.environ.get(STATE_ENV)
    return Path(value) if value and Path(value).is_dir() else None


def alive(pid: int) -> bool:
    """Whether a process with this pid exists (possibly not ours)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _parent_of(folder: Path) -> int | None:
    """The pid of the ``qa serve`` that made this run folder (None when not recorded or unreadable)."""
    try:
        return int((folder / PARENT_FILE).read_text())
    except (OSError, ValueError):
        return None


def sweep_orphans(tmp: Path) -> list[Path]:
    """Remove the shared folders left by runs whose parent died without cleaning up; returns them.
    A folder without a readable pid (it may be one being made right now) or of another user is left alone."""
    removed = []
    for folder in tmp.glob(PREFIX + "*"):
        try:
            if folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        pid = _parent_of(folder)
        if pid is not None and pid != os.getpid() and not alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def follow_parent(root: Path) -> bool:
    """In a worker: be sent SIGTERM when the parent dies (Linux), and stop now if it already has.
    Returns whether the kernel will tell this process (False on other systems, and in the parent)."""
    parent = _parent_of(root)
    if not sys.platform.startswith("linux") or parent == os.getpid():
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent and not alive(parent):  # it died before the prctl above
        os.kill(os.getpid(), signal.SIGTERM)
    return True


def _mark(root: Path, kind: str) -> None:
    folder = root / kind
    folder.mkdir(exist_ok=True)
    (folder / str(os.getpid())).touch()


def _worker_of(pid: int, parent: int | None) -> bool:
    """Whether ``pid`` is a live worker of the run whose parent is ``parent``: alive, and on Linux a child of
    that parent (a dead worker's pid taken by an unrelated process must not count)."""
    if not alive(pid):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (not Linux), or it just exited: the pid alone says it
        return True
    return parent is None or int(stat.rsplit(")", 1)[1].split()[1]) == parent


def live_worker(pid: int, root: Path) -> bool:
    """Whether ``pid`` is a live worker of the run whose shared folder is ``root`` (see ``_worker_of``)."""
    return _worker_of(pid, _parent_of(root))


def _others(root: Path, kind: str) -> bool:
    """Whether a live worker of this run other than this one has a ``kind`` marker (the markers of workers
    that died are removed on the way)."""
    folder = root / kind
    if not folder.is_dir():
        return False
    parent, found = _parent_of(root), False
    for marker in folder.iterdir():
        if not marker.name.isdigit() or int(marker.name) == os.getpid():
            continue
        if _worker_of(int(marker.name), parent):
            found = True
        elif not alive(int(marker.name)):
            marker.unlink(missing_ok=True)
    return found


def loads_before_accepting(root: Path) -> bool:
    """How this worker warms up. It marks itself ``warming``, then looks for a live worker of the run that is
    ready. If there is one, this worker replaces one that died (or started late): it loads before it accepts
    connections while the others answer, so the mark is withdrawn at once (True). Otherwise it accepts
    connections while it loads, and keeps the mark until :func:`mark_ready` (False). Marking before looking
    means a worker that turns ready in between already sees this one loading."""
    _mark(root, WARMING_DIR)
    if _others(root, READY_DIR):
        (root / WARMING_DIR / str(os.getpid())).unlink(missing_ok=True)
        return True
    return False


def mark_ready(root: Path) -> None:
    """This worker has warmed up: it counts as ready and no longer as warming."""
    _mark(root, READY_DIR)
    (root / WARMING_DIR / str(os.getpid())).unlink(missing_ok=True)


def others_warming(root: Path) -> bool:
    """Whether another live worker takes connections before it has warmed up: a question reaching it would
    wait for its model load, so the run is not ready yet (``/readyz``) whichever worker is asked."""
    return _others(root, WARMING_DIR)
