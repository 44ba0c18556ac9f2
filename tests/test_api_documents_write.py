"""POST /v1/documents against the index's own rules: a refused write is never a 200, and a posted
document replaces its id whatever its url names."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_support import ARTICLE, error_of


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
