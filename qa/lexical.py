"""BM25 over two token fields (accented and diacritic-folded), each with syllable bigrams.

bm25s does the scoring (sparse matrices, fast at scale); we only decide tokens
and fields. A query with diacritics is matched mainly on the accented field
(``gặp`` must not match ``gấp``); a query without them can only be matched on
the folded field.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import bm25s
import numpy as np

from qa.text import bigrams, fold, split_compounds, words

# Question and function words carry no topic; they are dropped from query unigrams
# (bigrams keep them: "gặp nhau", "bao lâu" are informative pairs).
_STOP_VI = (
    "ai gì nào đâu sao bao nhiêu lâu mấy là của và thì mà có không được đã đang sẽ với cho các những một "
    "này đó kia ấy tại ở trong về như khi nếu hay hoặc bị do vì nên rằng cũng vẫn còn lại hơn rất nhất "
    "nhau thế vậy chăng nhỉ hả"
)
_STOP_EN = (
    "a an the of in on at to for from by with and or but is are was were be been being do does did has have had "
    "who whom whose what which when where why how many much long it its this that these those he she they them his "
    "her their there as about into than then not no yes can could will would should may might shall i you we us our"
)
DOC_WEIGHT = 0.3  # benchmarks: 0.1 -> 0.940, 0.3 -> 0.942, 0.6 -> 0.943 xquad vi hit@1 (lexical)
STOPWORDS = frozenset(_STOP_VI.split()) | frozenset(fold(_STOP_VI).split()) | frozenset(_STOP_EN.split())


def field_tokens(text: str, *, folded: bool) -> list[str]:
    base = words(fold(text) if folded else text)
    return split_compounds(base) + bigrams(base)


@dataclass(frozen=True)
class QueryTerms:
    unigrams: list[str]
    bigrams: list[str]

    @property
    def all(self) -> list[str]:
        return self.unigrams + self.bigrams


def query_terms(query: str, *, folded: bool) -> QueryTerms:
    base = words(fold(query) if folded else query)
    unigrams = [t for t in split_compounds(base) if t not in STOPWORDS]
    pairs = [f"{a}_{b}" for a, b in zip(base, base[1:]) if not (a in STOPWORDS and b in STOPWORDS)]
    return QueryTerms(list(dict.fromkeys(unigrams)), list(dict.fromkeys(pairs)))


class _Field:
    def __init__(self, token_lists: list[list[str]]) -> None:
        self.n = len(token_lists)
        self.sets = [set(t) for t in token_lists]
        self.df: Counter[str] = Counter()
        for s in self.sets:
            self.df.update(s)
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if self.df:  # bm25s cannot index a corpus without a single token
            self.bm25.index(token_lists, show_progress=False)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [t for t in terms if t in self.df]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


class LexicalIndex:
    """BM25 over chunk texts in two fields, plus the term statistics used for evidence.

    Each chunk's score also takes a share of its whole document's score (title
    included): a question names the article's subject ("Tesla") more often than
    the passage does, and the document field says which article, the chunk
    field which passage.
    """

    def __init__(self, texts: list[str], doc_ids: list[str] | None = None, titles: list[str] | None = None,
                 doc_weight: float = DOC_WEIGHT) -> None:
        self.accented = _Field([field_tokens(t, folded=False) for t in texts])
        self.folded = _Field([field_tokens(t, folded=True) for t in texts])
        doc_ids = doc_ids or [str(i) for i in range(len(texts))]
        titles = titles or [""] * len(texts)
        docs: dict[str, list[str]] = {}
        for doc_id, title, text in zip(doc_ids, titles, texts):
            docs.setdefault(doc_id, [title]).append(text)
        order = {d: i for i, d in enumerate(docs)}
        self.doc_of = np.asarray([order[d] for d in doc_ids], dtype=np.int64)
        joined = ["\n".join(parts) for parts in docs.values()]
        self.doc_accented = _Field([field_tokens(t, folded=False) for t in joined])
        self.doc_folded = _Field([field_tokens(t, folded=True) for t in joined])
        self.doc_weight = doc_weight
        self._weight_memo: dict[tuple[str, bool], list] = {}

    def _field_scores(self, chunk: _Field, doc: _Field, terms: list[str]) -> np.ndarray:
        scores = chunk.scores(terms)
        if self.doc_weight and doc.n:
            scores = scores + self.doc_weight * doc.scores(terms)[self.doc_of]
        return scores

    def __len__(self) -> int:
        return self.accented.n

    def scores(self, query: str, *, diacritics: bool, folded_weight: float = 0.3) -> np.ndarray:
        folded = self._field_scores(self.folded, self.doc_folded, query_terms(query, folded=True).all)
        if not diacritics:
            return folded
        accented = self._field_scores(self.accented, self.doc_accented, query_terms(query, folded=False).all)
        return accented + folded_weight * folded

    def coverage(self, query: str, row: int, *, diacritics: bool) -> float:
        """IDF-weighted share of the query's content terms (unigrams and bigrams) found in one chunk."""
        field = self.accented if diacritics else self.folded
        return self.coverage_of(query, field.sets[row] if 0 <= row < field.n else set(), diacritics=diacritics)

    def coverage_of(self, query: str, present: set[str] | frozenset[str], *, diacritics: bool) -> float:
        """The same share for any token set, e.g. one sentence's ``field_tokens``."""
        parts = []
        for weights, total in self._weights(query, diacritics):
            parts.append(sum(w for t, w in weights if t in present) / total)
        return sum(parts) / len(parts) if parts else 0.0

    def _weights(self, query: str, diacritics: bool) -> list[tuple[list[tuple[str, float]], float]]:
        """IDF weights of the query's unigrams and of its bigrams (memoised: asked once per sentence)."""
        key = (query, diacritics)
        cached = self._weight_memo.get(key)
        if cached is None:
            field = self.accented if diacritics else self.folded
            terms = query_terms(query, folded=not diacritics)
            cached = []
            for group in (terms.unigrams, terms.bigrams):
                weights = [(t, field.idf(t)) for t in group]
                total = sum(w for _, w in weights)
                if weights and total:
                    cached.append((weights, total))
                elif weights:
                    cached.append((weights, 1.0))
            if len(self._weight_memo) > 4096:
                self._weight_memo.clear()
            self._weight_memo[key] = cached
        return cached
