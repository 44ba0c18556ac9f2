"""Candidate retrieval: BM25, FAISS, or both fused, over one snapshot."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from qa.config import Mode
from qa.conversation import starts_topic
from qa.fusion import DEFAULT, VARIANTS, FusionSpec, fuse, pool, top_own_rows
from qa.snapshot import Memo, Snapshot
from qa.glossary import translate, translate_groups
from qa.language import QueryLanguage, accented, detect
from qa.text import ENGLISH_CALENDAR, fold, words

if TYPE_CHECKING:
    from qa.rerank import Ranked

POOL_MIN = 50
T = TypeVar("T", bound="Candidate | Ranked")


@dataclass(frozen=True)
class Candidate:
    row: int  # position in snapshot.chunks
    score: float
    lexical: float
    dense: float | None


CONTEXT_WEIGHT = 1.0  # how much an earlier turn counts next to the question itself (each scaled to max 1)
# after "Còn Rome thì sao?" / "What about Rome?" (a new subject): a passage on Rome alone must beat one on the
# earlier turn's subject alone, and one on both beats either
NEW_TOPIC_CONTEXT_WEIGHT = 0.5
# the glossary's Vietnamese for an English question, next to its own words' BM25 (XQuAD English, lexical,
# hit@1: 0.495 without; 0.5 -> 0.788, 1.0 -> 0.736 with ~2,400 words)
GLOSS_WEIGHT = 0.5
# an English question's capitalised words after the first ("Broncos", "Panthers", "Sullivan") count again: names are
# the words a Vietnamese text writes as the question does, and the glossary may read them as common words
# ("panthers" -> "báo đen"). XQuAD English, lexical, hit@1 / answer@1 0.878 / 0.722 -> 0.881 / 0.725 at 0.5
# (the same hit@1 at 1.0); 98 answerable seed questions answer@1 0.724 -> 0.735
NAME_WEIGHT = 0.5
# not the first word of a sentence or of a line (a follow-up is asked after its context's lines)
_LATER_CAPITAL = re.compile(r"(?<=[^\s.?!] )[A-Z][\w'’.-]*(?: +[A-Z][\w'’.-]*)*")
_POSSESSIVE = re.compile(r"['’]s?\b")
_CALENDAR = re.compile(ENGLISH_CALENDAR)


@lru_cache(maxsize=4096)
def names_in(text: str) -> tuple[str, ...]:
    """The names of an English question: its runs of capitalised words after the first ("United Nations"),
    without a possessive ending, days and months left out."""
    runs = (" ".join(_CALENDAR.sub(" ", _POSSESSIVE.sub("", run)).split()) for run in _LATER_CAPITAL.findall(text))
    return tuple(run for run in runs if run)


def glossed(text: str) -> tuple[str, ...]:
    """Vietnamese phrases for a question in another language (``qa.glossary``); none for Vietnamese."""
    return translate(text) if detect(text) == "other" else ()


def glossed_groups(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The same phrases, grouped by the English word or term they render (``qa.gloss_cover``)."""
    return translate_groups(text) if detect(text) == "other" else ()


