"""Names a Vietnamese question writes the international way, read as the news writes them (``qa.foreign_names``)."""

from __future__ import annotations

import pytest

from qa.as_indexed import as_the_index_writes, earlier_as_the_index_writes
from qa.foreign_names import as_the_news_writes
from qa.service import QAService


@pytest.mark.parametrize(("typed", "read"), [
    ("Jake Sullivan gặp Yang Jiechi ở đâu?", "Jake Sullivan gặp Dương Khiết Trì ở đâu?"),
    ("yang jiechi gap ai o rome", "duong khiet tri gap ai o rome"),  # two lower-case words; unaccented, as typed
    ("Wang Yi và Blinken đồng ý điều gì?", "Vương Nghị và Blinken đồng ý điều gì?"),  # "Blinken": the news's too
    ("Rex Tillerson muốn Beijing làm gì?", "Rex Tillerson muốn Bắc Kinh làm gì?"),  # the rendering the index writes
    ("Ai gặp nhau ở Rome?", "Ai gặp nhau ở Rome?"),  # the news writes "Rome"
    ("Wang Yang nói gì?", "Wang Yang nói gì?"),  # "Uông Dương" is in no seed: nothing gained
    ("xi noi gi", "xi noi gi"),  # one lower-case word may be a syllable typed without accents
    ("Tao muốn biết Blinken nói gì", "Tao muốn biết Blinken nói gì"),  # a capitalised syllable typed bare: no name
    ("Jake Sullivan gặp Yang\u00a0Jiechi ở đâu?", "Jake Sullivan gặp Dương Khiết Trì ở đâu?"),  # any space between
    ("Who did Yang Jiechi meet in Rome?", "Who did Yang Jiechi meet in Rome?"),  # English: the glossary reads it all
])
def test_a_name_typed_the_international_way_is_read_as_the_index_writes_it(seeds: QAService, typed: str,
                                                                           read: str) -> None:
    assert as_the_news_writes(typed, seeds.snapshot()) == read


def test_a_question_with_a_pinyin_name_is_answered_as_the_sino_vietnamese_one(seeds: QAService) -> None:
    pinyin, written = seeds.ask("Jake Sullivan gặp Yang Jiechi ở đâu?"), seeds.ask("Jake Sullivan gặp Dương Khiết Trì ở đâu?")
    assert not pinyin.abstained and pinyin.confidence == written.confidence  # refused at 0.05, wrong article, before
    assert pinyin.passages[0].doc_id == written.passages[0].doc_id == "002_57590387f8aa0a75"
    assert pinyin.question == "Jake Sullivan gặp Yang Jiechi ở đâu?"


def test_a_follow_up_to_a_pinyin_name_is_read_with_the_name_as_written(seeds: QAService) -> None:
    pinyin = seeds.ask("Họ đã bàn những gì?", history=["Jake Sullivan gặp Yang Jiechi ở đâu?"])
    written = seeds.ask("Họ đã bàn những gì?", history=["Jake Sullivan gặp Dương Khiết Trì ở đâu?"])
    assert not pinyin.abstained and pinyin.confidence == written.confidence  # refused at 0.009 before


def test_earlier_turns_are_read_once_per_snapshot(seeds: QAService) -> None:
    snapshot = seeds.snapshot()
    turns = ["Jake Sullivan gặp Yang Jiechi ở đâu?", "bà Thorton nói gì?"]
    read = earlier_as_the_index_writes(turns, snapshot)
    assert read == [as_the_index_writes(turn, snapshot) for turn in turns]
    assert read[0] == "Jake Sullivan gặp Dương Khiết Trì ở đâu?" and read[1] == "bà Thornton nói gì?"
    assert snapshot.memo.get(("as indexed", turns[1])) == "bà Thornton nói gì?"  # the next request finds it
