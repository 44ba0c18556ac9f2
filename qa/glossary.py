"""Vietnamese words for an English question, so that BM25 can match it against Vietnamese text.

BM25 matches an English question with a Vietnamese article only through its names and numbers: "How
many points did the Panthers defense surrender?" shares "Panthers" with the article and nothing else.
Without a multilingual encoder (the default model is not in the cache, or ``QA_MODE=lexical``) that is
all retrieval has; with one, the glossary still helps the lexical half of hybrid retrieval.
``translate`` looks each English content word up in a glossary of common words
(``qa/data/glossary-en-vi.tsv``: "points" -> "điểm", "defense" -> "phòng thủ | quốc phòng") and
returns the Vietnamese phrases; retrieval scores them as a second, accented query beside the
English one (``qa.retrieval.lexical_scores``), and the answer sentence is picked on both
(``qa.picker.SentencePicker``). In the confidence they count 0.3 of the question's own words, times
the share of the question's words the glossary knows (``known_share``; ``qa.evidence.GLOSS_EVIDENCE``):
common words occur in almost any article, and must not make an unrelated one look answered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qa.stopwords import STOPWORDS
from qa.text import fold, nfc, word_matches, words
from qa.asking import without_asking_words

GLOSSARY = Path(__file__).with_name("data") / "glossary-en-vi.tsv"
# terms of several words, acronyms and names: "north korea" -> "Triều Tiên" (not "bắc" + "Hàn Quốc"),
# "US" -> "Mỹ" (where "us" is a pronoun), "pyongyang" -> "Bình Nhưỡng"
PHRASES = GLOSSARY.with_name("glossary-en-vi-phrases.tsv")
IRREGULAR = GLOSSARY.with_name("english-irregular.tsv")  # "fled" -> "flee", "children" -> "child"
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*\.?", re.UNICODE)  # qa.text's words, keeping the dot of "U.S."


def _rows(path: Path, *, lower: bool = True) -> list[tuple[str, str]]:
    """The (first column, second column) pairs of a tab-separated data file, "#" lines left out."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, _, second = line.partition("\t")
            rows.append((first.strip().lower() if lower else first.strip(), second))
    return rows


def _renderings(vietnamese: str) -> tuple[str, ...]:
    return tuple(nfc(p.strip()) for p in vietnamese.split("|") if p.strip())


@lru_cache(maxsize=1)
def _phrase_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The phrase file's terms as written, each with its renderings (read once for the three tables below)."""
    return tuple((english, found) for english, vietnamese in _rows(PHRASES, lower=False)
                 if english and (found := _renderings(vietnamese)))


@lru_cache(maxsize=1)
def _word_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The word file's words in lower case, each with its renderings (read once for the tables below)."""
    return tuple((english, _renderings(vietnamese)) for english, vietnamese in _rows(GLOSSARY))


@lru_cache(maxsize=1)
def _vietnamese_tokens() -> tuple[tuple[str, ...], ...]:
    """Every Vietnamese phrase of the glossaries as the index reads it ("quốc gia," is "quốc" "gia")."""
    renderings = [found for _, found in _phrase_rows()] + [found for _, found in _word_rows()]
    return tuple(tuple(words(phrase)) for found in renderings for phrase in found)


@lru_cache(maxsize=1)
def vietnamese_pairs() -> frozenset[tuple[str, str]]:
    """Every pair of adjacent lower-case syllables in the glossaries' Vietnamese ("bộ trưởng", "ngoại giao",
    "chính trị"): the compounds of Vietnamese news, for telling "Bộ trưởng" from a name (``qa.answer_type``)."""
    return frozenset(pair for tokens in _vietnamese_tokens() for pair in zip(tokens, tokens[1:]))


@lru_cache(maxsize=1)
def vietnamese_syllables() -> frozenset[str]:
    """Every word of the glossaries' Vietnamese, among them those written without accents ("bang", "an", "ninh"):
    words a question may be typed with as written (``qa.accents``)."""
    return frozenset(word for tokens in _vietnamese_tokens() for word in tokens)


@lru_cache(maxsize=2)
def compounds(*, folded: bool) -> frozenset[str]:
    """``vietnamese_pairs`` as the index's bigram terms ("thời_tiết"; folded: "thoi_tiet")."""
    return frozenset(f"{fold(a) if folded else a}_{fold(b) if folded else b}" for a, b in vietnamese_pairs())


