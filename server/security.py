"""API keys and per-client rate limiting.

Keys come from ``QA_API_KEYS`` (read) and ``QA_ADMIN_KEYS`` (document writes; they
also read), given as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY`` and
compared in constant time.

=============  ===============  =====================  ===========================
QA_API_KEYS    QA_ADMIN_KEYS    reads                  writes
=============  ===============  =====================  ===========================
unset          unset            open                   open
set            unset            read key               403 (no admin key exists)
unset          set              open                   admin key
set            set              read or admin key      admin key
=============  ===============  =====================  ===========================

Missing or unknown key where one is needed: 401; a read key on a write: 403.
Every /v1 request first takes a token from its client's bucket (the key when it
is a valid one, else the client IP): ``QA_RATE_LIMIT_PER_MINUTE`` tokens, refilled
continuously; an empty bucket is a 429 with ``Retry-After``. With several server
processes (``QA_WORKERS``) the buckets are shared through a SQLite file.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import sqlite3
import threading
import time
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from qa.config import Settings
from server.errors import APIError

bearer_scheme = HTTPBearer(auto_error=False, description="An API key as a bearer token")
header_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")

Level = Literal["read", "admin"]


def _matches(key: str, keys: list[str]) -> bool:
    found = False
    for candidate in keys:  # no early exit: the time does not depend on which key matched
        found |= hmac.compare_digest(key.encode("utf-8", "surrogatepass"), candidate.encode("utf-8", "surrogatepass"))
    return found


class KeyRing:
    def __init__(self, settings: Settings) -> None:
        self.read = list(settings.api_keys)
        self.admin = list(settings.admin_keys)

    def role(self, key: str | None) -> Literal["admin", "read"] | None:
        if not key:
            return None
        if _matches(key, self.admin):
            return "admin"
        if _matches(key, self.read):
            return "read"
        return None

    def sees_server_paths(self, key: str | None) -> bool:
        """Whether this caller may see where documents lie on the server: an admin, or anyone on a server
        without keys; a reader (or anyone, where only admin keys are set) sees the file name."""
        return self.role(key) == "admin" or not (self.read or self.admin)

    def check(self, key: str | None, level: Level) -> None:
        role = self.role(key)
        if level == "read":
            if not self.read or role is not None:
                return
            raise self._unauthorized(key)
        if not self.read and not self.admin:
            return
        if role == "admin":
            return
        if role == "read":
            why = "this key may only read; document writes need a key from QA_ADMIN_KEYS"
            if not self.admin:
                why = "document writes are disabled: QA_API_KEYS is set but QA_ADMIN_KEYS is not"
            raise APIError(403, why)
        raise self._unauthorized(key)

    @staticmethod
    def _unauthorized(key: str | None) -> APIError:
        message = "unknown API key" if key else "an API key is required (Authorization: Bearer KEY or X-API-Key: KEY)"
        return APIError(401, message, headers={"WWW-Authenticate": "Bearer"})


class RateLimiter:
    """Token buckets per client: ``per_minute`` burst, refilled at per_minute/60 per second."""

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, last update)
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 when allowed, else the seconds until a token is available."""
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, wait = self._spend(*self._buckets.get(client, (self.capacity, now)), now)
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._forget_full(now)
        return wait

    def _spend(self, tokens: float, last: float, now: float) -> tuple[float, float]:
        """The bucket refilled up to ``now``, then one token taken if there is one: (tokens left, wait)."""
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            return tokens - 1.0, 0.0
        return tokens, (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has refilled (they are indistinguishable from new ones)."""
        for client, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.capacity:
                del self._buckets[client]


class SharedRateLimiter(RateLimiter):
    """The same buckets kept in a SQLite file, for server processes sharing one port (server/workers.py).

    A take is one short write transaction (WAL, no fsync: the buckets only matter while the server
    runs), 16 µs here against 1.2 µs in memory; the clock is ``time.monotonic``, one clock for every
    process on a machine."""

    FORGET_EVERY = 1_000  # takes between sweeps of refilled buckets

    def __init__(self, path: Path, per_minute: int) -> None:
        super().__init__(per_minute)
        self._conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.execute("CREATE TABLE IF NOT EXISTS buckets (client TEXT PRIMARY KEY, tokens REAL NOT NULL, "
                           "last REAL NOT NULL) WITHOUT ROWID")
        self._takes = 0

    def take(self, client: str, now: float | None = None) -> float:
        if self.capacity <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:  # this process's one connection, one thread at a time; other processes wait on SQLite's lock
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute("SELECT tokens, last FROM buckets WHERE client = ?", (client,)).fetchone()
                tokens, wait = self._spend(*(row or (self.capacity, now)), now)
                self._conn.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)", (client, tokens, now))
                self._takes += 1
                if self._takes % self.FORGET_EVERY == 0:
                    self._conn.execute("DELETE FROM buckets WHERE tokens + (? - last) * ? >= ?",
                                       (now, self.rate, self.capacity))
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        return wait


def presented_key(bearer: HTTPAuthorizationCredentials | None, header: str | None) -> str | None:
    if header:
        return header.strip()
    if bearer is not None and bearer.credentials:
        return bearer.credentials.strip()
    return None


def client_id(request: Request, keys: KeyRing, key: str | None) -> str:
    if keys.role(key) is not None:
        return "key:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return "ip:" + (request.client.host if request.client else "unknown")


def enforce(request: Request, level: Level, bearer: HTTPAuthorizationCredentials | None, header: str | None) -> None:
    """Rate limit, then authorize (so guessing keys spends the guesser's own tokens)."""
    request.state.access_checked = True
    runtime = request.app.state.runtime
    key = presented_key(bearer, header)
    wait = runtime.limiter.take(client_id(request, runtime.keys, key))
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise APIError(429, f"rate limit of {runtime.settings.rate_limit_per_minute} requests per minute exceeded; "
                            f"retry in {seconds} s", headers={"Retry-After": str(seconds)})
    runtime.keys.check(key, level)
    request.state.sees_server_paths = runtime.keys.sees_server_paths(key)


def sees_server_paths(request: Request) -> bool:
    """Whether this request's caller may see paths on the server (set by the access check; False if none ran)."""
    return getattr(request.state, "sees_server_paths", False)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)]
HeaderDep = Annotated[str | None, Security(header_scheme)]


async def read_access(request: Request, bearer: BearerDep, header: HeaderDep) -> None:
    enforce(request, "read", bearer, header)


async def admin_access(request: Request, bearer: BearerDep, header: HeaderDep) -> None:
    enforce(request, "admin", bearer, header)


def enforce_before_rejecting(request: Request) -> None:
    """The same checks for a /v1 request whose body FastAPI could not even parse (malformed JSON, not UTF-8):
    it rejects those before the route's dependencies run, so they would skip the key and the rate limit."""
    if not request.url.path.startswith("/v1/") or getattr(request.state, "access_checked", False):
        return
    writes = request.method in ("POST", "PUT", "PATCH", "DELETE") and request.url.path.startswith("/v1/documents")
    scheme, _, credentials = (request.headers.get("authorization") or "").partition(" ")
    bearer = (HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials.strip())
              if scheme.lower() == "bearer" and credentials.strip() else None)
    enforce(request, "admin" if writes else "read", bearer, request.headers.get("x-api-key"))
