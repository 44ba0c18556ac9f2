"""What kind of answer a question asks for, and whether a sentence offers one.

Classic QA answer typing: "bao nhiêu / how many" wants a number, "khi nào /
when" a time, "ai / who" a name, "ở đâu / where" a place. A sentence that holds
such a thing *not already in the question* is more likely the answer.
"""

from __future__ import annotations

from functools import lru_cache

import re
from typing import Literal

from qa.text import fold

AnswerType = Literal["duration", "number", "time", "person", "place"]

# Patterns over the folded, lower-cased question (so they match with or without diacritics).
_TYPES: list[tuple[AnswerType, re.Pattern[str]]] = [
    ("duration", re.compile(r"\b(bao lau|how long|for how many (hours|days|weeks|months|years))\b")),
    ("time", re.compile(r"\b(khi nao|nam nao|bao gio|luc nao|ngay nao|thang nao|thoi gian nao|thoi diem nao|"
                        r"when|what year|which year|what date|what time)\b")),
    ("number", re.compile(r"\b(bao nhieu|may|bao lau|so luong|ty le|phan tram|"
                          r"how many|how much|how long|how old|what percentage|what number)\b")),
    ("person", re.compile(r"(^|\s)(ai|nguoi nao|who|whom|whose)\b")),
    ("place", re.compile(r"\b(o dau|dau|noi nao|thanh pho nao|nuoc nao|where|which country|which city)\b")),
]
_UNITS = ("giay phut gio tieng ngay tuan thang nam thap ky the ky "
          "seconds? minutes? hours? days? weeks? months? years? decades? centur(?:y|ies)")
_DURATION = re.compile(r"\d[\d.,]*\s*(?:" + "|".join(_UNITS.split()) + r")\b")
# "tháng 7", "ngày 14/3", "năm 2017": the Vietnamese words count with their number only ("leo thang",
# "Việt Nam", "Ngay trước" fold to the same letters); English month names stand alone
_YEAR_OR_DATE = re.compile(r"\b(1\d{3}|20\d{2})\b|\d{1,2}/\d{1,2}|\b(?:thang|ngay|nam|tháng|ngày|năm)\s+\d+(?:/\d+){0,2}|\b(january|february|"
                           r"march|april|may|june|july|august|september|october|november|december)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d.,]*")
# a number that dates something, in the article's own (accented) text: "năm 1981", "Năm 1981,", "tháng 7",
# "ngày 14/3", "14/3/2021", "in 1981", "1978 đến 1981". Accented: "Việt Nam 98 triệu" is not "năm 98";
# "1500 binh sĩ" and a rate ("mỗi năm 10 triệu hành khách") count. A bare year ending a clause ("khánh thành
# 1981.") is left a number: excluding it too cost 2-3 XQuAD answer sentences in each language (lexical).
_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_NOT_A_COUNT = re.compile(r"(?i:(?<!mỗi )\b(?:năm|tháng|ngày)\s+\d+(?:/\d+){0,2})|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|"
                          rf"(?i:\b(?:in|since|until|by|from|of)\s+{_YEAR}\b)|\b{_YEAR}\s*(?:-|–|đến|to)\s*{_YEAR}\b")
_NAME = re.compile(r"\b[A-ZĐ][\w’'-]*(?:\s+[A-ZĐ][\w’'-]*)*")


@lru_cache(maxsize=4096)  # pure, and asked again for every candidate sentence of a question
def answer_type(question: str) -> AnswerType | None:
    q = _folded_lower(question)
    for kind, pattern in _TYPES:
        if pattern.search(q):
            return kind
    return None


def offers(sentence: str, kind: AnswerType | None, question: str) -> bool:
    """Does the sentence contain something of this type that the question does not already say?"""
    if kind is None:
        return False
    asked = _folded_lower(question)
    return any(item not in asked for item in _offered(sentence, kind))


@lru_cache(maxsize=4096)
def _folded_lower(text: str) -> str:
    return fold(text).lower()


@lru_cache(maxsize=65536)  # a passage's sentences are weighed again for every question that retrieves it
def _offered(sentence: str, kind: AnswerType) -> tuple[str, ...]:
    """The things of this type in the sentence, each as it is compared with the folded, lower-cased question."""
    if kind == "duration":
        return tuple(m.group(0) for m in _DURATION.finditer(fold(sentence).lower()))
    if kind == "number":  # a count or an amount: a year or a date is not one ("how many passengers ... 1981")
        dates = [m.span() for m in _NOT_A_COUNT.finditer(sentence)]
        return tuple(m.group(0) for m in _NUMBER.finditer(sentence) if not any(a <= m.start() < b for a, b in dates))
    if kind == "time":
        return tuple(fold(m.group(0)).lower() for m in _YEAR_OR_DATE.finditer(sentence))
    # person / place: a capitalised name that is not in the question (sentence-initial words excluded)
    return tuple(fold(m.group(0)).lower() for m in _NAME.finditer(sentence) if m.start() > 0)
