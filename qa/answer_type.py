"""What kind of answer a question asks for, and whether a sentence offers one.

Classic QA answer typing: "bao nhiêu / how many" wants a number, "khi nào /
when" a time, "ai / who" a name, "ở đâu / where" a place. A sentence that holds
such a thing *not already in the question* is more likely the answer.
"""

from __future__ import annotations

from functools import lru_cache

import re
from typing import Literal

from qa import glossary, places
from qa.language import detect, syllable_shaped
from qa.places import place_spans
from qa.precise import SIZE_ASKED, offered_precisely, precise_ask
from qa.offices import asked_offices, offices_in, same_office
from qa.text import ENGLISH_CALENDAR, among_words, blanked, fold, has_diacritics, nfc, word_matches
from qa.titles import ACCENTED_ONLY, asks_title, office_gap, title_offered

AnswerType = Literal["duration", "number", "time", "person", "place", "title"]

# Cues per kind: Vietnamese ones with their diacritics, English ones. A question typed with diacritics is
# matched on its own lower-cased words, so "đầu tiên" is not "đâu", "máy" not "mấy", "khí nào" not "khi nào";
# one typed without them can only be matched folded.
# "(noun) nào": the noun nearest before "nào" says the kind ("Bộ trưởng Quốc phòng Mỹ nào", "khách sạn 5 sao
# nào"; "Bộ trưởng đến thăm nước nào" asks for a place); "which (noun)" in English
_PERSON_NOUNS = ("quan chức|bộ trưởng|ngoại trưởng|thứ trưởng|tổng thống|thủ tướng|nhà lãnh đạo|lãnh đạo|chủ tịch|"
                 "đại sứ|cố vấn|phát ngôn viên|người phát ngôn|vua|hoàng đế|cầu thủ|ca sĩ|tác giả|nhà khoa học|"
                 "nhà ngoại giao|đặc phái viên|nghị sĩ|thượng nghị sĩ|tư lệnh|tham mưu trưởng|thống đốc|phóng viên|nhà báo|"
                 "chuyên gia|giám đốc|trợ lý|nhân vật|người đứng đầu")
_PERSON_NOUNS_ACCENTED = "|".join(ACCENTED_ONLY)  # ... and written with accents only ("tuong" is also "tưởng")
_PLACE_NOUNS = "khách sạn|thành phố|quốc gia|tỉnh|vùng|khu vực|địa điểm|sân bay|thủ đô|hòn đảo|con sông|châu lục"
_PERSON_EN = ("minister|secretary|official|president|premier|leader|chairman|ambassador|adviser|advisor|"
              "spokesman|spokeswoman|spokesperson|general|king|queen|emperor|player|singer|author|writer|scientist|"
              "diplomat|envoy|commander|senator|lawmaker|governor|mayor|journalist|reporter|expert|analyst|engineer|"
              "director|negotiator")
_PLACE_EN = "hotel|city|country|nation|province|state|region|place|venue|airport|capital|island|river|continent"
# "Which South Korean official", "Which US national security adviser": up to three words between "which" and its noun,
# none of them the other kind's noun, a verb that begins the question's clause or a preposition ("Which hotel did the
# president stay in?" asks for a place, "Which of the officials ..." is read no further)
_BETWEEN = (r"(?:(?!(?:{other}|did|does|do|was|were|is|are|has|have|had|will|would|can|could|should|of|in|on|at|to|"
            r"for|from|with|by|and|or|that|the|a|an)\b)[\w'’-]+ ){{0,3}}")
