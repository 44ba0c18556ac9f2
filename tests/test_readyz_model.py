"""/readyz is not ready when the index holds another model's vectors (and says how to fix it)."""

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
        assert response.status_code == 503
        body = response.json()
        assert body["ready"] is False and "qa reindex" in body["reason"] and str(tiny_model_dir) in body["reason"]


def _settled(client: TestClient):  # noqa: ANN202
    """/readyz once the start-up load (model and index, in the background) is over."""
    for _ in range(200):
        response = client.get("/readyz")
        if "starting" not in (response.json().get("reason") or ""):
            return response
        time.sleep(0.05)
    raise AssertionError("the server never finished starting")
