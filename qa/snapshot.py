"""A read-only, consistent view of the index: chunks, document metadata, BM25, vectors.

Queries run against one snapshot; an ingest publishes a new generation and
readers pick it up by opening a new snapshot, so no query ever mixes versions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from embeddings.index import VectorIndex
from qa import lexical_files
from qa.chunk_table import ChunkTable, NotASlice
from qa.cleaning import collapse
from qa.documents import CREDITS, chunk_section, page_text
from qa.lexical import LexicalIndex
from qa.errors import IndexCorrupt
from qa.sqlite_errors import FOREIGN_FIX as DAMAGED_DB_FIX, is_damage, sqlite_error
from qa.store import DocumentRow, Store, index_exists
from qa.text import nfc


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    title: str
    source: str | None
    date: str | None
    author: str | None
    path: str | None
    heading: tuple[int, int] | None = None  # the title line's span in the original, when a line is only the title
    extra: tuple[tuple[int, int, str], ...] = ()  # the page's searchable text beside the article (``page_text``)
    credits: tuple[tuple[int, int, str], ...] = ()  # its dateline, byline, outlet tag and agency lines (``CREDITS``)
    body: tuple[int, int] | None = None  # from its first kept paragraph's start to its last one's end

    def section(self, start: int) -> str:
        """"body" for the article's text; "related" in a related article's headline or lead, "footer" in the
        footer (``chunk_section``)."""
        return chunk_section(self.extra, start)


def heading_span(row: DocumentRow) -> tuple[int, int] | None:
    """The first kept paragraph when it is a headline: the title and nothing more (an outlet tag cut off before
    it is not part of it), not ending like a sentence ("Amazon rainforest", "… thảo luận gì tại Rome?"). A
    lead paragraph that served as the title ("Thủ tướng tiếp Đại sứ … chiều ngày 5/3.") is text like any
    other, and a whole article on one line, whose title is its first sentence, has none."""
    if not row.paragraphs:
        return None
    start, end = row.paragraphs[0]
    text = collapse(row.raw[start:end])
    if text != collapse(row.title) or text.rstrip("”\"'’»)]").endswith((".", "!", "…")):
        return None
    return start, end


def body_extent(row: DocumentRow) -> tuple[int, int] | None:
    """Where the article's kept text begins and ends in the original: its page's other text after it (a list of other
    news, dated) is not the article's (``qa.years``)."""
    return (row.paragraphs[0][0], row.paragraphs[-1][1]) if row.paragraphs else None


_MISSING = object()
MEMO_SIZE = 20_000  # entries (one per chunk and field): ~2 KB each, so ~40 MB at most


class Memo:
    """A thread-safe dict that forgets its least recently used entries beyond ``size``.

    Per-chunk data derived at query time must not grow with every chunk ever
    asked about: at a million chunks that would be gigabytes after a few days.
    """

    def __init__(self, size: int = MEMO_SIZE) -> None:
        self.size = size
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object, default: object = None) -> object:
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                return default
            self._data.move_to_end(key)
            return value

    def __setitem__(self, key: object, value: object) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)



