"""A write that meets another process's write waits its turn; held too long, it is IndexBusy (HTTP 503 with
Retry-After), never a "disk full" storage error."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from api_support import ARTICLE, client_for, error_of
from qa.config import Settings
from qa.errors import IndexBusy
from qa.service import QAService
from qa.sqlite_errors import WRITE_WAIT_S
from qa.store import DB_NAME, Store


def hold_write_lock(data_dir: Path, seconds: float) -> threading.Thread:
    """Another connection (another process, as far as SQLite can tell) holding the write lock."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait(5)
    return thread


@pytest.fixture
def service(tmp_path: Path) -> QAService:
    service = QAService(Settings(data_dir=tmp_path / "data", model=str(tmp_path / "no-model")), warn=lambda _: None)
    service.ingest([Path(__file__).resolve().parent.parent / "seeds"])
    return service


def test_a_write_waits_a_minute_for_the_lock(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == WRITE_WAIT_S * 1000 >= 60_000
    finally:
        store.close()


def test_a_write_waits_for_another_writer_and_goes_in(service: QAService, tmp_path: Path) -> None:
    (tmp_path / "new.txt").write_text(ARTICLE, encoding="utf-8")
    holder = hold_write_lock(service.settings.data_dir, 1.5)
    t = time.perf_counter()
    report = service.ingest([tmp_path / "new.txt"])
    holder.join()
    assert report.documents_added == 1 and time.perf_counter() - t >= 1.0


def test_a_lock_held_too_long_is_busy_not_disk_full(service: QAService, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.store.WRITE_WAIT_S", 0.3)
    (tmp_path / "new.txt").write_text(ARTICLE, encoding="utf-8")
    holder = hold_write_lock(service.settings.data_dir, 2.0)
    try:
        with pytest.raises(IndexBusy, match="another process kept .* locked") as caught:
            service.ingest([tmp_path / "new.txt"])
        assert "disk" not in str(caught.value)
        response = client_for(service.settings.data_dir).post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE})
        assert response.status_code == 503 and response.headers["retry-after"]
        assert "another process kept" in error_of(response)["message"]
    finally:
        holder.join()
    assert "new" not in service.snapshot().docs  # nothing was changed
