"""Line recognisers for news-article boilerplate.

Every function looks at ONE trimmed line given as NFC text and answers a
question about its shape (is it a date line, a sidebar marker, an outlet
prefix ...). They never see offsets; `qa.documents` maps answers back onto the
raw file. Keyword tests run on a case-folded, diacritic-folded copy so that
"TIN LIÊN QUAN", "Tin liên quan:" and "Tin lien quan" all match.
"""

from __future__ import annotations

import datetime as dt
import re

from qa.text import INVISIBLE, LINE_BREAKS, ZERO_WIDTH, fold, nfc, split_sentences

_ZW_TO_SPACE = {ord(c): " " for c in ZERO_WIDTH}


def is_blank_char(ch: str) -> bool:
    """Whitespace, a byte-order mark, a zero-width or another invisible character (a soft hyphen, a
    left-to-right mark...)."""
    return ch.isspace() or ch in INVISIBLE


def is_blank(text: str) -> bool:
    """Nothing but blank characters (or nothing): an empty file, document or question."""
    return all(map(is_blank_char, text))


def collapse(text: str) -> str:
    """NFC, zero-width characters removed, whitespace runs collapsed to one space."""
    return " ".join(nfc(text).translate(_ZW_TO_SPACE).split())


def key(text: str) -> str:
    """Comparison key for duplicate detection: collapsed and case-folded."""
    return collapse(text).casefold()


def folded(text: str) -> str:
    """Lower-case, no diacritics: for keyword matching."""
    return fold(key(text))


# ---------------------------------------------------------------- outlet prefix
_TLD = r"(?i:vn|com|net|org|info|tv|news|asia|io|co|uk)"
_DOMAIN = rf"[^\W_][\w-]*(?:\.{_TLD})+"
_WORD = r"[^\W\d_][\w&'’-]*"
_PAREN_PREFIX = re.compile(rf"\(\s*(?P<name>{_DOMAIN}|{_WORD}(?: {_WORD}){{0,3}})\s*\)\s*(?:[-–—]+\s*)?(?=[\w“\"‘'(])")
_DASH_PREFIX = re.compile(rf"(?P<name>{_DOMAIN}|[A-ZĐ]{{2,8}})\s*[-–—]+\s*(?=[\w“\"‘'(])")
_NOT_OUTLET = {"theo", "ảnh", "nguồn", "video", "clip", "tiếp", "xem", "trích", "tổng", "infographic"}


def outlet_prefix(text: str, *, allow_caps: bool) -> tuple[int, str] | None:
    """(length in ``text`` incl. trailing spaces, outlet name) of a leading outlet tag.

    "(Tổ Quốc) - ", "(CLO) ", "(SeaPRwire) – ", "VOV.VN - ". A bare upper-case
    word ("TTO - ") is accepted only with ``allow_caps`` and before a full
    sentence, since titles such as "EU - Trung Quốc ..." look the same.
    """
    m = _PAREN_PREFIX.match(text)
    if m:
        name = m.group("name")
        if name[0].isupper() and name.split()[0].casefold() not in _NOT_OUTLET:
            return m.end(), name
        return None
    m = _DASH_PREFIX.match(text)
    if not m:
        return None
    name = m.group("name")
    rest = collapse(text[m.end() :])
    if "." not in name and not (allow_caps and _SENT_END.search(rest) and len(rest.split()) >= 6):
        return None
    return m.end(), name


