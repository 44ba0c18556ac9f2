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


_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-ZĐ][\w-]+")


def is_follow_up(question: str, previous: str = "") -> bool:
    """Anaphoric ("bà ấy", "they"), or short without naming anything new (a new name = a new topic)."""
    if _ANAPHORA.search(question):
        return True
    content = [w for w in words(question) if w not in STOPWORDS]
    known = fold(previous).lower()
    new_names = [n for n in _NAME.findall(question.strip()) if fold(n).lower() not in known]
    return len(content) <= SHORT and not new_names


def contextualize(question: str, history: list[str]) -> str | None:
    """The earlier turn a follow-up refers to (the last user turn), or None for a self-contained question."""
    previous = [h for h in history if h.strip()]
    if not previous or not is_follow_up(question, previous[-1]):
        return None
    return previous[-1]
