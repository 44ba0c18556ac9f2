"""The product's one entry point for the CLI, the HTTP server and the evaluator.

It loads the encoder at most once per service (falling back to lexical
retrieval with one clear line when it cannot), keeps the newest index snapshot,
and turns a question (plus conversation) into a cited ``Answer``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import numpy as np

from embeddings.batching import QueryBatcher
from embeddings.cross_encoder import Reranker, load_reranker
from embeddings.encoder import Encoder, as_settings, load_encoder
from qa.about import about_kind, without_about
from qa.answers import Answer, build_answer
from qa.as_indexed import as_the_index_writes, earlier_as_the_index_writes
from qa.config import Mode, Settings
from qa.conversation import contextualize
from qa.courtesy import as_asked
from qa.credits import credited
from qa.errors import QABusy
from qa.heap import freeze_long_lived
from qa.loading import LoadOnce
from qa.ingest import IngestReport, Writer, collect_sources
from qa.sources import check_prune, text_source, too_large
from qa.limits import checked_request
from qa.metadata import checked_metadata
from qa.outlets import named_alone, names_its_article, outlet_first, without_outlet
from qa.pipeline import Pipeline
from qa.rerank import DEPTH, cross_rerank, rerank
from qa.retrieval import Retriever, analyze, collapse_near_duplicates
from qa.slots import FairSlots
from qa.snapshot import Snapshot
from qa.watch import GenerationWatch


QUERY_CACHE = 2048  # query vectors remembered (LRU)


def _log(message: str) -> None:
    """The default ``warn``: the "qa" logger (shown on stderr by Python when the application configured no logging)."""
    logging.getLogger("qa").warning("%s", message.removeprefix("warning: "))


def make_batcher(encoder: Encoder, settings: Settings) -> QueryBatcher | None:
    """What the service puts in front of ``encoder`` for concurrent questions.

    None when sharing calls buys nothing: QA_QUERY_BATCH=1 and an encoder whose calls run side by side
    (``encoder.parallel`` > 1, the ONNX direct path). Each question then encodes on its own thread: no
    hand-off between threads, which cost 17% of the encoder's throughput at 8 clients when a batcher
    passed the lead from caller to caller (benchmarks/bench_query.py). Otherwise a micro-batcher: up to
    ``encoder.parallel`` calls at once, each of up to QA_QUERY_BATCH questions."""
    if settings.query_batch == 1 and encoder.parallel > 1:
        return None
    return QueryBatcher(encoder.encode_queries, max_batch=settings.query_batch, parallel=encoder.parallel,
                        max_wait=settings.batch_wait_ms / 1000, waits="announced")


EMPTY_INDEX = "the index holds no documents: add articles with `qa ingest PATH` (or POST /v1/documents)"


class QAService:
    """``slots``: at most ``QA_MAX_CONCURRENCY`` questions are answered at once, first come first served
    (``qa/slots.py``; the server passes its own). More threads than that only compete for the cores and
    the GIL: more CPU per answer and fewer answers per second (README, Performance, "Admission")."""

    def __init__(self, settings: Settings, *, warn: Callable[[str], None] = _log,
                 slots: FairSlots | None = None,
                 encoder_warn: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.warn = warn
        self._slots = slots or FairSlots(settings.max_concurrency)
        self.holding = threading.local()  # .slot: this thread holds one of ``_slots`` (its question is admitted)
        self._snapshot: Snapshot | None = None
        self._opening = threading.Lock()  # one thread opens a new generation; the others wait and share it
        self._watch = GenerationWatch(settings.data_dir)
        self._query_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._query_batcher: QueryBatcher | None = None
        self._batcher_made = False
        self._encoder = LoadOnce(
            lambda: load_encoder(settings.model, query_prefix=settings.query_prefix,
                                 passage_prefix=settings.passage_prefix, timeout=settings.model_load_timeout,
                                 backend=settings.backend),
            encoder_warn or warn,  # a caller that shows the fallback in each answer passes a no-op here
        )
        self._reranker = LoadOnce(
            lambda: load_reranker(settings.reranker, timeout=settings.model_load_timeout) if settings.reranker else None,
            warn,
        )

    def encoder(self) -> Encoder | None:
        return self._encoder.get()

    def freeze_libraries(self) -> bool:
        """Load the model, then keep Python's garbage collector off it and the libraries it imported for good
        (``qa.heap``: a full collection took 250-300 ms every thousand or so fresh questions): for a process that
        answers for long, called before its first question (the server does at start-up). Not once this service has
        an index open, which would then outlive the write that replaces it, and once per process. Whether it froze."""
        self.encoder()
        return self._snapshot is None and freeze_long_lived()

    def reranker(self) -> Reranker | None:
        """The optional cross-encoder (QA_RERANKER); None when off or unavailable."""
        return self._reranker.get()

    def _query_vector(self, encoder: Encoder, text: str, announced: QueryBatcher | None = None) -> np.ndarray:
        """Encode a question, remembering the last QUERY_CACHE ones (repeated questions are common).

        ``announced``: the batcher this question announced itself to when it started (see ``ask``)."""
        key = (encoder.name, text)
        with self._cache_lock:
            hit = self._query_cache.get(key)
            if hit is not None:
                self._query_cache.move_to_end(key)
        if hit is not None:
            if announced is not None:
                announced.withdraw()
            return hit
        batcher = self._batcher(encoder)
        if announced is not None and announced is not batcher:
            announced.withdraw()
        if batcher is None:  # questions encode side by side, each on its own thread
            vector = encoder.encode_queries([text])[0]
        else:
            vector = self._encode_query(batcher, text, announced is batcher)
        with self._cache_lock:
            self._query_cache[key] = vector
            while len(self._query_cache) > QUERY_CACHE:
                self._query_cache.popitem(last=False)
        return vector

    def _encode_query(self, batcher: QueryBatcher, text: str, announced: bool) -> np.ndarray:
        """The shared encoder call (a cache miss). The question gives its slot back meanwhile, so more
        questions than slots can share one call; the cap holds for the per-question work."""
        if not getattr(self.holding, "slot", False):
            return batcher.encode(text, announced=announced)
        self._slots.release()
        try:
            return batcher.encode(text, announced=announced)
        finally:
            self._slots.acquire()  # admitted already: waits for a slot, never gives up

    @contextmanager
    def admitted(self, timeout: float | None = None) -> Iterator[None]:
        """Hold one of the slots (waiting at most ``timeout`` seconds: QABusy after that) unless this
        thread holds one already (the server admits a request before it calls ``ask``)."""
        if getattr(self.holding, "slot", False):
            yield
            return
        if not self._slots.acquire(timeout=timeout):
            raise QABusy(f"{self.settings.max_concurrency} questions in progress (QA_MAX_CONCURRENCY)")
        self.holding.slot = True
        try:
            yield
        finally:
            self.holding.slot = False
            self._slots.release()

    def _batcher(self, encoder: Encoder) -> QueryBatcher | None:
        """Concurrent questions share encoder calls when that helps (see ``make_batcher``); made once."""
        with self._cache_lock:
            if not self._batcher_made:
                self._query_batcher = make_batcher(encoder, self.settings)
                self._batcher_made = True
            return self._query_batcher

    def ingest(self, paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
               prune: bool = False, progress: bool = False, report: IngestReport | None = None) -> IngestReport:
        """Add or update the ``.txt`` files and folders in ``paths`` (``qa ingest``): bad files are listed in
        ``report.errors`` with a reason and the rest go in; unchanged ones are skipped. ``prune`` also removes
        the documents the paths do not hold, and refuses (QAError, nothing changed) a path that does not
        exist or paths with no article that can be read (every file rejected). The questions being answered meanwhile keep the previous
        index until this write is published. ``progress``: a progress bar on stderr while embedding.
        ``report``: filled in place, so that the files refused while reading are known even when the
        write itself then fails."""
        paths = [Path(paths)] if isinstance(paths, (str, os.PathLike)) else [Path(p) for p in paths]
        report = report if report is not None else IngestReport()
        sources = collect_sources(paths, self.settings.max_file_bytes, report)
        if prune:
            check_prune(paths, sources, report)
        elif not sources:
            return report  # nothing to read (a mistyped path): no model loaded, the index untouched
        return self.writer().ingest(sources, prune=prune, progress=progress, report=report)

    def add_text(self, doc_id: str, text: str, *, title: str | None = None, source: str | None = None,
                 date: str | None = None, author: str | None = None, url: str | None = None) -> IngestReport:
        """Add one document given as text, or replace the one of this id (what ``POST /v1/documents`` does, from
        any file or none): the same cleaning and incremental rules as ``ingest``; a refused text (empty, too
        large, an HTML page ...) is in ``report.errors`` and nothing changes. ``title``..``url``: metadata the
        text's own lines would otherwise give, checked and stored as HTTP stores them (a date as ISO 8601; a date
        that cannot be read, a value of several lines: InvalidDocument). The id may be any a file's name gives."""
        given = checked_metadata(title=title, source=source, date_=date, author=author, url=url)
        report = IngestReport()
        if isinstance(text, str) and (reason := too_large(text, self.settings.max_file_bytes)):
            report.errors.append({"path": doc_id, "reason": reason})
            return report
        document = text_source(doc_id, text, **given)
        return self.writer().ingest([document], report=report)

    def remove(self, doc_ids: str | Iterable[str]) -> list[str]:
        """Delete these documents (``qa remove``); returns the ids that were in the index."""
        return self.writer().remove([doc_ids] if isinstance(doc_ids, str) else list(doc_ids))

    def raw_text(self, doc_id: str) -> str | None:
        """A document's text as ingested (a file decoded as UTF-8, its BOM and line ends kept): what a passage's
        and its highlight's ``start`` / ``end`` index (``GET /v1/documents/{id}/raw``). None for an unknown id."""
        return self.snapshot().raws.get(doc_id)

    def close(self) -> None:
        """Let go of the index (its files and connection) and the models; the next question opens them again (a
        question already being answered finishes with what it has, and may open them again itself)."""
        self._watch.release()
        self._snapshot = None
        self._encoder.reset()
        self._reranker.reset()
        self._query_batcher, self._batcher_made = None, False
        with self._cache_lock:
            self._query_cache.clear()

    def __enter__(self) -> "QAService":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def writer(self, *, rebuild_stale: bool = True) -> Writer:
        return Writer(self.settings.data_dir, Pipeline(self.settings, self.encoder()), rebuild_stale=rebuild_stale)

    def published_generation(self) -> int | None:
        """The index generation on disk, checked before every question (``qa.watch``)."""
        return self._watch.current()

    def snapshot(self) -> Snapshot:
        """The newest published index (reopened only when a write published a new generation)."""
        # the check first, also before the first open: its long-lived connection keeps SQLite's shared-memory
        # file in place from then on, so a disk that fills up later cannot stop reads (it would be created)
        published = self.published_generation()
        current = self._snapshot
        if current is not None and published == current.generation:
            return current
        with self._opening:  # eight threads after a write opened the new generation eight times (1M chunks: 16 s each)
            latest = self._snapshot
            # not opened by another thread meanwhile (generations only grow: a restore goes into an empty folder)
            if latest is None or published is None or latest.generation is None or latest.generation < published:
                latest = Snapshot.open(self.settings.data_dir)
                for note in latest.notes:
                    self.warn(f"warning: {note}")
                self._snapshot = latest
            return latest

    def answering_mode(self, snap: Snapshot) -> tuple[Mode, str | None]:
        """The retrieval QA_MODE's answers get over this snapshot (lexical without a usable model), and why
        dense retrieval is unavailable (None when it is, or not asked for): what /readyz and the warm-up say."""
        mode = self.settings.mode
        dense, why = self._dense_status(snap, mode)
        return (mode if dense is not None else "lexical"), why

    def _dense_status(self, snap: Snapshot, mode: Mode) -> tuple[Encoder | None, str | None]:
        """The encoder to use for this snapshot, or why dense retrieval is unavailable."""
        if mode == "lexical":
            return None, None
        encoder = self.encoder()  # tried once per service; a failure is reported in one line
        if encoder is None:
            return None, self._encoder.error
        if snap.vectors is None:
            if snap.chunks:
                return None, "the index has no vectors (it was built without a model); run `qa reindex`"
            return None, None
        if snap.model != encoder.name:
            return None, (f"the index was built with {as_settings(snap.model)} but {as_settings(encoder.name)} is set "
                          "now; run `qa reindex` (or set them back)")
        if snap.vectors.dim != encoder.dim:  # the same name, another model (its folder replaced in place)
            return None, (f"the index holds {snap.vectors.dim}-dimensional vectors but {encoder.name!r} now gives "
                          f"{encoder.dim}; run `qa reindex`")
        return encoder, None

    def ask(self, question: str, *, k: int | None = None, mode: Mode | None = None,
            history: Sequence[str | Mapping[str, object]] | None = None) -> Answer:
        """Answer ``question`` with cited passages. ``history``: the conversation's earlier questions
        (strings, or chat messages of which the user's are read) to resolve a follow-up. Thread-safe.
        Raises InvalidQuestion for what the HTTP API answers with a 422 (``qa.limits``)."""
        history = checked_request(question, k, mode, history)  # InvalidQuestion, as HTTP's 422
        with self.admitted():
            return self._answer(question, k, mode, history)

    def _answer(self, question: str, k: int | None, mode: Mode | None, history: list[str] | None,
                outlets: bool = True) -> Answer:
        """``outlets``: an outlet the question names puts its articles first (``qa.outlets``)."""
        k = k or self.settings.k
        requested: Mode = mode or self.settings.mode
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        # tell the micro-batcher a question is coming, so a batch being formed waits for it (and only then)
        announced = self._query_batcher if requested != "lexical" else None
        if announced is not None:
            announced.announce()
        try:
            snap = self.snapshot()
            encoder, why = self._dense_status(snap, requested)
            used: Mode = requested if encoder is not None else "lexical"
            notice = f"lexical retrieval only: {why}" if why and requested != "lexical" else None
            if not snap.docs:  # a mistyped QA_DATA_DIR starts a new, empty index: say so, not just "no answer"
                notice = "; ".join(filter(None, [EMPTY_INDEX, notice]))
            # as the user meant it: no wrapping (``as_typed``), no "Bạn ơi, cho mình hỏi …", "… vậy ạ?", "please"
            typed, earlier = as_asked(question), [as_asked(turn) for turn in history or []]
            asked, outlet = without_outlet(typed, snap) if outlets else (typed, None)  # "Theo VOV, ...": VOV's first
            asked = as_the_index_writes(asked, snap)  # "Ngoại trưởng TQ gặp ai?": Trung Quốc; "Yang Jiechi", "Thorton"
            # "Bài báo ... được đăng ngày nào?": its dateline; "Who is the author of the CLO report on ...?": its byline
            kind = about_kind(typed, earlier[-1] if earlier else None, outlet is not None and names_its_article(typed, snap))
            context = contextualize(asked, earlier_as_the_index_writes(earlier, snap))
            # "Ai viết?" after one (the turn before finds the article), "Ai viết bài của CLO về ...?" once the outlet's
            # words are out ("Ai viết về ...?"): the words that ask go too
            if kind is not None and about_kind(asked) is None:
                asked = without_about(asked, follows=True)
            query = analyze(asked, context)
            # "Who wrote the CLO article?" names it by its outlet alone: the outlet's only article here, if it has one
            alone = outlet if kind is not None and not context and named_alone(typed, outlet, snap) else None
            named = next(iter(alone.docs)) if alone is not None and len(alone.docs) == 1 else None
        except BaseException:
            if announced is not None:
                announced.withdraw()
            raise
        if encoder is None and announced is not None:
            announced.withdraw()
        timings["load"] = time.perf_counter() - t0
        t = time.perf_counter()
        vector = self._query_vector(encoder, query.combined.text, announced) if encoder is not None else None
        timings["encode"] = time.perf_counter() - t
        t = time.perf_counter()
        depth = max(DEPTH, 2 * k)  # the candidates the rerankers look at
        candidates = Retriever(snap).search(query, k, used, vector, limit=depth)
        timings["search"] = time.perf_counter() - t
        reranker = self.reranker()
        if reranker is not None and candidates:
            t = time.perf_counter()
            candidates = cross_rerank(reranker, snap, query, candidates, depth=depth)
            timings["cross_encoder"] = time.perf_counter() - t
        t = time.perf_counter()
        # dense mode stays purely dense: sentences only pick the highlight, they do not reorder
        ranked = rerank(snap, candidates, query, depth=depth, weight=0.0 if used == "dense" else None)
        first = collapse_near_duplicates(outlet_first(ranked, outlet, lambda item: snap.chunks.doc_id(item.row)),
                                         snap.texts, k, memo=snap.memo)
        timings["rerank"] = time.perf_counter() - t
        t = time.perf_counter()
        answer = credited(snap, kind, build_answer(snap, query, question, first, mode=used,
                                                   threshold=self.settings.abstain_threshold, notice=notice), k, named)
        if alone is not None and named is None:
            answer.notice = "; ".join(filter(None, [answer.notice, f"{alone.name} ran {len(alone.docs)} of the "
                                                                   "articles here: say which one, by what it is about"]))
        timings["answer"] = time.perf_counter() - t
        answer.timings = {name: round(sec * 1000, 3) for name, sec in timings.items()}
        # none of the outlet's articles answers: another's may, said so; not asked about the outlet's article
        # itself ("Ai viết bài Tổ Quốc về …?" of a page without a byline is no question about the news)
        if outlet is not None and kind is None and answer.abstained:
            other = self._answer(without_outlet(typed, snap)[0], k, mode, history, outlets=False)
            if not other.abstained:
                other.question = question
                if other.passages and other.passages[0].doc_id not in outlet.docs:
                    other.notice = "; ".join(filter(None, [other.notice, f"no article from {outlet.name} answers "
                                                                         "this: the answer is from another outlet"]))
                return other
        return answer
