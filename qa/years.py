"""A year the question names that the article never says: "How long did the June 2017 dialogue in Washington last?"
is not answered by an article of 2022 on talks in Rome, however well its words match ("kéo dài 7 tiếng tại Rome").

A question that names a year ("năm 2017", "tháng 6/2017", "in March 2021") asks about that time. An article that
says years, but none of those the question names, neither in its text nor in its date, is about another time: its
passages are less sure (``qa.evidence.MISSING_YEAR``), as a passage lacking one of an English question's names is. A
year is a condition here, not a word to match in the passage: the article gives it once ("hồi tháng 4/2017") and its
other passages, or only its dateline, do not repeat it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.snapshot import Snapshot

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
    named = years_named(question)
    if not named:
        return False
    said = article_years(snapshot, row)
    return bool(said) and named.isdisjoint(said)
