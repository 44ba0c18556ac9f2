"""The published generation is checked before every question: a write by another process is
seen at the next question, and the manifest is not read again while nothing changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import qa.watch
from qa.config import Settings
from qa.service import QAService

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _service(data: Path) -> QAService:
    return QAService(Settings(data_dir=data, model="/nonexistent", mode="lexical"), warn=lambda _: None)


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    real = qa.watch._generation

    def counted(data_dir: Path) -> int | None:
        reads.append(data_dir)
        return real(data_dir)

    monkeypatch.setattr(qa.watch, "_generation", counted)
    return reads


def _add_article(data: Path, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "ho.txt").write_text("Hổ ở Tây Nguyên\n\nMột đàn hổ được thấy ở Tây Nguyên hôm qua.\n", encoding="utf-8")
    _service(data).ingest([folder])


@pytest.mark.parametrize("watch_connection", ["works", "cannot read"])
def test_a_write_by_another_writer_is_seen_and_nothing_is_read_again_before_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch_connection: str) -> None:
    data = tmp_path / "data"
    _service(data).ingest([SEEDS])
    if watch_connection == "cannot read":  # as for an index nobody may write: Store opens it immutable, WAL reads fail
        def refused(self: qa.watch.GenerationWatch) -> None:
            raise sqlite3.OperationalError("unable to open database file")

        monkeypatch.setattr(qa.watch.GenerationWatch, "_connect", refused)
    reads = _counting_reads(monkeypatch)
    reader = _service(data)
    before = reader.ask("Hổ được thấy ở đâu?")
    for _ in range(5):
        reader.ask("Ai đã gặp nhau tại Rome?")
    assert len(reads) == 1  # the manifest read once, not once per question
    assert not any(p.doc_id == "ho" for p in before.passages)

    _add_article(data, tmp_path / "news")  # another writer publishes a new generation
    after = reader.ask("Hổ được thấy ở đâu?")
    assert len(reads) == 2
    assert after.passages[0].doc_id == "ho"
