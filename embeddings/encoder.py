"""Sentence-transformers encoder: loading that fails fast and clearly, prompts, token counting, backends.

``load_encoder`` never hangs on a missing network and never raises anything but
:class:`qa.errors.ModelUnavailable`; the caller falls back to lexical retrieval.

The inference backend (``backend=`` or ``QA_BACKEND``: torch, onnx, onnx-int8, openvino; see
``embeddings/backends.py``) only changes how the transformer runs. A backend that cannot be used here
(package missing, export or its check failed) logs one warning and the encoder stays on torch.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from embeddings.backends import BACKENDS, LOSSY, accelerate, direct_of
from embeddings.hub import _cache_folder, _looks_like_path, _one_line, _reason_from, hub_address, hub_offline, hub_reachable
from embeddings.quiet import quiet_transformers
from qa.errors import ModelUnavailable

logger = logging.getLogger(__name__)

E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "
# "e5" as its own name part: multilingual-e5-small, e5-base-v2, intfloat/e5_large; not a hex hash like "3be5f".
_E5_RE = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])")
# Default inference backend when QA_BACKEND is unset: "auto" = AUTO_BACKEND, else torch (onnx or
# onnxruntime missing: logged at INFO). Measured on the 2-core benchmark machine with all-MiniLM-L6-v2
# (benchmarks/bench_ingest.py, benchmarks/results/perf.md): ONNX Runtime on the fused graph gives the
# same vectors as torch (cosine >= 0.99999; XQuAD-vi dev eval identical), half torch's query-encode
# time, and stays steady when other work shares the cores, where torch's OpenMP team stalls.
# onnx-int8 ingests ~1.7x faster than fp32 and its retrieval quality stays within 0.5 points of fp32
# (XQuAD-vi dev, 1,896 questions, hit@1 dense and hybrid; probe cosine to torch 0.9916), but it is
# opt-in for now: its activations are quantised per batch, so a passage's vector depends (~1e-4) on the
# passages it is batched with, where the ingest, crash-recovery and encoder tests expect one text to
# give one vector whatever the batch. Setting AUTO_BACKEND = "onnx-int8" makes auto try int8 first:
# kept when its probe cosine reaches AUTO_INT8_COS, else one warning and AUTO_FALLBACK (fp32). An
# int8 encoder is named "<model>#onnx-int8", so an index of fp32 vectors is rebuilt, never mixed.
# openvino (fp32) is opt-in: its memory grows with every new input shape. QA_BACKEND=torch where
# memory is tight (ONNX Runtime costs ~500 MB more peak RSS while ingesting).
DEFAULT_BACKEND = "auto"
AUTO_BACKEND = "onnx"
AUTO_FALLBACK = "onnx"
AUTO_INT8_COS = 0.99  # probe cosine auto asks of a lossy AUTO_BACKEND (MiniLM: 0.9916); explicit onnx-int8: LOSSY_COS


def select_prompts(
    name: str,
    model_prompts: Mapping[str, Any] | None = None,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
) -> tuple[str, str]:
    """(query_prefix, passage_prefix) for a model.

    Explicit arguments win (``""`` is explicit: "no prefix"); else the model's own non-empty
    ``prompts["query"]`` and ``prompts["passage"]`` / ``prompts["document"]``; else "query: " /
    "passage: " for e5 models (by name); else no prefix.
    """
    prompts = dict(model_prompts or {})

    def own(*keys: str) -> str | None:
        for key in keys:
            value = prompts.get(key)
            if isinstance(value, str) and value:
                return value
        return None

    is_e5 = bool(_E5_RE.search(name.lower()))
    if query_prefix is None:
        query_prefix = own("query") or (E5_QUERY_PREFIX if is_e5 else "")
    if passage_prefix is None:
        passage_prefix = own("passage", "document") or (E5_PASSAGE_PREFIX if is_e5 else "")
    return query_prefix, passage_prefix


def _embedding_dimension(model: Any) -> int:
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    dim = getter()
    if dim is None:  # unknown from config: ask the model
        dim = int(np.asarray(model.encode(["x"], convert_to_numpy=True, show_progress_bar=False)).shape[-1])
    return int(dim)


# --------------------------------------------------------------------------- encoder


class Encoder:
    """A loaded sentence-transformers model with the prompts this product uses."""

    def __init__(
        self,
        model: Any,
        *,
        name: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        backend: str = "torch",
    ) -> None:
        self.model = model
        self.name = name
        self.backend = backend
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.dim = _embedding_dimension(model)
        tokenizer = getattr(model, "tokenizer", None)
        max_len = getattr(model, "max_seq_length", None) or getattr(tokenizer, "model_max_length", None) or 512
        self.max_seq_length = int(min(max_len, 1_000_000))
        self._tokenizer = tokenizer
        self._counter = self._make_counter(tokenizer)
        self._lock = threading.Lock()
        # tokenizer + ONNX session + numpy pooling: thread-safe, no lock (embeddings/direct.py); None: ST's encode
        self._direct = direct_of(model)

    @staticmethod
    def _make_counter(tokenizer: Any) -> Any:
        """A private copy of the fast tokenizer with truncation and padding off.

        The model's own backend tokenizer keeps whatever truncation the last ``encode`` set
        (max_seq_length), so counting with it would cap long texts; a copy nobody else
        mutates is also safe to use from several threads.
        """
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            return None
        try:
            from tokenizers import Tokenizer

            counter = Tokenizer.from_str(backend.to_str())
            counter.no_truncation()
            counter.no_padding()
            return counter
        except Exception:  # noqa: BLE001
            return None

    # -- encoding

    def _encode(self, texts: list[str], prompt: str, batch_size: int, show_progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._direct is not None:
            return self._direct_encode(texts, prompt, show_progress)
        with self._lock:
            vectors = self.model.encode(
                list(texts),
                prompt=prompt,  # "" means none, and stops a default_prompt_name from applying
                batch_size=batch_size,
                show_progress_bar=show_progress,
                normalize_embeddings=True,
                convert_to_numpy=True,
            )
        return np.ascontiguousarray(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))

    def _direct_encode(self, texts: list[str], prompt: str, show_progress: bool) -> np.ndarray:
        """The direct path: one text per call, ``parallel`` calls at once (``batch_size`` does not apply)."""
        if not show_progress:
            vectors = self._direct.encode(texts, prompt)
        else:
            from tqdm.auto import tqdm

            with tqdm(total=len(texts), desc="Encoding", unit="text") as bar:
                vectors = self._direct.encode(texts, prompt, progress=bar.update)
        return np.ascontiguousarray(vectors.reshape(len(texts), self.dim))

    @property
    def parallel(self) -> int:
        """How many encoder calls can usefully run at once (the direct path's cores; else 1, ST's lock)."""
        return self._direct.parallel if self._direct is not None else 1

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """float32 (n, dim), L2-normalised, query prefix applied."""
        return self._encode(list(texts), self.query_prefix, self.batch_size, False)

    def encode_passages(
        self, texts: list[str], *, show_progress: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        """float32 (n, dim), L2-normalised, passage prefix applied; batched longest first, returned in input order."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = self._encode(
            [texts[i] for i in order], self.passage_prefix, batch_size or self.batch_size, show_progress
        )
        out = np.empty_like(vectors)
        out[np.asarray(order)] = vectors
        return out

    # -- tokens

    def count_tokens(self, text: str) -> int:
        """Tokenizer tokens of ``text`` alone: no special tokens, no prefix, no truncation."""
        if not text:
            return 0
        if self._counter is not None:
            return len(self._counter.encode(text, add_special_tokens=False).ids)
        if self._tokenizer is not None:
            ids = self._tokenizer(text, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
            return len(ids)
        return len(text.split())

    def prefix_tokens(self) -> int:
        """Tokens a passage costs beyond its own text: the passage prefix plus special tokens."""
        special = 2
        if self._tokenizer is not None and hasattr(self._tokenizer, "num_special_tokens_to_add"):
            special = int(self._tokenizer.num_special_tokens_to_add(pair=False))
        return self.count_tokens(self.passage_prefix) + special

    def describe(self) -> dict:
        import sentence_transformers
        import torch

        return {
            "model": self.name,
            "dim": self.dim,
            "max_seq_length": self.max_seq_length,
            "query_prefix": self.query_prefix,
            "passage_prefix": self.passage_prefix,
            "backend": self.backend,
            "encode_path": "direct" if self._direct is not None else "sentence-transformers",
            "parallel": self.parallel,
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
        }

    def __repr__(self) -> str:
        return (f"Encoder(name={self.name!r}, dim={self.dim}, max_seq_length={self.max_seq_length}, "
                f"backend={self.backend!r})")


# --------------------------------------------------------------------------- loading


def _construct(name: str, device: str, **kwargs: Any) -> Any:
    with quiet_transformers():
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(name), device=device, **kwargs)


