"""qa.chunking: sentence-aware chunks with exact offsets, within a hard token limit, never losing body text."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.chunking import Chunk, chunk_document, estimate_tokens
from qa.documents import ParsedDocument, parse_document
from qa.text import split_sentences

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def word_count(text: str) -> int:
    return len(text.split())


def parse(raw: str, name: str = "doc") -> ParsedDocument:
    return parse_document(raw, name)


def paragraphs(doc: ParsedDocument) -> list[tuple[int, int]]:
    return [(p.start, p.end) for p in doc.paragraphs]


def body_sentences(raw: str, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for a, b in paras for s in split_sentences(raw[a:b], a)]


def check_chunks(raw: str, paras: list[tuple[int, int]], chunks: list[Chunk], *, count: Callable[[str], int],
                 hard_max: int, overlap: int, dropped: list[tuple[int, int]] = ()) -> None:
    """Every invariant a chunking of ``raw`` must satisfy."""
    in_body = [False] * len(raw)
    for a, b in paras:
        for i in range(a, b):
            in_body[i] = True
    covered = [False] * len(raw)
    for c in chunks:
        assert 0 <= c.start < c.end <= len(raw)
        assert raw[c.start : c.end] == c.text, "chunk text is not the raw slice"
        assert c.text == c.text.strip()
        assert count(c.text) <= hard_max, f"{count(c.text)} tokens > {hard_max}: {c.text[:80]!r}"
        for i in range(c.start, c.end):
            # only body text, and whitespace between body paragraphs, inside a chunk
            assert in_body[i] or raw[i].isspace(), f"chunk covers non-body text at {i}: {raw[i-20:i+20]!r}"
            covered[i] = True
        for d_start, d_end in dropped:
            assert c.end <= d_start or d_end <= c.start, f"chunk spans dropped block {raw[d_start:d_end][:60]!r}"
    # nothing of the body lost
    lost = [i for i in range(len(raw)) if in_body[i] and not covered[i] and not raw[i].isspace()]
    assert not lost, f"body text in no chunk: {raw[lost[0]:lost[0]+60]!r}"
    # a sentence that fits is never cut: it lies whole inside one chunk
    for s_start, s_end in body_sentences(raw, paras):
        if count(raw[s_start:s_end]) <= hard_max:
            assert any(c.start <= s_start and s_end <= c.end for c in chunks), raw[s_start:s_end]
    # chunks advance, and consecutive chunks share at most ``overlap`` whole sentences
    sents = body_sentences(raw, paras)
    for prev, nxt in zip(chunks, chunks[1:]):
        assert prev.start < nxt.start and prev.end < nxt.end
        if nxt.start < prev.end:
            assert overlap > 0, "chunks overlap although overlap=0"
            shared = [s for s in sents if nxt.start <= s[0] and s[1] <= prev.end]
            assert 1 <= len(shared) <= overlap, (len(shared), overlap)
            assert any(s[0] == nxt.start for s in sents), "overlap does not start at a sentence"


SETTINGS = [  # target, hard_max, overlap
    (200, 508, 1),
    (60, 100, 1),
    (40, 60, 2),
    (40, 60, 0),
    (1, 500, 1),
]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
@pytest.mark.parametrize("target,hard_max,overlap", SETTINGS)
def test_seed_chunks_invariants(path: Path, target: int, hard_max: int, overlap: int) -> None:
    raw = path.read_text(encoding="utf-8")
    doc = parse(raw, path.stem)
    paras = paragraphs(doc)
    assert paras
    for count in (estimate_tokens, word_count):
        chunks = chunk_document(raw, paras, count=count, target=target, hard_max=hard_max, overlap=overlap)
        assert chunks
        check_chunks(raw, paras, chunks, count=count, hard_max=hard_max, overlap=overlap,
                     dropped=[(d.start, d.end) for d in doc.dropped])


def test_chunks_overlap_when_a_paragraph_is_cut() -> None:
    """With small chunks some paragraph must be cut, and the next chunk repeats its last sentence."""
    overlaps = 0
    for path in SEED_FILES:
        raw = path.read_text(encoding="utf-8")
        paras = paragraphs(parse(raw, path.stem))
        chunks = chunk_document(raw, paras, count=estimate_tokens, target=100, hard_max=150, overlap=1)
        overlaps += sum(1 for a, b in zip(chunks, chunks[1:]) if b.start < a.end)
    assert overlaps > 0


@pytest.mark.parametrize("overlap", [0, 1, 2, 3])
def test_overlap_sentences_in_one_long_paragraph(overlap: int) -> None:
    raw = " ".join(f"Đây là câu số {i} trong đoạn." for i in range(30))  # 7 words a sentence
    sents = body_sentences(raw, [(0, len(raw))])
    assert len(sents) == 30
    chunks = chunk_document(raw, [(0, len(raw))], count=word_count, target=35, hard_max=60, overlap=overlap)
    check_chunks(raw, [(0, len(raw))], chunks, count=word_count, hard_max=60, overlap=overlap)
    for a, b in zip(chunks, chunks[1:]):
        shared = [s for s in sents if b.start <= s[0] and s[1] <= a.end]
        assert len(shared) == overlap  # the carry fits easily here, so it is exactly the configured size


def test_no_overlap_when_disabled() -> None:
    for path in SEED_FILES:
        raw = path.read_text(encoding="utf-8")
        chunks = chunk_document(raw, paragraphs(parse(raw, path.stem)), count=estimate_tokens, target=40,
                                hard_max=60, overlap=0)
        for a, b in zip(chunks, chunks[1:]):
            assert a.end <= b.start


def test_chunks_never_span_a_dropped_block() -> None:
    raw = ("Tiêu đề bài báo về Mỹ và Trung Quốc\n"
           "Đoạn thứ nhất của bài viết. Nó có hai câu.\n"
           "QUẢNG CÁO KHÔNG LIÊN QUAN\n"
           "Đoạn thứ hai của bài viết. Nó cũng có hai câu.\n")
    a = raw.index("Đoạn thứ nhất")
    a_end = raw.index("\nQUẢNG")
    b = raw.index("Đoạn thứ hai")
    paras = [(0, raw.index("\n")), (a, a_end), (b, len(raw) - 1)]
    chunks = chunk_document(raw, paras, count=word_count, target=500, hard_max=600)
    ad = raw.index("QUẢNG")
    assert all(c.end <= ad or c.start >= ad + len("QUẢNG CÁO KHÔNG LIÊN QUAN") for c in chunks)
    assert not any("QUẢNG" in c.text for c in chunks)
    # the two paragraphs separated only by a newline may share a chunk
    assert any(c.start == 0 and c.end == a_end for c in chunks)
    check_chunks(raw, paras, chunks, count=word_count, hard_max=600, overlap=1,
                 dropped=[(ad, ad + len("QUẢNG CÁO KHÔNG LIÊN QUAN"))])


def test_huge_sentence_without_punctuation_is_split_under_hard_max() -> None:
    syllables = ["quan", "hệ", "Mỹ", "Trung", "hợp", "tác", "an", "ninh", "khu", "vực", "đối", "thoại"]
    sentence = " ".join(syllables[i % len(syllables)] for i in range(3000))
    raw = "Tiêu đề\n\n" + sentence + "\n"
    paras = [(0, 7), (9, 9 + len(sentence))]
    for count, hard_max in ((estimate_tokens, 120), (word_count, 100)):
        chunks = chunk_document(raw, paras, count=count, target=80, hard_max=hard_max, overlap=1)
        check_chunks(raw, paras, chunks, count=count, hard_max=hard_max, overlap=1)
        long_chunks = [c for c in chunks if c.start >= 9]
        assert len(long_chunks) >= 3000 // hard_max
        # every piece starts and ends on a word boundary
        for c in long_chunks:
            assert c.start == 9 or raw[c.start - 1] == " "
            assert c.end == 9 + len(sentence) or raw[c.end] == " "


def test_single_word_over_hard_max_is_cut_by_characters() -> None:
    token = "-".join(["ab"] * 400)  # one "word" (no spaces), ~400 estimated tokens of punctuation
    raw = f"Mở đầu bài viết. {token} kết thúc."
    paras = [(0, len(raw))]
    chunks = chunk_document(raw, paras, count=estimate_tokens, target=50, hard_max=60)
    check_chunks(raw, paras, chunks, count=estimate_tokens, hard_max=60, overlap=1)
    assert "".join(c.text for c in chunks if c.start >= raw.index(token)).replace(" ", "").startswith(token)


def test_overlap_carry_is_contiguous() -> None:
    """Carrying a short sentence but not the long one after it would put the long one in the chunk uncounted."""
    raw = "A a. B " + "b " * 20 + "b. C " + "c " * 22 + "c."
    paras = [(0, len(raw))]
    chunks = chunk_document(raw, paras, count=word_count, target=30, hard_max=40, overlap=2)
    check_chunks(raw, paras, chunks, count=word_count, hard_max=40, overlap=2)


def test_hard_max_below_default_minimum_target() -> None:
    raw = " ".join(f"Câu số {i} ngắn." for i in range(20))
    paras = [(0, len(raw))]
    chunks = chunk_document(raw, paras, count=word_count, target=2, hard_max=4)
    check_chunks(raw, paras, chunks, count=word_count, hard_max=4, overlap=1)
    assert len(chunks) == 20


@pytest.mark.parametrize("target", [-5, 0, 1, 2])
def test_tiny_targets_terminate(target: int) -> None:
    raw = (SEED_FILES[0]).read_text(encoding="utf-8")
    paras = paragraphs(parse(raw))
    chunks = chunk_document(raw, paras, count=estimate_tokens, target=target, hard_max=200, overlap=1)
    assert chunks
    check_chunks(raw, paras, chunks, count=estimate_tokens, hard_max=200, overlap=1)


def test_empty_paragraphs_give_no_chunks() -> None:
    assert chunk_document("", [], count=estimate_tokens, target=200, hard_max=500) == []
    assert chunk_document("Có chữ nhưng không có đoạn.", [], count=estimate_tokens, target=200, hard_max=500) == []


def test_bigger_target_fewer_chunks() -> None:
    raw = SEED_FILES[2].read_text(encoding="utf-8")
    paras = paragraphs(parse(raw))
    small = chunk_document(raw, paras, count=estimate_tokens, target=40, hard_max=60)
    large = chunk_document(raw, paras, count=estimate_tokens, target=300, hard_max=500)
    assert len(large) < len(small)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_crlf_text_chunks_like_lf(path: Path) -> None:
    lf = path.read_text(encoding="utf-8")
    crlf = lf.replace("\n", "\r\n")
    doc = parse(crlf, path.stem)
    chunks = chunk_document(crlf, paragraphs(doc), count=estimate_tokens, target=60, hard_max=100)
    check_chunks(crlf, paragraphs(doc), chunks, count=estimate_tokens, hard_max=100, overlap=1,
                 dropped=[(d.start, d.end) for d in doc.dropped])
    assert not any(c.text.endswith("\r") or c.text.startswith("\n") for c in chunks)
    lf_chunks = chunk_document(lf, paragraphs(parse(lf, path.stem)), count=estimate_tokens, target=60, hard_max=100)
    assert [c.text.replace("\r\n", "\n") for c in chunks] == [c.text for c in lf_chunks]


def test_estimate_tokens_grows_with_text_and_ignores_normalization() -> None:
    text = SEED_FILES[0].read_text(encoding="utf-8")
    assert estimate_tokens("") >= 0
    assert estimate_tokens("một hai ba") < estimate_tokens("một hai ba bốn năm sáu")
    assert estimate_tokens(text) > len(text.split())  # subword pieces outnumber syllables
    assert estimate_tokens(unicodedata.normalize("NFD", text)) == estimate_tokens(text)


def test_a_sentence_of_hundreds_of_kilobytes_is_cut_in_seconds() -> None:
    """A sentence over the budget is cut into the longest runs of words that fit, found by bisection: it
    used to be counted again after every word (a 1.2 MB sentence took a minute; over HTTP, with sentence
    splitting, 18 minutes during which no other document could be written)."""
    raw = "tu tu tu tu tu tu tu tu tu tu, " * 30_000  # 930 KB, one sentence
    started = time.perf_counter()
    chunks = chunk_document(raw, [(0, len(raw))], count=estimate_tokens, target=400, hard_max=512)
    assert time.perf_counter() - started < 5.0  # 1.2 s here; 13 s before
    assert all(estimate_tokens(c.text) <= 512 for c in chunks)
    covered = "".join(raw[c.start : c.end] for c in chunks).replace(" ", "")
    assert covered == raw.replace(" ", "")  # every word in exactly one chunk, in order (no overlap in one sentence)


@pytest.mark.parametrize("word", [
    "e" + "\u0301" * 40_000,  # combining marks that no letter composes with: each one "punctuation"
    "".join("QUJDRGVm+/"[i * 7 % 10] for i in range(300_000)),  # base64 of an inline image: one 300 KB "word"
], ids=["combining-marks", "base64"])
def test_a_word_cut_by_characters_is_read_a_bounded_number_of_times(word: str) -> None:
    """Cutting one enormous "word" re-counted everything after each cut, and walked a cut back over combining
    marks to their letter, so 40,000 marks became 40,000 one-character pieces: 80 KB took 4 minutes to ingest,
    during which no other document could be written. Now each count reads about twice the piece it finds."""
    raw = f"Tiêu đề\n\n{word}\n"
    paras = [(0, 7), (9, 9 + len(word))]
    read = 0

    def counting(text: str) -> int:
        nonlocal read
        read += len(text)
        return estimate_tokens(text)

    chunks = chunk_document(raw, paras, count=counting, target=400, hard_max=512)
    check_chunks(raw, paras, chunks, count=estimate_tokens, hard_max=512, overlap=1)
    assert read < 80 * len(word)  # 40,000 marks: 2.6 billion characters read before
    pieces = [c for c in chunks if c.start >= 9]
    assert len(pieces) < len(word) / 100  # a piece is as long as the budget allows, not one character
