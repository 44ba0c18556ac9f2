"""A question that asks for the items of a list it counts ("What were the four points of China's peace plan?", "Kế
hoạch hòa bình bốn điểm gồm những điểm nào?"), and whether a sentence lists that many: a sentence that only counts
them ("một kế hoạch hòa bình bốn điểm ..., mặc dù kế hoạch thiếu chi tiết") names none (``qa.picker.SentencePicker``).

A list of n items is read as n - 1 separators (commas, semicolons, "và", "and", "cũng như") or as items counted off
("thứ nhất", "first"); from three items up: "Which two leaders …?" is answered by "Trump và Tập Cận Bình" but also by
a sentence that names them apart.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import fold, has_diacritics, nfc

_COUNTS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "ba": 3, "bốn": 4,
           "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "bon": 4, "chin": 9, "muoi": 10}
_NUMBER = r"(three|four|five|six|seven|eight|nine|ten|[3-9]|10)"
# "What were the four points …", "What exactly are the three conditions …", "Name the five …"
_ASKED_EN = re.compile(rf"\b(?:what|which)\b[^?]*?\b(?:are|were)\s+(?:the|its|their|his|her)\s+{_NUMBER}\s+[a-z]",
                       re.IGNORECASE)
# "… bốn điểm … gồm những điểm (cụ thể) nào", "ba điều kiện đó là những gì": a number word standing alone (not "20/6",
# not "năm", also a year), a noun after it that is no unit nor "nước" / "bên" ("hai bên", "ba nước" name the sides);
# typed without accents, only numbers no other word folds to ("tam" is also "tâm", "sau" "sau", "bay" "bay")
_ASKED_VI = (r"(?<![\w/.,])({numbers}|[3-9]|10)(?![\w/.,])\s+(?!{not_nouns}(?!\w))[^\W\d]\w*[^?]*?"
             r"(?:{asks})\s+(?:\w+\s+){{0,4}}?(?:{what})(?!\w)")
_NOT_NOUNS = "năm|tháng|ngày|tuần|giờ|tiếng|phút|lần|nước|bên"
_ASKED_VI_AS = {
    True: re.compile(_ASKED_VI.format(numbers="ba|bốn|sáu|bảy|tám|chín|mười", not_nouns=_NOT_NOUNS,
                                      asks="gồm|bao gồm|là những|là các", what="gì|nào"), re.IGNORECASE),
    False: re.compile(_ASKED_VI.format(numbers="bon|chin|muoi", not_nouns=fold(_NOT_NOUNS),
                                       asks="gom|bao gom|la nhung|la cac", what="gi|nao"), re.IGNORECASE),
}
_SEPARATORS = re.compile(r"[,;]|(?<!\w)(?:và|and|cũng như|as well as)(?!\w)", re.IGNORECASE)
_COUNTED_OFF = re.compile(r"(?<!\w)(?:thứ\s+nhất|thứ\s+hai|một\s+là|hai\s+là|first(?:ly)?|second(?:ly)?)(?!\w)",
                          re.IGNORECASE)


@lru_cache(maxsize=4096)
def asked_items(question: str) -> int | None:
    """How many items the question asks the list of (3 or more), or None."""
    text = nfc(question)
    m = _ASKED_EN.search(text) or _ASKED_VI_AS[has_diacritics(text)].search(text)
    if m is None:
        return None
    count = m.group(1).lower()
    return int(count) if count.isdigit() else _COUNTS[count]


def lists(sentence: str, items: int) -> bool:
    """Whether the sentence (NFC) lists ``items`` things, or counts them off."""
    return len(_SEPARATORS.findall(sentence)) >= items - 1 or len(_COUNTED_OFF.findall(sentence)) >= 2