def _load_model(name: str, timeout: float, device: str, construct: Any = _construct) -> Any:
    """Load with ``construct(name, device, **kwargs)``: local directory, local cache, then the hub if reachable."""
    if os.path.isdir(name):
        if not any(os.path.isfile(os.path.join(name, f)) for f in ("modules.json", "config.json")):
            raise ModelUnavailable(
                name, "not a sentence-transformers model directory (no config.json/modules.json)", local=True
            )
        # local_files_only: a directory never needs the network (model-card lookups included).
        return construct(name, device, local_files_only=True)
    if os.path.exists(name):
        raise ModelUnavailable(name, "is a file, not a model directory", local=True)
    if _looks_like_path(name):
        raise ModelUnavailable(name, "no such model directory", local=True)

    cache_folder = _cache_folder()
    try:
        return construct(name, device, local_files_only=True, cache_folder=cache_folder)
    except Exception as exc:  # noqa: BLE001 - not cached (or a broken cache): try the hub below
        logger.debug("%s not loadable from the local cache: %s", name, _reason_from(exc))

    host, _port = hub_address()
    unreachable = f"not in the local cache and {host} is unreachable (offline?)"
    if hub_offline() or not hub_reachable(timeout):
        raise ModelUnavailable(name, unreachable)
    return construct(name, device, cache_folder=cache_folder)