# ------------------------------------------------------------- dates, metadata
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_VN_DATE = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*(?:năm|,)\s*(\d{4})(?!\d)")
_TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*[:h]\s*(\d{2})(?::\d{2})?(?:\s*(am|pm|sa|ch)\b)?(?![\d:])")
_COUNT = re.compile(r"\d+\s*(?:trả lời|bình luận|lượt xem|lượt thích|chia sẻ|comments?|replies|views?|likes?)\b")
_WEEKDAY = re.compile(
    r"\b(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)
_META_WORDS = re.compile(
    r"\b(?:cập nhật|ngày đăng|đăng lúc|đăng|ngày|lúc|gmt|utc|ict|am|pm|published|updated|posted|on|at)\b"
)


def _full_date(text: str) -> dt.date | None:
    for pattern, order in ((_DMY, (2, 1, 0)), (_VN_DATE, (2, 1, 0)), (_YMD, (0, 1, 2))):
        for m in pattern.finditer(text):
            y, mo, d = (int(m.group(i + 1)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                continue
    return None


def _time(text: str) -> str | None:
    for m in _TIME.finditer(text):
        hour, minute, ampm = int(m.group(1)), int(m.group(2)), m.group(3)
        if ampm in ("pm", "ch") and hour < 12:
            hour += 12
        elif ampm in ("am", "sa") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return f"{hour:02d}:{minute:02d}"
    return None


def is_metadata(text: str) -> bool:
    """A short line that is mostly weekday / date / time / comment count. With a date alone, at most
    two other words (a place, a section: "Hà Nội, ngày 20 tháng 3 năm 2025"): "Giá vàng hôm nay
    24-3-2025" is a headline and "Ngày 24/3/2025, Quốc hội bế mạc." a sentence."""
    low = key(text)
    if len(low) > 100 or not (_full_date(low) or _time(low) or _COUNT.search(low)):
        return False
    stamped = bool(_time(low) or _COUNT.search(low) or _WEEKDAY.search(low))
    for pattern in (_COUNT, _VN_DATE, _DMY, _YMD, _TIME, _WEEKDAY, _META_WORDS):
        low = pattern.sub(" ", low)
    return len(re.findall(r"[^\W\d_]+", low)) <= (4 if stamped else 2)


def is_date_line(text: str) -> bool:
    """The whole of ``text`` is one date, with at most a weekday, a valid time and words such as "ngày", "lúc",
    "GMT" around it ("Thứ Sáu, 9/8/2024, 10:15 (GMT+7)"); not "tin 9/8/2024 nhưng đăng 10/8/2024", not "25:99"."""
    low = key(text)
    if _full_date(low) is None or (_TIME.search(low) and _time(low) is None):
        return False
    if len(_DMY.findall(low)) + len(_YMD.findall(low)) + len(_VN_DATE.findall(low)) != 1:
        return False
    for pattern in (_VN_DATE, _DMY, _YMD, _TIME, _WEEKDAY, _META_WORDS):
        low = pattern.sub(" ", low)
    return not re.findall(r"[^\W\d_]+", low)


def metadata_date(text: str) -> str | None:
    """ISO date (with "THH:MM" when a time is given) of a metadata line."""
    low = key(text)
    day = _full_date(low)
    if day is None:
        return None
    time = _time(low)
    return f"{day.isoformat()}T{time}" if time else day.isoformat()


# --------------------------------------------------------------- related news
_MARKERS = {
    "tin lien quan", "bai lien quan", "tin bai lien quan", "bai viet lien quan", "tin tuc lien quan",
    "video lien quan", "tin khac", "bai khac", "co the ban quan tam", "ban co the quan tam",
    "co the ban chua doc", "tieu diem", "tin dang nong", "tin moi nhat", "tin moi", "tin noi bat",
    "tin hot", "tin xem nhieu", "doc nhieu", "xem nhieu", "doc nhieu nhat", "xem them", "doc them",
    "tin cung chuyen muc", "cung chuyen muc", "bai cung chuyen muc", "related", "related news",
    "related articles", "read more", "see also", "more stories",
}
_MARKER_TRIM = " :>»›►•*-–—."
_INLINE_RELATED = re.compile(r"^(?:[>»›►]+\s*|(?:xem them|doc them|tin lien quan|bai lien quan|read more)\s*[:>»›]+\s*)\S")


def is_marker(text: str) -> bool:
    """A sidebar heading such as "Tin liên quan", "Có thể bạn quan tâm:"."""
    f = folded(text)
    return len(f) <= 40 and f.strip(_MARKER_TRIM) in _MARKERS


def is_inline_related(text: str) -> bool:
    """A one-line link: "Xem thêm: <headline>", ">> <headline>". Not a quoted sentence of the article itself ("> Theo
    kế hoạch, tuyến metro sẽ được mở rộng thêm 8 km vào năm 2027."): a headline carries no full stop."""
    if len(text) > 250 or not _INLINE_RELATED.match(folded(text)):
        return False
    return not (text.lstrip()[:1] in "»›►>" and ends_sentence(text))


_SENT_END = re.compile(r"[.!?][\"”’'»)\]]*$")


def ends_sentence(text: str) -> bool:
    """A statement of five words or more ending in a full stop: body text, never a headline in a list of
    links (headlines carry no full stop; a question mark can end either)."""
    t = collapse(text).rstrip("\"”’'»)]")
    return t.endswith(".") and not t.endswith("...") and len(t.split()) >= 5


HEADLINE_WORDS = 4  # a headline in a list of links to other articles; shorter lines are section names ("Du lịch")


def is_link_headline(text: str) -> bool:
    """Another article's headline in a list of links ("Liên minh cầm quyền tại Estonia sụp đổ"): four words or
    more, not a sidebar heading or a timestamp, not a teaser's lead (which has an outlet tag)."""
    return (len(collapse(text).split()) >= HEADLINE_WORDS and not is_marker(text) and not is_metadata(text)
            and outlet_prefix(text, allow_caps=True) is None)


TEASER_WORDS = 8  # a related article's lead: at least a clause after its outlet tag, not a headline
_CUT_SHORT = re.compile(r"\w(?:\.\.\.|…)$")


def is_cut_short(text: str) -> bool:
    """A paragraph that stops mid-sentence with an ellipsis, the way a page shows the start of another
    article's lead ("... cho biết Cố vấn An ninh Quốc gia..."): a word, then the ellipsis, nothing after it
    (a quotation that trails off ends with its quotation mark)."""
    t = collapse(text).rstrip()
    return len(t.split()) >= TEASER_WORDS and _CUT_SHORT.search(t) is not None


def teaser_lede(text: str) -> int | None:
    """Where the text starts in a related article's lead paragraph on the page ("(CLO) Người đứng đầu
    Interpol hôm 27/3 cho biết …", "VOV.VN - Ngày 25/5, …"): the length of its outlet tag; None for a
    headline or a line without one."""
    prefix = outlet_prefix(text, allow_caps=True)
    if prefix is None or len(collapse(text[prefix[0] :]).split()) < TEASER_WORDS:
        return None
    return prefix[0]


_WIDGET = re.compile(
    r"^(?:chia se|binh luan(?:\s*\(\d+\))?|gui binh luan|viet binh luan|copy link|sao chep lien ket|in bai"
    r"|luu bai|bao loi|facebook|zalo|twitter|email|share|comments?(?:\s*\(\d+\))?)\s*:?$"
)
_CREDIT = re.compile(r"^[(\[]?\s*(?:anh|anh minh hoa|do hoa|nguon anh|video|photo)\s*:\s*[^.!?]{1,60}[)\]]?$")


def is_widget_or_credit(text: str) -> bool:
    """A line that is only a share/comment button ("Chia sẻ", "Bình luận (12)") or a photo credit
    ("Ảnh: AFP", "(Ảnh: Hữu Chí/TTXVN)"): page furniture that must never answer a question."""
    f = folded(collapse(text))
    return len(f) <= 80 and bool(_WIDGET.match(f) or _CREDIT.match(f))


# a photo credit closing a caption line: "… sau cuộc gặp. Ảnh: Reuters", "… (Ảnh: Bộ Ngoại giao Mỹ)",
# "… ngày 18 tháng 3 - Ảnh: Reuters", "… toàn cầu. Ảnh:Reuters |" (folded, collapsed)
_CAPTION_CREDIT = re.compile(r"(?:[.!?…]\s*|\s[-–—]\s*|\s*[(\[])(?:anh|anh minh hoa|do hoa|nguon anh|photo)\s*:"
                             r"\s*[^.!?:]{1,60}[)\]]?\s*\|?$")


def is_caption(line: str) -> bool:
    """A photo caption: a line of text that ends with the photo's credit. It describes a picture, so it is
    the answer sentence only when a passage has nothing else (``qa.picker.SentencePicker``)."""
    return bool(_CAPTION_CREDIT.search(folded(collapse(line))))


CAPTION_MAX = 1000  # characters: a longer line is text, not a photo caption
_NEXT_BREAK = re.compile(f"[{LINE_BREAKS}]")


def on_caption_line(raw: str, start: int, end: int, seen: dict[int, bool]) -> bool:
    """Whether ``raw[start:end]`` (a sentence) is on a photo caption's line (``seen``: by line start, for one chunk).
    Any line boundary ends a line (a file of CR-only or U+2028 line ends has captions too). A caption is a short
    line: one longer than CAPTION_MAX characters around the sentence is text (and a document of one megabyte-long
    line is never scanned whole for every sentence)."""
    line_start = max(raw.rfind(c, max(0, start - CAPTION_MAX), start) for c in LINE_BREAKS) + 1
    after = _NEXT_BREAK.search(raw, end, end + CAPTION_MAX)
    line_end = after.start() if after else (len(raw) if len(raw) - end <= CAPTION_MAX else -1)
    if line_end < 0 or (line_start == 0 and start > CAPTION_MAX):
        return False
    if line_start not in seen:
        seen[line_start] = is_caption(raw[line_start:line_end])
    return seen[line_start]


def is_section(text: str) -> bool:
    """A site section name ("Thời sự", "Thế giới", "Kinh doanh"): 1-3 words, no digits or punctuation."""
    t = collapse(text)
    return 0 < len(t) <= 30 and len(t.split()) <= 3 and all(_NAME_WORD.fullmatch(w) for w in t.split())


def is_body_like(text: str) -> bool:
    """A real article paragraph: sentence-final punctuation and long (or several sentences)."""
    t = collapse(text)
    if not _SENT_END.search(t) or t.rstrip("\"”’'»)]").endswith("..."):
        return False
    return len(t) > 120 or (len(t) >= 60 and len(split_sentences(t)) >= 2)


# ----------------------------------------------------- subscribe, footer, etc.
_SUBSCRIBE = re.compile(
    r"^(?:moi (?:quy )?(?:doc gia|ban doc|ban) (?:theo doi|don doc|xem)|dang ky (?:nhan tin|theo doi|kenh)"
    r"|theo doi (?:chung toi|.{1,40}) tren(?:\W*$|\s+(?:facebook|zalo|google|youtube|tiktok|twitter|instagram"
    r"|telegram|mang xa hoi|ung dung|cac nen tang)\b)|follow us\b|subscribe\b|tai ung dung)"
)
_SUBSCRIBE_NAME = re.compile(r"theo dõi\s+(?P<name>.+?)\s+trên\b", re.IGNORECASE)


def is_subscribe(text: str) -> bool:
    return len(text) <= 160 and bool(_SUBSCRIBE.match(folded(text)))


def subscribe_outlet(text: str) -> str | None:
    """"Mời quý độc giả theo dõi VOV.VN trên" -> "VOV.VN"."""
    m = _SUBSCRIBE_NAME.search(collapse(text))
    name = m.group("name") if m else ""
    if not name or not name[0].isupper() or len(name.split()) > 4:
        return None
    return name


_DISCLAIMER = re.compile(r"^bai viet (?:nay )?duoc cung cap boi|nha cung cap noi dung ben thu ba")
_FOOTER_LINE = re.compile(
    r"^(?:(?:linh vuc|chuyen muc|danh muc|chu de|the|tags?|tu khoa|keywords?)\s*:"
    r"|©|\(c\) |copyright\b|ban quyen thuoc|ghi ro nguon|giay phep (?:so|hoat dong|xuat ban))"
)


def is_disclaimer(text: str) -> bool:
    """A third-party-content disclaimer: everything after it is distributor footer."""
    return bool(_DISCLAIMER.search(folded(text)))


def is_footer_line(text: str) -> bool:
    """"Lĩnh vực: ...", "Tags: ...", "Từ khóa: ...", "© 2024 ...", "Ghi rõ nguồn ..."."""
    return len(text) <= 300 and bool(_FOOTER_LINE.match(folded(text)))


_ATTR_PAREN = re.compile(r"^\(\s*(?:theo|nguồn)\s*:?\s*(?P<src>[^()]{0,60}?)\s*\)\.?$", re.IGNORECASE)
_ATTR_PLAIN = re.compile(r"^(?:theo|nguồn)\s*:?\s*(?P<src>[^.!?;()]{0,50}?)\.?$", re.IGNORECASE)


def attribution(text: str, *, at_end: bool) -> str | None:
    """Source named by "(Theo reuters)" ("" for a bare "Theo"); None if not an attribution.

    The unbracketed form ("Theo Reuters", "Nguồn: AFP") only counts ``at_end``
    of the article, where it cannot be the start of a body sentence.
    """
    t = collapse(text)
    m = _ATTR_PAREN.match(t) or (_ATTR_PLAIN.match(t) if at_end else None)
    if not m or len(m.group("src").split()) > 6:
        return None
    if any(part.strip()[:1].islower() for part in m.group("src").split(",")[1:]):
        return None  # "Theo AFP, chưa có thương vong.": a clause after the comma, a sentence
    return m.group("src")


_NAME_WORD = re.compile(r"[^\W\d_]+")
_TRAILING_PAREN = re.compile(r"(?<=\S)\s*\([^()]{1,40}\)$")
_BYLINE = re.compile(r"^(?P<name>[^\d()/\-–—]+?)(?:\s*(?:/|\(|[-–—])\s*[^()]{1,40}\)?)?$")


def author_name(text: str) -> str | None:
    """A byline: 2-4 capitalised words, no digits or sentence punctuation, <= 40 chars.

    An outlet or "(theo X)" tail is allowed: "Minh Anh/VOV.VN", "Hà Linh (theo AP)".
    """
    # a trailing "(Theo Reuters)" after an outlet tail: "Phương Linh/VOV.VN (Theo Reuters)"
    m = _BYLINE.match(_TRAILING_PAREN.sub("", collapse(text)))
    if not m:
        return None
    name = m.group("name").strip()
    parts = name.split()
    if len(name) > 40 or not 2 <= len(parts) <= 4:
        return None
    if all(_NAME_WORD.fullmatch(p) and p[0].isupper() for p in parts):
        return name
    return None
