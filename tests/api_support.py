"""Helpers for the HTTP tests: a seeded index built once per test process, copied per test."""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.config import Settings
from qa.ingest import IngestReport, collect_sources
from qa.service import QAService
from server.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ROME = "002_57590387f8aa0a75"

_seeded: Path | None = None


def seed_text(doc_id: str) -> str:
    return (SEEDS / f"{doc_id}.txt").read_bytes().decode("utf-8")


def _build_seeded() -> Path:
    """The seeds ingested in lexical mode (QA_MODEL: a directory that does not exist), once per process."""
    global _seeded
    if _seeded is None:
        base = Path(tempfile.mkdtemp(prefix="qa-seeded-"))
        atexit.register(shutil.rmtree, base, True)
        settings = Settings(data_dir=base / "data", model=str(base / "no-such-model"), mode="lexical")
        report = IngestReport()
        sources = collect_sources([SEEDS], settings.max_file_bytes, report)
        QAService(settings, warn=lambda line: None).writer().ingest(sources, report=report)
        assert report.documents_added == len(list(SEEDS.glob("*.txt"))) and not report.errors, report
        _seeded = base / "data"
    return _seeded


def seeded_data_dir(dest: Path) -> Path:
    """A private copy of the seeded index at ``dest`` (tests may write to it)."""
    shutil.copytree(_build_seeded(), dest)
    return dest


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (for a `qa serve` started by a test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_answering(process: "subprocess.Popen", url: str, log: Path, *, path: str = "/readyz",
                         timeout: float = 90) -> None:
    """Poll ``url + path`` until it answers 200; fail with the server's log if the process exits or
    ``timeout`` seconds pass (for a `qa serve` started by a test)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"qa serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + path, timeout=2) as res:
                if res.status == 200:
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass  # not listening yet, or 503 while it loads
        if time.monotonic() > deadline:
            pytest.fail(f"qa serve did not answer {path} in {timeout:.0f} s:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def stop(process: "subprocess.Popen", timeout: float = 10) -> None:
    """Terminate a server process started by a test; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# ------------------------------------------------------------------ TestClient helpers and fixtures
def client_for(data_dir: Path, **settings: object) -> TestClient:
    """No keys, CORS or rate limit unless a test asks (whatever the developer's shell exports)."""
    base: dict[str, object] = {"api_keys": [], "admin_keys": [], "cors_origins": [], "rate_limit_per_minute": 0}
    return TestClient(create_app(Settings(data_dir=data_dir, **(base | settings))))


def error_of(response) -> dict:  # noqa: ANN001
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] == response.status_code
    assert body["error"]["message"]
    return body["error"]


def check_passages(passages: list[dict]) -> None:
    for p in passages:
        assert seed_text(p["doc_id"])[p["start"] : p["end"]] == p["text"]
        h = p["highlight"]
        assert p["start"] <= h["start"] < h["end"] <= p["end"]
        assert seed_text(p["doc_id"])[h["start"] : h["end"]] == h["text"]


ARTICLE = """Hà Nội khai trương tuyến metro thứ ba

Tuyến metro số 3 của Hà Nội chở 41.000 hành khách trong ngày đầu vận hành, theo Công ty Đường sắt đô thị.
Tàu chạy từ ga Nhổn đến ga Cầu Giấy mất 17 phút, giá vé 8.000 đồng một lượt.
"""
