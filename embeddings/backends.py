"""Inference backends for the sentence-transformers encoder: torch (as loaded), ONNX Runtime, OpenVINO.

The transformer body of a loaded SentenceTransformer is exported once to ONNX (``torch.onnx.export``,
TorchScript exporter, from the in-memory weights, so it works offline for any model that loaded) into
a cache folder keyed by the weights' hash and library versions; the exported graph then replaces the
torch module inside the SentenceTransformer (``model[0].model``). Tokenisation, prompts, batching,
pooling and normalisation stay sentence-transformers' own, so vectors are the same function of the
text. For ONNX Runtime the graph is exported with eager attention and passed through ONNX Runtime's
transformer optimizer (BERT-family fusions: Attention, SkipLayerNorm, BiasGelu, embedding LayerNorm);
a model it cannot fuse keeps the plain graph, and OpenVINO always runs the plain graph. Every swap is
verified on a padded probe batch against the torch output before it is kept:

* ``onnx``, ``openvino`` (fp32 graph, fp32 inference precision): cosine >= ``LOSSLESS_COS`` to torch, so
  they are interchangeable with torch on an existing index;
* ``onnx-int8`` (dynamic int8 quantisation of the weight matmuls of the plain graph, per channel;
  activations quantised per call): cosine >= ``LOSSY_COS`` (or the caller's ``floor``);
  the vectors differ, so the encoder reports a different name (``<model>#onnx-int8``) and an index
  built with another backend is rebuilt (``qa reindex``) rather than mixed.

Needs ``onnx`` + ``onnxruntime`` (and ``openvino`` for that backend); when they are missing, or the
export or the check fails, :func:`accelerate` raises :class:`BackendUnavailable` and the caller keeps torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from embeddings import direct
from embeddings.quiet import quiet_thread
from qa.config import cache_dir

BACKENDS = ("torch", "onnx", "onnx-int8", "openvino")  # "auto": encoder.AUTO_BACKEND (onnx)
LOSSY = {"onnx-int8"}
LOSSLESS_COS = 0.9999
LOSSY_COS = 0.98
OPSET = 17
EXPORT_VERSION = "2"  # bump when the export recipe changes (2: eager attention + ORT transformer fusions)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_FUSABLE = {"bert", "roberta", "xlm-roberta", "distilbert", "mpnet", "electra"}  # the optimizer's "bert" patterns
_PROBE = [
    "Quan chức cấp cao Mỹ và Trung Quốc đã có phiên thảo luận kéo dài 7 tiếng tại Rome, Italy ngày 14/3.",
    "Giá vàng tăng.", "What is the population of Brazil, and how has it changed since 1950?",
]


class BackendUnavailable(Exception):
    """The backend cannot be used for this model here (missing package, export or check failed)."""


def cache_root() -> Path:
    """Where exported graphs are kept: $QA_BACKEND_CACHE, else $XDG_CACHE_HOME/qa/backends (~/.cache/qa/backends)."""
    if os.environ.get("QA_BACKEND_CACHE"):
        return Path(os.environ["QA_BACKEND_CACHE"])
    return cache_dir() / "backends"


def _transformer_module(model: Any) -> Any:
    try:
        first = model[0]
    except Exception as exc:  # noqa: BLE001
        raise BackendUnavailable(f"not a module pipeline ({type(model).__name__})") from exc
    inner = getattr(first, "model", None)
    if inner is None or not hasattr(inner, "config") or not hasattr(inner, "state_dict"):
        raise BackendUnavailable(f"first module {type(first).__name__} has no torch transformer to export")
    return first


def _weights_key(module: Any, input_names: list[str]) -> str:
    import torch
    import transformers

    h = hashlib.sha256()
    h.update(json.dumps({"export": EXPORT_VERSION, "opset": OPSET, "torch": torch.__version__,
                         "transformers": transformers.__version__, "inputs": input_names,
                         "class": type(module).__name__}).encode())
    for name, tensor in sorted(module.state_dict().items()):
        h.update(name.encode())
        h.update(tensor.detach().contiguous().cpu().numpy().tobytes())
    return h.hexdigest()[:24]


def _probe_features(model: Any) -> dict[str, Any]:
    prepare = getattr(model, "preprocess", None) or model.tokenize  # sentence-transformers >= 5.2 / older
    features = prepare(_PROBE)
    return {k: v for k, v in features.items() if k in _INPUTS}


def _export_onnx(hf_model: Any, features: dict[str, Any], path: Path) -> None:
    import torch

    names = [k for k in _INPUTS if k in features]

    class Body(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *args: Any) -> Any:
            out = self.inner(**dict(zip(names, args)), return_dict=True)
            return out.last_hidden_state

    body = Body(hf_model).eval()
    args = tuple(features[k] for k in names)
    restore = _eager_attention(hf_model)
    axes = {k: {0: "batch", 1: "sequence"} for k in [*names, "last_hidden_state"]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(body, args, tmp, input_names=names, output_names=["last_hidden_state"],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        restore()
        Path(tmp).unlink(missing_ok=True)


def _eager_attention(hf_model: Any) -> Any:
    """Export attention as plain MatMul/Softmax (not SDPA), the pattern ONNX Runtime's transformer
    optimizer fuses into its Attention op; returns a callable that restores the previous setting."""
    config = getattr(hf_model, "config", None)
    before = getattr(config, "_attn_implementation", None)
    setter = getattr(hf_model, "set_attn_implementation", None)
    if before in (None, "eager") or setter is None:
        return lambda: None
    try:
        setter("eager")
    except Exception:  # noqa: BLE001 - a model without eager attention: export it as it is
        return lambda: None

    def restore() -> None:
        try:
            setter(before)
        except Exception:  # noqa: BLE001
            pass

    return restore


def _fuse(src: Path, dst: Path, config: Any) -> bool:
    """ONNX Runtime's transformer optimizer over ``src`` (BERT-family fusions: embedding + LayerNorm,
    Attention, SkipLayerNorm, BiasGelu) into ``dst``. False (no file) when it cannot: the caller uses ``src``.

    Measured on MiniLM-L6 (2 cores, interleaved runs, 2-thread batches of 32): fp32 ~1.1x faster, int8
    ~1.35x faster; the fp32 graph's vectors stay those of torch (cosine 1.00000). One text per call on
    one thread (the direct path) the plain graph's int8 is the faster one (20.8 vs 22.7 ms per chunk),
    so int8 is quantised from the plain graph."""
    heads, hidden = getattr(config, "num_attention_heads", None), getattr(config, "hidden_size", None)
    if not heads or not hidden or getattr(config, "model_type", "") not in _FUSABLE:
        return False
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".onnx", dir=dst.parent)
    os.close(fd)
    try:
        from onnxruntime.transformers import optimizer

        with warnings.catch_warnings(), quiet_thread():  # the optimizer logs its progress as it goes
            warnings.simplefilter("ignore")
            fused = optimizer.optimize_model(str(src), model_type="bert", num_heads=int(heads),
                                             hidden_size=int(hidden))
            fused.save_model_to_file(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
        return True
    except Exception:  # noqa: BLE001 - unknown pattern, optimizer missing...: the plain graph is fine
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)


def _quantize_int8(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".onnx", dir=dst.parent)
    os.close(fd)
    try:
        # weights only (MatMulConstBOnly), per output channel: cosine to fp32 ~0.99 on MiniLM, where
        # quantising the activation x activation attention matmuls as well gave ~0.93
        with quiet_thread():  # the quantizer logs a "consider pre-processing" hint on the root logger
            quantize_dynamic(str(src), tmp, weight_type=QuantType.QInt8, per_channel=True,
                             extra_options={"MatMulConstBOnly": True, "DefaultTensorType": 1})
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    finally:
        Path(tmp).unlink(missing_ok=True)


def exported_graph(model: Any, backend: str) -> tuple[Path, list[str]]:
    """The ONNX file for ``model``'s transformer under ``backend`` (exported on first use) and its input names.

    The file lives in the cache folder, or in a fresh ``qa-backend-*`` temporary folder when that is not
    writable (the caller deletes that folder once the graph is loaded)."""
    module = _transformer_module(model)
    features = _probe_features(model)
    names = [k for k in _INPUTS if k in features]
    key = _weights_key(module.model, names)
    try:
        return _export_into(cache_root() / key, module.model, features, backend), names
    except OSError:  # the cache folder is not writable: export into a private temporary folder instead
        folder = Path(tempfile.mkdtemp(prefix="qa-backend-"))
        try:
            return _export_into(folder, module.model, features, backend), names
        except Exception as exc:  # noqa: BLE001
            raise BackendUnavailable(f"ONNX export failed: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001
        raise BackendUnavailable(f"ONNX export failed: {type(exc).__name__}: {exc}") from exc


RETIRED = ("model.int8.onnx",)  # graphs earlier versions cached here and this one never reads (int8 of the fused graph)


def _export_into(folder: Path, hf_model: Any, features: dict[str, Any], backend: str) -> Path:
    for name in RETIRED:  # a running process of an older version keeps its loaded copy (unlinking is safe)
        (folder / name).unlink(missing_ok=True)
    plain = folder / "model.onnx"
    fused = folder / "model.fused.onnx"
    unfusable = folder / "model.unfusable"  # the optimizer failed once here: do not retry on every load
    if not fused.is_file() and not unfusable.is_file():
        if not plain.is_file():
            _export_onnx(hf_model, features, plain)
        if not _fuse(plain, fused, hf_model.config):
            unfusable.touch()
    if backend == "openvino" or not fused.is_file():  # OpenVINO runs the plain graph (measured so)
        if not plain.is_file():
            _export_onnx(hf_model, features, plain)
        fp32 = plain
    else:
        fp32 = fused
    if backend != "onnx-int8":
        return fp32
    # int8 from the plain graph (ONNX Runtime fuses what it can at load): 8% faster per chunk than
    # quantising the fused graph (its QAttention), the same cosine to fp32 (0.988 min, MiniLM)
    int8 = folder / "model.int8.plain.onnx"
    if not int8.is_file():
        if not plain.is_file():
            _export_onnx(hf_model, features, plain)
        _quantize_int8(plain, int8)
    return int8


class _Runner:
    """Runs an exported graph; returns last_hidden_state as numpy float32."""

    def __init__(self, path: Path, backend: str, names: list[str], threads: int = 0) -> None:
        self.names = names
        self.backend = backend
        if backend.startswith("onnx"):
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise BackendUnavailable("onnxruntime is not installed (pip install onnxruntime)") from exc
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3
            if threads:  # 1 for the direct path: concurrent calls, each on its caller's thread (embeddings/direct.py)
                options.intra_op_num_threads = threads
            self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self._run = lambda feed: self._session.run(None, feed)[0]
        elif backend == "openvino":
            try:
                import openvino as ov
                import openvino.properties.hint as hints
            except ImportError as exc:
                raise BackendUnavailable("openvino is not installed (pip install openvino)") from exc
            core = ov.Core()
            # f32 precision: on CPUs with bf16 (AVX512_BF16/AMX) OpenVINO would otherwise infer in bf16
            compiled = core.compile_model(str(path), "CPU", {hints.inference_precision: "f32",
                                                             hints.performance_mode: hints.PerformanceMode.LATENCY})
            self._request = compiled.create_infer_request()

            def run(feed: dict[str, np.ndarray]) -> np.ndarray:
                return np.array(self._request.infer(feed)[0], dtype=np.float32, copy=True)

            self._run = run
        else:  # pragma: no cover - guarded by the caller
            raise BackendUnavailable(f"unknown backend {backend!r}")

    def __call__(self, features: dict[str, Any]) -> np.ndarray:
        feed = {k: np.ascontiguousarray(features[k].cpu().numpy(), dtype=np.int64) for k in self.names}
        return self._run(feed)


def _shim(runner: _Runner, original: Any) -> Any:
    """A torch module standing in for the transformer: same config, runs ``runner``, no weights."""
    import torch
    from transformers.modeling_outputs import BaseModelOutput

    class ExportedTransformer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.config = original.config
            self.device = torch.device("cpu")
            self.dtype = torch.float32
            self.runner = runner
            self.direct = None  # set by accelerate() when embeddings/direct.py reproduces the model

        def forward(self, input_ids: Any = None, attention_mask: Any = None, token_type_ids: Any = None,
                    **_: Any) -> Any:
            features = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            missing = [k for k in runner.names if features.get(k) is None]
            if missing:
                raise RuntimeError(f"exported graph needs {missing}")
            return BaseModelOutput(last_hidden_state=torch.from_numpy(runner(features)))

    return ExportedTransformer()


def _probe_vectors(model: Any) -> np.ndarray:
    return np.asarray(model.encode(_PROBE, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False, batch_size=len(_PROBE)), dtype=np.float32)


def accelerate(model: Any, backend: str, floor: float | None = None) -> float:
    """Swap ``model``'s transformer for ``backend`` in place; returns the probe's minimum cosine to torch.

    ``floor``: the cosine the probe must reach (default ``LOSSLESS_COS``, or ``LOSSY_COS`` for a lossy
    backend). Raises :class:`BackendUnavailable` (leaving the model on torch) when it cannot."""
    if backend not in BACKENDS or backend == "torch":
        raise BackendUnavailable(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    try:
        import onnx  # noqa: F401 - torch.onnx.export needs it
    except ImportError as exc:
        raise BackendUnavailable("onnx is not installed (pip install onnx onnxruntime)") from exc
    module = _transformer_module(model)
    original = module.model
    reference = _probe_vectors(model)
    path, names = exported_graph(model, backend)
    threads = 1 if backend.startswith("onnx") and direct.supported(model) else 0
    try:
        runner = _Runner(path, backend, names, threads)
    except BackendUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged cache file, an unsupported op...
        if path.parent.parent != cache_root():
            raise BackendUnavailable(f"cannot run the exported graph: {type(exc).__name__}: {exc}") from exc
        shutil.rmtree(path.parent, ignore_errors=True)  # a damaged cached export: export once more
        path, names = exported_graph(model, backend)
        try:
            runner = _Runner(path, backend, names, threads)
        except Exception as exc2:  # noqa: BLE001
            raise BackendUnavailable(f"cannot run the exported graph ({path}): {type(exc2).__name__}: {exc2}") from exc2
    finally:
        if path.parent.name.startswith("qa-backend-") and path.parent.parent != cache_root():
            shutil.rmtree(path.parent, ignore_errors=True)  # temporary export: the graph is in memory now
    module.model = _shim(runner, original)
    try:
        got = _probe_vectors(model)
        cos = float(np.min(np.sum(got * reference, axis=1)))
    except Exception as exc:  # noqa: BLE001
        module.model = original
        raise BackendUnavailable(f"exported graph failed on a probe: {type(exc).__name__}: {exc}") from exc
    if floor is None:
        floor = LOSSY_COS if backend in LOSSY else LOSSLESS_COS
    if not cos >= floor:
        module.model = original
        raise BackendUnavailable(f"exported graph disagrees with torch (cosine {cos:.5f} < {floor})")
    if threads:
        module.model.direct = direct.checked(model, runner, cpu_cores(), _PROBE)
        if module.model.direct is None and path.is_file():  # sentence-transformers' path: let the session use every core
            module.model = _shim(_Runner(path, backend, names), original)
    return cos


def cpu_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def direct_of(model: Any) -> Any:
    """The verified :class:`embeddings.direct.DirectEncoder` of an accelerated model, else None."""
    try:
        return getattr(model[0].model, "direct", None)
    except Exception:  # noqa: BLE001 - not a module pipeline
        return None
