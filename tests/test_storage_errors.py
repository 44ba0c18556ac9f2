"""What an operator sees when the index cannot be opened or written: the right status (503 for a
read that cannot happen, 507 only for a write that ran out of space), advice that fits the cause,
a line in the server log, and a warning for a QA_* variable no setting reads."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from api_support import client_for, error_of
from cli_support import run
from qa.config import Settings, unknown_variables
from qa.errors import IndexBusy, IndexReadOnly, IndexUnavailable, StorageError
from qa.service import QAService
from qa.sqlite_errors import sqlite_error, storage_advice
from qa.store import DB_NAME, forget_opened
from server.errors import qa_error_status

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def test_storage_errors_map_to_what_they_mean() -> None:
    assert qa_error_status(IndexUnavailable("cannot open")) == 503  # as /readyz says: questions cannot be answered
    assert qa_error_status(IndexBusy("another writer")) == 503
    assert qa_error_status(StorageError("disk full while writing")) == 507
    # a write refused by permissions lacks no space: it was a 507 "insufficient_storage"
    assert qa_error_status(IndexReadOnly("read-only for this user")) == 503


def test_an_index_that_cannot_be_opened_is_a_503_and_a_log_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    def unopenable(data_dir: Path, attempts: int = 8) -> None:
        raise sqlite_error(data_dir / DB_NAME, sqlite3.OperationalError("disk I/O error"), "opening")

    monkeypatch.setattr("qa.service.Snapshot.open", unopenable)
    with caplog.at_level(logging.WARNING, logger="qa.server"):
        response = client_for(tmp_path / "data").post("/v1/ask", json={"question": "Ai đã gặp nhau tại Rome?"})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert "disk I/O error" in error_of(response)["message"]
    assert any("answered 503" in r.getMessage() and "disk I/O error" in r.getMessage() for r in caplog.records)


def test_read_only_files_are_blamed_on_permissions_not_space() -> None:
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert "read-only" in storage_advice(readonly) and "space" not in storage_advice(readonly)
    assert "read-only" in str(sqlite_error(Path("x"), readonly, "starting a write transaction"))
    assert isinstance(sqlite_error(Path("x"), readonly, "starting a write transaction"), IndexReadOnly)
    assert "free disk space" in storage_advice(sqlite3.OperationalError("database or disk is full"))
    assert "read-only" in storage_advice(PermissionError(13, "Permission denied"))


def test_the_index_keeps_sqlite_shared_memory_from_the_first_open(tmp_path: Path) -> None:
    """The question path's long-lived connection exists from the first open (the server's warm-up) on,
    so SQLite's -shm file is never created later, when the disk may be full."""
    data = tmp_path / "data"
    QAService(Settings(data_dir=data, model=str(tmp_path / "none")), warn=lambda _: None).ingest(SEEDS)
    assert not (data / f"{DB_NAME}-shm").exists()  # every connection closed: SQLite removed it
    service = QAService(Settings(data_dir=data, model=str(tmp_path / "none")), warn=lambda _: None)
    service.snapshot()
    assert (data / f"{DB_NAME}-shm").exists()


def test_a_qa_variable_no_setting_reads_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_ADMIN_KEY", "s3cret")
    monkeypatch.setenv("QA_RATELIMIT_PER_MINUTE", "5")
    assert unknown_variables({"QA_ADMIN_KEY": "s3cret", "QA_RATELIMIT_PER_MINUTE": "5", "QA_TEST_CHROMIUM": "/c",
                              "QA_MODEL": "m"}) == [
        "QA_ADMIN_KEY is not a qa setting and is ignored (did you mean QA_ADMIN_KEYS?)",
        "QA_RATELIMIT_PER_MINUTE is not a qa setting and is ignored (did you mean QA_RATE_LIMIT_PER_MINUTE?)"]
    result = run("list")
    assert "warning: QA_ADMIN_KEY is not a qa setting and is ignored (did you mean QA_ADMIN_KEYS?)" in result.stderr
    assert "s3cret" not in result.stderr
    assert unknown_variables({"QA_API_KEY": "k", "QA_MODEL": "m", "QA_BACKEND_CACHE": "/c"}) == []


