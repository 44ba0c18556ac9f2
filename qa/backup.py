"""Backups: a consistent copy of a live index (`qa snapshot PATH`) and its restoration (`qa restore PATH`).

A snapshot is a folder holding

* ``qa.sqlite3``: SQLite's online backup of the index, one consistent state even
  while a server answers from it and writers keep publishing generations;
* the FAISS and BM25 files that copy's manifest names, verified against the
  manifest's sha256 (when a writer removed them meanwhile, the copy is taken again);
* ``snapshot.json``: generation, counts and the sha256 of every file.

Both commands build their result in a staging folder, verify it (SQLite integrity
check, every check ``Snapshot.open`` makes) and publish it (``qa.backup_target``:
one rename onto an absent target; into an existing empty folder, which keeps its
owner and mode, entry by entry with the database last), so an interrupted snapshot
or restore leaves nothing half-written. A restore goes only into an empty or absent
folder: it never overwrites an index.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from qa.backup_target import BackupError, advice, discard, publish, stage
from qa.errors import IndexCorrupt, StorageError
from qa.fsutil import fsync_dir
from qa.snapshot import verify
from qa.sqlite_errors import sqlite_error
from qa.store import DB_NAME, Store

META_NAME = "snapshot.json"
FORMAT = 1
CHUNK = 1 << 20


def take_snapshot(data_dir: Path, dest: Path, *, attempts: int = 5) -> dict[str, object]:
    """Copy the index in ``data_dir`` to the new folder ``dest``; returns what ``snapshot.json`` records."""
    dest = Path(dest)
    if not (data_dir / DB_NAME).is_file():
        raise BackupError(f"{data_dir}: no index to back up (no {DB_NAME}); ingest documents first or set QA_DATA_DIR")
    if dest.resolve().is_relative_to(data_dir.resolve()):
        raise BackupError(f"{dest}: inside the index folder {data_dir}; a backup belongs elsewhere (another disk, "
                          "ideally)")
    staged = stage(dest, "snapshot")
    tmp = staged.stage
    try:
        for _ in range(attempts):
            meta = _copy_once(data_dir, tmp)
            if meta is not None:
                break
            _empty(tmp)  # a writer published a newer generation and removed our FAISS file: copy again
        else:
            raise StorageError(f"{data_dir}: the index changed {attempts} times while it was copied; try again")
        meta["source"] = str(data_dir.resolve())
        _write_meta(tmp, meta)
        publish(staged, last=META_NAME)  # snapshot.json is what makes a folder a snapshot
        return meta
    except OSError as exc:
        raise StorageError(f"{dest}: cannot write the snapshot ({exc.strerror or exc}); nothing was written"
                           f"{advice(exc)}") from exc
    finally:
        discard(staged)


def restore_snapshot(src: Path, data_dir: Path) -> dict[str, object]:
    """Install the snapshot folder ``src`` as the index in ``data_dir`` (empty or absent)."""
    src = Path(src)
    meta = _read_meta(src)
    staged = stage(data_dir, "restore")
    tmp = staged.stage
    try:
        for name, digest in meta["files"].items():
            if not (src / name).is_file():
                raise IndexCorrupt(f"{src / name}: missing, although {src / META_NAME} lists it (incomplete "
                                   "snapshot); use another snapshot")
            copied = _copy_file(src / name, tmp / name)
            if copied != digest:
                raise IndexCorrupt(f"{src / name}: checksum does not match {src / META_NAME} (damaged snapshot); "
                                   "use another snapshot")
        _check_integrity(tmp / DB_NAME)
        verify(tmp)  # the manifest, FAISS checksum, vector ids and chunk offsets of what is about to be installed
        _single_file(tmp / DB_NAME)
        fsync_dir(tmp)
        publish(staged, last=DB_NAME)  # a reader takes the folder for an index once qa.sqlite3 is there
        return meta
    except OSError as exc:
        raise StorageError(f"{data_dir}: cannot restore into it ({exc.strerror or exc}); nothing was changed"
                           f"{advice(exc)}") from exc
    finally:
        discard(staged)


# ------------------------------------------------------------------ internals
def _copy_once(data_dir: Path, tmp: Path) -> dict[str, object] | None:
    """One consistent copy into ``tmp``, or None when a writer removed the FAISS file first (retry).

    Inside one read transaction of the live database: read the manifest, open
    the FAISS file it names (once open, a writer removing it does not matter),
    and run SQLite's backup through that same connection, which copies exactly
    the state the transaction sees, whatever writers commit meanwhile.
    """
    source = Store(data_dir)  # refuses a foreign or damaged file
    target = sqlite3.connect(tmp / DB_NAME, isolation_level=None)
    opened: dict[str, tuple[object, str | None]] = {}  # file name -> (open file, the manifest's sha256)
    try:
        source.conn.execute("BEGIN")
        manifest = source.manifest()  # the read transaction's snapshot starts here
        for key in ("faiss", "bm25"):  # the FAISS file and the BM25 file of this generation
            name = manifest.get(f"{key}_file")
            if name:
                try:
                    opened[name] = (open(data_dir / name, "rb"), manifest.get(f"{key}_sha256"))  # noqa: SIM115
                except FileNotFoundError:
                    return None  # a newer generation was published and this file collected in between
        source.conn.backup(target)  # the same snapshot as the manifest above
        target.execute("PRAGMA journal_mode = DELETE")
        source.conn.execute("COMMIT")
        files = {DB_NAME: ""}
        for name, (fh, expected) in opened.items():
            digest = _copy_stream(fh, tmp / name)
            if digest != expected:
                raise IndexCorrupt(f"{data_dir / name}: checksum does not match the manifest (damaged file); "
                                   "run `qa reindex` before taking a snapshot")
            files[name] = digest
    except sqlite3.Error as exc:
        raise sqlite_error(source.path, exc, "copying it") from exc
    finally:
        for fh, _ in opened.values():
            fh.close()  # type: ignore[attr-defined]
        target.close()
        source.close()
    _check_integrity(tmp / DB_NAME)
    info = verify(tmp)
    _single_file(tmp / DB_NAME)
    files[DB_NAME] = _sha256(tmp / DB_NAME)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return {"format": FORMAT, "created_at": now, **info, "files": files}


def _check_integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as exc:
        raise sqlite_error(db, exc, "checking it") from exc
    finally:
        conn.close()
    if result != ["ok"]:
        raise IndexCorrupt(f"{db}: SQLite integrity check failed ({'; '.join(result[:3])})")


def _single_file(db: Path) -> None:
    """Rollback-journal mode: the snapshot's database is one self-contained file (no -wal beside it)."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    with open(db, "rb+") as fh:
        os.fsync(fh.fileno())


