"""A person asked for by their office: "Vị tướng Trung Quốc nào …?", "Ngoại trưởng Mỹ nào …?", "ai la nguoi phat
ngon …", "Which general …?" (the glossary's Vietnamese for an English question: "tướng").

The answer is the name the office heads in the text ("Tham mưu trưởng …, tướng Phòng Phong Huy", "Ngoại trưởng Mỹ Rex
Tillerson"), not any name: a sentence on "Tổng thống Mỹ Donald Trump" named someone, and was picked for "Vị tướng
Trung Quốc nào …?". Offices are compared by kind: "người phát ngôn", "phát ngôn viên" and "phát ngôn" are one; so are
"ngoại trưởng" and "bộ trưởng ngoại giao"; a plain "bộ trưởng" asked is any minister. The embassy ("đại sứ quán") is
no ambassador."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.snapshot import Snapshot
from qa.text import fold, has_diacritics, nfc
from qa.titles import ACCENTED_ONLY, TITLE_WORDS

# longest first, so that "bộ trưởng ngoại giao" is read whole; "đại sứ quán" is matched to be passed over
_WORDS = sorted({*TITLE_WORDS.split("|"), "bộ trưởng ngoại giao", "bộ trưởng quốc phòng", "đại sứ quán"},
                key=len, reverse=True)
_NOT_OFFICE = frozenset({"dai su quan"})
_SAME = {"nguoi phat ngon": "phat ngon", "phat ngon vien": "phat ngon", "bo truong ngoai giao": "ngoai truong"}
_MINISTER = {"ngoai truong": "bo truong"}  # a kind of minister, whichever way it is written
# typed without accents, a few are other words: "tuong" (tưởng, thought), "thi truong" (thị trường, market), and
# "vua" asked for is mostly "vừa" (just)
_AMBIGUOUS_FOLDED = frozenset({*map(fold, ACCENTED_ONLY), "vua"})
_ACCENTED = re.compile(rf"(?<!\w)(?:{'|'.join(_WORDS)})(?!\w)")
_FOLDED = re.compile(rf"(?<!\w)(?:{'|'.join(fold(w) for w in _WORDS)})(?!\w)")
# whose words the question cites is not whom it asks for: "Theo phát ngôn viên Bộ Ngoại giao Trung Quốc, … là trách
# nhiệm của ai?"
_CITED = re.compile(r"(?:theo|according to)(?:\s+(?:lời|the|a|an|các|một|vị|ông|bà|ong|ba|loi|cac|mot|vi))*\s+$")


def _kind(office: str) -> str:
    folded = fold(office)
    return _SAME.get(folded, folded)


@lru_cache(maxsize=4096)
def asked_offices(question: str) -> frozenset[str]:
    """The kinds of office the question names (folded: "ngoai truong", "tuong", "phat ngon"), read with its accents
    where it has them."""
    text = nfc(question).lower()
    accents = has_diacritics(text)
    if not accents:
        text = fold(text)
    matches = (_ACCENTED if accents else _FOLDED).finditer(text)
    found = {_kind(m.group(0)) for m in matches if not _CITED.search(fold(text[max(0, m.start() - 30) : m.start()]))}
    return frozenset(found - _NOT_OFFICE - (frozenset() if accents else _AMBIGUOUS_FOLDED))


def folded_offices_in(text: str) -> list[tuple[int, str]]:
    """``offices_in`` of a text typed without accents (folded, lower case): the words that are others too
    ("tuong", "thi truong") are passed over."""
    return [(m.end(), kind) for m in _FOLDED.finditer(text)
            if (kind := _kind(m.group(0))) not in _NOT_OFFICE and kind not in _AMBIGUOUS_FOLDED]


def offices_in(sentence: str) -> list[tuple[int, str]]:
    """Where each office in the sentence (NFC, as written) ends, with its kind."""
    return [(m.end(), kind) for m in _ACCENTED.finditer(sentence.lower())
            if (kind := _kind(m.group(0))) not in _NOT_OFFICE]


def same_office(written: str, asked: frozenset[str]) -> bool:
    """Whether an office of this kind is one asked: the same, or a kind of it ("bo truong quoc phong" of "bo truong";
    "ngoai truong", the foreign minister, too)."""
    return any(written == a or written.startswith(a + " ") or _MINISTER.get(written) == a for a in asked)


def article_offices(snapshot: Snapshot, row: int) -> frozenset[str]:
    """The kinds of office the article of chunk ``row`` names anywhere on its page."""
    return snapshot.per_document("offices", row, lambda _, text: frozenset(kind for _, kind in offices_in(text)))
