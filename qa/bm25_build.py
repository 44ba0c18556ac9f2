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
fields reuse the chunk token ids instead of tokenising the joined text again.
"""

from __future__ import annotations

import re
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


@dataclass
class FieldBuilder:
    """Token ids of each document of one field, collected before the score matrix is built."""

    vocab: Vocabulary
    docs: list[np.ndarray] = field(default_factory=list)

    def add(self, token_ids: np.ndarray) -> None:
        self.docs.append(token_ids)

    def grouped(self, groups: np.ndarray, n_groups: int) -> "FieldBuilder":
        """A field whose document g holds the tokens of every document i with groups[i] == g, in order."""
        members: list[list[np.ndarray]] = [[] for _ in range(n_groups)]
        for g, ids in zip(groups.tolist(), self.docs):
            members[g].append(ids)
        out = FieldBuilder(self.vocab)
        out.docs = [np.concatenate(m) if m else np.zeros(0, dtype=np.int32) for m in members]
        return out

    def prepend(self, extra: list[np.ndarray]) -> None:
        """Put ``extra[i]`` (e.g. the title's tokens) in front of document i."""
        self.docs = [np.concatenate([e, d]) for e, d in zip(extra, self.docs)]

    def bm25(self) -> bm25s.BM25:
        """A bm25s index (Lucene BM25, k1=1.2, b=0.75) with this field's scores and vocabulary."""
        return bm25_index(score_matrix(self.docs, len(self.vocab.ids)), self.vocab.ids)


def bm25_index(scores: dict[str, object], vocab: dict[str, int]) -> bm25s.BM25:
    """A bm25s index scoring with a given score matrix (built here, or memory-mapped from a file)."""
    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.scores = scores
    retriever.vocab_dict = vocab
    retriever.unique_token_ids_set = None  # only bm25s.retrieve() reads it; we score with get_scores_from_ids()
    retriever.nonoccurrence_array = None  # Lucene BM25 has no score for absent terms
    return retriever


def score_matrix(docs: list[np.ndarray], n_vocab: int) -> dict[str, object]:
    """bm25s's CSC score matrix: column t holds (document, idf(t) * tf-component) for documents containing t.

    Built row by row (each document's distinct tokens and their term-frequency
    component, a block of documents at a time), then transposed by scipy's
    CSR -> CSC conversion: about 16 bytes per (document, token) pair at the peak.
    """
    n_docs = len(docs)
    width = max(n_vocab, 1)
    lengths = np.fromiter((len(d) for d in docs), dtype=np.float32, count=n_docs)
    avg = float(lengths.mean()) if n_docs else 0.0
    norm = (K1 * (1 - B + B * lengths / avg)).astype(np.float32) if avg else np.ones(n_docs, dtype=np.float32)
    tok_parts, tfc_parts = [], []
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
        tf = counts.astype(np.float32)
        tok_parts.append((unique - local * width).astype(np.int32))
        tfc_parts.append(tf / (tf + norm[local + start]))
        del keys, unique, counts, local, tf
    tok = np.concatenate(tok_parts) if tok_parts else np.zeros(0, dtype=np.int32)
    del tok_parts
    data = np.concatenate(tfc_parts) if tfc_parts else np.zeros(0, dtype=np.float32)
    del tfc_parts
    df = np.bincount(tok, minlength=n_vocab)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    data *= idf[tok]
    row_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(per_doc, out=row_ptr[1:])
    csc = sp.csr_matrix((data, tok, row_ptr), shape=(n_docs, n_vocab)).tocsc()
    del data, tok
    csc.sort_indices()  # each column's documents in ascending order (tocsc already yields them so)
    return {"data": csc.data.astype(np.float32, copy=False), "indices": csc.indices.astype(np.int32, copy=False),
            "indptr": csc.indptr.astype(np.int64, copy=False), "num_docs": n_docs}
