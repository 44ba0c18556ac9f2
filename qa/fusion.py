"""Rank fusion of lexical and dense scores. Which variant is the default is decided on data
(`benchmarks/fusion_experiment.py`; the table is in the README)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Norm = Literal["zscore", "rrf", "minmax", "none"]
RRF_K = 60


@dataclass(frozen=True)
class FusionSpec:
    """score = norm(lexical) + w * norm(dense), with w between ``dense_min`` (the lexical
    evidence is complete: every query term found) and ``dense_max`` (no query term found)."""

    norm: Norm = "zscore"
    dense_min: float = 1.0
    dense_max: float = 1.0
    lexical_weight: float = 1.0

    def dense_weight(self, lexical_coverage: float) -> float:
        c = min(1.0, max(0.0, lexical_coverage))
        return self.dense_max + (self.dense_min - self.dense_max) * c


def _z(scores: np.ndarray) -> np.ndarray:
    std = float(scores.std())
    return (scores - scores.mean()) / std if std > 1e-9 else np.zeros_like(scores)


def _minmax(scores: np.ndarray) -> np.ndarray:
    span = float(scores.max() - scores.min()) if scores.size else 0.0
    return (scores - scores.min()) / span if span > 1e-9 else np.zeros_like(scores)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ascending; tied values share the mean of their ranks."""
    order = np.argsort(values, kind="stable")
    sorted_vals = values[order]
    ranks = np.empty(values.size, dtype=np.float64)
    start = 0
    for end in range(1, values.size + 1):
        if end == values.size or sorted_vals[end] != sorted_vals[start]:
            ranks[order[start:end]] = (start + 1 + end) / 2
            start = end
    return ranks


def _rrf(scores: np.ndarray) -> np.ndarray:
    return 1.0 / (RRF_K + _average_ranks(-scores))  # ties share a rank


_NORMS = {"zscore": _z, "minmax": _minmax, "rrf": _rrf, "none": lambda s: s}

VARIANTS: dict[str, FusionSpec] = {
    "lexical": FusionSpec(dense_min=0.0, dense_max=0.0),
    "dense": FusionSpec(lexical_weight=0.0),
    "rrf": FusionSpec(norm="rrf"),
    "minmax": FusionSpec(norm="minmax"),
    "zscore": FusionSpec(),
    "zscore w=0.5": FusionSpec(dense_min=0.5, dense_max=0.5),
    "zscore w=0.25": FusionSpec(dense_min=0.25, dense_max=0.25),
    "evidence 0.1..0.6": FusionSpec(dense_min=0.1, dense_max=0.6),
    "evidence 0.2..1.0": FusionSpec(dense_min=0.2, dense_max=1.0),
    "evidence 0.0..0.5": FusionSpec(dense_min=0.0, dense_max=0.5),
}
DEFAULT = "evidence 0.1..0.6"


def fuse(lexical: np.ndarray, dense: np.ndarray, spec: FusionSpec, lexical_coverage: float) -> np.ndarray:
    """Combine two score vectors over the same candidates; higher is better."""
    norm = _NORMS[spec.norm]
    w = spec.dense_weight(lexical_coverage)
    return spec.lexical_weight * norm(lexical.astype(np.float64)) + w * norm(dense.astype(np.float64))


def top_rows(scores: np.ndarray, size: int) -> np.ndarray:
    """``np.argsort(-scores, kind="stable")[:size]`` without sorting every row (a million chunks: 100 ms -> 5 ms)."""
    if size >= len(scores):
        return np.argsort(-scores, kind="stable")
    if size <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = scores[np.argpartition(-scores, size - 1)[:size]].min()
    above = np.flatnonzero(scores > kth)
    rows = np.concatenate([above, np.flatnonzero(scores == kth)[: size - len(above)]])
    return rows[np.argsort(-scores[rows], kind="stable")]


def top_own_rows(scores: np.ndarray, size: int, counted: np.ndarray | None) -> np.ndarray:
    """``top_rows`` holding the best ``size`` rows of articles' own text (``counted``, None: every row is) and,
    among them, up to ``size`` related articles' leads: the same lead on fifty pages of a site must not fill the
    pool and push the article it leads to out of it."""
    if counted is None:
        return top_rows(scores, size)
    rows = top_rows(scores, size + min(size, len(scores) - int(counted.sum())))
    if counted[rows].sum() >= size or len(rows) == len(scores):
        return rows
    parts = []
    for keep in (counted, ~counted):  # the leads crowd the top: each kind's best apart
        masked = np.where(keep, scores, -np.inf)
        best = top_rows(masked, size)
        parts.append(best[np.isfinite(masked[best])])
    rows = np.concatenate(parts)
    return rows[np.argsort(-scores[rows], kind="stable")]


def pool(lexical: np.ndarray, dense_rows: list[int], size: int, counted: np.ndarray | None = None) -> list[int]:
    """Candidates: the dense top rows, then the lexical top rows that matched anything."""
    lex_rows = [int(r) for r in top_own_rows(lexical, size, counted) if lexical[r] > 0]
    return list(dict.fromkeys(dense_rows + lex_rows))
