"""The HTTP API through FastAPI's TestClient: operations, answers, documents, errors.

The index is the seeds ingested in lexical mode; QA_MODEL is a directory that
does not exist (conftest), so answers come from the lexical fallback. The
OpenAI-compatible routes and keys / rate limit / CORS have their own files.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import ARTICLE, ROME, SEEDS, check_passages, client_for, error_of, seed_text
from qa.config import Settings
from qa.errors import BadInputFile, DocumentNotFound, IndexCorrupt, IndexMismatch, ModelUnavailable, QAError
from qa.ingest import SourceText
from qa.service import QAService
from server import runtime as runtime_module
from server.app import create_app
from server.documents_api import derived_doc_id
from server.errors import qa_error_status
from server.runtime import ServedQA

WHO_VI = "Ai đã gặp nhau tại Rome?"
ANSWER_KEYS = {"question", "mode", "abstained", "confidence", "answer", "passages", "notice", "timings"}


# ------------------------------------------------------------------ operations


def test_head_is_get_without_the_body_on_every_route(client: TestClient) -> None:
    """RFC 9110: HEAD wherever GET is served (a 405 on /v1/documents broke link checkers and `curl -I`)."""
    doc_id = client.get("/v1/documents").json()["documents"][0]["doc_id"]
    for path in ("/v1/documents", f"/v1/documents/{doc_id}", "/v1/models", "/openapi.json", "/v1/documents/nope"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.headers["content-length"] == get.headers["content-length"], path
    assert client.head("/v1/ask").status_code == 405  # a POST-only route stays POST-only
    metrics = client.get("/metrics").text  # counted under their route, as uptime probes were before
    assert 'qa_http_requests_total{method="HEAD",route="/v1/models",status="200"}' in metrics
    assert 'method="HEAD",route="unmatched"' not in metrics


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.head("/healthz").status_code == 200 and client.head("/readyz").status_code == 200  # uptime monitors
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] is True and body["reason"] is None
    assert body["documents"] == len(list(SEEDS.glob("*.txt"))) and body["chunks"] >= body["documents"]
    assert body["generation"] >= 1
    assert body["configured_mode"] == "hybrid" and body["mode"] == "lexical"  # the model dir does not exist
    assert body["model_loaded"] is False and "cannot load model" in body["fallback_reason"]


def test_readyz_503_and_answers_503_when_the_index_is_damaged(data_dir: Path) -> None:
    (data_dir / "qa.sqlite3").write_bytes(b"this is not a database" * 100)
    for name in ("qa.sqlite3-wal", "qa.sqlite3-shm"):
        (data_dir / name).unlink(missing_ok=True)
    client = client_for(data_dir)
    assert client.get("/healthz").status_code == 200  # the process is up
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["ready"] is False and "cannot be opened" in ready.json()["reason"]
    ask = client.post("/v1/ask", json={"question": WHO_VI})
    assert ask.status_code == 503 and ask.headers["retry-after"]
    assert "qa.sqlite3" in error_of(ask)["message"] or "SQLite" in error_of(ask)["message"]
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and "qa_index_readable 0.0" in metrics.text


def test_readyz_says_starting_while_the_model_loads(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    app = create_app(Settings(data_dir=data_dir))
    runtime = app.state.runtime
    real = runtime.warm_up
    monkeypatch.setattr(runtime, "warm_up", lambda: (release.wait(10), real()))
    with TestClient(app) as client:  # runs the lifespan: warm-up starts in a thread
        assert client.get("/healthz").status_code == 200
        starting = client.get("/readyz")
        assert starting.status_code == 503 and starting.json()["reason"].startswith("starting")
        release.set()
        runtime._warming.join(10)
        assert client.get("/readyz").json()["ready"] is True


def test_the_warm_up_line_says_the_mode_that_answers(data_dir: Path, tmp_path: Path,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    """QA_MODE hybrid without a loadable model answers lexically: the log says so, as /readyz does."""
    app = create_app(Settings(data_dir=data_dir, mode="hybrid", model=str(tmp_path / "no-such-model")))
    with caplog.at_level(logging.INFO, logger="qa.server"), TestClient(app) as client:
        app.state.runtime._warming.join(10)
        assert client.get("/readyz").json()["mode"] == "lexical"
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("warm-up done"))
    assert "no model (lexical retrieval)" in line and "; mode lexical (QA_MODE hybrid), " in line


def test_warm_up_reads_the_word_lists_before_the_first_question(data_dir: Path) -> None:
    """The glossaries and the places (45 ms and 8 ms to read) are not read by the first question to need them."""
    from qa import glossary, places

    lists = (glossary.vietnamese_pairs, glossary.common_words, places._places)
    for read in (*lists, glossary.compounds):
        read.cache_clear()
    app = create_app(Settings(data_dir=data_dir))
    with TestClient(app):
        app.state.runtime._warming.join(10)
    assert all(read.cache_info().currsize == 1 for read in lists) and glossary.compounds.cache_info().currsize == 2


def test_metrics_count_requests_per_route(client: TestClient) -> None:
    client.post("/v1/ask", json={"question": WHO_VI})
    client.post("/v1/ask", json={"question": ""})
    client.get("/v1/documents/no-such-doc")
    client.get("/openapi.json")
    client.get("/no/such/path")
    text = client.get("/metrics").text
    assert 'route="/openapi.json",status="200"' in text  # a plain Starlette route too (was "unmatched")
    assert 'route="unmatched",status="404"' in text
    assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="200"} 1.0' in text
    assert 'qa_http_requests_total{method="POST",route="/v1/ask",status="422"} 1.0' in text
    assert 'route="/v1/documents/{doc_id}",status="404"' in text  # the template, not the id
    assert 'qa_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/v1/ask"}' in text
    assert "qa_index_documents 5.0" in text and "qa_index_chunks" in text and "qa_model_loaded 0.0" in text
    assert client.get("/metrics").headers["content-type"].startswith("text/plain")


# ------------------------------------------------------------------ answers


def test_ask_is_the_cli_json_plus_timings(client: TestClient, data_dir: Path) -> None:
    body = client.post("/v1/ask", json={"question": WHO_VI, "k": 3}).json()
    direct = QAService(Settings(data_dir=data_dir), warn=lambda line: None).ask(WHO_VI, k=3).to_dict()
    assert set(body) == set(direct) >= ANSWER_KEYS
    assert [p["chunk_id"] for p in body["passages"]] == [p["chunk_id"] for p in direct["passages"]]
    assert body["answer"] == direct["answer"] and body["mode"] == "lexical" and body["notice"]
    assert body["passages"][0]["doc_id"] == ROME and len(body["passages"]) <= 3
    assert {"load", "search", "answer"} <= set(body["timings"]) and all(v >= 0 for v in body["timings"].values())
    check_passages(body["passages"])


def test_a_question_about_the_article_is_answered_with_its_page_line(client: TestClient) -> None:
    """The dateline is in no chunk: its passage's ``chunk_id`` is null and its ``section`` "metadata", offsets and all."""
    body = client.post("/v1/ask", json={"question": "Bài báo về cuộc họp ba bên Mỹ-Nhật-Hàn được đăng ngày nào?",
                                        "k": 2}).json()
    first = body["passages"][0]
    assert first["section"] == "metadata" and first["chunk_id"] is None and first["text"].startswith("Thứ tư, 24/03/2021")
    assert body["answer"] == first["highlight"]["text"] == "24/03/2021 08:00 AM" and len(body["passages"]) == 2
    check_passages(body["passages"])


