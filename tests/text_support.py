"""Helpers shared by the text tests."""

from __future__ import annotations

import unicodedata

from qa.documents import ParsedDocument


def cp1258(text: str) -> bytes:
    """Vietnamese as cp1258 writes it: a precomposed base letter, then a combining tone mark."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


def paragraph_texts(doc: ParsedDocument) -> list[str]:
    """The body paragraphs as they stand in the raw file."""
    return [doc.raw[p.start : p.end] for p in doc.paragraphs]
