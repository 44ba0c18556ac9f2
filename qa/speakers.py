"""Whose words a question asks for ("What did Wang Yi say about Kissinger?", "Cảnh Sảng nói gì về hợp tác chống khủng
bố?", "Jake Sullivan đáp lại thế nào ...?"), and whether a sentence gives them: the speaker named shortly before a verb
of saying ("ông Cảng Sảng tuyên bố", "Vương Nghị cũng tri ân"), after "theo" ("Theo Đại sứ Mỹ Haley, ..."), beside a
quotation, or "Ông" / "Bà" saying it right after a sentence that names them. A sentence that only names them ("các
cuộc họp với những người đồng cấp Shigeru Kitamura ..., một quan chức Mỹ cho biết") does not say what they said: asked
what Kitamura said, it is no answer (``qa.picker.SentencePicker``).

The speaker is matched word by word as the index folds text, by the last two or more words of the name the question
gives ("Vương Nghị" of "Ngoại trưởng Trung Quốc Vương Nghị"), a Western name also by its last word, an English
question's name also as the glossary renders it. The verbs are read with their accents where the sentence has them
("Hà Nội", "Việt Nam", "nếu" are no "nói", "viết", "nêu").
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.glossary import renderings
from qa.text import fold, has_diacritics, nfc

WINDOW = 8  # words from the name to the verb: "Vương Nghị hôm thứ Tư cũng đã tri ân"
APPOSITION = 20  # ... when a comma follows the name
QUOTED = 5  # words in quotation marks that are a quotation, not a name ("nhóm “Bộ Tứ”")

_VERBS_EN = ("say|said|tell|told|state|stated|announce|announced|claim|claimed|declare|declared|comment|commented|"
             "remark|remarked|reply|replied|respond|responded|stress|stressed|emphasi[sz]ed?|warn|warned|pledge|"
             "pledged|promise|promised|write|wrote|written|tweet|tweeted")
_WHO = r"(?P<who>(?:[^\s,?.;:]+\s+){0,7}?[^\s,?.;:]+)"  # at most eight words: read in linear time
# "What did Wang Yi say …", "How did Sullivan respond …" (the verbs in lower case: "the US State Department" is a name)
_ASKED_EN = re.compile(rf"\b(?:[Ww]hat|[Hh]ow)\s+(?:did|does|do|has|have|had|will|would)\s+{_WHO}\s+(?:{_VERBS_EN})\b")
_VERBS_VI = ("nói|phát biểu|tuyên bố|cho biết|bình luận|nhận xét|trả lời|đáp lại|đáp|phản hồi|nhấn mạnh|khẳng định|"
             "cảnh báo|bày tỏ|chia sẻ")
# "Cảnh Sảng nói gì về …", "Jake Sullivan đáp lại thế nào khi …"; not "… bị nhận xét thế nào" (said of it)
_ASKED_VI = re.compile(rf"{_WHO}\s+(?:(?:đã|sẽ|có|từng)\s+)?(?<!bị )(?<!được )(?:{_VERBS_VI})\s+"
                       r"(?:gì|những gì|điều gì|ra sao|thế nào|như thế nào)(?!\w)")
_ASKED_VI_FOLDED = re.compile(fold(_ASKED_VI.pattern))
_HONORIFIC = re.compile(r"^(?:(?:ông|bà|ngài|anh|chị|ong|ba|ngai|chi|mr|mrs|ms)\.?\s+)+", re.IGNORECASE)
# no one named: a pronoun for someone an earlier turn named ("ông ta nói gì ...?": the conversation says who), or who
# is asked ("Ai nói gì về ...?")
_NO_ONE = frozenset({"ta", "ấy", "ay", "này", "nay", "họ", "ho", "người này", "nguoi nay", "người đó", "nguoi do", "ai",
                     "ai đó", "ai do", "người nào", "nguoi nao", "ông", "bà", "ong", "ba"})
# what a sentence says someone said with, with accents and (for a text without them) folded
_SAID = ("nói|cho biết|cho hay|tuyên bố|nhấn mạnh|khẳng định|phát biểu|bày tỏ|cho rằng|kêu gọi|chia sẻ|lưu ý|nêu rõ|"
         "thông báo|trả lời|đáp|đáp lại|cảnh báo|tri ân|bình luận|nhận xét|phản đối|bác bỏ|nêu|viết|đề nghị|yêu cầu|"
         "tiết lộ|giải thích|mô tả|ca ngợi|khen ngợi|hoan nghênh|cam kết|bảo đảm|đảm bảo|khuyên|hứa|trấn an|thừa nhận|"
         "phủ nhận|chỉ trích|lên án")
_SAID_EN = "said|says|told|stated|warned|added|wrote|assured|urged|insisted|noted|argued|denied"
_SAID_AT = r"^(?:\S+\s+){{0,{}}}?(?:{}|{})(?!\S)"  # up to APPOSITION words, then the verb
_SAID_AS = {True: re.compile(_SAID_AT.format(APPOSITION - 1, _SAID, _SAID_EN)),
            False: re.compile(_SAID_AT.format(APPOSITION - 1, fold(_SAID), _SAID_EN))}
_QUOTATION = re.compile(r"[“\"«]([^”\"»]*)[”\"»]?")
# "Ông cũng nói rõ ...": a pronoun, then the verb (no one else named between)
_PRONOUN = re.compile(r"^(?:ông|bà|anh ấy|chị ấy|ông ấy|bà ấy|he|she)(?:\s+(?:cũng|đã|còn|lại|từng|vừa|also|then))*\s+",
                      re.IGNORECASE)
_POSSESSIVE = re.compile(r"['’]s\b")


@lru_cache(maxsize=4096)
def asked_speaker(question: str) -> tuple[str, ...]:
    """The forms of the name whose words the question asks for (folded words joined by spaces, as ``_words`` writes
    a sentence); () when it asks no one's."""
    text = nfc(question)
    if (m := _ASKED_EN.search(text)) is not None:
        return _forms(m.group("who"), english=True)
    accents = has_diacritics(text)
    m = (_ASKED_VI if accents else _ASKED_VI_FOLDED).search(text if accents else text.lower())
    return _forms(m.group("who"), english=False) if m is not None else ()


