"""Follow-up questions: carry the previous turn's content into short or anaphoric questions."""

from __future__ import annotations

import re

from qa import glossary
from qa.places import begins_with_place
from qa.stopwords import STOPWORDS
from qa.text import fold, word_matches, words

# Words that point back to something said before (English, Vietnamese, folded Vietnamese).
_ANAPHORA_EN = r"\b(he|she|it|they|him|her|them|his|its|their|this|that|these|those|there|the meeting|the same)\b"
_ANAPHORA_VI = r"\b(ông ấy|bà ấy|anh ấy|chị ấy|cô ấy|họ|nó|đó|này|ấy|còn .* thì sao|vậy)\b"
# typed without diacritics, only the forms that are not also ordinary words: "ho", "no", "do", "nay" are
# "hồ", "no" (full), "do" (because; English "do"), "hôm nay" as often as "họ", "nó", "đó", "này"
_ANAPHORA_FOLDED = r"\b(ong ay|ba ay|anh ay|chi ay|co ay|con .* thi sao|vay)\b"
_ANAPHORA = re.compile(f"{_ANAPHORA_EN}|{_ANAPHORA_VI}|{_ANAPHORA_FOLDED}", re.IGNORECASE)
# "what about X?" follows the turn before without pointing back at anything in it: naming X, it starts a topic
_WHAT_ABOUT = re.compile(r"\b(?:còn|con)\s+(.*?)\s+(?:thì|thi)\s+sao\b|\b(?:what|how)\s+about\s+(.*)", re.IGNORECASE)
TOPIC_TURNS = 3  # a follow-up of a follow-up reaches back this many turns for its topic
SHORT = 4  # content words
# Chat that asks nothing: acknowledgements and greetings (with folded Vietnamese). A turn made of these alone,
# or of no word at all ("?!?", an emoji), is no follow-up, and no topic for the turns after it.
_CHATTER = frozenset("""ok okay oke okie thanks thank you thx yes yeah yep no nope hmm hm uh um cool great nice good
    hi hello bye cảm cám ơn cam on vâng vang ừ ừm dạ da chào chao xin tốt tot""".split())


_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-ZĐ][\w-]+")


def _new_names(question: str, previous: str) -> list[str]:
    known = {part for w in words(fold(previous)) for part in (w, *w.split("-"))}  # "Nga" is not said by "ngày"
    question = question.strip()
    return [n for n in _NAME.findall(question) + _first_name(question) if fold(n).lower() not in known]


def _first_name(question: str) -> list[str]:
    """The first word when it is a name: capitalised like every first word, but a known place or a word that
    is neither a question word nor a common word of the glossaries ("Rome?", "Sullivan?"; not "Thảo luận gì?",
    "Why?")."""
    first = next(word_matches(question), None)
    if first is None or not first.group(0)[:1].isupper():
        return []
    word = first.group(0)
    if begins_with_place(question):
        return [word]
    lower = word.lower()
    return [] if lower in STOPWORDS or fold(lower) in STOPWORDS or lower in glossary.common_words() else [word]


def starts_topic(turn: str, previous: str) -> bool:
    """A "what about X?" turn whose X is new (a word the turn before does not have, capitalised or not, with
    or without diacritics: "con trieu tien thi sao") and points back at nothing ("Còn ông ấy thì sao?")."""
    match = _WHAT_ABOUT.search(turn)
    if not match:
        return False
    subject = match.group(1) or match.group(2) or ""
    if _ANAPHORA.search(subject):
        return False
    known = set(words(fold(previous)))
    return any(w not in known for w in words(fold(subject)) if w not in STOPWORDS)


def is_chatter(turn: str) -> bool:
    """No word at all, or only acknowledgements ("ok", "cảm ơn"): short, but it asks nothing of the turn
    before ("Why?" and "Ở đâu?", question words alone, still do)."""
    return all(w in _CHATTER for w in words(turn))


def is_follow_up(question: str, previous: str = "") -> bool:
    """Anaphoric ("bà ấy", "they"), or short without naming anything new (a new name = a new topic) and not
    mere chatter (answered on its own, it abstains, as `qa ask "?!?"` does)."""
    if _ANAPHORA.search(question):
        return True
    if is_chatter(question):
        return False
    content = [w for w in words(question) if w not in STOPWORDS]
    return len(content) <= SHORT and not _new_names(question, previous)


def contextualize(question: str, history: list[str]) -> str | None:
    """The earlier turns a follow-up refers to, or None for a self-contained question: the last user
    turn, and when that was itself a follow-up, the turn it followed, back to the one that named the
    topic (at most TOPIC_TURNS): "Cuộc gặp ở Rome kéo dài bao lâu?" → "Ai dẫn đầu?" → "Họ đã thảo
    luận gì?" is still about Rome."""
    previous = [h for h in history if not is_chatter(h)]  # "ok" between two turns about Rome is no topic
    if not previous or not is_follow_up(question, previous[-1]):
        return None
    chain = [previous[-1]]
    i = len(previous) - 1
    # "Còn Triều Tiên thì sao?" sets the topic: the chain stops there ("Did they discuss Taiwan?" points back)
    while (i > 0 and len(chain) < TOPIC_TURNS and is_follow_up(previous[i], previous[i - 1])
           and not starts_topic(previous[i], previous[i - 1])):
        i -= 1
        chain.insert(0, previous[i])
    return " ".join(chain)
