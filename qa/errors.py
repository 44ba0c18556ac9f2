"""Every error the product reports to a person, each with a meaningful message."""

from __future__ import annotations

import re


_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


class QAError(Exception):
    """Base class: the message is one line a person can act on (line breaks in what it quotes -- SQLite's
    integrity report, a damaged page's text -- are folded into it)."""

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], str) and _BREAK.search(args[0]):  # a quoted path keeps its spaces
            args = (" ".join(part.strip() for part in _BREAK.split(args[0]) if part.strip()),)
        super().__init__(*args)


class BadInputFile(QAError):
    """A file that cannot be ingested (not UTF-8, empty, binary, unreadable, too large)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ModelUnavailable(QAError):
    """The sentence-transformers model could not be loaded."""

    def __init__(self, model: str, reason: str, *, fallback: str = "answering with lexical retrieval",
                 setting: str = "QA_MODEL", local: bool = False) -> None:
        """``local``: ``model`` names a folder on this machine (the hub and its cache are not involved)."""
        self.model = model
        self.reason = reason
        self.local = local
        fix = (f"set {setting} to a folder holding a sentence-transformers model (modules.json or config.json)"
               if local else f"set {setting} to a local model directory, or run once with internet access to cache it")
        super().__init__(f"cannot load model {model!r}: {reason}; {fallback}. Fix: {fix}.")


class IndexMismatch(QAError):
    """The index on disk was built differently from what the settings ask for."""


class IndexCorrupt(QAError):
    """A file of the index is damaged or not ours."""


class StorageError(QAError):
    """Writing the index failed (disk full, I/O error, database locked): the previous index is unchanged."""


class IndexReadOnly(StorageError):
    """A write to an index this process may not write (a read-only volume, another user's files): nothing was
    changed, questions are still answered (HTTP 503 for the write, not 507: no space is missing)."""


class IndexUnavailable(StorageError):
    """The index cannot be opened at all (a missing or unreadable folder, no space for SQLite's shared
    memory): questions cannot be answered until that is fixed (HTTP 503, as /readyz says)."""


class IndexBusy(StorageError):
    """Another write to the index (another process, `qa ingest` beside the server) held it for longer than
    a write waits (``WRITE_WAIT_S``): nothing was changed; the same write succeeds once that one is done."""


class InvalidQuestion(QAError):
    """A question that cannot be asked: empty, too long, or not valid UTF-8 (``qa.limits``)."""


class InvalidDocument(QAError):
    """A document given as text with an id or metadata that cannot be stored (``qa.metadata``): as HTTP's 422."""


class QABusy(QAError):
    """Every question slot stayed taken for longer than the caller would wait."""


class DocumentNotFound(QAError):
    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        super().__init__(f"no document with id {shown(doc_id)} in the index")


def shown(value: str, limit: int = 100) -> str:
    """``value`` quoted for a message, cut to ``limit`` characters: an id or a path from a request may be
    kilobytes long, and the message is echoed back."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value)} characters)"