_TIME_UNITS_VI = "giây|phút|giờ|tiếng|ngày|tuần|tháng|năm|thập kỷ|thế kỷ"
_TIME_UNITS_EN = "seconds|minutes|hours|days|weeks|months|years|decades|centuries"
_CUES: list[tuple[AnswerType, str, str]] = [
    # "how long ago" asks when: "cách đây bao lâu" is answered by "hồi tháng trước"
    ("duration", f"(?<!cách đây )bao lâu|bao nhiêu (?:{_TIME_UNITS_VI}|thời gian)|mấy (?:tiếng|ngày|tuần|tháng|năm)",
     # ... and keywords that name one: "duration of the Rome talks", "Rome talks duration"
     rf"how long(?! ago)|(?:for )?how many (?:{_TIME_UNITS_EN})|how much time|"
     r"(?:what|which) (?:is|was|were) the (?:total )?duration|^duration of|duration(?=\W*$)"),
    ("time", "khi nào|năm nào|bao giờ|lúc nào|ngày nào|tháng nào|thời gian nào|thời điểm nào|"
             "ngày mấy|tháng mấy|năm mấy|cách đây bao lâu",
     r"how long ago|when|(?:what|which) (?:exact |precise )?(?:year|month|date|day|time|weekday)|(?:what|which) (?:is|was|were) the "
     r"(?:exact |precise )?(?:date|year|month)|(?:on|in) what (?:exact |precise )?(?:day|date|month|year)|"
     # a query of keywords: "date of the Rome talks", "Rome talks date"
     r"^date of|date(?=\W*$)"),
    # a size is an amount too ("How large is the trade deficit?", read in figures: ``qa.precise``), not "how big a role"
    ("number", "bao nhiêu|mấy|bao lâu|bao xa",
     rf"how many|how much|how long|how old|what percentage|what number|{SIZE_ASKED}"),
    ("person", "ai|người nào", rf"who|whom|whose|which {_BETWEEN.format(other=_PLACE_EN)}(?:{_PERSON_EN})"),
    # (keywords too: "venue of the talks", "Rome talks venue")
    ("place", "ở đâu|đâu|nơi nào|thành phố nào|nước nào", rf"where|which {_BETWEEN.format(other=_PERSON_EN)}(?:{_PLACE_EN})|"
     r"(?:what|which) (?:is|was|were) the (?:location|venue)|^(?:location|venue) of|(?:location|venue)(?=\W*$)"),
    # an amount named rather than asked: "Tỷ lệ thất nghiệp năm 2020?", but "Khu vực nào ... nổi tiếng với tỷ lệ tội
    # phạm cao?" asks for a place ("(noun) nào" comes first)
    ("number", "số lượng|tỷ lệ|tỉ lệ|phần trăm", "percentage"),
]
_NAMED_AMOUNT = len(_CUES) - 1


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression ("a|b (?:c|d)" -> "a", "b (?:c|d)")."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    return out + [pattern[start:]]


def _patterns(folded: bool, english_words: tuple[str, ...] = ()) -> list[tuple[AnswerType, re.Pattern[str]]]:
    """``english_words``: Vietnamese cues left out, typed without diacritics they are English words."""
    out = []
    for kind, cues_vi, english in _CUES:
        kept = [c for c in _alternatives(cues_vi) if c.split()[0] not in english_words]
        cues = "|".join(fold(c) if folded else c for c in kept)
        start = r"(^|\s)" if kind == "person" else r"\b"  # "ai" is not the end of "tại"
        out.append((kind, re.compile(f"{start}({cues + '|' if cues else ''}{english})\\b")))
    return out


_TYPES = _patterns(folded=False)  # over the lower-cased question with its diacritics
_TYPES_FOLDED = _patterns(folded=True)  # over the folded, lower-cased question
# an English question is not read for the Vietnamese cues that are English words typed without diacritics: its "may" is
# no "mấy" ("What may a charter school require ...?" asked for no amount), its "AI" no "ai"
_TYPES_ENGLISH = _patterns(folded=True, english_words=("mấy", "ai"))
# what only looks like a cue: "when" inside an English question ("What did they agree on when they met?" asks what, not
# when; it asks when at its start, its end or after "since" / "until"), "never" ("chưa bao giờ")
_NOT_ASKED = re.compile(r"(?<=\w)(?<!\bsince)(?<!\buntil)(?<!\btill)(?<!\bby)(?<!\band)(?<!\bso)(?<!\bbut)(?<!\bthen)(?<!\bor)"
                        r"([\s,]+)when\b(?!\s*\??\s*$)|"
                        r"(?<!\w)(?:chưa|không|chẳng|chua|khong|chang)\s+bao\s+(?:giờ|gio)(?!\w)")


