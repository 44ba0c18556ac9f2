"""An outlet a question names ("Theo VOV, ...", "Trong bài của báo Tổ Quốc, ...", "In the CLO report, ...") picks
the articles it ran: their passages come first. The name is on the page's outlet tag, which the cleaning drops from
the article's text (or on one line of it, "(Tổ Quốc) - ..."), so it is left out of the question with the words that
refer to it: a word the passage that answers does not have only lowered its evidence ("Trong bài của VOV, ông Dương
Khiết Trì mang chức danh gì?" was answered from another outlet's article on him).

The outlets are the documents' ``source`` fields, without a domain ("VOV.VN" is "VOV"). A name counts only after words
that say an outlet follows ("theo", "báo", "bài của", "bài", "according to") or before a word for its article ("the CLO
report"), in any case and with or without accents: outlets are often named by common words ("Thế giới", "Thanh Niên",
"Chính phủ"), and "CLO" is also chlorine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from qa.about import without_about
from qa.asking import MENTION_EN, MENTION_VI
from qa.lexical import query_terms
from qa.snapshot import Snapshot
from qa.text import fold, folded_pair, nfc, words

T = TypeVar("T")
_DOMAIN = re.compile(r"\.(?:com|net|org|info|tv|vn)(?:\.vn)?$", re.IGNORECASE)
# folded, lower case: the words before a name that say it is an outlet ...
_CUE = (r"(?:theo|according\s+to)(?:\s+(?:the|bao|trang|to|to bao|dai|kenh|tap chi|tin))?|bao|to bao|trang|trang tin|"
        r"tap chi|dai|kenh|(?:bai|tin|ban tin|bai bao|bai viet|anh)\s+(?:cua|tren|dang tren)(?:\s+(?:bao|trang|to))?")
# ... or the word for its article right before it ("bài VOV về ...", "tac gia bai CLO ve ..."), checked as written
# (``_is_article``): folded, "bai" is also "bại" ("đánh bại Chính phủ") and "bái"
_ARTICLE_CUE = r"bai bao|bai viet|ban tin|bai"
_ARTICLE_WORDS = frozenset({"bài", "bài báo", "bài viết", "bản tin"})
_NOT_ARTICLE_BEFORE = re.compile(r"(?:danh|that|tham|chien|sung|le)\s+$")  # đánh bại, thất bại, thảm bại, sùng bái
# ... and after it, the word for its article ("the CLO report", "VOV's story")
_ITS = r"(?:['’]s)?\s+(?:reports?|articles?|story|stories|pieces?|photos?|pictures?|coverage)\b"
# ... or it is the subject of what the question asks: "What title does VOV give Fang Fenghui?", "VOV giới thiệu ông
# Dương Khiết Trì với chức danh gì?" (folded; the English after "does" / "did", the Vietnamese before a verb of
# reporting)
_DOES = r"(?:does|did|do)\s+(?:the\s+)?"
_REPORTS = r"\s+(?:gioi thieu|dua tin|viet|goi|mo ta|dan loi|trich dan|cho biet|nhac den|nhac toi)(?!\w)"
# ... or it heads the question before a colon or a dash, as a headline names its source ("VOV: state of US-China ties",
# "VOV.VN - ...")
_HEADING = r"(?:\.(?:com|net|org|vn)(?:\.vn)?)?\s*[:|–—-]\s"
# the words around a name that refer to the outlet's article ("Trong bài của báo VOV", "the CLO report on"), which go
# with it
# (with what says it is mentioned there: "được nhắc đến trong bài của báo VOV", "mentioned in the CLO report")
_BEFORE = re.compile(rf"(?<!\w)(?:(?:duoc\s+)?(?:{fold(MENTION_VI)}|neu|{MENTION_EN})\s+)?"
                     r"(?:(?:trong|theo|tren|o|in|from|according\s+to|by)\s+)?(?:(?:the|a|an)\s+)?(?:(?:bai bao|"
                     r"bai viet|ban tin|bai|tin)\s+)?(?:(?:cua|tren|theo|tu|dang tren)\s+)?(?:(?:bao|to bao|to|trang|"
                     r"hang)\s+)?$")
_AFTER = re.compile(r"^(?:\.(?:com|net|org|vn)(?:\.vn)?)?(?:['’]s)?(?:\s+(?:article|report|story|piece|lead|headline|"
                    r"write-?up|coverage)s?\b"
                    r"(?:\s+(?:on|about|of)\b)?)?")


_ITS_ARTICLE = re.compile(r"\b(?:bai|tin|ban tin|reports?|articles?|story|stories|pieces?)\b")
_WHERE = re.compile(r"(?:theo|trong|tren|o|in|from|according\s+to|by|per)\b")


@dataclass(frozen=True)
class NamedOutlet:
    name: str  # as the documents' ``source`` writes it, without a domain
    docs: frozenset[str]


def _outlets(snapshot: Snapshot) -> tuple[re.Pattern[str], dict[str, NamedOutlet]] | None:
    """One pattern for every outlet's name after a cue or before its article's word, and each outlet by its folded
    name; once per snapshot (None when no document names its outlet)."""
    found = snapshot.memo.get(("outlets",))
    if found is None:
        by_name: dict[str, tuple[str, set[str]]] = {}
        for meta in snapshot.docs.values():
            name = _DOMAIN.sub("", (meta.source or "").strip())
            if len(name) >= 2 and any(c.isalpha() for c in name):
                by_name.setdefault(" ".join(words(fold(name).lower())) or name.lower(), (name, set()))[1].add(meta.doc_id)
        if not by_name:
            found = False
        else:
            names = "|".join(r"\s+".join(map(re.escape, key.split())) for key in sorted(by_name, key=len, reverse=True))
            pattern = re.compile(rf"(?<!\w)(?:(?:{_CUE})\s+(?P<a>{names})(?!\w)|(?P<cue>{_ARTICLE_CUE})\s+"
                                 rf"(?P<c>{names})(?!\w)|(?P<b>{names}){_ITS}|{_DOES}(?P<d>{names})(?!\w)|"
                                 rf"(?P<e>{names}){_REPORTS}|^\s*(?P<f>{names}){_HEADING})")
            found = pattern, {key: NamedOutlet(name, frozenset(docs)) for key, (name, docs) in by_name.items()}
        snapshot.memo[("outlets",)] = found
    return found or None  # type: ignore[return-value]


def named_outlet(question: str, snapshot: Snapshot) -> tuple[NamedOutlet, tuple[int, int]] | None:
    """The outlet of the index the question names, and where (offsets into the question in NFC); None for none."""
    found = _named(question, snapshot)
    return (found[0], found[1]) if found is not None else None


def _named(question: str, snapshot: Snapshot) -> tuple[NamedOutlet, tuple[int, int], bool] | None:
    """``named_outlet``, and whether the outlet is the subject of what is asked (``_DOES``, ``_REPORTS``)."""
    outlets = _outlets(snapshot)
    if outlets is None:
        return None
    pattern, by_name = outlets
    written, low = folded_pair(nfc(question).lower())
    for m in pattern.finditer(low):
        group = next(g for g in ("a", "c", "b", "d", "e", "f") if m.group(g) is not None)
        if group == "c" and not _is_article(written, low, m):
            continue
        # the English verb is typed without accents: "nồng độ CLO" is no "do CLO"
        if group == "d" and written[m.start() : m.start("d")] != low[m.start() : m.start("d")]:
            continue
        if group == "e" and low[: m.start()].strip(" ,;:-") not in ("", "theo"):  # "Bảo vệ tổ quốc viết thế nào?"
            continue  # is no outlet's: the subject that reports begins the question
        return by_name[" ".join(m.group(group).split())], m.span(group), group in ("d", "e")
    return None


def _is_article(written: str, low: str, m: re.Match[str]) -> bool:
    """Whether the word before an outlet's name (``m``'s "cue") is one for an article as written: "bài", or "bai"
    typed without accents and not after "đánh", "thất" ("đánh bại", "danh bai")."""
    cue = written[m.start("cue") : m.end("cue")]
    if cue != fold(cue):
        return " ".join(cue.split()) in _ARTICLE_WORDS
    return _NOT_ARTICLE_BEFORE.search(low[: m.start("cue")]) is None


def _mention(question: str, snapshot: Snapshot) -> tuple[NamedOutlet, int, int, int, int] | None:
    """The outlet named, where its name is and where the words that refer to it are (``question`` in NFC)."""
    found = _named(question, snapshot)
    if found is None:
        return None
    outlet, (start, end), subject = found
    low = fold(question).lower()
    if subject and _writes(snapshot, outlet, low[start:end]):  # a word to find: "How many media outlets does
        return outlet, start, end, start, start  # SeaPRwire say it reaches?" of its notice, "SeaPRwire cung cấp ..."
    before = _BEFORE.search(low[:start]).start()  # type: ignore[union-attr]  # it matches "" at least
    return outlet, start, end, before, end + _AFTER.match(low[end:]).end()  # type: ignore[union-attr]


def _writes(snapshot: Snapshot, outlet: NamedOutlet, name: str) -> bool:
    """Whether the passages of the outlet's articles write its name (folded, lower case), not only its page's tag."""
    key = ("outlet-written", name)
    found = snapshot.memo.get(key)
    if found is None:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        table = snapshot.chunks
        docs = [i for i, doc in enumerate(table.doc_ids) if doc in outlet.docs]
        rows = np.flatnonzero(np.isin(table.doc_index, docs)).tolist()
        found = any(pattern.search(fold(table.texts[row]).lower()) for row in rows)
        snapshot.memo[key] = found
    return found


def without_outlet(question: str, snapshot: Snapshot) -> tuple[str, NamedOutlet | None]:
    """The question without the outlet it names and the words that refer to it, and the outlet (None when it names
    none). Also where a passage has the name (its lead, "(Tổ Quốc) - ..."): the outlet picks the articles, and as a
    word of the question it only lowered the evidence of the passage that answers ("Which news agency is the Tổ Quốc
    report on US-China counter-terrorism cooperation based on?" abstained at 0.23; the seven sets about the seeds:
    hit@1 729 -> 732, the answer sentence 681 -> 683 of 806, English answerable refused 18 -> 15 of 316, unanswerable
    questions abstaining unchanged)."""
    question = nfc(question)
    found = _mention(question, snapshot)
    if found is None:
        return question, None
    outlet, _, _, before, after = found
    return (f"{question[:before]} {question[after:]}" if after > before else question), outlet


def names_its_article(question: str, snapshot: Snapshot) -> bool:
    """Whether the question names an article by its outlet ("the CLO report", "bài của VOV", "VOV's story"): what
    it then asks may be about that article ("Who is the author of the CLO report on ...?")."""
    question = nfc(question)
    found = _mention(question, snapshot)
    if found is None:
        return False
    mention = fold(question[found[3] : found[4]]).lower()  # not one that says where the answer is: "Theo bài của VOV"
    return bool(_ITS_ARTICLE.search(mention)) and not _WHERE.match(mention)


def named_alone(question: str, outlet: NamedOutlet | None, snapshot: Snapshot) -> bool:
    """Whether a question about an article names it by its outlet and nothing else ("Who wrote the CLO article?",
    "Ai viết bài CLO?"): no word is left once the outlet's words and the asking words are out."""
    if outlet is None:
        return False
    rest = without_about(without_outlet(question, snapshot)[0], follows=True)
    return not query_terms(rest, folded=True).unigrams


def outlet_first(items: Sequence[T], outlet: NamedOutlet | None, doc_of: Callable[[T], str]) -> list[T]:
    """``items`` with those from the outlet's documents first, each group in its order."""
    if outlet is None:
        return list(items)
    return [x for x in items if doc_of(x) in outlet.docs] + [x for x in items if doc_of(x) not in outlet.docs]
