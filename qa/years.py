"""A year, a month or a day the question names that the article never says: "How long did the June 2017 dialogue in
Washington last?" is not answered by the article on talks in Rome "ngày 14/3", however well its words match ("kéo dài
7 tiếng tại Rome").

A question that names a year ("năm 2017", "tháng 6/2017", "in March 2021") asks about that time. An article that
says years, but none of those the question names, neither in its text nor in its date, is about another time: its
passages are less sure (``qa.evidence.MISSING_YEAR``), as a passage lacking one of an English question's names is, and
rank lower (``qa.rerank.MISSING_DATE_PENALTY``). A year is a condition here, not a word to match in the passage: the
article gives it once ("hồi tháng 4/2017") and its other passages, or only its dateline, do not repeat it.

A month ("tháng 6", "June") and a day of a month ("ngày 14/3", "March 14") are read the same way: two articles on
talks between the same people differ by their days ("... hold talks on March 14?" of the March 18 talks). What an
article says is its own text: the page's other news beside it is dated by the day it was read ("11/03/2025"), not by
the article's events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from qa.snapshot import Snapshot
from qa.text import ENGLISH_MONTH, ENGLISH_MONTHS, blanked, month_number, nfc

# a year of the news, alone or closing a date ("6/2017", "21/6/2017"), not inside a longer number
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]\d{2}|20\d{2})(?![\d.,]\d)")


@lru_cache(maxsize=4096)
def years_named(question: str) -> frozenset[str]:
    """The years ``question`` names."""
    return frozenset(_YEAR.findall(question))


def article_years(snapshot: Snapshot, row: int) -> frozenset[str]:
    """The years chunk ``row``'s article says (``_dated_text``)."""
    return _dates(snapshot, row).years


class _Dates(NamedTuple):
    years: frozenset[str]
    months: frozenset[int]
    days: frozenset[tuple[int, int]]


def _dates(snapshot: Snapshot, row: int) -> _Dates:
    """The years, months and days of chunk ``row``'s article's dated text (``_dated_text``), read once per document
    and kind of chunk."""
    own = snapshot.section(row) == "body"

    def read(doc_id: str, text: str) -> _Dates:
        dated = _dated_text(snapshot, doc_id, text, own)
        days = _days(dated)
        return _Dates(frozenset(_YEAR.findall(dated)), _months(dated, days), days)

    return snapshot.per_document(f"dates-{own}", row, read)  # type: ignore[return-value]


def _dated_text(snapshot: Snapshot, doc_id: str, text: str, own: bool) -> str:
    """What the article says, its date written after it ("24/03/2021"). ``own``: for a chunk of its body, the article
    alone (``DocMeta.body``, its related leads blanked), without its page's other text (the Rome talks' page lists other
    news "11/03/2025": that is not the talks' year, nor their day); else the whole page (``text``)."""
    meta = snapshot.docs[doc_id]
    if own and meta.body is not None:
        start, end = meta.body
        inside = [(max(a, start) - start, min(b, end) - start) for a, b, _ in meta.extra if a < end and b > start]
        text = nfc(blanked(snapshot.raws[doc_id][start:end], inside))
    iso = _ISO.match(meta.date or "")
    written = f"{iso.group(3)}/{iso.group(2)}/{iso.group(1)}" if iso else (meta.date or "")[:4]
    return f"{text}\n{written}"


def date_missing(snapshot: Snapshot, question: str, row: int) -> bool:
    """Whether ``question`` names a year, a month or a day of a month that the article of chunk ``row`` does not say
    where it says others (``year_missing``, ``month_missing``, ``day_missing``)."""
    return (year_missing(snapshot, question, row) or month_missing(snapshot, question, row)
            or day_missing(snapshot, question, row))


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
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


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
    """The days of a month chunk ``row``'s article says (``_dated_text``)."""
    return _dates(snapshot, row).days


# a month: "tháng 6" (accented or not, "tháng 4/2017" too), "6/2017", an English month's full name ("May" and "March"
# capitalised only: "may" and "march" are verbs)
_MONTH = re.compile(r"(?<!\w)(?i:th[aá]ng)\s+(?P<m1>\d{1,2})(?!\d)|(?<![\d/.,])(?P<m2>\d{1,2})/(?:1[89]|20)\d{2}(?!\d)|"
                    rf"\b(?P<name>(?i:{'|'.join(m for m in ENGLISH_MONTHS if m not in ('may', 'march'))})|May|March)\b")


def _months(text: str, days: frozenset[tuple[int, int]] | None = None) -> frozenset[int]:
    """The months ``text`` names, those of its days (``days``, when read already) among them."""
    found = {day[1] for day in (_days(text) if days is None else days)}
    for m in _MONTH.finditer(text):
        number = int(m.group("m1") or m.group("m2") or 0) or month_number(m.group("name"))
        if 1 <= number <= 12:
            found.add(number)
    return frozenset(found)


@lru_cache(maxsize=4096)
def months_named(question: str) -> frozenset[int]:
    """The months ``question`` names."""
    return _months(question)


def article_months(snapshot: Snapshot, row: int) -> frozenset[int]:
    """The months chunk ``row``'s article says (``_dated_text``)."""
    return _dates(snapshot, row).months


def month_missing(snapshot: Snapshot, question: str, row: int) -> bool:
    """Whether ``question`` names a month and the article of chunk ``row`` says others, none it names: "How long did
    the June 2017 dialogue in Washington last?" of the article on talks in Rome "ngày 14/3", which says no year."""
    return _unsaid(months_named(question), lambda: article_months(snapshot, row))


def day_missing(snapshot: Snapshot, question: str, row: int) -> bool:
    """Whether ``question`` names a day of a month and the article of chunk ``row`` says others, none it names."""
    return _unsaid(days_named(question), lambda: article_days(snapshot, row))
