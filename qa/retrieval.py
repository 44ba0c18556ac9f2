"""Candidate retrieval: BM25, FAISS, or both fused, over one snapshot."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qa.config import Mode
from qa.fusion import Fusion, fuse
from qa.snapshot import Snapshot
from qa.text import fold, has_diacritics, words

POOL_MIN = 50


@dataclass(frozen=True)
class Candidate:
    row: int  # position in snapshot.chunks
    score: float
    lexical: float
    dense: float | None


@dataclass(frozen=True)
class QueryInfo:
    text: str
    diacritics: bool


def analyze(query: str) -> QueryInfo:
    return QueryInfo(query, has_diacritics(query))


class Retriever:
    def __init__(self, snapshot: Snapshot, *, fusion: Fusion = "zscore", dense_weight: float = 1.0) -> None:
        self.snapshot = snapshot
        self.fusion = fusion
        self.dense_weight = dense_weight

    def search(self, query: QueryInfo, k: int, mode: Mode, query_vector: np.ndarray | None) -> list[Candidate]:
        snap = self.snapshot
        if not snap.chunks:
            return []
        lexical = snap.lexical.scores(query.text, diacritics=query.diacritics)
        pool_size = min(len(snap.chunks), max(POOL_MIN, 4 * k))
        if mode == "lexical" or query_vector is None or snap.vectors is None:
            order = np.argsort(-lexical, kind="stable")[:pool_size]
            return [Candidate(int(r), float(lexical[r]), float(lexical[r]), None) for r in order if lexical[r] > 0]
        dense_scores, ids = snap.vectors.search(query_vector[None, :], pool_size)
        dense_rows = [snap.row_of[int(i)] for i in ids[0] if int(i) in snap.row_of]
        if mode == "dense":
            return [Candidate(r, float(s), float(lexical[r]), float(s)) for r, s in zip(dense_rows, dense_scores[0])]
        lex_rows = [int(r) for r in np.argsort(-lexical, kind="stable")[:pool_size] if lexical[r] > 0]
        pool = list(dict.fromkeys(dense_rows + lex_rows))
        dense = self._dense_scores(pool, query_vector)
        fused = fuse(lexical[pool], dense, method=self.fusion, dense_weight=self.dense_weight)
        order = np.argsort(-fused, kind="stable")
        return [Candidate(pool[i], float(fused[i]), float(lexical[pool[i]]), float(dense[i])) for i in order]

    def _dense_scores(self, rows: list[int], query_vector: np.ndarray) -> np.ndarray:
        index = self.snapshot.vectors.index
        vecs = np.vstack([index.reconstruct(int(self.snapshot.chunks[r].chunk_id)) for r in rows])
        return vecs @ query_vector.astype(np.float32)


def collapse_near_duplicates(candidates: list[Candidate], texts: list[str], k: int, threshold: float = 0.7) -> list[Candidate]:
    """Keep the best of passages whose folded word 3-gram sets overlap by Jaccard >= threshold."""
    kept: list[Candidate] = []
    shingles: list[set[tuple[str, ...]]] = []
    for cand in candidates:
        toks = words(fold(texts[cand.row]))
        grams = {tuple(toks[i : i + 3]) for i in range(max(1, len(toks) - 2))}
        if any(len(grams & s) / max(1, len(grams | s)) >= threshold for s in shingles):
            continue
        kept.append(cand)
        shingles.append(grams)
        if len(kept) == k:
            break
    return kept
