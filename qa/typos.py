"""A name typed one letter wrong: "Kissenger", "sulivan", "Thorton", "Tillersn". A name is what a question turns on,
and BM25 finds none of a misspelled one: "what did sulivan warn about …" was matched on its other words only. A word
of letters that no passage writes, that is no Vietnamese syllable (those are typed without accents, not misspelled),
no English word the glossary knows and no stopword, is read as the one word of the index one edit away (a letter
left out, added, changed, or two swapped) that is no Vietnamese syllable either; where two such words are equally
common, or the word is shorter than five letters, it stays as typed. The answer keeps the question as asked.
"""

from __future__ import annotations

import re
import string

from qa.glossary import renderings
from qa.language import syllable_shaped
from qa.lexical import STOPWORDS
from qa.snapshot import Snapshot

_NAME = re.compile(r"(?<![\w'’-])[A-Za-z]{5,}(?![\w'’-])")  # words of letters only: not "US-China", "Obama's"
_LETTERS = string.ascii_lowercase


def corrected(question: str, snapshot: Snapshot) -> str:
    """``question`` with each misspelled name written as the index writes it, in the case it was typed in."""
    out, at = [], 0
    for m in _NAME.finditer(question):
        right = _spelling(m.group(0).lower(), snapshot)
        if right is not None:
            typed = m.group(0)
            cased = right.upper() if typed.isupper() else right.capitalize() if typed[:1].isupper() else right
            out += [question[at : m.start()], cased]
            at = m.end()
    return "".join(out) + question[at:] if out else question


def _spelling(word: str, snapshot: Snapshot) -> str | None:
    field = snapshot.lexical.folded
    if field.occurs(word) or syllable_shaped(word) or word in STOPWORDS or renderings(word):
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
