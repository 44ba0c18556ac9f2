"""A Vietnamese question typed with only some of its accents (``qa.accents``)."""

from __future__ import annotations

import pytest

from qa.accents import as_if_unaccented, partly_accented
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
    assert as_if_unaccented("Ngoai truong My gặp ai?", seeds.snapshot()) == "Ngoai truong My gap ai?"
    for typed in ("Ngoai truong My gặp ai?", "cuoc gặp ở Rome kéo dai bao lâu"):
        partly, plain = seeds.ask(typed), seeds.ask(as_if_unaccented(typed, seeds.snapshot()))
        assert not partly.abstained and partly.confidence == plain.confidence > 0.9  # refused at 0.001 and 0.30 before
        assert partly.passages[0].doc_id == plain.passages[0].doc_id and partly.question == typed