@dataclass(frozen=True)
class QueryInfo:
    text: str  # the question as asked
    diacritics: bool
    context: str | None = None  # earlier turn(s) a follow-up refers to
    new_topic: bool = False  # "what about X?" with an X the context does not have: X is what must be found

    @property
    def combined(self) -> "QueryInfo":
        """Question and context as one query (for evidence and dense encoding)."""
        if not self.context:
            return self
        text = f"{self.context}\n{self.text}"
        return QueryInfo(text, accented(text))

    @property
    def alone(self) -> "QueryInfo":
        """The question without its context."""
        return QueryInfo(self.text, self.diacritics) if self.context else self

    @property
    def language(self) -> QueryLanguage:
        return detect(self.text)

    @property
    def gloss_groups(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        return glossed_groups(self.text)

    @property
    def with_glossary(self) -> str:
        """The question in its own words and, asked in English, in the glossary's Vietnamese after them: what it says
        ("Japan" is "Nhật Bản" in the text, not a new name; "Which general …?" asks a "tướng")."""
        return " ".join([self.text, *(p for _, found in self.gloss_groups for p in found)])


def analyze(question: str, context: str | None = None) -> QueryInfo:
    """Route by language: Vietnamese with diacritics is matched on the accented field first
    ("gặp" is not "gấp"); without them (or another language) only the folded field can match."""
    return QueryInfo(question, accented(question), context or None, bool(context) and starts_topic(question, context))


def lexical_scores(snap: Snapshot, query: QueryInfo) -> np.ndarray:
    """BM25 of the question; for a follow-up, plus the earlier turn's, each scaled to a maximum of 1
    so that neither the question's own rare words nor the context's many words swamp the other."""
    scores = _bm25(snap, query.text, query.diacritics)
    if not query.context:
        return scores
    context = _bm25(snap, query.context, accented(query.context))
    return _unit(scores) + (NEW_TOPIC_CONTEXT_WEIGHT if query.new_topic else CONTEXT_WEIGHT) * _unit(context)


def _bm25(snap: Snapshot, text: str, diacritics: bool) -> np.ndarray:
    scores = snap.lexical.scores(text, diacritics=diacritics)
    gloss = glossed(text)
    if not gloss:
        return scores
    if names := " ".join(names_in(text)):
        scores = scores + NAME_WEIGHT * snap.lexical.scores(names, diacritics=diacritics)
    return scores + GLOSS_WEIGHT * snap.lexical.phrase_scores(gloss)


def _unit(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def first_own(rows: list[int], limit: int | None, counted: np.ndarray | None) -> list[int]:
    """The best ``limit`` rows of articles' own text and the related articles' leads ranked among them
    (``counted``: ``LexicalIndex.counted``): a lead takes no article passage's place."""
    if limit is None or not rows:
        return rows
    if counted is None:
        return rows[:limit]
    return rows[: int(np.searchsorted(np.cumsum(counted[rows]), limit)) + 1]


class Retriever:
    def __init__(self, snapshot: Snapshot, *, fusion: FusionSpec | None = None) -> None:
        self.snapshot = snapshot
        self.fusion = fusion or VARIANTS[DEFAULT]

    def search(self, query: QueryInfo, k: int, mode: Mode, query_vector: np.ndarray | None,
               limit: int | None = None) -> list[Candidate]:
        """The candidate pool, best first (``limit``: only the first ``limit`` of it)."""
        snap = self.snapshot
        if not snap.chunks:
            return []
        lexical = lexical_scores(snap, query)
        pool_size = min(len(snap.chunks), max(POOL_MIN, 4 * k))
        counted = snap.lexical.counted
        if mode == "lexical" or query_vector is None or snap.vectors is None:
            order = top_own_rows(lexical, pool_size if limit is None else min(pool_size, limit), counted)
            order = first_own(order[lexical[order] > 0].tolist(), limit, counted)
            return [Candidate(r, float(lexical[r]), float(lexical[r]), None) for r in order]
        # deeper when related leads are indexed: copies of one lead can fill the nearest neighbours
        dense_k = pool_size if counted is None else min(len(snap.chunks), pool_size + min(snap.lexical.uncounted, 4 * pool_size))
        dense_scores, ids = snap.vectors.search(query_vector[None, :], dense_k)
        dense_rows = first_own([int(r) for r in snap.chunks.rows_for(ids[0]) if r >= 0], pool_size, counted)
        if mode == "dense":
            kept = set(first_own(dense_rows, limit, counted))
            return [Candidate(r, float(s), float(lexical[r]), float(s))
                    for r, s in zip(dense_rows, dense_scores[0]) if r in kept]
        rows = pool(lexical, dense_rows, pool_size, counted)
        dense = self._dense_scores(rows, query_vector)
        whole = query.combined
        coverage = snap.lexical.coverage(whole.text, int(np.argmax(lexical)), diacritics=whole.diacritics)
        fused = fuse(lexical[rows], dense, self.fusion, coverage)
        order = np.argsort(-fused, kind="stable")
        kept = set(first_own([rows[i] for i in order], limit, counted))
        return [Candidate(rows[i], float(fused[i]), float(lexical[rows[i]]), float(dense[i])) for i in order
                if rows[i] in kept]

    def _dense_scores(self, rows: list[int], query_vector: np.ndarray) -> np.ndarray:
        vecs = self.snapshot.vectors.vectors_for(self.snapshot.chunks.chunk_ids[rows])
        return vecs @ query_vector.astype(np.float32)


def _jaccard(a: frozenset, b: frozenset) -> float:
    common = len(a & b)  # |a | b| = |a| + |b| - |a & b|, without building the union
    return common / max(1, len(a) + len(b) - common)


def collapse_near_duplicates(candidates: list[T], texts: Sequence[str], k: int, threshold: float = 0.7,
                             memo: Memo | None = None) -> list[T]:
    """Keep the best of passages whose folded word 3-gram sets overlap by Jaccard >= threshold."""
    kept: list[T] = []
    shingles: list[frozenset[tuple[str, ...]]] = []
    for cand in candidates:
        grams = memo.get(("shingles", cand.row)) if memo is not None else None
        if grams is None:
            toks = words(fold(texts[cand.row]))
            grams = frozenset(tuple(toks[i : i + 3]) for i in range(max(1, len(toks) - 2)))
            if memo is not None:
                memo[("shingles", cand.row)] = grams
        if any(_jaccard(grams, s) >= threshold for s in shingles):
            continue
        kept.append(cand)
        shingles.append(grams)
        if len(kept) == k:
            break
    return kept
