"""Vietnamese words a question may use where the news writes a synonym: "Mỹ muốn Trung Quốc giúp gì?" of "Mỹ muốn
Trung Quốc hỗ trợ hơn nữa ...", "lo ngại" of "quan ngại". Without a multilingual encoder (the default model is not in
the cache, or ``QA_MODE=lexical``) a question's words are found only as written, and a question that says "giúp" where
its answer says "hỗ trợ" is refused for the word it lacks.

``qa/data/synonyms-vi.tsv`` holds groups of interchangeable words of general news ("giúp | giúp đỡ | hỗ trợ"), written
for this project from general Vietnamese usage, none from the articles or question sets. A phrase of the question
that a passage lacks counts as found where the passage has a synonym of it (``widen``): in the evidence that an
answer is sure of, and in the choice of the sentence that answers (``LexicalIndex.coverage_scorer``); so also in the
rerank that orders passages by their evidence, and in hybrid fusion, whose dense weight shrinks as the question's
words are found. BM25 is unchanged: it finds the passages on the question's own words.

``qa/data/capitals-vi.tsv`` is read the same way: a capital and its country ("washington | mỹ | hoa kỳ"), since the
news writes a capital for its government. Every bundled set about the seeds (2,251 questions, lexical): 3 answerable
questions no longer refused ("Washington mong Bắc Kinh giữ vị trí gì …?"), no other answer changed; XQuAD unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.language import detect
from qa.text import bigrams, fold, longest_first, nfc, words

SYNONYMS = Path(__file__).with_name("data") / "synonyms-vi.tsv"
CAPITALS = Path(__file__).with_name("data") / "capitals-vi.tsv"  # "Washington" of "Mỹ", read the same way
# how much of a phrase's weight a synonym of it earns in the evidence: at 0.5 the lexical XQuAD eval refuses 73 -> 69 of
# 1,896 answerable questions (answer@1 vi 0.816 -> 0.821, unaccented 0.797 -> 0.802), asked of the seeds 1-2 more
# of 632 per language are answered (abstaining 0.994 -> 0.992, 0.978 -> 0.976); on the five held-out sets about the
# seeds one more refusal is answered, from the wrong article, every unanswerable question abstains as before. At 0.7
# and 1.0 the same XQuAD gains and one more seed question answered wrongly.
CREDIT = 0.5
# a phrase as the index's terms: its syllables and its pairs of adjacent syllables ("hỗ", "trợ", "hỗ_trợ")
Terms = frozenset[str]
Present = frozenset[str] | set[str]  # a text's terms


@dataclass(frozen=True)
class Plan:
    """Each phrase of a question that has synonyms: its terms, and the terms of each synonym (any one of them found
    stands for the phrase)."""

    phrases: tuple[tuple[Terms, tuple[Terms, ...]], ...] = ()
    cues: Terms = frozenset()  # a term of each synonym (``_cue``): a text with none of them has no synonym (most)

    def __bool__(self) -> bool:
        return bool(self.phrases)


def _terms(tokens: tuple[str, ...]) -> Terms:
    return frozenset(tokens) | frozenset(bigrams(list(tokens)))


@lru_cache(maxsize=2)
def _groups(*, folded: bool) -> dict[tuple[str, ...], tuple[Terms, ...]]:
    """Each phrase of the file as tokens (folded: without diacritics), with the terms of its synonyms. Folded, a phrase
    of two groups is in neither: "noi" is "nói" (say) or "nơi" (place), "phu nhan" "phủ nhận" (deny) or "phu nhân"."""
    table: dict[tuple[str, ...], tuple[Terms, ...]] = {}
    ambiguous: set[tuple[str, ...]] = set()
    lines = [line for path in (SYNONYMS, CAPITALS) for line in path.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        phrases = [tuple(words(fold(p) if folded else nfc(p))) for p in line.split("|")]
        phrases = [p for p in dict.fromkeys(phrases) if p]
        for phrase in phrases:
            if phrase in table:
                ambiguous.add(phrase)
            table[phrase] = tuple(_terms(other) for other in phrases if other != phrase)
    return {phrase: others for phrase, others in table.items() if phrase not in ambiguous}


@lru_cache(maxsize=1)
def _longest() -> int:
    return max((len(p) for p in _groups(folded=False)), default=1)


@lru_cache(maxsize=4096)
def plan(query: str, *, folded: bool) -> Plan:
    """The phrases of ``query`` that have synonyms, the longest first where they overlap ("giúp đỡ" before "giúp");
    none for a question in another language ("gap" is English, not "gặp")."""
    if detect(query) == "other":
        return Plan()
    tokens, table = words(fold(query) if folded else query), _groups(folded=folded)
    found = [(_terms(tuple(tokens[i : i + n])), others) for i, n, others in
             longest_first(len(tokens), _longest(), lambda i, n: table.get(tuple(tokens[i : i + n])))]
    return Plan(tuple(found), frozenset(_cue(other) for _, others in found for other in others))


def _cue(terms: Terms) -> str:
    """One term that every text holding all of ``terms`` holds, the rarest kind: a pair of syllables where there is one
    ("hỗ_trợ", not "hỗ")."""
    return min(terms, key=lambda t: ("_" not in t, t))


def scoring(scorer: Callable[[Present], float], plan: Plan) -> Callable[[Present], float]:
    """``scorer`` (a share of the question's terms in a text's terms) with each planned phrase the text lacks counted
    at ``CREDIT`` of its weight where the text has a synonym of it."""
    if not plan:
        return scorer

    def widened(present: Present) -> float:
        own = scorer(present)
        wider = widen(present, plan)
        return own if wider is present else own + CREDIT * (scorer(wider) - own)

    return widened


def widen(present: Present, plan: Plan) -> Present:
    """``present`` (a passage's or a sentence's terms) with the terms of each planned phrase it lacks but has a synonym
    of (asked of every sentence of every candidate: most have no synonym's word at all)."""
    if present.isdisjoint(plan.cues):
        return present
    added = [terms for terms, others in plan.phrases
             if not terms <= present and any(other <= present for other in others)]
    return present.union(*added) if added else present
