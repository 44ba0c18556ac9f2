"""FAISS vectors keyed by chunk id: inner product over L2-normalised vectors, index chosen by size.

* Below ``EXACT_MAX`` vectors (50,000): exact search, ``IndexIDMap2(IndexFlatIP)``. A query costs
  n x dim multiply-adds (about 5 ms at 50k x 384 on one core), so there is nothing to gain from an
  approximation, and results are exact.
* From ``EXACT_MAX`` up: ``IndexIVFScalarQuantizer`` (FAISS "IVF{nlist},SQ8"), as the FAISS
  guidelines suggest when memory matters and there are fewer than ~10M vectors: nlist is the power
  of two nearest 4*sqrt(n) (1024 at 50k, 4096 at 1M), trained (k-means, ``TRAIN_ITERATIONS``
  iterations) on at most ``TRAIN_PER_LIST`` * nlist sampled vectors; codes are 1 byte per
  dimension (a quarter of float32). ``nprobe`` = max(``MIN_NPROBE``, nlist / ``PROBE_DIVISOR``),
  i.e. ~6% of the lists, which measured recall@10 >= 0.95 against exact search at 100k and 1M
  (``benchmarks/bench_scale.py``; the README's Performance section has the table).
  HNSW (IndexHNSWFlat, M=32) was measured too and not chosen: it cannot remove ids (every
  re-ingest of a document removes its old chunks), it keeps float32 vectors plus the graph, it
  built slower here, and with real (out-of-distribution) query vectors it needed efSearch 256
  and efConstruction 80 to reach recall@10 0.95.

The IVF index stores chunk ids natively (``add_with_ids``) with a hash-table direct map, so
``index.reconstruct(chunk_id)`` (used for the fusion pool), ``remove_ids`` and incremental
``add`` work as with the exact index. Reconstructed vectors of an IVF index are the 8-bit
decoded ones (cosine to the original > 0.999); ``vectors_for(ids)`` returns several at once.

When ``add``/``remove`` move the size across a boundary (exact <-> IVF, or nlist off by 4x),
the index is rebuilt in place from its own vectors (exact ones when coming from the flat index).
A caller holding the original float32 vectors (SQLite does) gets an exact rebuild with
``VectorIndex.build``; ``rebuild_due(n)`` says when that is worth it.
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexCorrupt
from qa.fsutil import atomic_write_bytes, sha256_bytes

EXACT_MAX = 50_000  # below: exact IndexFlatIP; from here: IVF + SQ8
TRAIN_PER_LIST = 40  # k-means training points per list (FAISS warns below 39)
TRAIN_ITERATIONS = 10
MIN_NPROBE = 32
PROBE_DIVISOR = 16  # nprobe = nlist / 16: about 6% of the lists are scanned per query
SEED = 1234
SERIAL_BELOW = 8  # searches of fewer queries run without OpenMP threads


def nlist_for(n: int) -> int:
    """Inverted lists for ``n`` vectors: the power of two nearest 4*sqrt(n), at least 256."""
    return max(256, 2 ** round(math.log2(4 * math.sqrt(max(n, 1)))))


def nprobe_for(nlist: int) -> int:
    return min(nlist, max(MIN_NPROBE, nlist // PROBE_DIVISOR))


def kind_for(n: int) -> str:
    """'flat' (exact) or 'ivf{nlist},sq8' for an index of ``n`` vectors."""
    return "flat" if n < EXACT_MAX else f"ivf{nlist_for(n)},sq8"


def _ivf(index: faiss.Index) -> faiss.IndexIVF | None:
    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None


class VectorIndex:
    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def empty(cls, dim: int) -> "VectorIndex":
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def build(cls, dim: int, ids: list[int], vectors: np.ndarray) -> "VectorIndex":
        """The index for this many vectors (exact below ``EXACT_MAX``, IVF-SQ8 above)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), dim)
        if len(ids) < EXACT_MAX:
            index = cls.empty(dim)
            index.add(ids, vectors)
            return index
        return cls(_build_ivf(dim, np.asarray(ids, dtype=np.int64), vectors))

    @property
    def dim(self) -> int:
        return self.index.d

    @property
    def ntotal(self) -> int:
        return self.index.ntotal

    @property
    def kind(self) -> str:
        ivf = _ivf(self.index)
        return "flat" if ivf is None else f"ivf{ivf.nlist},sq8"

    @property
    def exact(self) -> bool:
        return _ivf(self.index) is None

    def rebuild_due(self, n: int | None = None) -> bool:
        """Whether an index of ``n`` vectors (default: its own size) should be built anew: it would
        change kind (exact <-> IVF), or its nlist is 4x off what ``n`` vectors call for."""
        n = self.ntotal if n is None else n
        ivf = _ivf(self.index)
        if ivf is None:
            return n >= EXACT_MAX
        if n < EXACT_MAX // 2:  # hysteresis: a shrinking IVF index goes back to exact at half the threshold
            return True
        target = nlist_for(n)
        return target >= 4 * ivf.nlist or 4 * target <= ivf.nlist

    def ids(self) -> np.ndarray:
        """The chunk ids held (int64; insertion order for the exact index, list order for IVF)."""
        ivf = _ivf(self.index)
        if ivf is None:
            return faiss.vector_to_array(self.index.id_map).astype(np.int64)
        invlists = ivf.invlists
        parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                 for i in range(ivf.nlist) if invlists.list_size(i)]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)

    def vectors_for(self, ids: list[int] | np.ndarray) -> np.ndarray:
        """float32 (len(ids), dim): the stored vectors of these chunk ids (8-bit decoded for IVF)."""
        keys = np.asarray(ids, dtype=np.int64)
        if not len(keys):
            return np.zeros((0, self.dim), dtype=np.float32)
        try:
            return self.index.reconstruct_batch(keys)
        except RuntimeError as exc:  # an id that is not in the index
            raise KeyError(f"chunk id(s) not in the vector index: {exc}") from exc

    def _decoded(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors re-normalised (8-bit decoding moves the norm by ~1e-4), for a rebuild."""
        vectors = self.vectors_for(ids)
        if not self.exact:
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        keys = np.asarray(ids, dtype=np.int64)
        if self.rebuild_due(self.ntotal + len(keys)):
            old = self.ids()
            all_ids = np.concatenate([old, keys])
            all_vectors = np.vstack([self._decoded(old), vectors]) if len(old) else vectors
            self.index = VectorIndex.build(self.dim, all_ids.tolist(), all_vectors).index
            return
        self.index.add_with_ids(vectors, keys)

    def remove(self, ids: list[int]) -> None:
        if not len(ids):
            return
        self.index.remove_ids(np.asarray(ids, dtype=np.int64))
        if not self.exact and self.rebuild_due():
            keep = self.ids()
            self.index = VectorIndex.build(self.dim, keep.tolist(), self._decoded(keep)).index

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and chunk ids, best first; ids are -1 past the end of the index.

        A few queries are searched on the calling thread alone: FAISS parallelises over queries, so
        one query gains nothing from OpenMP, while every server worker thread that enters an OpenMP
        region gets its own spinning thread team (measured: 5.5 -> 1.2 ms per question over HTTP
        on 2 cores). The thread count is a per-thread OpenMP setting, restored afterwards."""
        k = max(1, min(k, self.ntotal))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if len(queries) >= SERIAL_BELOW:
            return self.index.search(queries, k)
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self.index.search(queries, k)
        finally:
            faiss.omp_set_num_threads(threads)

    def save(self, path: Path) -> str:
        """Publish atomically; returns the file's sha256 for the manifest."""
        data = faiss.serialize_index(self.index).tobytes()
        atomic_write_bytes(path, data)
        return sha256_bytes(data)

    @classmethod
    def load(cls, path: Path, *, sha256: str | None, dim: int | None) -> "VectorIndex":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IndexCorrupt(f"{path}: cannot read the vector index ({exc.strerror}); run `qa reindex`") from exc
        return cls.from_bytes(data, path, sha256=sha256, dim=dim)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path, *, sha256: str | None, dim: int | None) -> "VectorIndex":
        """The index serialised in ``data`` (read from ``path``, named in errors), checked against the manifest."""
        if sha256 is not None and sha256_bytes(data) != sha256:
            raise IndexCorrupt(f"{path}: checksum does not match the manifest (damaged file); run `qa reindex` "
                               "to rebuild it from the vectors stored in SQLite")
        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "unreadable"
            raise IndexCorrupt(f"{path}: not a FAISS index ({first}); run `qa reindex`") from exc
        if dim is not None and index.d != dim:
            raise IndexCorrupt(f"{path}: vectors have dimension {index.d}, the manifest says {dim}; run `qa reindex`")
        ivf = _ivf(index)
        if ivf is not None:  # search settings follow the current policy, whatever the file says
            ivf.nprobe = nprobe_for(ivf.nlist)
            if ivf.direct_map.type != faiss.DirectMap.Hashtable:
                raise IndexCorrupt(f"{path}: an IVF index without an id map (not written by qa); run `qa reindex`")
        elif not isinstance(index, faiss.IndexIDMap2):
            raise IndexCorrupt(f"{path}: not an id-keyed index (not written by qa); run `qa reindex`")
        return cls(index)


def _build_ivf(dim: int, ids: np.ndarray, vectors: np.ndarray) -> faiss.Index:
    n = len(ids)
    nlist = nlist_for(n)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = TRAIN_ITERATIONS
    index.cp.seed = SEED
    sample = min(n, TRAIN_PER_LIST * nlist)
    rows = np.random.default_rng(SEED).choice(n, sample, replace=False) if sample < n else np.arange(n)
    index.train(vectors[np.sort(rows)])
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # reconstruct(chunk_id) and remove_ids
    index.nprobe = nprobe_for(nlist)
    index.add_with_ids(vectors, ids)
    return index
