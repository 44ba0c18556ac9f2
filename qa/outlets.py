"""An outlet a question names ("Theo VOV, ...", "Trong bài của báo Tổ Quốc, ...", "In the CLO report, ...") picks
the articles it ran: their passages come first. The name is on the page's outlet tag, which the cleaning drops from
the article's text, so where no passage holds it, it is left out of the question: a word no passage can have only
lowered the evidence of the right one ("Trong bài của VOV, ông Dương Khiết Trì mang chức danh gì?" was answered
from another outlet's article on him).

The outlets are the documents' ``source`` fields, without a domain ("VOV.VN" is "VOV"). A question with capitals
names one as written, case and all ("Tổ Quốc", not "bảo vệ Tổ quốc"); one typed in lower case only after a word
that says an outlet follows ("theo vov", "bao to quoc").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from qa.snapshot import Snapshot
from qa.text import fold, nfc, words

T = TypeVar("T")
_DOMAIN = re.compile(r"\.(?:com|net|org|info|tv|vn)(?:\.vn)?$", re.IGNORECASE)
_CUE = r"(?:bao|theo|cua|tren|tu|bai|trang|hang)"  # "báo", "theo", "của", "trên", "từ", "bài", "trang", "hãng"
# the words around a name that refer to the outlet's article ("Trong bài của báo VOV", "the CLO report on"): they go
# with it
_BEFORE = re.compile(r"(?:(?:trong|theo|tren|o|in|from|according to|by)\s+)?(?:(?:the|a|an)\s+)?(?:(?:bai bao|bai viet|"
                     r"ban tin|bai|tin)\s+)?(?:(?:cua|tren|theo|tu|dang tren)\s+)?(?:(?:bao|to bao|to|trang|hang)\s+)?$")
_AFTER = re.compile(r"^(?:['’]s)?(?:\s+(?:article|report|story|piece)s?(?:\s+(?:on|about|of))?)?")


def _outlets(snapshot: Snapshot) -> dict[str, frozenset[str]]:
    """Each outlet's name (as its tag writes it, without a domain) and the documents it ran; once per snapshot."""
    found = snapshot.memo.get(("outlets",))
    if found is None:
        by_name: dict[str, set[str]] = {}
        for meta in snapshot.docs.values():
            name = _DOMAIN.sub("", (meta.source or "").strip())
            if len(name) >= 2 and any(c.isalpha() for c in name):
                by_name.setdefault(name, set()).add(meta.doc_id)
        found = {name: frozenset(docs) for name, docs in by_name.items()}
        snapshot.memo[("outlets",)] = found
    return found  # type: ignore[return-value]


def named_outlet(question: str, snapshot: Snapshot) -> tuple[tuple[int, int], frozenset[str]] | None:
    """Where the question names an outlet of the index, and the documents that outlet ran; None when it names none."""
    outlets = _outlets(snapshot)
    if not outlets:
        return None
    capitals = any(c.isupper() for c in question)
    low = fold(question).lower()
    for name, docs in outlets.items():
        if capitals:
            m = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question)
        else:
            m = re.search(rf"(?<!\w){_CUE}\s+({re.escape(fold(name).lower())})(?!\w)", low)
        if m is not None:
            return m.span(m.lastindex or 0), docs
    return None


def without_outlet(question: str, snapshot: Snapshot) -> tuple[str, frozenset[str]]:
    """The question without the outlet it names where no passage has that name, and the outlet's documents
    (none when it names no outlet)."""
    question = nfc(question)
    found = named_outlet(question, snapshot)
    if found is None:
        return question, frozenset()
    (start, end), docs = found
    if any(snapshot.lexical.folded.occurs(token) for token in words(fold(question[start:end]).lower())):
        return question, docs
    low = fold(question).lower()  # as long as the question (NFC): the same offsets
    start = _BEFORE.search(low[:start]).start()  # type: ignore[union-attr]  # it matches "" at least
    end += _AFTER.match(low[end:]).end()  # type: ignore[union-attr]
    return f"{question[:start]} {question[end:]}", docs


def outlet_first(items: Sequence[T], docs: frozenset[str], doc_of: Callable[[T], str]) -> list[T]:
    """``items`` with those from ``docs`` first, each group in its order."""
    if not docs:
        return list(items)
    return [x for x in items if doc_of(x) in docs] + [x for x in items if doc_of(x) not in docs]
