"""What people say around a question to a chatbot is no part of it (``qa.courtesy``)."""

from __future__ import annotations

import pytest

from qa.courtesy import as_asked, without_courtesy
from qa.service import QAService


@pytest.mark.parametrize(("said", "asked"), [
    ("Ai gặp nhau ở Rome vậy ạ?", "Ai gặp nhau ở Rome?"),
    ("Bạn ơi, cho mình hỏi cuộc họp ở Rome kéo dài bao lâu?", "cuộc họp ở Rome kéo dài bao lâu?"),
    ("Dạ, cho em hỏi ai gặp nhau ở Rome ạ", "ai gặp nhau ở Rome"),
    ("Mình muốn biết là ai đã gặp nhau ở Rome nhé", "ai đã gặp nhau ở Rome"),
    ("Họ có gặp nhau ở Rome không ạ?", "Họ có gặp nhau ở Rome không?"),  # the yes-or-no "không" stays
    ("cho minh hoi cuoc hop o rome keo dai bao lau vay a", "cuoc hop o rome keo dai bao lau"),
    ("em oi ai gap nhau o rome the nhi", "ai gap nhau o rome"),
    ("Can you tell me who met in Rome, please?", "who met in Rome?"),
    ("Hi! Who met in Rome? Thanks", "Who met in Rome?"),
    ("I would like to know how long the Rome meeting lasted.", "how long the Rome meeting lasted."),
])
def test_the_courtesy_around_a_question_is_taken_off(said: str, asked: str) -> None:
    assert without_courtesy(said) == asked


@pytest.mark.parametrize("question", [
    "ai la nguoi giau nhat chau a",  # "châu Á" without diacritics, no particle
    "ai xay nha", "vang tang gia bao nhieu", "da co bao nhieu nguoi",  # "nhà", "vàng", "đã"
    "Ai xây nhà?", "Châu Á?", "Bạn bè của ông Tillerson là ai?", "Who met in Rome?",
    "Tell me", "Cho mình hỏi",  # nothing else would be left
])
def test_words_of_the_question_stay(question: str) -> None:
    assert without_courtesy(question) == question


def test_wrapping_and_courtesy_go_together() -> None:
    assert as_asked("“Bạn ơi, ai gặp nhau ở Rome vậy ạ?”") == "ai gặp nhau ở Rome?"


@pytest.mark.parametrize(("said", "plain"), [
    ("Ai gặp nhau ở Rome vậy ạ?", "Ai gặp nhau ở Rome?"),  # refused at 0.27 for "ạ", which no passage has
    ("Bạn ơi, cho mình hỏi cuộc họp ở Rome kéo dài bao lâu?", "Cuộc họp ở Rome kéo dài bao lâu?"),
    ("Could you tell me how long the Rome meeting lasted, please?", "How long did the Rome meeting last?"),
])
def test_a_polite_question_is_answered_as_the_plain_one(seeds: QAService, said: str, plain: str) -> None:
    polite, bare = seeds.ask(said), seeds.ask(plain)
    assert not polite.abstained and polite.passages[0].start == bare.passages[0].start
    assert polite.passages[0].doc_id == bare.passages[0].doc_id and polite.confidence >= 0.9
    assert polite.question == said  # the answer keeps the question as asked


def test_a_polite_follow_up_follows(seeds: QAService) -> None:
    answer = seeds.ask("Cho mình hỏi họ gặp nhau bao lâu vậy ạ?", history=["Bạn ơi, ai gặp nhau ở Rome vậy?"])
    assert not answer.abstained and "7 tiếng" in answer.answer
