"""Encoding without ``SentenceTransformer.encode``: tokenise, run the exported graph, pool, normalise.

For an ONNX Runtime graph (``backends._Runner``) and the usual module layout -- ``Transformer``,
``Pooling`` (mean, cls or max, prompt included), optionally ``Normalize`` -- the whole encoding is a
tokenizer call, one ``session.run`` and a few numpy operations. That saves about a millisecond of
Python per call (sentence-transformers' feature dicts, torch tensors, hooks), which is a quarter of a
short query's encoding on a 2-core CPU, and, unlike ``SentenceTransformer.encode`` (whose tokenizer
settings change per call), it is safe to call from several threads at once: the tokenizer is a private
copy configured once, and ONNX Runtime runs concurrent ``run`` calls on their callers' threads. So the
encoder's session runs each call on one thread, and concurrency comes from callers: several questions
encode side by side, and passages are spread over ``parallel`` worker threads, one text per call --
on a CPU that beats padded batches (``benchmarks/bench_ingest.py``: MiniLM fp32 37 vs 32 chunks/s at
batch 32, int8 72 vs 65), and it makes an int8 graph's vectors a function of the text alone.

:func:`direct_encoder` returns None for any other layout, and the caller keeps sentence-transformers'
own path; a layout it accepts is still checked on a probe against ``SentenceTransformer.encode`` by the
caller before it is used (``backends.accelerate``).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

POOLING = ("mean", "cls", "max")


def supported(model: Any) -> bool:
    """Whether ``model`` (a SentenceTransformer) has a layout :class:`DirectEncoder` reproduces."""
    names = [type(m).__name__ for m in model]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return False
    pooling = model[1]
    if getattr(pooling, "pooling_mode", None) not in POOLING or not getattr(pooling, "include_prompt", True):
        return False
    if getattr(model[0], "do_lower_case", False):
        return False
    tokenizer = getattr(model, "tokenizer", None)
    return getattr(tokenizer, "backend_tokenizer", None) is not None and getattr(tokenizer, "pad_token_id", None) is not None


class DirectEncoder:
    """Thread-safe ``texts -> float32 (n, dim)`` unit vectors for a supported model (see :func:`supported`)."""

    def __init__(self, model: Any, run: Any, names: list[str], *, parallel: int = 1) -> None:
        from tokenizers import Tokenizer

        tokenizer = model.tokenizer
        self._tokenizer = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
        self._tokenizer.enable_truncation(max_length=int(model.max_seq_length))
        self._tokenizer.enable_padding(pad_id=int(tokenizer.pad_token_id), pad_token=str(tokenizer.pad_token),
                                       pad_type_id=int(getattr(tokenizer, "pad_token_type_id", 0) or 0))
        self._run = run  # feed dict -> last hidden state (batch, tokens, dim)
        self._names = names
        self._pooling = model[1].pooling_mode
        self.parallel = max(1, int(parallel))
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts, add_special_tokens=True)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        columns = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64), "attention_mask": mask,
                   "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}
        hidden = self._run({k: columns[k] for k in self._names})
        if self._pooling == "cls":
            pooled = hidden[:, 0]
        elif self._pooling == "max":
            pooled = np.where(mask[:, :, None] > 0, hidden, -1e9).max(axis=1)
        else:
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)

    def encode(self, texts: list[str], prompt: str = "", progress: Any = None) -> np.ndarray:
        """Vectors of ``prompt + text`` in input order, one text per ``run`` (no padding: the fastest per
        text measured on CPU, and a text's vector never depends on what it was encoded with -- which an
        int8 graph's dynamic quantisation would otherwise make it), on up to ``parallel`` threads.
        ``progress``: an optional callable told about each text done."""
        texts = [prompt + t for t in texts] if prompt else list(texts)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)

        def one(text: str) -> np.ndarray:
            out = self._batch([text])
            if progress:
                progress(1)
            return out

        if len(texts) == 1 or self.parallel == 1:
            parts = [one(t) for t in texts]
        else:
            with self._pool_lock:  # one pool, however many threads ingest at once
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="qa-encode")
            parts = list(self._pool.map(one, texts))
        return np.ascontiguousarray(np.concatenate(parts, axis=0))


_PROMPT = "query: "
_LONG = " ".join(["Hội nghị thượng đỉnh tại Rome kéo dài bảy tiếng, the talks went on late."] * 60)  # > 512 tokens
CHECK_COS = 0.99999


def checked(model: Any, runner: Any, parallel: int, texts: list[str]) -> DirectEncoder | None:
    """A :class:`DirectEncoder` over ``runner`` (a ``backends._Runner``) when it gives the vectors
    ``model.encode`` gives through the same runner -- ``texts``, a text past the model's window, each
    with and without a prompt -- to ``CHECK_COS``; else None (the model keeps sentence-transformers' path)."""
    probe = [*texts, _LONG]
    try:
        encoder = DirectEncoder(model, runner._run, runner.names, parallel=parallel)
        for prompt in ("", _PROMPT):
            # one text per call on both sides (an int8 graph's vectors depend on the batch they are in)
            want = np.asarray(model.encode(probe, prompt=prompt, batch_size=1, normalize_embeddings=True,
                                           convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
            got = encoder.encode(probe, prompt)
            if got.shape != want.shape or float(np.min(np.sum(got * want, axis=1))) < CHECK_COS:
                return None
        return encoder
    except Exception:  # noqa: BLE001 - any surprise: sentence-transformers' own path stays
        return None