def _asked(q: str) -> str:
    """The lower-cased question with the cues it does not ask blanked out (``_NOT_ASKED``)."""
    return _NOT_ASKED.sub(lambda m: (m.group(1) or " ") + "·", q)
_UNITS_EN = r"(?:second|minute|hour|day|week|month|year|decade)s?|centur(?:y|ies)"
_UNITS = "giay phut gio tieng ngay tuan thang nam thap ky the ky".split() + [_UNITS_EN]
# ... or on a clock, as time left: "còn lại 4:51" (of a game), "with 3:08 left" ("lúc 10:30" is an hour, "10:15" a score)
# ("ngày 18 tháng 3", "mùng 5 tháng 3", "tháng 5 năm 1705" are days, not 18 months nor 5 years: a unit followed by a
# number, or "năm" after a month; read with single spaces)
_DURATION = re.compile(r"(?<![\d.,])(?<!thang )\d[\d.,]*\s*(?:" + "|".join(_UNITS) + r")\b(?! ?\d)|"
                       r"\b(?:con(?: lai)?|with)\s+\d{1,2}:\d{2}\b|"
                       r"\b\d{1,2}:\d{2}\s+(?:left|remaining|to go)\b")
# "tháng 7", "ngày 14/3", "năm 2017": the Vietnamese words count with their number only ("leo thang",
# "Việt Nam", "Ngay trước" fold to the same letters); English month names stand alone
_YEAR_OR_DATE = re.compile(r"\b(1\d{3}|20\d{2})\b|\d{1,2}/\d{1,2}|\b(?:thang|ngay|nam|tháng|ngày|năm)\s+\d+(?:/\d+){0,2}|\b(january|february|"
                           r"march|april|may|june|july|august|september|october|november|december)\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d[\d.,]*")
# numbers written as words ("kế hoạch hòa bình bốn điểm", "kéo dài bảy tiếng"), lower case only: "Ba Lan" is a
# name. Not "một" (also "a") nor "năm" (mostly "year"), which count only before a unit of time, as a duration.
WORD_OFFER = 0.5  # of the answer-type bonus, for an amount in words only
OFFICE_OFFER = 2.0  # ... and for a person asked by office, the name that office heads (``qa.offices``)
_NUMBER_WORDS = "hai|ba|bốn|sáu|bảy|bẩy|tám|chín|mười|mươi|chục|trăm|nghìn|ngàn|vạn|triệu|tỷ|tỉ"
_NUMBER_WORD = re.compile(rf"(?<!\w)(?:{_NUMBER_WORDS})(?!\w)")
_DURATION_WORDS = re.compile(rf"(?<!\w)(?:{_NUMBER_WORDS}|một|năm|vài|nửa)\s+(?:{_TIME_UNITS_VI})(?!\w)")
# a number that dates something, in the article's own (accented) text: "năm 1981", "Năm 1981,", "tháng 7",
# "ngày 14/3", "14/3/2021", "in 1981", "1978 đến 1981". Accented: "Việt Nam 98 triệu" is not "năm 98";
# "1500 binh sĩ" and a rate ("mỗi năm 10 triệu hành khách") count. A bare year ending a clause ("khánh thành
# 1981.") is left a number: excluding it too cost 2-3 XQuAD answer sentences in each language (lexical).
YEAR = r"(?:1[89]\d{2}|20\d{2})"  # a year of the news (not "1500 binh sĩ")
_NOT_A_COUNT = re.compile(r"(?i:(?<!mỗi )\b(?:năm|tháng|ngày)\s+\d+(?:/\d+){0,2})|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|"
                          rf"(?i:\b(?:in|since|until|by|from|of)\s+{YEAR}\b)|\b{YEAR}\s*(?:-|–|đến|to)\s*{YEAR}\b")
