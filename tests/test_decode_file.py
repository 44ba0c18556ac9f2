"""qa.decoding.decode_file: strict UTF-8 input, every rejection with its reason, offsets kept."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from text_support import cp1258 as _cp1258, paragraph_texts as texts

from qa.decoding import decode_file
from qa.documents import parse_document
from qa.errors import BadInputFile

SEED_FILES = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def _reason(path: Path, max_bytes: int = 1000) -> str:
    with pytest.raises(BadInputFile) as info:
        decode_file(path, max_bytes)
    assert info.value.path == str(path)
    return info.value.reason


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n  ", "empty file"),
        (b"\xef\xbb\xbf\n \n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "a PNG image, not text: save the article's text as a UTF-8"),
        (b"abc\x00def", "binary file (contains NUL bytes)"),
        ("Café crème brûlée".encode("latin-1"), "not UTF-8 (looks like latin-1: invalid byte 0xe9 at offset 3)"),
        (_cp1258("Mỹ và Trung Quốc hướng đến kế hoạch"), "not UTF-8 (looks like cp1258: invalid byte 0xde at offset 2); "
                                                          "convert it first: iconv -f CP1258 -t UTF-8"),
        ("Mỹ và Trung Quốc".encode("utf-16"), "not UTF-8 (looks like utf-16-le: invalid byte 0xff at offset 0); convert "
                                              "it first: iconv -f UTF-16LE -t UTF-8 FILE > NEW.txt"),
        ("Mỹ và Trung Quốc".encode("utf-16-be"), "not UTF-8 (looks like utf-16-be"),
        ("Mỹ và Trung Quốc".encode() + b"\xff" + " tiếp".encode(), "not UTF-8 (looks like damaged UTF-8: invalid byte 0xff"),
        (b"a" * 1001, "too large (1001 bytes > limit 1000)"),
    ],
    ids=["empty", "whitespace", "bom-only", "png", "nul", "latin-1", "cp1258", "utf-16", "utf-16-be", "damaged", "large"],
)
def test_decode_file_rejects_bad_input(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert _reason(path).startswith(expected)


def test_decode_file_unreadable(tmp_path: Path) -> None:
    assert _reason(tmp_path / "missing.txt") == "unreadable (No such file or directory)"
    assert _reason(tmp_path).startswith("unreadable (")


def test_decode_file_keeps_utf8_bom_and_offsets(tmp_path: Path) -> None:
    raw = SEED_FILES[4].read_text(encoding="utf-8")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw.replace("\n", "\r\n").encode("utf-8"))
    text = decode_file(path, 5_000_000)
    assert text.startswith("\ufeff")
    doc = parse_document(text, "bom")
    base = parse_document(raw, "base")
    assert texts(doc) == texts(base)
    assert doc.title == base.title and doc.date == base.date and doc.author == base.author
    assert doc.paragraphs[0].start == 1


def test_decode_file_accepts_the_limit_exactly(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_bytes("Tiêu đề".encode())
    assert decode_file(path, len("Tiêu đề".encode())) == "Tiêu đề"


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv here")
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "cp1258", "latin-1", "cp1251", "koi8_r",
                                      "gb18030", "big5", "shift_jis", "euc_kr"])
def test_the_iconv_command_a_rejection_gives_converts_the_file(tmp_path: Path, encoding: str) -> None:
    """The suggested names were Python's ("LATIN-1", "UTF-16-LE"), which GNU iconv refuses."""
    sample = {"cp1251": "Москва и Пекин договорились", "koi8_r": "Москва и Пекин договорились",
              "gb18030": "中美两国外长会谈", "big5": "中美兩國外長會談", "shift_jis": "日米首脳会談が行われた",
              "euc_kr": "한미 외교장관 회담", "latin-1": "Café crème brûlée à Paris"}.get(encoding, "Mỹ và Trung Quốc gặp nhau")
    path = tmp_path / "tin.txt"
    path.write_bytes(_cp1258(sample) if encoding == "cp1258" else sample.encode(encoding))
    command = _reason(path).split("convert it first: ")[1].replace("FILE > NEW.txt", str(path))
    converted = subprocess.run(command.split(), capture_output=True, check=True).stdout.decode("utf-8")
    assert unicodedata.normalize("NFC", converted.lstrip("\ufeff")) == sample


def test_an_article_that_begins_like_a_file_format_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "gif.txt"
    path.write_text("GIF89a là định dạng ảnh động ra đời năm 1989.\n\nNó vẫn được dùng rộng rãi.\n", encoding="utf-8")
    assert decode_file(path, 1000).startswith("GIF89a")
    path.write_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Tin}")  # ASCII, but a word processor's file
    assert _reason(path).startswith("an RTF document, not text")
