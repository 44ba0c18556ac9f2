"""A name typed one letter wrong (``qa.typos``)."""

from __future__ import annotations

import pytest

from service_support import lexical_service

from qa.service import QAService
from qa.typos import corrected


@pytest.mark.parametrize(("typed", "read"), [
    ("When did Kissenger last visit China?", "When did Kissinger last visit China?"),  # a letter changed
    ("what did sulivan warn about", "what did sullivan warn about"),  # left out; lower case as typed
    ("Tillersn wants China to do what?", "Tillerson wants China to do what?"),
    ("bà Thorton nói gì?", "bà Thornton nói gì?"),
    ("Who is BLINKIN?", "Who is BLINKEN?"),  # capitals as typed
    ("What is the population of Brazil?", "What is the population of Brazil?"),  # no word one edit from it
    ("Did Blinken meet Kissinger?", "Did Blinken meet Kissinger?"),  # written so
    ("What did Sudan say?", "What did Sudan say?"),  # five letters: "Sudan", "Busan" are one edit from "Susan"
    ("Mỹ cấm túi nilon?", "Mỹ cấm túi nilon?"),  # a Vietnamese word the seeds lack ("nixon" is one edit away)
    ("cuoc gap o rome keo dai bao lau", "cuoc gap o rome keo dai bao lau"),  # syllables: typed without accents
    ("Where is the marina?", "Where is the marina?"),  # an English word the glossary knows ("maria" is one edit)
])
def test_a_name_one_letter_wrong_is_read_as_the_index_writes_it(seeds: QAService, typed: str, read: str) -> None:
    assert corrected(typed, seeds.snapshot()) == read


def test_a_question_with_a_misspelled_name_is_answered_as_the_right_one(seeds: QAService) -> None:
    wrong, right = seeds.ask("bà Thorton nói Mỹ sẽ làm gì?"), seeds.ask("bà Thornton nói Mỹ sẽ làm gì?")
    assert wrong.confidence == right.confidence and wrong.passages[0].doc_id == right.passages[0].doc_id
    assert wrong.question == "bà Thorton nói Mỹ sẽ làm gì?"


def test_a_follow_up_to_a_misspelled_name_is_read_with_it_corrected(seeds: QAService) -> None:
    history = ["bà Thorton nói gì?"]
    follow, spelled = seeds.ask("Bà ấy muốn Trung Quốc làm gì?", history=history), seeds.ask(
        "Bà ấy muốn Trung Quốc làm gì?", history=["bà Thornton nói gì?"])
    assert not follow.abstained and follow.confidence == spelled.confidence  # 0.03 before: the earlier turn as typed


def test_a_place_the_index_lacks_is_no_typo_of_a_name_it_has(tmp_path) -> None:  # noqa: ANN001 - pytest's tmp_path
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Ông John Bolton cho biết kinh tế đang phục hồi.\n", encoding="utf-8")
    snapshot = lexical_service(docs, tmp_path / "data").snapshot()
    assert corrected("What did Bolten say?", snapshot) == "What did Bolton say?"
    assert corrected("What happened in Boston?", snapshot) == "What happened in Boston?"  # one edit from "Bolton"
