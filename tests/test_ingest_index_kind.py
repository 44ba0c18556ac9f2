"""An ingest that moves the vector index to another kind trains it on SQLite's exact vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import embeddings.index as vi
from embeddings.encoder import load_encoder
from embeddings.index import VectorIndex
from qa.config import Settings
from qa.ingest import SourceText, Writer
from qa.pipeline import Pipeline
from qa.snapshot import Snapshot
from qa.store import Store

TOWNS = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Hải Phòng", "Vinh", "Quy Nhơn", "Đà Lạt"]


def _docs(start: int, n: int) -> list[SourceText]:
    return [SourceText(f"tin-{i:04d}", f"Bản tin {i}\n\nXe buýt số {i} chạy từ {TOWNS[i % 8]} đến "
                                       f"{TOWNS[(i * 3 + 1) % 8]} với {100 + i} hành khách mỗi ngày.\n")
            for i in range(start, start + n)]


def test_growing_past_the_threshold_builds_ivf_from_exact_vectors(tmp_path: Path, tiny_model_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vi, "EXACT_MAX", 300)
    monkeypatch.setattr(vi, "TRAIN_PER_LIST", 2)
    data = tmp_path / "data"
    writer = Writer(data, Pipeline(Settings(data_dir=data), load_encoder(str(tiny_model_dir))))
    writer.ingest(_docs(0, 200))
    assert Snapshot.open(data).vectors.exact

    def decoded(self: VectorIndex, ids: np.ndarray) -> np.ndarray:
        raise AssertionError("a rebuild must not start from vectors decoded out of the old index")

    monkeypatch.setattr(VectorIndex, "_decoded", decoded)
    writer.ingest(_docs(200, 200))  # 400 chunks >= EXACT_MAX: a new IVF index
    snap = Snapshot.open(data)
    assert not snap.vectors.exact and snap.vectors.ntotal == len(snap.chunks) == 400
    ids = [c.chunk_id for c in snap.chunks]
    store = Store(data)
    exact = store.vectors_for(ids, snap.vectors.dim)
    store.close()
    stored = snap.vectors.vectors_for(ids)
    assert np.abs(stored - exact).max() < 0.05  # 8-bit codes of the exact vectors
    found = snap.vectors.search(exact[:20], 1)[1][:, 0]
    assert (found == np.asarray(ids[:20])).mean() >= 0.9
