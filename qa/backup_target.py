"""Where `qa snapshot` and `qa restore` put their result: a folder that is absent or empty.

The result is built in a staging folder and then published:

* target absent: the staging folder is made beside it and renamed onto it (one
  rename; the new folder gets the mode ``mkdir`` would give it, not 0700);
* target an existing empty folder, or a link to one: the folder is kept, with its
  owner and mode (a Docker volume's mount point, which cannot be renamed onto, a
  folder the server's user owns). The staging folder is made inside it, under a
  hidden name no reader looks at, so each entry moves in with a rename on one file
  system; the entry that makes the folder what it is (``qa.sqlite3``, whose
  presence is what a reader takes for an index; ``snapshot.json``) moves last, so
  a reader sees nothing or the whole. An entry never replaces a file that appeared
  meanwhile, and a failure before the last move takes back what was moved in.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from qa.errors import QAError, StorageError
from qa.fsutil import fsync_dir

STAGE_PREFIX = ".qa-staging-"
_NO_LINK = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS, errno.EXDEV}


class BackupError(QAError):
    """A snapshot cannot be taken or restored (the message says why and what to do)."""


@dataclass
class Staged:
    target: Path  # as given
    folder: Path  # the folder that ends up holding the result (a link resolved)
    existing: bool  # an existing empty folder, kept; otherwise created by the rename
    stage: Path


def advice(exc: OSError) -> str:
    """What to do about a failed write into a folder, after a '; '."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "; this user may not write there: run as the folder's owner, or give this user write permission"
    if exc.errno == errno.EROFS:
        return "; it is on a read-only file system: mount it writable, or choose another folder"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "; free some space (or choose another disk) and try again"
    return ""


def require_empty(target: Path, what: str) -> None:
    """Refuse a target that is not an absent or empty folder (a link to one is fine), saying why."""
    hint = ("choose a new path" if what == "snapshot" else
            "restore into an empty folder (set QA_DATA_DIR to one), or move the current index away first")
    try:
        if target.is_symlink() and not target.exists():
            raise BackupError(f"{target}: a link to {os.readlink(target)}, which does not exist; create that folder, "
                              f"or {hint}")
        if not target.exists():
            return
        if not target.is_dir():
            raise BackupError(f"{target}: already exists and is a file, not a folder; {hint}")
        names = sorted(os.listdir(target))
    except OSError as exc:
        raise StorageError(f"{target}: cannot look into it ({exc.strerror or exc}); check its permissions, "
                           f"or {hint}") from exc
    if names:
        left = (f" (only {names[0]}, left by an interrupted `qa {what}`: remove it)"
                if len(names) == 1 and names[0].startswith(STAGE_PREFIX) else
                f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})")
        raise BackupError(f"{target}: already exists and is not empty{left}; {hint}")


def stage(target: Path, what: str) -> Staged:
    """Check ``target`` and make the staging folder for it (beside it when absent, inside it when it exists)."""
    require_empty(target, what)
    existing = target.exists()
    folder = target.resolve() if existing else target.absolute()
    parent = folder if existing else folder.parent
    try:
        if not existing:
            parent.mkdir(parents=True, exist_ok=True)
        return Staged(target, folder, existing, _new_dir(parent, STAGE_PREFIX if existing else f".{target.name}."))
    except OSError as exc:
        raise StorageError(f"{parent}: cannot create a folder there ({exc.strerror or exc}){advice(exc)}; "
                           "nothing was changed") from exc


def publish(staged: Staged, last: str) -> None:
    """Install what ``staged.stage`` holds as ``staged.target``; ``last`` is the entry moved in last."""
    if not staged.existing:
        os.rename(staged.stage, staged.folder)
        fsync_dir(staged.folder.parent)
        return
    folder, stage_dir = staged.folder, staged.stage
    names = sorted(os.listdir(stage_dir), key=lambda name: name == last)
    owner = os.stat(folder)
    if os.geteuid() == 0 and (owner.st_uid, owner.st_gid) != (0, 0):  # root restoring for a server's user: theirs
        for name in names:
            os.chown(stage_dir / name, owner.st_uid, owner.st_gid, follow_symlinks=False)
    moved: list[Path] = []
    try:
        for name in names:
            if name == last:
                fsync_dir(folder)  # everything else is in place before the entry that makes it whole
            try:
                _move_no_replace(stage_dir / name, folder / name)
            except FileExistsError:
                raise BackupError(f"{folder}: {name} appeared there meanwhile (another process writing into it?); "
                                  "what was moved in was taken back: stop that process and try again") from None
            moved.append(folder / name)
        fsync_dir(folder)
    except BaseException:
        for path in reversed(moved):  # the folder is empty again
            try:
                path.unlink()
            except OSError:
                pass
        raise
    discard(staged)


def discard(staged: Staged) -> None:
    shutil.rmtree(staged.stage, ignore_errors=True)


def _new_dir(parent: Path, prefix: str) -> Path:
    """A new folder with a random name; mode 0777 less the umask, as ``mkdir`` gives (not mkdtemp's 0700)."""
    for _ in range(100):
        path = parent / f"{prefix}{secrets.token_hex(4)}.tmp"
        try:
            os.mkdir(path)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(parent))


def _move_no_replace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst`` on one file system, failing (EEXIST) rather than replacing a ``dst`` that
    appeared meanwhile (another process's new index): a hard link then an unlink, where links work."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_LINK or os.path.lexists(dst):
            raise
        os.rename(src, dst)  # no hard links here (or a folder): checked just above instead
        return
    os.unlink(src)


__all__ = ["BackupError", "Staged", "STAGE_PREFIX", "advice", "discard", "publish", "require_empty", "stage"]
