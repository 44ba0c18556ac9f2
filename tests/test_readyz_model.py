"""/readyz when the index holds another model's vectors: ready, answering lexically as /v1/ask does, and
saying how to fix it (the server keeps answering, labelled, instead of being pulled from a load balancer);
a write over HTTP is refused rather than re-encoding every document."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from fastapi.testclient import TestClient

from qa.config import Settings
from qa.ingest import IngestReport, collect_sources
from qa.service import QAService
from server.app import create_app

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_readyz_reports_an_index_of_another_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    built = Settings(data_dir=data, model=str(tiny_model_dir))
    report = IngestReport()
    QAService(built, warn=lambda m: None).writer().ingest(collect_sources([SEEDS], built.max_file_bytes, report),
                                                          report=report)
    with TestClient(create_app(built)) as client:
        assert _settled(client).status_code == 200

    other = tmp_path / "other-model"
    shutil.copytree(tiny_model_dir, other)
    with TestClient(create_app(Settings(data_dir=data, model=str(other)))) as client:
        response = _settled(client)
        assert response.status_code == 200
        body = response.json()
        assert body["ready"] is True and body["mode"] == "lexical" and body["index_model"] == str(tiny_model_dir)
        assert "qa reindex" in body["fallback_reason"] and str(tiny_model_dir) in body["fallback_reason"]
        answer = client.post("/v1/ask", json={"question": "Ai đã gặp nhau tại Rome?"}).json()
        assert answer["mode"] == "lexical" and "qa reindex" in answer["notice"]  # what /readyz said
        # a write over HTTP would re-encode every document under the new model: refused, index unchanged
        posted = client.post("/v1/documents", json={"text": "Tin mới\n\nNội dung của tin mới."})
        deleted = client.delete(f"/v1/documents/{sorted(SEEDS.glob('*.txt'))[0].stem}")
        for response in (posted, deleted):
            assert response.status_code == 409 and "qa reindex" in response.json()["error"]["message"], response.text
        # it names what changed, not the whole recorded settings
        assert f"model {str(tiny_model_dir)!r}, now {str(other)!r}" in posted.json()["error"]["message"]
        assert client.get("/readyz").json()["documents"] == 5


def _settled(client: TestClient):  # noqa: ANN202
    """/readyz once the start-up load (model and index, in the background) is over."""
    for _ in range(200):
        response = client.get("/readyz")
        if "starting" not in (response.json().get("reason") or ""):
            return response
        time.sleep(0.05)
    raise AssertionError("the server never finished starting")
