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
from qa.text import bigrams, fold, nfc, spliced, words

_WORD = re.compile(r"(?<!\w)[A-Za-z]+(?:[-'’][A-Za-z]+)*(?!\w)")  # unaccented words, not the "g" of "gặp"
_LONGEST = 4  # words in a name: "Mao Zedong", "Xi Jinping", "Tsai Ing-wen"


def as_the_news_writes(question: str, snapshot: Snapshot) -> str:
    """``question`` with each name it writes the international way replaced by the form the index writes (a question
    in English as it is: the glossary reads all of it)."""
    question = nfc(question)
    language = detect(question)
    if language == "other":
        return question
    found = list(_WORD.finditer(question))
    heads = name_heads()
    edits, i = [], 0
    while i < len(found):
        if found[i].group(0).lower() not in heads:  # most words begin no name the glossary knows
            i += 1
            continue
        for n in range(min(_LONGEST, len(found) - i), 0, -1):
            run = found[i : i + n]
            typed = question[run[0].start() : run[-1].end()]
            if _one_name(question, run) and (written := _as_written(typed, snapshot)):
                written = written.lower() if typed.islower() else written  # "yang jiechi": "dương khiết trì"
                edits.append((run[0].start(), run[-1].end(), fold(written) if language == "vi-nodiac" else written))
                i += n
                break
        else:
            i += 1
    return spliced(question, edits)


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
