"""How much of an English question's glossary words a passage or sentence contains, word by word.

Each English word (or term) of the question comes with one or more Vietnamese renderings ("visit" ->
"thăm" | "chuyến thăm", ``qa.glossary.translate_groups``). A word counts as found as far as its
best-covered rendering is found (the IDF-weighted share of that rendering's syllables and syllable
pairs present), so a word with three renderings is not three times as hard to find as one with one,
and a one-word name the passage lacks ("Paris") weighs as much as the word it stands for. Words weigh
their IDF (the mean over their renderings) times how many English words they stand for.
"""

from __future__ import annotations

from collections.abc import Callable

from qa.lexical import LexicalIndex, phrase_terms

Groups = tuple[tuple[int, tuple[str, ...]], ...]  # (English words, Vietnamese renderings) per glossed term
_Rendering = tuple[dict[str, float], float, dict[str, float], float]  # syllables, their total, pairs, theirs


def _rendering(index: LexicalIndex, phrase: str) -> _Rendering | None:
    terms = phrase_terms((phrase,))
    field = index.accented
    single = {t: field.idf(t) for t in terms.unigrams}
    pairs = {t: field.idf(t) for t in terms.bigrams}
    if not single:
        return None
    return single, sum(single.values()) or 1.0, pairs, sum(pairs.values()) or 1.0


def _share(rendering: _Rendering, present: set[str] | frozenset[str]) -> float:
    single, single_total, pairs, pairs_total = rendering
    found = sum(single[t] for t in present.intersection(single)) / single_total
    if not pairs:
        return found
    return (found + sum(pairs[t] for t in present.intersection(pairs)) / pairs_total) / 2


def gloss_scorer(index: LexicalIndex, groups: Groups) -> Callable[[set[str] | frozenset[str]], float]:
    """The weighted share of ``groups`` found in a set of accented tokens (a chunk's, a sentence's), in [0, 1]."""
    plan: list[tuple[float, list[_Rendering]]] = []
    for words, phrases in groups:
        renderings = [r for p in phrases if (r := _rendering(index, p)) is not None]
        if renderings:
            idf = sum(sum(r[0].values()) / len(r[0]) for r in renderings) / len(renderings)
            plan.append((max(words, 1) * idf, renderings))
    total = sum(weight for weight, _ in plan)
    if not total:
        return lambda present: 0.0
    vocabulary = frozenset(t for _, renderings in plan for r in renderings for t in (*r[0], *r[2]))

    def score(present: set[str] | frozenset[str]) -> float:
        if vocabulary.isdisjoint(present):
            return 0.0
        return sum(weight * max(_share(r, present) for r in renderings) for weight, renderings in plan) / total

    return score