# an age: "ở tuổi 39", "39 tuổi", "aged 39", "39 years old" (asked how many teams, no count of them)
_AN_AGE = re.compile(r"\b(?:tuổi|aged|age)\s+(?:của\s+)?\d+|\b\d+\s*(?:tuổi|years?\s+old|-year-old)\b", re.IGNORECASE)
_A_DURATION = re.compile(rf"\d[\d.,]*\s*(?:{_TIME_UNITS_VI}|{_UNITS_EN})(?!\w)", re.IGNORECASE)  # in the text as written
_NAME = re.compile(r"\b[A-ZĐ][\w’'-]*(?:\s+[A-ZĐ][\w’'-]*)*")
# names of days and months are not someone (nor somewhere): "thứ Ba (23/3)", "on Thursday, March 18"
_WEEKDAY = re.compile(r"(?i:(?<!\w)thứ\s+(?:hai|ba|tư|năm|sáu|bảy)(?!\w)|(?<!\w)chủ\s+nhật(?!\w))|" + ENGLISH_CALENDAR)


def _cues(q: str, patterns: list[tuple[AnswerType, re.Pattern[str]]]) -> list[tuple[int, int, AnswerType]]:
    return [(m.start(), i, kind) for i, (kind, pattern) in enumerate(patterns) if (m := pattern.search(q))]


@lru_cache(maxsize=4096)  # pure, and asked again for every candidate sentence of a question
def answer_type(question: str) -> AnswerType | None:
    if asks_title(question):  # "Jake Sullivan giữ chức vụ gì?", "Who is Liu Pengyu?": an office, not a name
        return "title"
    english = detect(question) == "other"
    q = _asked(nfc(question).lower())
    if english:  # an English question; or names with a few unaccented words ("Biden Xi Jinping gap nhau may lan")
        found = _cues(_folded_lower(q), _TYPES_FOLDED if _vietnamese_words(question) else _TYPES_ENGLISH)
    elif has_diacritics(question):
        found = _cues(q, _TYPES)
        if not found:  # names typed with their accents, the rest without: "Việt Nam có bao nhieu tỉnh?"
            unaccented = " ".join(w if not has_diacritics(w) else "·" for w in q.split())
            found = _cues(_without_machines(_folded_lower(unaccented)), _TYPES_FOLDED)
    else:
        found = _cues(_without_machines(_folded_lower(q)), _TYPES_FOLDED)
    if not found or (not english and min(i for _, i, _ in found) == _NAMED_AMOUNT):
        return _which(nfc(question).lower()) or _named(nfc(question).lower()) or (found[0][2] if found else None)
    if english:  # an English question leads with its cue: "How many ... when ...?"
        return min(found)[2]
    return min(found, key=lambda f: f[1])[2]  # a Vietnamese one ends with it: the kinds in order of precedence


def _vietnamese_words(question: str) -> bool:
    """Whether the question's words in lower case (its names left out) are nearly all Vietnamese syllables."""
    lower = [fold(w) for m in word_matches(question) if (w := m.group(0)).isalpha() and w[0].islower()]
    return bool(lower) and sum(map(syllable_shaped, lower)) >= 0.8 * len(lower)


_MAY = re.compile(r"(?<!\w)(?<!co )(?<!la )(?<!thu )(?<!duoc )may\s+(\w+)")


def _without_machines(folded: str) -> str:
    """A question typed without diacritics with each "may" that begins a compound the glossary knows ("may tinh",
    "may bay") or stands before a word that is no syllable ("may Turing") blanked out: "máy", a machine, is no "mấy"
    (how many). Not after "co", "la", "thu", "duoc": "co may tinh" asks how many provinces ("có mấy tỉnh")."""
    known = glossary.compounds(folded=True)

    def machine(m: re.Match[str]) -> str:
        after = m.group(1)
        return "· " + after if f"may_{after}" in known or not syllable_shaped(after) else m.group(0)

    return _MAY.sub(machine, folded)


_NOUN_KINDS: dict[str, AnswerType] = {noun: kind for kind, nouns in (("person", _PERSON_NOUNS), ("place", _PLACE_NOUNS))
                                      for noun in nouns.split("|")}
