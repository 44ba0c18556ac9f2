"""A read-only, consistent view of the index: chunks, document metadata, BM25, vectors.

Queries run against one snapshot; an ingest publishes a new generation and
readers pick it up by opening a new snapshot, so no query ever mixes versions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from embeddings.index import VectorIndex
from qa.lexical import LexicalIndex
from qa.errors import IndexCorrupt
from qa.store import ChunkRow, Store


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    title: str
    source: str | None
    date: str | None
    author: str | None
    path: str | None


@dataclass
class Snapshot:
    data_dir: Path
    manifest: dict[str, str]
    chunks: list[ChunkRow]
    docs: dict[str, DocMeta]
    raws: dict[str, str]
    lexical: LexicalIndex
    vectors: VectorIndex | None
    row_of: dict[int, int]  # chunk_id -> position in ``chunks``
    # derived per-chunk data computed on first use (e.g. sentence token sets for answer selection)
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def model(self) -> str | None:
        return self.manifest.get("model") or None

    @property
    def generation(self) -> int:
        return int(self.manifest.get("generation", "0"))

    @classmethod
    def open(cls, data_dir: Path, attempts: int = 3) -> "Snapshot":
        """Load the newest published generation (retrying if a writer replaces it meanwhile)."""
        for attempt in range(attempts):
            try:
                return cls._open(data_dir)
            except IndexCorrupt:
                if attempt == attempts - 1 or _generation(data_dir) is None:
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def _open(cls, data_dir: Path) -> "Snapshot":
        store = Store(data_dir)
        try:
            with store.transaction(write=False):  # one consistent read of SQLite
                manifest = store.manifest()
                chunks = store.chunks()
                rows = store.documents()
        finally:
            store.close()
        docs = {d.doc_id: DocMeta(d.doc_id, d.title, d.source, d.date, d.author, d.path) for d in rows}
        raws = {d.doc_id: d.raw for d in rows}
        lexical = LexicalIndex([c.text for c in chunks], doc_ids=[c.doc_id for c in chunks],
                               titles=[docs[c.doc_id].title for c in chunks])
        vectors = None
        if manifest.get("faiss_file"):
            vectors = VectorIndex.load(
                data_dir / manifest["faiss_file"],
                sha256=manifest.get("faiss_sha256"),
                dim=json.loads(manifest.get("dim", "null")),
            )
        return cls(data_dir, manifest, chunks, docs, raws, lexical, vectors, {c.chunk_id: i for i, c in enumerate(chunks)})


def _generation(data_dir: Path) -> int | None:
    store = Store(data_dir)
    try:
        value = store.manifest().get("generation")
        return int(value) if value else None
    finally:
        store.close()
