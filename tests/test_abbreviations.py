"""Abbreviations people type for names the news writes out (``qa.abbreviations``)."""

from __future__ import annotations

import pytest

from qa.abbreviations import spelled_out
from qa.service import QAService


@pytest.mark.parametrize(("typed", "read"), [
    ("Ngoại trưởng TQ gặp ai?", "Ngoại trưởng Trung Quốc gặp ai?"),
    ("ngoai truong tq gap ai", "ngoai truong trung quoc gap ai"),  # without diacritics, the name too
    ("BNG Mỹ nói gì về TQ?", "Bộ Ngoại giao Mỹ nói gì về Trung Quốc?"),
    ("Cố vấn an ninh QG Mỹ là ai?", "Cố vấn an ninh quốc gia Mỹ là ai?"),
    ("Nghị quyết mới của HĐBA LHQ nhằm gì?", "Nghị quyết mới của HĐBA LHQ nhằm gì?"),  # the seeds write these so
    ("Giá cổ phiếu TQA hôm nay?", "Giá cổ phiếu TQA hôm nay?"),  # part of another word
    ("Who is TQ's foreign minister?", "Who is TQ's foreign minister?"),  # another language: the glossary's
])
def test_an_abbreviation_the_index_never_writes_is_read_as_its_name(seeds: QAService, typed: str, read: str) -> None:
    assert spelled_out(typed, seeds.snapshot()) == read


def test_a_question_with_an_abbreviation_is_answered_as_the_written_out_one(seeds: QAService) -> None:
    short, full = seeds.ask("Ngoại trưởng TQ gặp ai?"), seeds.ask("Ngoại trưởng Trung Quốc gặp ai?")
    assert not short.abstained and short.confidence == full.confidence  # refused at 0.14 before
    assert short.answer == full.answer and short.question == "Ngoại trưởng TQ gặp ai?"
