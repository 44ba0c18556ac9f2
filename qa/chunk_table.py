"""A snapshot's chunks as columns: ids and offsets in numpy arrays, texts sliced from the documents.

A chunk's text is, by construction, ``raw[start:end]`` of its document; keeping
it a second time as a Python string per chunk (plus a row object) cost ~1.6 KB
per chunk, 1.6 GB at a million chunks. Here a chunk costs 28 bytes; rows are
made on access, and ``row_of`` is a binary search over the sorted chunk ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np

from qa.store import ChunkRow


class NotASlice(ValueError):
    """A stored chunk whose text is not its document's slice at its offsets (or whose document is missing)."""

    def __init__(self, chunk_id: int, doc_id: str) -> None:
        super().__init__(f"chunk {chunk_id} of {doc_id!r} does not slice its document")
        self.chunk_id, self.doc_id = chunk_id, doc_id


class ChunkTable(Sequence[ChunkRow]):
    def __init__(self, rows: Iterable[tuple[int, str, int, int, int, str]], raws: dict[str, str]) -> None:
        """``rows``: (chunk_id, doc_id, seq, start, end, text) in chunk_id order; each text is checked against ``raws``."""
        self.raws = raws
        self.doc_ids: list[str] = []  # distinct, in order of first appearance
        position: dict[str, int] = {}
        ids, docs, seqs, starts, ends = [], [], [], [], []
        for chunk_id, doc_id, seq, start, end, text in rows:
            raw = raws.get(doc_id)
            if raw is None or not (0 <= start < end <= len(raw)) or raw[start:end] != text:
                raise NotASlice(chunk_id, doc_id)
            d = position.get(doc_id)
            if d is None:
                d = position[doc_id] = len(self.doc_ids)
                self.doc_ids.append(doc_id)
            ids.append(chunk_id), docs.append(d), seqs.append(seq), starts.append(start), ends.append(end)
        self.chunk_ids = np.asarray(ids, dtype=np.int64)
        self.doc_index = np.asarray(docs, dtype=np.int32)
        self.seq = np.asarray(seqs, dtype=np.int32)
        self.start = np.asarray(starts, dtype=np.int64)
        self.end = np.asarray(ends, dtype=np.int64)
        self.texts = _Texts(self)
        self.row_of = _RowOf(self.chunk_ids)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @overload
    def __getitem__(self, i: int) -> ChunkRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[ChunkRow]: ...
    def __getitem__(self, i: int | slice) -> ChunkRow | list[ChunkRow]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        doc_id = self.doc_ids[self.doc_index[i]]
        start, end = int(self.start[i]), int(self.end[i])
        return ChunkRow(int(self.chunk_ids[i]), doc_id, int(self.seq[i]), start, end, self.raws[doc_id][start:end], "")

    def __iter__(self) -> Iterator[ChunkRow]:
        return (self[i] for i in range(len(self)))

    def rows_for(self, chunk_ids: np.ndarray) -> np.ndarray:
        """The row of each chunk id (-1 where there is none), vectorised."""
        ids = np.asarray(chunk_ids, dtype=np.int64)
        rows = np.searchsorted(self.chunk_ids, ids)
        found = rows < len(self.chunk_ids)
        found[found] = self.chunk_ids[rows[found]] == ids[found]
        return np.where(found, rows, -1)

    def doc_id(self, row: int) -> str:
        return self.doc_ids[self.doc_index[row]]

    def doc_id_list(self) -> list[str]:
        return [self.doc_ids[d] for d in self.doc_index.tolist()]


class _Texts(Sequence[str]):
    """Chunk texts by row, sliced from the documents on access."""

    def __init__(self, table: ChunkTable) -> None:
        self._t = table

    def __len__(self) -> int:
        return len(self._t)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        t = self._t
        return t.raws[t.doc_ids[t.doc_index[i]]][int(t.start[i]) : int(t.end[i])]


class _RowOf:
    """chunk_id -> row, as a dict would answer it (chunk ids are stored sorted)."""

    def __init__(self, chunk_ids: np.ndarray) -> None:
        self._ids = chunk_ids

    def _find(self, chunk_id: int) -> int:
        i = int(np.searchsorted(self._ids, chunk_id))
        return i if i < len(self._ids) and self._ids[i] == chunk_id else -1

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, (int, np.integer)) and self._find(int(chunk_id)) >= 0

    def __getitem__(self, chunk_id: int) -> int:
        i = self._find(int(chunk_id))
        if i < 0:
            raise KeyError(chunk_id)
        return i

    def get(self, chunk_id: int, default: int | None = None) -> int | None:
        i = self._find(int(chunk_id))
        return default if i < 0 else i

    def __len__(self) -> int:
        return len(self._ids)
