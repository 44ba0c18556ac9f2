"""The answer to a question about an article (``qa.about``): the line of its page that says when it was published,
who wrote it, which outlet ran it, which agency it follows or where the site files it -- the dateline, the byline, the
outlet tag, "(Theo Reuters)", "Lĩnh vực: Tin nổi bật". The cleaning drops these lines from the article's text, so no passage holds them; the answer cites the
line by its offsets into the file like any passage (``section`` "metadata", no chunk), before the passages that found
the article. A page without the line asked for is said to lack it: the answer abstains with a notice, except for the
agency, which the text itself may name ("Hãng tin Reuters dẫn các nguồn tin ...")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from qa.about import AboutKind
from qa.answers import Answer, Highlight, Passage
from qa.cleaning import metadata_date
from qa.snapshot import DocMeta, Snapshot

WHAT = {"date": "date of publication", "author": "author", "outlet": "outlet", "agency": "news agency it follows",
        "category": "section of the site it is filed under"}
# the line that files the article under a section of its site, wherever the page has it: "Lĩnh vực: Tin nổi bật, Tin
# tức hàng ngày", "Chuyên mục: Thế giới", "Category: World"
_CATEGORY_LINE = re.compile(r"^[ \t]*(?:lĩnh vực|chuyên mục|danh mục|thể loại|category|categories|section)[ \t]*:[ \t]*"
                            r"(\S[^\r\n]{0,150}?)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
# the date and time of a dateline ("Thứ tư, 24/03/2021 08:00 AM - 0 Trả lời"): what the answer shows of it
_STAMP = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:,?\s*(?:lúc\s*)?\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*[AP]M)?)?|"
                    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}",
                    re.IGNORECASE)


def _within(text: str, part: str | None) -> tuple[int, int] | None:
    """Where ``part`` is in ``text`` (any case; a file may write it composed or decomposed), or None."""
    if not part or len(text.casefold()) != len(text):
        return None
    for form in dict.fromkeys(unicodedata.normalize(f, part).casefold() for f in ("NFC", "NFD")):
        if (at := text.casefold().find(form)) >= 0:
            return at, at + len(form)
    return None


def _line(raw: str, meta: DocMeta, kind: AboutKind) -> tuple[int, int, int, int] | None:
    """(start, end) of the page's line that answers, and of the part of it that is the answer."""
    if kind == "category":  # a labelled line (kept or dropped by the cleaning: any page's)
        m = _CATEGORY_LINE.search(raw)
        return (m.start(), m.end(), m.start(1), m.end(1)) if m else None
    for start, end, reason in sorted(meta.credits):
        text = raw[start:end]
        found: tuple[int, int] | None = None
        if kind == "date" and reason == "metadata" and metadata_date(text):
            m = _STAMP.search(text)
            found = m.span() if m else (0, len(text))
        elif kind == "author" and reason != "outlet":
            found = _within(text, meta.author)
        elif kind == "outlet" and reason != "attribution":
            found = _within(text, meta.source)
        elif kind == "agency" and reason == "attribution":
            inner = text.strip("()[] \t")  # "(Theo reuters)": "Theo reuters"
            found = _within(text, inner) or (0, len(text))
        if found is not None:
            return start, end, start + found[0], start + found[1]
    return None


def credited(snapshot: Snapshot, kind: AboutKind | None, answer: Answer, k: int, named: str | None = None) -> Answer:
    """``answer`` to a question about the article its first passage is from: that page's line first. ``named``: the
    article the question names by its outlet alone ("Who wrote the CLO article?", CLO's only one), which no passage
    needs to find."""
    if kind is None or ((answer.abstained or not answer.passages) and named is None):
        return answer
    if named is not None:  # that article, as sure as its name
        answer = replace(answer, abstained=False, confidence=1.0, passages=[
            replace(p, rank=i) for i, p in enumerate((p for p in answer.passages if p.doc_id == named), start=1)])
    top = answer.passages[0] if answer.passages else None
    doc_id = named or top.doc_id  # type: ignore[union-attr]
    meta, raw = snapshot.docs[doc_id], snapshot.raws[doc_id]
    found = _line(raw, meta, kind)
    if found is None:
        given = {"date": meta.date, "author": meta.author, "outlet": meta.source}.get(kind)
        if given:  # given with the document (no line says it)
            return replace(answer, answer=given)
        if kind == "agency" and named is None:  # the text may say it
            return answer
        lacking = f"the article found, {meta.title!r} ({doc_id}), gives no {WHAT[kind]}"
        return replace(answer, abstained=True, answer=None, notice="; ".join(filter(None, [answer.notice, lacking])),
                       passages=[replace(p, low_confidence=True) for p in answer.passages])
    start, end, at, to = found
    line = Passage(rank=1, doc_id=doc_id, title=meta.title, source=meta.source, date=meta.date, chunk_id=None,
                   start=start, end=end, score=top.score if top else 0.0, text=raw[start:end],
                   highlight=Highlight(raw[at:to], at, to), section="metadata")
    rest = [replace(p, rank=p.rank + 1) for p in answer.passages[: max(0, k - 1)]]
    return replace(answer, answer=line.highlight.text, passages=[line, *rest])