@dataclass
class Snapshot:
    data_dir: Path
    manifest: dict[str, str]
    chunks: ChunkTable  # a sequence of ChunkRow, by row
    docs: dict[str, DocMeta]
    raws: dict[str, str]
    lexical: LexicalIndex
    vectors: VectorIndex | None
    row_of: Mapping[int, int]  # chunk_id -> position in ``chunks``
    # what could not be used as stored and was rebuilt (e.g. a damaged BM25 file), for the operator
    notes: list[str] = field(default_factory=list, compare=False)
    # derived per-chunk data computed on first use (e.g. sentence token sets for answer selection)
    memo: "Memo" = field(default_factory=lambda: Memo(), repr=False, compare=False)

    @property
    def texts(self) -> Sequence[str]:
        """Chunk texts by row, sliced from the documents on access (never list them per question)."""
        return self.chunks.texts

    @property
    def model(self) -> str | None:
        return self.manifest.get("model") or None

    def per_document(self, name: str, row: int, read: Callable[[str, str], object]) -> object:
        """``read(doc_id, text)`` for the document of chunk ``row``, its text in NFC (a file may be written NFD),
        worked out once per document and kept in the memo under ``name``."""
        doc_id = self.chunks.doc_id(row)
        found = self.memo.get((name, doc_id))
        if found is None:
            found = self.memo[(name, doc_id)] = read(doc_id, nfc(self.raws[doc_id]))
        return found

    def section(self, row: int) -> str:
        """The chunk's ``DocMeta.section``: "body", or "related" / "footer" for its page's other text."""
        meta = self.docs[self.chunks.doc_id(row)]
        return meta.section(int(self.chunks.start[row])) if meta.extra else "body"

    @property
    def generation(self) -> int:
        return _manifest_generation(self.manifest) or 0

    @classmethod
    def open(cls, data_dir: Path, attempts: int = 8) -> "Snapshot":
        """Load the newest published generation, verified (retrying if a writer replaces it meanwhile).

        Damage (a FAISS file whose checksum, dimension or ids disagree with the
        manifest, chunks that do not slice their document, a file that is not a
        qa index) raises ``IndexCorrupt`` naming the file and the fix; it is never
        served. A failure explained by a newer generation being published while
        we read (its writer removed the old FAISS file) is retried.
        """
        manifest, chunks, rows, vectors = _load(data_dir, attempts)
        docs = {d.doc_id: DocMeta(d.doc_id, d.title, d.source, d.date, d.author, d.path, heading_span(d),
                                  page_text(d.dropped), page_text(d.dropped, CREDITS), body_extent(d)) for d in rows}
        doc_ids = chunks.doc_id_list()
        leads = {d: meta.extra for d, meta in docs.items() if meta.extra}

        def counted() -> list[bool] | None:  # only when the BM25 file cannot be used (it stores its own)
            return lexical_files.own_text(zip(doc_ids, chunks.start.tolist(), chunks.end.tolist()), leads) if leads else None

        lexical, note = lexical_files.open_index(data_dir, manifest, chunks.texts, doc_ids,
                                                 [docs[d].title for d in doc_ids], counted)
        if note and attempts > 1 and _generation(data_dir) != _manifest_generation(manifest):
            return cls.open(data_dir, attempts - 1)  # a writer published (and collected this folder) meanwhile
        return cls(data_dir, manifest, chunks, docs, chunks.raws, lexical, vectors, chunks.row_of,
                   notes=[note] if note else [])


def verify(data_dir: Path, attempts: int = 8) -> dict[str, object]:
    """Every check ``Snapshot.open`` makes, without building the BM25 index: what the published generation holds."""
    manifest, chunks, rows, vectors = _load(data_dir, attempts)
    return {"generation": _manifest_generation(manifest) or 0, "documents": len(rows), "chunks": len(chunks),
            "vectors": vectors.ntotal if vectors is not None else 0, "model": manifest.get("model") or None,
            "faiss_file": manifest.get("faiss_file") or None, "bm25_file": manifest.get("bm25_file") or None}


Loaded = tuple[dict[str, str], ChunkTable, list[DocumentRow], "VectorIndex | None"]


def _load(data_dir: Path, attempts: int) -> Loaded:
    for attempt in range(attempts):
        try:
            return _load_once(data_dir)
        except _Superseded:
            time.sleep(0.01 * attempt)
    return _load_once(data_dir, last_try=True)


