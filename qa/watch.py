"""Which index generation is published on disk, checked before every question, cheaply.

SQLite's ``PRAGMA data_version`` on one long-lived connection changes whenever another
connection commits, so the manifest is read again only after a write (or when the database
file was replaced), not on every question. Where that connection cannot read (an index in a
folder nobody may write, or on a read-only file system, which ``Store`` opens as immutable),
the manifest is read again only when the database or its WAL file changed on disk.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from qa.snapshot import _generation
from qa.store import DB_NAME


def _file_state(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class GenerationWatch:
    """``current()``: the published generation of the index in ``data_dir`` (None: none yet). Thread-safe."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._db = data_dir / DB_NAME
        self._lock = threading.Lock()
        self._watch: tuple | None = None  # (inode, connection, data_version, generation)
        self._unwatched: tuple | None = None  # (state of the db and WAL files, generation): when no connection can read

    def current(self) -> int | None:
        try:
            inode = os.stat(self._db).st_ino
        except OSError:  # no index yet, or one this process used has gone (Store says so: IndexUnavailable)
            return _generation(self.data_dir)
        try:
            with self._lock:
                if self._watch is None or self._watch[0] != inode:
                    self.close()
                    self._watch = (inode, self._connect(), None, None)
                inode, conn, version, generation = self._watch
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now != version:
                    generation = _generation(self.data_dir)
                    self._watch = (inode, conn, now, generation)
                return generation
        except (OSError, sqlite3.Error):
            return self._by_file_state()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._db, check_same_thread=False)

    def _by_file_state(self) -> int | None:
        """The careful path (``Store`` decides: read-only, unreadable, damaged), skipped while the files are as they were."""
        state = (_file_state(self._db), _file_state(self._db.with_name(DB_NAME + "-wal")))
        with self._lock:
            known = self._unwatched
        if state[0] is not None and known is not None and known[0] == state:
            return known[1]
        generation = _generation(self.data_dir)
        with self._lock:
            self._unwatched = (state, generation)
        return generation

    def release(self) -> None:
        """Close the long-lived connection, from any thread (the next ``current()`` opens another)."""
        with self._lock:
            self.close()

    def close(self) -> None:
        """Close the long-lived connection (callers hold the lock, or no other thread uses the watch)."""
        if self._watch is not None:
            self._watch[1].close()
            self._watch = None
