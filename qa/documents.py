"""Separating a news article's body from boilerplate (reading the file's bytes: ``qa.decoding``).

A paragraph is a non-empty line. Each line is kept (a `Span` into the raw
text) or dropped (a `Dropped` with a reason) by general rules about its shape:
sidebar markers open a related-news block that lasts until real prose
resumes; duplicates, subscribe lines, metadata, footers and attributions go;
an outlet prefix ("(CLO) ", "VOV.VN - ") near the top is cut off the paragraph
and becomes `source`. `raw` is never modified: comparisons use NFC,
whitespace-collapsed copies and every offset indexes the original string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from qa import cleaning as cl
from qa.text import nfc, split_sentences

HEAD_LINES = 4  # lines after the title where outlet prefixes and the dateline are looked for
TITLE_CHARS = 300  # a first line longer than this is not a headline (a text without line breaks)


@dataclass(frozen=True)
class Span:
    """A kept body paragraph: raw[start:end], trimmed."""

    start: int
    end: int


@dataclass(frozen=True)
class Dropped:
    """A block removed from the body: raw[start:end] (trimmed) and why."""

    start: int
    end: int
    reason: str  # duplicate | related | headline | teaser | subscribe | metadata | footer | footer-text | attribution |
    # outlet | widget


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str
    raw: str
    title: str
    source: str | None
    date: str | None
    author: str | None
    paragraphs: tuple[Span, ...]
    dropped: tuple[Dropped, ...]


# Dropped text that is not the article but that its page gives, searchable as passages of another section: the
# headlines and lead paragraphs of related articles, and the prose of the page's footer (a distributor's note, a
# disclaimer).
SECTIONS = {"headline": "related", "teaser": "related", "footer-text": "footer"}
# The lines that say who published the article, when and after whom (what ``qa.credits`` answers with).
CREDITS = {"metadata": "metadata", "outlet": "outlet", "attribution": "attribution"}


def page_text(dropped: Iterable[Dropped] | Iterable[dict],
              sections: dict[str, str] = SECTIONS) -> tuple[tuple[int, int, str], ...]:
    """(start, end, section) of each searchable dropped block (``SECTIONS``), or of another kind's."""
    found = []
    for d in dropped:  # stored rows are dicts: read as they are (a snapshot reads every document's)
        reason, start, end = (d["reason"], d["start"], d["end"]) if isinstance(d, dict) else (d.reason, d.start, d.end)
        if reason in sections:
            found.append((start, end, sections[reason]))
    return tuple(found)


def chunk_section(extra: Iterable[tuple[int, int, str]], start: int) -> str:
    """The section of a chunk starting at ``start``, given its page's searchable other text (``page_text``): "body"
    for the article's own text. Where it starts says which: a chunk of that text may span several of its blocks (a
    list of headlines), and no chunk of the article starts inside one."""
    return next((section for s, e, section in extra if s <= start < e), "body")


def body_text(doc: ParsedDocument) -> str:
    return "\n\n".join(doc.raw[p.start : p.end] for p in doc.paragraphs)