def as_settings(name: str) -> str:
    """An encoder's name (as an index records it) as the settings that give it: "QA_MODEL 'm'", or for a lossy
    backend, which is part of the name ("m#onnx-int8"), "QA_MODEL 'm' with QA_BACKEND=onnx-int8"."""
    model, sep, backend = name.rpartition("#")  # the backend is added last: a folder may have "#" in its name
    return f"QA_MODEL {model!r} with QA_BACKEND={backend}" if sep and backend in LOSSY else f"QA_MODEL {name!r}"


def resolve_backend(backend: str | None) -> str:
    """The backend asked for (argument, else QA_BACKEND, else DEFAULT_BACKEND); an unknown name warns and is "auto"."""
    wanted = (backend or os.environ.get("QA_BACKEND", "").strip() or DEFAULT_BACKEND).lower()
    if wanted not in (*BACKENDS, "auto"):
        logger.warning("QA_BACKEND=%r is not one of auto, %s; using auto", wanted, ", ".join(BACKENDS))
        return "auto"
    return wanted


def _auto_backend(model: Any, name: str) -> str:
    """QA_BACKEND=auto: AUTO_BACKEND when usable (a lossy one only when its probe cosine to torch reaches
    AUTO_INT8_COS), else AUTO_FALLBACK with one warning, else torch (logged at INFO: onnxruntime missing...)."""
    try:
        accelerate(model, AUTO_BACKEND, floor=AUTO_INT8_COS if AUTO_BACKEND in LOSSY else None)
        return AUTO_BACKEND
    except Exception as exc:  # noqa: BLE001 - BackendUnavailable or anything unforeseen: the model is on torch
        first = _one_line(str(exc))
    if AUTO_FALLBACK == AUTO_BACKEND:
        logger.info("QA_BACKEND=auto: %s is not usable for %s (%s); using torch", AUTO_BACKEND, name, first)
        return "torch"
    try:
        accelerate(model, AUTO_FALLBACK)
    except Exception as exc:  # noqa: BLE001
        logger.info("QA_BACKEND=auto: neither %s (%s) nor %s (%s) is usable for %s; using torch",
                    AUTO_BACKEND, first, AUTO_FALLBACK, _one_line(str(exc)), name)
        return "torch"
    logger.warning("QA_BACKEND=auto: %s is not safe for %s here (%s; needs cosine >= %s); using %s",
                   AUTO_BACKEND, name, first, AUTO_INT8_COS, AUTO_FALLBACK)
    return AUTO_FALLBACK


def load_encoder(
    name_or_path: str,
    *,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    timeout: float = 3.0,
    device: str = "cpu",
    batch_size: int = 32,
    backend: str | None = None,
) -> Encoder:
    """Load a sentence-transformers model by local directory or hub id.

    Raises :class:`ModelUnavailable` (and nothing else) when it cannot: an invalid directory,
    a hub id that is not cached while the hub is offline/unreachable within ``timeout``
    seconds, or any error while loading.

    ``backend`` (default: ``QA_BACKEND``, else ``DEFAULT_BACKEND``) picks the inference engine; a
    lossy one (``onnx-int8``) makes the encoder's name ``<name>#<backend>``, so an index built with
    other vectors is rebuilt rather than mixed. When an asked-for backend cannot be used: one warning
    and torch. ``auto``: ``AUTO_BACKEND`` (onnx), else torch (onnxruntime missing..., logged at INFO);
    with a lossy ``AUTO_BACKEND`` it must pass ``AUTO_INT8_COS``, else onnx with one warning.
    """
    name = str(name_or_path)
    try:
        if not name.strip():
            raise ModelUnavailable(name, "no model name given")
        wanted = resolve_backend(backend)
        model = _load_model(os.path.expanduser(name), timeout, device)
        q, p = select_prompts(name, getattr(model, "prompts", None), query_prefix, passage_prefix)
        used = "torch"
        if wanted == "auto" and device == "cpu":
            used = _auto_backend(model, name)
        elif wanted != "torch" and device == "cpu":
            try:
                accelerate(model, wanted)
                used = wanted
            except Exception as exc:  # noqa: BLE001 - BackendUnavailable or anything unforeseen: stay on torch
                logger.warning("QA_BACKEND=%s is not usable for %s (%s); using torch", wanted, name, _one_line(str(exc)))
        shown = f"{name}#{used}" if used in LOSSY else name
        return Encoder(model, name=shown, query_prefix=q, passage_prefix=p, batch_size=batch_size, backend=used)
    except ModelUnavailable as exc:
        if exc.model != name:  # named as the user wrote it ("~/model"), with the fix that fits it
            raise ModelUnavailable(name, exc.reason, local=exc.local) from exc
        raise
    except Exception as exc:  # noqa: BLE001 - the contract: only ModelUnavailable escapes
        raise ModelUnavailable(name, _reason_from(exc)) from exc
