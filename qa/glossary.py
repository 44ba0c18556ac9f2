"""Vietnamese words for an English question, so that BM25 can match it against Vietnamese text.

BM25 matches an English question with a Vietnamese article only through its names and numbers: "How
many points did the Panthers defense surrender?" shares "Panthers" with the article and nothing else.
Without a multilingual encoder (the default model is not in the cache, or ``QA_MODE=lexical``) that is
all retrieval has; with one, the glossary still helps the lexical half of hybrid retrieval.
``translate`` looks each English content word up in a glossary of common words
(``qa/data/glossary-en-vi.tsv``: "points" -> "điểm", "defense" -> "phòng thủ | quốc phòng") and
returns the Vietnamese phrases; retrieval scores them as a second, accented query beside the
English one (``qa.retrieval.lexical_scores``), and the answer sentence is picked on both
(``qa.answers.SentencePicker``). In the confidence they count 0.3 of the question's own words, times
the share of the question's words the glossary knows (``known_share``; ``qa.answers.GLOSS_EVIDENCE``):
common words occur in almost any article, and must not make an unrelated one look answered.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from qa.lexical import STOPWORDS
from qa.text import nfc, words

GLOSSARY = Path(__file__).with_name("data") / "glossary-en-vi.tsv"
IRREGULAR = GLOSSARY.with_name("english-irregular.tsv")  # "fled" -> "flee", "children" -> "child"


def _rows(path: Path) -> list[tuple[str, str]]:
    """The (first column, second column) pairs of a tab-separated data file, "#" lines left out."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, _, second = line.partition("\t")
            rows.append((first.strip().lower(), second))
    return rows


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for english, vietnamese in _rows(GLOSSARY):
        phrases = tuple(nfc(p.strip()) for p in vietnamese.split("|") if p.strip())
        if english and phrases:
            table[english] = phrases
    return table


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    return {form: lemma.strip().lower() for form, lemma in _rows(IRREGULAR) if form and lemma.strip()}


def _forms(word: str) -> list[str]:
    """The word and the stems it may be an inflection of, most likely first ("treaties" -> "treaty"): the
    word itself first ("found" is in the glossary as found), then an irregular form's dictionary word."""
    forms = [word]  # the longer stem first: "planes" is "plane" (not "plan"), "cared" "care" (not "car")
    lemma = _irregular().get(word)
    if lemma:
        forms.append(lemma)
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("ied"):
        forms.append(word[:-3] + "y")
    if word.endswith("ed"):
        forms += [word[:-1], word[:-2], word[:-3]]  # "used", "played", "planned"
    if word.endswith("ing"):
        forms += [word[:-3] + "e", word[:-3], word[:-4]]  # "making", "playing", "running"
    if word.endswith("ly"):
        forms.append(word[:-2])
    return forms


def _base(word: str) -> str:
    """An English possessive is its noun: "England's" is looked up as "england"."""
    return word.removesuffix("'s").removesuffix("’s")


def _entry(word: str) -> str | None:
    """The glossary word that ``word`` is, or is a form of (None: the glossary does not know it)."""
    table = _table()
    return next((form for form in _forms(word) if form in table), None)


@lru_cache(maxsize=4096)
def translate(text: str) -> tuple[str, ...]:
    """The Vietnamese phrases for the English words of ``text`` that the glossary knows, in order, each once."""
    table = _table()
    phrases: dict[str, None] = {}
    for entry in filter(None, map(_entry, map(_base, words(text)))):
        phrases.update(dict.fromkeys(table[entry]))
    return tuple(phrases)


@lru_cache(maxsize=4096)
def known_share(text: str) -> float:
    """The share of the words of ``text`` that the glossary translates: how much of an English question its
    Vietnamese phrases stand for. Words of letters only count, names and unknown words among them; question
    words and other stopwords, numbers and hyphenated tokens do not. "What did Wang Yi and Blinken agree to
    prevent?": 2 of 5 ("agree", "prevent")."""
    content = [w for w in map(_base, words(text)) if w not in STOPWORDS and w.isalpha()]
    return sum(_entry(w) is not None for w in content) / len(content) if content else 0.0
