"""Questions about a photo ("Bức ảnh ông Sullivan phát biểu ở Alaska được chụp tại khách sạn nào?", "In the VOV
photo, which Chinese official is Tillerson meeting?", "Bức ảnh Tillerson gặp Dương Khiết Trì là của cơ quan nào?").

A photo caption describes a picture, so it answers other questions only when it does clearly better than the text
(``qa.picker.CAPTION_PENALTY``); asked about a photo, it is what answers. Asked whose photo it is, the answer is the
credit that closes the caption's line ("(Ảnh: Bộ Ngoại giao Mỹ)"), and the words that ask ("bức ảnh", "của cơ quan
nào", "who took the photo") are in no passage: they are left out of the question's terms, as ``qa.titles`` leaves
out "giữ chức vụ gì".
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.cleaning import CAPTION_MAX, is_caption
from qa.text import LINE_BREAKS, either_accents, fold, nfc

# "ảnh" but not "ảnh hưởng" (influence) or "hình ảnh" (also an image one has: "thay đổi hình ảnh khu vực"); typed
# without accents "anh" is also a brother or English: only with a word that makes it a picture
# (an illustration, in either placing of its tone mark: "minh họa", "minh hoạ"; not "hình ảnh minh họa", an example)
_PICTURE_VI = ("bức ảnh|tấm ảnh|bức hình|tấm hình|ảnh chụp|hình chụp|chú thích ảnh|(?<!hình )(?<!hinh )(?:ảnh|hình) minh "
               "(?:họa|hoạ)")
# not "image" (a reputation) or "the big picture"
_PHOTO = re.compile(rf"(?<!\w)(?:{either_accents(_PICTURE_VI)}|(?<!hình )ảnh(?!\s+hưởng))(?!\w)|"
                    r"\b(?:photo(?:graph)?s?|photographers?|(?<!big )(?<!bigger )(?<!full )(?<!whole )(?<!overall )"
                    r"(?<!clear )(?<!complete )pictures?|pictured|captions?)\b", re.IGNORECASE)
# whose it is: the asking words that follow the photo, the question's subject ("Bức ảnh ... là của cơ quan nào?", not
# "Trong ảnh, ông X là đại diện của cơ quan nào?"), or say it was taken
_SUBJECT_VI = re.compile(rf"^\W*(?:(?:cái|tấm|bức|cai|tam|buc)\s+)?(?:{either_accents(_PICTURE_VI)}|ảnh|hình)(?!\w)",
                         re.IGNORECASE)
_WHOSE_VI = (r"(?:là\s+)?của\s+(?:ai|cơ quan nào|hãng nào|hãng tin nào|báo nào|nguồn nào)|do\s+(?:ai|cơ quan nào|"
             r"hãng nào|hãng tin nào|nguồn nào)(?:\s+(?:cung cấp|chụp|thực hiện|cung cap|chup|thuc hien))?|ai\s+(?:đã\s+)?chụp|nguồn\s+(?:ảnh|"
             r"của ảnh)|(?:được\s+)?cung cấp bởi\s+(?:ai|cơ quan nào|hãng nào)|(?:được\s+)?lấy\s+(?:từ|của)\s+(?:đâu|ai|nguồn nào|"
             r"hãng nào|cơ quan nào|báo nào)")
_WHOSE_EN = (r"\bwho\s+(?:took|shot|supplied|provided|is\s+credited\s+(?:with|for))\b|\bwhose\s+(?:photo|picture|image)\b|"
             r"\b(?:photo|picture|image)\s+credit\b|\bcredited\s+to\s+(?:whom|which|what)\b|\bphotographer\b|"
             r"\b(?:which|what)\s+(?:news\s+)?(?:agency|organi[sz]ation|outlet|source)\s+(?:took|supplied|provided|"
             r"is\s+credited|was\s+credited|shot)\b|\bsource\s+of\s+the\s+(?:photo|picture|image)\b")
# as written, typed without accents, in English: each on its own, so that "do ai chup" is taken whole
_WHOSE = tuple(re.compile(p, re.IGNORECASE) for p in (rf"(?<!\w)(?:{_WHOSE_VI})(?!\w)",
                                                      rf"(?<!\w)(?:{fold(_WHOSE_VI)})(?!\w)", _WHOSE_EN))


@lru_cache(maxsize=4096)
def asks_photo(question: str) -> bool:
    """Whether the question is about a photo (its caption answers)."""
    return bool(_PHOTO.search(nfc(question)))


@lru_cache(maxsize=4096)
def asks_credit(question: str) -> bool:
    """Whether the question asks whose a photo is: who took it, which agency it is credited to."""
    text = nfc(question)
    if not _PHOTO.search(text):
        return False
    vietnamese, folded, english = _WHOSE
    return bool(english.search(text) or (_SUBJECT_VI.search(text) and (vietnamese.search(text) or folded.search(text))))


@lru_cache(maxsize=4096)
def without_credit_asking(text: str) -> str:
    """``text`` without the words that ask whose a photo is ("bức ảnh", "là của cơ quan nào", "who took the
    photo of"); any other text as it is."""
    if not asks_credit(text):
        return text
    text = nfc(text)
    for pattern in _WHOSE:
        text = pattern.sub(" ", text)
    return _PHOTO.sub(" ", text)


def caption_end(raw: str, end: int) -> int:
    """Where the line of a sentence ending at ``end`` ends, when that line is a photo caption (its credit is at the
    end): a whose-photo question's answer runs to it. ``end`` itself otherwise."""
    line_end = min([i for i in (raw.find(c, end, end + CAPTION_MAX) for c in LINE_BREAKS) if i >= 0] or [len(raw)])
    if line_end - end > CAPTION_MAX:
        return end
    line_start = max(raw.rfind(c, max(0, end - CAPTION_MAX), end) for c in LINE_BREAKS) + 1
    if not (line_end > end and is_caption(raw[line_start:line_end])):
        return end
    # not the separators a page leaves after the credit ("Ảnh:Reuters |")
    return max(end, line_start + len(raw[line_start:line_end].rstrip(" \t|·•-–—")))
