"""The BM25 index of each generation, saved beside its FAISS file and opened memory-mapped.

A writer builds it from the chunks it commits and publishes it like the FAISS
file: one file written to a temporary name, fsynced, renamed to a name never
used before, and named with its sha256 in the same SQLite transaction as the
manifest. A reader checks that sha256 and memory-maps the score arrays, so
opening a generation costs a file read instead of a rebuild, and RAM holds the
vocabularies, not the postings.

BM25 is derived data: when the file is missing (an index written before it
existed) or does not match its checksum, the reader rebuilds it in memory from
the chunks and says so; it never serves damaged scores.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from qa.documents import chunk_section
from qa.fsutil import fsync_dir
from qa.lexical import LexicalIndex

PREFIX = "bm25."
SUFFIX = ".bin"
_READ = 1 << 20


class _HashingWriter:
    def __init__(self, fh) -> None:  # noqa: ANN001
        self.fh = fh
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.fh.write(data)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_READ):
            digest.update(block)
    return digest.hexdigest()


def own_text(chunks: Iterable[tuple[str, int, int]], extra: Mapping[str, Sequence[tuple[int, int, str]]]) -> list[bool]:
    """Per (doc_id, start, end) chunk: whether it is its article's own text, not other text of its page (``extra``:
    by document, ``qa.documents.page_text``), which is searchable but shapes no statistics (``chunk_section``)."""
    return [chunk_section(extra.get(doc_id, ()), start) == "body" for doc_id, start, _ in chunks]


class Written(NamedTuple):
    path: Path
    sha256: str
    reused: int  # chunks whose term counts came from the previous file instead of being tokenised again


def write(data_dir: Path, generation: int, texts: Sequence[str], doc_ids: list[str], titles: list[str],
          chunk_ids: Sequence[int] | None = None, previous: Path | None = None,
          counted: Sequence[bool] | None = None) -> Written:
    """Build and publish the BM25 file of one generation.

    ``previous``: the published file of the generation before (checked against its sha256 by the caller);
    the chunks it holds are carried over (see ``LexicalIndex.updated``), so a write that changes a few
    documents tokenises only theirs. Without it, or when it cannot serve, everything is tokenised."""
    index = None
    if previous is not None and chunk_ids is not None:
        try:
            index = LexicalIndex.updated(previous, texts, doc_ids, titles, chunk_ids, counted=counted)
        except (OSError, ValueError, KeyError):
            index = None
    if index is None:
        index = LexicalIndex(texts, doc_ids=doc_ids, titles=titles, chunk_ids=chunk_ids, counted=counted)
    final = data_dir / f"{PREFIX}{generation}.{secrets.token_hex(4)}{SUFFIX}"
    tmp = data_dir / f".{final.name}.tmp"
    try:
        with tmp.open("wb") as fh:
            out = _HashingWriter(fh)
            index.save(out)  # type: ignore[arg-type]
            fh.flush()
            os.fsync(fh.fileno())
        os.rename(tmp, final)
        fsync_dir(data_dir)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Written(final, out.digest.hexdigest(), index.reused)


def verified(data_dir: Path, manifest: dict[str, str]) -> Path:
    """The BM25 file the manifest names, checked: inside the index folder and matching its sha256.

    Raises ``ValueError`` (or ``OSError`` when it cannot be read) saying why it cannot be used."""
    name = manifest.get("bm25_file") or ""
    if not name:
        raise ValueError("the manifest names no BM25 file")
    if Path(name).name != name or not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        raise ValueError("the manifest names a file outside the index folder")
    path = data_dir / name
    if file_sha256(path) != manifest.get("bm25_sha256"):
        raise ValueError("its bytes do not match the manifest's sha256")
    return path


def open_index(data_dir: Path, manifest: dict[str, str], texts: Sequence[str], doc_ids: list[str],
               titles: list[str], counted: Callable[[], Sequence[bool] | None] = lambda: None
               ) -> tuple[LexicalIndex, str | None]:
    """The generation's BM25 index, memory-mapped; rebuilt in memory (with a note saying why) when it cannot be used."""
    name = manifest.get("bm25_file") or ""
    if not name:
        return LexicalIndex(texts, doc_ids=doc_ids, titles=titles, counted=counted()), None
    path = data_dir / name
    try:
        return LexicalIndex.load(verified(data_dir, manifest), texts), None
    except (OSError, ValueError, KeyError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        note = (f"the BM25 index {path} cannot be used ({reason}); rebuilt it in memory from the chunks "
                "(run `qa reindex` to write it again)")
        return LexicalIndex(texts, doc_ids=doc_ids, titles=titles, counted=counted()), note


def collect(data_dir: Path, keep: str) -> None:
    """Remove BM25 files the manifest does not name and temporary files of crashed writes."""
    for path in [*data_dir.glob(f"{PREFIX}*{SUFFIX}"), *data_dir.glob(f".{PREFIX}*.tmp")]:
        if path.name != keep:
            path.unlink(missing_ok=True)
