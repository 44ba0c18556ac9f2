"""Text primitives shared by cleaning, chunking, BM25 and answer selection.

Vietnamese is written in syllables separated by spaces; a word is often two
syllables ("Trung Quốc"). We index syllables, their diacritic-folded form and
syllable bigrams, which captures most multi-syllable words without a segmenter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")
_WORD = re.compile(r"\w+(?:[-'’.]\w+)*", re.UNICODE)
_JOINERS = "-'’."  # hyphen, apostrophes, dot: a token holding one is also split into its parts
_JOINER_SET = frozenset(_JOINERS)
_JOINER_SPLIT = re.compile(f"[{re.escape(_JOINERS)}]")


ZERO_WIDTH = "\ufeff\u200b\u200c\u200d\u2060"  # byte-order mark, zero-width space / (non-)joiner, word joiner
# what else is invisible and pasted along with text: soft hyphen, combining grapheme joiner, Arabic letter mark,
# Mongolian vowel separator, left-to-right / right-to-left marks, bidi embeddings and isolates, invisible operators
INVISIBLE = ZERO_WIDTH + "\u00ad\u034f\u061c\u180e\u200e\u200f" + "".join(map(chr, [*range(0x202A, 0x202F),
                                                                                        *range(0x2061, 0x2065),
                                                                                        *range(0x2066, 0x206A)]))
# invisible characters dropped; full-width ASCII forms (U+FF01-FF5E, as typed with a CJK input method) and
# the ideographic space made ASCII. Not all of NFKC: "km²" in a question must still match "km²" in an article.
_AS_TYPED = {ord(c): None for c in INVISIBLE} | {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def surrogate_at(text: str) -> int | None:
    """Where ``text`` holds an unpaired surrogate (0-based; valid in a JSON escape or a surrogate-escaped argv,
    not in UTF-8, and it would fail deep inside), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` overwritten by spaces, the same length so positions hold."""
    out = list(text)
    for a, b in spans:
        out[a:b] = " " * (b - a)
    return "".join(out)


def as_typed(question: str) -> str:
    """A question as the user meant it: zero-width and other invisible characters (pasted from web pages,
    often inside words: "Ro\u200bme", "R\u200eome", "Ro\u00adme") dropped, and full-width letters, digits and
    punctuation ("Ｒｏｍｅ？") made ASCII; and what wraps it taken off: HTML tags, a "Q:" or "1." in front, quotes,
    brackets, "**", "…" or an emoji around it (‘“Who met in Rome?”’ asks who as "Who met in Rome?" does, and
    ‘"How long?"’ follows the turn before)."""
    text = question.translate(_AS_TYPED)
    if "<" in text:
        text = _TAG.sub(" ", text)
    unwrapped = text
    for _ in range(3):  # "**Q: …**", "> Q: …", "1. Q: …": the lead may sit inside the wrapping, or after a number
        unwrapped, before = _OPENING.sub("", _LEAD.sub("", unwrapped, count=1), count=1), unwrapped
        if unwrapped == before:
            break
    unwrapped = _CLOSING.sub("", unwrapped, count=1)
    return unwrapped or text  # nothing left: no letter or digit at all ("?!?")


_TAG = re.compile(r"</?[A-Za-z][^<>]{0,40}>")  # <b>, </p>, <br/>
# "Q:", "Q. ", "1." ("Q.1", Quận 1, is the question's own text)
_LEAD = re.compile(r"^\s*(?:(?:q|question|hỏi|câu hỏi)\s*(?::|\.(?=\s))|\d{1,3}[.)]\s)", re.IGNORECASE)
_OPENING = re.compile(r"^[\W_]+")  # anything before the first letter or digit ("- ", "“", "**", an emoji)
_WRAP_END = "[\\s\"'“”‘’«»)\\]}*_…\u2600-\u27bf\U0001f000-\U0001faff]"  # quotes, brackets, emoji after it
# tried only where such a run begins: "[...]+$" alone re-scans a long run of spaces inside the text from each of
# its positions (60 ms for 4,000 spaces, on every history turn)
_CLOSING = re.compile(f"(?<!{_WRAP_END}){_WRAP_END}+$")


class _FoldTable(dict):
    """code point -> that character without diacritics (NFD, combining marks dropped; đ/Đ by hand), cached."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = {"đ": "d", "Đ": "D"}.get(ch) or "".join(
            c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        self[code] = out
        return out


_FOLD = _FoldTable()


# English names of days and months (case as written): not a person, a place or a name of a question
ENGLISH_CALENDAR = (r"\b(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|August"
                    r"|September|October|November|December)\b")
# the months in order, lower case; and as a pattern with their abbreviations ("mar", "sept")
ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                  "november", "december")
ENGLISH_MONTH = "|".join(ENGLISH_MONTHS) + "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"


def month_number(name: str) -> int:
    """1-12 for an English month's name or abbreviation (any case), else 0."""
    head = name.lower()[:3]
    return next((i + 1 for i, month in enumerate(ENGLISH_MONTHS) if len(head) == 3 and month.startswith(head)), 0)

def fold(text: str) -> str:
    """Strip diacritics: NFD, drop combining marks, map đ/Đ (not decomposable) by hand.

    Done per character through a cached translation table (decomposition is per
    character, and the reordering NFD also does only moves the marks we drop).
    """
    return unicodedata.normalize("NFC", text.translate(_FOLD))


def folded_pair(text: str) -> tuple[str, str]:
    """``text`` and ``fold(text)`` of one length, so that an offset into one is an offset into the other: where folding
    changes the length (rare: a letter whose decomposition keeps two base letters), both are the folded text."""
    folded = fold(text)
    return (text, folded) if len(folded) == len(text) else (folded, folded)


def either_accents(pattern: str) -> str:
    """A Vietnamese regular expression as written or typed without diacritics: "đăng" or "dang" (never "đang")."""
    return f"(?:{pattern}|{fold(pattern)})"


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
# the vowel pairs that end a syllable and take the tone on either letter, as two conventions write them ("hòa" /
# "hoà", "thủy" / "thuỷ", "khỏe" / "khoẻ"); "qu" + "y" is an onset and a vowel ("quý"), a final consonant settles it
_EITHER_PLACE = re.compile(r"(?<!q)(?:o[ae]|uy)$")


def other_tone_placement(word: str) -> str | None:
    """``word`` (NFC) with its tone mark on the other vowel of a final "oa", "oe" or "uy", as the other convention
    writes it ("hòa" -> "hoà", "Uỷ" -> "Ủy"); None for any other word."""
    letters: list[list[str]] = []  # each base letter with its marks, the tone left out
    toned, tone = -1, ""
    for c in unicodedata.normalize("NFD", word):
        if c in _TONES and letters:
            if toned >= 0:
                return None
            toned, tone = len(letters) - 1, c
        elif unicodedata.combining(c) and letters:
            letters[-1].append(c)
        else:
            letters.append([c])
    base = "".join(group[0] for group in letters).lower()
    m = _EITHER_PLACE.search(base)
    if m is None or toned not in (m.start(), m.start() + 1) or any(len(g) > 1 for g in letters[m.start():]):
        return None
    other = m.start() + 1 if toned == m.start() else m.start()
    letters[other].append(tone)
    return unicodedata.normalize("NFC", "".join("".join(group) for group in letters))


# a syllable of one consonant and a final "i" / "y" with its tone that Vietnamese spells either way ("Mỹ" / "Mĩ",
# "kỹ" / "kĩ", "lý do" / "lí do"); "tí", "mì" are as often other words, but only a word the index lacks is spelled the
# other way (``qa.accents``)
_EITHER_I = re.compile(r"^([hklmst])([iy])$", re.IGNORECASE)


def other_spellings(word: str) -> list[str]:
    """How else ``word`` (NFC) is written: its tone on the other vowel of a final "oa", "oe", "uy"
    (``other_tone_placement``), or a toned final "i" for "y" and the other way round after one consonant ("Mĩ" ->
    "Mỹ"; not "my" typed without accents)."""
    found = [other] if (other := other_tone_placement(word)) is not None else []
    decomposed = unicodedata.normalize("NFD", word)
    marks = "".join(c for c in decomposed if unicodedata.combining(c))
    m = _EITHER_I.match("".join(c for c in decomposed if not unicodedata.combining(c)))
    if m is not None and len(marks) == 1 and marks in _TONES:  # "hy" / "hi" typed bare is also "my" / "mi" (Mỹ)
        swapped = {"i": "y", "y": "i", "I": "Y", "Y": "I"}[m.group(2)]
        found.append(unicodedata.normalize("NFC", m.group(1) + swapped + marks))
    return found


def longest_first(count: int, longest: int, match: Callable[[int, int], T | None]) -> Iterator[tuple[int, int, T]]:
    """Matches over ``count`` items, left to right and not overlapping, the longest (at most ``longest`` items) at each
    start: (start, length, what ``match(start, length)`` gave), for each run it did not give None."""
    i = 0
    while i < count:
        for n in range(min(longest, count - i), 0, -1):
            if (found := match(i, n)) is not None:
                yield i, n, found
                i += n
                break
        else:
            i += 1


def spliced(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each span (start, end) replaced by its new text; the spans in order, none overlapping."""
    out, at = [], 0
    for start, end, new in edits:
        out += [text[at:start], new]
        at = end
    return "".join(out) + text[at:] if out else text


def has_diacritics(text: str) -> bool:
    return fold(text) != unicodedata.normalize("NFC", text)


def word_matches(text: str) -> Iterator[re.Match[str]]:
    """The word tokens of ``text`` as written, with their offsets ("Ả-rập", "TP.HCM"; "Rome," without its comma)."""
    return _WORD.finditer(text)


def among_words(item: str, text: str) -> bool:
    """Whether ``item``'s words (folded, lower case) are among ``text``'s, whole and in order: "nga" is not among
    "quan ngai", "7" not among "2017", "1/3" not among "21/3"."""
    return _spaced(item) in _spaced(text)


_PLAIN_WORD = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _spaced(text: str) -> str:
    """A text's words, one space apart and padded, so that what is looked for is found only whole."""
    return f" {' '.join(_PLAIN_WORD.findall(text))} "


def words(text: str) -> list[str]:
    """Lower-cased NFC word tokens; hyphenated names stay one token ("israel-hamas")."""
    return [w.lower() for w in _WORD.findall(nfc(text))]


def split_compounds(tokens: list[str]) -> list[str]:
    """Also emit the parts of hyphenated/dotted tokens so 'Mỹ-Trung' matches 'Mỹ'."""
    out: list[str] = []
    for tok in tokens:
        out.append(tok)
        if not _JOINER_SET.isdisjoint(tok):
            out.extend(p for p in _JOINER_SPLIT.split(tok) if p)
    return out


def bigrams(tokens: list[str]) -> list[str]:
    return [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) when
# the next non-space character starts a new sentence (upper-case letter, digit,
# or an opening quote/bracket), or at a line break.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # every line boundary str.splitlines() knows
_GAP = r"[\s" + ZERO_WIDTH + "]"  # what may stand between two sentences: a zero-width space too ("đi.\u200b Tuyến")
_SENT_END = re.compile(r"""[.!?…]+[”"’')\]]*(?=""" + _GAP + r"""+[“"‘'(\[\d\w])|[""" + LINE_BREAKS + "]+",
                       re.UNICODE)
_ABBREV = re.compile(r"(?:\b[A-ZĐ]\.|\b(?:TS|ThS|GS|PGS|Mr|Mrs|Ms|Dr|St|TP|Tp|v\.v)\.)$")
_ABBREV_SPAN = 8  # the longest text _ABBREV can match ("PGS.", "v.v."), with room to spare
_NEXT = re.compile(_GAP + "*([^" + _GAP[1:] + ")")  # the next character that is neither a space nor zero-width


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Sentence spans of ``text`` (trimmed of surrounding spaces), shifted by ``offset``."""
    spans: list[Sentence] = []
    start = 0
    for m in _SENT_END.finditer(text):
        line_break = m.group(0)[0] in LINE_BREAKS
        end = m.end() if not line_break else m.start()
        if not line_break:
            # only the end of the sentence so far and the next character are looked at (no slices of the
            # rest): a long paragraph of lower-case "sentences" stays linear
            if _ABBREV.search(text, max(start, m.end() - _ABBREV_SPAN), m.end()):
                continue
            following = _NEXT.match(text, m.end())
            if following and following.group(1).islower():
                continue
        _append_trimmed(spans, text, start, end, offset)
        start = m.end()
    _append_trimmed(spans, text, start, len(text), offset)
    return spans


def _append_trimmed(spans: list[Sentence], text: str, start: int, end: int, offset: int) -> None:
    while start < end and (text[start].isspace() or text[start] in ZERO_WIDTH):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ZERO_WIDTH):
        end -= 1
    if end > start:
        spans.append(Sentence(start + offset, end + offset))
