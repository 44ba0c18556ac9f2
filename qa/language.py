"""Which kind of query this is: Vietnamese with diacritics, Vietnamese typed without them, or another language.

Vietnamese is written in syllables with a small, regular shape (onset, vowel
nucleus, optional final consonant), so a query whose words are (almost) all
such syllables is Vietnamese even without a single diacritic; English words
("meeting", "spokesperson", "what") mostly are not.
"""

from __future__ import annotations

from functools import lru_cache

import re
from typing import Literal

from qa.text import fold, has_diacritics, words

QueryLanguage = Literal["vi", "vi-nodiac", "other"]

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
_NUCLEUS = "(?:[aeiouy]{1,3})"
_FINAL = "(?:ng|nh|ch|[cmnpt])?"
_SYLLABLE = re.compile(f"^{_ONSET}{_NUCLEUS}{_FINAL}$")
VIETNAMESE_SHARE = 0.8
# Vietnamese function words, folded: one of them plus mostly syllable-shaped words is enough
# (names in a Vietnamese question are often foreign: "josh norman da doat bong bao nhieu lan").
_FUNCTION = frozenset("da duoc nhung cac cua la nao gi bao nhieu khong trong nguoi voi cho nay mot va co ai ve tai thi "
                      "se dang sao dau khi nam ngay thang boi vi".split())


def syllable_shaped(word: str) -> bool:
    """Whether a lower-case unaccented word has the shape of a Vietnamese syllable ("truong", not "meeting")."""
    return bool(_SYLLABLE.match(word))


def syllable_share(text: str) -> float:
    """Share of the alphabetic words that have the shape of a Vietnamese syllable (after folding)."""
    tokens = [w for w in words(fold(text)) if w.isalpha()]
    if not tokens:
        return 0.0
    return sum(map(syllable_shaped, tokens)) / len(tokens)


# An English question about Vietnamese names ("Who is Dương Khiết Trì?") is mostly Vietnamese syllables: it
# starts like an English question and has another English function word besides.
# The first word decides, so none of these is also a Vietnamese word written without accents ("do" because,
# "can" of "can thiệp"); the second function word may be ("in Rome", "to", "an").
_EN_START = frozenset("who whom whose what when where which why how is are was were did does could will would "
                      "should".split())
_EN_FUNCTION = _EN_START | frozenset("the of in to a an on at for from with by".split())


def _english_question(text: str) -> bool:
    tokens = [w.lower() for w in words(text)]
    return bool(tokens) and tokens[0] in _EN_START and len(_EN_FUNCTION.intersection(tokens)) >= 2


@lru_cache(maxsize=4096)
def accented(text: str) -> bool:
    """Written with diacritics, mostly in Vietnamese syllables: matched on the accented BM25 field ("gặp" is not
    "gấp"), whatever language the question's other words are in."""
    return has_diacritics(text) and syllable_share(text) >= 0.5


@lru_cache(maxsize=4096)  # pure, and asked again for every candidate sentence of a question
def detect(text: str) -> QueryLanguage:
    if accented(text):
        return "other" if _english_question(text) else "vi"
    share = syllable_share(text)
    if share >= VIETNAMESE_SHARE or (share >= 0.4 and _FUNCTION.intersection(words(fold(text)))):
        # "Where is Da Nang?" is half Vietnamese syllables and has "da": an English question all the same
        return "other" if _english_question(text) else "vi-nodiac"
    return "other"
