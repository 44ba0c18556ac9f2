"""Names a Vietnamese question writes the international way, read as the news writes them: "Jake Sullivan gặp Yang
Jiechi ở đâu?" asks about Dương Khiết Trì, "Beijing muon gi" about Bắc Kinh. Vietnamese news reads Chinese names in
Sino-Vietnamese and many places in their Vietnamese form, whereas people who read the news in English type them as
English does; BM25 finds no such word in the index, and the question was refused at 0.05 with the wrong article.

The English glossary's names (``qa.glossary.renderings``, "yang jiechi" -> "Dương Khiết Trì") give the Vietnamese. A
name is replaced only where the index never writes it and does write its rendering, so "Rome" or "Blinken", which the
news writes as English does, stay as typed. A name is a run of unaccented words: two or more ("Yang Jiechi", "yang
jiechi") or one capitalised that is no Vietnamese syllable ("Beijing"; "Tao muốn biết …" is a syllable typed bare); the rendering is in lower case where the name was typed so, and without diacritics in a
question typed without them.
"""

from __future__ import annotations

import re

from qa.glossary import name_heads, renderings
from qa.language import detect, syllable_shaped
from qa.snapshot import Snapshot
from qa.text import bigrams, fold, longest_first, nfc, spliced, words

_WORD = re.compile(r"(?<!\w)[A-Za-z]+(?:[-'’][A-Za-z]+)*(?!\w)")  # unaccented words, not the "g" of "gặp"
_LONGEST = 4  # words in a name: "Mao Zedong", "Xi Jinping", "Tsai Ing-wen"


def as_the_news_writes(question: str, snapshot: Snapshot) -> str:
    """``question`` with each name it writes the international way replaced by the form the index writes (a question
    in English as it is: the glossary reads all of it)."""
    question = nfc(question)
    language = detect(question)
    if language == "other":
        return question
    found, heads = list(_WORD.finditer(question)), name_heads()

    def written(i: int, n: int) -> str | None:  # most words begin no name the glossary knows
        run = found[i : i + n]
        if found[i].group(0).lower() not in heads or not _one_name(question, run):
            return None
        typed = question[run[0].start() : run[-1].end()]
        if (rendering := _as_written(typed, snapshot)) is None:
            return None
        rendering = rendering.lower() if typed.islower() else rendering  # "yang jiechi": "dương khiết trì"
        return fold(rendering) if language == "vi-nodiac" else rendering

    return spliced(question, ((found[i].start(), found[i + n - 1].end(), rendering)
                              for i, n, rendering in longest_first(len(found), _LONGEST, written)))


def _one_name(question: str, run: list[re.Match[str]]) -> bool:
    """Whether the words of ``run`` can be one name: next to each other (only spaces between), and two words or more
    or a capitalised one that is no Vietnamese syllable ("Beijing"; not "Tao muốn biết …", a syllable typed bare)."""
    if any(question[a.end() : b.start()].strip() for a, b in zip(run, run[1:])):
        return False
    word = run[0].group(0)
    return len(run) > 1 or (word[:1].isupper() and not syllable_shaped(word.lower()))


def _as_written(name: str, snapshot: Snapshot) -> str | None:
    """The glossary's rendering of ``name`` that the index writes, when the index never writes ``name`` itself."""
    if _written(fold(name).lower(), snapshot):
        return None
    return next((rendering for rendering in renderings(name)
                 if rendering[:1].isupper() and _written(fold(rendering).lower(), snapshot)), None)


def _written(phrase: str, snapshot: Snapshot) -> bool:
    """Whether a passage writes ``phrase`` (folded), its words next to each other: the index holds every pair of
    adjacent words as a term, so "Uông Dương" is not written where "Uông" and "Dương" only occur apart."""
    tokens = words(phrase)
    return all(map(snapshot.lexical.folded.occurs, bigrams(tokens) if len(tokens) > 1 else tokens))
