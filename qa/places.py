"""Known place names (``data/places.txt``: countries, regions, seas, capitals and large cities, as Vietnamese news
writes them): where a sentence names one, whether a word or a text's first word is one. Answer typing tells a place
from a person with them (``qa.answer_type``); typo correction and follow-ups read them too."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from qa.text import fold, nfc, word_matches

PLACES = Path(__file__).parent / "data" / "places.txt"


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[tuple[tuple[str, ...], tuple[bool, ...]], ...]]:
    """The place names of PLACES as lower-case words, by their first word, the longest first, each with which of
    its words are capitalised (they must be in the sentence too: "Pháp" is France, "pháp luật" is law)."""
    found: dict[str, set[tuple[tuple[str, ...], tuple[bool, ...]]]] = {}
    for line in PLACES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words = [m.group(0) for m in word_matches(nfc(line))]
            name = (tuple(w.lower() for w in words), tuple(w[0].isupper() for w in words))
            found.setdefault(name[0][0], set()).add(name)
    return {first: tuple(sorted(names, key=lambda n: len(n[0]), reverse=True)) for first, names in found.items()}


def is_place(word: str) -> bool:
    """Whether a word, in any case and with or without accents, is a place name of one word ("Sudan", "busan")."""
    return fold(word).lower() in _one_word_places()


@lru_cache(maxsize=1)
def _one_word_places() -> frozenset[str]:
    return frozenset(fold(name[0]) for names in _places().values() for name, _ in names if len(name) == 1)


def begins_with_place(text: str) -> bool:
    """Whether the text's first word begins a known place ("Rome?", "Triều Tiên thì sao?")."""
    spans = place_spans(text)
    first = next(word_matches(text), None)
    return bool(spans and first and spans[0][0] == first.start())


def place_spans(sentence: str) -> tuple[tuple[int, int], ...]:
    """Where the sentence names a known place: each name's (start, end), the longest name at each word."""
    places, spans = _places(), []
    words = list(word_matches(sentence))
    lower = [m.group(0).lower() for m in words]
    upper = [m.group(0)[0].isupper() for m in words]

    def size_at(i: int) -> int:
        for name, capitals in places.get(lower[i], ()):
            n = len(name)
            if tuple(lower[i : i + n]) == name and all(upper[i + k] for k in range(n) if capitals[k]):
                return n
        return 0

    i = 0
    while i < len(words):
        size = size_at(i)
        if size:
            spans.append((words[i].start(), words[i + size - 1].end()))
        i += size or 1
    return tuple(spans)


def folded_place_after(text: str, end: int) -> tuple[str, int] | None:
    """The known place whose name (typed without accents) the words right after position ``end`` of a folded,
    lower-case text are, the longest: its name and where it ends ("dai su trung quoc tai ...": "trung quoc")."""
    words = list(word_matches(text[end : end + 40]))
    if not words or text[end : end + words[0].start()].strip():
        return None
    lower = [m.group(0) for m in words]
    for name in _folded_places().get(lower[0], ()):
        if tuple(lower[: len(name)]) == name:
            return " ".join(name), end + words[len(name) - 1].end()
    return None


@lru_cache(maxsize=1)
def _folded_places() -> dict[str, tuple[tuple[str, ...], ...]]:
    found: dict[str, set[tuple[str, ...]]] = {}
    for names in _places().values():
        for name, _ in names:
            folded = tuple(fold(w) for w in name)
            found.setdefault(folded[0], set()).add(folded)
    return {first: tuple(sorted(names, key=len, reverse=True)) for first, names in found.items()}


def load() -> None:
    """Read the list now (a server's warm-up)."""
    _places()