# -------------------------------------------------------------------- parsing
_LINE = re.compile(r"[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str  # NFC of raw[start:end]
    key: str


def _lines(raw: str) -> list[_Line]:
    out = []
    for m in _LINE.finditer(raw):
        start, end = m.start(), m.end()
        while start < end and cl.is_blank_char(raw[start]):
            start += 1
        while end > start and cl.is_blank_char(raw[end - 1]):
            end -= 1
        if end > start:
            out.append(_Line(start, end, nfc(raw[start:end]), cl.key(raw[start:end])))
    return out


def _raw_length(raw_text: str, nfc_length: int) -> int:
    """How many characters of ``raw_text`` make up its first ``nfc_length`` NFC characters."""
    target = nfc(raw_text)[:nfc_length]
    for k in range(nfc_length, min(len(raw_text), 3 * nfc_length + 3) + 1):
        if nfc(raw_text[:k]) == target:
            return k
    return nfc_length


@dataclass
class _State:
    raw: str
    kept: list[tuple[_Line, int]] = field(default_factory=list)  # (line, raw start of its paragraph)
    dropped: list[Dropped] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)  # "header" | "subscribe" | "attribution"
    date: str | None = None
    author: str | None = None
    in_block: bool = False
    in_footer: bool = False

    def drop(self, start: int, end: int, reason: str) -> None:
        self.dropped.append(Dropped(start, end, reason))

    def note_source(self, kind: str, name: str | None) -> None:
        if name:
            self.sources.setdefault(kind, name)

    def cut_tag(self, line: _Line, length: int) -> int:
        """Drop the outlet tag of ``length`` NFC characters (spaces after it included) at the start of ``line``;
        where the rest of the line starts in the original."""
        after = line.start + _raw_length(self.raw[line.start : line.end], length)
        cut = after
        while cut > line.start and cl.is_blank_char(self.raw[cut - 1]):
            cut -= 1
        self.drop(line.start, cut, "outlet")
        return after

    def teaser(self, line: _Line) -> None:
        """A related article's lead paragraph: its outlet tag and its text dropped apart (the text is searchable)."""
        self.drop(self.cut_tag(line, cl.teaser_lede(line.text) or 0), line.end, "teaser")
        self.seen.add(line.key)

    def keep(self, line: _Line, *, head: bool, allow_caps: bool = True) -> None:
        """Keep ``line``; near the top, cut a leading outlet tag off it."""
        start = line.start
        prefix = cl.outlet_prefix(line.text, allow_caps=allow_caps) if head else None
        after = line.start + _raw_length(self.raw[line.start : line.end], prefix[0]) if prefix else line.end
        if prefix and after < line.end:
            start = self.cut_tag(line, prefix[0])
            self.note_source("header", prefix[1])
            self.seen.add(cl.key(self.raw[start : line.end]))
        self.kept.append((line, start))
        self.seen.add(line.key)


def parse_document(raw: str, doc_id: str) -> ParsedDocument:
    lines = _lines(raw)
    st = _State(raw)
    while len(lines) > 1:  # datelines above the title, and a section name above a dateline ("Thời sự")
        if cl.is_metadata(lines[0].text):
            st.date = st.date or cl.metadata_date(lines[0].text)
        elif not (len(lines) > 2 and cl.is_section(lines[0].text) and cl.is_metadata(lines[1].text)):
            break
        st.drop(lines[0].start, lines[0].end, "metadata")
        lines.pop(0)
    if not lines:
        return ParsedDocument(doc_id, raw, "", None, None, None, (), ())
    st.keep(lines[0], head=True, allow_caps=False)
    for number, line in enumerate(lines[1:], start=1):
        reason = _classify(st, line, in_head=number <= HEAD_LINES)
        if reason == "teaser":
            st.teaser(line)
        elif reason:
            st.drop(line.start, line.end, reason)
            st.seen.add(line.key)
        else:
            st.keep(line, head=number <= HEAD_LINES)
    _trim_tail(st)
    title_line, title_start = st.kept[0]
    source = next((st.sources[k] for k in ("header", "subscribe", "attribution") if k in st.sources), None)
    return ParsedDocument(
        doc_id=doc_id,
        raw=raw,
        title=headline(cl.collapse(raw[title_start : title_line.end])),
        source=source,
        date=st.date,
        author=st.author,
        paragraphs=tuple(Span(start, line.end) for line, start in st.kept),
        dropped=_searchable_headlines(raw, sorted(st.dropped, key=lambda d: d.start)),
    )


def _searchable_headlines(raw: str, dropped: list[Dropped]) -> tuple[Dropped, ...]:
    """Headlines stay searchable where the page lists them one after another with nothing else ("Tin mới nhất"): a
    list of links without leads has nothing else to answer with, and chunks as one passage. A headline whose
    article's lead follows it (past its copies and the lead's outlet tag) is not: the lead is, and says more
    (alone, a short headline repeating an ingested article's words outranked that article); nor is one set apart by a
    section name or a timestamp ("Có thể bạn quan tâm"): alone, a headline ranked first on one word of a question."""
    out = list(dropped)
    listed = [False] * len(out)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.reason == b.reason == "headline" and not raw[a.end : b.start].strip():
            listed[i] = listed[i + 1] = True
    for i, d in enumerate(out):
        if d.reason == "headline" and not listed[i]:
            out[i] = Dropped(d.start, d.end, "related")
    return tuple(out)


