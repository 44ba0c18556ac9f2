"""Concurrent query encodings: up to ``parallel`` encoder calls at once, each of up to ``max_batch`` questions.

Callers queue their text; a caller that finds fewer than ``parallel`` calls
running becomes a leader: it encodes its own text plus the longest-waiting
queued ones (up to ``max_batch``) in one call and hands every caller its own
vector. Questions that arrive while all calls run queue for the next one, and a
leader hands the lead to the first of them, so no caller encodes more than one
batch for the others.

On a CPU with the ONNX direct path (``embeddings/direct.py``) the service uses
``parallel`` = cores and ``max_batch`` = 1 (QA_QUERY_BATCH): padded batches of
short questions cost more per question than one question per call on each core
(MiniLM, 2 cores: batch 8 gave 119 questions/s, one per core 250). On a GPU,
where one call's batch is nearly free, ``max_batch`` > 1 with ``parallel`` = 1
is the classic micro-batcher.

How long a leader waits for more callers before encoding: with
``waits="announced"``, callers ``announce()`` a question when it starts (before
parsing it, the snapshot check...) and the leader waits, at most ``max_wait``,
only while announced questions have not reached the encoder yet -- a lone
question pays nothing; with ``waits="always"`` it waits ``max_wait`` (default
2 ms) or until ``max_batch`` are queued. Measured by ``benchmarks/bench_batching.py`` and ``bench_query.py``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np


class _Request:
    __slots__ = ("text", "done", "lead", "vector", "error")

    def __init__(self, text: str) -> None:
        self.text = text
        self.done = threading.Event()
        self.lead = False  # woken to lead the next batch instead of with a result
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None


class QueryBatcher:
    def __init__(self, encode: Callable[[list[str]], np.ndarray], *, max_batch: int = 32,
                 max_wait: float = 0.002, waits: str = "always", parallel: int = 1) -> None:
        if waits not in ("always", "announced"):
            raise ValueError(f"waits must be 'always' or 'announced', not {waits!r}")
        self._encode = encode
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.waits = waits
        self._arriving = 0  # announced questions not yet queued
        self._lock = threading.Lock()
        self._pending: deque[_Request] = deque()
        self.parallel = max(1, parallel)  # encoder calls that may run at once
        self._leaders = 0  # encoder calls being prepared or running
        self.batches = 0  # encoder calls made (for tests and measurements)

    def announce(self) -> None:
        """A question is on its way: ``encode(..., announced=True)`` or ``withdraw()`` follows."""
        with self._lock:
            self._arriving += 1

    def withdraw(self) -> None:
        """An announced question will not be encoded after all (a cached vector, an error)."""
        with self._lock:
            self._arriving = max(0, self._arriving - 1)

    def encode(self, text: str, *, announced: bool = False) -> np.ndarray:
        request = _Request(text)
        with self._lock:
            if announced:
                self._arriving = max(0, self._arriving - 1)
            lead = self._leaders < self.parallel
            if lead:
                self._leaders += 1
            else:
                self._pending.append(request)
        if not lead:
            request.done.wait()
            if not request.lead:
                return self._result(request)
        self._lead(request)  # a leader's own request is always in the batch it runs
        return self._result(request)

    @staticmethod
    def _result(request: _Request) -> np.ndarray:
        if request.error is not None:
            raise request.error
        assert request.vector is not None
        return request.vector

    def _gather(self) -> None:
        """Give callers about to arrive a moment to join the batch (see the module docstring)."""
        if self.max_wait <= 0:
            return
        deadline = time.perf_counter() + self.max_wait
        announced = self.waits == "announced"
        while True:
            with self._lock:
                queued, arriving = len(self._pending) + 1, self._arriving  # + the leader's own
            if queued >= self.max_batch or (announced and arriving <= 0):
                return
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            time.sleep(min(left, self.max_wait / 8 if announced else self.max_wait / 4))

    def _lead(self, first: _Request) -> None:
        """Encode one batch (``first`` and the longest-waiting queued), then hand the lead to the next
        caller still queued (taking it off the queue, so no other leader batches it) or give it up."""
        try:
            self._gather()
        except Exception:  # noqa: BLE001 - never leave the queued callers waiting
            pass
        with self._lock:
            batch = [first] + [self._pending.popleft() for _ in range(min(self.max_batch - 1, len(self._pending)))]
        try:
            self._run(batch)
        finally:
            with self._lock:
                successor = self._pending.popleft() if self._pending else None
                if successor is None:
                    self._leaders -= 1
                else:
                    successor.lead = True
            if successor is not None:
                successor.done.set()

    def _run(self, batch: list[_Request]) -> None:
        self.batches += 1
        try:
            vectors = self._encode([r.text for r in batch])
            if len(vectors) != len(batch):
                raise RuntimeError(f"the encoder returned {len(vectors)} vectors for {len(batch)} texts")
        except BaseException as exc:  # every waiting caller gets the error, none hangs
            for r in batch:
                r.error = exc
                r.done.set()
            return
        for r, vector in zip(batch, vectors):
            r.vector = vector
            r.done.set()
