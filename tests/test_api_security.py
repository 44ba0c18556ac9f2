"""Keys, rate limit and CORS of the HTTP API, through FastAPI's TestClient."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from api_support import ARTICLE, ROME, client_for, error_of
from qa.config import Settings
from server.security import RateLimiter

WHO_VI = "Ai đã gặp nhau tại Rome?"


# ------------------------------------------------------------------ keys, rate limit, CORS


def test_keys_read_and_admin(data_dir: Path) -> None:
    client = client_for(data_dir, api_keys=["read-1", "read-2"], admin_keys=["admin-1"])
    missing = client.post("/v1/ask", json={"question": WHO_VI})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert error_of(missing)["type"] == "authentication_error"
    assert client.post("/v1/ask", json={"question": WHO_VI}, headers={"X-API-Key": "nope"}).status_code == 401
    assert client.post("/v1/ask", json={"question": WHO_VI}, headers={"Authorization": "Bearer read-2"}).status_code == 200
    assert client.post("/v1/ask", json={"question": WHO_VI}, headers={"X-API-Key": "read-1"}).status_code == 200
    assert client.get("/v1/documents", headers={"X-API-Key": "admin-1"}).status_code == 200  # admin keys read
    assert client.get("/v1/models").status_code == 401
    doc = {"doc_id": "metro", "text": ARTICLE}
    forbidden = client.post("/v1/documents", json=doc, headers={"Authorization": "Bearer read-1"})
    assert forbidden.status_code == 403 and error_of(forbidden)["type"] == "permission_error"
    assert client.delete(f"/v1/documents/{ROME}", headers={"X-API-Key": "read-1"}).status_code == 403
    assert client.post("/v1/documents", json=doc).status_code == 401
    assert client.post("/v1/documents", json=doc, headers={"Authorization": "Bearer admin-1"}).status_code == 201
    # operations stay open: orchestrators and scrapers carry no key
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_admin_keys_alone_protect_writes_only(data_dir: Path) -> None:
    client = client_for(data_dir, admin_keys=["admin-1"])
    assert client.post("/v1/ask", json={"question": WHO_VI}).status_code == 200
    assert client.delete(f"/v1/documents/{ROME}").status_code == 401
    assert client.delete(f"/v1/documents/{ROME}", headers={"X-API-Key": "admin-1"}).status_code == 200


def test_read_keys_alone_disable_writes(data_dir: Path) -> None:
    client = client_for(data_dir, api_keys=["read-1"])
    response = client.delete(f"/v1/documents/{ROME}", headers={"X-API-Key": "read-1"})
    assert response.status_code == 403 and "QA_ADMIN_KEYS" in error_of(response)["message"]


def test_only_admins_see_where_documents_lie_on_the_server(data_dir: Path) -> None:
    """Readers get the file name; admins (and everyone on a server without keys) the whole path."""
    def paths(client, headers: dict | None = None) -> tuple[str, str]:  # noqa: ANN001
        listed = client.get("/v1/documents", headers=headers).json()["documents"][0]["path"]
        return listed, client.get(f"/v1/documents/{ROME}", headers=headers).json()["path"]

    guarded = client_for(data_dir, api_keys=["read-1"], admin_keys=["admin-1"])
    full = paths(guarded, {"X-API-Key": "admin-1"})
    assert all(Path(p).is_absolute() and Path(p).exists() for p in full), full
    read = paths(guarded, {"X-API-Key": "read-1"})
    assert read == (Path(full[0]).name, Path(full[1]).name) and read[1] == f"{ROME}.txt"
    assert paths(client_for(data_dir, admin_keys=["admin-1"])) == read  # reads open, paths still an admin's
    assert paths(client_for(data_dir)) == full


def test_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_API_KEYS", " a,b ,, c")
    monkeypatch.setenv("QA_ADMIN_KEYS", "z")
    monkeypatch.setenv("QA_CORS_ORIGINS", "https://a.example,https://b.example")
    settings = Settings()
    assert settings.api_keys == ["a", "b", "c"] and settings.admin_keys == ["z"]
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.rate_limit_per_minute == 120 and settings.max_concurrency == 2 * (os.cpu_count() or 1)  # README
    monkeypatch.setenv("QA_EXAMPLE_QUESTIONS", "Who met, and where? | Ai gặp ai? |")  # a question may hold commas
    assert Settings().example_questions == ["Who met, and where?", "Ai gặp ai?"]
    monkeypatch.setenv("QA_EXAMPLE_QUESTIONS", "")
    assert Settings().example_questions == []
    monkeypatch.setenv("QA_EXAMPLE_QUESTIONS", "x" * 201)
    with pytest.raises(ValueError, match="one line of 1-200 characters"):
        Settings()
    monkeypatch.setenv("QA_EXAMPLE_QUESTIONS", "|".join(f"Question {i}?" for i in range(7)))
    with pytest.raises(ValueError, match="at most 6"):  # the README's "at most 6"
        Settings()


def test_rate_limit_per_key_or_client(data_dir: Path) -> None:
    client = client_for(data_dir, rate_limit_per_minute=3, api_keys=["k1", "k2"])
    headers = {"X-API-Key": "k1"}
    for _ in range(3):
        assert client.get("/v1/models", headers=headers).status_code == 200
    limited = client.get("/v1/models", headers=headers)
    assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 20
    assert error_of(limited)["type"] == "rate_limit_exceeded"
    assert client.get("/v1/models", headers={"X-API-Key": "k2"}).status_code == 200  # another key, another bucket
    for _ in range(3):  # unknown keys spend the client's (IP) bucket
        assert client.get("/v1/models", headers={"X-API-Key": "guess"}).status_code == 401
    assert client.get("/v1/models", headers={"X-API-Key": "guess"}).status_code == 429
    assert client.get("/healthz").status_code == 200  # operations are not limited


def test_rate_limit_zero_disables(data_dir: Path) -> None:
    client = client_for(data_dir, rate_limit_per_minute=0)
    assert all(client.get("/v1/models").status_code == 200 for _ in range(150))


def test_token_bucket_refills() -> None:
    bucket = RateLimiter(60)  # one token per second, bursts of 60
    assert all(bucket.take("c", now=100.0) == 0 for _ in range(60))
    assert bucket.take("c", now=100.0) == pytest.approx(1.0)
    assert bucket.take("c", now=100.5) == pytest.approx(0.5)
    assert bucket.take("c", now=101.0) == 0
    assert bucket.take("other", now=101.0) == 0


def test_cors(data_dir: Path) -> None:
    closed = client_for(data_dir)
    pre = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type"}
    assert "access-control-allow-origin" not in closed.options("/v1/ask", headers=pre).headers
    client = client_for(data_dir, cors_origins=["https://app.example"])
    allowed = client.options("/v1/ask", headers=pre)
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == "https://app.example"
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    other = client.options("/v1/ask", headers={**pre, "Origin": "https://evil.example"})
    assert other.headers.get("access-control-allow-origin") != "https://evil.example"
    assert other.status_code == 400 and "origin" in error_of(other)["message"]  # the API's error format, not text
    method = client.options("/v1/ask", headers={**pre, "Access-Control-Request-Method": "PATCH"})
    assert method.status_code == 400 and "method" in error_of(method)["message"]
    # the headers the official openai JavaScript SDK sends with every request
    sdk = {**pre, "Access-Control-Request-Headers": "authorization,content-type,x-stainless-os,x-stainless-lang,"
           "x-stainless-arch,x-stainless-runtime,x-stainless-runtime-version,x-stainless-package-version,"
           "x-stainless-retry-count,x-stainless-timeout"}
    openai_js = client.options("/v1/chat/completions", headers=sdk)
    assert openai_js.status_code == 200, openai_js.text
    assert "x-stainless-retry-count" in openai_js.headers["access-control-allow-headers"].lower()
    simple = client.post("/v1/ask", json={"question": WHO_VI}, headers={"Origin": "https://app.example"})
    assert simple.headers["access-control-allow-origin"] == "https://app.example"


@pytest.mark.parametrize(("keys", "says"), [
    ({}, "reads open, writes open"),
    ({"api_keys": ["r1", "r2"]}, "reads need an API key (2 set), writes disabled"),
    ({"api_keys": ["r1"], "admin_keys": ["a1"]}, "reads need an API key (1 set), writes need an admin key (1 set)"),
    ({"admin_keys": ["a1"]}, "reads open, writes need an admin key (1 set)"),
])
def test_the_start_up_log_line_says_who_may_read_and_write_without_the_keys(
        tmp_path: Path, keys: dict[str, list[str]], says: str) -> None:
    from server.runtime import Runtime

    runtime = Runtime(Settings(data_dir=tmp_path / "data", model="/nonexistent", mode="hybrid", **keys))
    line = runtime.serving()
    assert says in line
    assert not any(key in line for values in keys.values() for key in values)
    assert runtime.serving("lexical").startswith("mode lexical (QA_MODE hybrid), ")  # no model: what answers


@pytest.mark.parametrize("body", [b'{"question":', b"\xff\xfe not UTF-8", b"question=Rome"])
def test_a_body_that_cannot_be_parsed_still_needs_a_key_and_a_token(data_dir: Path, body: bytes) -> None:
    """FastAPI rejects such a body before a route's dependencies run: the key and the rate limit are
    checked first all the same, so a client without a key cannot hammer the parser."""
    client = client_for(data_dir, api_keys=["read-1"], admin_keys=["admin-1"], rate_limit_per_minute=2)
    json_type = {"content-type": "application/json"}
    assert client.post("/v1/ask", content=body, headers=json_type).status_code == 401
    assert client.post("/v1/ask", content=body, headers=json_type | {"X-API-Key": "guess"}).status_code == 401
    assert client.post("/v1/ask", content=body, headers=json_type).status_code == 429  # the IP's 3rd request
    assert client.post("/v1/documents", content=body, headers=json_type | {"X-API-Key": "read-1"}).status_code == 403
    with_key = client.post("/v1/ask", content=body, headers=json_type | {"Authorization": "Bearer admin-1"})
    assert with_key.status_code == 422  # a good key: then the body's own error
    assert client.post("/v1/chat/completions", content=body, headers=json_type | {"X-API-Key": "admin-1"}).status_code == 422
    assert client.post("/v1/chat/completions", content=body, headers=json_type | {"X-API-Key": "admin-1"}).status_code == 429


@pytest.mark.parametrize("body", [b'{"question": "Rome"}'.decode().encode("utf-16"), b"question=Rome"])
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", None])
def test_a_body_refused_for_its_type_or_encoding_still_needs_a_key_and_a_token(
        data_dir: Path, body: bytes, content_type: str | None) -> None:
    """A 415 (not JSON) or a 422 (JSON in UTF-16) comes after the key and the rate limit, as every body error."""
    client = client_for(data_dir, api_keys=["read-1"], admin_keys=["admin-1"], rate_limit_per_minute=2)
    headers = {"content-type": content_type} if content_type else {}
    assert client.post("/v1/ask", content=body, headers=headers).status_code == 401
    assert client.post("/v1/ask", content=body, headers=headers | {"X-API-Key": "guess"}).status_code == 401
    assert client.post("/v1/ask", content=body, headers=headers).status_code == 429  # the IP's 3rd request
    assert client.post("/v1/documents", content=body, headers=headers | {"X-API-Key": "read-1"}).status_code == 403
    refused = client.post("/v1/ask", content=body, headers=headers | {"X-API-Key": "admin-1"})
    assert refused.status_code == (422 if content_type == "application/json" else 415), refused.text
