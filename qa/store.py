"""SQLite store: documents, chunks with offsets, content-hashed embeddings, manifest.

Schema changes are numbered migrations applied in order (``PRAGMA user_version``).
SQLite's journal makes each ingest one atomic transaction; the FAISS file it
points to is published before the transaction commits (see ``qa.ingest``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.documents import SECTIONS, page_text
from qa.errors import IndexCorrupt, IndexUnavailable
from qa.sqlite_errors import FOREIGN_FIX, WRITE_WAIT_S, sqlite_error

DB_NAME = "qa.sqlite3"
_HAS_PAGE_TEXT = [f"dropped LIKE '%\"{reason}\"%'" for reason in SECTIONS]  # documents with searchable dropped text

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE documents (
        doc_id TEXT PRIMARY KEY,
        path TEXT,
        title TEXT NOT NULL,
        source TEXT,
        date TEXT,
        author TEXT,
        raw TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        paragraphs TEXT NOT NULL,
        dropped TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE chunks (
        chunk_id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        embed_hash TEXT NOT NULL
    );
    CREATE INDEX chunks_doc ON chunks(doc_id);
    CREATE TABLE embeddings (embed_hash TEXT PRIMARY KEY, vector BLOB NOT NULL);
    CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: metadata given with a document (API: title, source, date, author) kept apart from what cleaning
    # extracted, so a rebuild (`qa reindex`, a model change) re-applies it instead of losing it
    """
    ALTER TABLE documents ADD COLUMN meta TEXT NOT NULL DEFAULT '{}'
    """,
]


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: int
    doc_id: str
    seq: int
    start: int
    end: int
    text: str
    embed_hash: str


@dataclass(frozen=True)
class DocumentRow:
    doc_id: str
    path: str | None
    title: str
    source: str | None
    date: str | None
    author: str | None
    raw: str
    content_hash: str
    paragraphs: list[list[int]]
    dropped: list[dict]
    ingested_at: str
    meta: dict[str, str | None] = field(default_factory=dict)  # given with the document; overrides cleaning


WAL_WAIT = 10.0  # seconds a connection retries switching a new index to WAL while another holds it
REQUIRED_TABLES = frozenset({"documents", "chunks", "embeddings", "manifest"})


# the indexes this process has opened: one that disappears afterwards (a volume unmounted, the folder moved)
# is reported, never replaced by a new empty index that every later read and write would then use
_OPENED: set[str] = set()


def forget_opened(data_dir: Path) -> None:
    """Start afresh with ``data_dir``, whose index this process used and which was deleted on purpose ("wipe and
    rebuild" in an application that embeds qa): the next write creates a new index there instead of refusing
    (IndexUnavailable) as it does for an index that vanished (unmounted, moved). For every service of the process."""
    _OPENED.discard(os.path.abspath(data_dir / DB_NAME))


def index_exists(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds an index, or held one this process opened (gone since: ``Store`` says so).
    Reads of a folder without one see an empty index and create nothing (a mistyped QA_DATA_DIR stays a typo)."""
    path = data_dir / DB_NAME
    try:
        return path.exists() or os.path.abspath(path) in _OPENED
    except OSError:  # a folder this user may not look into: Store says what is wrong with it
        return True


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / DB_NAME
        key = os.path.abspath(self.path)
        if key in _OPENED and not self.path.exists():
            raise IndexUnavailable(f"{self.path}: the index this process was using is gone: moved, deleted or "
                                   "unmounted? Put it back (or `qa restore` a snapshot there; deleted on purpose: "
                                   "qa.store.forget_opened, or a new process); nothing was created")
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            # a write waits its turn behind another process's write (an ingest of 100k chunks takes seconds)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=WRITE_WAIT_S)
        except (OSError, sqlite3.Error) as exc:
            raise IndexUnavailable(f"{self.path}: cannot open the index ({getattr(exc, 'strerror', None) or exc}); "
                                   "check QA_DATA_DIR and its permissions") from exc
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._check_ours()
            self._use_wal()
            self.conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.Error as exc:
            self.conn.close()
            if not _read_only_folder(data_dir, exc):
                raise sqlite_error(self.path, exc, "opening") from exc
            self._open_read_only()
        except BaseException:
            self.conn.close()
            raise
        _OPENED.add(key)

    def _open_read_only(self) -> None:
        """An index in a folder this process cannot write (a read-only volume, another user's files): SQLite
        cannot make the shared-memory file WAL reads need, so the file is opened as immutable -- nothing can
        write it meanwhile -- and it answers questions; a write fails with the read-only advice."""
        uri = f"file:{urllib.parse.quote(str(self.path.resolve()))}?mode=ro&immutable=1"
        try:
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            self._check_ours()
            if self.conn.execute("PRAGMA user_version").fetchone()[0] != len(MIGRATIONS):
                raise IndexUnavailable(f"{self.path}: an index of an older qa in a read-only folder; open it once "
                                       "where it can be written (any qa command upgrades it), then serve it read-only")
        except sqlite3.Error as exc:
            self.conn.close()
            raise sqlite_error(self.path, exc, "opening read-only") from exc
        except BaseException:
            self.conn.close()
            raise

    def _check_ours(self) -> None:
        """A file that is not a qa index (another program's database, a newer qa's) is refused, never changed."""
        # one read transaction: a new index being created by another connection is seen before or after its
        # first migration commits (tables and schema version together), never tables without their version
        with self.transaction(write=False):
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 and tables:
            raise IndexCorrupt(f"{self.path}: a SQLite database that is not a qa index (tables: "
                               f"{', '.join(sorted(tables)[:5])}); {FOREIGN_FIX}")
        if version > len(MIGRATIONS):
            raise IndexCorrupt(f"{self.path}: written by a newer version of qa (schema {version}, this one knows "
                               f"{len(MIGRATIONS)}); upgrade qa, or use another QA_DATA_DIR")
        if version and not REQUIRED_TABLES <= tables:
            missing = ", ".join(sorted(REQUIRED_TABLES - tables))
            raise IndexCorrupt(f"{self.path}: not a qa index (schema {version} but no table {missing}); {FOREIGN_FIX}")

    def _use_wal(self) -> None:
        """WAL is a property of the file, set by the first connection. SQLite does not wait on this pragma:
        another connection opening a new index at the same moment finds it locked, and tries again."""
        deadline = time.monotonic() + WAL_WAIT
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue  # another process migrated it meanwhile
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic unit; a read transaction (write=False) sees one consistent state.

        Whatever fails, the body or the COMMIT itself (disk full, I/O error), the
        transaction is rolled back and the exception propagates.
        """
        self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:  # SQLite may already have rolled back (SQLITE_FULL, SQLITE_IOERR)
                pass

    def close(self) -> None:
        self.conn.close()

    # manifest
    def manifest(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM manifest"))

    def set_manifest(self, values: dict[str, object]) -> None:
        self.conn.executemany(
            "INSERT INTO manifest(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values.items()],
        )

    # documents
    def document_hashes(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT doc_id, content_hash FROM documents"))

    def document_paths(self) -> dict[str, str | None]:
        """Where each document was read from (None: posted over HTTP)."""
        return dict(self.conn.execute("SELECT doc_id, path FROM documents"))

    def files(self) -> set[str]:
        """The documents read from a file: a path that is not the URL a posted document was given (its only path)."""
        rows = self.conn.execute("SELECT doc_id, path, meta FROM documents WHERE path IS NOT NULL")
        return {doc_id for doc_id, path, meta in rows if json.loads(meta or "{}").get("url") != path}

    def get_document(self, doc_id: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        values = list(row)
        values[8] = json.loads(values[8])
        values[9] = json.loads(values[9])
        values[11] = json.loads(values[11])
        return DocumentRow(*values)

    def documents(self) -> list[DocumentRow]:
        ids = [r[0] for r in self.conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
        return [d for d in (self.get_document(i) for i in ids) if d is not None]

    def titles(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT doc_id, title FROM documents"))

    def page_text(self) -> dict[str, tuple[tuple[int, int, str], ...]]:  # ``qa.documents.page_text`` where there is some
        rows = self.conn.execute(f"SELECT doc_id, dropped FROM documents WHERE {' OR '.join(_HAS_PAGE_TEXT)}")
        return {doc_id: page_text(json.loads(dropped)) for doc_id, dropped in rows}

    def put_document(self, doc: DocumentRow) -> None:
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
        self.conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id, doc.path, doc.title, doc.source, doc.date, doc.author, doc.raw,
                doc.content_hash, json.dumps(doc.paragraphs), json.dumps(doc.dropped, ensure_ascii=False),
                doc.ingested_at, json.dumps(doc.meta or {}, ensure_ascii=False),
            ),
        )

    def delete_document(self, doc_id: str) -> list[int]:
        ids = [r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        return ids

    # chunks
    def add_chunks(self, doc_id: str, chunks: Iterable[tuple[int, int, str, str]]) -> list[int]:
        ids = []
        for seq, (start, end, text, embed_hash) in enumerate(chunks):
            cur = self.conn.execute(
                "INSERT INTO chunks(doc_id, seq, start, end, text, embed_hash) VALUES (?,?,?,?,?,?)",
                (doc_id, seq, start, end, text, embed_hash),
            )
            ids.append(int(cur.lastrowid))
        return ids

    def chunks(self) -> list[ChunkRow]:
        return [ChunkRow(*r) for r in self.conn.execute("SELECT * FROM chunks ORDER BY chunk_id")]

    def chunk_rows(self) -> Iterator[tuple[int, str, int, int, int, str]]:
        """(chunk_id, doc_id, seq, start, end, text) in chunk_id order, streamed."""
        return iter(self.conn.execute("SELECT chunk_id, doc_id, seq, start, end, text FROM chunks ORDER BY chunk_id"))

    def count(self, table: str) -> int:
        assert table in {"documents", "chunks", "embeddings"}
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    # embeddings, deduplicated by the hash of the exact text the encoder saw
    def missing_embeddings(self, hashes: Iterable[str]) -> set[str]:
        wanted = set(hashes)
        have = {r[0] for r in self.conn.execute("SELECT embed_hash FROM embeddings")}
        return wanted - have

    def put_embeddings(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
            [(h, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for h, v in items],
        )

    def vectors_for(self, chunk_ids: list[int], dim: int) -> np.ndarray:
        out = np.zeros((len(chunk_ids), dim), dtype=np.float32)
        rows = self.conn.execute(
            "SELECT c.chunk_id, e.vector FROM chunks c JOIN embeddings e ON e.embed_hash = c.embed_hash"
        )
        position = {cid: i for i, cid in enumerate(chunk_ids)}
        found = 0
        for cid, blob in rows:
            if cid in position:
                if len(blob) != 4 * dim:
                    raise IndexCorrupt(f"{self.path}: a stored vector has {len(blob) // 4} dimensions, the model "
                                       f"gives {dim}; run `qa reindex` to re-encode the stored documents")
                out[position[cid]] = np.frombuffer(blob, dtype=np.float32)
                found += 1
        if found != len(position):
            raise IndexCorrupt(f"{self.path}: {len(position) - found} chunk(s) have no stored vector; "
                               "run `qa reindex` to re-encode the stored documents")
        return out

    def prune_embeddings(self) -> None:
        self.conn.execute("DELETE FROM embeddings WHERE embed_hash NOT IN (SELECT embed_hash FROM chunks)")


def _read_only_folder(data_dir: Path, exc: sqlite3.Error) -> bool:
    """The open failed only because the folder cannot be written, an index is there, and nothing can write
    it meanwhile: a read-only file system, or a folder and database without any write permission (not
    merely another user's, whose owner could write while it is read as immutable)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    readonly = "readonly" in str(exc) or "READONLY" in name
    # on a read-only mount SQLite cannot create the WAL's shared-memory file: "unable to open database file"
    cantopen = name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in str(exc)
    db = data_dir / DB_NAME
    if not ((readonly or cantopen) and db.is_file() and not os.access(data_dir, os.W_OK)):
        return False
    if os.statvfs(data_dir).f_flag & os.ST_RDONLY:
        return True
    if not readonly:
        return False  # CANTOPEN on a writable file system is another problem: reported as it is
    no_write = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return not (data_dir.stat().st_mode & no_write) and not (db.stat().st_mode & no_write)
