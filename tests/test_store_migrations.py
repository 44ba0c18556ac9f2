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
