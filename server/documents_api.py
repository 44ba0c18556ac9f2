"""Documents over HTTP: list, show, add or replace, delete.

A posted text goes through exactly what `qa ingest` does with a file (cleaning,
chunking, content-hash incremental update, one atomic write); readers keep
answering from the previous index until the new generation is published.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse

from qa.cleaning import is_blank
from qa.docview import document_detail, document_list, document_raw
from qa.errors import DocumentNotFound
from qa.ingest import IngestReport
from qa.sources import text_source, too_large
from qa.store import Store
from server.bodies import json_body
from server.errors import APIError, responses
from server.runtime import Runtime
from server.schemas import (
    DocumentDeleteOut,
    DocumentDetail,
    DocumentIn,
    DocumentList,
    DocumentWriteOut,
)
from server.security import admin_access, read_access, sees_server_paths

router = APIRouter(prefix="/v1/documents", tags=["documents"])


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


def slug(text: str, limit: int = 48) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def derived_doc_id(text: str, title: str | None) -> str:
    """<slug of the title or first line>-<12 hex of sha256(text)>: the same text gets the same id."""
    first = title or next((line for line in text.splitlines() if line.strip()), "")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    name = slug(first)
    return f"{name}-{digest}" if name else f"doc-{digest}"


def check_text(text: str, max_bytes: int) -> None:
    """The same rules as for a file (`qa.decoding.decode_file`), for text that arrived as JSON."""
    if reason := too_large(text, max_bytes):
        raise APIError(413, f"text {reason}", param="text")
    if "\x00" in text:
        raise APIError(422, "text contains NUL characters (binary data?)", param="text")
    if is_blank(text):
        raise APIError(422, "text is empty (only whitespace or zero-width characters)", param="text")


@router.get("", response_model=DocumentList, dependencies=[Depends(read_access)],
            responses=responses(401, 422, 429, 503))
def list_documents(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DocumentList:
    """Indexed documents (like `qa list --json`), ordered by id."""
    rows = document_list(_runtime(request).settings.data_dir)
    shown = [_path_shown(request, row) for row in rows[offset : offset + limit]]
    return DocumentList(documents=shown, total=len(rows), offset=offset, limit=limit)


@router.get("/{doc_id}", response_model=DocumentDetail, dependencies=[Depends(read_access)],
            responses=responses(401, 404, 422, 429, 503))
def get_document(doc_id: str, request: Request) -> dict:
    """One document (like `qa show --json`): metadata, cleaned body, dropped boilerplate with reasons, chunks."""
    return _path_shown(request, document_detail(_runtime(request).settings.data_dir, doc_id))


def _path_shown(request: Request, doc: dict) -> dict:
    """The document with its file's name only, unless the caller may see server paths (a url stays whole)."""
    path = doc.get("path")
    if not path or "://" in path or sees_server_paths(request):
        return doc
    return {**doc, "path": PurePath(path).name}


@router.get("/{doc_id}/raw", response_class=Response, dependencies=[Depends(read_access)],
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "The original text"},
                       **responses(401, 404, 422, 429, 503)})
def get_document_raw(doc_id: str, request: Request) -> PlainTextResponse:
    """The document's original text as ingested (UTF-8): a citation's `start`/`end` (and its highlight's) are
    offsets in characters (code points) into it, so `raw[start:end]` is the cited text."""
    return PlainTextResponse(document_raw(_runtime(request).settings.data_dir, doc_id))


@router.post("", response_model=DocumentWriteOut, dependencies=[Depends(admin_access), Depends(json_body)],
             responses={201: {"model": DocumentWriteOut, "description": "Added"},
                        **responses(401, 403, 409, 413, 415, 422, 429, 503, 507)})
async def put_document(body: DocumentIn, request: Request, response: Response) -> DocumentWriteOut:
    """Add a document, or replace the one with the same id (unchanged text and metadata: nothing is redone)."""
    runtime = _runtime(request)
    out = await runtime.one_write(lambda: _put(runtime, body))
    if out.status == "added":
        response.status_code = 201
    return out


def _put(runtime: Runtime, body: DocumentIn) -> DocumentWriteOut:
    check_text(body.text, runtime.settings.max_file_bytes)
    doc_id = body.doc_id or derived_doc_id(body.text, body.title)
    source = text_source(doc_id, body.text, title=body.title, source=body.source, date=body.date, author=body.author,
                         url=body.url)
    report = IngestReport()
    with runtime.writing():
        runtime.service.writer(rebuild_stale=False).ingest([source], report=report)
        runtime.refresh()
    if report.errors:  # refused by the index's own rules (the schema checks the same: not expected)
        raise APIError(422, report.errors[0]["reason"], param="text")
    status = "added" if report.documents_added else "updated" if report.documents_updated else "unchanged"
    return DocumentWriteOut(doc_id=doc_id, status=status, chunks=_chunk_count(runtime, doc_id),
                            report=report.to_dict())


def _chunk_count(runtime: Runtime, doc_id: str) -> int:
    store = Store(runtime.settings.data_dir)
    try:
        return store.conn.execute("SELECT count(*) FROM chunks WHERE doc_id = ?", (doc_id,)).fetchone()[0]
    finally:
        store.close()


@router.delete("/{doc_id}", response_model=DocumentDeleteOut, dependencies=[Depends(admin_access)],
               responses=responses(401, 403, 404, 409, 422, 429, 503, 507))
async def delete_document(doc_id: str, request: Request) -> DocumentDeleteOut:
    """Remove a document from the index (404 when there is none with this id)."""
    runtime = _runtime(request)
    return await runtime.one_write(lambda: _delete(runtime, doc_id))


def _delete(runtime: Runtime, doc_id: str) -> DocumentDeleteOut:
    with runtime.writing():
        removed = runtime.service.writer(rebuild_stale=False).remove([doc_id])
        if not removed:
            raise DocumentNotFound(doc_id)
        runtime.refresh()
    return DocumentDeleteOut(doc_id=removed[0], deleted=True)  # as stored: a decomposed id finds its composed twin
