"""What an index records about how it was built (its manifest): the generation, the library versions, and the
settings that differ from the current ones; and how a storage failure is named in a message."""

from __future__ import annotations

import errno
import json
import os
import platform

import numpy as np

from qa import __version__


def generation_of(manifest: dict[str, str]) -> int:
    """The published generation; 0 for an empty index or a damaged value (the next write repairs it)."""
    try:
        return max(0, int(manifest.get("generation") or 0))
    except ValueError:
        return 0


def describe(exc: BaseException) -> str:
    """'No space left on device (ENOSPC)', 'database or disk is full (SQLITE_FULL)'."""
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, str(exc.errno))
        return f"{exc.strerror or os.strerror(exc.errno)} ({name})"
    name = getattr(exc, "sqlite_errorname", None)
    return f"{exc} ({name})" if name else str(exc) or type(exc).__name__


def library_versions() -> dict[str, str]:
    import bm25s
    import faiss

    versions = {"qa": __version__, "python": platform.python_version(), "faiss": faiss.__version__,
                "bm25s": getattr(bm25s, "__version__", "?"), "numpy": np.__version__}
    from importlib.metadata import PackageNotFoundError, version

    for name in ("sentence_transformers", "torch"):  # metadata only: importing them costs seconds
        try:
            versions[name] = version(name.replace("_", "-"))
        except PackageNotFoundError:  # pragma: no cover - both are dependencies
            pass
    return versions


def settings_changes(stale: str, current: dict[str, object]) -> str:
    """``stale`` (a recorded signature, or a description) as the settings that differ: "cleaner 1, now 2"."""
    try:
        recorded = json.loads(stale)
    except ValueError:
        return stale
    if not isinstance(recorded, dict):
        return stale
    changed = [f"{key} {recorded.get(key)!r}, now {current.get(key)!r}" for key in sorted(set(recorded) | set(current))
               if recorded.get(key) != current.get(key)]
    return "; ".join(changed) or stale
