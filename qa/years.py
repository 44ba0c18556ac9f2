"""A year the question names that the article never says: "How long did the June 2017 dialogue in Washington last?"
is not answered by an article of 2022 on talks in Rome, however well its words match ("kéo dài 7 tiếng tại Rome").

A question that names a year ("năm 2017", "tháng 6/2017", "in March 2021") asks about that time. An article that
says years, but none of those the question names, neither in its text nor in its date, is about another time: its
passages are less sure (``qa.evidence.MISSING_YEAR``), as a passage lacking one of an English question's names is. A
year is a condition here, not a word to match in the passage: the article gives it once ("hồi tháng 4/2017") and its
other passages, or only its dateline, do not repeat it.

A day of a month is read the same way ("ngày 14/3", "March 14"): an article that says days, none of those the question
names, is about other days; its passages also rank lower (``qa.rerank.MISSING_DAY_PENALTY``), since two articles on
talks between the same people differ by their days ("... hold talks on March 14?" of the March 18 talks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from qa.snapshot import Snapshot
from qa.text import ENGLISH_MONTH, month_number

# a year of the news, alone or closing a date ("6/2017", "21/6/2017"), not inside a longer number
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]\d{2}|20\d{2})(?![\d.,]\d)")


@lru_cache(maxsize=4096)
def years_named(question: str) -> frozenset[str]:
    """The years ``question`` names."""
    return frozenset(_YEAR.findall(question))


def article_years(snapshot: Snapshot, row: int) -> frozenset[str]:
    """The years the page of chunk ``row``'s article says, and its date's."""
    def read(doc_id: str, text: str) -> frozenset[str]:
        return frozenset(_YEAR.findall(text)) | frozenset(_YEAR.findall((snapshot.docs[doc_id].date or "")[:4]))

    return snapshot.per_document("years", row, read)  # type: ignore[return-value]


def year_missing(snapshot: Snapshot, question: str, row: int) -> bool:
    """Whether ``question`` names a year and the article of chunk ``row`` says others, none of those it names. An
    article that says no year at all, undated, may be of any: it is not held to one."""
    return _unsaid(years_named(question), lambda: article_years(snapshot, row))


def _unsaid(named: frozenset, said: Callable[[], frozenset]) -> bool:
    """Whether the question names some (``named``) and the article says others (``said``), none of those."""
    if not named:
        return False
    found = said()
    return bool(found) and named.isdisjoint(found)


# a day of a month: "14/3", "14/03/2021", "ngày 18 tháng 3" (accented or not), "March 14", "14th of March"
_DAY = re.compile(r"(?<![\d/.,])(?P<d1>\d{1,2})/(?P<m1>\d{1,2})(?![\d.,]\d)(?!/\d{1,2}\b(?!/))|"
                  r"(?<!\w)ng[aà]y\s+(?P<d2>\d{1,2})\s+th[aá]ng\s+(?P<m2>\d{1,2})(?!\d)|"
                  rf"\b(?P<mn3>{ENGLISH_MONTH})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:,\s*)?\d{{3}}\b(?!,))|"
                  rf"\b(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn4>{ENGLISH_MONTH})\b", re.IGNORECASE)
_ISO = re.compile(r"\d{4}-(\d{2})-(\d{2})")


def _days(text: str) -> frozenset[tuple[int, int]]:
    found = set()
    for m in _DAY.finditer(text):
        day, month = m.group("d1") or m.group("d2") or m.group("d3") or m.group("d4"), m.group("m1") or m.group("m2")
        written = m.group("mn3") or m.group("mn4") or ""
        if written.lower() == "may" and written != "May":  # "may 5 people ..." (also "mấy" typed without accents)
            continue
        number = int(month) if month else month_number(written)
        if 1 <= int(day) <= 31 and 1 <= number <= 12:
            found.add((int(day), number))
    return frozenset(found)


@lru_cache(maxsize=4096)
def days_named(question: str) -> frozenset[tuple[int, int]]:
    """The days of a month ``question`` names, as (day, month)."""
    return _days(question)


def article_days(snapshot: Snapshot, row: int) -> frozenset[tuple[int, int]]:
    """The days of a month the page of chunk ``row``'s article says, and its date's."""
    def read(doc_id: str, text: str) -> frozenset[tuple[int, int]]:
        iso = _ISO.match(snapshot.docs[doc_id].date or "")
        return _days(text) | (frozenset({(int(iso.group(2)), int(iso.group(1)))}) if iso else frozenset())

    return snapshot.per_document("days", row, read)  # type: ignore[return-value]


def day_missing(snapshot: Snapshot, question: str, row: int) -> bool:
    """Whether ``question`` names a day of a month and the article of chunk ``row`` says others, none it names."""
    return _unsaid(days_named(question), lambda: article_days(snapshot, row))
