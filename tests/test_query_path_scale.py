"""The query path at scale: chunks as columns, row lookups, top rows without a full sort, a bounded memo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.chunk_table import ChunkTable, NotASlice
from qa.config import Settings
from qa.fusion import top_rows
from qa.ingest import IngestReport, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.service import QAService
from qa.snapshot import Memo, Snapshot
from qa.store import Store

SEEDS = Path(__file__).parent.parent / "seeds"
QUESTIONS = ["Ai đã gặp nhau tại Rome?", "cuoc gap o Rome keo dai bao lau", "Mỹ-Trung thảo luận gì?",
             "Đà Nẵng", "xe điện VinFast", "chiến sự Israel-Hamas ở Gaza"]


def _ingest(data_dir: Path) -> None:
    report = IngestReport()
    sources = collect_sources([SEEDS], 5_000_000, report)
    Writer(data_dir, Pipeline(Settings(data_dir=data_dir), None)).ingest(sources, report=report)


def test_top_rows_equals_a_stable_full_sort() -> None:
    rng = np.random.default_rng(0)
    for n, size in [(1000, 50), (1000, 1), (50, 50), (50, 80), (7, 0)]:
        scores = rng.integers(0, 5, n).astype(np.float32)  # many ties: the order among them must be by row
        np.testing.assert_array_equal(top_rows(scores, size), np.argsort(-scores, kind="stable")[:size])


def test_per_chunk_memo_forgets_least_recently_used_entries(tmp_path: Path) -> None:
    memo = Memo(size=3)
    for key in "abc":
        memo[key] = key.upper()
    assert memo.get("a") == "A"  # now the most recently used
    memo["d"] = "D"
    assert len(memo) == 3 and memo.get("b") is None and memo.get("a") == "A" and memo.get("d") == "D"

    data = tmp_path / "data"
    _ingest(data)
    service = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda m: None)
    service.snapshot().memo.size = 4
    for q in QUESTIONS:
        service.ask(q)
    assert len(service.snapshot().memo) == 4


def test_chunk_table_gives_the_stored_rows_without_keeping_their_texts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingest(data)
    store = Store(data)
    stored = store.chunks()
    store.close()
    snap = Snapshot.open(data)
    assert len(snap.chunks) == len(stored) > 5
    for row, (got, want) in enumerate(zip(snap.chunks, stored)):
        assert (got.chunk_id, got.doc_id, got.seq, got.start, got.end, got.text) == \
               (want.chunk_id, want.doc_id, want.seq, want.start, want.end, want.text)
        assert snap.row_of[want.chunk_id] == row and snap.texts[row] == want.text
    assert max(c.chunk_id for c in stored) + 1 not in snap.row_of
    assert snap.chunks[1:3] == [snap.chunks[1], snap.chunks[2]]
    raws = dict(snap.raws)
    bad = [(c.chunk_id, c.doc_id, c.seq, c.start, c.end, c.text + "x") for c in stored]
    with pytest.raises(NotASlice, match=f"chunk {stored[0].chunk_id} "):
        ChunkTable(bad, raws)


def test_rows_for_finds_each_chunk_id_or_minus_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingest(data)
    chunks = Snapshot.open(data).chunks
    ids = chunks.chunk_ids
    probe = np.asarray([ids[3], ids[-1] + 5, ids[0], -7, ids[-1]])
    assert chunks.rows_for(probe).tolist() == [3, -1, 0, -1, len(ids) - 1]
