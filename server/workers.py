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
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATE_ENV = "QA_SERVE_STATE"
METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # read by prometheus_client when a worker imports it
RATE_LIMIT_DB = "ratelimit.sqlite3"


@contextmanager
def shared_state() -> Iterator[Path]:
    """The run's shared folder, announced in this process's environment (which spawned workers inherit)."""
    saved = {name: os.environ.get(name) for name in (STATE_ENV, METRICS_ENV)}
    with tempfile.TemporaryDirectory(prefix="qa-serve-") as tmp:
        root = Path(tmp)
        (root / "metrics").mkdir()
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
