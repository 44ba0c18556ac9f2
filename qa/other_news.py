"""Questions about the page's other news: the related articles' headlines and leads a news page lists beside its
article ("Tin liên quan", "Tin mới nhất", "Tin khác"): "Theo mục tin mới nhất, liên minh cầm quyền ở nước nào đã
sụp đổ?", "In a related VOV story, what did the US accuse China of …?", "… per the headlines on the Rome page?".

That text ranks below the article's own and its evidence is discounted (``qa.rerank.RELATED_PENALTY``,
``qa.evidence.RELATED_EVIDENCE``): asked about anything, it is matched by chance more often than it answers. A
question that points at it asks for it: the discount is lifted there, and the words that point ("theo mục tin mới
nhất", "in a related story") are left out of its terms (``qa.asking``), as they are in no answer."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import either_accents

# "mục tin mới nhất", "tin liên quan trên VOV", "danh sách tin mới nhất", "các tiêu đề tin khác", "bài cùng chuyên mục"
# (with what says where: "theo", "trong", "được nhắc trong"); "tin" is the news item, never "tin tưởng" (trust), and
# "tin khác" points only after a list's or a place's word ("trong mục tin khác", not "Bà ấy có tin khác không?")
_WHERE_VI = (r"(?:(?:được\s+)?(?:nhắc|đề cập|nêu)(?:\s+(?:đến|tới))?\s+)?"
             r"(?:theo|trong|ở|tại|trên|thuộc)\s+")
_LIST_VI = r"(?:mục|danh sách|phần|các)\s+(?:(?:tiêu đề|đầu đề)\s+)?|(?:tiêu đề|đầu đề)\s+"
_ITEM_VI = r"(?:tin|bài|tiêu đề|bản tin)\s+"
_SURE_VI = r"liên quan(?!\s+(?:đến|tới))|mới nhất|cùng chuyên mục"  # not "tin liên quan đến Nga": news on Russia
_POINTING_VI = (rf"(?:{_WHERE_VI})?(?:{_LIST_VI}){_ITEM_VI}(?:{_SURE_VI}|khác)|(?:{_WHERE_VI})?{_ITEM_VI}(?:{_SURE_VI})|"
                rf"{_WHERE_VI}{_ITEM_VI}khác")
_OTHER_VI = rf"(?<!\w)(?:{either_accents(_POINTING_VI)})(?!\w)"
# "in a related VOV story" (its outlet's name kept), "the 'World in 7 days' related item", "in the latest-news list",
# "listed under other news", "the headlines on the Rome page"; "other news", "latest news" only after a word that says
# where ("What other news did the US release?" is news)
_ITEM_EN = r"(?:story|stories|item|items|headline|headlines|news|article|articles|link|links|piece|pieces|report|reports)"
_IN_EN = r"(?:(?:listed|shown|mentioned|named)\s+)?(?:in|on|from|per|under|according\s+to|among)\s+"
_THE_EN = r"(?:(?:the|a|an|its|one\s+of\s+the)\s+)?"
_OTHER_EN = (rf"\b(?:{_IN_EN})?{_THE_EN}related\s+(?P<named>(?:[\w'’.-]+\s+){{0,2}}?){_ITEM_EN}\b|"
             rf"\b{_IN_EN}{_THE_EN}(?:latest|other|more)[\s-]+news(?:\s+(?:list|section|items?|headlines?|box))?\b|"
             rf"\b(?:{_IN_EN})?{_THE_EN}(?:headlines?\s+(?:on|of)\s+(?:the|this|that)\s+(?:[\w'’.-]+\s+){{0,3}}?page|"
             r"sidebar)\b")
_OTHER = re.compile(f"{_OTHER_VI}|{_OTHER_EN}", re.IGNORECASE)


@lru_cache(maxsize=4096)
def asks_other_news(question: str) -> bool:
    """Whether the question points at the page's other news (its related articles' headlines and leads)."""
    return _OTHER.search(question) is not None


def without_other_news(text: str) -> str:
    """``text`` without the words that point at the page's other news: they are in no answer."""
    return _OTHER.sub(lambda m: f" {m.group('named') or ''} ", text)
