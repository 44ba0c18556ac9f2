"""Follow-up questions: carry the previous turn's content into short or anaphoric questions."""

from __future__ import annotations

import re

from qa.lexical import STOPWORDS
from qa.text import fold, words

# Words that point back to something said before (English, Vietnamese, folded Vietnamese).
_ANAPHORA_EN = r"\b(he|she|it|they|him|her|them|his|its|their|this|that|these|those|there|the meeting|the same)\b"
_ANAPHORA_VI = r"\b(ông ấy|bà ấy|anh ấy|chị ấy|cô ấy|họ|nó|đó|này|ấy|còn .* thì sao|vậy)\b"
_ANAPHORA = re.compile(f"{_ANAPHORA_EN}|{_ANAPHORA_VI}|{fold(_ANAPHORA_VI)}", re.IGNORECASE)
SHORT = 4  # content words


def is_follow_up(question: str) -> bool:
    content = [w for w in words(question) if w not in STOPWORDS]
    return len(content) <= SHORT or bool(_ANAPHORA.search(question))


def contextualize(question: str, history: list[str]) -> str | None:
    """The earlier turn a follow-up refers to (the last user turn), or None for a self-contained question."""
    previous = [h for h in history if h.strip()]
    if not previous or not is_follow_up(question):
        return None
    return previous[-1]