@lru_cache(maxsize=1)
def name_heads() -> frozenset[str]:
    """The first word, in lower case, of every English name or term the glossaries render with a capital ("yang" of
    "yang jiechi", "beijing"): where a name the glossary knows can begin (``qa.foreign_names``)."""
    return frozenset(english.lower().split()[0] for english, found in _phrase_rows() + _word_rows()
                     if english.strip() and any(phrase[:1].isupper() for phrase in found))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case words that are common words, not names: the English glossary words whose Vietnamese is
    written in lower case ("discuss" -> "thảo luận"; not "rome" -> "Rome | La Mã"), and every syllable the
    glossaries write in lower case ("thảo", "luận"). "Thảo luận gì?" begins with a word, "Rome?" with a name."""
    common = set()
    for english, found in _word_rows():
        if any(phrase[:1].islower() for phrase in found):
            common.add(english)
        common.update(m.group(0) for phrase in found for m in word_matches(phrase) if m.group(0)[:1].islower())
    return frozenset(common)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    """Single lower-case words: the common-word glossary, then the names of the phrase file ("pyongyang")."""
    table: dict[str, tuple[str, ...]] = {}
    names = tuple((english, found) for english, found in _phrase_rows() if english.isalpha() and english == english.lower())
    for english, phrases in _word_rows() + names:
        if english and phrases:
            table[english] = tuple(dict.fromkeys(table.get(english, ()) + phrases))
    return table


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Terms of several words ("secretary of state"), keyed by their lower-case words."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for english, found in _phrase_rows():
        key = tuple(_base(w.lower()) for w in _TOKEN.findall(english))  # "people's" as the questions read it
        if len(key) > 1 and not _acronym(english):
            table[key] = found
    return table


@lru_cache(maxsize=1)
def _acronyms() -> dict[str, tuple[str, ...]]:
    """Upper-case terms, matched as written: "US" is the country, "us" a pronoun; "U.S." is "US"."""
    return {acronym: found for english, found in _phrase_rows() if (acronym := _acronym(english))}


def _acronym(token: str) -> str:
    """``token`` without its dots when it is written in capitals ("U.S." -> "US"), else ""."""
    bare = token.replace(".", "")
    return bare if len(bare) > 1 and bare.isupper() and bare.isalnum() else ""


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    return {form: lemma.strip().lower() for form, lemma in _rows(IRREGULAR) if form and lemma.strip()}


@lru_cache(maxsize=16384)  # asked for each word of a question, and again for each term it might start or end
def _forms(word: str) -> tuple[str, ...]:
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
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):  # "taxes", "potatoes"; not
        forms.append(word[:-2])  # "clades" (clad), "James" (jam), "Angeles" (angel)
    if word.endswith("ied"):
        forms.append(word[:-3] + "y")
    if word.endswith("ed"):
        forms += [word[:-1], word[:-2], word[:-3]]  # "used", "played", "planned"
    if word.endswith("ing"):
        forms += [word[:-3] + "e", word[:-3], word[:-4]]  # "making", "playing", "running"
    if word.endswith("ly"):
        forms.append(word[:-2])
    return tuple(forms)


def _base(word: str) -> str:
    """An English possessive is its noun: "England's" is looked up as "england"."""
    return word.removesuffix("'s").removesuffix("’s")


def _entry(word: str) -> str | None:
    """The glossary word that ``word`` is, or is a form of (None: the glossary does not know it)."""
    table = _table()
    return next((form for form in _forms(word) if form in table), None)


@lru_cache(maxsize=4096)
def renderings(name: str) -> tuple[str, ...]:
    """The Vietnamese for a name as a question writes it: an acronym ("US", "U.S."), a word in any form the
    glossary reads ("France", "Huguenots"), or a term of several words as a whole ("United Nations")."""
    words = name.split()
    if len(words) > 1:
        term = _term_at([_base(w.rstrip(".").lower()) for w in words], 0)
        return term[1] if term is not None and term[0] == len(words) else ()
    if (acronym := _acronym(name)) and acronym in _acronyms():
        return _acronyms()[acronym]
    entry = _entry(_base(name.rstrip(".").lower()))
    return _table()[entry] if entry else ()


def name_parts(name: str) -> tuple[str, ...]:
    """A name's words, a term of several words the glossary knows taken whole: "US State Department" -> ("US",
    "State Department"), each of which a text may say in its own way."""
    words = name.split()
    lowered = [_base(w.rstrip(".").lower()) for w in words]
    parts: list[str] = []
    i = 0
    while i < len(words):
        term = _term_at(lowered, i)
        n = term[0] if term is not None else 1
        parts.append(" ".join(words[i : i + n]))
        i += n
    return tuple(parts)


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(map(len, _phrases()), default=1)


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(key[0] for key in _phrases())


def _term_at(lowered: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
    """The longest term of several words starting at word ``i`` (its last word may be a plural, its first a
    verb's form: "took place" is "take place"), or None."""
    phrases, first_words = _phrases(), _first_words()
    heads = [h for h in dict.fromkeys(_forms(lowered[i])) if h in first_words]  # the word first, then its stems
    if not heads:  # no term starts with it (most words)
        return None
    for n in range(min(_longest(), len(lowered) - i), 1, -1):
        *middle, last = lowered[i + 1 : i + n]
        for head in heads:
            for form in _forms(last):
                if (found := phrases.get((head, *middle, form))) is not None:
                    return n, found
    return None


@lru_cache(maxsize=1)
def _hyphenated() -> frozenset[str]:
    """The glossary's hyphenated words, alone or inside a term."""
    return frozenset(w for w in (*_table(), *(w for key in _phrases() for w in key)) if "-" in w)


def _hyphen_parts(tokens: list[str]) -> list[str]:
    """A hyphenated word in lower case that the glossary does not know as a whole is read as its parts:
    "three-way" as "three" "way" ("self-defense force" stays a term), and so is a name after a word in lower case
    that the glossary knows ("anti-IS" as "anti" "IS": "chống IS"). Names stay whole: "US-China" is "Mỹ-Trung", not
    two countries that every article of the corpus names."""
    keys, table = _hyphenated(), _table()
    out: list[str] = []
    for token in tokens:
        whole = _base(token.rstrip(".").lower())
        first = token.split("-", 1)[0]
        split = "-" in token and whole not in keys and (token.islower() or (first.islower() and first in table))
        out += [p for p in token.split("-") if p] if split else [token]
    return out


@lru_cache(maxsize=4096)
def _segments(text: str) -> tuple[tuple[int, tuple[str, ...] | None], ...]:
    """``text``'s words, a known term of several words taken as one: (how many words, the term's renderings
    or None when the glossary does not know it), for each word that is not a stopword or a number (an
    acronym counts: "US" is not "us"). The longest term wins: "south china sea" before "china"."""
    # "What position does ... hold?": the name is what the question says; "When was the article on X published?": X
    text = without_asking_words(text)
    tokens = _hyphen_parts(_TOKEN.findall(nfc(text)))
    shouted = not any(c.islower() for c in text)  # "WHO MET IN ROME?": capitals that are no acronyms
    lowered = [_base(t.rstrip(".").lower()) for t in tokens]
    table, acronyms = _table(), _acronyms()
    out: list[tuple[int, tuple[str, ...] | None]] = []
    i = 0
    while i < len(tokens):
        term = _term_at(lowered, i)
        word, acronym = lowered[i], "" if shouted else _acronym(tokens[i])
        if term is not None:
            out.append(term)
        elif acronym in acronyms:
            out.append((1, acronyms[acronym]))
        elif word not in STOPWORDS and (word.isalpha() or word in table):  # "three-way" is a glossary word
            entry = _entry(word)
            out.append((1, table[entry] if entry else None))
        elif word in table:  # a stopword the glossary still translates ("after"), as itself: "does" is no doe
            out.append((0, table[word]))
        i += term[0] if term is not None else 1
    return tuple(out)


@lru_cache(maxsize=4096)
def translate(text: str) -> tuple[str, ...]:
    """The Vietnamese phrases for the English words and terms of ``text`` that the glossary knows, in order,
    each once."""
    phrases: dict[str, None] = {}
    for _, found in translate_groups(text):
        phrases.update(dict.fromkeys(found))
    return tuple(phrases)


@lru_cache(maxsize=4096)
def translate_groups(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The renderings of each English word or term of ``text`` that the glossary knows, with how many words
    it is (0: a stopword translated as itself): "Who met Wang Yi?" -> ((1, ("gặp", ...)), (2, ("Vương Nghị",)))."""
    return tuple((n, found) for n, found in _segments(text) if found)


@lru_cache(maxsize=4096)
def known_share(text: str) -> float:
    """The share of the words of ``text`` that the glossary translates: how much of an English question its
    Vietnamese phrases stand for. Words of letters only count, names and unknown words among them (a
    lower-case hyphenated word as its parts, ``_hyphen_parts``); question words and other stopwords, numbers
    and hyphenated names do not (an acronym does: "US"; a hyphenated glossary word does: "three-way"); a term of
    several words counts as its words. "What did Blinken and Sullivan agree to prevent?": 2 of 4 ("agree",
    "prevent"); "What did Wang Yi and Blinken agree to prevent?": 4 of 5 ("wang yi" is a name of the phrase file)."""
    counted = [(n, found) for n, found in _segments(text) if n]
    total = sum(n for n, _ in counted)
    return sum(n for n, found in counted if found) / total if total else 0.0


def load() -> None:
    """Read the data files now (a server's warm-up) rather than when the first question needs them."""
    _table(), _phrases(), _acronyms(), vietnamese_pairs(), common_words()
    compounds(folded=False), compounds(folded=True)
