"""An office of a country asked for ("Ai là Ngoại trưởng Hàn Quốc …?", "Who was South Korea's president …?", "the US
ambassador to China") and the countries whose office the article names ("Ngoại trưởng Mỹ Antony Blinken", "Bộ trưởng
Quốc phòng Hàn Quốc …"): an article on talks that names only the US foreign minister does not say who South Korea's
is, however well the rest of the question matches (``qa.evidence.HOLDER_UNSAID``).

The country is the known place (``qa.places``) written right after the office, as Vietnamese news writes it; an
office written without one ("ngoại trưởng Blinken") may be any country's. A question typed without accents is not
read: its places are not told from its other words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.glossary import renderings, translate
from qa.offices import asked_offices, offices_in, same_office
from qa.places import place_spans
from qa.snapshot import Snapshot
from qa.text import fold, has_diacritics, nfc

Holder = tuple[str, str | None]  # an office's kind ("ngoai truong") and its country, folded ("han quoc"), or None

_EN_OFFICES = r"president|prime minister|premier|foreign minister|defen[cs]e minister|defen[cs]e secretary|ambassador"
# "South Korea's foreign minister", "the US ambassador", "China's ambassador", "South Korean president", "Japan's Prime
# Minister"
_EN_HOLDER = re.compile(rf"\b((?:[A-Z][\w.]*)(?:\s+[A-Z][\w.]*)*?)(?:['’]s)?\s+((?i:{_EN_OFFICES}))\b")
# the same country by another name ("Mỹ" is "Hoa Kỳ"): each as the others
_SAME_COUNTRY = (frozenset({"my", "hoa ky"}),)


def _country(text: str, end: int) -> str | None:
    """The known place written right after position ``end`` (an office's end), folded, or None."""
    rest = text[end : end + 40]
    spans = place_spans(rest)
    if spans and not rest[: spans[0][0]].strip():
        return fold(rest[spans[0][0] : spans[0][1]]).lower()
    return None


def _holders(text: str) -> frozenset[Holder]:
    return frozenset((kind, _country(text, end)) for end, kind in offices_in(text))


@lru_cache(maxsize=4096)
def asked_holders(question: str) -> frozenset[tuple[str, str]]:
    """The offices of a country the question asks about: (kind, country folded)."""
    text = nfc(question)
    if has_diacritics(text):
        return frozenset((kind, country) for kind, country in _holders(text) if country)
    found = set()
    for m in _EN_HOLDER.finditer(text):
        kinds = asked_offices(" ".join(translate(m.group(2).lower())))
        for country in renderings(m.group(1)):
            found.update((kind, fold(country).lower()) for kind in kinds)
    return frozenset(found)


def article_holders(snapshot: Snapshot, row: int) -> frozenset[Holder]:
    """The offices the article of chunk ``row`` names, each with its country where one is written after it."""
    return snapshot.per_document("holders", row, lambda _, text: _holders(text))  # type: ignore[return-value]


def _same_country(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME_COUNTRY)


def holder_unsaid(asked: frozenset[tuple[str, str]], named: frozenset[Holder]) -> bool:
    """Whether no office of a country asked (the renderings of one: "president" is "tổng thống" or "chủ tịch") is
    named in the article, with that country or without one."""
    def said(office: str, wanted: str) -> bool:
        return any(same_office(kind, frozenset({office})) and (country is None or _same_country(country, wanted))
                   for kind, country in named)

    return bool(asked) and not any(said(office, wanted) for office, wanted in asked)
