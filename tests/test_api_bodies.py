"""The HTTP contract of request bodies and of the OpenAPI schema: what a body must be (JSON, UTF-8, within
QA_MAX_REQUEST_BYTES, sent as application/json) and that every status a route answers is documented in the
error shape it is answered in. The index is the seeds in lexical mode (conftest), as in test_api.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import ARTICLE, ROME, client_for, error_of
from qa.config import Settings
from qa.errors import IndexReadOnly, StorageError
from server.errors import TYPES

WHO_VI = "Ai đã gặp nhau tại Rome?"


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/models", "/v1/documents",
            "/v1/documents/{doc_id}", "/healthz", "/readyz", "/metrics"} <= paths
    ask = spec["paths"]["/v1/ask"]["post"]
    assert {"401", "413", "422", "429", "503"} <= set(ask["responses"])
    schema = spec["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert schema["maxLength"] == 2000 and schema["minLength"] == 1
    assert client.get("/docs").status_code == 200


def _documented(spec: dict) -> dict[str, set[int]]:
    """'GET /v1/documents' -> the statuses its schema documents."""
    return {f"{method.upper()} {path}": {int(code) for code in op["responses"]}
            for path, ops in spec["paths"].items() for method, op in ops.items()}


def test_every_error_is_documented_in_the_errors_own_shape(client: TestClient) -> None:
    """FastAPI documents its own HTTPValidationError for a 422 on any route with parameters unless the route
    lists 422: every error the server sends is an ErrorResponse (the readiness probe's 503 is a Readiness)."""
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(spec)
    for path, ops in spec["paths"].items():
        assert "head" not in ops, path  # HEAD probes stay out of the schema (one operation per route)
        for method, op in ops.items():
            for code, response in op["responses"].items():
                if int(code) >= 400 and path != "/readyz":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorResponse"), (method, path, code)
    documented = _documented(spec)
    for read in ("GET /v1/documents", "GET /v1/documents/{doc_id}", "GET /v1/documents/{doc_id}/raw"):
        assert {401, 422, 429, 503} <= documented[read], read
    assert {401, 403, 404, 409, 422, 429, 503, 507} <= documented["DELETE /v1/documents/{doc_id}"]
    assert {401, 403, 409, 413, 415, 422, 429, 503, 507} <= documented["POST /v1/documents"]
    for post in ("POST /v1/ask", "POST /v1/search", "POST /v1/chat/completions"):
        assert {401, 413, 415, 422, 429, 503} <= documented[post], post
    assert 403 not in documented["POST /v1/chat/completions"]  # a read: a read key is enough
    assert 422 in documented["GET /v1/models/{model_id}"]
    assert TYPES[507] == "insufficient_storage" and TYPES[415] == "unsupported_media_type"


def test_the_statuses_answered_are_the_documented_ones(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(data_dir)
    documented = _documented(client.get("/openapi.json").json())

    def check(label: str, response, status: int, type: str) -> None:  # noqa: ANN001
        assert response.status_code == status and error_of(response)["type"] == type, response.text
        assert status in documented[label], label

    check("GET /v1/documents", client.get("/v1/documents", params={"limit": 0}), 422, "invalid_request_error")
    check("GET /v1/models/{model_id}", client.get("/v1/models/gpt-9"), 404, "not_found")
    check("POST /v1/ask", client.post("/v1/ask", data={"question": "Rome"}), 415, "unsupported_media_type")

    def full(*args: object, **kwargs: object) -> None:
        raise StorageError("disk full while writing the index (No space left on device)")

    monkeypatch.setattr("qa.ingest.Writer.ingest", full)
    monkeypatch.setattr("qa.ingest.Writer.remove", full)
    check("POST /v1/documents", client.post("/v1/documents", json={"text": ARTICLE}), 507, "insufficient_storage")
    check("DELETE /v1/documents/{doc_id}", client.delete(f"/v1/documents/{ROME}"), 507, "insufficient_storage")

    def read_only(*args: object, **kwargs: object) -> None:
        raise IndexReadOnly("the index folder or its files are read-only for this user")

    monkeypatch.setattr("qa.ingest.Writer.ingest", read_only)
    refused = client.post("/v1/documents", json={"text": ARTICLE})
    check("POST /v1/documents", refused, 503, "index_read_only")
    assert "retry-after" not in refused.headers  # permissions do not change by waiting

    assert client.get("/v1/documents").status_code == 200
    data_dir.rename(data_dir.with_name("moved-away"))  # the index it was using is gone: 503 until it is back
    check("GET /v1/documents", client.get("/v1/documents"), 503, "index_unavailable")
    check("GET /v1/documents/{doc_id}", client.get(f"/v1/documents/{ROME}"), 503, "index_unavailable")
    check("GET /v1/documents/{doc_id}/raw", client.get(f"/v1/documents/{ROME}/raw"), 503, "index_unavailable")


def test_every_route_with_a_body_checks_it_is_json(client: TestClient) -> None:
    """The check is a dependency of each route that reads a JSON body: one added without it would answer a form
    with a 422 about a dictionary again."""
    spec = client.get("/openapi.json").json()
    with_body = {(method, path) for path, ops in spec["paths"].items() for method, op in ops.items()
                 if "requestBody" in op}
    assert {path for _, path in with_body} == {"/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/documents"}
    for method, path in with_body:
        assert "415" in spec["paths"][path][method]["responses"], path
        response = client.request(method, path, data={"question": WHO_VI})
        assert response.status_code == 415 and error_of(response)["type"] == "unsupported_media_type", path


def test_not_json_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "not valid JSON" in error_of(response)["message"]
    assert error_of(response)["param"] == "body"  # not the character position pydantic reports


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", None, "text/plain",
                                          "multipart/form-data; boundary=x", "application/jsonl"])
