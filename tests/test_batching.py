"""Concurrent query encodings share encoder calls, each caller gets its own vector, errors reach everyone."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from embeddings.batching import QueryBatcher


def _fake_encoder(calls: list[int]):  # noqa: ANN202
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts], dtype=np.float32)

    return encode


def test_concurrent_callers_are_batched_and_get_their_own_vectors() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_fake_encoder(calls), max_batch=64, max_wait=0.05)
    texts = [f"question {i} " + "x" * i for i in range(16)]
    barrier = threading.Barrier(len(texts))

    def ask(text: str) -> np.ndarray:
        barrier.wait()
        return batcher.encode(text)

    with ThreadPoolExecutor(len(texts)) as pool:
        results = list(pool.map(ask, texts))
    for text, vector in zip(texts, results):
        assert vector.tolist() == [float(len(text)), float(sum(map(ord, text)))]
    assert sum(calls) == len(texts) and len(calls) < len(texts)  # fewer encoder calls than questions


def test_a_lone_caller_is_encoded_alone_and_batches_respect_max_batch() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_fake_encoder(calls), max_batch=4, max_wait=0.0)
    assert batcher.encode("một câu hỏi").shape == (2,)
    assert calls == [1]
    barrier = threading.Barrier(10)
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda t: (barrier.wait(), batcher.encode(t)), [str(i) for i in range(10)]))
    assert max(calls) <= 4 and sum(calls) == 11


def test_an_encoder_error_reaches_every_waiting_caller() -> None:
    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("encoder failed")

    batcher = QueryBatcher(broken, max_wait=0.02)
    barrier = threading.Barrier(4)

    def ask(i: int) -> str:
        barrier.wait()
        with pytest.raises(RuntimeError, match="encoder failed"):
            batcher.encode(str(i))
        return "raised"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(ask, range(4))) == ["raised"] * 4
    assert batcher.encode.__self__._leaders == 0  # leadership released: the next caller is not stuck


def test_an_announced_lone_question_does_not_wait() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_fake_encoder(calls), max_wait=0.5, waits="announced")
    batcher.announce()
    t = time.perf_counter()
    batcher.encode("một câu hỏi", announced=True)
    assert time.perf_counter() - t < 0.25 and calls == [1]  # nobody else announced: no max_wait
    batcher.announce()
    batcher.withdraw()  # e.g. a cached vector: the next batch does not wait for it either
    t = time.perf_counter()
    batcher.encode("câu khác")
    assert time.perf_counter() - t < 0.25 and batcher._arriving == 0


def test_a_batch_waits_for_announced_questions() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_fake_encoder(calls), max_wait=2.0, waits="announced")
    batcher.announce()
    batcher.announce()

    def late() -> np.ndarray:
        time.sleep(0.05)
        return batcher.encode("b", announced=True)

    with ThreadPoolExecutor(1) as pool:
        other = pool.submit(late)
        t = time.perf_counter()
        batcher.encode("a", announced=True)
        assert other.result().shape == (2,)
    assert calls == [2] and time.perf_counter() - t < 1.0  # one call for both, well before max_wait


def test_the_lead_passes_on_after_one_batch() -> None:
    """A caller encodes at most one batch for the others: questions queued during a call are led by one of them."""
    started, release = threading.Event(), threading.Event()
    leaders: list[str] = []

    def encode(texts: list[str]) -> np.ndarray:
        leaders.append(threading.current_thread().name)
        if texts == ["first"]:
            started.set()
            release.wait(5)
        return np.zeros((len(texts), 2), dtype=np.float32)

    batcher = QueryBatcher(encode, max_wait=0.0)
    with ThreadPoolExecutor(4, thread_name_prefix="caller") as pool:
        first = pool.submit(batcher.encode, "first")
        assert started.wait(5)
        rest = [pool.submit(batcher.encode, str(i)) for i in range(3)]
        time.sleep(0.05)  # all three queued behind the running call
        release.set()
        first.result(5)
        [f.result(5) for f in rest]
    assert len(leaders) == 2 and leaders[0] != leaders[1] and batcher._leaders == 0


def test_parallel_calls_run_side_by_side_and_each_text_is_encoded_once() -> None:
    """parallel=2, max_batch=1: two encoder calls overlap (the ONNX direct path runs each on its caller's
    thread), never more than two, and every caller gets the vector of its own text exactly once."""
    lock = threading.Lock()
    running, peak, seen = [0], [0], []

    def encode(texts: list[str]) -> np.ndarray:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            seen.extend(texts)
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return np.array([[float(t)] for t in texts], dtype=np.float32)

    batcher = QueryBatcher(encode, max_batch=1, max_wait=0.0, parallel=2)
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda i: float(batcher.encode(str(i))[0]), range(40)))
    assert got == [float(i) for i in range(40)]
    assert sorted(seen, key=int) == [str(i) for i in range(40)]  # none encoded twice, none skipped
    assert peak[0] == 2 and batcher._leaders == 0
