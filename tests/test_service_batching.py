"""The server's question slots and the shared encoder call: a question gives its slot back while it waits for
the micro-batched encoder call, so more questions than slots can share one call; the cap still holds outside."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from embeddings.batching import QueryBatcher
from qa.config import Settings
from qa.errors import QABusy
from qa.service import QAService
from qa.slots import FairSlots
from server.runtime import Runtime


class _Batcher:
    def __init__(self, slots: FairSlots) -> None:
        self.slots = slots
        self.free_during_encode: list[bool] = []

    def encode(self, text: str, *, announced: bool = False) -> np.ndarray:
        got = self.slots.acquire(blocking=False)  # the caller's slot is free while it waits here
        if got:
            self.slots.release()
        self.free_during_encode.append(got)
        return np.zeros(2, dtype=np.float32)


def test_a_question_frees_its_slot_while_encoding(tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path, max_concurrency=1))
    fake = _Batcher(runtime.slots)
    service = runtime.service
    with runtime.slot():
        service._encode_query(fake, "q", False)  # type: ignore[arg-type]
        assert not runtime.slots.acquire(blocking=False)  # held again afterwards
    assert runtime.slots.acquire(blocking=False)  # released at the end
    try:  # another question holds the slot; a caller that holds none gives nothing back
        service._encode_query(fake, "outside a slot", False)  # type: ignore[arg-type]
    finally:
        runtime.slots.release()
    assert fake.free_during_encode == [True, False]


def test_the_service_batcher_waits_only_for_announced_questions(tmp_path: Path) -> None:
    runtime = Runtime(Settings(data_dir=tmp_path))

    class _Encoder:
        name = "fake"
        parallel = 1

        @staticmethod
        def encode_queries(texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 2), dtype=np.float32)

    batcher = runtime.service._batcher(_Encoder())  # type: ignore[arg-type]
    assert isinstance(batcher, QueryBatcher) and batcher.waits == "announced"
    vector = runtime.service._query_vector(_Encoder(), "câu hỏi", None)  # type: ignore[arg-type]
    assert vector.tolist() == [1.0, 1.0]
    batcher.announce()
    assert runtime.service._query_vector(_Encoder(), "câu hỏi", batcher).tolist() == [1.0, 1.0]  # cached
    assert batcher._arriving == 0  # the cache hit withdrew the announcement


def test_questions_encode_side_by_side_without_a_batcher_on_the_direct_path() -> None:
    """QA_QUERY_BATCH=1 and an encoder whose calls run concurrently: no batcher (no hand-offs between
    threads); any other combination gets one, running up to ``parallel`` calls of up to QA_QUERY_BATCH."""
    from qa.service import make_batcher

    class _Encoder:
        parallel = 2

        @staticmethod
        def encode_queries(texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 2), dtype=np.float32)

    assert make_batcher(_Encoder(), Settings(query_batch=1)) is None  # type: ignore[arg-type]
    batcher = make_batcher(_Encoder(), Settings(query_batch=4))  # type: ignore[arg-type]
    assert isinstance(batcher, QueryBatcher) and batcher.max_batch == 4 and batcher.parallel == 2
    _Encoder.parallel = 1  # sentence-transformers' path: one call at a time, so concurrent questions share it
    single = make_batcher(_Encoder(), Settings(query_batch=1))  # type: ignore[arg-type]
    assert isinstance(single, QueryBatcher) and single.parallel == 1


def test_the_service_answers_at_most_max_concurrency_questions_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process too (a chatbot embedding QAService): more threads than QA_MAX_CONCURRENCY wait their turn."""
    import qa.service

    service = QAService(Settings(data_dir=tmp_path / "data", max_concurrency=2, mode="lexical"), warn=lambda _: None)
    active, most = [0], [0]
    lock = threading.Lock()
    real = qa.service.build_answer

    def slow_answer(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(qa.service, "build_answer", slow_answer)
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(service.ask("Ai đã gặp nhau tại Rome?")))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 6 and most[0] == 2
    both_held = threading.Barrier(3)
    release = threading.Event()

    def hold() -> None:
        with service.admitted():
            both_held.wait()
            release.wait()

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for t in holders:
        t.start()
    both_held.wait(timeout=10)
    with pytest.raises(QABusy, match="QA_MAX_CONCURRENCY"):
        with service.admitted(timeout=0.05):
            pass
    release.set()
    for t in holders:
        t.join()
    with service.admitted(timeout=1):  # free again
        assert service.holding.slot
