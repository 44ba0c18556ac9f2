"""A name typed one letter wrong (``qa.typos``)."""

from __future__ import annotations

import pytest

from qa.service import QAService
from qa.typos import corrected


@pytest.mark.parametrize(("typed", "read"), [
    ("When did Kissenger last visit China?", "When did Kissinger last visit China?"),  # a letter changed
    ("what did sulivan warn about", "what did sullivan warn about"),  # left out; lower case as typed
    ("Tillersn wants China to do what?", "Tillerson wants China to do what?"),
    ("bà Thorton nói gì?", "bà Thornton nói gì?"),
    ("Who is BLINKIN?", "Who is BLINKEN?"),  # capitals as typed
    ("What is the population of Brazil?", "What is the population of Brazil?"),  # no word one edit from it
    ("Who met in Rome?", "Who met in Rome?"),  # written so
    ("cuoc gap o rome keo dai bao lau", "cuoc gap o rome keo dai bao lau"),  # syllables: typed without accents
    ("Who attended the meeting?", "Who attended the meeting?"),  # English words the glossary knows
])
def test_a_name_one_letter_wrong_is_read_as_the_index_writes_it(seeds: QAService, typed: str, read: str) -> None:
    assert corrected(typed, seeds.snapshot()) == read


def test_a_question_with_a_misspelled_name_is_answered_as_the_right_one(seeds: QAService) -> None:
    wrong, right = seeds.ask("bà Thorton nói Mỹ sẽ làm gì?"), seeds.ask("bà Thornton nói Mỹ sẽ làm gì?")
    assert wrong.confidence == right.confidence and wrong.passages[0].doc_id == right.passages[0].doc_id
    assert wrong.question == "bà Thorton nói Mỹ sẽ làm gì?"
