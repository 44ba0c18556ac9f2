"""What a question asks more precisely than its kind of answer (``qa.answer_type``), and whether a sentence says it:
which one in order ("Đây là phiên họp thứ mấy?": "phiên khai mạc", "đứng thứ ba", "hạng 15"), which day of the week
("Họ gặp nhau vào thứ mấy?", "what day of the week": "hôm thứ Tư"), which day ("ngày nào", "on what date": "14/3",
"March 18th", not a year or a month alone), the hour ("lúc mấy giờ", "at what time": "9 giờ", "10:30"). What the
question already says is no answer: "Phiên khai mạc diễn ra vào thứ mấy?" is not answered by "phiên khai mạc".

A question typed with diacritics is read with them ("thử máy bay" is no "thứ mấy"), one typed without, folded.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from qa.text import ENGLISH_MONTH, among_words, fold, has_diacritics, nfc


class Precise(NamedTuple):
    order: str | None = None  # "ordinal" (which one in order) or "weekday" (which day of the week)
    day: bool = False  # which day: a date with its day
    clock: bool = False  # the hour
    age: bool = False  # how old: "120 năm tuổi", "140 years old" are ages, not lengths of time
    size: bool = False  # how large, tall, heavy: in figures ("hai nước" counts, it measures nothing)
    year: bool = False  # which year: a year ("năm 2017", "1705", "năm ngoái"), not a month or a day without one

    def __bool__(self) -> bool:  # whether it asks one of the four ("age" and "size" only change what a count may be)
        return self.order is not None or self.day or self.clock or self.year


_ORDER_ASKED = r"(?<!\w)(?:((?:vào|hôm|ngày|là)\s+)?thứ\s+mấy)(?!\w)"
_ORDER_ASKED_AS = {True: re.compile(_ORDER_ASKED), False: re.compile(fold(_ORDER_ASKED))}  # with accents / folded
_WEEKDAY_ASKED = re.compile(r"\bday of (?:the )?week\b|\bweekday\b")
_DAY_ASKED = re.compile(r"\bngay (?:nao|may)\b|\b(?:what|which) (?:exact |precise )?(?:date|day)\b(?! of)|"
                        r"\bthe (?:exact|precise) date\b")
_YEAR_ASKED = r"(?<!\w)năm\s+(?:nào|mấy|bao\s+nhiêu)(?!\w)"
_YEAR_ASKED_AS = {True: re.compile(_YEAR_ASKED), False: re.compile(fold(_YEAR_ASKED))}
_YEAR_ASKED_EN = re.compile(r"\b(?:what|which) (?:exact |precise )?year\b")
_CLOCK_ASKED = r"(?<!\w)mấy\s+giờ(?!\w)"
_CLOCK_ASKED_AS = {True: re.compile(_CLOCK_ASKED), False: re.compile(fold(_CLOCK_ASKED))}
_CLOCK_ASKED_EN = re.compile(r"\b(?:what|which) time\b|\bat what hour\b")
_AGE_ASKED = re.compile(r"\btuoi\b|\bhow old\b|\bage\b")
# a size that is measured ("How large is the trade deficit?"), not "how big a role", "how big of a deal"; not "how
# high" / "how deep" (tensions, cooperation)
SIZE_ASKED = r"how (?:large|big|tall|wide|heavy|far(?! along\b| into\b))(?! an?\b| of\b)"
_SIZE_ASKED = re.compile(rf"\b{SIZE_ASKED}\b|\bbao xa\b")  # a distance too: "How far did the missile fly?"


@lru_cache(maxsize=4096)
def precise_ask(question: str) -> Precise:
    """What the question asks precisely, if anything (``Precise()``: nothing)."""
    text = nfc(question).lower()
    folded = fold(text)
    accents = has_diacritics(question)
    read = text if accents else folded
    order_vi = _ORDER_ASKED_AS[accents].search(read)
    order = ("weekday" if order_vi.group(1) else "ordinal") if order_vi else None
    if _WEEKDAY_ASKED.search(folded):
        order = "weekday"
    clock = bool(_CLOCK_ASKED_AS[accents].search(read) or _CLOCK_ASKED_EN.search(folded))
    day = bool(_DAY_ASKED.search(folded))
    year = not day and bool(_YEAR_ASKED_AS[accents].search(read) or _YEAR_ASKED_EN.search(folded))
    return Precise(order, day, clock, bool(_AGE_ASKED.search(folded)), bool(_SIZE_ASKED.search(folded)), year)


# an ordinal in lower case ("đứng thứ ba": "thứ Ba" is a weekday), "khai mạc" (the opening), "đầu tiên", a rank
# ("xếp hạng 15", "vị trí 94"), "the third"
_ORDINAL = re.compile(r"(?<!\w)(?:đầu\s+tiên|khai\s+mạc|lần\s+đầu|thứ\s+(?:nhất|nhì|hai|ba|tư|năm|sáu|bảy|tám|chín|mười|\d+)|"
                      r"(?:hạng|vị\s+trí)\s+(?:thứ\s+)?\d+)(?!\w)|\b(?:first|second|third|fourth|fifth|\d+(?:st|nd|rd|th))\b")
DAY_OF_WEEK = re.compile(r"(?<!\w)(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)(?!\w)|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
                         re.IGNORECASE)
_MONTHS = ENGLISH_MONTH
# a day: "14/3", "ngày 14", "18 tháng 3", "March 18th", "Mar. 18", "18 March", "2021-03-18"
_A_DAY = re.compile(rf"\b\d{{1,2}}/\d{{1,2}}\b|\bngày\s+\d{{1,2}}\b|\b\d{{1,2}}\s+tháng\s+\d{{1,2}}\b|"
                    rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|"
                    r"\b\d{4}-\d{2}-\d{2}\b", re.IGNORECASE)
# a year: "2017", "năm 1705", "năm ngoái" (last year), "5 năm trước", "last year", "three years ago"; any from 1000
# ("năm 1705" in XQuAD's article on the Huguenots), where ``qa.answer_type.YEAR`` keeps to the news's to tell a year from a count
_A_YEAR = re.compile(r"(?<![\d.,])(?:1[0-9]|20)\d{2}(?!\d|[.,]\d)|(?<!\w)năm\s+(?:ngoái|nay|trước|tới|sau|qua|kia)(?!\w)|"
                     r"(?<!\w)\d+\s+năm\s+(?:trước|qua)(?!\w)|\b(?:last|next|this)\s+year\b|\byears?\s+ago\b",
                     re.IGNORECASE)
# the hour: "9 giờ", "chín giờ sáng", "9h30", "10:30", "9 a.m."
_CLOCK = re.compile(r"(?<!\w)(?:\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười(?:\s+(?:một|hai))?)\s*giờ(?!\w)|"
                    r"\b\d{1,2}[:h]\d{2}\b|\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\b|p\.?m\b)|\bo'clock\b", re.IGNORECASE)


def offered_precisely(sentence: str, ask: Precise, asked: str) -> bool:
    """Whether the sentence (NFC) says what ``ask`` asks, other than what the folded, lower-cased question ``asked``
    says already."""
    pattern = ({"ordinal": _ORDINAL, "weekday": DAY_OF_WEEK}.get(ask.order or "")
               or (_A_DAY if ask.day else _A_YEAR if ask.year else _CLOCK))
    return any(not among_words(fold(m.group(0)).lower(), asked) for m in pattern.finditer(sentence))
