"""The HTTP API answers like `qa ask --json` (a thin server until the HTTP issue)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from qa.config import Settings
from qa.ingest import IngestReport, collect_sources
from qa.service import QAService
from server.app import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_ask_over_http_matches_the_service(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", mode="lexical")
    report = IngestReport()
    QAService(settings).writer().ingest(collect_sources([SEEDS], settings.max_file_bytes, report), report=report)
    client = TestClient(create_app(settings))
    assert client.get("/healthz").json() == {"status": "ok"}
    body = client.post("/v1/ask", json={"question": "Ai đã gặp nhau tại Rome?", "k": 3}).json()
    direct = QAService(settings).ask("Ai đã gặp nhau tại Rome?", k=3)
    assert [p["chunk_id"] for p in body["passages"]] == [p.chunk_id for p in direct.passages]
    assert body["passages"][0]["doc_id"] == "002_57590387f8aa0a75"
    assert client.post("/v1/ask", json={"question": ""}).status_code == 422
    assert client.post("/v1/ask", json={"question": "x" * 2001}).status_code == 422