def test_an_index_that_vanishes_while_served_is_a_503_not_a_new_empty_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    QAService(Settings(data_dir=data, model=str(tmp_path / "none")), warn=lambda _: None).ingest(SEEDS)
    client = client_for(data)
    question = {"question": "Ai đã gặp nhau tại Rome?"}
    assert client.post("/v1/ask", json=question).status_code == 200
    data.rename(tmp_path / "moved")  # an unmounted volume, a folder moved away
    response = client.post("/v1/ask", json=question)
    assert response.status_code == 503 and "is gone" in error_of(response)["message"]
    assert client.get("/readyz").status_code == 503
    assert "qa_index_readable 0.0" in client.get("/metrics").text
    assert not data.exists(), "a new, empty index was started in its place"
    assert client.get("/v1/documents").status_code == 503  # no path of the server creates one either
    assert client.post("/v1/documents", json={"doc_id": "x", "text": "Tin\n\nMột câu."}).status_code == 503
    assert not data.exists(), "a new, empty index was started in its place"
    (tmp_path / "moved").rename(data)  # put back: served again
    assert client.post("/v1/ask", json=question).status_code == 200
    assert "qa_index_documents 5.0" in client.get("/metrics").text


READ_ONLY_PROBE = """
import sys
from pathlib import Path
from qa.config import Settings
from qa.errors import StorageError
from qa.service import QAService
service = QAService(Settings(data_dir=Path(sys.argv[1]), model=sys.argv[1] + "-no-model"), warn=lambda _: None)
print(service.ask("Ai đã gặp nhau tại Rome?").passages[0].doc_id)
try:
    service.ingest(sys.argv[2])
except StorageError as exc:
    print("refused:", exc)
"""


