"""Whose words a question asks for ("What did Wang Yi say about Kissinger?", "Cảnh Sảng nói gì về hợp tác chống khủng
bố?", "Jake Sullivan đáp lại thế nào ...?"), and whether a sentence gives them: the speaker named shortly before a verb
of saying ("ông Cảng Sảng tuyên bố", "Vương Nghị cũng tri ân"), after "theo" ("Theo Đại sứ Mỹ Haley, ..."), in a
sentence that quotes, or "Ông" / "Bà" saying it right after a sentence that names them. A sentence that only names
them ("các cuộc họp với những người đồng cấp Shigeru Kitamura ..., một quan chức Mỹ cho biết") does not say what they
said: asked what Kitamura said, it is no answer (``qa.answers.SentencePicker``).

The speaker is matched as the index folds text, by the name the question gives (its last capitalised run; a Western
name also by its last word; an English question's name also as the glossary renders it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.glossary import renderings
from qa.text import fold, has_diacritics, nfc

WINDOW = 8  # words from the name to the verb: "Vương Nghị hôm thứ Tư cũng đã tri ân"
APPOSITION = 20  # ... when a comma follows the name

_VERBS_EN = ("say|tell|state|announce|claim|declare|comment|remark|reply|respond|stress|emphasi[sz]e|warn|pledge|"
             "promise|write|tweet")
# "What did Wang Yi say …", "How did Sullivan respond …" (the verbs in lower case: "the US State Department" is a name)
_ASKED_EN = re.compile(rf"\b(?:[Ww]hat|[Hh]ow)\s+(?:did|does|do|has|have|had|will|would)\s+(?P<who>[^,?]+?)\s+"
                       rf"(?:{_VERBS_EN})\b")
_VERBS_VI = ("nói|phát biểu|tuyên bố|cho biết|bình luận|nhận xét|trả lời|đáp lại|đáp|phản hồi|nhấn mạnh|khẳng định|"
             "cảnh báo|bày tỏ|chia sẻ")
# "Cảnh Sảng nói gì về …", "Jake Sullivan đáp lại thế nào khi …"; not "… bị nhận xét thế nào" (said of it)
_ASKED_VI = re.compile(rf"(?P<who>[^,?.;:]+?)\s+(?:(?:đã|sẽ|có|từng)\s+)?(?<!bị )(?<!được )(?:{_VERBS_VI})\s+"
                       r"(?:gì|những gì|điều gì|ra sao|thế nào|như thế nào)(?!\w)")
_ASKED_VI_FOLDED = re.compile(fold(_ASKED_VI.pattern))
_HONORIFIC = re.compile(r"^(?:(?:ông|bà|ngài|anh|chị|ong|ba|ngai|chi|mr|mrs|ms)\.?\s+)+", re.IGNORECASE)
# what a sentence says someone said with, folded
_SAID = ("noi|cho biet|cho hay|tuyen bo|nhan manh|khang dinh|phat bieu|bay to|cho rang|keu goi|chia se|luu y|neu ro|"
         "thong bao|tra loi|dap|dap lai|canh bao|tri an|binh luan|nhan xet|phan doi|bac bo|neu|viet|de nghi|yeu cau|"
         "tiet lo|giai thich|mo ta|ca ngoi|khen ngoi|hoan nghenh|cam ket|bao dam|dam bao|khuyen|hua|tran an|thua nhan|"
         "phu nhan|chi trich|len an|said|says|told|stated|warned|added|wrote|assured|urged|insisted|noted|argued|denied")
_SAID_AT = re.compile(rf"^(?:\S+\s+){{0,{WINDOW - 1}}}?(?:{_SAID})(?!\S)")
# ... or further on after a title set off by a comma: "Bà Susan Thornton, Quyền Trợ lý ngoại trưởng Mỹ thuộc Cục các
# vấn đề Đông Á và Thái Bình Dương cho biết"
_SAID_AFTER_TITLE = re.compile(rf"^(?:\S+\s+){{0,{APPOSITION - 1}}}?(?:{_SAID})(?!\S)")
_QUOTE = re.compile(r"[“”\"«»]")
_PRONOUN = re.compile(r"^(?:ông|bà|anh ấy|chị ấy|ông ấy|bà ấy|he|she)\s", re.IGNORECASE)


@lru_cache(maxsize=4096)
def asked_speaker(question: str) -> tuple[str, ...]:
    """The forms of the name whose words the question asks for, folded and lower case; () when it asks no one's."""
    text = nfc(question)
    if (m := _ASKED_EN.search(text)) is not None:
        return _forms(m.group("who"), english=True)
    m = (_ASKED_VI if has_diacritics(text) else _ASKED_VI_FOLDED).search(text if has_diacritics(text) else text.lower())
    return _forms(m.group("who"), english=False) if m is not None else ()


