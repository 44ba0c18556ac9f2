"""What a write takes in: articles read from files and folders (bad ones reported with a reason, the
rest kept), and the report of what the write did."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Callable, Container, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.cleaning import is_blank
from qa.decoding import CONTROL_CODES, decode_file
from qa.errors import BadInputFile, QAError
from qa.text import surrogate_at


@dataclass(frozen=True)
class SourceText:
    doc_id: str
    raw: str
    path: str | None = None
    meta: dict[str, str | None] | None = None
    upsert: bool = False  # replaces the document of this id whatever file it came from (a POST over HTTP)
    aliases: tuple[str, ...] = ()  # the ids of links to this file under other names (read once, as this one)


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
NOT_TXT = "not a .txt file: only .txt articles are read (rename it to .txt if it is one)"
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
        if (at := surrogate_at(text)) is not None:
            return f"the {what} is not valid UTF-8 (an unpaired surrogate at character {at + 1})"
    if "\x00" in raw:
        return "the text contains NUL characters (binary data?)"
    if is_blank(raw):
        return "the text is empty (only whitespace or zero-width characters)"
    if is_html_page(raw):
        return ("an HTML page, not an article's text (its markup and scripts would be searched): save the page as "
                "text, e.g. the browser's Save as > Text, or `lynx -dump URL`")
    if (controls := len(raw) - len(raw.translate(_CONTROL))) > 0.3 * len(raw.translate(_BLANK)):
        return f"binary data, not text ({controls} control characters)"  # text has none, or a few (a form feed)
    return None


_CONTROL = dict.fromkeys(CONTROL_CODES)  # for str.translate: deleted
_BLANK = dict.fromkeys(map(ord, " \t\r\n"))
_HTML_START = re.compile(r"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)


def is_html_page(text: str) -> bool:
    """Whether the text is an HTML page (a doctype or <html> first, after a BOM, blanks and comments)."""
    at = 0
    head = text[:65536]
    for _ in range(100):  # comments skipped by search, not a pattern: "<!---->" x 32 took a regex minutes
        at = len(head) - len(head[at:].lstrip("\ufeff \t\r\n\f\v"))
        if not head.startswith("<!--", at):
            return bool(_HTML_START.match(head, at))
        end = head.find("-->", at + 4)
        if end < 0:
            return False
        at = end + 3
    return False


def text_source(doc_id: str, text: str, *, title: str | None = None, source: str | None = None,
                date: str | None = None, author: str | None = None, url: str | None = None) -> SourceText:
    """A document given as text (``POST /v1/documents``, ``QAService.add_text``): it replaces the document of its id
    whatever file that came from; its URL is kept where a file's path would be (no file)."""
    meta = {"title": title, "source": source, "date": date, "author": author, "url": url}
    return SourceText(doc_id, text, url, meta={k: v for k, v in meta.items() if v}, upsert=True)


def named_paths(sources: list[SourceText], errors: list[dict[str, str]]) -> set[str]:
    """The files a write names, as stored (absolute): those read and those refused while reading."""
    return {s.path for s in sources if s.path} | {os.path.abspath(e["path"]) for e in errors if e.get("path")}


def too_large(text: str, max_bytes: int) -> str | None:
    """Why a text given whole (posted, ``QAService.add_text``) is refused for its size, as a file over
    QA_MAX_FILE_BYTES is; None when it fits."""
    size = len(text.encode("utf-8", "surrogatepass"))
    return f"too large ({size} bytes of UTF-8 > limit {max_bytes}, QA_MAX_FILE_BYTES)" if size > max_bytes else None


def is_article_name(path: Path) -> bool:
    """Named like an article: ``.txt`` in any case (``NOTES.TXT`` from a Windows or FAT disk)."""
    return path.suffix.lower() == ".txt"


