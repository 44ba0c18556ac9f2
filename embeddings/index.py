"""FAISS vectors keyed by chunk id: exact inner product over L2-normalised vectors."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from qa.errors import IndexCorrupt
from qa.fsutil import atomic_write_bytes, sha256_bytes


class VectorIndex:
    def __init__(self, index: faiss.Index) -> None:
        self.index = index

    @classmethod
    def empty(cls, dim: int) -> "VectorIndex":
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def build(cls, dim: int, ids: list[int], vectors: np.ndarray) -> "VectorIndex":
        index = cls.empty(dim)
        index.add(ids, vectors)
        return index

    @property
    def dim(self) -> int:
        return self.index.d

    @property
    def ntotal(self) -> int:
        return self.index.ntotal

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if ids:
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))

    def remove(self, ids: list[int]) -> None:
        if ids:
            self.index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and chunk ids, best first; ids are -1 past the end of the index."""
        k = max(1, min(k, self.ntotal))
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def save(self, path: Path) -> str:
        """Publish atomically; returns the file's sha256 for the manifest."""
        data = faiss.serialize_index(self.index).tobytes()
        atomic_write_bytes(path, data)
        return sha256_bytes(data)

    def ids(self) -> np.ndarray:
        """The chunk ids held, in insertion order."""
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    @classmethod
    def load(cls, path: Path, *, sha256: str | None, dim: int | None) -> "VectorIndex":
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise IndexCorrupt(f"{path}: cannot read the vector index ({exc.strerror}); run `qa reindex`") from exc
        return cls.from_bytes(data, path, sha256=sha256, dim=dim)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path, *, sha256: str | None, dim: int | None) -> "VectorIndex":
        """Deserialize ``data`` (the content of ``path``), verifying the manifest's checksum and dimension first."""
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
        return cls(index)
