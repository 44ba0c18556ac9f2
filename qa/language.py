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


def syllable_share(text: str) -> float:
    """Share of the alphabetic words that have the shape of a Vietnamese syllable (after folding)."""
    tokens = [w for w in words(fold(text)) if w.isalpha()]
    if not tokens:
        return 0.0
    return sum(bool(_SYLLABLE.match(w)) for w in tokens) / len(tokens)


@lru_cache(maxsize=4096)  # pure, and asked again for every candidate sentence of a question
def detect(text: str) -> QueryLanguage:
    if has_diacritics(text) and syllable_share(text) >= 0.5:
        return "vi"
    share = syllable_share(text)
    if share >= VIETNAMESE_SHARE or (share >= 0.4 and _FUNCTION.intersection(words(fold(text)))):
        return "vi-nodiac"
    return "other"
