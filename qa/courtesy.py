"""What people say around a question to a chatbot -- "Bạn ơi, cho mình hỏi …", "… vậy ạ?", "Can you tell me …",
"…, please" -- is no part of what it asks, and no passage has it: those words lowered the evidence of the right
passage ("Ai gặp nhau ở Rome vậy ạ?" was refused at 0.27; "Ai gặp nhau ở Rome?" is answered at 1.0). They are
taken off before the question is read (``QAService``), with or without diacritics; the answer keeps the question
as asked. Only whole phrases at the very start or end go, and only where words are left.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.language import detect
from qa.text import as_typed, either_accents

_I = r"(?:mình|tôi|em|tớ|tui|con|cháu)"  # the asker
_YOU = r"(?:bạn|anh|chị|em|ad|admin|bot)"  # the one asked
_VI_LEAD = (rf"{_YOU}\s+ơi|chào\s+{_YOU}|xin\s+chào|làm\s+ơn|(?:xin\s+)?vui\s+lòng|"
            rf"(?:(?:xin\s+)?cho|để)\s+{_I}\s+hỏi(?:\s+(?:chút|một\s+chút|xíu|tí|thêm|với|nhé|nha|là))*|xin\s+hỏi|"
            rf"{_I}\s+(?:muốn|cần)\s+(?:biết|hỏi)(?:\s+là)?|"
            rf"{_YOU}\s+(?:có\s+)?(?:thể\s+)?(?:làm\s+ơn\s+)?(?:cho\s+{_I}\s+biết|biết|nói\s+cho\s+{_I}\s+biết)(?:\s+là)?|"
            rf"(?:hãy\s+)?(?:nói\s+)?cho\s+{_I}\s+biết(?:\s+là)?|(?:giúp|hộ)\s+{_I}(?:\s+với)?")
# as written only: typed without diacritics "dạ" is "đã", "vâng" "vàng"
_VI_LEAD_ACCENTED = r"dạ|vâng"
# sentence-final particles, after "vậy" / "thế" / "đấy" or on their own ("không", a yes-or-no question's, stays);
# in a question typed without diacritics "a", "nha", "hen" are also "Á", "nhà", "hẹn": only after "vay" / "the" / "day"
_VI_TAIL = (rf"(?:(?:vậy|thế|đấy)\s+)?(?:ạ|nhé|nha|nhá|nhỉ|hả|hở|à|ư|hử|hen|chứ)|{_YOU}\s+(?:ơi|nhé|nha)|"
            rf"(?:giúp|hộ)\s+{_I}(?:\s+với)?|với\s+(?:ạ|nhé|nha)")
_VI_TAIL_FOLDED = (r"(?:vay|the|day)\s+(?:a|nhe|nha|nhi|ha)|(?:ban|anh|chi|ad|admin|bot)\s+oi|"
                   r"(?:giup|ho)\s+(?:minh|toi|em|to|tui)\s+voi")
_EN_LEAD = (r"(?:hi|hello|hey)(?:\s+there)?|please|(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell\s+me|let\s+me\s+"
            r"know|say|explain)|(?:do|does)\s+(?:you|anyone)\s+know|i\s+(?:want|would\s+like|'d\s+like|need)\s+to\s+know|"
            r"i(?:'m|\s+am)?\s+wonder(?:ing)?|tell\s+me|quick\s+question|i\s+have\s+a\s+question")
_EN_TAIL = r"please|thanks|thank\s+you|thx"
_SEP = r"[\s,:;!.\-–—]*"
_END = r"[\s?!.…]*"


def _patterns(lead: str, tail: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return (re.compile(rf"^\s*(?:{lead})(?!\w){_SEP}", re.IGNORECASE),
            re.compile(rf"{_SEP}(?<!\w)(?:{tail})(?P<end>{_END})$", re.IGNORECASE))


_LEAD_VI = rf"{either_accents(_VI_LEAD)}|{_VI_LEAD_ACCENTED}"
_BY_LANGUAGE = {"vi": _patterns(_LEAD_VI, _VI_TAIL), "vi-nodiac": _patterns(_LEAD_VI, _VI_TAIL_FOLDED),
                "other": _patterns(_EN_LEAD, _EN_TAIL)}


@lru_cache(maxsize=4096)
def without_courtesy(question: str) -> str:
    """``question`` without the greeting, the "cho mình hỏi" / "can you tell me" before it and the particles or
    "please" after it (a few of each, in any order); itself when nothing else would be left."""
    lead, tail = _BY_LANGUAGE[detect(question)]
    text = question
    for _ in range(3):
        shorter = lead.sub("", text, count=1)
        shorter = tail.sub(lambda m: m.group("end"), shorter, count=1)
        if shorter == text:
            break
        text = shorter
    return text if any(c.isalnum() for c in text) and text.strip() else question


def as_asked(question: str) -> str:
    """A question as the user meant it: what wraps it off (``qa.text.as_typed``), then the courtesy around it."""
    return without_courtesy(as_typed(question))
