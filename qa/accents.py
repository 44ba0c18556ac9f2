"""Accents as the index writes them. Vietnamese places the tone of a final "oa", "oe", "uy" by two conventions
("hòa bình" / "hoà bình", "Ủy viên" / "Uỷ viên"), keyboards and papers follow either, and a question typed the other
way than its article is matched on the accented field only through the folded one; a toned "i" and "y" alike after
one consonant ("Mỹ" / "Mĩ", "lý do" / "lí do"). A word the index writes only the other way is written so (``respelled``);
where passages mix both conventions, the index has both and nothing is respelled (the folded field still matches).

A Vietnamese question typed with some of its accents: "Ngoai truong My gặp ai?", "cuoc gặp ở Rome kéo dai bao lâu".
Phones and hurried typing leave accents out of some words. With diacritics, a question is matched on the accented BM25
field ("gặp" is not "gấp"), where "truong" and "cuoc" are no word at all: the first was refused at 0.001, the second at
0.30 with the right passage first, while typed without any accents both are answered at 1.0. So a question that has a
word without accents which the index writes only with them is read without diacritics, the way a question typed
without them is (``qa.language.detect`` calls it "vi-nodiac" then); the answer keeps the question as asked. A word the
text writes without accents ("an ninh", "Rome", "Blinken"), that Vietnamese writes so (the glossary's "bang", state,
in "ở bang nào", where the seeds only have "bằng") or that the text does not write at all (a name, a typo) says
nothing. An English question with a Vietnamese name in it can be read as Vietnamese (``qa.language.detect``): its
"on", "the" are no words of the accented field, so it is read without diacritics too, where its Vietnamese words
still match ("Blinken raised attacks on ships in the Biển Đỏ - who carried them out?" was refused at 0.03, is
answered at 0.98).
"""

from __future__ import annotations

from qa.glossary import vietnamese_syllables
from qa.language import detect, syllable_shaped
from qa.snapshot import Snapshot
from qa.text import fold, nfc, other_spellings, spliced, word_matches, words


def partly_accented(question: str, snapshot: Snapshot) -> bool:
    """Whether a Vietnamese question with diacritics has a word typed without them that the index writes only with
    them."""
    if detect(question) != "vi":
        return False
    lexical, written = snapshot.lexical, vietnamese_syllables()
    return any(word == fold(word) and syllable_shaped(word) and word not in written
               and not lexical.accented.occurs(word) and lexical.folded.occurs(word) for word in words(question))


def as_the_index_accents(question: str, snapshot: Snapshot) -> str:
    """``question`` with its tone marks placed as the index places them, then without diacritics when it is typed with
    only some of them."""
    question = respelled(nfc(question), snapshot)
    return fold(question) if partly_accented(question, snapshot) else question


def respelled(question: str, snapshot: Snapshot) -> str:
    """``question`` with each word that the index writes only the other way ("hoà" where the index has "hòa", "Mĩ"
    where it has "Mỹ", ``qa.text.other_spellings``) written so."""
    if detect(question) != "vi":  # "my" in English, "mi" typed without accents
        return question
    occurs = snapshot.lexical.accented.occurs
    return spliced(question, ((m.start(), m.end(), other) for m in word_matches(question) if not occurs(m.group(0).lower())
                              and (other := next((o for o in other_spellings(m.group(0)) if occurs(o.lower())), None))))
