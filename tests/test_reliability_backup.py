"""Guarantee 7: `qa snapshot PATH` / `qa restore PATH`.

A snapshot taken while a writer keeps publishing generations (and a service keeps
answering) is always exactly one published state; restored into an empty folder
it gives identical answers. An existing empty folder (a mount point, a link to one)
is kept, owner and mode and all. A damaged snapshot, a non-empty target or a failure
half-way are refused or leave nothing behind.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from embeddings.encoder import Encoder, load_encoder
from qa.backup import META_NAME, BackupError, restore_snapshot, take_snapshot
from qa.cli import app
from qa.config import Settings, cache_dir
from qa.errors import IndexCorrupt, StorageError
from qa.ingest import IngestReport, SourceText, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.snapshot import Snapshot
from qa.service import QAService
from cli_support import run
from reliability_support import SEEDS, check_invariants, fingerprint, vectors_close

QUESTIONS = ["Ai đã gặp nhau tại Rome?", "cuoc gap o Rome keo dai bao lau", "What is the population of Brazil?",
             "Quan chức Mỹ và Trung Quốc thảo luận gì?"]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Encoder:
    return load_encoder(str(tiny_model_dir))


def _ingest_seeds(data: Path, encoder: Encoder | None) -> Writer:
    writer = Writer(data, Pipeline(Settings(data_dir=data), encoder))
    report = IngestReport()
    writer.ingest(collect_sources([SEEDS], 5_000_000, report), report=report)
    return writer


def _answers(data: Path, tiny: Encoder, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    monkeypatch.setattr("qa.service.load_encoder", lambda *a, **k: tiny)
    service = QAService(Settings(data_dir=data, mode="hybrid"), warn=lambda line: None)
    out = []
    for q in QUESTIONS:
        data_ = service.ask(q).to_dict()
        data_.pop("timings", None)
        out.append(data_)
    return out


def test_snapshot_while_writing_is_one_published_state(tmp_path: Path, tiny: Encoder,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    writer = _ingest_seeds(data, tiny)
    states = [fingerprint(data)]
    serving = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda line: None)
    stop = threading.Event()
    failures: list[BaseException] = []

    def write_loop() -> None:
        i = 0
        try:
            while not stop.is_set():
                i += 1
                text = f"Bản tin số {i}\nTuyến metro số {i} chở {1000 + i} khách trong ngày đầu vận hành năm 2024.\n"
                writer.ingest([SourceText(f"tin-{i % 3}", text)])
                states.append(fingerprint(data))  # every published generation is a state a snapshot may copy
                if i % 4 == 0:
                    writer.remove([f"tin-{(i + 1) % 3}"])
                    states.append(fingerprint(data))
                serving.ask("metro chở bao nhiêu khách?")  # a reader keeps answering too
        except BaseException as exc:  # noqa: BLE001
            failures.append(exc)

    thread = threading.Thread(target=write_loop)
    thread.start()
    snapshots = []
    try:
        n = 0  # at least 6 snapshots, more while the writer has not yet published 4 generations (a loaded machine)
        while n < 6 or (len(states) < 5 and n < 40 and thread.is_alive()):
            dest = tmp_path / f"snap-{n}"
            take_snapshot(data, dest)
            snapshots.append(dest)
            n += 1
    finally:
        stop.set()
        thread.join()
    assert not failures, failures
    assert len(states) > 3, "the writer should have published several generations meanwhile"
    for n, snap in enumerate(snapshots):
        meta = json.loads((snap / META_NAME).read_text())
        target = tmp_path / f"restored-{n}"
        restore_snapshot(snap, target)
        assert fingerprint(target) in states, f"snapshot {n} (generation {meta['generation']}) is not a published state"
        check_invariants(target)
        assert sorted(p.name for p in snap.iterdir()) == sorted([*meta["files"], META_NAME])


def test_restore_gives_identical_answers(tmp_path: Path, tiny: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    _ingest_seeds(data, tiny)
    monkeypatch.setenv("QA_DATA_DIR", str(data))
    result = CliRunner().invoke(app, ["snapshot", str(tmp_path / "backup"), "--json"])
    assert result.exit_code == 0, result.output
    meta = json.loads(result.stdout)
    assert meta["documents"] == 5 and meta["vectors"] == meta["chunks"] > 0

    restored = tmp_path / "empty"
    restored.mkdir()  # an existing empty folder is fine
    monkeypatch.setenv("QA_DATA_DIR", str(restored))
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert fingerprint(restored) == fingerprint(data) and vectors_close(restored, data)
    assert _answers(restored, tiny, monkeypatch) == _answers(data, tiny, monkeypatch)
    bm25_file = meta["bm25_file"]
    assert bm25_file in meta["files"] and (restored / bm25_file).is_file()
    assert not Snapshot.open(restored).notes  # its BM25 file came with it: mapped, not rebuilt
    # the restored index is a normal one: it takes writes
    Writer(restored, Pipeline(Settings(data_dir=restored), tiny)).ingest([SourceText("moi", "Tin mới\nMột câu mới.\n")])
    check_invariants(restored)


def test_restore_never_overwrites_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    _ingest_seeds(data, None)
    take_snapshot(data, tmp_path / "backup")
    before = fingerprint(data)
    monkeypatch.setenv("QA_DATA_DIR", str(data))
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "backup")])
    assert result.exit_code == 2 and "not empty" in result.stderr and result.exception is None or isinstance(
        result.exception, SystemExit)
    assert fingerprint(data) == before
    result = CliRunner().invoke(app, ["snapshot", str(tmp_path / "backup")])
    assert result.exit_code == 2 and "not empty" in result.stderr


def test_damaged_or_foreign_snapshot_is_refused(tmp_path: Path, tiny: Encoder) -> None:
    data = tmp_path / "data"
    _ingest_seeds(data, tiny)
    backup = tmp_path / "backup"
    meta = take_snapshot(data, backup)
    faiss_name = meta["faiss_file"]
    good = (backup / faiss_name).read_bytes()
    (backup / faiss_name).write_bytes(good[:-1] + bytes([good[-1] ^ 1]))
    with pytest.raises(IndexCorrupt, match=f"{faiss_name}: checksum"):
        restore_snapshot(backup, tmp_path / "target")
    assert not (tmp_path / "target").exists()
    (backup / faiss_name).write_bytes(good)
    db = backup / "qa.sqlite3"
    db_good = db.read_bytes()
    raw = bytearray(db_good)
    raw[len(raw) // 2] ^= 0xFF
    db.write_bytes(bytes(raw))
    with pytest.raises(IndexCorrupt, match="checksum"):
        restore_snapshot(backup, tmp_path / "target")
    db.write_bytes(db_good)
    bm25 = next(backup.glob("bm25.*.bin"))
    bm25.unlink()  # a file the snapshot lists is gone: the error names it, not the target folder
    with pytest.raises(IndexCorrupt, match=f"{bm25.name}: missing, although .*snapshot.json lists it"):
        restore_snapshot(backup, tmp_path / "target")
    assert not (tmp_path / "target").exists()
    with pytest.raises(BackupError, match="not a qa snapshot"):
        restore_snapshot(SEEDS, tmp_path / "target")
    with pytest.raises(BackupError, match="no such snapshot"):
        restore_snapshot(tmp_path / "nothing", tmp_path / "target")
    with pytest.raises(BackupError, match="no index to back up"):
        take_snapshot(tmp_path / "nothing", tmp_path / "b2")
    with pytest.raises(BackupError, match="inside the index folder"):
        take_snapshot(data, data / "inner")
    assert not (data / "inner").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "data"]  # no temp folder left


def test_failure_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    _ingest_seeds(data, None)
    take_snapshot(data, tmp_path / "backup")

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr("qa.backup.os.rename", no_space)
        with pytest.raises(StorageError, match="No space left"):
            restore_snapshot(tmp_path / "backup", tmp_path / "target")
        with pytest.raises(StorageError, match="No space left"):
            take_snapshot(data, tmp_path / "backup-2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "data"]
    shutil.rmtree(tmp_path / "backup")


def test_eval_and_chat_leave_the_index_folder_to_the_index(tmp_path: Path) -> None:
    """`qa eval` keeps its indexes in the cache and `qa chat` its line history in the state folder, so
    a QA_DATA_DIR they ran against is still one a snapshot can be restored into."""
    data_dir = Settings().data_dir
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"question": "Ai đã gặp nhau tại Rome?", "article": None, "answer": []}) + "\n",
                         encoding="utf-8")
    assert run("eval", str(questions), "--docs", str(SEEDS)).exit_code == 0
    assert run("chat", input="/quit\n").exit_code == 0
    assert not data_dir.exists() or list(data_dir.iterdir()) == [], list(data_dir.iterdir())
    assert any((cache_dir() / "eval").iterdir())

    source = tmp_path / "source"
    QAService(Settings(data_dir=source, mode="lexical"), warn=lambda line: None).writer().ingest(
        collect_sources([SEEDS], 5_000_000, IngestReport()))
    take_snapshot(source, tmp_path / "snap")
    restore_snapshot(tmp_path / "snap", data_dir)
    assert QAService(Settings(data_dir=data_dir, mode="lexical")).ask("Ai đã gặp nhau tại Rome?").passages


# ---------------------------------------------- an existing empty folder: kept, owner, mode and all
def _lexical_answers(data: Path) -> list[list[str]]:
    service = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda line: None)
    return [[p.text for p in service.ask(q).passages] for q in QUESTIONS]


@pytest.fixture()
def backed_up(tmp_path: Path) -> tuple[Path, Path, dict]:
    data = tmp_path / "data"
    _ingest_seeds(data, None)
    meta = take_snapshot(data, tmp_path / "backup")
    return data, tmp_path / "backup", meta


def test_restore_into_an_existing_empty_folder_keeps_it(tmp_path: Path, backed_up: tuple,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder (a Docker volume, one the server's user owns) stays the same folder: inode, mode, owner."""
    data, backup, meta = backed_up
    target = tmp_path / "volume"
    target.mkdir()
    target.chmod(0o755)
    if os.geteuid() == 0:
        os.chown(target, 65534, 65534)  # root restores for the server's user: the files become that user's
    before = os.stat(target)
    monkeypatch.setenv("QA_DATA_DIR", str(target))
    result = CliRunner().invoke(app, ["restore", str(backup)])
    assert result.exit_code == 0, result.output
    after = os.stat(target)
    assert (after.st_ino, after.st_mode, after.st_uid) == (before.st_ino, before.st_mode, before.st_uid)
    assert sorted(p.name for p in target.iterdir()) == sorted(meta["files"])  # no staging folder left inside
    if os.geteuid() == 0:
        assert {p.stat().st_uid for p in target.iterdir()} == {65534}
    assert fingerprint(target) == fingerprint(data)
    check_invariants(target)
    assert _lexical_answers(target) == _lexical_answers(data)


