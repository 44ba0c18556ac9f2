"""Questions about an article rather than the news it reports: when it was published, who wrote it, which outlet
ran it, which agency it is based on, which section of the site it is filed under ("Bài báo về cuộc họp ba bên được đăng ngày nào?", "Ai viết bài về ...?", "Who
wrote the article on ...?", "Bài báo ... dẫn theo hãng tin nào?").

Such a question names the article (a word for it: "bài báo", "article", "report") and asks one of these five things.
"According to the article, which outlets reported ...?" asks about the news: a mention of the article that only
says where the answer is ("theo bài báo", "in the article", "the report says") does not count. The words that ask
are in no passage: they are left out of the question's terms (``without_about``), as ``qa.titles`` leaves out
"giữ chức vụ gì", so that the rest of the question finds the article. ``qa.credits`` answers from its page.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from qa.photos import asks_credit
from qa.text import either_accents, fold, nfc

AboutKind = Literal["date", "author", "agency", "outlet", "category"]


# "bài" is an article unless a word makes it something else ("bài phát biểu", "bài thuốc", "bài dự thi", a "bài đăng"
# on a social network, "bài ngoại", "đánh bài"); typed without accents "bai" is also "bại" and "bãi": only with a word
# that makes it the article ("bai bao", "bai ve ...")
_NOT_ARTICLE = ("phát biểu|hát|thơ|học|thi|dự thi|giảng|toán|diễn văn|tập|biển|binh|trừ|xích|bản|thuốc|luận|văn|ca|"
                "kiểm tra|đăng|thuyết trình|bạc|ngoại|hoa|mỹ|trung|nhật|tiết|bố|trí")
# ... and one that is written: "viết bài Mỹ - Trung ..." is an article, "viết bài thơ" is not
_NOT_WRITTEN = "phát biểu|hát|thơ|học|thi|dự thi|giảng|toán|diễn văn|tập|luận|văn|ca|thuyết trình|kiểm tra|đăng"
# typed without accents "bai" is also the "bại" of "thất bại", "đánh bại", "thảm bại", "chiến bại" (defeat)
_NOT_DEFEAT = r"(?<!that )(?<!danh )(?<!tham )(?<!chien )"
_ARTICLE_VI = (rf"bài báo|bài viết|bản tin|tin bài|(?<=viết )bài(?!\s+(?:{_NOT_WRITTEN})(?!\w))|"
               rf"(?<=viet )bai(?!\s+(?:{fold(_NOT_WRITTEN)})(?!\w))|(?<!đánh )(?<!con )(?<!lá )(?<!quân )(?<!ván )"
               rf"bài(?!\s+(?:{_NOT_ARTICLE})(?!\w))|"
               + fold("bài báo|bài viết|bản tin|tin bài") + rf"|{_NOT_DEFEAT}bai(?=\s+(?:nay|do|ve|tren|cua)\b)|"
               # whatever follows, after its author's word ("tác giả bài Mỹ - Nhật - Hàn ...": no "bài Mỹ", anti-US)
               # or before the newspaper that ran it ("bài Mỹ Trung chống khủng bố của báo Tổ Quốc")
               rf"(?:(?<=tác giả )|(?<=tác giả của )|(?<=tac gia )|(?<=tac gia cua ))(?:bài|bai)(?!\s+(?:{_NOT_WRITTEN}|"
               rf"{fold(_NOT_WRITTEN)})(?!\w))|{_NOT_DEFEAT}(?:bài|bai)"
               r"(?=(?:\s+[\w-]+){1,8}?\s+(?:của|trên|cua|tren)\s+(?:tờ\s+|to\s+)?(?:báo|bao)(?!\s+(?:chí|chi)(?!\w))(?!\w))")
# a "report" is one only as this one ("this report", "the news report"): "the UN report", "the report on inflation",
# "to report the attack" are news
_ARTICLE_EN = (r"(?:news\s+)?(?:article|story|stories|write-?up)s?|news\s+(?:item|piece|report)s?|piece(?!\s+of\b)|"
               r"(?:this|that)\s+report")
_ARTICLE = re.compile(rf"(?<!\w)(?:{_ARTICLE_VI}|{_ARTICLE_EN})(?!\w)", re.IGNORECASE)
# a mention that only says where the answer is written: the question is about the news ("Theo bài báo, ...", "Dựa
# vào bài viết, ...", "Bài báo này cho biết ...", "according to a report", "the article says")
_SAYS_VI = "cho biết|cho hay|cho thấy|nói|có nói|đề cập|nhắc đến|nhắc tới|viết rằng|nêu|kể|phân tích|giải thích|mô tả"
_WHERE_SAID = re.compile(
    rf"(?<!\w)(?:{either_accents('theo|trong|ở|qua|dựa vào|dựa theo|căn cứ|căn cứ vào')})\s+(?:{either_accents('nội dung')}\s+)?"
    rf"(?:{either_accents('của')}\s+)?(?:{_ARTICLE_VI})(?:\s+(?:{either_accents('này|đó|trên')}))?(?!\w)|"
    rf"(?<!\w)(?:{_ARTICLE_VI})(?:\s+(?:{either_accents('này|đó|trên')}))?\s+(?:{either_accents('có')}\s+)?(?:{either_accents(_SAYS_VI)})(?!\w)|"
    r"\b(?:according\s+to|in|from|per|based\s+on)\s+(?:the|this|that|a|an|its|their|[\w'’.-]+['’]s?)\s+"
    r"(?:news\s+)?(?:article|report|story|piece)s?\b|"
    r"\b(?:the|this|that|a)\s+(?:news\s+)?(?:article|report|story|piece)\s+(?:says?|said|mentions?|mentioned|"
    r"reports?|reported|states?|notes?|claims?|writes?|describes?|explains?)\b", re.IGNORECASE)

_WHEN_VI = ("ngày nào|ngày bao nhiêu|hôm nào|lúc nào|khi nào|bao giờ|thời điểm nào|năm nào|tháng nào|thời gian nào|"
            "mấy giờ|giờ nào")
_PUBLISH_VI = "đăng|đăng tải|xuất bản|phát hành|phát đi|lên trang"
_DATE_VI = either_accents(rf"(?:được\s+)?(?:{_PUBLISH_VI})(?:\s+(?:tải|lên))?(?:\s+trên(?:\s+\w+){{1,3}}?)?"
                   rf"(?:\s+(?:vào|lúc|hôm|từ))?\s+(?:{_WHEN_VI})|ngày\s+(?:đăng|xuất bản)(?!\s+(?:ký|cai|quang))")
_DATE_EN = (r"\bwhen\s+(?:was|were|did|is|has)\b(?P<keep1>.*?)\b(?:published|posted|released|written|dated|run|"
            r"put\s+online|come\s+out|came\s+out|publish|post|release|appear(?:ed)?)\b|"
            r"\b(?:publication|publishing|release|posting)\s+date\b|\bdate\s+of\s+(?:publication|the\s+(?:"
            + _ARTICLE_EN + r"))\b|\b(?:what|which)\s+(?:date|day|year|month)\b(?P<keep2>.*?)\b(?:published|posted|"
            r"released|written|dated|appear(?:ed)?)\b|\bpublished\s+(?:on|in)\s+(?:what|which)\b")
_AUTHOR_VI = either_accents(r"ai\s+(?:là\s+)?(?:viết|tác giả|người viết|chấp bút)|(?:do|bởi)\s+ai\s+(?:viết|thực hiện|"
                     r"chấp bút)|tác giả|người viết|(?:phóng viên|nhà báo)\s+nào\s+(?:đã\s+)?(?:viết|thực hiện|"
                     r"đưa tin)|bút danh")
_AUTHOR_EN = (r"\bwho\s+(?:wrote|writes|authored|penned|(?:is|was)\s+the\s+(?:author|writer|reporter|journalist))\b|"
              r"\bthe\s+author\b|\bauthor\s+of\b|\bwritten\s+by\s+(?:whom|who)\b|(?<!['’]s\s)\bbyline\b|"
              r"\b(?:which|what)\s+(?:reporter|journalist|writer)\s+(?:wrote|filed|authored|penned)\b")
_AGENCY_VI = either_accents(r"(?:(?:dẫn|trích|lấy|dịch)(?:\s+(?:theo|từ|lời|lại))?\s+)?(?:hãng tin|hãng thông tấn|"
                     r"thông tấn xã|nguồn tin|nguồn)\s+(?:nào|gì)|nguồn\s+của|(?:dẫn|trích|lấy|dịch)\s+(?:theo|từ|"
                     r"lại từ|nguồn từ)\s+(?:đâu|ai|nguồn nào)")
_AGENCY_EN = (r"\b(?:which|what)\s+(?:news\s+)?(?:agency|agencies|wire\s+service|wire|news\s+service|source|sources)"
              r"\b(?:(?P<keep3>.*?)\b(?:based\s+on|cites?|cited|credits?|credited|draws?\s+on|drew\s+on|"
              # "… is the source of the Tổ Quốc story?", "… is cited as the source of …"
              r"(?:is|was|are|were)\s+(?:the\s+)?sources?\s+(?:of|for|behind))\b"
              r"(?:\s+as\s+(?:the|its)\s+sources?(?:\s+(?:of|for|behind))?\b)?)?|"
              r"\bsource\s+of\s+(?:the|this)\s+(?:" + _ARTICLE_EN + r")\b|\bbased\s+on\s+(?:which|what)\b|"
              r"\bcredited\s+to\b")
_OUTLET_VI = either_accents(r"(?:(?:được\s+)?(?:đăng|đăng tải|đưa|xuất bản)(?:\s+(?:lên|tải))?\s+)?(?:trên|của|từ|thuộc|ở)"
                     r"\s+(?:tờ\s+)?(?:báo|trang(?:\s+(?:báo|tin|web))?|website|cơ quan báo chí|tòa soạn|kênh)\s+"
                     r"(?:nào|gì)|(?:tờ báo|trang báo|trang tin|trang|cơ quan báo chí|tòa soạn|(?<!cảnh )(?<!thông )"
                     r"(?<!dự )(?<!tình )báo)\s+nào\s+(?:đã\s+)?(?:đăng|đưa|xuất bản|phát hành|viết)|"
                     # who supplied or distributed it: "ai cung cấp bài viết", "đơn vị nào phân phối bài báo"
                     rf"(?:ai|đơn vị nào|công ty nào|nhà cung cấp nào|dịch vụ nào|nền tảng nào)\s+(?:đã\s+)?"
                     rf"(?:cung cấp|phân phối|phát hành)\s+(?:{_ARTICLE_VI}|nội dung)|(?:{_ARTICLE_VI}|nội dung)"
                     # the article "… được cung cấp bởi ai", its topic between, not what it says ("… cho biết tên lửa …")
                     rf"(?:(?!\s(?:{_SAYS_VI})\s)[^?,;]){{0,80}}?\s(?:được\s+)?(?:cung cấp|phân phối|phát hành)\s+bởi\s+"
                     r"(?:ai|đơn vị nào)")
_OUTLET_NOUNS_EN = (r"newspaper|news\s*paper|paper|outlet|news\s+outlet|media\s+outlet|publication|news\s+site|website|"
                    r"site|news\s+organi[sz]ation|magazine|broadcaster|(?:tv|television|radio)\s+station|channel")
_OUTLET_EN = (rf"\b(?:which|what)\s+(?:[\w-]+['’]s\s+)?(?:{_OUTLET_NOUNS_EN})s?\b(?:\s+(?:published|ran|carried|printed|"
              r"posted|distributed))?|\b(?:published|distributed)\s+by\s+(?:which|what|whom)\b|\bwho\s+(?:published|"
              r"distributed)\b|"
              # who supplied the article itself, not what the news is about ("which company supplied the chips")
              r"\b(?:who|(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:service|platform|company|distributor|provider|wire))\s+"
              r"(?:distributed|"
              r"provided|supplied|published|carried|ran|posted)\s+(?:the|this|that)\s+(?:" + _ARTICLE_EN + r")\b")
# ... and without a word for the article: one outlet that reported the news asks which ran the article ("Which news
# site reported that ...?", "Which outlet published the report that ...?"); outlets ("Which newspapers reported ...?")
# or one described ("Which Russian outlet also carried ...?") are what the news says
_OUTLET_REPORTED = re.compile(r"\b(?:which|what)\s+(?:news\s+site|website|site|newspaper|paper|outlet|news\s+outlet|"
                              r"broadcaster|media\s+outlet|publication|news\s+organi[sz]ation)\s+(?:first\s+)?(?:reported|published|"
                              r"ran|carried|posted|broke)(?:\s+(?:the|a)\s+(?:news|report|story))?\b", re.IGNORECASE)
# ... or by what only an article has: an outlet's tag or byline on it ("Which outlet's tag appears at the start of the
# report on …?": outlet), a byline ("Who is the byline on the report about …?": author)
_ARTICLES_OWN: tuple[tuple[AboutKind, re.Pattern[str]], ...] = (("outlet", re.compile(rf"\b(?:which|what)\s+(?:[\w-]+\s+)?(?:{_OUTLET_NOUNS_EN})['’]s\s+(?:tag|byline|"
                                         r"name|logo|label|credit|masthead)\b(?:\s+(?:appears?|appeared|is|was|stands?|"
                                         r"comes?)\s+(?:at\s+the\s+(?:start|top|beginning|head)\s+of|on|atop|before)\b|"
                                         r"\s+(?:opens?|opened|tops?|topped|heads?|headed)\b)?", re.IGNORECASE)),
                 ("author", re.compile(r"\b(?:who|whose\s+name)\s+(?:is|was)\s+(?:on\s+)?the\s+byline\b|"
                                         r"\bwhose\s+byline\b|\bbyline\s+(?:on|of)\b", re.IGNORECASE)))
# the section of the site it is filed under ("Lĩnh vực: Tin nổi bật" on its page)
# ("chuyên mục nào"; a field or a list only as where it is filed: "thuộc lĩnh vực nào", not "hợp tác ở lĩnh vực nào",
# "tiết mục gì"; in English a section it is filed, listed or published under, not "which section of the article")
_CATEGORY_VI = either_accents(r"chuyên mục\s+(?:nào|gì)|(?:thuộc|(?:được\s+)?xếp\s+(?:vào|trong)|nằm\s+(?:trong|ở)|"
                              r"(?:được\s+)?đăng\s+(?:trong|ở|tại|vào))\s+(?:lĩnh vực|danh mục|mục|thể loại)\s+(?:nào|gì)")
_CATEGORY_EN = (r"\b(?:which|what)\s+(?:category|categories|section|rubric)\b(?=.*\b(?:filed|listed|categori[sz]ed|published|"
                r"posted|appears?|appeared|run|ran)\b)|\b(?:filed|listed|categori[sz]ed)\s+(?:under|as)\b")
# the asking words of each kind, first match wins (an agency's "which news agency" is no outlet)
_KINDS: tuple[tuple[AboutKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?<!\w)(?:{vi})(?!\w)|{en}", re.IGNORECASE))
    for kind, vi, en in (("date", _DATE_VI, _DATE_EN), ("author", _AUTHOR_VI, _AUTHOR_EN),
                         ("agency", _AGENCY_VI, _AGENCY_EN), ("outlet", _OUTLET_VI, _OUTLET_EN),
                         ("category", _CATEGORY_VI, _CATEGORY_EN)))
# the article's own words, with what introduces the topic after them ("bài báo về", "the article on")
_ARTICLE_PHRASE = re.compile(
    rf"(?<!\w)(?:{_ARTICLE_VI})(?:\s+(?:{either_accents('này|đó|về|của|nói về|viết về|đưa tin về')}))*(?!\w)|"
    rf"\b(?:the|this|that|an?)?\s*(?:{_ARTICLE_EN})(?:\s+(?:about|on|of|covering|concerning|"
    rf"regarding|reporting|that\s+reported))?\b", re.IGNORECASE)


def _asking(question: str, follows: bool = False) -> tuple[AboutKind, re.Match[str]] | None:
    """The kind asked and the words that ask it; ``follows``: the turn before asked about an article, so this one
    need not name it again ("Ai viết?", "And who wrote it?")."""
    text = nfc(question)
    if not follows and not _ARTICLE.search(_WHERE_SAID.sub(" ", text)):
        m = _OUTLET_REPORTED.search(text)
        if m is not None:
            return "outlet", m
        return next(((kind, m) for kind, pattern in _ARTICLES_OWN if (m := pattern.search(text)) is not None), None)
    for kind, pattern in _KINDS:
        if (m := pattern.search(text)) is not None:
            return kind, m
    return None


# what a follow-up that asks about the article may say besides the words that ask ("Còn tác giả là ai?", "And who
# wrote it?"), folded: anything else is news ("Tờ báo nào đưa tin Nga yêu cầu ...?" after a question about an article)
_ONLY_ASKS = frozenset("con thi sao la ai gi nao va vay the nhi ha vao luc ngay do no nay ay and it its who what which "
                       "when where is was the this that of by did do does so then also one".split())


def _asks_only(question: str, m: re.Match[str]) -> bool:
    """Whether the question says nothing but the words that ask (``m``) and a pronoun for the article."""
    return all(w in _ONLY_ASKS for w in re.findall(r"\w+", fold(_rest(nfc(question), m)).lower()))


def _rest(text: str, m: re.Match[str]) -> str:
    """``text`` without the words that ask (a topic between them kept) and the article's words."""
    kept = " ".join(part for part in m.groupdict().values() if part)
    return _ARTICLE_PHRASE.sub(" ", f"{text[: m.start()]} {kept} {text[m.end() :]}")


