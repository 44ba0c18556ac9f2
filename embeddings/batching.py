"""Micro-batching of concurrent query encodings into one encoder call.

Under concurrent load each question would otherwise run its own forward pass;
a transformer on a CPU does a batch of 8 short queries in little more time than
one. The first caller becomes the leader: it waits ``max_wait`` seconds for
others to join (or until ``max_batch`` are queued), encodes them all in one
call, and hands every caller its own vector. A lone caller pays at most
``max_wait`` (default 2 ms). Measured by ``benchmarks/bench_batching.py``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np


class QueryBatcher:
    def __init__(self, encode: Callable[[list[str]], np.ndarray], *, max_batch: int = 32,
                 max_wait: float = 0.002) -> None:
        self._encode = encode
        self.max_batch = max_batch
        self.max_wait = max_wait
        self._lock = threading.Lock()
        self._pending: list[tuple[str, Future]] = []
        self._leading = False
        self.batches = 0  # encoder calls made (for tests and measurements)

    def encode(self, text: str) -> np.ndarray:
        future: Future = Future()
        with self._lock:
            self._pending.append((text, future))
            lead = not self._leading
            if lead:
                self._leading = True
        if lead:
            self._lead()
        return future.result()

    def _lead(self) -> None:
        deadline = time.perf_counter() + self.max_wait
        while time.perf_counter() < deadline:
            with self._lock:
                if len(self._pending) >= self.max_batch:
                    break
            time.sleep(self.max_wait / 4)
        while True:
            with self._lock:
                batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
                if not batch:
                    self._leading = False
                    return
            self._run(batch)

    def _run(self, batch: list[tuple[str, Future]]) -> None:
        self.batches += 1
        try:
            vectors = self._encode([text for text, _ in batch])
        except BaseException as exc:  # every waiting caller gets the error, none hangs
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), vector in zip(batch, vectors):
            future.set_result(vector)
