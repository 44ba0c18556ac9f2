"""How much of an English question's glossary words a passage or sentence contains, word by word.

Each English word (or term) of the question comes with one or more Vietnamese renderings ("visit" ->
"thăm" | "chuyến thăm", ``qa.glossary.translate_groups``). A word counts as found as far as its
best-covered rendering is found (the IDF-weighted share of that rendering's syllables and syllable
pairs present), so a word with three renderings is not three times as hard to find as one with one,
and a one-word name the passage lacks ("Paris") weighs as much as the word it stands for. Words weigh
how rare their renderings are (the mean over their renderings, ``_rendering``) times how many
English words they stand for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.lexical import LexicalIndex, phrase_terms

Groups = tuple[tuple[int, tuple[str, ...]], ...]  # (English words, Vietnamese renderings) per glossed term
Scorer = Callable[[set[str] | frozenset[str]], float]


@dataclass(frozen=True)
class _Plan:
    """For each token of any rendering, what finding it adds: (rendering, share of that rendering)."""

    adds: dict[str, tuple[tuple[int, float], ...]]
    vocabulary: frozenset[str]  # the tokens of adds
    word_of: tuple[int, ...]  # per rendering: its glossed word
    weights: tuple[float, ...]  # per glossed word: its weight, of 1 in all


def _rendering(index: LexicalIndex, phrase: str) -> tuple[dict[str, float], float] | None:
    """Each token of a rendering with its share of it (syllables and syllable pairs each half, or syllables
    all of it for one syllable; IDF-weighted within their half), and how rare the rendering is: the mean IDF
    of its syllables, or of its pairs where that is higher ("động đất": two common syllables, a rare pair).
    None for a rendering without a word."""
    terms = phrase_terms((phrase,))
    if not terms.unigrams:
        return None
    halves = [h for h in ({t: index.accented.idf(t) for t in terms.unigrams},
                          {t: index.accented.idf(t) for t in terms.bigrams}) if h]
    shares: dict[str, float] = {}
    for half in halves:
        total = sum(half.values()) or 1.0
        for token, idf in half.items():
            shares[token] = shares.get(token, 0.0) + idf / total / len(halves)
    return shares, max(sum(half.values()) / len(half) for half in halves)


def _plan(index: LexicalIndex, groups: Groups) -> _Plan:
    adds: dict[str, list[tuple[int, float]]] = {}
    weights: list[float] = []
    word_of: list[int] = []
    for count, phrases in groups:
        found = [r for p in phrases if (r := index.memo(("rendering", p), lambda p=p: _rendering(index, p))) is not None]
        if not found:
            continue
        for shares, _ in found:
            for token, share in shares.items():
                adds.setdefault(token, []).append((len(word_of), share))
            word_of.append(len(weights))
        weights.append(max(count, 1) * sum(mean for _, mean in found) / len(found))
    total = sum(weights) or 1.0
    return _Plan({t: tuple(a) for t, a in adds.items()}, frozenset(adds), tuple(word_of),
                 tuple(w / total for w in weights))


def gloss_scorer(index: LexicalIndex, groups: Groups) -> Scorer:
    """The weighted share of ``groups`` found in a set of accented tokens (a chunk's, a sentence's), in [0, 1]."""
    plan: _Plan = index.memo(("gloss", groups), lambda: _plan(index, groups))
    adds, vocabulary, word_of, weights = plan.adds, plan.vocabulary, plan.word_of, plan.weights

    def score(present: set[str] | frozenset[str]) -> float:
        hits = vocabulary.intersection(present)
        if not hits:
            return 0.0
        found: dict[int, float] = {}  # the renderings found, each as far as it is
        for token in hits:
            for i, share in adds[token]:
                found[i] = found.get(i, 0.0) + share
        best: dict[int, float] = {}  # the words found, each as far as its best rendering
        for i, share in found.items():
            word = word_of[i]
            if share > best.get(word, 0.0):
                best[word] = share
        return sum(weights[w] * share for w, share in best.items())

    return score
