"""embeddings.backends: the encoder's transformer exported to ONNX (offline, from the loaded weights),
checked against torch, cached; any failure leaves torch in place."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

import embeddings.backends as backends
import embeddings.encoder as encoder_module
from embeddings.encoder import load_encoder
from embeddings.quiet import quiet_thread
from qa.config import Settings
from tiny_model import ENCODER_TEXTS

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = ENCODER_TEXTS


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backend-cache"
    monkeypatch.setenv("QA_BACKEND_CACHE", str(folder))
    monkeypatch.delenv("QA_BACKEND", raising=False)
    return folder


def test_onnx_gives_the_torch_vectors_and_is_cached(tiny_model_dir: Path, cache: Path) -> None:
    torch_enc = load_encoder(str(tiny_model_dir), backend="torch")
    onnx_enc = load_encoder(str(tiny_model_dir), backend="onnx")
    assert torch_enc.backend == "torch" and onnx_enc.backend == "onnx"
    assert onnx_enc.name == torch_enc.name == str(tiny_model_dir)  # same vectors, same index
    assert onnx_enc.dim == torch_enc.dim and onnx_enc.max_seq_length == torch_enc.max_seq_length
    np.testing.assert_allclose(onnx_enc.encode_passages(TEXTS, batch_size=2), torch_enc.encode_passages(TEXTS),
                               atol=1e-5)
    np.testing.assert_allclose(onnx_enc.encode_queries(TEXTS[:1]), torch_enc.encode_queries(TEXTS[:1]), atol=1e-5)
    assert onnx_enc.count_tokens("Mỹ và Trung Quốc") == torch_enc.count_tokens("Mỹ và Trung Quốc")
    exported = list(cache.glob("*/model.onnx"))
    assert len(exported) == 1
    stamp = exported[0].stat().st_mtime_ns
    load_encoder(str(tiny_model_dir), backend="onnx")
    assert exported[0].stat().st_mtime_ns == stamp  # loaded from the cache, not exported again


def test_auto_is_onnx_and_can_pick_int8_when_its_probe_passes(tiny_model_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().backend == "auto"
    assert encoder_module.DEFAULT_BACKEND == "auto" and encoder_module.AUTO_BACKEND == "onnx"
    assert load_encoder(str(tiny_model_dir)).backend == "onnx"  # int8 is opt-in: its quality is measured per model
    assert encoder_module.AUTO_INT8_COS >= backends.LOSSY_COS
    monkeypatch.setattr(encoder_module, "AUTO_BACKEND", "onnx-int8")  # the switch to int8 by default
    monkeypatch.setattr(encoder_module, "AUTO_INT8_COS", -1.0)  # any int8 graph passes
    enc = load_encoder(str(tiny_model_dir))
    assert enc.backend == "onnx-int8"
    assert enc.name == f"{tiny_model_dir}#onnx-int8"  # never mixed with an index of fp32 vectors
    assert enc.encode_passages(TEXTS).shape == (3, enc.dim)


def test_auto_falls_back_to_fp32_onnx_with_one_warning(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(encoder_module, "AUTO_BACKEND", "onnx-int8")
    monkeypatch.setattr(encoder_module, "AUTO_INT8_COS", 1.5)  # no int8 graph can pass
    with caplog.at_level(logging.INFO, logger="embeddings.encoder"):
        enc = load_encoder(str(tiny_model_dir))
    assert enc.backend == "onnx" and enc.name == str(tiny_model_dir)
    records = [r for r in caplog.records if r.name == "embeddings.encoder"]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    assert "onnx-int8 is not safe" in records[0].getMessage() and "using onnx" in records[0].getMessage()
    torch_enc = load_encoder(str(tiny_model_dir), backend="torch")  # the fallback's vectors are torch's
    np.testing.assert_allclose(enc.encode_passages(TEXTS), torch_enc.encode_passages(TEXTS), atol=1e-5)


def _without_onnxruntime(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(*_a: object, **_k: object) -> None:
        raise backends.BackendUnavailable("onnxruntime is not installed")

    monkeypatch.setattr("embeddings.encoder.accelerate", missing)


def test_auto_without_onnxruntime_is_torch(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                           caplog: pytest.LogCaptureFixture) -> None:
    _without_onnxruntime(monkeypatch)
    with caplog.at_level(logging.INFO, logger="embeddings.encoder"):
        enc = load_encoder(str(tiny_model_dir))
    assert enc.backend == "torch"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # the automatic choice: INFO only
    assert "using torch" in caplog.text


def test_explicit_int8_floor_is_lossy_cos(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_module, "AUTO_INT8_COS", 1.5)  # only auto asks for this
    monkeypatch.setattr(backends, "LOSSY_COS", -1.0)
    assert load_encoder(str(tiny_model_dir), backend="onnx-int8").backend == "onnx-int8"


def test_env_selects_the_backend(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_BACKEND", "torch")
    assert load_encoder(str(tiny_model_dir)).backend == "torch"


def test_unknown_backend_warns_and_uses_auto(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("QA_BACKEND", "tpu")
    with caplog.at_level(logging.WARNING, logger="embeddings.encoder"):
        enc = load_encoder(str(tiny_model_dir))
    assert enc.backend == "onnx"
    assert "QA_BACKEND='tpu'" in caplog.text


def test_lossy_backend_gets_its_own_name(tiny_model_dir: Path) -> None:
    enc = load_encoder(str(tiny_model_dir), backend="onnx-int8")
    if enc.backend != "onnx-int8":
        pytest.skip("int8 of a random tiny model can miss the cosine floor")
    assert enc.name == f"{tiny_model_dir}#onnx-int8"  # an index of torch vectors is rebuilt, not mixed


def test_failure_keeps_torch_with_one_warning(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    _without_onnxruntime(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="embeddings.encoder"):
        enc = load_encoder(str(tiny_model_dir), backend="onnx")
    assert enc.backend == "torch"
    assert enc.encode_queries(["x"]).shape == (1, enc.dim)
    assert "onnxruntime is not installed" in caplog.text and "using torch" in caplog.text


def test_disagreeing_graph_is_refused(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "LOSSLESS_COS", 1.5)  # no graph can pass: the model must stay on torch
    enc = load_encoder(str(tiny_model_dir), backend="onnx")
    assert enc.backend == "torch"
    assert enc.encode_passages(TEXTS).shape == (3, enc.dim)


def test_onnx_runs_the_fused_graph(tiny_model_dir: Path, cache: Path) -> None:
    import onnx

    assert load_encoder(str(tiny_model_dir), backend="onnx").backend == "onnx"
    (path,) = cache.glob("*/model.fused.onnx")
    ops = {n.op_type for n in onnx.load(str(path)).graph.node}
    assert "Attention" in ops and "SkipLayerNormalization" in ops  # eager attention export, then fused


def test_unfusable_model_keeps_the_plain_graph(tiny_model_dir: Path, cache: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def refuse(*_a: object) -> bool:
        calls.append(1)
        return False

    monkeypatch.setattr(backends, "_fuse", refuse)
    assert load_encoder(str(tiny_model_dir), backend="onnx").backend == "onnx"
    assert load_encoder(str(tiny_model_dir), backend="onnx-int8").backend in ("onnx-int8", "torch")
    assert not list(cache.glob("*/model.fused.onnx")) and list(cache.glob("*/model.unfusable"))
    assert len(calls) == 1  # not retried on every load


def test_graphs_earlier_versions_cached_are_removed(tiny_model_dir: Path, cache: Path) -> None:
    load_encoder(str(tiny_model_dir), backend="onnx")
    (folder,) = [p for p in cache.iterdir() if p.is_dir()]
    retired = [folder / name for name in backends.RETIRED]
    for path in retired:
        path.write_bytes(b"a graph no version reads any more")
    assert load_encoder(str(tiny_model_dir), backend="onnx").backend == "onnx"
    assert retired and not any(p.exists() for p in retired)
    assert (folder / "model.fused.onnx").is_file()  # what this version uses stays


def test_damaged_cached_graph_is_exported_again(tiny_model_dir: Path, cache: Path) -> None:
    load_encoder(str(tiny_model_dir), backend="onnx")
    (path,) = cache.glob("*/model.fused.onnx")
    path.write_bytes(b"not onnx")
    assert load_encoder(str(tiny_model_dir), backend="onnx").backend == "onnx"
    assert path.stat().st_size > 1000


def test_unwritable_cache_exports_to_a_temporary_folder(tiny_model_dir: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("QA_BACKEND_CACHE", str(blocker / "cache"))  # under a file: mkdir fails
    assert load_encoder(str(tiny_model_dir), backend="onnx").backend == "onnx"


def test_exporting_quiets_only_its_own_thread(tiny_model_dir: Path) -> None:
    """The export set the root logger to ERROR while it ran: an application's other threads lost their warnings
    (540 logged, 426 shown in one run). Now only what the exporting thread logs below ERROR is dropped."""
    import threading

    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        level = root.level
        with quiet_thread():
            logging.warning("the exporter's hint")
            other = threading.Thread(target=lambda: logging.warning("another thread's warning"))
            other.start()
            other.join()
            logging.error("the exporter's error")
            assert root.level == level
        logging.warning("after")
        assert load_encoder(str(tiny_model_dir), backend="onnx-int8").backend in ("onnx-int8", "onnx", "torch")
        assert root.level == level
    finally:
        root.removeHandler(handler)
    assert seen[:3] == ["another thread's warning", "the exporter's error", "after"]



def test_exporting_leaves_an_application_without_logging_as_it_was(capsys: pytest.CaptureFixture[str]) -> None:
    """With no handler on the root logger (the CLI, a script), the quantizer's module-level logging.warning ran
    basicConfig inside the quiet block: its hint was printed, and the root logger kept a handler for good."""
    import threading

    root = logging.getLogger()
    saved, root.handlers = root.handlers, []  # as in a process that configured no logging (pytest adds its own)
    try:
        with quiet_thread():
            logging.warning("Please consider to run pre-processing before quantization")
            other = threading.Thread(target=lambda: logging.getLogger("app").warning("another thread's warning"))
            other.start()
            other.join()
        assert root.handlers == []
    finally:
        root.handlers = saved
    err = capsys.readouterr().err
    assert "pre-processing" not in err and "another thread's warning" in err
