"""Questions that ask what someone is -- their office or title -- rather than for a name: "Jake Sullivan giữ chức vụ
gì?", "Vương Nghị là ai?", "Who is Liu Pengyu?", "What is Susan Thornton's position?".

Asked "ai / who", the answer type is a person: a sentence offering a name the question lacks. Asked about a named
person, the answer is the title next to the name ("Cố vấn An ninh Quốc gia Mỹ Jake Sullivan"), and the words that
ask ("giữ chức vụ gì") are in no answer: they are left out of the question's terms, where they outweighed the name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import fold

# offices and titles as Vietnamese news writes them before or after a name (lower case)
TITLE_WORDS = ("bộ trưởng|ngoại trưởng|thứ trưởng|tổng thống|phó tổng thống|thủ tướng|chủ tịch|lãnh đạo|quan chức|"
               "đại sứ|cố vấn|trợ lý|ủy viên|chủ nhiệm|giám đốc|tổng thư ký|thư ký|phát ngôn viên|người phát ngôn|"
               "phát ngôn|tướng|tư lệnh|tham mưu trưởng|nghị sĩ|thượng nghị sĩ|chánh văn phòng|trưởng ban|"
               "thống đốc|thị trưởng|tổng giám đốc|vua|nữ hoàng|hoàng đế|giáo sư|tiến sĩ")
# "chức" alone only after "giữ": "tổ chức nào" is an organisation
_ASKING_VI = (r"(?:(?:giữ|có|làm|đảm nhiệm|đảm nhận)\s+)?(?:chức vụ|chức danh|cương vị)\s+(?:gì|nào|là gì)|"
              r"(?:giữ|đảm nhiệm)\s+chức\s+(?:gì|nào)")
_ASK_VI = re.compile(rf"(?<!\w)(?:{_ASKING_VI}|{fold(_ASKING_VI)})(?!\w)", re.IGNORECASE)
_OF_VI = r"(?:chức vụ|chức danh|cương vị)\s+của\s+(.+?)\s+là\s+gì"
_ASK_OF_VI = re.compile(rf"(?<!\w)(?:{_OF_VI}|{fold(_OF_VI)})(?!\w)", re.IGNORECASE)  # "Chức vụ của X là gì?"
_OFFICE = r"(?:title|position|job|role|post|office)"
_ASK_EN_HOLD = re.compile(rf"\b(?:what|which) {_OFFICE}s? (?:does|did|do|will) (.+?) (?:hold|have|had|occupy)\b",
                          re.IGNORECASE)
# "Yang's position on Ukraine" is a stance, not an office
_ASK_EN = re.compile(rf"\b(?:what|which) (?:is|was) (?:the )?{_OFFICE} of\b|(?<=\w)['’]s {_OFFICE}\b"
                     r"(?!\s+(?:on|about|regarding|towards?|over|in|at|for)\b)", re.IGNORECASE)


def _stripped(text: str) -> str:
    out = _ASK_VI.sub(" ", _ASK_EN.sub(" ", _ASK_EN_HOLD.sub(r"\1", text)))
    return _ASK_OF_VI.sub(lambda m: m.group(1) or m.group(2), out)


@lru_cache(maxsize=4096)  # asked for every field a question is looked up in
def without_asking(text: str) -> str:
    """``text`` without the words that ask for an office ("giữ chức vụ gì", "What position does ... hold",
    "...'s title"): they are in no answer, and outweighed the name in the question's terms."""
    out = _stripped(text)
    # "Ông ấy giữ chức vụ gì?" names nobody: a follow-up, left as it is for the conversation to complete
    return out if any(w not in _NOT_NAME for w in re.findall(r"\w+", fold(out).lower())) else text


_WHO_IS_VI = re.compile(r"^(?P<who>.+?)\s+l[aà]\s+ai\s*\??\s*$")
_WHO_IS_EN = re.compile(r"^(?:who\s+(?:is|was)|who's)\s+(?P<who>.+?)\s*\??\s*$")
_PERSON_WORDS = re.compile(rf"(?<!\w)(?:{TITLE_WORDS}|{fold(TITLE_WORDS)}|người|nguoi|ông|bà|ong)(?!\w)")
_PERSON_EN = re.compile(r"\b(?:the|a|an|this|that|his|her|their|its)\b|\b(?:minister|secretary|official|president|"
                        r"spokes\w*|leader|adviser|advisor|ambassador|general|author|person|man|woman|one)\b")


@lru_cache(maxsize=4096)
def asks_title(question: str) -> bool:
    """Whether the question asks for someone's office: "... giữ chức vụ gì", "X là ai" / "Who is X?" where X names
    someone (not "Ai là người phát ngôn ...?", not "Who is the spokesman?": those want a name)."""
    if not _names(question):  # "Ông ấy giữ chức vụ gì?": whose office is for the conversation to say
        return False
    q = question.strip().lower()
    if without_asking(q) != q:
        return True
    if (who := _WHO_IS_VI.match(q)) is not None:
        return _PERSON_WORDS.search(who.group("who")) is None
    if (who := _WHO_IS_EN.match(q)) is not None:
        return bool(who.group("who")) and _PERSON_EN.search(who.group("who")) is None
    return False


_TITLE = re.compile(rf"(?<!\w)(?:{fold(TITLE_WORDS)})(?!\w)")
# not a name: the words that ask, and pronouns ("Ông ấy giữ chức vụ gì?" names nobody: the turn before does)
_NOT_NAME = frozenset("who whos what which is was s the of la ai ong ba ay ta anh chi ho he she they him her his".split())
NEAR = 70  # characters before a name (or after it and a comma) where its office is written


@lru_cache(maxsize=65536)
def title_offered(sentence: str, question: str) -> bool:
    """Whether the sentence gives the office of the person the question names, next to the name: before it
    ("Bộ trưởng Ngoại giao Trung Quốc Vương Nghị") or after it and a comma ("Bà Susan Thornton, Quyền Trợ lý
    ngoại trưởng Mỹ"); not another person's ("Vương Nghị ... tri ân cựu Ngoại trưởng Mỹ Henry Kissinger")."""
    asked = fold(without_asking(question)).lower()
    text = fold(sentence).lower()
    for name in _names(question):
        for m in re.finditer(r"(?<!\w)" + r"\W+".join(map(re.escape, name)) + r"(?!\w)", text):
            before = re.split(r"[.;:!?]", text[max(0, m.start() - NEAR) : m.start()])[-1]
            after = text[m.end() : m.end() + NEAR]
            near = [before] + ([after] if after.lstrip().startswith(",") else [])
            if any(title not in asked for part in near for title in _TITLE.findall(part)):
                return True
    return False


_CAPITALISED = re.compile(r"[A-ZĐ][\w'’-]*(?:\s+[A-ZĐ][\w'’-]*)*")


@lru_cache(maxsize=4096)
def _names(question: str) -> tuple[tuple[str, ...], ...]:
    """The names a question asks about, each as folded words: its capitalised runs ("Jake Sullivan"; an English
    question's glossary rendering after it, "Vương Nghị" for "Wang Yi"), or, typed in lower case, its words."""
    rest = _stripped(question)
    runs = [tuple(w for w in re.findall(r"\w+", fold(run).lower()) if w not in _NOT_NAME)
            for run in _CAPITALISED.findall(rest)]
    runs = [run for run in runs if run]
    if runs:
        return tuple(runs)
    words = tuple(w for w in re.findall(r"\w+", fold(rest).lower()) if w not in _NOT_NAME)
    return (words,) if words else ()
