"""What one server process holds: the service, its locks, the limiter and the metrics
(the last two shared with the other processes when there are several: server/workers.py).

* Questions run in FastAPI's thread pool (endpoints are plain ``def``), at most
  ``QA_MAX_CONCURRENCY`` at once (default: twice the CPU cores); a request that waits
  longer than ``SLOT_WAIT`` seconds for a slot gets a 503 with Retry-After. On
  the ONNX direct path a question encodes on its own thread, inside its slot.
  With a micro-batcher (QA_QUERY_BATCH > 1, or sentence-transformers' path) a
  question gives its slot back while it waits for the shared encoder call, so
  the slots cap the per-question work, not how many questions one call encodes.
* Writes are serialized by one lock. A write publishes a new index generation
  atomically (``qa.ingest``); until then every reader keeps answering from the
  previous snapshot, and while one thread opens the new generation the others
  still answer from the previous one instead of waiting (one of several worker
  processes waits: the write may have been acknowledged by another).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import anyio

from qa import answer_type
from qa.answers import Answer
from qa.config import Mode, Settings
from qa.errors import QABusy, QAError
from qa.service import QAService
from qa.slots import FairSlots
from qa.snapshot import Snapshot
from qa.store import DB_NAME, Store
from server.errors import APIError
from server.middleware import Metrics
from server.security import KeyRing, RateLimiter, SharedRateLimiter
from server.workers import RATE_LIMIT_DB, mark_ready, others_warming, state_dir

log = logging.getLogger("qa.server")

SLOT_WAIT = 30.0  # seconds a question waits for a free slot before a 503
T = TypeVar("T")
WRITE_WAIT = 120.0  # seconds a write waits for the previous one before a 503
LEXICAL_MODEL_ID = "qa-lexical"


class ServedQA(QAService):
    """QAService whose readers never queue behind a reload of the index (when it is the only process)."""

    def __init__(self, settings: Settings, slots: FairSlots | None = None, *,
                 one_of_several: bool = False) -> None:
        # logged at WARNING level already: the CLI's "warning: " prefix would say it twice
        super().__init__(settings, warn=lambda line: log.warning("%s", line.removeprefix("warning: ")), slots=slots)
        self._reload = threading.Lock()
        # another worker process may have acknowledged the write that published the new generation, and
        # a request sent after that acknowledgement must see it: wait for the reload instead of answering
        # from the previous one (one process alone opens a generation before acknowledging its write)
        self._wait_for_reload = one_of_several

    def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and self.published_generation() == current.generation:
            return current
        if current is not None and not self._wait_for_reload and not self._reload.acquire(blocking=False):
            return current  # another thread is opening the new generation: answer from the published previous one
        if current is None or self._wait_for_reload:
            self._reload.acquire()
        try:
            return super().snapshot()
        finally:
            self._reload.release()

    def fresh_snapshot(self) -> Snapshot:
        """The newest generation, waiting for any reload in progress (used by writers)."""
        with self._reload:
            return QAService.snapshot(self)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        shared = self.shared = state_dir()  # one of several worker processes (server/workers.py)
        self.slots = FairSlots(settings.max_concurrency)
        self.service = ServedQA(settings, self.slots, one_of_several=shared is not None)
        self.keys = KeyRing(settings)
        self.limiter = (SharedRateLimiter(shared / RATE_LIMIT_DB, settings.rate_limit_per_minute) if shared
                        else RateLimiter(settings.rate_limit_per_minute))
        self.metrics = Metrics(shared=shared is not None)
        self.write_lock = threading.Lock()
        # document writes queue here, on the event loop, and run on a thread of their own: a write waiting for
        # another holds none of the worker threads that questions and /readyz need; /readyz has its own too
        self.write_queue = anyio.Lock()
        self.write_thread = anyio.CapacityLimiter(1)
        self.probe_threads = anyio.CapacityLimiter(2)
        self._warming: threading.Thread | None = None
        self._warmed = threading.Event()

    # -- start-up: load the model and the index before the first question, without blocking /healthz
    def start_warm_up(self) -> None:
        if self._warmed.is_set() or self.warming:
            return  # once per process (an app run several times, as in tests, warms up once)
        self._warming = threading.Thread(target=self.warm_up, name="qa-warm-up", daemon=True)
        self._warming.start()

    def warm_up(self) -> None:
        started = time.monotonic()
        model, index = "no model (lexical retrieval)", f"the index in {self.settings.data_dir} not opened"
        mode = None
        try:
            encoder = self.service.encoder()
            if encoder is not None:
                model = f"model {encoder.name!r} ({encoder.backend}, {encoder.dim}-d)"
            answer_type.load()
            self.service.freeze_libraries()  # before the index opens (``qa.heap``)
            snap = self.service.snapshot()
            index = (f"index {self.settings.data_dir}: {len(snap.docs)} documents, {len(snap.chunks)} chunks, "
                     f"generation {snap.generation}")
            mode, _why = self.service.answering_mode(snap)  # as /readyz says it
        except (QAError, sqlite3.Error) as exc:
            log.warning("the index cannot be opened: %s", exc)
        finally:
            if self.shared is not None:  # before /readyz can say so: a worker starting now then sees this one ready
                mark_ready(self.shared)
            self._warmed.set()
            log.info("warm-up done in %.1f s: %s; %s; %s", time.monotonic() - started, model, index,
                     self.serving(mode))

    def serving(self, mode: Mode | None = None) -> str:
        """How this process serves, in words, for the start-up line of the log (keys are never written);
        ``mode``: the retrieval that answers, when it is known (lexical while QA_MODE asks for hybrid: no model)."""
        s = self.settings
        reads = f"reads need an API key ({len(s.api_keys)} set)" if s.api_keys else "reads open"
        if s.admin_keys:
            writes = f"writes need an admin key ({len(s.admin_keys)} set)"
        else:
            writes = "writes disabled" if s.api_keys else "writes open"
        limit = f"{s.rate_limit_per_minute} requests/min per key or client" if s.rate_limit_per_minute else "no rate limit"
        said = f"mode {s.mode}" if mode in (None, s.mode) else f"mode {mode} (QA_MODE {s.mode})"
        return f"{said}, {s.max_concurrency} questions at once, {reads}, {writes}, {limit}"

    @property
    def warmed(self) -> bool:
        return self._warmed.is_set()

    @property
    def warming(self) -> bool:
        return not self._warmed.is_set() and self._warming is not None and self._warming.is_alive()

    def peers_warming(self) -> bool:
        """Another worker of this run takes connections before it has warmed up (see server/workers.py)."""
        return self.shared is not None and others_warming(self.shared)

    # -- questions
    @contextmanager
    def slot(self) -> Iterator[None]:
        """Admit a request to the service's question slots, or 503 after ``SLOT_WAIT`` seconds."""
        try:
            with self.service.admitted(timeout=SLOT_WAIT):
                yield
        except QABusy:
            raise APIError(503, f"server busy: {self.settings.max_concurrency} questions in progress; try again",
                           type="server_busy", headers={"Retry-After": "1"}) from None

    def ask(self, question: str, *, k: int | None, mode: Mode | None, history: list[str]) -> Answer:
        with self.slot():
            return self.service.ask(question, k=k, mode=mode, history=history)

    @property
    def model_loaded(self) -> bool:
        """Whether the encoder is loaded; False until the start-up load has finished (never waits for it)."""
        return self._warmed.is_set() and self.service.encoder() is not None

    def model_id(self, answer: Answer, *, whole: bool) -> str:
        """QA_MODEL when dense retrieval took part (see ``model_name``), 'qa-lexical' when the answer is lexical only."""
        return LEXICAL_MODEL_ID if answer.mode == "lexical" else self.model_name(whole=whole)

    def model_name(self, *, whole: bool) -> str:
        """QA_MODEL as set, or, for a local folder and a caller who may not see server paths, its name only
        (as documents' paths are shown): a hub id is the same for everyone."""
        model = self.settings.model
        return model if whole or not Path(model).expanduser().is_dir() else Path(model).expanduser().name

    def count_tokens(self, text: str) -> int:
        """Tokens of the encoder's tokenizer; 0 when no model is loaded (documented: usage is then zeros)."""
        encoder = self.service.encoder()
        return encoder.count_tokens(text) if encoder is not None else 0

    # -- writes
    async def one_write(self, write: Callable[[], T]) -> T:
        """Run ``write`` (a function doing a document write) when the writes before it are done: it waits on
        the event loop, at most WRITE_WAIT seconds (then a 503), and runs on the write thread."""
        try:
            with anyio.fail_after(WRITE_WAIT):
                await self.write_queue.acquire()
        except TimeoutError:
            raise _write_busy() from None
        try:
            return await anyio.to_thread.run_sync(write, limiter=self.write_thread)
        finally:
            self.write_queue.release()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Held by the write itself, on its thread: one_write already queues a server's writes on its event
        loop, so under uvicorn this never waits; it keeps writes one at a time when they come from more than
        one event loop (a TestClient used from several threads starts one per request)."""
        if not self.write_lock.acquire(timeout=WRITE_WAIT):
            raise _write_busy()
        try:
            yield
        finally:
            self.write_lock.release()

    def refresh(self) -> None:
        """Open the generation a write just published before the write is acknowledged, so every
        question asked after the acknowledgement sees it (waits for a reload already under way)."""
        try:
            self.service.fresh_snapshot()
        except (QAError, sqlite3.Error) as exc:
            log.warning("the new index generation cannot be opened: %s", exc)

    # -- index gauges (read from SQLite: cheap, and what is published now)
    def index_opens(self) -> bool:
        """Whether the index opens with every check /readyz and the questions go through (the snapshot is
        kept once open, so this is cheap unless it is damaged); during start-up, whether its database reads."""
        if self.warming:
            return True  # index_counts has just read it; the start-up load runs the full checks
        try:
            self.service.snapshot()
            return True
        except (QAError, sqlite3.Error):
            return False

    def index_counts(self) -> tuple[int, int, int]:
        """Documents, chunks, generation: of the index questions are answered from (so /metrics agrees with
        /readyz), or, while the server starts, as its database says (never creating one)."""
        if not self.warming:
            snap = self.service.snapshot()
            return len(snap.docs), len(snap.chunks), snap.generation or 0
        if not (self.settings.data_dir / DB_NAME).exists():
            return 0, 0, 0
        store = Store(self.settings.data_dir)
        try:
            generation = int(store.manifest().get("generation", "0") or 0)
            return store.count("documents"), store.count("chunks"), generation
        finally:
            store.close()


def _write_busy() -> APIError:
    return APIError(503, "another document write is still running; try again", type="server_busy",
                    headers={"Retry-After": "5"})
