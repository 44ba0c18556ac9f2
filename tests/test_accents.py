"""A Vietnamese question typed with only some of its accents (``qa.accents``)."""

from __future__ import annotations

import pytest

from qa.accents import as_the_index_accents, partly_accented, respelled
from qa.text import other_spellings, other_tone_placement
from qa.service import QAService


@pytest.mark.parametrize(("typed", "partly"), [
    ("Ngoai truong My gặp ai?", True),  # "truong", "My": written only as "trưởng", "Mỹ"
    ("cuoc gặp ở Rome kéo dai bao lâu", True),
    ("Ngoại trưởng Mỹ gặp ai?", False),
    ("Cố vấn an ninh quốc gia Mỹ là ai?", False),  # "an ninh" is written so
    ("Cuộc gặp tại Anchorage diễn ra ở bang nào của Mỹ?", False),  # "bang" (state) is a word without accents
    ("Rex Tillerson gặp Blinken ở Gaza không?", False),  # names as the text writes them, or not at all
    ("ngoai truong my gap ai", False),  # no accents at all: read so already
    ("Who is Ngoại trưởng Mỹ meeting?", False),  # English
])
def test_a_question_with_words_typed_without_their_accents_is_told(seeds: QAService, typed: str, partly: bool) -> None:
    assert partly_accented(typed, seeds.snapshot()) is partly


def test_a_partly_accented_question_is_answered_as_the_unaccented_one(seeds: QAService) -> None:
    assert as_the_index_accents("Ngoai truong My gặp ai?", seeds.snapshot()) == "Ngoai truong My gap ai?"
    for typed in ("Ngoai truong My gặp ai?", "cuoc gặp ở Rome kéo dai bao lâu"):
        partly, plain = seeds.ask(typed), seeds.ask(as_the_index_accents(typed, seeds.snapshot()))
        assert not partly.abstained and partly.confidence == plain.confidence > 0.9  # refused at 0.001 and 0.30 before
        assert partly.passages[0].doc_id == plain.passages[0].doc_id and partly.question == typed


@pytest.mark.parametrize(("word", "other"), [
    ("hòa", "hoà"), ("hoà", "hòa"), ("thủy", "thuỷ"), ("khoẻ", "khỏe"), ("Uỷ", "Ủy"), ("HÒA", "HOÀ"),
    ("hoàng", None), ("quý", None), ("hoa", None), ("thuyết", None), ("ngoại", None),  # one place only
])
def test_the_tone_of_a_final_oa_oe_uy_goes_on_either_vowel(word: str, other: str | None) -> None:
    assert other_tone_placement(word) == other


@pytest.mark.parametrize(("word", "others"), [
    ("Mĩ", ["Mỹ"]), ("kỹ", ["kĩ"]), ("lí", ["lý"]), ("hòa", ["hoà"]), ("hy", []),  # "hy" bare: also "my" (Mỹ)
    ("thi", []), ("Mỹ-Trung", []), ("ai", []),  # two consonants, a hyphenated word, no consonant
])
def test_other_spellings_of_a_word(word: str, others: list[str]) -> None:
    assert other_spellings(word) == others


def test_a_tone_placed_the_other_way_than_the_index_is_placed_as_it_is(seeds: QAService) -> None:
    snapshot = seeds.snapshot()
    assert respelled("Uỷ viên Bộ Chính trị gặp ai? Kế hoạch hoà bình?", snapshot) == (
        "Ủy viên Bộ Chính trị gặp ai? Kế hoạch hòa bình?")  # the seeds write "Ủy viên", "hòa bình"
    assert respelled("Ủy viên gặp ai?", snapshot) == "Ủy viên gặp ai?"
    assert respelled("Quan chức Mĩ nào gặp ai?", snapshot) == "Quan chức Mỹ nào gặp ai?"
    assert respelled("quan chuc my nao gap ai", snapshot) == "quan chuc my nao gap ai"  # unaccented: "my" is "Mỹ"
    assert as_the_index_accents("kế hoạch hoà bình gồm mấy điểm", snapshot) == "kế hoạch hòa bình gồm mấy điểm"


def test_a_question_typed_with_the_other_tone_placement_is_answered_as_the_index_writes_it(seeds: QAService) -> None:
    other, written = seeds.ask("Ông Dương Khiết Trì là Uỷ viên gì?"), seeds.ask("Ông Dương Khiết Trì là Ủy viên gì?")
    assert other.confidence == written.confidence > 0.9  # 0.64 before, "Uỷ" matched through the folded field only
    assert other.passages[0].doc_id == written.passages[0].doc_id and other.question.endswith("Uỷ viên gì?")