def headline(first_line: str) -> str:
    """The title from the first line: itself, or when it is longer than TITLE_CHARS (a whole article on one
    line) its first sentence, cut at a word boundary with "…" if that too is longer."""
    if len(first_line) <= TITLE_CHARS:
        return first_line
    sentences = split_sentences(first_line)
    title = first_line[sentences[0].start : sentences[0].end] if sentences else first_line
    if len(title) <= TITLE_CHARS:
        return title
    cut = title[: TITLE_CHARS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def _classify(st: _State, line: _Line, *, in_head: bool) -> str | None:
    """Why ``line`` is dropped, or None to keep it."""
    text = line.text
    if not st.in_footer and cl.is_disclaimer(text) and len(st.kept) > 1:
        st.in_footer = True
    if st.in_footer or cl.is_footer_line(text):
        return "footer-text" if cl.is_body_like(text) else "footer"  # prose of the page's footer is searchable
    if cl.is_subscribe(text):
        st.note_source("subscribe", cl.subscribe_outlet(text))
        return "subscribe"
    duplicate = line.key in st.seen
    if cl.is_marker(text):
        st.in_block = True
        return "duplicate" if duplicate else "related"
    if cl.is_inline_related(text):
        return "related"
    if st.in_block:  # a list of links ends at the first body text: a paragraph, or a sentence with a full stop
        body = cl.is_body_like(text) or cl.ends_sentence(text)
        if duplicate or not body or cl.outlet_prefix(text, allow_caps=True):
            if not duplicate and cl.teaser_lede(text) is not None:
                return "teaser"
            if not duplicate and cl.is_link_headline(text):
                return "headline"  # another article's headline in a list of links (``_searchable_headlines``)
            return "duplicate" if duplicate else "related"
        st.in_block = False
    if duplicate:
        return "duplicate"
    if cl.is_widget_or_credit(text):
        return "widget"
    if in_head and cl.is_metadata(text):
        st.date = st.date or cl.metadata_date(text)
        return "metadata"
    if in_head and st.author is None and (name := cl.author_name(text)):
        st.author = name  # a byline under the title (Thanh Niên, CAND): "Bùi Thanh Tâm"
        return "metadata"
    source = cl.attribution(text, at_end=False)
    if source is not None:
        st.note_source("attribution", source)
        return "attribution"
    return None


def _links_follow(st: _State, end: int) -> bool:
    """Whether a related-news block (a marker such as "Tin liên quan", or links to other articles) was dropped
    below ``end``."""
    return any(d.start >= end and d.reason in ("related", "headline") for d in st.dropped)


def _trim_tail(st: _State) -> None:
    """Drop trailing attribution / dateline / byline paragraphs (never the title), and a related article's lead
    cut short after the article's end (dropped as a teaser: still searchable, as the page's other text): one
    paragraph, not the article's only one, with a list of links to other articles below it."""
    cut = False
    while len(st.kept) > 1:
        line, start = st.kept[-1]
        text = cl.collapse(st.raw[start : line.end])
        source = cl.attribution(text, at_end=True)
        if source is not None:
            st.note_source("attribution", source)
            reason = "attribution"
        elif cl.is_metadata(text):
            reason = "metadata"
        elif not cut and len(st.kept) > 2 and cl.is_cut_short(text) and _links_follow(st, line.end):
            reason, cut = "teaser", True  # the article ends above it: the start of another article's lead
        elif st.author is None and len(st.kept) > 2 and (name := cl.author_name(text)):
            st.author = name
            reason = "metadata"
        else:
            return
        st.kept.pop()
        st.drop(start, line.end, reason)