def _walk(folder: Path, seen: set[str], report: IngestReport) -> list[Path]:
    """Every entry but folders under ``folder`` (dot files and dot folders aside), following links to
    folders (a linked folder's articles are read, and --prune keeps them) but listing each real folder
    once: a link to an ancestor or a folder named twice adds nothing. Folders that cannot be listed are
    reported (``os.walk`` would skip them silently)."""
    def unlistable(exc: OSError) -> None:
        report.errors.append({"path": str(exc.filename), "reason": CANNOT_LIST})

    entries: list[Path] = []
    for root, dirnames, filenames in os.walk(folder, onerror=unlistable, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        entries += [Path(root, name) for name in filenames if not name.startswith(".")]
    return sorted(entries)


def _kind(path: Path) -> str:
    """"dir", "file", "other" (a pipe, socket or device), "missing", "dangling" (a link to nothing), or why it
    cannot be looked at ("Permission denied": in a folder that can be listed but not entered, chmod 644)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "dangling" if os.path.lexists(path) else "missing"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


KINDS = {"other": NOT_REGULAR, "dangling": "a link to nothing", "missing": "no such file or folder"}


def _not_a_file(kind: str) -> str:
    """Why an entry of this ``_kind`` (not "file") cannot be read; one that cannot be looked at is reported as a
    file that cannot be opened is (``decode_file``)."""
    return KINDS.get(kind) or f"unreadable ({kind})"


def _folder_files(folder: Path, seen: set[str], report: IngestReport) -> list[Path]:
    """The .txt files under ``folder``; other entries named like articles (a pipe, a dangling link, one that
    cannot be looked at) are reported, other files counted in a notice."""
    entries = _walk(folder, seen, report)
    articles, others = [], []
    for p in entries:
        kind = _kind(p)
        if is_article_name(p):
            if kind == "file":
                articles.append(p)
            else:
                report.errors.append({"path": str(p), "reason": _not_a_file(kind)})
        elif kind == "file":
            others.append(p)
    if others:
        report.notices.append(f"{folder}: skipped {len(others)} file(s) that are not .txt "
                              f"(e.g. {others[0].relative_to(folder)}); only .txt articles are read from folders")
    return articles


def _named_file_problem(path: Path, kind: str) -> str | None:
    """Why a path named on its own (not a folder) cannot be an article, or None."""
    if kind != "file":
        return _not_a_file(kind)
    if not is_article_name(path):
        return NOT_TXT
    return None


def collect_sources(paths: list[Path], max_bytes: int, report: IngestReport) -> list[SourceText]:
    """Read .txt files (folders recursively); bad files are reported, the rest go in. The same file reached
    twice (``seeds ./seeds``, a folder and a file in it) is read once: it is one article, not a duplicate."""
    files: list[Path] = []
    seen: set[str] = set()  # real folders listed, across all paths
    before = len(report.errors)
    for path in paths:
        kind = _kind(path)
        if kind == "dir":
            files += _folder_files(path, seen, report)
        elif problem := _named_file_problem(path, kind):
            report.errors.append({"path": str(path), "reason": problem})
        else:
            files.append(path)
    fresh = {(e["path"], e["reason"]): e for e in report.errors[before:]}  # a path found twice is reported once
    report.errors[before:] = list(fresh.values())
    sources: dict[str, SourceText] = {}
    for file, links in _once(files, report):
        doc_id = id_of(file)
        try:
            raw = decode_file(file, max_bytes)
        except BadInputFile as exc:
            report.errors.append({"path": exc.path, "reason": exc.reason})
            continue
        if doc_id in sources:
            other = sources[doc_id].path
            twin = ", the same name in another Unicode form" if other and Path(other).stem != file.stem else ""
            report.errors.append({"path": str(file), "reason": f"duplicate document id {doc_id!r} (also {other}{twin})"})
            continue
        sources[doc_id] = SourceText(doc_id, raw, os.path.abspath(file), aliases=links)  # the path: from any folder
    return list(sources.values())


def _once(files: list[Path], report: IngestReport) -> list[tuple[Path, tuple[str, ...]]]:
    """Each real file once, in order, with the ids of the links to it under other names: under the path named like
    the file itself where a link with another name leads to it too (``tin.txt`` and ``link.txt -> tin.txt`` are
    one article, ``tin``), with a notice."""
    groups: dict[str, list[Path]] = {}
    for file in files:
        groups.setdefault(os.path.realpath(file), []).append(file)
    chosen = []
    for real, paths in groups.items():
        file = next((f for f in paths if f.name == os.path.basename(real)), paths[0])
        links = tuple(sorted({id_of(f) for f in paths} - {id_of(file)}))
        chosen.append((file, links))
        if links:
            report.notices.append(f"{file}: also reached as {', '.join(links)} (a link): read once, as {id_of(file)!r}")
    return chosen


def check_prune(paths: list[Path], sources: list[SourceText], report: IngestReport) -> None:
    """``prune`` removes what ``paths`` do not hold: refuse (QAError, nothing changed) when a path is missing
    (a typo would empty the index) or when the paths hold no article that can be read: files that were all
    rejected (an empty one, a folder of non-.txt files) would otherwise remove every document."""
    kinds = [(p, _kind(p)) for p in paths]
    missing = [str(p) for p, kind in kinds if kind in ("missing", "dangling")]
    if missing:
        raise QAError(f"--prune with a path that does not exist ({missing[0]}) would remove its documents; "
                      "nothing was changed")
    # one that cannot be looked at (a folder at chmod 0 named itself, a link loop) hides what it holds
    hidden = [(p, kind) for p, kind in kinds if kind not in ("dir", "file", "other")]
    if hidden:
        raise QAError(f"--prune cannot look at {hidden[0][0]} ({hidden[0][1]}) and would remove the documents in "
                      "it; nothing was changed")
    unlisted = [e["path"] for e in report.errors if e["reason"] == CANNOT_LIST]
    if unlisted:
        raise QAError(f"--prune cannot list {unlisted[0]} and would remove the documents in it; nothing was "
                      "changed")
    if not sources:
        found = f"no .txt article it could read ({len(report.errors)} file(s) rejected)" if report.errors else "no .txt articles"
        raise QAError(f"--prune found {found} in PATHS and would remove every document; nothing was "
                      "changed (`qa remove DOC_ID...` removes documents)")


def staying(sources: list[SourceText], errors: list[dict[str, str]], existing: Mapping[str, str],
            deletes: list[str], stored_paths: Callable[[], dict[str, str | None]]) -> list[str]:
    """Notices for documents a write leaves in the index although their file says otherwise: a file indexed before
    and refused now (emptied, made UTF-16 ...: its earlier text still answers, with offsets into the old text), and
    a link read as its own document before (named alone, or by an earlier version). ``stored_paths``: each stored
    document's file, read only when needed."""
    notices = []
    if errors:
        stored = stored_paths()
        for error in errors:
            doc_id = id_of(Path(error["path"])) if error.get("path") else None
            if doc_id in existing and stored.get(doc_id) == os.path.abspath(error["path"]):
                notices.append(f"{error['path']}: the version indexed before stays searchable until the file is fixed "
                               f"(or `qa remove {doc_id}`)")
    for src in sources:
        if links := [a for a in src.aliases if a in existing and a not in deletes]:
            notices.append(f"{src.path}: the document{'s' * (len(links) > 1)} {', '.join(map(repr, links))} read from "
                           f"a link to it stay{'s' * (len(links) == 1)} until `qa remove {' '.join(links)}`")
    return notices


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
