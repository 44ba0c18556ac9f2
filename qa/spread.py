"""How widely a word is spread over one article's sentences: a word the article says in sentence after sentence
(its subject: "Super Bowl" in the article on Super Bowl 50) tells less about which of them answers than a word it
says once ("quốc ca"), however rare both are across the corpus. ``qa.picker.SentencePicker`` weighs the question's
words by this when it picks the answer sentence of a passage, not when it ranks passages (where the corpus-wide
weights compare articles with one another)."""

from __future__ import annotations

import math
from collections import Counter

from qa.lexical import field_tokens
from qa.snapshot import Snapshot
from qa.text import split_sentences

# A word in k of an article's n sentences weighs (its in-article IDF over that of a word said once) ** SPREAD of its
# corpus-wide weight (a word said once or never: all of it). XQuAD (24 articles, 1,264 Vietnamese questions, lexical),
# the answer sentence first: 1,031 -> 1,044 at 0.5, 1,051 at 1.0 (the 632 English ones unchanged: their words
# count through the glossary); the twelve bundled sets about the seeds, 1,136 answerable questions: +2 at 0.5,
# -1 at 1.0 (their articles say "Trung Quốc" or "đối thoại" in most sentences, and a question's own phrase for the talks
# is then worth less than the date it also gives).
SPREAD = 0.5


def sentence_counts(snapshot: Snapshot, doc_id: str, folded: bool) -> tuple[int, Counter[str]]:
    """(how many different sentences the article has, in how many of them each token is): a sentence said twice (a
    photo caption repeating the headline) counts once."""
    raw = snapshot.raws[doc_id]
    distinct = {frozenset(field_tokens(raw[s.start : s.end], folded=folded)) for s in split_sentences(raw, 0)}
    counts: Counter[str] = Counter()
    for tokens in distinct:
        counts.update(tokens)
    return len(distinct), counts


def spread_scale(snapshot: Snapshot, doc_id: str, folded: bool) -> dict[str, float]:
    """The share of its weight each token in more than one of the article's sentences keeps there (a token not
    listed keeps all of it; a pair "super_bowl" is a token as the index has it), computed once per snapshot."""
    key = ("spread", doc_id, folded, SPREAD)
    found = snapshot.memo.get(key)
    if found is None:
        n, counts = sentence_counts(snapshot, doc_id, folded)
        once = _idf(1, n)
        found = {token: (_idf(k, n) / once) ** SPREAD for token, k in counts.items() if k > 1}  # below 1: rarer once
        snapshot.memo[key] = found
    return found


def _idf(k: int, n: int) -> float:
    return math.log((n - k + 0.5) / (k + 0.5) + 1)