_NOUN_KINDS |= {fold(noun): kind for noun, kind in list(_NOUN_KINDS.items())}  # typed without diacritics
_NOUN_KINDS |= {noun: "person" for noun in _PERSON_NOUNS_ACCENTED.split("|")}
_BEFORE_NAO = re.compile(r"((?:\S+\s+){1,5})n[aà]o\b")
# asking for a name: "Cố vấn an ninh quốc gia của Nhật Bản tên là gì?", "ong ten gi", "the name of the player",
# "what was his name"; the kind is the thing named (a person noun, a place noun, "ông" / "bà" / "his" / "her")
_NAME_VI = re.compile(r"(?<!\w)t[eê]n(?:\s+l[aà])?\s+(?:g[iì]|ai)(?!\w)")
_NAME_EN = re.compile(r"\bname of (?:the |a |an |this |that )?((?:\w+['’]s )?\w+(?: \w+)?)|\b(his|her) (?:full |last |first )?name\b")
_PRONOUNS = frozenset("ông bà ong".split())  # not "anh" (England), "chị" / "chi" ("chi nhánh"), "ba" (three)
# what ends the phrase named, read back from "tên": "ông Sullivan ở | khách sạn tên là gì", "... đến thăm | thành phố"
_PHRASE_BREAK = re.compile(r",|(?<!\w)(?:ở|o|tại|tai|đến|den|tới|toi|thăm|tham|là|la|mà|ma|nơi|noi|với|voi|từ|tu)(?!\w)")
_POSSESSOR = re.compile(r"(?<!\w)(?:của|cua)(?!\w)")  # "cố vấn ... của Nhật Bản": the adviser, not Japan
_EN_KINDS: dict[str, AnswerType] = {noun: kind for kind, nouns in (("person", _PERSON_EN), ("place", _PLACE_EN))
                                    for noun in nouns.split("|")}


def _which(q: str) -> AnswerType | None:
    """The kind of a Vietnamese "(noun) nào" question: the noun nearest before "nào", up to five words back."""
    for match in _BEFORE_NAO.finditer(q):
        before = match.group(1).split()
        for end in range(len(before), 0, -1):  # nearest "nào" first; a noun is one to three words
            for size in range(min(3, end), 0, -1):
                if kind := _NOUN_KINDS.get(" ".join(before[end - size : end])):
                    return kind
    return None


def _named(q: str) -> AnswerType | None:
    """The kind of a question that asks for something's name. Vietnamese: the phrase just before "tên là gì" (after
    "ở", "đến thăm", ...; the head before "của": "cố vấn an ninh quốc gia của Nhật Bản" is a person, not a "quốc
    gia"), its first known noun, or "ông" / "bà" for a person; an empty phrase ("khách sạn nơi phái đoàn ở tên là
    gì") looks further back. English: the last known noun after "name of" ("the city's mayor": the mayor).
    None when the thing named is of no known kind."""
    if (asked := _NAME_VI.search(q)) is not None:
        for phrase in reversed(_PHRASE_BREAK.split(q[: asked.start()])):
            words = _POSSESSOR.split(phrase, 1)[0].split()
            for start in range(len(words)):
                if words[start] in _PRONOUNS:
                    return "person"
                for size in range(min(3, len(words) - start), 0, -1):
                    if kind := _NOUN_KINDS.get(" ".join(words[start : start + size])):
                        return kind
        return None
    if (asked := _NAME_EN.search(q)) is not None:
        if asked.group(2):
            return "person"
        named = re.split(r"['’]s ", asked.group(1))[-1].split()
        return next((_EN_KINDS[w] for w in reversed(named) if w in _EN_KINDS), None)
    return None