def _forms(who: str, *, english: bool) -> tuple[str, ...]:
    who = _HONORIFIC.sub("", _POSSESSIVE.sub("", who.strip()))
    if who.lower() in _NO_ONE:
        return ()
    runs, run = [], []
    for word in re.findall(r"[\w'’-]+", who):
        if word[0].isupper():
            run.append(word)
        elif run:
            runs.append(run)
            run = []
    runs += [run] if run else []
    if runs:
        name = runs[-1]
    elif english or who.lower() != who:
        return ()  # "the American side": no one named
    else:
        name = who.split()  # typed in lower case: "canh sang", "lloyd austin"
    # its last two words and more ("Vương Nghị" of "Trung Quốc Vương Nghị"; "Tại Anchorage Dương Khiết Trì")
    forms = {" ".join(name[i:]) for i in range(max(len(name) - 1, 1))} | {" ".join(name)}
    if english:
        forms |= {r for f in list(forms) for r in renderings(f)}
    if len(name) > 1 and not has_diacritics(name[-1]) and (english or name[-1][:1].isupper()
                                                             or not _vietnamese(name[-1])):
        forms.add(name[-1])  # "Sullivan" of "Jake Sullivan"; not "sang" of "canh sang"
    return tuple(sorted(f for f in {_words(f) for f in forms} if f))


def _vietnamese(word: str) -> bool:
    """Whether a folded lower-case word may be a Vietnamese syllable (a surname's last word typed without accents)."""
    return re.fullmatch(r"[bcdghklmnpqrstvx]*[aeiouy]+(?:c|ch|m|n|ng|nh|p|t)?", fold(word).lower()) is not None


def says(sentences: list[str], at: int, speaker: tuple[str, ...]) -> bool:
    """Whether sentence ``at`` of ``sentences`` (NFC) gives the words of ``speaker`` (``asked_speaker``): also a
    quotation when the sentence before or after names them ("“Trung Quốc quan ngại sâu sắc ...” ... Liu Pengyu nói")."""
    sentence = sentences[at]
    accents = has_diacritics(sentence)
    written = re.findall(r"\w+", nfc(sentence).lower())
    text = " ".join(fold(w) for w in written)
    for name in speaker:
        for m in _named(name).finditer(text):
            after = " ".join(written[len(text[: m.end()].split()) :])
            said = _SAID_AS[accents].match(after)
            if said is not None and (len(said.group(0).split()) <= WINDOW or _apposition(sentence, name)):
                return True
            if re.search(r"\btheo(?:\s+\S+){0,4}\s*$", text[: m.start()]):
                return True
    quoted = any(len(q.split()) >= QUOTED for q in _QUOTATION.findall(sentence)) or sentence.lstrip()[:1] in "“\"«"
    beside = [sentences[i] for i in (at - 1, at + 1) if 0 <= i < len(sentences)] if quoted else []
    if at > 0 and _pronoun_says(sentence, accents):
        beside.append(sentences[at - 1])  # "Ông cũng nói rõ ..." after a sentence that names him
    return any(_named(name).search(_words(other)) for other in ([sentence] if quoted else []) + beside
               for name in speaker)


def _pronoun_says(sentence: str, accents: bool) -> bool:
    """Whether the sentence begins with "Ông" / "Bà" / "He" and its verb of saying straight after."""
    m = _PRONOUN.match(sentence)
    if m is None:
        return False
    said = _SAID_AS[accents].match(nfc(sentence[m.end() :]).lower())
    return said is not None and len(said.group(0).split()) <= 2  # "nói rõ", "cho biết"


def _apposition(sentence: str, name: str) -> bool:
    """Whether a comma follows the name in the sentence (as written)."""
    spelled = r"\W+".join(re.escape(w) for w in name.split())
    return re.search(rf"(?<!\w){spelled}\s*,", fold(sentence).lower()) is not None


def _words(text: str) -> str:
    """Folded lower-case words joined by single spaces: how names and sentences are compared."""
    return " ".join(re.findall(r"\w+", fold(text).lower()))


@lru_cache(maxsize=1024)
def _named(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S){re.escape(name)}(?!\S)")
