"""embeddings.index: the index chosen by size (exact below EXACT_MAX, IVF-SQ8 above), keyed by chunk id."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

import embeddings.index as vi
from embeddings.index import VectorIndex, kind_for, nlist_for, nprobe_for
from qa.errors import IndexCorrupt

DIM = 32


def unit(n: int, seed: int = 0, clusters: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, DIM)).astype(np.float32)
    if clusters:  # text embeddings are clustered, not uniform on the sphere
        centers = rng.standard_normal((clusters, DIM)).astype(np.float32) * 3
        x = centers[rng.integers(0, clusters, n)] + x
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> int:
    """IVF from 2,000 vectors, so the approximate path runs in milliseconds."""
    monkeypatch.setattr(vi, "EXACT_MAX", 2000)
    monkeypatch.setattr(vi, "TRAIN_PER_LIST", 8)  # fewer training points than FAISS likes: fine for a test
    return 2000


def test_policy_numbers() -> None:
    assert kind_for(49_999) == "flat"
    assert kind_for(50_000) == "ivf1024,sq8"
    assert nlist_for(1_000_000) == 4096
    assert nprobe_for(1024) == 64 and nprobe_for(4096) == 256 and nprobe_for(256) == 32


def test_exact_below_threshold_keeps_its_contract(tmp_path: Path) -> None:
    x = unit(300)
    ids = list(range(100, 400))
    index = VectorIndex.build(DIM, ids, x)
    assert index.kind == "flat" and index.exact
    scores, found = index.search(x[:3], 1)
    assert found[:, 0].tolist() == [100, 101, 102]
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)
    np.testing.assert_array_equal(index.index.reconstruct(150), x[50])
    np.testing.assert_array_equal(index.vectors_for([150, 100]), x[[50, 0]])
    assert sorted(index.ids().tolist()) == ids
    digest = index.save(tmp_path / "v.faiss")
    again = VectorIndex.load(tmp_path / "v.faiss", sha256=digest, dim=DIM)
    assert again.kind == "flat" and again.ntotal == 300


@pytest.mark.usefixtures("small_threshold")
def test_ivf_above_threshold_reconstructs_removes_and_round_trips(tmp_path: Path) -> None:
    x = unit(3000, seed=1, clusters=40)
    ids = np.arange(3000) * 3 + 7  # chunk ids are not positions
    index = VectorIndex.build(DIM, ids.tolist(), x)
    assert index.kind == f"ivf{nlist_for(3000)},sq8" and not index.exact
    assert sorted(index.ids().tolist()) == sorted(ids.tolist())
    # reconstruct(chunk_id), as the fusion pool does: 8-bit codes decode close to the original
    got = index.index.reconstruct(int(ids[10]))
    assert float(got @ x[10]) > 0.999
    assert np.all(np.sum(index.vectors_for(ids[:5]) * x[:5], axis=1) > 0.999)
    # recall against exact search is high at the policy's nprobe
    _, exact = faiss.knn(x[:50], x, 10, metric=faiss.METRIC_INNER_PRODUCT)
    _, found = index.search(x[:50], 10)
    recall = np.mean([len(set(ids[e].tolist()) & set(f.tolist())) / 10 for e, f in zip(exact, found)])
    assert recall >= 0.9
    assert found[0, 0] == ids[0]
    # remove: gone from search and from reconstruct
    index.remove(ids[:100].tolist())
    assert index.ntotal == 2900
    _, found = index.search(x[:5], 5)
    assert not set(found.ravel().tolist()) & set(ids[:100].tolist())
    with pytest.raises(RuntimeError):
        index.index.reconstruct(int(ids[0]))
    with pytest.raises(KeyError):
        index.vectors_for([int(ids[0])])
    # add more under new ids (no retraining needed at this size)
    index.add([10**9], unit(1, seed=5))
    assert index.ntotal == 2901 and 10**9 in set(index.ids().tolist())
    digest = index.save(tmp_path / "ivf.faiss")
    again = VectorIndex.load(tmp_path / "ivf.faiss", sha256=digest, dim=DIM)
    assert again.kind == index.kind and again.ntotal == 2901
    assert faiss.extract_index_ivf(again.index).nprobe == nprobe_for(faiss.extract_index_ivf(again.index).nlist)
    np.testing.assert_allclose(again.index.reconstruct(int(ids[200])), index.index.reconstruct(int(ids[200])))


@pytest.mark.usefixtures("small_threshold")
def test_growing_past_the_threshold_switches_to_ivf_and_shrinking_back_to_exact() -> None:
    x = unit(2100, seed=2)
    index = VectorIndex.build(DIM, list(range(1900)), x[:1900])
    assert index.exact
    index.add(list(range(1900, 2100)), x[1900:])  # crosses EXACT_MAX: rebuilt as IVF from exact vectors
    assert not index.exact and index.ntotal == 2100
    _, found = index.search(x[2050:2051], 1)
    assert found[0, 0] == 2050
    index.remove(list(range(1500)))  # 600 left, below EXACT_MAX / 2: back to exact
    assert index.exact and index.ntotal == 600
    assert sorted(index.ids().tolist()) == list(range(1500, 2100))
    norms = np.linalg.norm(index.vectors_for(list(range(1500, 1510))), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)  # decoded vectors were re-normalised
    _, found = index.search(x[1600:1601], 1)
    assert found[0, 0] == 1600


def test_rebuild_due() -> None:
    index = VectorIndex.build(DIM, list(range(10)), unit(10))
    assert not index.rebuild_due() and index.rebuild_due(vi.EXACT_MAX)


def test_foreign_index_is_refused(tmp_path: Path) -> None:
    data = faiss.serialize_index(faiss.IndexFlatIP(DIM)).tobytes()  # an index without chunk ids
    with pytest.raises(IndexCorrupt, match="id-keyed"):
        VectorIndex.from_bytes(data, tmp_path / "x.faiss", sha256=None, dim=DIM)


def test_single_query_search_restores_the_thread_count() -> None:
    index = VectorIndex.build(DIM, list(range(50)), unit(50))
    before = faiss.omp_get_max_threads()
    index.search(unit(1), 5)
    assert faiss.omp_get_max_threads() == before
    index.search(unit(20), 5)  # a batch keeps OpenMP
    assert faiss.omp_get_max_threads() == before