def _copy_file(src: Path, dst: Path) -> str:
    """Copy with fsync; the sha256 of what was written."""
    with open(src, "rb") as fin:
        return _copy_stream(fin, dst)


def _copy_stream(fin, dst: Path) -> str:  # noqa: ANN001
    digest = hashlib.sha256()
    with open(dst, "wb") as fout:
        while block := fin.read(CHUNK):
            digest.update(block)
            fout.write(block)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _write_meta(folder: Path, meta: dict[str, object]) -> None:
    with open(folder / META_NAME, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(folder)


def _read_meta(src: Path) -> dict:
    path = src / META_NAME
    if not src.is_dir():
        raise BackupError(f"{src}: no such snapshot folder (make one with `qa snapshot PATH`)")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src}: not a qa snapshot (no {META_NAME}); make one with `qa snapshot PATH`") from None
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{path}: unreadable ({exc}); use another snapshot") from exc
    files = meta.get("files") if isinstance(meta, dict) else None
    if (not isinstance(files, dict) or DB_NAME not in files or meta.get("format") != FORMAT
            or any(Path(n).name != n or n == META_NAME for n in files)):
        raise IndexCorrupt(f"{path}: not a qa snapshot description (format {FORMAT}); use another snapshot")
    return meta


def _empty(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()


__all__ = ["BackupError", "take_snapshot", "restore_snapshot", "META_NAME"]
