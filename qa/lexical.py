"""BM25 over two token fields (accented and diacritic-folded), each with syllable bigrams.

bm25s does the scoring (sparse matrices, fast at scale); we only decide tokens
and fields. A query with diacritics is matched mainly on the accented field
(``gặp`` must not match ``gấp``); a query without them can only be matched on
the folded field.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

import numpy as np
import scipy.sparse as sp

from qa import containers, synonyms
from qa.bm25_build import (CorpusTokenizer, Field as _Field, Vocabulary, bm25_index, count_matrix, counted_stats,
                           counts_from_scores, lengths_of, mask as _mask, scores_from_counts, widen as _widen)
from qa.text import bigrams, fold, split_compounds, words
from qa.asking import without_asking_words
from qa.stopwords import ASKING_HEADS, ASKING_HEADS_FOLDED, STOPWORDS

ROW_TOKEN_CACHE = 4096  # chunks whose token sets stay cached (a few KB each)
DOC_WEIGHT = 0.3  # benchmarks: 0.1 -> 0.940, 0.3 -> 0.942, 0.6 -> 0.943 xquad vi hit@1 (lexical)


def field_tokens(text: str, *, folded: bool) -> list[str]:
    base = words(fold(text) if folded else text)
    return split_compounds(base) + bigrams(base)


@dataclass(frozen=True)
class QueryTerms:
    unigrams: tuple[str, ...]
    bigrams: tuple[str, ...]

    @property
    def all(self) -> list[str]:
        return [*self.unigrams, *self.bigrams]


def _counts(texts: Sequence[str], rows: Sequence[int], tokenizer: CorpusTokenizer,
            vocabs: tuple[Vocabulary, Vocabulary]) -> list[sp.csr_matrix]:
    """Term counts of ``texts[rows]`` in the accented and the folded field (each text tokenised once)."""
    ids: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    for i in rows:
        for k, tokens in enumerate(tokenizer.tokens(texts[i])):
            ids[k].append(vocabs[k].encode(tokens))
    return [count_matrix(ids[k], len(vocabs[k].ids)) for k in (0, 1)]


_POSSESSIVE = re.compile(r"['’]s$")


@lru_cache(maxsize=4096)  # a question's terms are asked for by each stage that weighs it
def query_terms(query: str, *, folded: bool) -> QueryTerms:
    # an English possessive is its noun: "Newcastle's" asks for "newcastle", not for a token "s"
    query = without_asking_words(query)  # "giữ chức vụ gì", "bài báo ... đăng ngày nào" are in no answer
    base = [_POSSESSIVE.sub("", w) or w for w in words(fold(query) if folded else query)]
    heads = ASKING_HEADS_FOLDED if folded else ASKING_HEADS
    # "điều" of "điều gì" asks (what thing); "điều kiện", "điều tra" do not
    topical = [w for w, after in zip(base, [*base[1:], ""]) if (w, after) not in heads]
    unigrams = [t for t in split_compounds(topical) if t not in STOPWORDS]
    pairs = _pairs(base)
    return QueryTerms(tuple(dict.fromkeys(unigrams)), tuple(dict.fromkeys(pairs)))


def _pairs(base: list[str]) -> list[str]:
    """A question's word pairs, as the index writes them ("a_b"), but two stopwords. (A pair with a title of address,
    "ông_dương", stays: without them the held-out conversations lost a turn; an office question leaves the title out
    whole, ``qa.titles``.)"""
    return [f"{a}_{b}" for a, b in zip(base, base[1:]) if not (a in STOPWORDS and b in STOPWORDS)]


def phrase_terms(phrases: Sequence[str]) -> QueryTerms:
    """Terms of separate phrases (``qa.glossary.translate``): each one's words and word pairs, never a
    pair across two phrases ("điểm" then "phòng thủ" is not "điểm_phòng")."""
    unigrams: list[str] = []
    pairs: list[str] = []
    for phrase in phrases:
        base = words(phrase)
        unigrams += [t for t in split_compounds(base) if t not in STOPWORDS]
        pairs += _pairs(base)
    return QueryTerms(tuple(dict.fromkeys(unigrams)), tuple(dict.fromkeys(pairs)))


_FIELDS = ("chunk-accented", "chunk-folded", "doc-accented", "doc-folded")
_CHUNK_FIELDS = _FIELDS[:2]  # their counts are carried over; the document fields are sums of them
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
                 doc_weight: float = DOC_WEIGHT, chunk_ids: Sequence[int] | None = None,
                 counted: Sequence[bool] | None = None) -> None:
        """``counted``: per chunk, whether it is its article's own text (None: all are). The others (related
        articles' leads on the page) are searchable but shape neither IDF, average length nor the document field."""
        tokenizer = CorpusTokenizer()
        vocabs = (Vocabulary(), Vocabulary())
        counts = _counts(texts, range(len(texts)), tokenizer, vocabs)
        self._build(texts, doc_ids, titles, doc_weight, chunk_ids, tokenizer, vocabs, counts, _mask(counted))

    @classmethod
    def updated(cls, previous: Path, texts: Sequence[str], doc_ids: list[str], titles: list[str],
                chunk_ids: Sequence[int], doc_weight: float = DOC_WEIGHT,
                counted: Sequence[bool] | None = None) -> "LexicalIndex | None":
        """The index of this corpus, built from the file of the previous generation: chunks it already
        holds (by chunk id: ids are never reused and a chunk's text never changes) get their term counts
        back from its scores, only the others are tokenised; IDF and average lengths are recomputed over
        the whole corpus, so the scores equal a full build's. ``.reused`` counts the chunks carried over.

        None when the file cannot serve so (written before it recorded chunk ids, another format, counts
        that do not come back whole): build from scratch then."""
        meta, arrays = containers.read_arrays(previous)
        old_ids = arrays.get("chunk_ids")
        if (meta.get("format") != FORMAT or old_ids is None or len(old_ids) != meta.get("chunks")
                or any(f"{name}/lengths" not in arrays for name in _CHUNK_FIELDS)
                or (len(old_ids) > 1 and not np.all(np.diff(old_ids) > 0))):
            return None
        new_ids = np.asarray(chunk_ids, dtype=np.int64)
        if len(old_ids):
            pos = np.minimum(np.searchsorted(old_ids, new_ids), len(old_ids) - 1)
            kept = old_ids[pos] == new_ids
        else:
            pos, kept = np.zeros(len(new_ids), dtype=np.int64), np.zeros(len(new_ids), dtype=bool)
        new_rows = np.flatnonzero(~kept)
        vocabs = tuple(Vocabulary({t: i for i, t in enumerate(meta["vocab"][kind])}) for kind in ("accented", "folded"))
        tokenizer = CorpusTokenizer()
        fresh = _counts(texts, new_rows, tokenizer, vocabs)
        # the corpus's row r is row take[r] of [previous file's rows; new rows]
        take = np.where(kept, pos, len(old_ids) + np.cumsum(~kept) - 1)
        counts = []
        old_counted = arrays.get("counted")
        for k, name in enumerate(_CHUNK_FIELDS):
            scores = {part: arrays[f"{name}/{part}"] for part in ("data", "indices", "indptr")}
            old = counts_from_scores(scores | {"num_docs": meta["num_docs"][name]}, arrays[f"{name}/lengths"],
                                     counted=None if old_counted is None else np.asarray(old_counted, dtype=bool),
                                     df=arrays.get(f"{name}/df"))
            if old is None:
                return None
            width = len(vocabs[k].ids)
            stacked = sp.vstack([_widen(old.tocsr(), width), _widen(fresh[k], width)], format="csr")
            del old
            counts.append(stacked if np.array_equal(take, np.arange(len(stacked.indptr) - 1)) else stacked[take])
        index = cls.__new__(cls)
        index._build(texts, doc_ids, titles, doc_weight, new_ids, tokenizer, vocabs, counts, _mask(counted))
        index.reused = int(kept.sum())
        return index

    def _build(self, texts: Sequence[str], doc_ids: list[str] | None, titles: list[str] | None, doc_weight: float,
               chunk_ids: Sequence[int] | None, tokenizer: CorpusTokenizer, vocabs: tuple[Vocabulary, Vocabulary],
               counts: list[sp.csr_matrix], counted: np.ndarray | None = None) -> None:
        """The four fields from the chunks' term counts: a document's counts are its (counted) chunks' summed, plus
        its title's."""
        doc_ids = doc_ids or [str(i) for i in range(len(texts))]
        titles = titles or [""] * len(texts)
        order: dict[str, int] = {}
        doc_title: list[str] = []
        for doc_id, title in zip(doc_ids, titles):
            if doc_id not in order:
                order[doc_id] = len(order)
                doc_title.append(title)
        doc_of = np.asarray([order[d] for d in doc_ids], dtype=np.int64)
        title_tokens = [tokenizer.tokens(t) for t in doc_title]
        title_ids = [[vocabs[k].encode(t[k]) for t in title_tokens] for k in (0, 1)]
        n = len(texts)
        weight = np.ones(n, dtype=np.float32) if counted is None else counted.astype(np.float32)
        group = sp.csr_matrix((weight, (doc_of, np.arange(n))), shape=(len(order), n))
        chunk_counts = [_widen(counts[k], len(vocabs[k].ids)) for k in (0, 1)]
        doc_counts = [group @ chunk_counts[k] + count_matrix(title_ids[k], len(vocabs[k].ids)) for k in (0, 1)]
        fields, lengths = [], {}
        for name, matrix, vocab in zip(_FIELDS, (*chunk_counts, *doc_counts), (*vocabs, *vocabs)):
            lengths[name] = lengths_of(matrix)
            mask = counted if name in _CHUNK_FIELDS else None
            stats = counted_stats(matrix, mask) if mask is not None else None
            fields.append(_Field(bm25_index(scores_from_counts(matrix, lengths[name], mask), vocab.ids), stats))
        self._setup(texts, doc_of, doc_weight, fields, {name: lengths[name] for name in _CHUNK_FIELDS},
                    None if chunk_ids is None else np.asarray(chunk_ids, dtype=np.int64), counted)

    def _setup(self, texts: Sequence[str], doc_of: np.ndarray, doc_weight: float, fields: list[_Field],
               lengths: dict[str, np.ndarray], chunk_ids: np.ndarray | None, counted: np.ndarray | None = None) -> None:
        self.texts = texts
        self.counted = counted  # None: every chunk is its article's own text
        self.uncounted = 0 if counted is None else int((~counted).sum())  # related articles' leads
        self.lengths = lengths  # the chunk fields' lengths (saved: they let the next write reuse the counts)
        self.chunk_ids = chunk_ids
        self.reused = 0
        self.doc_of = doc_of
        self.doc_weight = doc_weight
        self.accented, self.folded, self.doc_accented, self.doc_folded = fields
        self._weight_memo: dict[tuple, Any] = {}  # see ``memo``
        # token sets of recently scored chunks (the top passage of each question): bounded, thread-safe
        self._row_tokens = lru_cache(maxsize=ROW_TOKEN_CACHE)(self._tokens_of_row)

    def save(self, out: BinaryIO) -> None:
        """Write the index as one file: the score arrays of the four fields, vocabularies and layout in a header."""
        fields = (self.accented, self.folded, self.doc_accented, self.doc_folded)
        arrays = {"doc_of": self.doc_of}
        if self.chunk_ids is not None:
            arrays["chunk_ids"] = self.chunk_ids
        for name, f in zip(_FIELDS, fields):
            for part in ("data", "indices", "indptr"):
                arrays[f"{name}/{part}"] = np.ascontiguousarray(f.bm25.scores[part])
        arrays |= {f"{name}/lengths": lengths for name, lengths in self.lengths.items()}
        if self.counted is not None:
            arrays["counted"] = self.counted.astype(np.uint8)
            arrays |= {f"{name}/df": f.counted[0].astype(np.int64) for name, f in zip(_FIELDS, fields) if f.counted}
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
        counted = np.asarray(arrays["counted"], dtype=bool) if "counted" in arrays else None
        for name in _FIELDS:
            scores = {part: arrays[f"{name}/{part}"] for part in ("data", "indices", "indptr")}
            scores["num_docs"] = int(meta["num_docs"][name])
            stats = (arrays[f"{name}/df"], int(counted.sum())) if counted is not None and f"{name}/df" in arrays else None
            fields.append(_Field(bm25_index(scores, vocabs[name.split("-")[1]]), stats))
        index = cls.__new__(cls)
        lengths = {name: arrays[f"{name}/lengths"] for name in _CHUNK_FIELDS if f"{name}/lengths" in arrays}
        index._setup(texts, arrays["doc_of"], float(meta["doc_weight"]), fields, lengths, arrays.get("chunk_ids"),
                     counted)
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

    def phrase_scores(self, phrases: Sequence[str]) -> np.ndarray:
        """BM25 of accented phrases scored as one query (see ``phrase_terms``), on the accented fields."""
        return self._field_scores(self.accented, self.doc_accented, phrase_terms(phrases).all)

    def coverage(self, query: str, row: int, *, diacritics: bool, compounds: frozenset[str] = frozenset()) -> float:
        """IDF-weighted share of the query's content terms (unigrams and bigrams) found in one chunk. With
        ``compounds`` (word pairs "a_b", as the field writes them): the syllables of a compound the question
        has and the chunk lacks count as absent ("thời tiết" is not in "thời điểm ... tiết lộ")."""
        present = self.present(row, folded=not diacritics)
        if compounds:
            pairs = self.memo((query, diacritics, "pairs"), lambda: query_terms(query, folded=not diacritics).bigrams)
            lacking = {s for pair in pairs if pair in compounds and pair not in present for s in pair.split("_")}
            if lacking:  # most questions: every compound of theirs the passage has, or none it has apart
                present = present - (lacking - {s for pair in pairs if pair in present for s in pair.split("_")})
        return self.coverage_scorer(query, diacritics=diacritics)(present)

    def foreign_coverage(self, query: str, row: int) -> float:
        """``coverage`` of a question in another language (English) in one chunk: a word counts where the
        chunk has it as written ("Rome"), or with its accents dropped only inside a pair of the question's
        words the chunk also has ("Ho Chi Minh" in "Hồ Chí Minh"). Alone, a word that is a Vietnamese
        syllable once unaccented ("pho" in "đối phó") is chance, not evidence."""
        groups = self.memo((query, "foreign"), lambda: self._foreign_weights(query))
        if not 0 <= row < len(self.texts):
            return 0.0
        folded, written = self._row_tokens(row, True), self._row_tokens(row, False)
        shares = []
        pairs = [t for group in groups[1] for t in group[0] if t in folded]
        if groups[0]:
            (weights, total), = groups[0]
            paired = {w for pair in pairs for w in pair.split("_")}
            shares.append(sum(w for t, w in weights.items() if t in written or (t in paired and t in folded)) / total)
        if groups[1]:
            (weights, total), = groups[1]
            shares.append(sum(weights[t] for t in pairs) / total)
        return sum(shares) / len(shares) if shares else 0.0

    def _foreign_weights(self, query: str) -> list[list[tuple[dict[str, float], float]]]:
        """The folded weights of an English question's words and of its word pairs, as two separate groups."""
        terms = query_terms(query, folded=True)
        return [self._group_weights(QueryTerms(terms.unigrams, ()), self.folded),
                self._group_weights(QueryTerms((), terms.bigrams), self.folded)]

    def present(self, row: int, *, folded: bool) -> frozenset[str]:
        """The tokens of chunk ``row`` (its ``field_tokens``), empty for a row out of range."""
        return self._row_tokens(row, folded) if 0 <= row < len(self.texts) else frozenset()

    def _tokens_of_row(self, row: int, folded: bool) -> frozenset[str]:
        return frozenset(field_tokens(self.texts[row], folded=folded))

    def coverage_scorer(self, query: str, *, diacritics: bool, stressed: str = "", stress: float = 1.0,
                        scale: dict[str, float] | None = None) -> Callable[[set[str] | frozenset[str]], float]:
        """The same share for any token set (e.g. each sentence's ``field_tokens``), with the query's
        weights looked up once for scoring many sets. ``stressed``: part of the query whose terms weigh
        ``1 + stress`` times as much (a follow-up within the turns it follows). ``scale``: the terms it lists weigh
        that share of their weight, the share then of the scaled total (``qa.spread``)."""
        groups = self.weights(query, diacritics)
        if stressed:
            groups = self.memo((query, stressed, stress, diacritics), lambda: self._stressed(
                groups, self.weights(stressed, diacritics), stress))
        if scale is not None:
            groups = [(scaled, sum(scaled.values()) or 1.0)
                      for scaled in ({t: w * scale.get(t, 1.0) for t, w in weights.items()} for weights, _ in groups)]
        # "giúp" found, at a share of its weight, where a passage says "hỗ trợ"
        return synonyms.scoring(self._scorer(groups), synonyms.plan(query, folded=not diacritics))

    @staticmethod
    def _stressed(groups: list[tuple[dict[str, float], float]], extra: list[tuple[dict[str, float], float]],
                  stress: float) -> list[tuple[dict[str, float], float]]:
        out = []
        for weights, total in groups:
            added = {t: w * (1 + stress) for t, w in weights.items() if any(t in e for e, _ in extra)}
            merged = {**weights, **added}
            out.append((merged, total + sum(added.values()) - sum(weights[t] for t in added)))
        return out

    @staticmethod
    def _scorer(groups: list[tuple[dict[str, float], float]]) -> Callable[[set[str] | frozenset[str]], float]:
        if not groups:
            return lambda present: 0.0
        n = len(groups)
        if n == 2:  # unigrams and bigrams, the usual case: the same sums, without a list per call
            (first, first_total), (second, second_total) = groups
            first_weight, second_weight = first.__getitem__, second.__getitem__

            def both(present: set[str] | frozenset[str]) -> float:
                return (sum(map(first_weight, present.intersection(first))) / first_total
                        + sum(map(second_weight, present.intersection(second))) / second_total) / 2

            return both

        def score(present: set[str] | frozenset[str]) -> float:
            return sum([sum(map(weights.__getitem__, present.intersection(weights))) / total
                        for weights, total in groups]) / n

        return score

    def weights(self, query: str, diacritics: bool) -> list[tuple[dict[str, float], float]]:
        """IDF weights of the query's unigrams and of its bigrams (memoised: asked once per sentence)."""
        field = self.accented if diacritics else self.folded
        return self.memo((query, diacritics),
                         lambda: self._group_weights(query_terms(query, folded=not diacritics), field))

    @staticmethod
    def _group_weights(terms: QueryTerms, field: _Field) -> list[tuple[dict[str, float], float]]:
        groups = []
        for group in (terms.unigrams, terms.bigrams):
            weights = {t: field.idf(t) for t in group}  # query_terms lists each term once
            total = sum(weights.values())
            if weights and total:
                groups.append((weights, total))
            elif weights:
                groups.append((weights, 1.0))
        return groups

    def memo(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()``, remembered under ``key``: a question's weights, another module's per-question plan or
        per-phrase shares (the 4,097th entry starts the memo afresh)."""
        found = self._weight_memo.get(key)
        if found is None:
            if len(self._weight_memo) > 4096:
                self._weight_memo.clear()
            found = self._weight_memo[key] = make()
        return found
