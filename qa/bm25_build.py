"""Build the BM25 fields of a corpus in one tokenising pass and a few numpy sorts.

bm25s builds its index with Python loops over every token of every document
(a set intersection and a Counter per document), which took 14 s for 10,000
chunks in our four fields. Its documented extension point is the score matrix
(``BM25.scores``: a CSC matrix of precomputed per-(term, document) scores) plus
the vocabulary, so we compute exactly that matrix here, vectorised, and hand it
to ``bm25s.BM25``, which still does query scoring, saving and memory-mapped
loading. ``tests/test_lexical_store.py`` checks the scores equal bm25s's own build.

Each chunk is tokenised once: its syllables are folded through a per-word cache
(a corpus has far fewer distinct words than tokens), and the document-level
fields sum their chunks' term counts instead of tokenising the joined text again.

The scores are built from term counts, and the counts can be recovered from the
scores (``counts_from_scores``): a write that adds or removes a few documents
tokenises only the new chunks and recomputes the statistics (IDF, average length)
over the whole corpus, giving the same scores as a full build.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import bm25s
import numpy as np
import scipy.sparse as sp

from qa.text import fold, words

K1, B = 1.2, 0.75
_BLOCK = 20_000  # documents per vectorised counting block (bounds the temporary arrays)
_COMPOUND = re.compile(r"[-'’.]")


@dataclass
class Vocabulary:
    """Token -> id, shared by a chunk field and its document field."""

    ids: dict[str, int] = field(default_factory=dict)

    def encode(self, tokens: list[str]) -> np.ndarray:
        ids = self.ids
        for token in set(tokens).difference(ids):
            ids[token] = len(ids)
        return np.fromiter(map(ids.__getitem__, tokens), dtype=np.int32, count=len(tokens))


class CorpusTokenizer:
    """``field_tokens`` for many texts: unigrams (compound parts included) and bigrams, accented and folded."""

    def __init__(self) -> None:
        self._folded: dict[str, str] = {}
        self._parts: dict[str, tuple[str, ...]] = {}

    def fold_word(self, word: str) -> str:
        out = self._folded.get(word)
        if out is None:
            out = self._folded[word] = fold(word)
        return out

    def _unigrams(self, base: list[str]) -> list[str]:
        out: list[str] = []
        parts = self._parts
        for tok in base:
            extra = parts.get(tok)
            if extra is None:
                extra = parts[tok] = tuple(p for p in _COMPOUND.split(tok) if p) if _COMPOUND.search(tok) else ()
            out.append(tok)
            out.extend(extra)
        return out

    def tokens(self, text: str) -> tuple[list[str], list[str]]:
        """(accented, folded) token lists of one text, equal to ``field_tokens(text, folded=False/True)``."""
        base = words(text)
        folded = [self.fold_word(w) for w in base]
        return ([*self._unigrams(base), *(f"{a}_{b}" for a, b in zip(base, base[1:]))],
                [*self._unigrams(folded), *(f"{a}_{b}" for a, b in zip(folded, folded[1:]))])


def bm25_index(scores: dict[str, object], vocab: dict[str, int]) -> bm25s.BM25:
    """A bm25s index scoring with a given score matrix (built here, or memory-mapped from a file)."""
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.scores = scores
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = None  # only bm25s.retrieve() reads it; we score with get_scores_from_ids()
    retriever.nonoccurrence_array = None  # Lucene BM25 has no score for absent terms
    return retriever


def count_matrix(docs: list[np.ndarray], n_vocab: int) -> sp.csr_matrix:
    """Term counts: row i, column t = occurrences of token t in document i (float32, whole numbers).

    Counted a block of documents at a time (each document's distinct tokens by one
    ``np.unique`` of (document, token) keys): about 16 bytes per token at the peak.
    """
    n_docs = len(docs)
    width = max(n_vocab, 1)
    tok_parts, tf_parts = [], []
    per_doc = np.zeros(n_docs, dtype=np.int64)
    for start in range(0, n_docs, _BLOCK):
        block = docs[start:start + _BLOCK]
        sizes = np.fromiter((len(d) for d in block), dtype=np.int64, count=len(block))
        if not sizes.sum():
            continue
        keys = np.repeat(np.arange(len(block), dtype=np.int64), sizes) * width
        keys += np.concatenate(block)
        unique, counts = np.unique(keys, return_counts=True)  # sorted: by document, then token
        local = unique // width
        per_doc[start:start + len(block)] = np.bincount(local, minlength=len(block))
        tok_parts.append((unique - local * width).astype(np.int32))
        tf_parts.append(counts.astype(np.float32))
        del keys, unique, counts, local
    tok = np.concatenate(tok_parts) if tok_parts else np.zeros(0, dtype=np.int32)
    tf = np.concatenate(tf_parts) if tf_parts else np.zeros(0, dtype=np.float32)
    del tok_parts, tf_parts
    row_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(per_doc, out=row_ptr[1:])
    return sp.csr_matrix((tf, tok, row_ptr), shape=(n_docs, n_vocab))


def lengths_of(counts: sp.csr_matrix) -> np.ndarray:
    """Each document's length in tokens (its counts summed), float32 as BM25's length norm uses it."""
    return np.asarray(counts.sum(axis=1), dtype=np.float64).ravel().astype(np.float32)


def _norm(lengths: np.ndarray, counted: np.ndarray | None = None) -> np.ndarray:
    """k1 * (1 - b + b * length / average length): the tf component's denominator term per document; the
    average over the ``counted`` documents only when given."""
    sample = lengths if counted is None else lengths[counted]
    avg = float(sample.mean()) if len(sample) else 0.0
    return (K1 * (1 - B + B * lengths / avg)).astype(np.float32) if avg else np.ones(len(lengths), dtype=np.float32)


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    return np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)


def counted_stats(counts: sp.csr_matrix, counted: np.ndarray | None) -> tuple[np.ndarray, int]:
    """(document frequency of each token, number of documents) over the ``counted`` rows (all when None).

    Rows not counted are scored with the others' statistics but do not shape them: a related article's lead
    on an article's page is searchable without changing any article passage's score."""
    tok = counts.indices
    if counted is None:
        return np.bincount(tok, minlength=counts.shape[1]), counts.shape[0]
    keep = np.repeat(counted, np.diff(counts.indptr))
    return np.bincount(tok[keep], minlength=counts.shape[1]), int(counted.sum())


def scores_from_counts(counts: sp.csr_matrix, lengths: np.ndarray, counted: np.ndarray | None = None
                       ) -> dict[str, object]:
    """bm25s's CSC score matrix: column t holds (document, idf(t) * tf / (tf + norm)) for documents containing t
    (Lucene BM25), transposed from the counts by scipy's CSR -> CSC conversion; ``lengths``: ``lengths_of(counts)``;
    ``counted``: the rows whose statistics (IDF, average length) every row is scored with (``counted_stats``)."""
    n_docs, n_vocab = counts.shape
    tf = counts.data.astype(np.float32, copy=False)
    data = tf / (tf + np.repeat(_norm(lengths, counted), np.diff(counts.indptr)))
    tok = counts.indices
    data *= _idf(*counted_stats(counts, counted))[tok]
    csc = sp.csr_matrix((data, tok, counts.indptr), shape=(n_docs, n_vocab)).tocsc()
    del data
    csc.sort_indices()  # each column's documents in ascending order (tocsc already yields them so)
    return {"data": csc.data.astype(np.float32, copy=False), "indices": csc.indices.astype(np.int32, copy=False),
            "indptr": csc.indptr.astype(np.int64, copy=False), "num_docs": n_docs}


def counts_from_scores(scores: dict[str, object], lengths: np.ndarray, block: int = 1 << 24,
                       counted: np.ndarray | None = None, df: np.ndarray | None = None) -> sp.csc_matrix | None:
    # ``counted`` / ``df``: the rows that made the statistics and their document frequencies, as ``LexicalIndex.save``
    # stores them (a mask without them cannot be inverted: None)
    """The term counts a saved score matrix was built from, given its documents' lengths: the inverse of
    ``scores_from_counts`` (x = score / idf = tf / (tf + norm), so tf = x * norm / (1 - x), rounded).

    None when they do not come back as whole numbers summing to ``lengths`` (a file these lengths do not
    belong to): the caller then tokenises everything again.
    """
    data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
    n_docs = int(scores["num_docs"])
    if len(lengths) != n_docs:
        return None
    if counted is None:
        idf = _idf(np.diff(indptr), n_docs).astype(np.float64)
    else:  # the statistics it was scored with: those of the counted rows, saved beside them (``df``)
        if len(counted) != n_docs or df is None or len(df) != len(indptr) - 1:
            return None
        idf = _idf(df, int(counted.sum())).astype(np.float64)
    norm = _norm(np.asarray(lengths, dtype=np.float32), counted).astype(np.float64)
    tf = np.empty(len(data), dtype=np.float32)
    for lo in range(0, len(data), block):  # a block of entries at a time: temporaries stay small
        hi = min(lo + block, len(data))
        term = np.searchsorted(indptr, np.arange(lo, hi), side="right") - 1  # the column of each entry
        x = data[lo:hi].astype(np.float64) / idf[term]
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = x * norm[indices[lo:hi]] / (1.0 - x)
        whole = np.rint(raw)
        if not (np.all(whole >= 1) and np.all(np.abs(raw - whole) < 0.01)):
            return None
        tf[lo:hi] = whole
    if not np.array_equal(np.bincount(indices, weights=tf, minlength=n_docs), np.asarray(lengths, dtype=np.float64)):
        return None
    return sp.csc_matrix((tf, np.asarray(indices), np.asarray(indptr)), shape=(n_docs, len(indptr) - 1))


def mask(counted: Sequence[bool] | None) -> np.ndarray | None:
    """The rows that make the statistics, or None when all do (no mask is stored)."""
    if counted is None:
        return None
    mask = np.asarray(counted, dtype=bool)
    return None if mask.all() else mask


def widen(counts: sp.csr_matrix, width: int) -> sp.csr_matrix:
    """The same rows over a vocabulary grown to ``width`` tokens (new tokens are appended, so columns keep their ids)."""
    if counts.shape[1] == width:
        return counts
    return sp.csr_matrix((counts.data, counts.indices, counts.indptr), shape=(counts.shape[0], width))


class Field:
    """One bm25s index: BM25 scores of query terms, and each term's document frequency for IDF weights."""

    def __init__(self, bm25: bm25s.BM25, counted: tuple[np.ndarray, int] | None = None) -> None:
        """``counted``: (document frequencies, number of documents) when only some rows make the statistics."""
        self.bm25 = bm25
        self.vocab: dict[str, int] = bm25.vocab_dict
        self.indptr = bm25.scores["indptr"]
        self.n = int(bm25.scores["num_docs"])  # rows scored
        self.counted = counted

    def df(self, term: str) -> int:
        i = self.vocab.get(term)
        if i is None:
            return 0
        return int(self.counted[0][i]) if self.counted else int(self.indptr[i + 1] - self.indptr[i])

    def occurs(self, term: str) -> bool:
        """Whether any row holds ``term``, the page's other text (a footer, a related lead) included."""
        i = self.vocab.get(term)
        return i is not None and int(self.indptr[i + 1] - self.indptr[i]) > 0

    def idf(self, term: str) -> float:
        df = self.df(term)
        n = self.counted[1] if self.counted else self.n
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [self.vocab[t] for t in terms if t in self.vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(known), dtype=np.float32)