def test_ask_follow_up_uses_the_history(client: TestClient) -> None:
    history = [{"role": "user", "content": "Who met in Rome?"}]
    body = client.post("/v1/ask", json={"question": "How long did the meeting last?", "history": history}).json()
    assert body["passages"] and body["passages"][0]["doc_id"] == ROME
    check_passages(body["passages"])
    # assistant turns are accepted and do not change retrieval
    with_reply = history + [{"role": "assistant", "content": "Phái đoàn Triều Tiên và Nhật Bản."}]
    again = client.post("/v1/ask", json={"question": "How long did the meeting last?", "history": with_reply}).json()
    assert [p["chunk_id"] for p in again["passages"]] == [p["chunk_id"] for p in body["passages"]]


def test_null_history_is_no_history(client: TestClient) -> None:
    """As for k and mode, null is the same as leaving the field out."""
    for route in ("/v1/ask", "/v1/search"):
        without = client.post(route, json={"question": WHO_VI}).json()
        null = client.post(route, json={"question": WHO_VI, "history": None, "k": None, "mode": None})
        assert null.status_code == 200, null.text
        assert [p["chunk_id"] for p in null.json()["passages"]] == [p["chunk_id"] for p in without["passages"]]


def test_search_returns_passages_only(client: TestClient) -> None:
    search = client.post("/v1/search", json={"question": WHO_VI, "k": 2, "mode": "lexical"}).json()
    assert set(search) == {"question", "mode", "passages", "notice", "timings"}
    ask = client.post("/v1/ask", json={"question": WHO_VI, "k": 2, "mode": "lexical"}).json()
    assert [p["chunk_id"] for p in search["passages"]] == [p["chunk_id"] for p in ask["passages"]]
    assert search["notice"] is None  # lexical was asked for: nothing fell back


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "\u200b\u200c\ufeff"}, "question"),  # zero-width characters alone are blank
        ({"question": "\u200e\u00ad\u2061\u034f"}, "question"),  # and other invisible ones (LRM, soft hyphen...)
        ({"question": "x" * 2001}, "question"),
        ({"question": "ok", "k": 0}, "k"),
        ({"question": "ok", "k": 51}, "k"),
        ({"question": "ok", "k": "3"}, "k"),  # a number, not a string that looks like one
        ({"question": "ok", "k": True}, "k"),  # JSON true is not 1
        ({"question": "ok", "mode": "fast"}, "mode"),
        ({"question": "ok", "colour": "red"}, "colour"),
        ({"question": "ok", "history": [{"role": "user", "content": "x"}] * 41}, "history"),
        ({"question": "ok", "history": [{"role": "user", "content": "x" * 4001}]}, "history.0.content"),
        ({"question": "ok", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
        ({"question": "ok\ud800"}, "question"),
        ({}, "question"),
    ],
)
def test_ask_rejects_bad_input_with_a_readable_422(client: TestClient, payload: dict, field: str) -> None:
    for route in ("/v1/ask", "/v1/search"):
        response = client.post(route, content=json.dumps(payload), headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        error = error_of(response)
        assert error["type"] == "invalid_request_error" and error["param"] == field
        assert error["message"].startswith(field + ":")


def test_model_runs_under_a_concurrency_cap(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime_module, "SLOT_WAIT", 0.05)
    client = client_for(data_dir, max_concurrency=1)
    slots = client.app.state.runtime.slots
    assert slots.acquire(timeout=1)
    try:
        busy = client.post("/v1/ask", json={"question": WHO_VI})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert error_of(busy)["type"] == "server_busy"
    finally:
        slots.release()
    assert client.post("/v1/ask", json={"question": WHO_VI}).status_code == 200


def test_unexpected_errors_are_a_generic_500(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(client.app.state.runtime.service, "ask", boom)
    quiet = TestClient(client.app, raise_server_exceptions=False)
    response = quiet.post("/v1/ask", json={"question": WHO_VI})
    assert response.status_code == 500
    assert "secret" not in response.text and error_of(response)["type"] == "server_error"


def test_product_errors_map_to_4xx_or_503() -> None:
    assert qa_error_status(DocumentNotFound("x")) == 404
    assert qa_error_status(BadInputFile("x", "empty file")) == 422
    assert qa_error_status(BadInputFile("x", "too large (9 bytes > limit 1)")) == 413
    assert qa_error_status(IndexMismatch("other model")) == 409
    assert qa_error_status(IndexCorrupt("bad")) == 503
    assert qa_error_status(ModelUnavailable("m", "offline")) == 503
    assert qa_error_status(QAError("anything else")) == 400


# ------------------------------------------------------------------ documents


def test_list_and_show_documents(client: TestClient) -> None:
    listed = client.get("/v1/documents").json()
    ids = [d["doc_id"] for d in listed["documents"]]
    assert ids == sorted(p.stem for p in SEEDS.glob("*.txt")) and listed["total"] == len(ids)
    page = client.get("/v1/documents", params={"offset": 1, "limit": 2}).json()
    assert [d["doc_id"] for d in page["documents"]] == ids[1:3] and page["total"] == len(ids)
    detail = client.get(f"/v1/documents/{ROME}").json()
    raw = seed_text(ROME)
    assert detail["title"] and detail["body"] and detail["chunks"]
    assert all(raw[b["start"] : b["end"]] == b["text"] for b in detail["body"])
    assert all(raw[d["start"] : d["end"]] == d["text"] and d["reason"] for d in detail["dropped"])
    missing = client.get("/v1/documents/no-such-doc")
    assert missing.status_code == 404 and "no-such-doc" in error_of(missing)["message"]
    assert client.get("/v1/documents", params={"limit": 0}).status_code == 422


def test_a_posted_seed_gets_the_same_cleaning_as_ingest(client: TestClient) -> None:
    raw = seed_text(ROME)
    before = client.get(f"/v1/documents/{ROME}").json()
    copy = client.post("/v1/documents", json={"doc_id": "rome-copy", "text": raw}).json()
    after = client.get("/v1/documents/rome-copy").json()
    assert copy["status"] == "added"
    for key in ("title", "source", "date", "author", "body", "dropped", "content_hash"):
        assert after[key] == before[key], key
    assert [(c["start"], c["end"]) for c in after["chunks"]] == [(c["start"], c["end"]) for c in before["chunks"]]


@pytest.mark.parametrize(
    ("payload", "status", "needle"),
    [
        ({"doc_id": "../etc/passwd", "text": "x"}, 422, "doc_id"),
        ({"doc_id": "có dấu", "text": "x"}, 422, "doc_id"),
        ({"doc_id": "a" * 129, "text": "x"}, 422, "doc_id"),
        ({"text": ""}, 422, "text: String should have at least 1 character"),
        ({"text": " \n\t "}, 422, "empty"),
        ({"text": "\u200b\u200d \ufeff"}, 422, "empty"),  # as for a file: zero-width characters are blank
        ({"text": "abc\x00def"}, 422, "NUL"),
        ({"text": "ok", "title": "t" * 501}, 422, "title"),
        ({"text": "ok", "title": "a\nb"}, 422, "title: must be one line without control characters"),
        ({"text": "ok", "title": "a\u2028b"}, 422, "U+2028"),  # LINE SEPARATOR: a line break too
        ({"text": "ok", "author": "a\u2029b"}, 422, "U+2029"),  # PARAGRAPH SEPARATOR
        ({"text": "ok", "url": "https://a.example/\u2028"}, 422, "url: must be one line"),
        ({"text": "ok", "source": "VOV\x00"}, 422, "U+0000"),
        ({"text": "ok", "tags": ["x"]}, 422, "tags"),
        ({"text": "x" * 2001}, 413, "QA_MAX_FILE_BYTES"),
        ({"text": "ạ" * 700}, 413, "2100 bytes"),  # the limit is on UTF-8 bytes, like a file's size
    ],
)
def test_bad_documents_are_rejected(data_dir: Path, payload: dict, status: int, needle: str) -> None:
    client = client_for(data_dir, max_file_bytes=2000)
    response = client.post("/v1/documents", json=payload)
    assert response.status_code == status, response.text
    assert needle in error_of(response)["message"]
    assert not error_of(response)["message"].endswith("1 characters")
    assert client.get("/v1/documents").json()["total"] == 5


def test_blank_metadata_is_the_same_as_none(client: TestClient) -> None:
    """A title of spaces would be a blank title in every citation: like "", it leaves the extracted one."""
    given = {"title": "   ", "source": " \u200b", "date": "", "author": "\u00a0\u3000", "url": "  "}
    blank = client.post("/v1/documents", json={"doc_id": "blank", "text": ARTICLE, **given})
    plain = client.post("/v1/documents", json={"doc_id": "plain", "text": ARTICLE})
    assert blank.status_code == plain.status_code == 201, blank.text
    stored, extracted = client.get("/v1/documents/blank").json(), client.get("/v1/documents/plain").json()
    assert stored["title"] == extracted["title"] == ARTICLE.splitlines()[0]
    for key in ("source", "date", "author", "path"):
        assert stored[key] == extracted[key], key
    derived = client.post("/v1/documents", json={"text": ARTICLE, "title": " "}).json()["doc_id"]
    assert derived == derived_doc_id(ARTICLE, None)  # the slug of the first line, not "doc-"


def test_derived_doc_ids() -> None:
    assert derived_doc_id("Đà Nẵng đón khách\nnội dung", None).startswith("da-nang-don-khach-")
    assert derived_doc_id("!!!\n???", None).startswith("doc-")
    assert derived_doc_id("a", "T") == derived_doc_id("a", "T") != derived_doc_id("b", "T")


# ------------------------------------------------------------------ writes never interrupt reads


def test_readers_answer_from_the_previous_snapshot_until_the_new_one_is_open(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir)
    service = ServedQA(settings)
    old = service.snapshot()
    service.writer().ingest([SourceText("metro", ARTICLE)])
    assert service._reload.acquire(blocking=False)  # as if another thread were opening the new generation
    try:
        assert service.snapshot() is old  # a reader does not wait for it
    finally:
        service._reload.release()
    new = service.snapshot()
    assert new.generation == old.generation + 1 and "metro" in new.docs


def test_questions_keep_being_answered_during_writes(client: TestClient) -> None:
    failures: list[str] = []
    done = threading.Event()

    def writer() -> None:
        try:
            for i in range(4):
                text = ARTICLE.replace("41.000", f"{41 + i}.000")
                r = client.post("/v1/documents", json={"doc_id": f"metro-{i}", "text": text})
                if r.status_code not in (200, 201):
                    failures.append(r.text)
            for i in range(4):
                if client.delete(f"/v1/documents/metro-{i}").status_code != 200:
                    failures.append(f"delete metro-{i}")
        finally:
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    answered = 0
    while not done.is_set() or answered < 5:
        r = client.post("/v1/ask", json={"question": WHO_VI})
        assert r.status_code == 200, r.text
        assert r.json()["passages"][0]["doc_id"] == ROME
        answered += 1
    thread.join()
    assert not failures
    assert client.get("/readyz").json()["documents"] == 5


def test_damaged_sqlite_during_a_write_is_a_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("qa.ingest.Writer.ingest", locked)
    response = client.post("/v1/documents", json={"doc_id": "x", "text": "hello"})
    assert response.status_code == 503 and response.headers["retry-after"] == "1"
    assert "locked" in error_of(response)["message"]


