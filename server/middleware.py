"""Pure ASGI middleware: the request-body cap, Prometheus metrics, CORS that refuses in JSON, HEAD as GET.

Pure ASGI (not BaseHTTPMiddleware) so streamed responses pass through untouched
and the latency measured is the whole response, stream included.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from qa.errors import shown
from server.errors import TYPES, error_response
from server.workers import METRICS_ENV, live_worker, state_dir

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class HeadAsGet:
    """HEAD answered as GET without the body, on every route (RFC 9110: a general-purpose server supports both):
    FastAPI routes only the methods they declare, so ``HEAD /v1/documents`` was a 405 where its GET is a 200."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        inner = {**scope, "method": "GET"}
        try:
            await self.app(inner, receive, headers_only)
        finally:  # the route the router found, for the metrics outside (all HEADs were "unmatched")
            scope.update({key: inner[key] for key in ("route", "endpoint") if key in inner})


class BodyLimit:
    """413 for a body over ``max_bytes``: at once from Content-Length, or while a chunked body streams in; 415 for a
    compressed one (Content-Encoding: gzip was read as text and answered "not UTF-8")."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _message(self) -> str:
        return f"request body larger than {self.max_bytes} bytes (QA_MAX_REQUEST_BYTES)"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        coding = headers.get(b"content-encoding", b"").decode("latin-1").strip().lower()
        if coding not in ("", "identity"):
            await self._reject(send, 415, f"send the body uncompressed: Content-Encoding {shown(coding)} is not "
                                          "supported")
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared > self.max_bytes:
                await self._reject(send, 413, self._message())
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # re-raised by FastAPI's body reader, answered by the HTTPException handler
                    raise HTTPException(413, self._message())
            return message

        await self.app(scope, limited, send)

    @staticmethod
    async def _reject(send: Send, status: int, message: str) -> None:
        body = json.dumps({"error": {"message": message, "type": TYPES[status], "param": None,
                                     "code": status}}, separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class Metrics:
    """One registry per app (several apps in one process, as in tests, do not collide).

    ``shared``: this process is one of several workers (server/workers.py); prometheus_client then
    keeps every value in files of the shared folder, and :meth:`exposition` sums them over the workers
    (requests, latencies, requests in flight of live workers; the index gauges are set by the worker
    scraped, the most recent value wins)."""

    def __init__(self, *, shared: bool = False) -> None:
        self.shared = shared
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("qa_http_requests", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("qa_http_request_duration_seconds", "Time to the end of the response, by route",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.in_flight = self._gauge("qa_http_requests_in_flight", "Requests being served", "livesum")
        self.documents = self._gauge("qa_index_documents", "Documents in the published index")
        self.chunks = self._gauge("qa_index_chunks", "Chunks (passages) in the published index")
        self.generation = self._gauge("qa_index_generation", "Generation of the published index")
        self.index_ok = self._gauge("qa_index_readable", "1 when the index opens and passes its checks (as /readyz)")
        self.model_loaded = self._gauge("qa_model_loaded", "1 when the dense model is loaded (0: lexical)")

    def _gauge(self, name: str, description: str, mode: str = "mostrecent") -> Gauge:
        return Gauge(name, description, registry=self.registry, multiprocess_mode=mode)

    def retire(self) -> None:
        """This worker is stopping: its requests in flight no longer count (its counters still do)."""
        if self.shared:
            mark_process_dead(os.getpid())

    def exposition(self) -> bytes:
        """The Prometheus text of this process, or of every worker when shared."""
        if not self.shared:
            return generate_latest(self.registry)
        _forget_dead_workers()
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)


def _forget_dead_workers() -> None:
    """Retire the live gauges (requests in flight) of workers that died without retiring them (a crash,
    SIGKILL; uvicorn starts a new worker with another pid), so they stop counting."""
    folder, root = os.environ.get(METRICS_ENV), state_dir()
    if not folder or root is None:
        return
    for path in Path(folder).glob("gauge_live*_*.db"):
        pid = path.stem.rpartition("_")[2]
        if pid.isdigit() and not live_worker(int(pid), root):
            mark_process_dead(int(pid), folder)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, recording)
        finally:
            self.metrics.in_flight.dec()
            route = _route_template(scope)
            method = scope.get("method", "GET")
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - start)


def _route_template(scope: Scope) -> str:
    """The matched route's path template (bounded labels): FastAPI's routes name themselves in the scope, Starlette's
    plain ones (``/openapi.json``, ``/docs``) only their endpoint; "unmatched" when no route took the request."""
    route = scope.get("route")
    if route is None and (endpoint := scope.get("endpoint")) is not None:
        route = next((r for r in getattr(scope.get("app"), "routes", ()) if getattr(r, "endpoint", None) is endpoint), None)
    return getattr(route, "path", None) or "unmatched"


class JSONCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered in the API's error format (a JSON ``error`` naming what
    is not allowed: the origin, the method or a header), not as the plain text "Disallowed CORS origin"."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = bytes(response.body).decode().removeprefix("Disallowed CORS ")
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return error_response(400, f"CORS preflight refused: this server does not allow the request's {refused} "
                                   "(QA_CORS_ORIGINS lists the allowed origins)", headers=headers)
