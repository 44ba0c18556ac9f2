"""A Vietnamese question typed with some of its accents: "Ngoai truong My gặp ai?", "cuoc gặp ở Rome kéo dai bao lâu".
Phones and hurried typing leave accents out of some words. With diacritics, a question is matched on the accented BM25
field ("gặp" is not "gấp"), where "truong" and "cuoc" are no word at all: the first was refused at 0.001, the second at
0.30 with the right passage first, while typed without any accents both are answered at 1.0. So a question that has a
word without accents which the index writes only with them is read without diacritics, the way a question typed
without them is (``qa.language.detect`` calls it "vi-nodiac" then); the answer keeps the question as asked. A word the
text writes without accents ("an ninh", "Rome", "Blinken"), that Vietnamese writes so (the glossary's "bang", state,
in "ở bang nào", where the seeds only have "bằng") or that the text does not write at all (a name, a typo) says
nothing.
"""

from __future__ import annotations

from qa.glossary import vietnamese_syllables
from qa.language import detect, syllable_shaped
from qa.snapshot import Snapshot
from qa.text import fold, words


def partly_accented(question: str, snapshot: Snapshot) -> bool:
    """Whether a Vietnamese question with diacritics has a word typed without them that the index writes only with
    them."""
    if detect(question) != "vi":
        return False
    lexical, written = snapshot.lexical, vietnamese_syllables()
    return any(word == fold(word) and syllable_shaped(word) and word not in written
               and not lexical.accented.occurs(word) and lexical.folded.occurs(word) for word in words(question))


def as_if_unaccented(question: str, snapshot: Snapshot) -> str:
    """``question`` without diacritics when it is typed with only some of them, else as it is."""
    return fold(question) if partly_accented(question, snapshot) else question
