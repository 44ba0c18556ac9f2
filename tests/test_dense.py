"""Dense and hybrid retrieval through QAService with a real (tiny or MiniLM) sentence-transformers model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from embeddings.encoder import as_settings
from qa.config import Settings
from qa.ingest import IngestReport, collect_sources
from qa.service import QAService
from qa.store import Store
from qa.text import words

SEEDS = Path(__file__).parent.parent / "seeds"
ROME = "002_57590387f8aa0a75"


def service_for(model: Path | str, monkeypatch: pytest.MonkeyPatch, docs: Path = SEEDS) -> QAService:
    monkeypatch.setenv("QA_MODEL", str(model))
    warnings: list[str] = []
    service = QAService(Settings(), warn=warnings.append)
    report = IngestReport()
    sources = collect_sources([docs], service.settings.max_file_bytes, report)
    service.writer().ingest(sources, report=report)
    assert report.errors == [] and warnings == [], (report.errors, warnings)
    return service


def check_offsets(service: QAService, answer) -> None:  # noqa: ANN001
    snap = service.snapshot()
    for p in answer.passages:
        raw = snap.raws[p.doc_id]
        assert raw[p.start : p.end] == p.text
        assert p.start <= p.highlight.start < p.highlight.end <= p.end


def test_tiny_model_dense_and_hybrid(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = service_for(tiny_model_dir, monkeypatch)
    snap = service.snapshot()
    assert snap.model == str(tiny_model_dir)
    assert snap.vectors is not None and snap.vectors.ntotal == len(snap.chunks) > 5
    store = Store(service.settings.data_dir)
    try:
        assert store.count("chunks") == snap.vectors.ntotal
    finally:
        store.close()

    dense = service.ask("Ai đã gặp nhau tại Rome?", mode="dense", k=5)
    assert dense.mode == "dense" and dense.notice is None
    assert len(dense.passages) == 5
    scores = [p.score for p in dense.passages]
    assert scores == sorted(scores, reverse=True) and all(-1.001 <= s <= 1.001 for s in scores)
    check_offsets(service, dense)

    hybrid = service.ask("Ai đã gặp nhau tại Rome?", mode="hybrid", k=5)
    assert hybrid.mode == "hybrid" and hybrid.notice is None and hybrid.passages
    assert ROME in [p.doc_id for p in hybrid.passages]  # BM25 still counts in the fusion
    check_offsets(service, hybrid)


def test_a_chunk_as_query_retrieves_itself(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tiny model has no prompts, so a query equal to a chunk's embedding input gets the same vector."""
    service = service_for(tiny_model_dir, monkeypatch)
    encoder = service.encoder()
    assert encoder.query_prefix == encoder.passage_prefix == ""
    snap = service.snapshot()
    pipeline = service.writer().pipeline
    checked = 0
    for doc_id in sorted(snap.docs):
        prep = pipeline.prepare(doc_id, snap.raws[doc_id], None)
        rows = [c for c in snap.chunks if c.doc_id == doc_id]
        assert [(c.start, c.end) for c in rows] == [(c.start, c.end) for c in prep.chunks]
        pairs = list(zip(rows, prep.chunks))
        for row, chunk in {0: pairs[0], len(pairs) // 2: pairs[len(pairs) // 2], -1: pairs[-1]}.values():
            answer = service.ask(chunk.embed_text, mode="dense", k=3)
            assert answer.mode == "dense"
            assert answer.passages[0].chunk_id == row.chunk_id, (doc_id, row.start)
            assert answer.passages[0].score == pytest.approx(1.0, abs=1e-3)
            checked += 1
    assert checked >= 2 * len(snap.docs)


def test_dense_on_a_lexical_index_falls_back_with_a_notice(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_MODEL", str(tiny_model_dir.parent / "missing"))
    service = QAService(Settings(), warn=lambda line: None)
    report = IngestReport()
    service.writer().ingest(collect_sources([SEEDS], 5_000_000, report), report=report)
    answer = service.ask("Ai đã gặp nhau tại Rome?", mode="dense")
    assert answer.mode == "lexical" and answer.notice and "cannot load model" in answer.notice  # says why, not "reindex"
    assert answer.passages and answer.passages[0].doc_id == ROME

    # the model becomes available: `qa reindex` adds vectors and dense retrieval works
    monkeypatch.setenv("QA_MODEL", str(tiny_model_dir))
    service = QAService(Settings(), warn=lambda line: None)
    report = service.writer().reindex()
    assert report.chunks_embedded > 0
    answer = service.ask("Ai đã gặp nhau tại Rome?", mode="dense")
    assert answer.mode == "dense" and answer.notice is None


def test_index_of_another_model_is_not_searched_with_this_one(tiny_model_dir: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    service_for(tiny_model_dir, monkeypatch)
    other = tmp_path / "other-model"
    shutil.copytree(tiny_model_dir, other)  # same weights, another name: vectors are not assumed compatible
    monkeypatch.setenv("QA_MODEL", str(other))
    service = QAService(Settings(), warn=lambda line: None)
    answer = service.ask("Ai đã gặp nhau tại Rome?", mode="dense")
    assert answer.mode == "lexical" and answer.notice and "reindex" in answer.notice
    assert f"built with QA_MODEL {str(tiny_model_dir)!r} but QA_MODEL {str(other)!r} is set now" in answer.notice
    service.writer().reindex()
    answer = service.ask("Ai đã gặp nhau tại Rome?", mode="dense")
    assert answer.mode == "dense" and service.snapshot().model == str(other)


def test_a_lossy_backend_is_named_as_the_setting_that_chose_it() -> None:
    """The index records "m#onnx-int8"; the notice said "QA_MODEL is 'm#onnx-int8'", a value nobody set."""
    assert as_settings("/models/m") == "QA_MODEL '/models/m'"
    assert as_settings("/models/m#onnx-int8") == "QA_MODEL '/models/m' with QA_BACKEND=onnx-int8"
    assert as_settings("/models/e5#v2") == "QA_MODEL '/models/e5#v2'"  # a folder's own "#"
    assert as_settings("onnx-int8") == "QA_MODEL 'onnx-int8'"  # a folder of that name
    assert as_settings("/models/e5#v2#onnx-int8") == "QA_MODEL '/models/e5#v2' with QA_BACKEND=onnx-int8"


# ------------------------------------------------------------------ real MiniLM
ARTICLES = {
    "bikes": (
        "City council approves new bicycle lanes downtown\n"
        "The city council voted on Tuesday to build twelve kilometres of protected bicycle lanes through the centre.\n"
        "Cyclists have long complained about sharing busy streets with buses and delivery trucks.\n"
        "Construction of the painted and kerbed lanes is expected to begin next spring and cost four million dollars.\n"
    ),
    "coffee": (
        "Drought threatens the coffee harvest in the highlands\n"
        "Months without rain have withered arabica plantations across the central highlands, growers say.\n"
        "Farmers expect the bean crop to fall by a third this season, pushing wholesale prices to a ten-year high.\n"
        "Exporters warn that roasters abroad will have to pay far more for their supplies.\n"
    ),
    "bank": (
        "Central bank lifts its benchmark rate again\n"
        "The central bank raised its benchmark interest rate by half a percentage point on Thursday.\n"
        "Policymakers said inflation remains well above their two percent target and borrowing must become dearer.\n"
        "Mortgage holders and small businesses will feel the increase within weeks.\n"
    ),
    "fossil": (
        "Museum unveils a giant dinosaur skeleton\n"
        "The natural history museum opened a hall dedicated to a thirty-metre sauropod skeleton found in a quarry.\n"
        "Palaeontologists spent six years cleaning and assembling more than three hundred bones.\n"
        "Visitors can also touch cast replicas of teeth and claws in a children's gallery.\n"
    ),
}
PARAPHRASES = {
    "Why could a cup of espresso soon cost more?": "coffee",
    "Will loans and home repayments get more expensive?": "bank",
    "Where can I see the bones of an enormous prehistoric reptile?": "fossil",
    "Is the town making roads safer for people who ride bikes?": "bikes",
}


@pytest.mark.slow
def test_minilm_answers_paraphrases_in_dense_mode(minilm_dir: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "articles"
    docs.mkdir()
    for name, text in ARTICLES.items():
        (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    service = service_for(minilm_dir, monkeypatch, docs)
    assert service.snapshot().vectors.ntotal == len(service.snapshot().chunks)
    stop = {"why", "could", "a", "of", "soon", "will", "and", "get", "where", "can", "i", "see", "the", "an",
            "is", "for", "who", "more", "to", "in", "by", "on", "their", "its", "people"}
    for question, expected in PARAPHRASES.items():
        content = set(words(question)) - stop
        shared = content & set(words(ARTICLES[expected]))
        assert len(shared) <= 1, f"not a paraphrase: {shared}"
        answer = service.ask(question, mode="dense", k=3)
        assert answer.mode == "dense"
        assert answer.passages[0].doc_id == expected, (question, [p.doc_id for p in answer.passages])