def test_a_body_not_sent_as_json_is_a_415_naming_the_header(client: TestClient, content_type: str | None) -> None:
    """curl's -d sends a form type, some clients none: 415 saying what to send, not a 422 about a dictionary."""
    body = json.dumps({"question": WHO_VI, "messages": [{"role": "user", "content": WHO_VI}], "text": ARTICLE})
    headers = {"content-type": content_type} if content_type else {}
    for route in ("/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/documents"):
        response = client.post(route, content=body.encode(), headers=headers)
        assert response.status_code == 415, (route, response.text)
        error = error_of(response)
        assert error["type"] == "unsupported_media_type" and "Content-Type: application/json" in error["message"]
    assert client.get("/v1/documents").json()["total"] == 5


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8", "application/vnd.api+json"])
def test_json_content_types_are_accepted(client: TestClient, content_type: str) -> None:
    body = json.dumps({"question": WHO_VI}).encode()
    assert client.post("/v1/ask", content=body, headers={"content-type": content_type}).status_code == 200


def test_oversize_bodies_get_413(data_dir: Path) -> None:
    client = client_for(data_dir, max_request_bytes=4096)
    big = json.dumps({"question": "x" * 5000})
    declared = client.post("/v1/ask", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413 and "4096" in error_of(declared)["message"]

    def chunks():  # no Content-Length: the cap applies while the body streams in
        for _ in range(10):
            yield b" " * 1000
        yield big.encode()

    streamed = client.post("/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413, streamed.text
    assert error_of(streamed)["type"] == "request_too_large"
    assert client.post("/v1/ask", json={"question": WHO_VI}).status_code == 200  # small bodies still pass


def _escaped_document(max_file_bytes: int) -> str:
    """A document just under the file limit in 2-byte characters, with full metadata, as ``json.dumps`` sends it by
    default (every non-ASCII character as \\uXXXX: three times its UTF-8 size)."""
    text = "Tin mới.\n\n" + "ư" * ((max_file_bytes - 20) // 2)
    meta = {key: "𝔸" * 500 for key in ("title", "source", "author")}  # 4-byte characters: 12 bytes each
    meta["date"] = "2024-08-09"  # a date is a date (one it reads), not 500 characters
    body = json.dumps({"doc_id": "d" * 128, "text": text, **meta, "url": "𝔸" * 2000}, ensure_ascii=True)
    assert max_file_bytes - 20 < len(text.encode()) <= max_file_bytes and len(body) > 3 * len(text.encode())
    return body


def test_the_default_body_limit_fits_a_document_of_the_file_limit_however_it_is_escaped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert len(_escaped_document(settings.max_file_bytes)) <= settings.max_request_bytes  # 5 MB: 15 MB of JSON
    monkeypatch.setenv("QA_MAX_REQUEST_BYTES", "4096")  # an explicit limit is still the limit
    assert Settings().max_request_bytes == 4096


def test_a_document_just_under_the_file_limit_is_accepted_as_escaped_json(data_dir: Path) -> None:
    client = client_for(data_dir, max_file_bytes=20_000)  # the body limit follows: 3 x 20,000 + 64 KiB
    created = client.post("/v1/documents", content=_escaped_document(20_000), headers={"content-type": "application/json"})
    assert created.status_code == 201, created.text
    limit = 3 * 20_000 + 64 * 1024  # what QA_MAX_REQUEST_BYTES defaults to with this file limit
    padded = json.dumps({"text": "ok"}) + " " * limit  # JSON whitespace: a body just over it
    too_big = client.post("/v1/documents", content=padded, headers={"content-type": "application/json"})
    assert too_big.status_code == 413 and "QA_MAX_REQUEST_BYTES" in error_of(too_big)["message"]


def test_a_body_that_is_not_utf8_is_a_422(client: TestClient) -> None:
    for route in ("/v1/ask", "/v1/chat/completions", "/v1/documents"):
        response = client.post(route, content=b'{"question": "\xff\xfe"}', headers={"content-type": "application/json"})
        assert response.status_code == 422 and "not UTF-8" in error_of(response)["message"], route


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_json_in_utf16_or_utf32_is_refused_as_not_utf8(client: TestClient, encoding: str) -> None:
    """json.loads on bytes would read them (a BOM, or NUL bytes): the API takes UTF-8 JSON only, as it says."""
    body = {"question": WHO_VI, "messages": [{"role": "user", "content": WHO_VI}], "doc_id": "utf16", "text": ARTICLE}
    for route in ("/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/documents"):
        fields = {k: v for k, v in body.items() if k in {"/v1/chat/completions": {"messages"},
                                                           "/v1/documents": {"doc_id", "text"}}.get(route, {"question"})}
        response = client.post(route, content=json.dumps(fields, ensure_ascii=False).encode(encoding),
                               headers={"content-type": "application/json"})
        assert response.status_code == 422, (route, response.text)
        error = error_of(response)
        assert error["param"] == "body" and "not UTF-8" in error["message"] and "send UTF-8 JSON" in error["message"]
    assert client.get("/v1/documents/utf16").status_code == 404
    with_bom = json.dumps({"question": WHO_VI}).encode("utf-8-sig")  # UTF-8 still, which a parser may accept
    assert client.post("/v1/ask", content=with_bom, headers={"content-type": "application/json"}).status_code == 200


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br"])
def test_a_compressed_body_is_a_415_naming_the_encoding(data_dir: Path, coding: str) -> None:
    """A gzip body was read as text and answered "not UTF-8"; plain JSON labelled gzip was answered."""
    client = client_for(data_dir)
    body = gzip.compress(json.dumps({"question": "Rome?"}).encode()) if coding == "gzip" else b'{"question": "Rome?"}'
    response = client.post("/v1/ask", content=body, headers={"content-type": "application/json",
                                                             "content-encoding": coding})
    assert response.status_code == 415 and f"Content-Encoding '{coding}' is not supported" in response.text


def test_a_long_id_is_not_echoed_whole(data_dir: Path) -> None:
    client = client_for(data_dir)
    for path in ("/v1/documents/" + "b" * 50_000, "/v1/models/" + "m" * 50_000):
        response = client.get(path)
        assert response.status_code == 404 and len(response.content) < 1000, (path[:20], len(response.content))
        assert "(50000 characters)" in response.text


def test_a_405_names_every_method_the_path_takes(data_dir: Path) -> None:
    """GET and DELETE are two routes on one path: the Allow header named only GET."""
    client = client_for(data_dir)
    for method, path, allowed in (("PUT", f"/v1/documents/{ROME}", {"GET", "DELETE"}), ("PUT", "/v1/documents", {"GET", "POST"}),
                                  ("PATCH", "/v1/ask", {"POST"})):
        response = client.request(method, path)
        assert response.status_code == 405, (method, path, response.text)
        assert set(response.headers["allow"].split(", ")) >= allowed, (path, response.headers["allow"])


def test_a_trailing_slash_is_no_redirect(data_dir: Path) -> None:
    """The redirect decoded the id ("a%23b" -> "a#b", another document) and echoed the Host header."""
    client = client_for(data_dir)
    for path in ("/v1/documents/", "/v1/documents/a%23b%2520c/raw/", "/v1/ask/"):
        response = client.get(path, headers={"host": "evil.example"}, follow_redirects=False)
        assert response.status_code in (404, 405) and "location" not in response.headers, (path, response.status_code)