def _without_write_rights() -> list[str] | None:
    """How to run a process that folder permissions apply to (root ignores them unless its capabilities go);
    None when that cannot be done here."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:  # no CAP_SETPCAP in a container
        return None
    return prefix


def test_a_folder_that_can_be_listed_but_not_entered_is_reported_and_the_rest_go_in(tmp_path: Path) -> None:
    """``chmod -R 644 news/`` leaves folders that list their names but give no file: each such article is reported
    (a traceback before, and nothing ingested); a file that cannot be read, named on the command line, is reported
    like one found in a folder (it was a usage error that stopped the other files too)."""
    prefix = _without_write_rights()
    if prefix is None:
        pytest.skip("running as root without a way to drop its override: permissions cannot be made to apply")
    seeds = sorted(SEEDS.glob("*.txt"))
    news, sub = tmp_path / "news", tmp_path / "news" / "sub"
    sub.mkdir(parents=True)
    shutil.copy(seeds[0], news / seeds[0].name)
    shutil.copy(seeds[1], sub / seeds[1].name)
    locked = tmp_path / "locked.txt"
    shutil.copy(seeds[2], locked)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_DATA_DIR": str(tmp_path / "data"), "QA_MODEL": str(tmp_path / "m")}
    qa = [sys.executable, "-m", "qa.cli", "ingest", "--json"]
    sub.chmod(0o644)
    locked.chmod(0)
    try:
        done = subprocess.run([*prefix, *qa, str(news), str(sub / seeds[1].name), str(locked), str(seeds[3])],
                              env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    finally:
        sub.chmod(0o755)
        locked.chmod(0o644)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["documents_added"] == 2
    assert sorted((Path(e["path"]).name, e["reason"]) for e in report["errors"]) == [
        (seeds[1].name, "unreadable (Permission denied)"), ("locked.txt", "unreadable (Permission denied)")]


def test_prune_refuses_when_a_subfolder_cannot_be_listed(tmp_path: Path) -> None:
    prefix = _without_write_rights()
    if prefix is None:
        pytest.skip("running as root without a way to drop its override: permissions cannot be made to apply")
    shutil.copytree(SEEDS, tmp_path / "news")
    (tmp_path / "news" / "sub").mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:2]:
        (tmp_path / "news" / f.name).rename(tmp_path / "news" / "sub" / f.name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_DATA_DIR": str(tmp_path / "data"), "QA_MODEL": str(tmp_path / "m")}
    qa = [sys.executable, "-m", "qa.cli", "ingest", str(tmp_path / "news")]
    assert subprocess.run(qa, env=env, capture_output=True, cwd=ROOT, timeout=120).returncode == 0
    (tmp_path / "news" / "sub").chmod(0)
    try:
        done = subprocess.run([*prefix, *qa, "--prune"], env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
    finally:
        (tmp_path / "news" / "sub").chmod(0o755)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot list this folder" in done.stderr and "--prune cannot list" in done.stderr
    assert len(QAService(Settings(data_dir=tmp_path / "data", model=str(tmp_path / "m")),
                         warn=lambda _: None).snapshot().docs) == 5


def test_a_read_only_index_answers_questions_and_refuses_writes_clearly(tmp_path: Path) -> None:
    prefix = _without_write_rights()
    if prefix is None:
        pytest.skip("running as root without setpriv: folder permissions cannot be made to apply")
    data = tmp_path / "data"
    QAService(Settings(data_dir=data, model=str(tmp_path / "none")), warn=lambda _: None).ingest(SEEDS)
    assert not (data / f"{DB_NAME}-shm").exists()  # closed cleanly: WAL reads would have to create it
    (tmp_path / "new.txt").write_text("Tin mới\n\nMột câu về hổ ở Tây Nguyên.\n", encoding="utf-8")
    for path in [data, *data.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        done = subprocess.run([*prefix, sys.executable, "-c", READ_ONLY_PROBE, str(data), str(tmp_path / "new.txt")],
                              capture_output=True, text=True, timeout=120, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        data.chmod(0o755)
        for path in data.iterdir():
            path.chmod(0o644)
    assert done.returncode == 0, done.stderr
    first, refused = done.stdout.splitlines()[:2]
    assert first == "002_57590387f8aa0a75"
    assert refused.startswith("refused:") and "read-only" in refused and "disk space" not in refused


def test_an_index_on_a_read_only_mount_answers_questions_and_refuses_writes_clearly(tmp_path: Path) -> None:
    """A read-only file system (a volume mounted ro): SQLite cannot create the WAL's shared-memory file and
    says "unable to open database file" rather than "read-only"; the index is served read-only all the same."""
    unshare = shutil.which("unshare")
    data = tmp_path / "data"
    QAService(Settings(data_dir=data, model=str(tmp_path / "none")), warn=lambda _: None).ingest(SEEDS)
    (tmp_path / "new.txt").write_text("Tin mới\n\nMột câu về hổ ở Tây Nguyên.\n", encoding="utf-8")
    remount = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    command = [unshare or "unshare", "--mount", "--map-root-user", "sh", "-c", remount, "sh", str(data)]
    if unshare is None or subprocess.run([*command, "true"], capture_output=True).returncode != 0:
        pytest.skip("no mount namespace here to mount a folder read-only")
    done = subprocess.run([*command, sys.executable, "-c", READ_ONLY_PROBE, str(data), str(tmp_path / "new.txt")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    first, refused = done.stdout.splitlines()[:2]
    assert first == "002_57590387f8aa0a75"
    assert refused.startswith("refused:") and "read-only" in refused and "disk space" not in refused


def test_an_index_deleted_on_purpose_is_started_afresh_once_forgotten(tmp_path: Path) -> None:
    """Deleted on purpose ("wipe and rebuild" in an app that embeds qa): every service of the process refuses to
    start an empty index in its place -- a new one too, since the index may only be unmounted -- until the
    application says so (``forget_opened``); a restart was the only way."""
    data = tmp_path / "data"
    old = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda _: None)
    old.ingest(SEEDS)
    assert not old.ask("Ai đã gặp nhau tại Rome?").abstained
    shutil.rmtree(data)
    new = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda _: None)
    for service in (old, new):
        with pytest.raises(IndexUnavailable, match="forget_opened"):
            service.ingest(SEEDS)
        with pytest.raises(IndexUnavailable, match="is gone"):
            service.ask("Ai đã gặp nhau tại Rome?")
    assert not data.exists()
    forget_opened(data)
    assert new.ingest(SEEDS).documents_added == len(list(SEEDS.glob("*.txt")))
    assert not old.ask("Ai đã gặp nhau tại Rome?").abstained  # the new index, for both


def test_an_error_message_is_one_line_and_keeps_what_it_quotes() -> None:
    """Line breaks in what a message quotes (SQLite's integrity report) are folded; a path's own spaces are kept,
    a message does not end in a space, and folding costs nothing on a long message without a break."""
    from qa.errors import IndexCorrupt

    assert str(IndexCorrupt("/data/my  index/qa.sqlite3: integrity check failed (row 3\n row 4\r\n)")) == \
        "/data/my  index/qa.sqlite3: integrity check failed (row 3 row 4 )"
    assert str(IndexCorrupt("bad page:\n")) == "bad page:"
    long = "x" + " " * 200_000 + "y"
    assert str(IndexCorrupt(long)) == long
