"""Errors as JSON a person can read: ``{"error": {"message", "type", "param", "code"}}``.

Bad input is a 422 naming the field, product errors (``QAError``) map to 4xx or
503, and nothing the client sends can produce a 500: an unexpected exception is
logged with its traceback and answered with a generic message.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from qa.errors import (BadInputFile, DocumentNotFound, IndexBusy, IndexCorrupt, IndexMismatch, IndexReadOnly,
                       IndexUnavailable, InvalidQuestion, ModelUnavailable, QAError, StorageError)
from server.schemas import ErrorResponse

log = logging.getLogger("qa.server")

TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "invalid_request_error",
    429: "rate_limit_exceeded",
    503: "index_unavailable",
    507: "insufficient_storage",
}


class APIError(Exception):
    def __init__(self, status: int, message: str, *, type: str | None = None, param: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type or TYPES.get(status, "error")
        self.param = param
        self.headers = headers


def error_response(status: int, message: str, *, type: str | None = None, param: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": type or TYPES.get(status, "error"), "param": param, "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    """``body.messages.0.content`` -> ``messages.0.content``; the names pydantic gives the members of a
    union ("list[ContentPart]", "function-after[...]") are left out: they are not fields."""
    parts = [str(p) for p in loc if "[" not in str(p)]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts)


def _message(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    if err.get("type") == "json_invalid":
        return f"not valid JSON ({ctx.get('error', 'decode error')})"
    if err.get("type") in ("too_long", "too_short") and isinstance(err.get("input"), str):
        bound = "at most" if err["type"] == "too_long" else "at least"
        limit = ctx.get("max_length" if err["type"] == "too_long" else "min_length")
        return f"String should have {bound} {limit} character{'' if limit == 1 else 's'}"
    return str(err.get("msg", "invalid")).removeprefix("Value error, ")  # a validator's own words


def _relevant(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(location, message) pairs, one per location. A value that matches no member of a union gets an error
    per member: those saying it is not of a member's type are left out when another member got further
    (an error at a deeper location), and of the rest at one location the first is kept."""
    located = [("body" if e.get("type") == "json_invalid" else _location(e.get("loc", ())), e) for e in errors]
    out: dict[str, str] = {}
    for where, err in located:
        deeper = any(other.startswith(where + ".") for other, _ in located)
        if str(err.get("type", "")).endswith("_type") and deeper:
            continue
        out.setdefault(where, _message(err))
    return list(out.items())


def validation_message(errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    """'question: String should have at most 2000 characters; k: ...' and the first field."""
    pairs = _relevant(errors)
    lines = [f"{where}: {msg}" if where else msg for where, msg in pairs[:5]]
    if len(pairs) > 5:
        lines.append(f"(and {len(pairs) - 5} more)")
    return "; ".join(lines) or "invalid request", (pairs[0][0] or None) if pairs else None


def qa_error_status(exc: QAError) -> int:
    if isinstance(exc, DocumentNotFound):
        return 404
    if isinstance(exc, BadInputFile):
        return 413 if "too large" in exc.reason else 422
    if isinstance(exc, InvalidQuestion):
        return 422
    if isinstance(exc, IndexMismatch):
        return 409
    if isinstance(exc, (IndexBusy, IndexUnavailable, IndexReadOnly)):
        return 503  # another writer held the index, it cannot be opened (as /readyz says), or not written here
    if isinstance(exc, StorageError):
        return 507  # Insufficient Storage (disk full, I/O error): the previous index is unchanged
    if isinstance(exc, (IndexCorrupt, ModelUnavailable)):
        return 503
    return 400


def _allowed(request: Request, given: str | None) -> str | None:
    """Every method the documented routes of this path take (``DELETE`` and ``GET`` on ``/v1/documents/{doc_id}``),
    from the OpenAPI paths, once per app; ``given`` (Starlette's) for a path the schema does not list."""
    table = getattr(request.app.state, "allow_table", None)
    if table is None:
        table = request.app.state.allow_table = [
            (compile_path(path)[0], {m.upper() for m in operations})
            for path, operations in request.app.openapi()["paths"].items()]
    methods = set().union(*(methods for pattern, methods in table if pattern.match(request.url.path)))
    return ", ".join(sorted(methods)) if methods else given


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if (refused := _access_refused(request)) is not None:
            return refused
        message, param = validation_message(list(exc.errors()))
        return error_response(422, message, param=param)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        cause = exc.__cause__
        if exc.status_code == 400 and cause is not None:  # FastAPI could not parse the body: bad input, a 422
            if (refused := _access_refused(request)) is not None:
                return refused
            why = "not UTF-8" if isinstance(cause, UnicodeDecodeError) else f"cannot be parsed ({type(cause).__name__})"
            return error_response(422, f"body: {why}; send UTF-8 JSON", param="body")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:  # Starlette names the methods of the first route on the path, not of all of them
            headers = {**(headers or {}), "Allow": _allowed(request, (headers or {}).get("Allow"))}
        return error_response(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(APIError)
    async def _api(request: Request, exc: APIError) -> JSONResponse:
        return _api_response(request, exc)

    @app.exception_handler(QAError)
    async def _qa(request: Request, exc: QAError) -> JSONResponse:
        status = qa_error_status(exc)
        if status >= 500:  # the operator's to fix (space, permissions, damage): in the log too, not only the reply
            log.warning("%s %s answered %d: %s", request.method, request.url.path, status, exc)
        if isinstance(exc, IndexReadOnly):  # permissions: retrying will not help, and questions are answered
            return error_response(status, str(exc), type="index_read_only")
        return error_response(status, str(exc), headers={"Retry-After": "30"} if status == 503 else None)

    @app.exception_handler(sqlite3.Error)
    async def _sqlite(request: Request, exc: sqlite3.Error) -> JSONResponse:
        log.warning("index database error on %s: %s", request.url.path, exc)
        return error_response(503, f"the index database (SQLite) is unavailable: {exc}; try again",
                              headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal server error (logged on the server)", type="server_error")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse, "description": desc}
    for code, desc in {
        401: "Missing or unknown API key",
        403: "The key may not do this (a read key on a write)",
        404: "No such document or model",
        409: "The index was built with other settings (`qa reindex`)",
        413: "Request body (or document text) too large",
        415: "The body is not sent as JSON (Content-Type: application/json)",
        422: "Invalid input; the message names the field",
        429: "Rate limit exceeded; see Retry-After",
        503: "Index unavailable or server busy; see Retry-After",
        507: "Out of disk space (or an I/O error) while writing; the index is unchanged",
    }.items()
}


def _api_response(request: Request, exc: APIError) -> JSONResponse:
    if exc.status >= 500:  # busy, unavailable: the operator sees it in the log, as every 5xx
        log.warning("%s %s answered %d: %s", request.method, request.url.path, exc.status, exc.message)
    return error_response(exc.status, exc.message, type=exc.type, param=exc.param, headers=exc.headers)


def _access_refused(request: Request) -> JSONResponse | None:
    """The key or rate-limit answer for a request rejected before its route's checks ran, if it has one."""
    from server.security import enforce_before_rejecting  # security imports this module

    try:
        enforce_before_rejecting(request)
    except APIError as exc:
        return _api_response(request, exc)
    return None


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route."""
    return {c: ERROR_RESPONSES[c] if c in ERROR_RESPONSES else {"model": ErrorResponse} for c in codes}
