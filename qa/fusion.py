"""Rank fusion of lexical and dense scores. Which one is the default is decided by `qa eval`."""

from __future__ import annotations

from typing import Literal

import numpy as np

Fusion = Literal["zscore", "rrf", "minmax"]
RRF_K = 60


def _z(scores: np.ndarray) -> np.ndarray:
    std = float(scores.std())
    return (scores - scores.mean()) / std if std > 1e-9 else np.zeros_like(scores)


def _minmax(scores: np.ndarray) -> np.ndarray:
    span = float(scores.max() - scores.min()) if scores.size else 0.0
    return (scores - scores.min()) / span if span > 1e-9 else np.zeros_like(scores)


def _rrf(scores: np.ndarray) -> np.ndarray:
    ranks = np.empty(scores.size, dtype=np.float64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, scores.size + 1)
    return 1.0 / (RRF_K + ranks)


def fuse(lexical: np.ndarray, dense: np.ndarray, *, method: Fusion = "zscore", dense_weight: float = 1.0) -> np.ndarray:
    """Combine two score vectors over the same candidates; higher is better."""
    norm = {"zscore": _z, "minmax": _minmax, "rrf": _rrf}[method]
    return norm(lexical.astype(np.float64)) + dense_weight * norm(dense.astype(np.float64))
