"""POST /v1/documents against the index's own rules: a refused write is never a 200, a posted document replaces
its id whatever its url names; add, replace, delete; the metadata a post may give (a date, an id)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import ARTICLE, error_of
from server.documents_api import derived_doc_id


def test_a_write_the_index_refuses_is_never_answered_as_unchanged(client: TestClient,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.ingest.source_problem", lambda src: "refused by the index's own rules")
    response = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE})
    assert response.status_code == 422 and error_of(response)["message"] == "refused by the index's own rules"


def test_a_posted_document_replaces_its_id_whatever_its_url_names(client: TestClient, tmp_path: Path) -> None:
    """The url is stored as the document's path; a url that happens to name a local file is not a file
    ingest: the POST replaces the document of its id, as documented."""
    other = tmp_path / "other.txt"
    other.write_text("x", encoding="utf-8")
    first = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE, "url": str(tmp_path / "a.txt")})
    (tmp_path / "a.txt").write_text("y", encoding="utf-8")
    second = client.post("/v1/documents", json={"doc_id": "metro", "text": ARTICLE + "\nThêm một câu.",
                                                 "url": str(other)})
    assert first.status_code == 201 and second.status_code == 200 and second.json()["status"] == "updated"


def _post(client: TestClient, i: int) -> int:
    return client.post("/v1/documents", json={"doc_id": f"tin-{i}", "text": f"Tin số {i}\n\nNội dung của bài số {i}."}).status_code


def test_writes_waiting_for_another_hold_no_worker_thread(data_dir: Path) -> None:
    """Queued writes wait on the event loop, not on AnyIO's 40 worker threads: with 45 of them waiting,
    /healthz, /readyz and questions still answer (they waited up to 50 s behind 80 writes over HTTP)."""
    from concurrent.futures import ThreadPoolExecutor

    from api_support import client_for

    client = client_for(data_dir)
    runtime = client.app.state.runtime
    runtime.write_lock.acquire()  # the first write blocks inside, on the write thread; the others queue
    try:
        with client, ThreadPoolExecutor(50) as pool:  # one event loop for all requests, as under uvicorn
            writes = [pool.submit(_post, client, i) for i in range(45)]
            time.sleep(1.0)

            def probes() -> list[int]:
                return [client.get("/healthz").status_code, client.get("/readyz").status_code,
                        client.post("/v1/ask", json={"question": "Ai đã gặp nhau tại Rome?"}).status_code]

            assert pool.submit(probes).result(timeout=20) == [200, 200, 200]
            runtime.write_lock.release()
            assert sorted(w.result(timeout=120) for w in writes) == [201] * 45
    finally:
        if runtime.write_lock.locked():
            runtime.write_lock.release()


def test_a_write_that_waits_too_long_is_a_503_and_a_warning_in_the_log(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    import server.runtime
    from api_support import client_for

    monkeypatch.setattr(server.runtime, "WRITE_WAIT", 0.2)
    client = client_for(data_dir)
    runtime = client.app.state.runtime
    runtime.write_lock.acquire()  # another write, as far as this one can tell
    try:
        with caplog.at_level("WARNING", logger="qa.server"):
            response = client.delete("/v1/documents/tin-1")
    finally:
        runtime.write_lock.release()
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert error_of(response)["type"] == "server_busy"
    assert any("answered 503" in r.getMessage() and "write is still running" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(("given", "stored"), [
    ("9/8/2024", "2024-08-09"), ("ngày 9 tháng 8 năm 2024", "2024-08-09"), ("2024-08-09 10:15", "2024-08-09T10:15"),
    ("2024-08-09T10:15:00+07:00", "2024-08-09T10:15+07:00"), ("Fri, 09 Aug 2024 10:15:00 +0700", "2024-08-09T10:15+07:00"),
    ("August 9, 2024", "2024-08-09"), ("Thứ Sáu, 9/8/2024, 10:15 (GMT+7)", "2024-08-09T10:15")])
def test_a_posted_date_is_stored_as_dates_read_from_files_are(client: TestClient, given: str, stored: str) -> None:
    created = client.post("/v1/documents", json={"text": ARTICLE, "doc_id": "metro", "date": given})
    assert created.status_code in (200, 201), created.text
    assert client.get("/v1/documents/metro").json()["date"] == stored


@pytest.mark.parametrize("given", ["2024-13-45", "hôm qua", "31/02/2024", "2024-08-09 25:99",
                                   "tin 9/8/2024 nhưng đăng 10/8/2024"])
def test_a_posted_date_that_is_no_date_is_refused(client: TestClient, given: str) -> None:
    """It was stored and cited as given, beside the ISO dates cleaning reads from files."""
    refused = client.post("/v1/documents", json={"text": ARTICLE, "date": given})
    assert refused.status_code == 422 and "is not one date this service reads" in refused.text, refused.text


@pytest.mark.parametrize("doc_id", ["_x", ".x", "a" * 129, "Nguyễn"])
def test_a_doc_id_that_cannot_be_used_is_refused_in_words(client: TestClient, doc_id: str) -> None:
    refused = client.post("/v1/documents", json={"text": ARTICLE, "doc_id": doc_id})
    assert refused.status_code == 422, refused.text
    assert "starting with a letter or digit" in refused.text and "[A-Za-z" not in refused.text  # not the regex


def test_add_replace_and_delete_a_document(client: TestClient) -> None:
    question = {"question": "Tuyến metro số 3 chở bao nhiêu hành khách trong ngày đầu?", "mode": "lexical"}
    created = client.post("/v1/documents", json={"text": ARTICLE, "title": "Metro số 3", "source": "VnExpress",
                                                 "date": "2024-08-09", "url": "https://example.org/metro"})
    assert created.status_code == 201, created.text
    doc = created.json()
    doc_id = doc["doc_id"]
    assert doc["status"] == "added" and doc["chunks"] >= 1 and doc["report"]["documents_added"] == 1
    assert doc_id == derived_doc_id(ARTICLE, "Metro số 3") and doc_id.startswith("metro-so-3-")
    detail = client.get(f"/v1/documents/{doc_id}").json()
    assert (detail["title"], detail["source"], detail["date"], detail["path"]) == (
        "Metro số 3", "VnExpress", "2024-08-09", "https://example.org/metro")
    answer = client.post("/v1/ask", json=question).json()
    assert answer["passages"][0]["doc_id"] == doc_id and "41.000" in answer["passages"][0]["text"]
    assert client.get("/readyz").json()["documents"] == 6
    # a posted document has no file: its original text is served, and every citation slices it
    original = client.get(f"/v1/documents/{doc_id}/raw")
    assert original.status_code == 200 and original.headers["content-type"].startswith("text/plain")
    assert original.text == ARTICLE
    for p in answer["passages"]:
        if p["doc_id"] == doc_id:
            h = p["highlight"]
            assert original.text[p["start"] : p["end"]] == p["text"] and original.text[h["start"] : h["end"]] == h["text"]
    assert client.get("/v1/documents/no-such-doc/raw").status_code == 404

    again = client.post("/v1/documents", json={"text": ARTICLE, "title": "Metro số 3", "source": "VnExpress",
                                               "date": "2024-08-09", "url": "https://example.org/metro"})
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    changed = client.post("/v1/documents", json={"doc_id": doc_id, "text": ARTICLE.replace("41.000", "52.000")})
    assert changed.status_code == 200 and changed.json()["status"] == "updated"
    assert "52.000" in client.post("/v1/ask", json=question).json()["passages"][0]["text"]

    deleted = client.delete(f"/v1/documents/{doc_id}")
    assert deleted.status_code == 200 and deleted.json() == {"doc_id": doc_id, "deleted": True}
    assert client.get(f"/v1/documents/{doc_id}").status_code == 404
    assert client.delete(f"/v1/documents/{doc_id}").status_code == 404
    assert all(p["doc_id"] != doc_id for p in client.post("/v1/ask", json=question).json()["passages"])


def test_delete_by_a_decomposed_id_answers_with_the_stored_id(client: TestClient) -> None:
    import unicodedata
    from qa.sources import SourceText

    stored = unicodedata.normalize("NFC", "tin-Hà-Nội")
    # an id with letters outside ASCII comes from a file: stored composed, a client may send it decomposed
    client.app.state.runtime.service.writer().ingest([SourceText(stored, ARTICLE)])
    deleted = client.delete("/v1/documents/" + unicodedata.normalize("NFD", stored))
    assert deleted.status_code == 200 and deleted.json()["doc_id"] == stored, deleted.text
