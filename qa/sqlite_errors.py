"""What a SQLite failure means for the index: damage (IndexCorrupt), another writer holding the lock (IndexBusy),
or storage (read-only, full: IndexReadOnly / StorageError / IndexUnavailable), each with what to do."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from qa.errors import IndexBusy, IndexCorrupt, IndexReadOnly, IndexUnavailable, StorageError

WRITE_WAIT_S = 60.0  # seconds a write waits for another process's write to finish before IndexBusy
FOREIGN_FIX = ("move it away (or set QA_DATA_DIR to another folder) and ingest the documents again, or restore a "
               "backup with `qa restore PATH`; `qa reindex` cannot help, it rebuilds from the documents stored in this file")


def is_damage(exc: sqlite3.Error) -> bool:
    """The file is not a (sound) SQLite database, as opposed to a disk, lock or permission problem."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name:
        return name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT"))
    return isinstance(exc, sqlite3.DatabaseError) and any(
        w in str(exc) for w in ("not a database", "malformed", "corrupt", "Could not decode"))


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock (SQLITE_BUSY / SQLITE_LOCKED), as opposed to damage or a full disk."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, sqlite3.Error) and ("BUSY" in name or "LOCKED" in name or "locked" in str(exc))


def sqlite_error(path: Path, exc: sqlite3.Error, doing: str) -> Exception:
    """The product error for a SQLite failure: damage (IndexCorrupt) or a storage problem (StorageError)."""
    if is_damage(exc):  # SQLite quotes a damaged page's text: the start of it is enough
        detail = str(exc) if len(str(exc)) <= 160 else f"{str(exc)[:160]}…"
        return IndexCorrupt(f"{path}: not a readable qa index ({detail}); {FOREIGN_FIX}")
    name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    if is_busy(exc):
        return IndexBusy(f"{path}: {exc} while {doing}: another process kept the index locked for over "
                         f"{WRITE_WAIT_S:.0f} s (a `qa ingest`, or another server worker, writing); nothing was "
                         "changed, the previous index still answers. Try again once that write is done")
    advice = storage_advice(exc)
    # nothing can be answered: a 503, not a 507; a write refused by permissions is no lack of space either
    kind = IndexUnavailable if doing.startswith("opening") else IndexReadOnly if advice == READ_ONLY else StorageError
    return kind(f"{path}: {exc} ({name}) while {doing}; {advice}")


READ_ONLY = "the index folder or its files are read-only for this user: fix their permissions (or mount)"


def storage_advice(exc: BaseException) -> str:
    """What to fix for a SQLite or OS error that is not damage: permissions for a read-only folder or file,
    else space."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if "READONLY" in name or "readonly" in str(exc) or getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM, errno.EROFS):
        return READ_ONLY
    return "check free disk space and permissions"
