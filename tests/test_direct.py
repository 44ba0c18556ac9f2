"""embeddings.direct: the ONNX encoder without SentenceTransformer.encode gives sentence-transformers'
vectors (prompts, padding, truncation, batch order), is safe from many threads, and steps aside when
it cannot reproduce a model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import embeddings.direct as direct
from embeddings.backends import cpu_cores, direct_of
from embeddings.encoder import load_encoder
from tiny_model import ENCODER_TEXTS

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = [
    *ENCODER_TEXTS,
    " ".join(["Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp kéo dài bảy tiếng."] * 40),  # truncated
    "Who met in Rome?",
]


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND_CACHE", str(tmp_path / "backend-cache"))


def _load(model_dir: Path, backend: str):  # noqa: ANN202
    return load_encoder(str(model_dir), backend=backend, query_prefix="query: ", passage_prefix="passage: ")


def test_direct_path_gives_sentence_transformers_vectors(tiny_model_dir: Path) -> None:
    reference = _load(tiny_model_dir, "torch")
    fast = _load(tiny_model_dir, "onnx")
    assert fast.describe()["encode_path"] == "direct" and fast.parallel == cpu_cores()
    assert fast.model[0].model.runner._session.get_session_options().intra_op_num_threads == 1
    assert reference.describe()["encode_path"] == "sentence-transformers" and reference.parallel == 1
    texts = TEXTS * 3  # batch_size=2: several batches, spread over the worker threads, back in input order
    np.testing.assert_allclose(fast.encode_passages(texts, batch_size=2), reference.encode_passages(texts), atol=1e-5)
    np.testing.assert_allclose(fast.encode_queries(TEXTS), reference.encode_queries(TEXTS), atol=1e-5)
    assert not np.allclose(fast.encode_queries(TEXTS[:1]), fast.encode_passages(TEXTS[:1]))  # prompts applied
    # `qa ingest` on a terminal: a progress bar, the same vectors
    np.testing.assert_array_equal(fast.encode_passages(texts, show_progress=True), fast.encode_passages(texts))


def test_direct_path_is_safe_from_many_threads(tiny_model_dir: Path) -> None:
    fast = _load(tiny_model_dir, "onnx")
    alone = [fast.encode_queries([t])[0] for t in TEXTS]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda i: fast.encode_queries([TEXTS[i % len(TEXTS)]])[0], range(80)))
    for i, vector in enumerate(together):
        np.testing.assert_allclose(vector, alone[i % len(TEXTS)], atol=1e-6)


def test_a_layout_it_cannot_reproduce_keeps_sentence_transformers(tiny_model_dir: Path) -> None:
    fast = _load(tiny_model_dir, "onnx")
    assert direct.supported(fast.model)
    fast.model[1].pooling_mode = "lasttoken"
    assert not direct.supported(fast.model)


def test_a_disagreeing_direct_path_is_not_used(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = direct.DirectEncoder._batch
    monkeypatch.setattr(direct.DirectEncoder, "_batch", lambda self, texts: original(self, texts)[:, ::-1].copy())
    fast = _load(tiny_model_dir, "onnx")
    assert fast.backend == "onnx" and direct_of(fast.model) is None
    assert fast.describe()["encode_path"] == "sentence-transformers"
    # sentence-transformers' path runs one call at a time: its session uses every core again (0 = ORT default)
    assert fast.model[0].model.runner._session.get_session_options().intra_op_num_threads == 0
    reference = _load(tiny_model_dir, "torch")
    np.testing.assert_allclose(fast.encode_queries(TEXTS), reference.encode_queries(TEXTS), atol=1e-5)


def test_an_int8_vector_depends_on_its_text_alone(tiny_model_dir: Path) -> None:
    """Dynamic int8 quantisation scales activations per call: one text per call keeps a passage's vector
    the same whatever it is ingested with (so re-ingesting a document never shifts its unchanged chunks)."""
    int8 = load_encoder(str(tiny_model_dir), backend="onnx-int8")
    assert int8.backend == "onnx-int8" and int8.describe()["encode_path"] == "direct"
    alone = int8.encode_passages(TEXTS[:1])
    mixed = int8.encode_passages([TEXTS[3], TEXTS[0], TEXTS[1]])
    np.testing.assert_array_equal(mixed[1], alone[0])