def offer_strength(sentence: str, kind: AnswerType | None, question: str) -> float:
    """Does the sentence (in NFC) contain something of this type that the question does not already say? 1 when in
    figures (or as a name, a date), WORD_OFFER when only in words ("bốn điểm", "bảy tiếng"), else 0: a figure
    is the surer sign of an amount. For a place, 1 only for where something is ("tại Washington", "in Warsaw");
    a known place merely named ("Mỹ muốn Triều Tiên ...") or another name, WORD_OFFER. What the question says is found
    among its words, never inside one: Nga (Russia) is not in "quan ngại", a "7" not in "2017"."""
    if kind is None:
        return 0.0
    asked = _folded_lower(question)
    if kind == "title":  # the office next to the name asked about: "Cố vấn An ninh Quốc gia Mỹ Jake Sullivan"
        return 1.0 if title_offered(sentence, question) else 0.0
    if kind == "place":  # where something is ("tại Washington") is surer than a country the sentence mentions
        if any(not among_words(item, asked) for item in _said_at(sentence)):
            return 1.0
        named = _offered(sentence, "place") + _offered(sentence, "person")  # a known place, or a name: perhaps one
        return WORD_OFFER if any(not among_words(item, asked) for item in named) else 0.0
    precisely = precise_ask(question) if kind in ("number", "time") else None
    if precisely:  # "thứ mấy", "ngày nào", "mấy giờ": an ordinal, a day, the hour
        return 1.0 if offered_precisely(sentence, precisely, asked) else 0.0
    if kind == "person" and (offices := asked_offices(question)) and _heads_a_name(sentence, offices, asked):
        return OFFICE_OFFER  # "Vị tướng nào …?": the name the office heads, more than any name
    if any(not among_words(item, asked) and _in_scale(item, asked, kind) for item in _offered(sentence, kind)):
        return 1.0
    if precisely is not None and precisely.age and any(not among_words(item, asked) for item in _offered(sentence, "age")):
        return 1.0  # "ở tuổi 39", "120 năm tuổi", "140 years old": an age, in years or another unit of time
    if precisely is not None and precisely.size:  # a size in figures: "lãnh đạo hai nước" says no deficit's size
        return 0.0
    # a number word compared whole: "hai" is not in "khai mạc"
    return WORD_OFFER if any(not among_words(item.split()[0], asked) and _in_scale(item, asked, kind)
                             for item in _offered_words(sentence, kind)) else 0.0


# units of time on the scale of a day and below, and above it: asked "bao nhiêu ngày" (how many days), "kéo dài 7 tiếng"
# (seven hours) is no answer
_SCALES = {**dict.fromkeys("giay phut gio tieng second minute hour".split(), 0),
           **dict.fromkeys("ngay tuan thang nam ky day week month year decade century centuries".split(), 1)}
_UNIT_ASKED = re.compile(r"(?:bao nhieu|may|how many)\s+(\w+)")


def _in_scale(item: str, asked: str, kind: AnswerType) -> bool:
    """Whether a duration offered (folded) is in units of the scale the question asks (any when it names no unit)."""
    if kind != "duration" or not (unit := _UNIT_ASKED.search(asked)):
        return True
    want, have = _scale(unit.group(1).lower()), _scale(fold(item).lower().split()[-1])
    return want is None or have is None or want == have


def _scale(word: str) -> int | None:
    return _SCALES.get(word, _SCALES.get(word.removesuffix("s")))


@lru_cache(maxsize=4096)
def _folded_lower(text: str) -> str:
    return fold(text).lower()


@lru_cache(maxsize=65536)
def _offered_words(sentence: str, kind: AnswerType) -> tuple[str, ...]:
    """Amounts written in words, folded: "bon", "bay tieng" (compared with the question word by word)."""
    if kind == "duration":
        return tuple(fold(m.group(0)) for m in _DURATION_WORDS.finditer(sentence))
    if kind == "number":
        durations = [m.start() for m in _DURATION_WORDS.finditer(sentence)]
        return tuple(fold(m.group(0)) for m in _NUMBER_WORD.finditer(sentence) if m.start() not in durations)
    return ()


