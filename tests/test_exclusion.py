"""A question that sets something aside ("Apart from Ukraine, …") is answered with what else, not with it again."""

from __future__ import annotations

import pytest

from qa.exclusion import adds, main_clause
from qa.service import QAService


@pytest.mark.parametrize(("question", "rest"), [
    ("Apart from Ukraine, which other issues did the two sides discuss in Rome?",
     "which other issues did the two sides discuss in Rome?"),
    ("Besides military aid, what did Moscow ask Beijing for?", "what did Moscow ask Beijing for?"),
    ("Ngoài Ukraine, hai bên còn bàn về tình hình ở đâu?", "hai bên còn bàn về tình hình ở đâu?"),
    ("ngoai ukraine thi hai ben con ban ve van de gi o rome", "hai ben con ban ve van de gi o rome"),
    ("Bên cạnh chống khủng bố, bà Thornton muốn bàn gì?", "bà Thornton muốn bàn gì?"),
    ("What else did they discuss in Rome, apart from Ukraine?", "What else did they discuss in Rome"),
    ("Ngoại trừ Ukraine, hai bên bàn gì?", "hai bên bàn gì?"),
])
def test_the_clause_setting_something_aside_is_left_out(question: str, rest: str) -> None:
    assert main_clause(question) == rest


@pytest.mark.parametrize("question", [
    "Ngoài ra, hai bên còn thảo luận gì?",  # "in addition": nothing set aside
    "ngoai truong my gap vuong nghi la ai",  # "ngoại trưởng" typed without accents
    "ngoai truong blinken thi noi gi",  # the same, though "thì" follows: "ngoai truong" is a compound
    "Ngoài trời, ai đứng phát biểu?",  # "ngoài trời" (outdoors)
    "Ngoại trưởng Mỹ là ai?",
    "Which countries other than Japan did they visit?",  # without a comma, where the clause ends is not told
    "What did Wang Yi say?",
])
def test_no_clause_sets_anything_aside(question: str) -> None:
    assert main_clause(question) is None


def test_a_sentence_adding_something_says_so_most_plainly_when_it_opens_so() -> None:
    assert adds("Bên cạnh đó, hai bên cũng thảo luận về tình hình Triều Tiên, Đài Loan.") == 1.0
    assert adds("Ngoài ra, Mỹ muốn Trung Quốc hỗ trợ.") == 1.0
    assert adds("Moskva còn đề nghị Trung Quốc hỗ trợ kinh tế bổ sung.") == 0.5
    assert adds("Khủng hoảng Ukraine được cho là chủ đề thảo luận chính.") == 0.0


@pytest.mark.parametrize("question", [
    "Apart from Ukraine, which other issues did the two sides discuss in Rome?",
    "Besides the Ukraine crisis, which other issues did the two sides discuss in Rome?",
    "Ngoài Ukraine, hai bên còn bàn về tình hình ở đâu trong cuộc gặp tại Rome?",
])
def test_what_else_was_discussed_is_the_answer_not_the_topic_set_aside(seeds: QAService, question: str) -> None:
    answer = seeds.ask(question)
    assert not answer.abstained and "Triều Tiên, Đài Loan" in answer.answer
