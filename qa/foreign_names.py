"""Names a Vietnamese question writes the international way, read as the news writes them: "Jake Sullivan gặp Yang
Jiechi ở đâu?" asks about Dương Khiết Trì, "Beijing muon gi" about Bắc Kinh. Vietnamese news reads Chinese names in
Sino-Vietnamese and many places in their Vietnamese form, whereas people who read the news in English type them as
English does; BM25 finds no such word in the index, and the question was refused at 0.05 with the wrong article.

The English glossary's names (``qa.glossary.renderings``, "yang jiechi" -> "Dương Khiết Trì") give the Vietnamese. A
name is replaced only where the index never writes it and does write its rendering, so "Rome" or "Blinken", which the
news writes as English does, stay as typed. A name is a run of unaccented words, capitalised ("Yang Jiechi", "Beijing")
or, typed in lower case, of two words or more ("yang jiechi": one lower-case word is as likely a Vietnamese syllable
typed without its accents); the rendering is in lower case where the name was typed so, and without diacritics in a
question typed without them.
"""

from __future__ import annotations

import re

from qa.glossary import name_heads, renderings
from qa.language import detect
from qa.snapshot import Snapshot
from qa.text import bigrams, fold, words

_WORD = re.compile(r"(?<!\w)[A-Za-z]+(?:[-'’][A-Za-z]+)*(?!\w)")  # unaccented words, not the "g" of "gặp"
_LONGEST = 4  # words in a name: "Mao Zedong", "Xi Jinping", "Tsai Ing-wen"


def as_the_news_writes(question: str, snapshot: Snapshot) -> str:
    """``question`` with each name it writes the international way replaced by the form the index writes (a question
    in English as it is: the glossary reads all of it)."""
    language = detect(question)
    if language == "other":
        return question
    found = list(_WORD.finditer(question))
    heads = name_heads()
    out, at, i = [], 0, 0
    while i < len(found):
        if found[i].group(0).lower() not in heads:  # most words begin no name the glossary knows
            i += 1
            continue
        for n in range(min(_LONGEST, len(found) - i), 0, -1):
            run = found[i : i + n]
            typed = question[run[0].start() : run[-1].end()]
            if _one_name(question, run) and (written := _as_written(typed, snapshot)):
                written = written.lower() if typed.islower() else written  # "yang jiechi": "dương khiết trì"
                out += [question[at : run[0].start()], fold(written) if language == "vi-nodiac" else written]
                at, i = run[-1].end(), i + n
                break
        else:
            i += 1
    return "".join(out) + question[at:]


def _one_name(question: str, run: list[re.Match[str]]) -> bool:
    """Whether the words of ``run`` can be one name: next to each other (only spaces between), and two words or more
    or a capitalised one."""
    if any(question[a.end() : b.start()].strip(" ") for a, b in zip(run, run[1:])):
        return False
    return len(run) > 1 or run[0].group(0)[:1].isupper()


def _as_written(name: str, snapshot: Snapshot) -> str | None:
    """The glossary's rendering of ``name`` that the index writes, when the index never writes ``name`` itself."""
    if all(snapshot.lexical.folded.occurs(token) for token in words(name.lower())):
        return None
    return next((rendering for rendering in renderings(name)
                 if rendering[:1].isupper() and _written(fold(rendering).lower(), snapshot)), None)


def _written(phrase: str, snapshot: Snapshot) -> bool:
    """Whether a passage writes ``phrase`` (folded), its words next to each other: the index holds every pair of
    adjacent words as a term, so "Uông Dương" is not written where "Uông" and "Dương" only occur apart."""
    tokens = words(phrase)
    return all(map(snapshot.lexical.folded.occurs, bigrams(tokens) if len(tokens) > 1 else tokens))
