"""Optional cross-encoder reranker (QA_RERANKER), loaded like the encoder and failing as clearly."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from embeddings.encoder import _load_model, _reason_from
from embeddings.quiet import quiet_transformers
from qa.errors import ModelUnavailable

FALLBACK = "answering without reranking"


def _construct_cross(name: str, device: str, **kwargs: Any) -> Any:
    with quiet_transformers():
        from sentence_transformers import CrossEncoder

        return CrossEncoder(str(name), device=device, **kwargs)


class Reranker:
    def __init__(self, model: Any, name: str) -> None:
        self.model = model
        self.name = name

    def scores(self, question: str, passages: list[str]) -> np.ndarray:
        """Relevance of each passage to the question (higher is better; the model's own scale)."""
        if not passages:
            return np.zeros(0, dtype=np.float32)
        out = self.model.predict([(question, p) for p in passages], show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(passages), -1)[:, -1]


def load_reranker(name_or_path: str, *, timeout: float = 3.0, device: str = "cpu") -> Reranker:
    """Raises :class:`ModelUnavailable` (only) when the cross-encoder cannot be loaded."""
    name = str(name_or_path)
    try:
        model = _load_model(os.path.expanduser(name), timeout, device, construct=_construct_cross)
        return Reranker(model, name)
    except ModelUnavailable as exc:
        raise ModelUnavailable(name, exc.reason, fallback=FALLBACK, setting="QA_RERANKER", local=exc.local) from exc
    except Exception as exc:  # noqa: BLE001 - the contract: only ModelUnavailable escapes
        raise ModelUnavailable(name, _reason_from(exc), fallback=FALLBACK, setting="QA_RERANKER") from exc