def _load_once(data_dir: Path, *, last_try: bool = False) -> Loaded:
    if not index_exists(data_dir):  # nothing ingested there yet: an empty index, and no file made for it
        return {}, ChunkTable([], {}), [], None
    store = Store(data_dir)
    try:
        try:
            with store.transaction(write=False):  # one consistent read of SQLite and of the FAISS file it names
                problems = [r[0] for r in store.conn.execute("PRAGMA quick_check(3)")]  # ~1 ms per MB
                if problems != ["ok"]:
                    raise IndexCorrupt(f"{store.path}: damaged database ({'; '.join(problems)}); {DAMAGED_DB_FIX}")
                manifest = store.manifest()
                rows = store.documents()
                try:
                    chunks, not_a_slice = ChunkTable(store.chunk_rows(), {d.doc_id: d.raw for d in rows}), None
                except NotASlice as exc:
                    chunks, not_a_slice = ChunkTable([], {}), exc
                faiss_path, faiss_bytes, faiss_error = _read_faiss(data_dir, manifest)
        except sqlite3.Error as exc:
            if not last_try and not is_damage(exc):
                raise _Superseded() from exc  # a lock or I/O hiccup: try again
            raise sqlite_error(store.path, exc, "reading") from exc
    finally:
        store.close()
    try:
        if not_a_slice is not None:
            raise IndexCorrupt(f"{store.path}: {not_a_slice}; {REINDEX}")
        vectors = _verify(store.path, manifest, chunks, rows, faiss_path, faiss_bytes, faiss_error)
    except IndexCorrupt:
        if not last_try and _generation(data_dir) != _manifest_generation(manifest):
            raise _Superseded() from None
        raise
    return manifest, chunks, rows, vectors


REINDEX = "run `qa reindex` to rebuild chunks and vectors from the stored documents"


class _Superseded(Exception):
    """A newer generation was published while this one was read."""


def _read_faiss(data_dir: Path, manifest: dict[str, str]) -> tuple[Path | None, bytes | None, str | None]:
    name = manifest.get("faiss_file")
    if not name:
        return None, None, None
    path = data_dir / name
    if Path(name).name != name or not name.endswith(".faiss"):
        return path, None, "the manifest names a file outside the index folder"
    try:
        return path, path.read_bytes(), None
    except OSError as exc:
        return path, None, exc.strerror or str(exc)


def _manifest_generation(manifest: dict[str, str]) -> int | None:
    try:
        return int(manifest["generation"])
    except (KeyError, ValueError):
        return None


def _verify(db: Path, manifest: dict[str, str], chunks: ChunkTable, rows: list[DocumentRow], faiss_path: Path | None,
            faiss_bytes: bytes | None, faiss_error: str | None) -> VectorIndex | None:
    """The vectors of a consistent index, or IndexCorrupt naming the file and the fix."""
    reindex = REINDEX
    if len(chunks) and _manifest_generation(manifest) is None:
        raise IndexCorrupt(f"{db}: the manifest is missing or damaged (no generation); {reindex}")
    try:
        recorded = int(manifest.get("faiss_ntotal") or 0)
        dim = json.loads(manifest.get("dim") or "null")
    except ValueError:
        raise IndexCorrupt(f"{db}: the manifest is damaged (faiss_ntotal / dim unreadable); {reindex}") from None
    if faiss_path is None:
        if manifest.get("model"):
            raise IndexCorrupt(f"{db}: the manifest names model {manifest['model']!r} but no vector file; {reindex}")
        if recorded:
            raise IndexCorrupt(f"{db}: the manifest counts {recorded} vectors but names no vector file; {reindex}")
        return None
    if faiss_error is not None:
        raise IndexCorrupt(f"{faiss_path}: cannot read the vector index ({faiss_error}); {reindex}")
    if dim is not None and not isinstance(dim, int):
        raise IndexCorrupt(f"{db}: the manifest's dimension {dim!r} is not a number; {reindex}")
    vectors = VectorIndex.from_bytes(faiss_bytes or b"", faiss_path, sha256=manifest.get("faiss_sha256") or None, dim=dim)
    if not (vectors.ntotal == recorded == len(chunks)):
        raise IndexCorrupt(f"{faiss_path}: holds {vectors.ntotal} vectors, the manifest says {recorded} and "
                           f"{db.name} has {len(chunks)} chunks; {reindex}")
    if not np.array_equal(np.sort(vectors.ids()), chunks.chunk_ids):  # chunk ids are read in ascending order
        raise IndexCorrupt(f"{faiss_path}: its vector ids are not the chunk ids of {db.name}; {reindex}")
    return vectors


def _generation(data_dir: Path) -> int | None:
    """The published generation (None for an empty or damaged manifest, or no index): cheap, one small query."""
    if not index_exists(data_dir):
        return None
    store = Store(data_dir)
    try:
        return _manifest_generation(store.manifest())
    except sqlite3.Error as exc:
        raise sqlite_error(store.path, exc, "reading the manifest") from exc
    finally:
        store.close()
