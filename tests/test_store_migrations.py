"""Numbered schema migrations, and document metadata that survives a rebuild."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qa.config import Settings
from qa.ingest import SourceText, Writer
from qa.pipeline import Pipeline
from qa.store import DB_NAME, MIGRATIONS, Store

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_77bbef4bb3bb361f.txt"


def test_an_index_of_schema_1_is_migrated_in_place(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO documents VALUES ('d1', NULL, 'T', NULL, NULL, NULL, 'raw', 'h', '[]', '[]', 'now')")
    conn.commit()
    conn.close()

    store = Store(tmp_path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        doc = store.get_document("d1")
        assert doc is not None and doc.title == "T" and doc.meta == {}
    finally:
        store.close()


def test_given_metadata_survives_reindex(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    writer = Writer(settings.data_dir, Pipeline(settings, None))
    meta = {"title": "A title given by the API", "source": "Given outlet", "date": "2017-06-20"}
    writer.ingest([SourceText("given", SEED.read_text(encoding="utf-8"), None, meta)])
    writer.reindex()
    store = Store(settings.data_dir)
    try:
        doc = store.get_document("given")
    finally:
        store.close()
    assert doc is not None
    assert (doc.title, doc.source, doc.date) == ("A title given by the API", "Given outlet", "2017-06-20")
    assert doc.meta == meta


def test_connections_opening_a_new_index_at_once_all_succeed(tmp_path: Path) -> None:
    """Threads (or a server and a CLI) opening the same new data dir together: one creates the schema, none
    takes the half-made file for another program's database or gives up on the lock of the WAL switch."""
    import threading

    failures: list[str] = []
    for rep in range(40):
        data_dir = tmp_path / f"d{rep}"

        def open_it() -> None:
            try:
                Store(data_dir).close()
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                failures.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == [], failures[:3]
    store = Store(tmp_path / "d0")
    try:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