def test_restore_through_a_link_to_an_empty_folder(tmp_path: Path, backed_up: tuple,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data, backup, _ = backed_up
    (tmp_path / "real").mkdir()
    link = tmp_path / "index"
    link.symlink_to(tmp_path / "real")
    monkeypatch.setenv("QA_DATA_DIR", str(link))
    result = CliRunner().invoke(app, ["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and (tmp_path / "real" / "qa.sqlite3").is_file()
    assert fingerprint(link) == fingerprint(data) and _lexical_answers(link) == _lexical_answers(data)


def test_snapshot_into_an_existing_empty_folder_keeps_it(tmp_path: Path, backed_up: tuple) -> None:
    data, _, _ = backed_up
    dest = tmp_path / "usb"
    dest.mkdir()
    dest.chmod(0o750)
    ino = dest.stat().st_ino
    meta = take_snapshot(data, dest)
    assert dest.stat().st_ino == ino and dest.stat().st_mode & 0o7777 == 0o750
    assert sorted(p.name for p in dest.iterdir()) == sorted([*meta["files"], META_NAME])
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    take_snapshot(data, tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / META_NAME).is_file()
    restore_snapshot(dest, tmp_path / "restored")  # an absent target: created, with mkdir's mode (not 0700)
    assert fingerprint(tmp_path / "restored") == fingerprint(data)
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "restored").stat().st_mode & 0o777 == 0o777 & ~umask


def test_failure_while_moving_in_leaves_the_folder_empty(tmp_path: Path, backed_up: tuple,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The database moves in last; a failure there takes back the files moved before it, and a
    qa.sqlite3 that another process created meanwhile is never replaced."""
    _, backup, _ = backed_up
    target = tmp_path / "volume"
    target.mkdir()
    real_link = os.link

    def full_disk_at_the_database(src: object, dst: object, **kwargs: object) -> None:
        if Path(str(dst)).name == "qa.sqlite3":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_link(src, dst, **kwargs)

    with monkeypatch.context() as m:
        m.setattr("qa.backup_target.os.link", full_disk_at_the_database)
        with pytest.raises(StorageError, match="No space left.*nothing was changed"):
            restore_snapshot(backup, target)
    assert list(target.iterdir()) == []

    def another_writer_first(src: object, dst: object, **kwargs: object) -> None:
        if Path(str(dst)).name == "qa.sqlite3":
            Path(str(dst)).write_bytes(b"theirs")
        real_link(src, dst, **kwargs)

    with monkeypatch.context() as m:
        m.setattr("qa.backup_target.os.link", another_writer_first)
        with pytest.raises(BackupError, match="qa.sqlite3 appeared there meanwhile"):
            restore_snapshot(backup, target)
    assert [p.name for p in target.iterdir()] == ["qa.sqlite3"] and (target / "qa.sqlite3").read_bytes() == b"theirs"


def test_targets_that_cannot_work_say_why(tmp_path: Path, backed_up: tuple) -> None:
    data, backup, _ = backed_up
    (tmp_path / "file").write_text("x")
    with pytest.raises(BackupError, match="is a file, not a folder"):
        restore_snapshot(backup, tmp_path / "file")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    with pytest.raises(BackupError, match="gone, which does not exist; create that folder"):
        restore_snapshot(backup, tmp_path / "dangling")
    with pytest.raises(BackupError, match="gone, which does not exist"):
        take_snapshot(data, tmp_path / "dangling")
    (tmp_path / "crashed" / ".qa-staging-0123abcd.tmp").mkdir(parents=True)
    with pytest.raises(BackupError, match="not empty .only .qa-staging-0123abcd.tmp, left by an interrupted"):
        restore_snapshot(backup, tmp_path / "crashed")
    if os.geteuid() != 0:  # root may write anywhere
        (tmp_path / "locked").mkdir(mode=0o555)
        with pytest.raises(StorageError, match="this user may not write there"):
            restore_snapshot(backup, tmp_path / "locked")


MOUNT_CHECK = """
import json, os, sys
from pathlib import Path
from qa.backup import restore_snapshot, take_snapshot
from qa.config import Settings
from qa.service import QAService
data, backup, mnt, mnt2 = map(Path, sys.argv[1:])
ino = os.stat(mnt).st_ino
restore_snapshot(backup, mnt)
take_snapshot(data, mnt2)
service = QAService(Settings(data_dir=mnt, mode="lexical"), warn=lambda line: None)
print(json.dumps({"same_inode": os.stat(mnt).st_ino == ino, "mount": os.path.ismount(mnt),
                  "passages": len(service.ask("Ai đã gặp nhau tại Rome?").passages),
                  "snapshot": sorted(os.listdir(mnt2))}))
"""


def test_restore_and_snapshot_into_an_empty_mount_point(tmp_path: Path, backed_up: tuple) -> None:
    """Docker's VOLUME ["/data"]: an empty mount point, which a rename cannot replace (EBUSY). Runs in a
    private mount namespace (`unshare`), so nothing stays mounted; skipped where that is not allowed."""
    import subprocess
    import sys

    data, backup, meta = backed_up
    mnt, mnt2 = tmp_path / "mnt", tmp_path / "mnt2"
    mnt.mkdir()
    mnt2.mkdir()
    prefix = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    if shutil.which("unshare") is None or subprocess.run(
            [*prefix, "mount", "-t", "tmpfs", "tmpfs", str(mnt)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs in a private mount namespace here")
    script = (f"mount -t tmpfs tmpfs {mnt} && mount -t tmpfs tmpfs {mnt2} && "
              f'exec "$0" -c "$1" {data} {backup} {mnt} {mnt2}')
    done = subprocess.run([*prefix, "sh", "-c", script, sys.executable, MOUNT_CHECK], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["mount"] and report["same_inode"] and report["passages"] > 0
    assert report["snapshot"] == sorted([*meta["files"], META_NAME])
    assert list(mnt.iterdir()) == [] and list(mnt2.iterdir()) == []  # outside the namespace: the bare folders
