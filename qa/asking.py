"""The words of a question that say what it asks for and are in no answer -- "giữ chức vụ gì" (``qa.titles``), "bài
báo … được đăng ngày nào" (``qa.about``), "bức ảnh … là của cơ quan nào" (``qa.photos``), "theo mục tin mới nhất"
(``qa.other_news``), "được nhắc đến trong bài": left out of its terms, where they outweighed what the answer is
about."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.about import without_about
from qa.other_news import without_other_news
from qa.photos import without_credit_asking
from qa.text import either_accents
from qa.titles import without_asking


# that something is mentioned in the article says where the answer is, not what: "Người phát ngôn ... được nhắc đến
# trong bài của báo Tổ Quốc là ai?", "the spokesman mentioned in the CLO report" (``qa.outlets`` takes these words with
# an outlet's name)
MENTION_VI = r"nhắc\s+(?:đến|tới)|đề\s+cập(?:\s+(?:đến|tới))?|nói\s+(?:đến|tới)"
MENTION_EN = "mentioned|named|quoted|cited"
_MENTIONED = re.compile(
    rf"(?<!\w)(?:{either_accents('được')}\s+)?{either_accents(MENTION_VI)}"
    r"(?=\s+(?:trong|ở|tại|trên|o|tai|tren)\s+(?:bài|bản tin|bai|ban tin)(?!\w))|"
    rf"\b(?:{MENTION_EN})(?=\s+(?:in|by)\s+(?:the|this|that|an?)\s+(?:[\w'’.-]+\s+){{0,2}}"
    r"(?:article|report|story|piece)s?\b)", re.IGNORECASE)


@lru_cache(maxsize=4096)  # asked for every field a question is looked up in
def without_asking_words(text: str) -> str:
    return without_credit_asking(without_about(without_asking(without_other_news(_MENTIONED.sub(" ", text)))))