@lru_cache(maxsize=65536)  # a passage's sentences are weighed again for every question that retrieves it
def _offered(sentence: str, kind: AnswerType | Literal["age"]) -> tuple[str, ...]:
    """The things of this type in the sentence, each as it is compared with the folded, lower-cased question."""
    if kind == "duration":
        return tuple(m.group(0) for m in _DURATION.finditer(" ".join(fold(sentence).lower().split())))
    if kind == "number":  # a count or an amount: a year, a date or a duration is not one ("how many passengers ...
        # 1981", "how many officials ... kéo dài 7 tiếng"; asked in units of time, the question asks a duration)
        dates = [m.span() for pattern in (_NOT_A_COUNT, _A_DURATION, _AN_AGE) for m in pattern.finditer(sentence)]
        return tuple(m.group(0) for m in _NUMBER.finditer(sentence) if not any(a <= m.start() < b for a, b in dates))
    if kind == "time":
        return tuple(fold(m.group(0)).lower() for m in _YEAR_OR_DATE.finditer(sentence))
    if kind == "age":  # asked how old (``qa.precise``): the ages and lengths of time a count leaves out
        return tuple(fold(m.group(0)).lower() for pattern in (_AN_AGE, _A_DURATION) for m in pattern.finditer(sentence))
    # person / place: a capitalised name that is not in the question (sentence-initial words excluded); a
    # person is not a place: "Quan chức Mỹ và Trung Quốc gặp tại Rome, Italy" names nobody
    if kind == "place":
        return tuple(fold(sentence[a:b]).lower() for a, b in place_spans(sentence))
    text = _without_places(sentence)
    return tuple(fold(m.group(0)).lower() for m in _NAME.finditer(text) if m.start() > 0 and not _term_start(text, m))


_ENDS_PHRASE = re.compile(r"[.;:!?()\"“”]")


def _heads_a_name(sentence: str, offices: frozenset[str], asked: str) -> bool:
    """Whether an office of a kind asked (``qa.offices``) heads a name the question (folded, lower case) lacks."""
    return any(same_office(kind, offices) and not among_words(name, asked) for kind, name in _headed(sentence))


@lru_cache(maxsize=65536)  # of the corpus's sentences, whatever the question
def _headed(sentence: str) -> tuple[tuple[str, str], ...]:
    """Each office in the sentence (NFC) that heads a name, with that name folded: the first name after it, a few
    words on ("Ngoại trưởng Mỹ Rex Tillerson", "tướng Phòng Phong Huy")."""
    offices = offices_in(sentence)
    if not offices:
        return ()
    text = _without_places(sentence)
    names = [(m.start(), m.group(0)) for m in _NAME.finditer(text) if m.start() > 0 and not _term_start(text, m)]
    headed = []
    for end, kind in offices:
        following = next(((start, name) for start, name in names if start >= end), None)
        if following is not None:
            between = sentence[end : following[0]]
            if not _ENDS_PHRASE.search(between) and office_gap(between.lower()):
                headed.append((kind, fold(following[1]).lower()))
    return tuple(headed)


_NEXT_WORD = re.compile(r"\s+(\w+)")


def _term_start(text: str, name: re.Match[str]) -> bool:
    """Capitals that begin a term, not a name: "Bộ trưởng", "Ngoại giao", "Bộ Chính trị" (the last capitalised
    syllable and the next one are a compound the glossaries' Vietnamese knows)."""
    following = _NEXT_WORD.match(text, name.end())
    return bool(following) and (name.group(0).split()[-1].lower(), following.group(1)) in glossary.vietnamese_pairs()


_AT = re.compile(r"(?:(?<!\w)(?:tại|ở|đến|tới|sang|in|at)\s+)([A-ZĐ][\w’'-]*(?:\s+[A-ZĐ][\w’'-]*)*)")


@lru_cache(maxsize=65536)
def _said_at(sentence: str) -> tuple[str, ...]:
    """The names the sentence says something is at, folded ("tại Levi's Stadium", not "in March")."""
    dateless = blanked(sentence, [m.span() for m in _WEEKDAY.finditer(sentence)])
    return tuple(fold(m.group(1)).lower() for m in _AT.finditer(dateless))


def _without_places(sentence: str) -> str:
    """The sentence with its places, days and months ("thứ Ba", "March") blanked out, the same length so
    positions hold."""
    return blanked(sentence, [m.span() for m in _WEEKDAY.finditer(sentence)] + list(place_spans(sentence)))


def load() -> None:
    """Read the word lists now (a server's warm-up): the glossaries' compounds and the places."""
    glossary.load()
    places.load()
