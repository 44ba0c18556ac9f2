"""SQLite store: documents, chunks with offsets, content-hashed embeddings, manifest.

Schema changes are numbered migrations applied in order (``PRAGMA user_version``).
SQLite's journal makes each ingest one atomic transaction; the FAISS file it
points to is published before the transaction commits (see ``qa.ingest``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import IndexCorrupt

DB_NAME = "qa.sqlite3"

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


class Store:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DB_NAME
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _migrate(self) -> None:
        try:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise IndexCorrupt(f"{self.path}: a SQLite file that is not a qa index; move it away or set QA_DATA_DIR")
        except sqlite3.DatabaseError as exc:
            raise IndexCorrupt(f"{self.path}: not a readable SQLite database ({exc}); run `qa reindex` or move it away") from exc
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction():
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic unit; a read transaction (write=False) sees one consistent state."""
        self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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

    def get_document(self, doc_id: str) -> DocumentRow | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            return None
        values = list(row)
        values[8] = json.loads(values[8])
        values[9] = json.loads(values[9])
        return DocumentRow(*values)

    def documents(self) -> list[DocumentRow]:
        ids = [r[0] for r in self.conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
        return [d for d in (self.get_document(i) for i in ids) if d is not None]

    def put_document(self, doc: DocumentRow) -> None:
        self.conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc.doc_id,))
        self.conn.execute(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id, doc.path, doc.title, doc.source, doc.date, doc.author, doc.raw,
                doc.content_hash, json.dumps(doc.paragraphs), json.dumps(doc.dropped, ensure_ascii=False),
                doc.ingested_at,
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
        for cid, blob in rows:
            if cid in position:
                out[position[cid]] = np.frombuffer(blob, dtype=np.float32)
        return out

    def prune_embeddings(self) -> None:
        self.conn.execute("DELETE FROM embeddings WHERE embed_hash NOT IN (SELECT embed_hash FROM chunks)")
