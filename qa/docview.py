"""Inspecting stored documents: list, detail (body + dropped boilerplate), terminal view."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from qa.documents import SECTIONS
from qa.errors import DocumentNotFound
from qa.render import terminal_safe
from qa.sources import id_forms
from qa.store import DocumentRow, Store, index_exists


def document_list(data_dir: Path) -> list[dict[str, object]]:
    if not index_exists(data_dir):
        return []
    store = Store(data_dir)
    try:
        counts = dict(store.conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id"))
        rows = store.conn.execute("SELECT doc_id, title, source, date, author, path FROM documents ORDER BY doc_id")
        return [
            {"doc_id": d, "title": t, "source": s, "date": dt, "author": a, "path": p, "chunks": counts.get(d, 0)}
            for d, t, s, dt, a, p in rows
        ]
    finally:
        store.close()


def _index_with(data_dir: Path, doc_id: str) -> Store:
    """The index to look ``doc_id`` up in; a folder without one has no documents (and gets no index file)."""
    if not index_exists(data_dir):
        raise DocumentNotFound(doc_id)
    return Store(data_dir)


def _stored(store: Store, doc_id: str) -> DocumentRow:
    for candidate in id_forms(doc_id):  # a composed id also finds a decomposed one (older indexes)
        doc = store.get_document(candidate)
        if doc is not None:
            return doc
    raise DocumentNotFound(doc_id)


def document_raw(data_dir: Path, doc_id: str) -> str:
    """The document's original text, as ingested: every offset of a citation slices it."""
    store = _index_with(data_dir, doc_id)
    try:
        return _stored(store, doc_id).raw
    finally:
        store.close()


def document_detail(data_dir: Path, doc_id: str) -> dict[str, object]:
    store = _index_with(data_dir, doc_id)
    try:
        doc = _stored(store, doc_id)
        chunks = store.conn.execute("SELECT chunk_id, start, end FROM chunks WHERE doc_id = ? ORDER BY seq", (doc.doc_id,))
        return {
            "doc_id": doc.doc_id,
            "title": doc.title,
            "source": doc.source,
            "date": doc.date,
            "author": doc.author,
            "path": doc.path,
            "content_hash": doc.content_hash,
            "ingested_at": doc.ingested_at,
            "body": [{"start": s, "end": e, "text": doc.raw[s:e]} for s, e in doc.paragraphs],
            "dropped": [dict(d, text=doc.raw[d["start"] : d["end"]]) for d in doc.dropped],
            "chunks": [{"chunk_id": c, "start": s, "end": e} for c, s, e in chunks],
        }
    finally:
        store.close()


def print_document(console: Console, detail: dict) -> None:
    console.print(Text(detail["title"], style="bold"))
    meta = [str(detail[k]) for k in ("source", "date", "author") if detail.get(k)]  # only those it has
    line = " · ".join([detail["doc_id"], *meta, f"{len(detail['chunks'])} chunks"])
    console.print(Text(line, style="dim"))
    console.print()
    for para in detail["body"]:
        console.print(Text(terminal_safe(para["text"])))
        console.print()
    if detail["dropped"]:
        console.rule("[dim]not the article (what is marked searchable answers as another section)[/dim]")
        for d in detail["dropped"]:
            searchable = f" · searchable as {SECTIONS[d['reason']]}" if d["reason"] in SECTIONS else ""
            line = Text(f"[{d['reason']}{searchable}] ", style="magenta")
            line.append(d["text"], style="dim")
            console.print(line)
