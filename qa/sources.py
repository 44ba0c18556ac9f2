"""What a write takes in: articles read from files and folders (bad ones reported with a reason, the
rest kept), and the report of what the write did."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Container
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.cleaning import is_blank
from qa.documents import decode_file
from qa.errors import BadInputFile, QAError


@dataclass(frozen=True)
class SourceText:
    doc_id: str
    raw: str
    path: str | None = None
    meta: dict[str, str | None] | None = None
    upsert: bool = False  # replaces the document of this id whatever file it came from (a POST over HTTP)


@dataclass
class IngestReport:
    documents_added: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    chunks_embedded: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


NOT_REGULAR = "not a regular file (a device, pipe or socket?)"
CANNOT_LIST = "cannot list this folder (permissions?): its articles were not read"
DOC_ID_CHARS = 255  # a file name's limit


def source_problem(src: SourceText) -> str | None:
    """Why the index must refuse ``src`` (one line), or None: the rules a file or a posted document already
    meets, checked again for text handed to ``Writer.ingest`` directly. An id must be usable in a URL path
    (``/v1/documents/{id}``) and as a citation: no '/', no control characters."""
    doc_id, raw = src.doc_id, src.raw
    if not isinstance(doc_id, str) or not doc_id.strip():
        return "a document id must be a non-empty string"
    if len(doc_id) > DOC_ID_CHARS or "/" in doc_id or doc_id in (".", "..") or any(ord(c) < 32 or c == "\x7f" for c in doc_id):
        return f"document id {doc_id!r} cannot be used: at most {DOC_ID_CHARS} characters, no '/' or control characters"
    if not isinstance(raw, str):
        return f"the text must be a string, not {type(raw).__name__}"
    for what, text in (("document id", doc_id), ("text", raw)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"the {what} is not valid UTF-8 (an unpaired surrogate at character {exc.start + 1})"
    if "\x00" in raw:
        return "the text contains NUL characters (binary data?)"
    if is_blank(raw):
        return "the text is empty (only whitespace or zero-width characters)"
    return None


def _hidden(file: Path, folder: Path) -> bool:
    """A dot file, or a file inside a dot folder (.git, .cache...) under the folder given."""
    return any(part.startswith(".") for part in file.relative_to(folder).parts)


def _unlistable(folder: Path) -> list[str]:
    """Folders under ``folder`` (dot folders aside) that cannot be listed: ``rglob`` skips them silently."""
    failed: list[str] = []
    for _, dirnames, _ in os.walk(folder, onerror=lambda exc: failed.append(str(exc.filename))):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    return failed


def collect_sources(paths: list[Path], max_bytes: int, report: IngestReport) -> list[SourceText]:
    """Read .txt files (folders recursively); bad files are reported, the rest go in."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            report.errors += [{"path": folder, "reason": CANNOT_LIST} for folder in _unlistable(path)]
            found = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            files.extend(p for p in found if p.suffix == ".txt")
            odd = sorted(p for p in path.rglob("*.txt") if not _hidden(p, path) and not p.is_file()
                         and not p.is_dir())  # a pipe, socket or device named like an article, a dangling link
            report.errors += [{"path": str(p), "reason": NOT_REGULAR if p.exists() else "a link to nothing"}
                              for p in odd]
            others = [p for p in found if p.suffix != ".txt"]
            if others:
                report.notices.append(f"{path}: skipped {len(others)} file(s) that are not .txt "
                                      f"(e.g. {others[0].relative_to(path)}); only .txt articles are read from folders")
        elif path.is_file():
            files.append(path)
        elif path.exists():
            report.errors.append({"path": str(path), "reason": NOT_REGULAR})
        else:
            report.errors.append({"path": str(path), "reason": "no such file or folder"})
    sources: dict[str, SourceText] = {}
    for file in files:
        try:
            raw = decode_file(file, max_bytes)
        except BadInputFile as exc:
            report.errors.append({"path": exc.path, "reason": exc.reason})
            continue
        doc_id = id_of(file)
        if doc_id in sources:
            report.errors.append({"path": str(file), "reason": f"duplicate document id {doc_id!r} (also {sources[doc_id].path})"})
            continue
        sources[doc_id] = SourceText(doc_id, raw, os.path.abspath(file))  # stored: meaningful from any folder
    return list(sources.values())


def check_prune(paths: list[Path], sources: list[SourceText], report: IngestReport) -> None:
    """``prune`` removes what ``paths`` do not hold: refuse (QAError, nothing changed) when a path is missing
    (a typo would empty the index) or when the paths hold no article at all."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise QAError(f"--prune with a path that does not exist ({missing[0]}) would remove its documents; "
                      "nothing was changed")
    unlisted = [e["path"] for e in report.errors if e["reason"] == CANNOT_LIST]
    if unlisted:
        raise QAError(f"--prune cannot list {unlisted[0]} and would remove the documents in it; nothing was "
                      "changed")
    if not sources and not report.errors:
        raise QAError("--prune found no .txt articles in PATHS and would remove every document; nothing was "
                      "changed (`qa remove DOC_ID...` removes documents)")


def taken_by_another_file(src: SourceText, stored: str | None) -> str | None:
    """Why ``src`` must not replace the stored document of the same id: that document was read from
    another file that still exists (``a/tin.txt`` then ``b/tin.txt``: same id, different articles).
    None when it may: the same file, a document posted over HTTP, or a file that was moved or deleted."""
    if src.upsert or not src.path or not stored or not os.path.isabs(stored):
        return None  # a stored relative path (before 0.1 stored them) names no file for sure: it may be updated
    try:
        if os.path.samefile(stored, src.path):
            return None
    except OSError:
        return None  # the stored file is gone (moved, renamed, a path relative to another folder)
    return (f"document id {src.doc_id!r} is already taken by another file, {stored}; rename one of them, "
            f"or `qa remove {src.doc_id}` first")


def is_moved(src: SourceText, stored: str | None) -> bool:
    """``src`` is its document's file read from a new place (the stored path names another file, or none):
    its path is updated even when its text is not, or the old place would still be taken to be its file."""
    if src.upsert or not src.path or not stored or stored == src.path:
        return False
    try:
        return not os.path.samefile(stored, src.path)
    except OSError:
        return True  # the stored file is gone


def id_of(file: Path) -> str:
    """A file's document id: its name without the extension, in NFC (a macOS file name is decomposed, NFD,
    and an id typed on a keyboard is composed: they must be the same id)."""
    return unicodedata.normalize("NFC", file.stem)


def id_forms(doc_id: str) -> tuple[str, ...]:
    """``doc_id`` as given, then composed and decomposed (an index written by an older version may hold a
    decomposed id): the ids a lookup tries, each once."""
    return tuple(dict.fromkeys((doc_id, unicodedata.normalize("NFC", doc_id), unicodedata.normalize("NFD", doc_id))))


def stored_id(doc_id: str, existing: Container[str]) -> str | None:
    """The id under which ``doc_id`` is stored (see ``id_forms``), or None."""
    return next((candidate for candidate in id_forms(doc_id) if candidate in existing), None)