# a pronoun for someone an earlier turn named ("ông ta nói gì ...?"): the conversation says who, not the question
_PRONOUNS = frozenset({"ta", "ấy", "ay", "này", "nay", "họ", "ho", "người này", "nguoi nay", "người đó", "nguoi do"})


def _forms(who: str, *, english: bool) -> tuple[str, ...]:
    who = _HONORIFIC.sub("", who.strip())
    if who.lower() in _PRONOUNS:
        return ()
    runs, run = [], []
    for word in re.findall(r"[\w'’-]+", who):
        if word[0].isupper():
            run.append(word)
        elif run:
            runs.append(" ".join(run)); run = []
    runs += [" ".join(run)] if run else []
    if runs:
        name = runs[-1]
    elif english or who.lower() != who:
        return ()  # "the American side": no one named
    else:
        name = who  # typed in lower case: "canh sang", "lloyd austin"
    forms = {name, *(renderings(name) if english else ())}
    words = name.split()
    if len(words) > 1 and not has_diacritics(name) and (english or name[:1].isupper() or not _vietnamese(words[-1])):
        forms.add(words[-1])  # "Sullivan" of "Jake Sullivan"; not "sang" of "canh sang"
    return tuple(sorted({" ".join(fold(f).lower().split()) for f in forms if f.strip()}))


def _vietnamese(word: str) -> bool:
    """Whether a folded lower-case word may be a Vietnamese syllable (a surname's last word typed without accents)."""
    return re.fullmatch(r"[bcdghklmnpqrstvx]*[aeiouy]+(?:c|ch|m|n|ng|nh|p|t)?", word.lower()) is not None


def says(sentences: list[str], at: int, speaker: tuple[str, ...]) -> bool:
    """Whether sentence ``at`` of ``sentences`` (NFC) gives the words of ``speaker`` (``asked_speaker``): a quotation
    also when the sentence before or after names them ("“Trung Quốc quan ngại sâu sắc ...” ... Liu Pengyu nói")."""
    text = _words(sentences[at])
    for name in speaker:
        for m in _named(name).finditer(text):
            after = text[m.end() :].lstrip()
            if _SAID_AT.match(after) or re.search(r"\btheo(?:\s+\S+){0,4}\s*$", text[: m.start()]):
                return True
            if _SAID_AFTER_TITLE.match(after) and _apposition(sentences[at], name):
                return True
    quoted = _QUOTE.search(sentences[at]) is not None
    beside = [sentences[i] for i in (at - 1, at + 1) if 0 <= i < len(sentences)] if quoted else []
    if _PRONOUN.match(sentences[at]) and _SAID_AT.match(text.split(" ", 1)[-1]) and at > 0:
        beside.append(sentences[at - 1])  # "Ông cũng nói rõ ..." after a sentence that names him
    return any(_named(name).search(_words(other)) for other in ([sentences[at]] if quoted else []) + beside
               for name in speaker)


def _apposition(sentence: str, name: str) -> bool:
    """Whether a comma follows the name in the sentence (as written)."""
    spelled = r"\W+".join(re.escape(w) for w in name.split())
    return re.search(rf"(?<!\w){spelled}\s*,", fold(sentence).lower()) is not None


def _words(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", fold(sentence).lower()))


@lru_cache(maxsize=1024)
def _named(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S){re.escape(name)}(?!\S)")
