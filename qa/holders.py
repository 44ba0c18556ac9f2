"""An office of a country asked for ("Ai là Ngoại trưởng Hàn Quốc …?", "Who was South Korea's president …?", "the US
ambassador to China") and the countries whose office the article names ("Ngoại trưởng Mỹ Antony Blinken", "Bộ trưởng
Quốc phòng Hàn Quốc …"): an article on talks that names only the US foreign minister does not say who South Korea's
is, however well the rest of the question matches (``qa.evidence.HOLDER_UNSAID``).

The country is the known place (``qa.places``) written right after the office, as Vietnamese news writes it. An
office written without one ("ngoại trưởng Blinken") takes the country the articles write before the same name
elsewhere ("Ngoại trưởng Mỹ Antony Blinken"), when they all write one and the same; else it may be any country's. Every
bundled set about the seeds (2,251 questions, lexical): 2 more unanswerable questions abstain ("Who is South Korea's
foreign minister?" was answered from "ngoại trưởng Blinken"), no other answer changed; XQuAD unchanged. A question
typed without accents is read by the known place right after its office, without accents ("dai su trung quoc"): two
more unanswerable seed questions abstain, nothing else changed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from qa.glossary import renderings, translate
from qa.offices import asked_offices, folded_offices_in, offices_in, same_office
from qa.places import folded_place_after, place_spans
from qa.snapshot import Snapshot
from qa.text import fold, has_diacritics, nfc

Holder = tuple[str, str | None]  # an office's kind ("ngoai truong") and its country, folded ("han quoc"), or None

_EN_OFFICES = r"president|prime minister|premier|foreign minister|defen[cs]e minister|defen[cs]e secretary|ambassador"
# "South Korea's foreign minister", "the US ambassador", "China's ambassador", "South Korean president", "Japan's Prime
# Minister"
_EN_HOLDER = re.compile(rf"\b((?:[A-Z][\w.]*)(?:\s+[A-Z][\w.]*)*?)(?:['’]s)?\s+((?i:{_EN_OFFICES}))\b")
# the same country by another name ("Mỹ" is "Hoa Kỳ"): each as the others
_SAME_COUNTRY = (frozenset({"my", "hoa ky"}),)

PEOPLE_ROWS = 50
_NAME_WORD = re.compile(r"\s*([^\W\d_][\w-]*)")


def _country(text: str, end: int) -> tuple[str | None, int]:
    """The known place written right after position ``end`` (an office's end), folded, or None; and where it ends."""
    rest = text[end : end + 40]
    spans = place_spans(rest)
    if spans and not rest[: spans[0][0]].strip():
        return fold(rest[spans[0][0] : spans[0][1]]).lower(), end + spans[0][1]
    return None, end


def _name_after(text: str, end: int) -> str | None:
    """The last word of the name written right after ``end`` (its capitalised words: "Blinken" of "Antony Blinken")."""
    last = None
    while (m := _NAME_WORD.match(text, end)) and m.group(1)[0].isupper():
        last, end = m.group(1), m.end()
    return last


def _named(text: str) -> tuple[tuple[str, str | None, str | None], ...]:
    """Each office the text names: its kind, its country (or None) and the name after it (or None)."""
    found = []
    for end, kind in offices_in(text):
        country, after = _country(text, end)
        found.append((kind, country, _name_after(text, after)))
    return tuple(found)


def _holders(text: str) -> frozenset[Holder]:
    return frozenset((kind, country) for kind, country, _ in _named(text))


@lru_cache(maxsize=4096)
def asked_holders(question: str) -> frozenset[tuple[str, str]]:
    """The offices of a country the question asks about: (kind, country folded)."""
    text = nfc(question)
    if has_diacritics(text):
        return frozenset((kind, country) for kind, country in _holders(text) if country)
    found = set()
    folded = fold(text).lower()  # typed without accents: "dai su trung quoc", "ngoai truong han quoc"
    for end, kind in folded_offices_in(folded):
        if (place := folded_place_after(folded, end)) is not None:
            found.add((kind, place[0]))
    for m in _EN_HOLDER.finditer(text):
        kinds = asked_offices(" ".join(translate(m.group(2).lower())))
        for country in renderings(m.group(1)):
            found.update((kind, fold(country).lower()) for kind in kinds)
    return frozenset(found)


def article_holders(snapshot: Snapshot, row: int) -> frozenset[Holder]:
    """The offices the article of chunk ``row`` names, each with its country where one is written after it."""
    return frozenset((kind, country or (name and _country_of(snapshot, name)) or None)
                     for kind, country, name in _named_in(snapshot, row))


def _named_in(snapshot: Snapshot, row: int) -> tuple[tuple[str, str | None, str | None], ...]:
    return snapshot.per_document("holders", row, lambda _, text: _named(text))  # type: ignore[return-value]


def _country_of(snapshot: Snapshot, name: str) -> str | None:
    """The one country whose office any article writes right before ``name`` ("Ngoại trưởng Mỹ Antony Blinken"), or
    None; the articles read are those the name's BM25 finds (``PEOPLE_ROWS`` passages at most), once per name."""
    key = ("holder-country", name)
    if (found := snapshot.memo.get(key, "")) != "":
        return found  # type: ignore[return-value]
    scores = snapshot.lexical.scores(name, diacritics=has_diacritics(name))
    rows = np.flatnonzero(scores > 0)
    rows = rows[np.argsort(-scores[rows], kind="stable")[:PEOPLE_ROWS]]
    docs = {snapshot.chunks.doc_id(int(r)): int(r) for r in rows}
    countries = {_one_name(country) for row in docs.values() for _, country, after in _named_in(snapshot, row)
                 if after == name and country}
    found = snapshot.memo[key] = next(iter(countries)) if len(countries) == 1 else None
    return found


def _one_name(country: str) -> str:
    """A country by one of its names ("hoa ky" as "my"): two articles that name it otherwise agree."""
    return next((min(group, key=lambda n: (len(n), n)) for group in _SAME_COUNTRY if country in group), country)


def _same_country(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME_COUNTRY)


def holder_unsaid(asked: frozenset[tuple[str, str]], named: frozenset[Holder]) -> bool:
    """Whether no office of a country asked (the renderings of one: "president" is "tổng thống" or "chủ tịch") is
    named in the article, with that country or without one."""
    def said(office: str, wanted: str) -> bool:
        return any(same_office(kind, frozenset({office})) and (country is None or _same_country(country, wanted))
                   for kind, country in named)

    return bool(asked) and not any(said(office, wanted) for office, wanted in asked)
