"""FastAPI app: answers (`/v1/ask`, `/v1/search`), OpenAI-compatible chat, documents, operations.

Endpoints that touch the model are plain ``def``: FastAPI runs them in its thread
pool, so the event loop never blocks, and `Runtime` caps how many run at once.
See README "HTTP" for the routes, limits, keys and metrics.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic_core import to_json

from qa import __version__
from qa.config import Settings
from qa.errors import QAError
from server import errors
from server.bodies import json_body
from server.documents_api import router as documents_router
from server.middleware import BodyLimit, HeadAsGet, JSONCORSMiddleware, MetricsMiddleware
from server.openai_api import router as openai_router
from server.runtime import Runtime
from server.schemas import AnswerOut, AskRequest, Health, Readiness, SearchOut
from server.security import read_access
from server.web import router as web_router
from server.workers import follow_parent, loads_before_accepting

log = logging.getLogger("qa.server")

DESCRIPTION = """Question answering over news articles, with citations.

* `POST /v1/ask`: the answer and its cited passages (the same JSON as `qa ask --json`, plus `timings`).
* `POST /v1/search`: the passages only.
* `POST /v1/chat/completions`, `GET /v1/models`: OpenAI-compatible (the official client works unchanged).
* `/v1/documents`: list, show, add or replace, delete.
* `GET /healthz`, `GET /readyz`, `GET /metrics` (Prometheus).

Keys (when configured): `Authorization: Bearer KEY` or `X-API-Key: KEY`. Errors are
`{"error": {"message", "type", "param", "code"}}`.
"""


def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def healthz() -> Health:
    """The process is up (it does not look at the index: see /readyz). On the event loop: it answers at once
    however many requests occupy the worker threads."""
    return Health()


async def readyz(request: Request) -> JSONResponse:
    """Ready to answer: the index opens; which retrieval answers use and why; document and chunk counts."""
    runtime = _runtime(request)
    return await anyio.to_thread.run_sync(_readiness, runtime, limiter=runtime.probe_threads)


def _readiness(runtime: Runtime) -> JSONResponse:
    settings = runtime.settings
    base = {"configured_mode": settings.mode, "model": settings.model}
    if runtime.warming or runtime.peers_warming():
        reason = ("starting: loading the model and the index" if runtime.warming else
                  "starting: another server process is still loading the model and the index")
        state = Readiness(ready=False, reason=reason, model_loaded=runtime.model_loaded, **base)
        return JSONResponse(state.model_dump(), status_code=503, headers={"Retry-After": "2"})
    svc = runtime.service
    encoder = svc.encoder()
    try:
        snap = svc.snapshot()
    except (QAError, sqlite3.Error) as exc:  # IndexCorrupt, or SQLite refusing the file outright
        state = Readiness(ready=False, reason=f"the index cannot be opened: {exc}", model_loaded=encoder is not None,
                          **base)
        return JSONResponse(state.model_dump(), status_code=503, headers={"Retry-After": "30"})
    # an index of another model answers lexically, as /v1/ask does, with the reason (`qa reindex`)
    mode, why = svc.answering_mode(snap)
    state = Readiness(
        ready=True,
        mode=mode,
        model_loaded=encoder is not None,
        fallback_reason=why,
        index_model=snap.model,
        documents=len(snap.docs),
        chunks=len(snap.chunks),
        generation=snap.generation,
        **base,
    )
    return JSONResponse(state.model_dump())


def metrics(request: Request) -> Response:
    """Prometheus text: requests and latency per route, index size, model state."""
    runtime = _runtime(request)
    m = runtime.metrics
    try:
        documents, chunks, generation = runtime.index_counts()
        m.documents.set(documents)
        m.chunks.set(chunks)
        m.generation.set(generation)
        m.index_ok.set(1 if runtime.index_opens() else 0)
    except Exception:  # noqa: BLE001 - a scrape reports the index as unreadable, never fails
        m.index_ok.set(0)
    m.model_loaded.set(1 if runtime.model_loaded else 0)
    return Response(m.exposition(), media_type=CONTENT_TYPE_LATEST)


def _json(value: object) -> Response:
    """``value`` (dataclasses, dicts, lists) serialised straight to JSON bytes by pydantic-core: the answer
    dataclasses already have the schema's shape (tests/test_schemathesis.py checks every response against it),
    so validating them into the response model and again on the way out would only cost time."""
    return Response(to_json(value), media_type="application/json")


def ask(body: AskRequest, request: Request) -> Response:
    """The answer with cited passages; `history` (earlier turns) resolves follow-up questions."""
    return _json(_runtime(request).ask(body.question, k=body.k, mode=body.mode, history=body.user_turns()))


def search(body: AskRequest, request: Request) -> Response:
    """The ranked passages only (the same retrieval as /v1/ask)."""
    answer = _runtime(request).ask(body.question, k=body.k, mode=body.mode, history=body.user_turns())
    return _json({key: getattr(answer, key) for key in SearchOut.model_fields})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        shared = runtime.shared
        if shared is not None:  # one of several workers: stop when the parent does, even if it is killed
            follow_parent(shared)
            # replacing a worker that died: warm up before accepting connections
            if not runtime.warmed and loads_before_accepting(shared):
                log.info("replacing a worker: loading the model and the index before accepting connections")
                try:
                    await anyio.to_thread.run_sync(runtime.warm_up)
                except Exception:  # noqa: BLE001 - never a start-up failure (uvicorn would restart it in a loop)
                    log.exception("warm-up failed; the first questions will load what is missing")
        runtime.start_warm_up()  # /healthz answers at once; /readyz says 503 until the model and index are loaded
        yield
        runtime.metrics.retire()

    # no redirect for a trailing slash: Starlette's decoded the id in Location ("a%23b" -> "a#b", another document)
    # and echoed the request's Host header; "/v1/documents/x/" is a 404 like any path that is not a route
    app = FastAPI(title="qa", version=__version__, description=DESCRIPTION, lifespan=lifespan, redirect_slashes=False)
    app.state.runtime = runtime
    app.state.service = runtime.service
    errors.install(app)

    ops = {"tags": ["operations"]}
    app.get("/healthz", response_model=Health, **ops)(healthz)
    app.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness, "description": "Not ready"}},
            **ops)(readyz)
    app.get("/metrics", response_class=Response, **ops,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text format"}})(metrics)
    app.include_router(web_router)
    answers = {"tags": ["answers"], "dependencies": [Depends(read_access), Depends(json_body)],
               "responses": errors.responses(401, 413, 415, 422, 429, 503)}
    app.post("/v1/ask", response_model=AnswerOut, **answers)(ask)
    app.post("/v1/search", response_model=SearchOut, **answers)(search)
    app.include_router(openai_router)
    app.include_router(documents_router)

    # outermost last: metrics see everything (413s included); CORS headers on every answer; HEAD (uptime
    # monitors' probe) is a GET without its body on every route, and stays out of the schema
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            JSONCORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            # any request header: the official openai JS SDK sends its own (x-stainless-os, ...-retry-count);
            # credentials are keys in headers, never cookies, so this opens nothing an allowed origin lacked
            allow_headers=["*"],
            expose_headers=["Retry-After"],
            max_age=600,
        )
    app.add_middleware(MetricsMiddleware, metrics=runtime.metrics)
    return app
