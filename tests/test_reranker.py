"""The optional cross-encoder (QA_RERANKER): real loading path with a tiny model, clear fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_model import build_tiny_cross_encoder

from embeddings.cross_encoder import load_reranker
from qa.config import Settings
from qa.errors import ModelUnavailable
from qa.ingest import IngestReport, collect_sources
from qa.rerank import cross_rerank
from qa.retrieval import Retriever, analyze
from qa.service import QAService

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def cross_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    return build_tiny_cross_encoder(tmp_path_factory.mktemp("cross") / "model", texts)


def _service(tmp_path: Path, reranker: str | None, warnings: list[str]) -> QAService:
    settings = Settings(data_dir=tmp_path / "data", mode="lexical", reranker=reranker)
    service = QAService(settings, warn=warnings.append)
    report = IngestReport()
    service.writer().ingest(collect_sources([SEEDS], settings.max_file_bytes, report), report=report)
    return service


def test_cross_encoder_scores_pairs_and_reorders_candidates(cross_dir: Path, tmp_path: Path) -> None:
    reranker = load_reranker(str(cross_dir))
    texts = ["Hai bên gặp nhau tại Rome.", "Giá vàng hôm nay."]
    scores = reranker.scores("Ai gặp nhau tại Rome?", texts)
    assert scores.shape == (2,) and np.isfinite(scores).all()
    assert np.allclose(scores, reranker.scores("Ai gặp nhau tại Rome?", texts))  # deterministic

    service = _service(tmp_path, None, [])
    snap = service.snapshot()
    query = analyze("Ai đã gặp nhau tại Rome?")
    candidates = Retriever(snap).search(query, 5, "lexical", None)
    reordered = cross_rerank(reranker, snap, query, candidates, depth=8)
    head = reordered[:8]
    expected = reranker.scores(query.text, [snap.chunks[c.row].text for c in head])
    assert [c.score for c in head] == pytest.approx(sorted(expected, reverse=True), rel=1e-5)
    assert {c.row for c in reordered} == {c.row for c in candidates}  # nothing lost, nothing added


def test_service_uses_the_reranker_when_configured(cross_dir: Path, tmp_path: Path) -> None:
    warnings: list[str] = []
    answer = _service(tmp_path, str(cross_dir), warnings).ask("Ai đã gặp nhau tại Rome?", k=3)
    assert "cross_encoder" in answer.timings and answer.passages
    assert not [w for w in warnings if "QA_RERANKER" in w]  # (the encoder is absent in tests: that one warns)


def test_missing_reranker_warns_once_and_still_answers(tmp_path: Path) -> None:
    warnings: list[str] = []
    service = _service(tmp_path, str(tmp_path / "no-such-cross-encoder"), warnings)
    first = service.ask("Ai đã gặp nhau tại Rome?", k=3)
    service.ask("cuoc gap o Rome keo dai bao lau", k=3)
    assert first.passages and "cross_encoder" not in first.timings
    mine = [w for w in warnings if "QA_RERANKER" in w]
    assert len(mine) == 1 and "without reranking" in mine[0] and "\n" not in mine[0]
    assert "internet" not in mine[0] and "modules.json" in mine[0]  # a folder on this machine: the hub is no fix
    with pytest.raises(ModelUnavailable):
        load_reranker(str(tmp_path / "no-such-cross-encoder"))
