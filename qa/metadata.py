"""The rules for a document given as text and its metadata (``POST /v1/documents``, ``QAService.add_text``): one
set, so that the Python API stores what HTTP would and refuses what HTTP answers 422 for."""

from __future__ import annotations

import re
import unicodedata

from qa.cleaning import is_blank
from qa.dates import iso_date
from qa.errors import InvalidDocument
from qa.text import surrogate_at

META_CHARS = 500  # title, source, date, author of a posted document
URL_CHARS = 2000  # its url
DOC_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})  # controls (NUL, \n, ...), U+2028 LINE and U+2029 PARAGRAPH SEPARATOR


def encodable(text: str) -> str:
    """Reject lone surrogates (valid in JSON escapes, not in UTF-8): they would fail deep inside."""
    if (at := surrogate_at(text)) is not None:
        raise ValueError(f"contains an unpaired surrogate at position {at}")
    return text


def doc_id(text: str) -> str:
    if not re.fullmatch(DOC_ID_PATTERN, text):
        raise ValueError("must be 1-128 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit")
    return text


def one_line(text: str) -> str:
    """Metadata is shown on one line: no line breaks (U+2028 and U+2029 too), NUL or other control characters."""
    bad = next((ch for ch in text if unicodedata.category(ch) in LINE_BREAKING), None)
    if bad is not None:
        raise ValueError(f"must be one line without control characters (found U+{ord(bad):04X})")
    return text


def blank_is_absent(text: str) -> str | None:
    """A blank value (spaces, zero-width characters) says no more than "" or no value: what cleaning extracts
    (a title, an outlet, a date) is kept, instead of a blank title shown in every citation."""
    return None if is_blank(text) else text


def date(text: str | None) -> str | None:
    """A posted date as the dates cleaning reads from files are stored (``qa.dates.iso_date``): one index, one
    format; an impossible or unreadable date, or words around it, is refused rather than cited as given."""
    if text is None:
        return None
    iso = iso_date(text)
    if iso is None:
        raise ValueError("is not one date this service reads (e.g. 2024-08-09, 2024-08-09T10:15+07:00, 9/8/2024, "
                         "ngày 9 tháng 8 năm 2024, August 9, 2024, Fri, 09 Aug 2024 10:15:00 +0700)")
    return iso


def meta(text: str, limit: int = META_CHARS) -> str | None:
    """One metadata value as stored: encodable, at most ``limit`` characters, one line; None when blank."""
    if len(text) > limit:
        raise ValueError(f"must be at most {limit} characters, not {len(text)}")
    return blank_is_absent(one_line(encodable(text)))


def checked_metadata(*, title: object = None, source: object = None, date_: object = None, author: object = None,
                     url: object = None) -> dict[str, str | None]:
    """``QAService.add_text``'s metadata checked and stored as ``POST /v1/documents`` stores it (a date as ISO 8601,
    a blank value as none); InvalidDocument, one line naming the field, for what HTTP answers 422 for. (The id and
    the text follow the rules of a file's, and a refused one is in the write's report, as ``qa ingest`` reports it:
    an id a file name gave, "Tin tức Đà Nẵng", is replaced from Python as from a file.)"""
    out: dict[str, str | None] = {}
    given = {"title": title, "source": source, "date": date_, "author": author, "url": url}
    for name, value in given.items():
        if value is None:
            out[name] = None
            continue
        if not isinstance(value, str):
            raise InvalidDocument(f"{name} must be a string, not {type(value).__name__}")
        try:
            kept = meta(value, URL_CHARS if name == "url" else META_CHARS)
            out[name] = date(kept) if name == "date" else kept
        except ValueError as exc:
            raise InvalidDocument(f"{name} {exc}") from None
    return out
