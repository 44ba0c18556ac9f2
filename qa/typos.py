"""A name typed one letter wrong: "Kissenger", "sulivan", "Thorton", "Tillersn". A name is what a question turns on,
and BM25 finds none of a misspelled one: "what did sulivan warn about …" was matched on its other words only. A word
of six letters or more that no passage writes, that is no Vietnamese syllable (those are typed without accents, not
misspelled), no English or Vietnamese word the glossary knows, no place of ``qa/data/places.txt`` and no stopword, is
read as the one word of the index one edit away (a letter left out, added, changed, or two swapped) that is no
Vietnamese syllable either; where two such words are equally common it stays as typed. The answer keeps the question
as asked.
"""

from __future__ import annotations

import re
import string

from qa.places import is_place
from qa.glossary import renderings, vietnamese_syllables
from qa.language import syllable_shaped
from qa.stopwords import STOPWORDS
from qa.snapshot import Snapshot
from qa.text import nfc, spliced

# words of letters only (not "US-China", "Obama's"), of six or more: among five-letter names one edit apart are many
# real ones ("Sudan" and "Busan" are both one from "Susan")
_NAME = re.compile(r"(?<![\w'’-])[A-Za-z]{6,40}(?![\w'’-])")
_LETTERS = string.ascii_lowercase


def corrected(question: str, snapshot: Snapshot) -> str:
    """``question`` with each misspelled name written as the index writes it, in the case it was typed in."""
    question = nfc(question)
    return spliced(question, ((m.start(), m.end(), _cased(right, m.group(0))) for m in _NAME.finditer(question)
                              if (right := _spelling(m.group(0).lower(), snapshot)) is not None))


def _cased(word: str, typed: str) -> str:
    return word.upper() if typed.isupper() else word.capitalize() if typed[:1].isupper() else word


def _spelling(word: str, snapshot: Snapshot) -> str | None:
    field = snapshot.lexical.folded
    if (field.occurs(word) or syllable_shaped(word) or word in STOPWORDS or renderings(word)
            or word in vietnamese_syllables() or is_place(word)):  # a real word or name the index lacks
        return None
    found = {w: field.df(w) for w in _one_edit(word) if field.occurs(w) and not syllable_shaped(w)}
    if not found:
        return None
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return ranked[0][0] if len(ranked) == 1 or ranked[0][1] > ranked[1][1] else None


def _one_edit(word: str) -> set[str]:
    """Every word one letter left out, added or changed, or two adjacent letters swapped, away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS}) - {word}
