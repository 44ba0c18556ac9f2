"""Questions that ask what someone is -- their office or title -- rather than for a name: "Jake Sullivan giữ chức vụ
gì?", "Vương Nghị là ai?", "Who is Liu Pengyu?", "What is Susan Thornton's position?".

Asked "ai / who", the answer type is a person: a sentence offering a name the question lacks. Asked about a named
person, the answer is the title next to the name ("Cố vấn An ninh Quốc gia Mỹ Jake Sullivan"), and the words that
ask ("giữ chức vụ gì") are in no answer: they are left out of the question's terms, where they outweighed the name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import among_words, either_accents, fold, folded_pair, nfc

# offices and titles as Vietnamese news writes them before or after a name (lower case); not "quan chức" or "lãnh
# đạo", which say of anyone ("các quan chức Trung Quốc Dương Khiết Trì và Vương Nghị")
TITLE_WORDS = ("bộ trưởng|ngoại trưởng|thứ trưởng|tổng thống|phó tổng thống|thủ tướng|chủ tịch|"
               "đại sứ|cố vấn|trợ lý|ủy viên|chủ nhiệm|giám đốc|tổng thư ký|thư ký|phát ngôn viên|người phát ngôn|"
               "phát ngôn|tướng|tư lệnh|tham mưu trưởng|nghị sĩ|thượng nghị sĩ|chánh văn phòng|trưởng ban|"
               "thống đốc|thị trưởng|tổng giám đốc|vua|nữ hoàng|hoàng đế|giáo sư|tiến sĩ")
# offices read only as written with accents: typed without them "tuong" is also "tường", "tượng", "tưởng" ("ý tưởng
# nào"), "thi truong" is "thị trường" (a market)
ACCENTED_ONLY = ("tướng", "thị trưởng")
# "chức" alone only after "giữ": "tổ chức nào" is an organisation
_ASKING_VI = (r"(?:(?:giữ|có|làm|đảm nhiệm|đảm nhận)\s+)?(?:(?:những|các)\s+)?(?:chức vụ|chức danh|cương vị)\s+(?:gì|nào|là gì)|"
              r"(?:giữ|đảm nhiệm)\s+chức\s+(?:gì|nào)")
_ASK_VI = re.compile(rf"(?<!\w){either_accents(_ASKING_VI)}(?!\w)", re.IGNORECASE)
_OF_VI = r"(?:chức vụ|chức danh|cương vị)\s+của\s+(.+?)\s+là\s+gì"
_ASK_OF_VI = re.compile(rf"(?<!\w){either_accents(_OF_VI)}(?!\w)", re.IGNORECASE)  # "Chức vụ của X là gì?"
_OFFICE = r"(?:title|position|job|post|office)"  # not "role": "the role of China" is no office
_ASK_EN_HOLD = re.compile(rf"\b(?:what|which) {_OFFICE}s? (?:does|did|do|will) (.+?) (?:hold|have|had|occupy)\b",
                          re.IGNORECASE)
# "Yang's position on Ukraine" is a stance, not an office
_ASK_EN = re.compile(rf"\b(?:what|which) (?:is|was) (?:the )?{_OFFICE} of\b|(?<=\w)['’]s {_OFFICE}\b"
                     r"(?!\s+(?:on|about|regarding|towards?|over|in|at|for)\b)", re.IGNORECASE)
_WHO_IS_VI = re.compile(r"^(?P<who>.+?)\s+l[aà]\s+ai\s*\??\s*$", re.IGNORECASE)
_WHO_IS_EN = re.compile(r"^(?:who\s+(?:is|was)|who's)\s+(?P<who>[^?]+?)\s*\?", re.IGNORECASE)
# not a name: the words that ask, and pronouns ("Ông ấy giữ chức vụ gì?" names nobody: the turn before does)
_NOT_NAME = frozenset("who whos what which is was s the of la ai ong ba ngai ay ta anh chi ho he she they him her his"
                      .split())
# an unaccented "x la ai" names someone only in a few words none of which describes ("dai dien cua my la ai")
_DESCRIBING = frozenset("cua o tai va voi cho nguoi truong doan dai dien doi tac em vo chong con ban".split())
_PARTICLES = frozenset("bin al de van von der da di la le".split())  # "bin Laden", "de Gaulle"


# a title of address before the name ("Ông Dương Khiết Trì giữ những chức vụ gì?"): every sentence naming him with
# "ông" matched it, the one giving his office ("Ủy viên Bộ Chính trị ... Dương Khiết Trì") does not
_ADDRESS = re.compile(r"(?:^|(?<=[,.;:?!]\s))(?:ông|bà|ngài|ong)\s+(?=\w)", re.IGNORECASE)  # "Bà Rịa" is no "bà"


def _stripped(text: str) -> str:
    out = _ASK_VI.sub(" ", _ASK_EN.sub(" ", _ASK_EN_HOLD.sub(r"\1", text)))
    return _ADDRESS.sub(" ", _ASK_OF_VI.sub(lambda m: m.group(1) or m.group(2), out))


@lru_cache(maxsize=4096)  # asked for every field a question is looked up in
def without_asking(text: str) -> str:
    """``text`` without the words that ask for an office ("giữ chức vụ gì", "What position does ... hold",
    "...'s title"): they are in no answer, and outweighed the name in the question's terms. A question that then
    names nobody ("Ông ấy giữ chức vụ gì?") is left whole, for the conversation to complete."""
    out = _stripped(text)
    return out if _names(text) else text


def _subject(question: str) -> tuple[str, bool] | None:
    """The words of a question asking someone's office that name them, and whether only the last name there
    counts ("Trong cuộc gặp ở Rome, Jake Sullivan giữ chức vụ gì?": Jake Sullivan); None for another question."""
    # an English question's glossary renderings, written after it ("Who is Wang Yi? Vương Nghị"), name them too
    tail = " ? " + question.split("?", 1)[1] if "?" in question else ""
    if m := _ASK_EN_HOLD.search(question):
        return m.group(1) + tail, False
    if m := _ASK_OF_VI.search(question):
        return m.group(1) or m.group(2), False
    if m := _ASK_VI.search(question):  # its own sentence: a follow-up read with the turn before is not about that
        return re.split(r"[?!.]", question[: m.start()])[-1], True
    if m := _ASK_EN.search(question):
        if question[m.start()] in "'’":  # "Jake Sullivan's title"
            return question[: m.start()] + tail, True
        named = question[m.end() :].split("?", 1)[0]  # "the title of Jake Sullivan", not "of the president of X"
        return (named + tail, False) if _is_name(named, whole=question) else None
    for pattern in (_WHO_IS_EN, _WHO_IS_VI):
        if (m := pattern.search(question)) is not None and _is_name(m.group("who"), whole=question):
            return m.group("who") + (tail if pattern is _WHO_IS_EN else ""), False
    return None


def _is_name(words: str, *, whole: str) -> bool:
    """Whether the words after "Who is" (or before "là ai") are someone's name: capitalised ("Liu Pengyu", "Vương
    Nghị"; not "in Rome", "the spokesman", "Sullivan's counterpart", "Đại diện của Mỹ"), or, in a question typed all
    in lower case, a few words that describe nothing."""
    tokens = re.findall(r"[\w'’-]+", words)
    if not tokens or any(t.endswith(("'s", "’s")) for t in tokens):
        return False
    if any(c.isupper() for c in whole):
        return all(t[0].isupper() or t.lower() in _PARTICLES for t in tokens) and tokens[0][0].isupper()
    folded = [fold(t).lower() for t in tokens]
    return len(folded) <= 4 and not any(t in _DESCRIBING or t in _NOT_NAME for t in folded)


@lru_cache(maxsize=4096)
def _names(question: str) -> tuple[tuple[str, ...], ...]:
    """The names a question asking someone's office gives, each as folded words: the capitalised runs of its
    subject ("Jake Sullivan"; an English question's glossary rendering written after it, "Vương Nghị" for "Wang
    Yi"), or, typed in lower case, the subject's words; () for another question, or one naming nobody."""
    found = _subject(question)
    if found is None:
        return ()
    subject, last_only = found
    runs: list[list[str]] = [[]]
    for token in re.findall(r"[\w'’-]+|[^\w\s]", subject):
        if token[0].isupper() or (runs[-1] and token.lower() in _PARTICLES):
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    names = [_without_leading(tuple(re.findall(r"\w+", fold(" ".join(run)).lower()))) for run in runs]
    names = [name for name in names if name]
    if names:
        return tuple(names[-1:] if last_only else names)
    words = tuple(w for w in re.findall(r"\w+", fold(subject).lower()) if w not in _NOT_NAME)
    return (words,) if words else ()


def _without_leading(words: tuple[str, ...]) -> tuple[str, ...]:
    """A capitalised run without the asking word or title of address before the name ("Who", "Ông Sullivan"):
    inside a name every word stays ("Lê Ánh Tuyết")."""
    while words and words[0] in _NOT_NAME:
        words = words[1:]
    return words


def asks_title(question: str) -> bool:
    """Whether the question asks for someone's office: "... giữ chức vụ gì", "X là ai" / "Who is X?" where X is a
    name (not "Ai là người phát ngôn ...?", "Who is in Rome?", "Who is the spokesman?": those want a name), and
    names someone ("Ông ấy giữ chức vụ gì?" leaves that to the conversation)."""
    return bool(_names(question))


_TITLE = re.compile(rf"(?<!\w)(?:{fold(TITLE_WORDS)})(?!\w)")
NEAR = 70  # characters before a name (or after it and a comma) where its office is written


@lru_cache(maxsize=8192)
def title_offered(sentence: str, question: str) -> bool:
    """Whether the sentence gives the office of the person the question names, next to the name: before it
    ("Bộ trưởng Ngoại giao Trung Quốc Vương Nghị") or after it and a comma ("Bà Susan Thornton, Quyền Trợ lý
    ngoại trưởng Mỹ"); not another person's ("Vương Nghị ... tri ân cựu Ngoại trưởng Mỹ Henry Kissinger")."""
    asked = fold(without_asking(question)).lower()
    written, text = folded_pair(nfc(sentence).lower())
    for name in _names(question):
        for m in re.finditer(r"(?<!\w)" + r"\W+".join(map(re.escape, name)) + r"(?!\w)", text):
            start = max(0, m.start() - NEAR)
            before = re.split(r"[.;:!?]", text[start : m.start()])[-1]
            as_written = written[m.start() - len(before) : m.start()]
            if any(office_gap(as_written[t.end() :]) for t in _TITLE.finditer(before) if not among_words(t.group(0), asked)):
                return True
            after = text[m.end() : m.end() + NEAR]
            if after.lstrip().startswith(",") and any(not among_words(t.group(0), asked) for t in _TITLE.finditer(after)):
                return True
    return False


_GAP = 8  # words between an office and the name it is of: "phát ngôn viên Đại sứ quán Trung Quốc tại Washington"
# words that end the phrase of an office before the name: "Cố vấn an ninh Sullivan gặp các quan chức ... Vương Nghị"
# (as written: "đang" ends it, "Đảng" is the Party's, "Ủy viên Bộ Chính trị Đảng Cộng sản Trung Quốc Dương Khiết Trì";
# typed without accents, "dang" is taken for the first)
_BREAKS = frozenset("và gặp với cùng cũng nói là đã sẽ đang các những cho bị được".split())
_BREAKS_FOLDED = frozenset(map(fold, _BREAKS))


def office_gap(between: str) -> bool:
    """Whether the text between an office and a name (lower case, as written) leaves the office the name's: a few
    words, none of which ends the office's phrase ("Ngoại trưởng Mỹ Rex Tillerson"; not "Cố vấn an ninh Sullivan gặp
    các quan chức ... Vương Nghị")."""
    gap = re.findall(r"\w+", between)
    return len(gap) <= _GAP and not any(w in _BREAKS or (w == fold(w) and w in _BREAKS_FOLDED) for w in gap)
