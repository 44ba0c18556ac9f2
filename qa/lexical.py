"""BM25 over two token fields (accented and diacritic-folded), each with syllable bigrams.

bm25s does the scoring (sparse matrices, fast at scale); we only decide tokens
and fields. A query with diacritics is matched mainly on the accented field
(``gặp`` must not match ``gấp``); a query without them can only be matched on
the folded field.
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import BinaryIO

import bm25s
import numpy as np

from qa import containers
from qa.bm25_build import CorpusTokenizer, FieldBuilder, Vocabulary, bm25_index
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
ROW_TOKEN_CACHE = 4096  # chunks whose token sets stay cached (a few KB each)
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
    """One bm25s index: BM25 scores of query terms, and each term's document frequency for IDF weights."""

    def __init__(self, bm25: bm25s.BM25) -> None:
        self.bm25 = bm25
        self.vocab: dict[str, int] = bm25.vocab_dict
        self.indptr = bm25.scores["indptr"]
        self.n = int(bm25.scores["num_docs"])

    def df(self, term: str) -> int:
        i = self.vocab.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def idf(self, term: str) -> float:
        df = self.df(term)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, terms: list[str]) -> np.ndarray:
        known = [self.vocab[t] for t in terms if t in self.vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.bm25.get_scores_from_ids(known), dtype=np.float32)


_FIELDS = ("chunk-accented", "chunk-folded", "doc-accented", "doc-folded")
FORMAT = 1  # bump when tokens, scoring or the file layout change: a file of another format is rebuilt, not read


class LexicalIndex:
    """BM25 over chunk texts in two fields, plus the term statistics used for evidence.

    Each chunk's score also takes a share of its whole document's score (title
    included): a question names the article's subject ("Tesla") more often than
    the passage does, and the document field says which article, the chunk
    field which passage. Built in memory (``LexicalIndex(texts, ...)``) or
    loaded memory-mapped from the file ``save`` wrote (``LexicalIndex.load``).
    """

    def __init__(self, texts: Sequence[str], doc_ids: list[str] | None = None, titles: list[str] | None = None,
                 doc_weight: float = DOC_WEIGHT) -> None:
        doc_ids = doc_ids or [str(i) for i in range(len(texts))]
        titles = titles or [""] * len(texts)
        tokenizer = CorpusTokenizer()
        fields = [FieldBuilder(Vocabulary()), FieldBuilder(Vocabulary())]
        for text in texts:
            for builder, tokens in zip(fields, tokenizer.tokens(text)):
                builder.add(builder.vocab.encode(tokens))
        order: dict[str, int] = {}
        doc_title: list[str] = []
        for doc_id, title in zip(doc_ids, titles):
            if doc_id not in order:
                order[doc_id] = len(order)
                doc_title.append(title)
        doc_of = np.asarray([order[d] for d in doc_ids], dtype=np.int64)
        title_tokens = [tokenizer.tokens(t) for t in doc_title]
        docs = [f.grouped(doc_of, len(order)) for f in fields]
        for k, builder in enumerate(docs):
            builder.prepend([builder.vocab.encode(t[k]) for t in title_tokens])
        self._setup(texts, doc_of, doc_weight, [_Field(b.bm25()) for b in (*fields, *docs)])

    def _setup(self, texts: Sequence[str], doc_of: np.ndarray, doc_weight: float, fields: list[_Field]) -> None:
        self.texts = texts
        self.doc_of = doc_of
        self.doc_weight = doc_weight
        self.accented, self.folded, self.doc_accented, self.doc_folded = fields
        self._weight_memo: dict[tuple[str, bool], list] = {}
        # token sets of recently scored chunks (the top passage of each question): bounded, thread-safe
        self._row_tokens = lru_cache(maxsize=ROW_TOKEN_CACHE)(self._tokens_of_row)

    def save(self, out: BinaryIO) -> None:
        """Write the index as one file: the score arrays of the four fields, vocabularies and layout in a header."""
        fields = (self.accented, self.folded, self.doc_accented, self.doc_folded)
        arrays = {"doc_of": self.doc_of}
        for name, f in zip(_FIELDS, fields):
            for part in ("data", "indices", "indptr"):
                arrays[f"{name}/{part}"] = np.ascontiguousarray(f.bm25.scores[part])
        meta = {"format": FORMAT, "chunks": len(self), "doc_weight": self.doc_weight,
                "num_docs": {name: f.n for name, f in zip(_FIELDS, fields)},
                "vocab": {"accented": list(self.accented.vocab), "folded": list(self.folded.vocab)}}
        containers.write_arrays(out, meta, arrays)

    @classmethod
    def load(cls, path: Path, texts: Sequence[str]) -> "LexicalIndex":
        """Open what ``save`` wrote; the score arrays are memory-mapped, so RAM holds little beyond the vocabularies.

        Raises ``ValueError`` when the file is not such an index, or holds another format or number of chunks.
        """
        meta, arrays = containers.read_arrays(path)
        if meta.get("format") != FORMAT or meta.get("chunks") != len(texts):
            raise ValueError(f"{path}: format {meta.get('format')} for {meta.get('chunks')} chunks, "
                             f"expected format {FORMAT} for {len(texts)}")
        vocabs = {kind: {t: i for i, t in enumerate(meta["vocab"][kind])} for kind in ("accented", "folded")}
        fields = []
        for name in _FIELDS:
            scores = {part: arrays[f"{name}/{part}"] for part in ("data", "indices", "indptr")}
            scores["num_docs"] = int(meta["num_docs"][name])
            fields.append(_Field(bm25_index(scores, vocabs[name.split("-")[1]])))
        index = cls.__new__(cls)
        index._setup(texts, arrays["doc_of"], float(meta["doc_weight"]), fields)
        return index

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
        present = self._row_tokens(row, not diacritics) if 0 <= row < len(self.texts) else frozenset()
        return self.coverage_scorer(query, diacritics=diacritics)(present)

    def _tokens_of_row(self, row: int, folded: bool) -> frozenset[str]:
        return frozenset(field_tokens(self.texts[row], folded=folded))

    def coverage_scorer(self, query: str, *, diacritics: bool) -> Callable[[set[str] | frozenset[str]], float]:
        """The same share for any token set (e.g. each sentence's ``field_tokens``), with the query's
        weights looked up once for scoring many sets."""
        groups = self._weights(query, diacritics)
        if not groups:
            return lambda present: 0.0
        n = len(groups)

        def score(present: set[str] | frozenset[str]) -> float:
            return sum([sum(map(weights.__getitem__, present.intersection(weights))) / total
                        for weights, total in groups]) / n

        return score

    def _weights(self, query: str, diacritics: bool) -> list[tuple[dict[str, float], float]]:
        """IDF weights of the query's unigrams and of its bigrams (memoised: asked once per sentence)."""
        key = (query, diacritics)
        cached = self._weight_memo.get(key)
        if cached is None:
            field = self.accented if diacritics else self.folded
            terms = query_terms(query, folded=not diacritics)
            cached = []
            for group in (terms.unigrams, terms.bigrams):
                weights = {t: field.idf(t) for t in group}  # query_terms lists each term once
                total = sum(weights.values())
                if weights and total:
                    cached.append((weights, total))
                elif weights:
                    cached.append((weights, 1.0))
            if len(self._weight_memo) > 4096:
                self._weight_memo.clear()
            self._weight_memo[key] = cached
        return cached
