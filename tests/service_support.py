"""Lexical services over a folder of articles for tests that ask questions: indexed without a model (the writer's
own pipeline, no encoder to load), refusing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.ingest import IngestReport, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.service import QAService

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def lexical_service(folder: Path, data_dir: Path) -> QAService:
    """The articles of ``folder`` indexed in ``data_dir``, answered lexically."""
    settings = Settings(data_dir=data_dir, mode="lexical")
    report = IngestReport()
    sources = collect_sources([folder], settings.max_file_bytes, report)
    Writer(data_dir, Pipeline(settings, None)).ingest(sources, report=report)
    assert not report.errors
    return QAService(settings, warn=lambda _: None)


def corpus_service(factory: pytest.TempPathFactory, name: str, docs: dict[str, str]) -> QAService:
    """A lexical service over ``docs`` (file name -> text) written to a temporary folder."""
    folder = factory.mktemp(f"{name}-docs")
    for file_name, text in docs.items():
        (folder / file_name).write_text(text, encoding="utf-8")
    return lexical_service(folder, factory.mktemp(f"{name}-data"))
