"""Guarantee 4: disk full and I/O errors at every write step leave the previous state serving.

Each step of a dense ingest (create, write, fsync and rename the FAISS temp file,
fsync the folder, every SQLite statement, the COMMIT itself, and a genuinely full
SQLite database through ``PRAGMA max_page_count``) fails in turn with ENOSPC or EIO.
Every time: a ``StorageError`` naming the errno and the step, the previous state
unchanged (fingerprint), the service that was answering keeps answering, a fresh
reader opens the same generation, no temp or orphan FAISS file is left, and the
same ingest without the fault converges to the state of an undisturbed run.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import qa.fsutil
from embeddings.encoder import Encoder, load_encoder
from qa.cli import app
from qa.config import Settings
from qa.errors import StorageError
from qa.ingest import IngestReport, SourceText, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.service import QAService
from qa.snapshot import Snapshot
from qa.store import Store
from reliability_support import SEEDS, check_invariants, fingerprint, stray_files, vectors_close

ROME = "002_57590387f8aa0a75"
GONE = "001_789a47a7f02fc303"
QUESTION = "Ai đã gặp nhau tại Rome?"


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Encoder:
    return load_encoder(str(tiny_model_dir))


def _sources(data_dir: Path) -> list[SourceText]:
    report = IngestReport()
    return collect_sources([SEEDS], 5_000_000, report)


def _change() -> list[SourceText]:
    """The write under test: one document replaced, one added, one removed (prune)."""
    srcs = [s for s in _sources(SEEDS) if s.doc_id != GONE]
    out = []
    for s in srcs:
        raw = s.raw + "\nCập nhật: cuộc gặp ở Rome kéo dài thêm một giờ.\n" if s.doc_id == ROME else s.raw
        out.append(SourceText(s.doc_id, raw, s.path))
    body = "\n".join(f"Đoạn {i}: tuyến metro số {i} của Hà Nội chở {1000 + i} khách trong ngày đầu vận hành năm 2024."
                     for i in range(60))  # ~6 KB (and its chunks): more pages than the removed document frees
    out.append(SourceText("moi-them", f"Tin mới thêm về giao thông Hà Nội\n{body}\n"))
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, tiny: Encoder) -> tuple[Path, Path]:
    """(the seeds ingested, the same followed by the change undisturbed): copied per test."""
    base = tmp_path_factory.mktemp("storage")
    before, after = base / "before", base / "after"
    Writer(before, Pipeline(Settings(data_dir=before), tiny)).ingest(_sources(SEEDS))
    shutil.copytree(before, after)
    Writer(after, Pipeline(Settings(data_dir=after), tiny)).ingest(_change(), prune=True)
    return before, after


def _oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def _sqlite_full() -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorname = "SQLITE_FULL"
    return exc


def _fail_once(target: object, name: str, exc: BaseException, *, after_call: bool = False) -> Callable[..., None]:
    """Replace ``target.name`` with a version that raises ``exc`` on its first call (optionally after doing it)."""
    original = getattr(target, name)
    state = {"armed": True}

    def patched(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if state["armed"]:
            state["armed"] = False
            if after_call:
                original(*args, **kwargs)
            raise exc
        return original(*args, **kwargs)
    return patched


class _PartialFile:
    """A file object whose write stores half the data, then fails like a full disk."""

    def __init__(self, fh, code: int) -> None:  # noqa: ANN001
        self.fh, self.code = fh, code

    def __enter__(self):  # noqa: ANN204
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def write(self, data: bytes) -> int:
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        raise _oserror(self.code)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.fh, name)


def _inject(step: str, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> str:
    """Arm the fault for ``step``; returns the text the error message must contain."""
    if step == "faiss-create":
        monkeypatch.setattr(qa.fsutil.tempfile, "mkstemp", _fail_once(qa.fsutil.tempfile, "mkstemp", _oserror(errno.ENOSPC)))
        return "ENOSPC"
    if step == "faiss-write":
        real = os.fdopen
        monkeypatch.setattr(qa.fsutil.os, "fdopen", lambda fd, mode="r", *a, **k: _PartialFile(real(fd, mode), errno.ENOSPC))
        return "ENOSPC"
    if step == "faiss-fsync":
        monkeypatch.setattr(qa.fsutil.os, "fsync", _fail_once(os, "fsync", _oserror(errno.EIO)))
        return "EIO"
    if step == "faiss-rename":
        monkeypatch.setattr(qa.fsutil.os, "replace", _fail_once(os, "replace", _oserror(errno.EIO)))
        return "EIO"
    if step == "folder-fsync":  # after the rename: the new file is already in place under its new name
        monkeypatch.setattr(qa.fsutil, "fsync_dir", _fail_once(qa.fsutil, "fsync_dir", _oserror(errno.EIO)))
        return "EIO"
    if step.startswith("sqlite-") and step != "sqlite-really-full":
        method = step.removeprefix("sqlite-").replace("-", "_")
        monkeypatch.setattr(Store, method, _fail_once(Store, method, _sqlite_full()))
        return "SQLITE_FULL"
    if step == "commit":  # the COMMIT statement itself fails (after every row and the manifest were written)
        real_connect = sqlite3.connect

        class FailingCommit(sqlite3.Connection):
            armed = False

            def execute(self, sql, *args):  # noqa: ANN001, ANN002, ANN201
                if sql == "COMMIT" and FailingCommit.armed:
                    FailingCommit.armed = False
                    raise _sqlite_full()
                return super().execute(sql, *args)

        def arm(self, values):  # noqa: ANN001, ANN202
            original_set(self, values)
            FailingCommit.armed = True

        original_set = Store.set_manifest
        monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=FailingCommit, **k))
        monkeypatch.setattr(Store, "set_manifest", arm)
        return "SQLITE_FULL"
    if step == "sqlite-really-full":  # no monkeypatched exception: SQLite itself runs out of pages
        real_init = Store.__init__

        def small_init(self, data_dir):  # noqa: ANN001, ANN202
            real_init(self, data_dir)
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            self.conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        monkeypatch.setattr(Store, "__init__", small_init)
        return "full"
    raise ValueError(step)


STEPS = ["faiss-create", "faiss-write", "faiss-fsync", "faiss-rename", "folder-fsync", "sqlite-delete-document",
         "sqlite-put-document", "sqlite-add-chunks", "sqlite-put-embeddings", "sqlite-prune-embeddings",
         "sqlite-set-manifest", "commit", "sqlite-really-full"]


@pytest.mark.parametrize("step", STEPS)
def test_write_failure_keeps_the_previous_state(step: str, tmp_path: Path, baseline: tuple[Path, Path], tiny: Encoder,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before, after = baseline
    data = tmp_path / "data"
    shutil.copytree(before, data)
    settings = Settings(data_dir=data, mode="hybrid")
    monkeypatch.setattr("qa.service.load_encoder", lambda *a, **k: tiny)  # the module's model, loaded once
    serving = QAService(settings, warn=lambda line: None)
    first = serving.ask(QUESTION)
    generation = serving.snapshot().generation
    expected = fingerprint(data)
    writer = Writer(data, Pipeline(settings, tiny))

    with monkeypatch.context() as m:
        needle = _inject(step, m, data)
        with pytest.raises(StorageError) as info:
            writer.ingest(_change(), prune=True)
    message = str(info.value)
    assert needle in message and "previous index" in message, message
    assert "\n" not in message

    assert fingerprint(data) == expected, "a failed write changed the index"
    assert stray_files(data) == [], "a failed write left files behind"
    assert serving.ask(QUESTION).passages == first.passages  # the service that was answering still answers
    assert Snapshot.open(data).generation == generation
    check_invariants(data)

    writer.ingest(_change(), prune=True)  # the same write once the disk is fine again
    assert fingerprint(data) == fingerprint(after) and vectors_close(data, after)
    assert stray_files(data) == []
    check_invariants(data)


def test_failed_garbage_collection_does_not_fail_the_write(tmp_path: Path, baseline: tuple[Path, Path], tiny: Encoder,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """After the commit, removing the previous FAISS file fails (EIO): the write stands; the next one collects it."""
    before, after = baseline
    data = tmp_path / "data"
    shutil.copytree(before, data)
    writer = Writer(data, Pipeline(Settings(data_dir=data), tiny))
    with monkeypatch.context() as m:
        m.setattr(Path, "unlink", lambda self, missing_ok=False: (_ for _ in ()).throw(_oserror(errno.EIO)))
        writer.ingest(_change(), prune=True)
    assert fingerprint(data) == fingerprint(after)
    assert len(stray_files(data)) == 1  # the previous generation's file, never loaded
    check_invariants(data)
    writer.ingest(_change(), prune=True)
    assert stray_files(data) == []


def test_read_error_on_the_previous_faiss_file_rebuilds_from_sqlite(tmp_path: Path, baseline: tuple[Path, Path],
                                                                   tiny: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    before, after = baseline
    data = tmp_path / "data"
    shutil.copytree(before, data)
    with monkeypatch.context() as m:
        m.setattr(Path, "read_bytes", _fail_once(Path, "read_bytes", _oserror(errno.EIO)))
        Writer(data, Pipeline(Settings(data_dir=data), tiny)).ingest(_change(), prune=True)
    assert fingerprint(data) == fingerprint(after)
    check_invariants(data)


def test_cli_reports_a_full_disk_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "data"))
    assert CliRunner().invoke(app, ["ingest", str(SEEDS)]).exit_code == 0
    expected = fingerprint(tmp_path / "data")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "moi.txt").write_text("Tin mới\nMột bài báo mới về giao thông.\n", encoding="utf-8")
    monkeypatch.setattr(Store, "put_document", _fail_once(Store, "put_document", _sqlite_full()))
    result = CliRunner().invoke(app, ["ingest", str(folder)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "database or disk is full" in lines[0] and "previous index" in lines[0], result.stderr
    assert fingerprint(tmp_path / "data") == expected
