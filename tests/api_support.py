"""Helpers for the HTTP tests: a seeded index built once per test process, copied per test."""

from __future__ import annotations

import subprocess

import atexit
import shutil
import tempfile
from pathlib import Path

from qa.config import Settings
from qa.ingest import IngestReport, collect_sources
from qa.service import QAService

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


def stop(process: "subprocess.Popen", timeout: float = 10) -> None:
    """Terminate a server process started by a test; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
