"""Reading a .txt article's bytes: strict UTF-8, and every rejection with its reason (another encoding named, with
how to convert it; a binary format by its first bytes; an empty or oversized file). Offsets are kept: the text is
returned as decoded, a BOM included."""

from __future__ import annotations

from pathlib import Path

from qa import cleaning as cl
from qa.errors import BadInputFile

_CP1258_VIETNAMESE = frozenset(b"\xc3\xe3\xd0\xf0\xd5\xf5\xdd\xfd\xcc\xec\xde\xd2\xf2")


def decode_file(path: str | Path, max_bytes: int) -> str:
    """The file's text, decoded as UTF-8 (a BOM is kept); BadInputFile says why not."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
            if len(data) > max_bytes:
                size = max(Path(path).stat().st_size, len(data))
                raise BadInputFile(name, f"too large ({size} bytes > limit {max_bytes})")
    except OSError as exc:
        raise BadInputFile(name, f"unreadable ({exc.strerror or exc})") from exc
    if not data:
        raise BadInputFile(name, "empty file")
    try:
        text = data.decode("utf-8")
        error = ""
    except UnicodeDecodeError as exc:
        text = ""
        error = f"invalid byte 0x{data[exc.start]:02x} at offset {exc.start}"
    wide = _wide_encoding(data)
    if wide:
        raise BadInputFile(name, f"not UTF-8 (looks like {wide}: {error or 'NUL bytes between characters'}){_convert(wide)}")
    # a format by its first bytes, where they are not text's ("GIF89a là ..." may begin an article; RTF is ASCII)
    if kind := next((k for magic, k in _FORMATS if data.startswith(magic) and (error or b"\x00" in data or
                                                                                 magic == b"{\\rtf")), None):
        raise BadInputFile(name, f"{kind}, not text: save the article's text as a UTF-8 .txt file")
    if b"\x00" in data:
        raise BadInputFile(name, "binary file (contains NUL bytes)")
    # undecodable bytes, many of them control bytes (random data: one in ten): no code page's text (valid UTF-8 with
    # control characters is judged as text is, by qa.sources.source_problem)
    if error and len(data) - len(data.translate(None, _CONTROL)) > 0.05 * max(1, len(data.translate(None, b" \t\r\n"))):
        raise BadInputFile(name, "binary file (control bytes that text does not have)")
    if error:
        guess = _guess_8bit(data)
        hint = _convert(guess) if guess != "damaged UTF-8" else ""
        raise BadInputFile(name, f"not UTF-8 (looks like {guess}: {error}){hint}")
    if cl.is_blank(text):
        raise BadInputFile(name, "empty file")
    return text


# files that are not text, by their first bytes: named, so that the reason is not "looks like latin-1"
_FORMATS = ((b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
            (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or a .docx / .odt document)"),
            (b"\x1f\x8b", "a gzip file"), (b"{\\rtf", "an RTF document"),
            (b"\xd0\xcf\x11\xe0", "an old Office document (.doc)"), (b"\x7fELF", "a program"))


# control characters that text does not have (a few at most: a form feed); not tab, line ends or a code page's letters
CONTROL_CODES = (*range(1, 9), 11, 12, *range(14, 32), 127)
_CONTROL = bytes(CONTROL_CODES)


def _convert(encoding: str) -> str:
    """How to convert a file of ``encoding`` (as this module names it) to UTF-8, with GNU iconv's name for it."""
    name = {"latin-1": "LATIN1", "shift_jis": "SHIFT_JIS"}.get(encoding, encoding.upper())
    name = name.replace("-LE", "LE").replace("-BE", "BE")  # utf-16-le -> UTF-16LE
    return f"; convert it first: iconv -f {name} -t UTF-8 FILE > NEW.txt"


def _wide_encoding(data: bytes) -> str | None:
    """utf-16/utf-32 by byte-order mark, or utf-16 by NULs in every other byte."""
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return enc
    head = data[:4096] if len(data) >= 16 else b""
    half = max(len(head) // 2, 1)
    even, odd = head[0::2].count(0) / half, head[1::2].count(0) / half
    if min(even, odd) > 0.05 or max(even, odd) < 0.3:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    sample = head[: len(head) // 2 * 2].decode(enc, errors="replace")
    printable = sum(1 for ch in sample if ch.isprintable() or ch.isspace())
    return enc if printable >= 0.9 * len(sample) else None


def _guess_8bit(data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good > 2 * bad:
        return "damaged UTF-8"
    high = [b for b in data if b >= 0x80]
    vietnamese = sum(1 for b in high if b in _CP1258_VIETNAMESE)
    if high and vietnamese >= 0.2 * len(high):
        return "cp1258"
    for encoding, ranges, required in _MULTIBYTE:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        wide = [ord(ch) for ch in decoded if ord(ch) > 127]
        inside = sum(1 for cp in wide if any(lo <= cp <= hi for lo, hi in ranges))
        if wide and inside >= 0.9 * len(wide) and (required is None or any(required[0] <= cp <= required[1] for cp in wide)):
            return encoding
    ascii_letters = sum(1 for b in data if 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A)
    cyrillic = [data.decode(enc, errors="replace") for enc in ("cp1251", "koi8_r")]
    letters = [[ch for ch in text if ch.isalpha() and ord(ch) > 127] for text in cyrillic]
    if len(letters[0]) > ascii_letters and sum(1 for ch in letters[0] if "\u0400" <= ch <= "\u04ff") >= 0.9 * len(letters[0]):
        # the right one of the two Cyrillic code pages gives mostly lower-case letters
        lower = [sum(ch.islower() for ch in group) / max(len(group), 1) for group in letters]
        return "cp1251" if lower[0] >= lower[1] else "koi8-r"
    return "latin-1"


# (encoding, Unicode ranges 90% of its non-ASCII text falls in, a range at least one character must be in)
_KANA, _CJK, _HANGUL = (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3)
_CJK_PUNCT, _FULLWIDTH = (0x3000, 0x303F), (0xFF01, 0xFF5E)
_MULTIBYTE = (
    ("shift_jis", (_KANA, _CJK, _CJK_PUNCT, _FULLWIDTH), _KANA),  # Japanese text always has some kana
    ("euc-kr", (_HANGUL, _CJK_PUNCT, _FULLWIDTH), _HANGUL),
    ("gb18030", (_CJK, _CJK_PUNCT, _FULLWIDTH), None),
    ("big5", (_CJK, _CJK_PUNCT, _FULLWIDTH), None),
)