@lru_cache(maxsize=4096)
def about_kind(question: str, before: str | None = None, named: bool = False) -> AboutKind | None:
    """What a question asks about the article it names: its date of publication, author, the agency it is based
    on or the outlet that ran it; None for a question about the news. ``before``: the turn before, when this one
    follows it: after a question about an article, "Ai viết?" asks its author (a question that says more is about
    the news). ``named``: the question names an article in a way only the index knows ("the CLO report":
    ``qa.outlets.names_its_article``). Whose a photo in it is ("Ảnh minh họa bài ... lấy từ đâu?") asks for the
    caption's credit (``qa.photos``), not for the article's source."""
    if asks_credit(question):
        return None
    found = _asking(question)
    if found is None and named:
        found = _asking(question, follows=True)
    if found is None and before and _asking(before):
        found = _asking(question, follows=True)
        found = found if found is not None and _asks_only(question, found[1]) else None
    return found[0] if found else None


@lru_cache(maxsize=4096)
def without_about(text: str, follows: bool = False) -> str:
    """``text`` without the words that ask about an article ("Bài báo về", "được đăng ngày nào", "Who wrote the
    article on"): what is left finds the article. Any other text as it is. ``follows``: a follow-up that asks
    without naming the article ("Who wrote it?" after a question about one: "it?")."""
    found = _asking(text, follows)
    if found is None:
        return text
    return _rest(nfc(text), found[1])
