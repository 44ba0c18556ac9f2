"""Follow-up questions: which earlier turns a question is retrieved with (qa/conversation.py)."""

from __future__ import annotations

import pytest

from qa.conversation import contextualize, is_follow_up
from qa.text import fold


def retrieval_context(question: str, history: list[str]) -> str | None:
    """What contextualize adds to the question: None for a self-contained one (either API convention)."""
    out = contextualize(question, history)
    return None if out is None or out == question else out


def test_follow_up_english_uses_previous_turn() -> None:
    assert is_follow_up("How long did the meeting last?")
    ctx = retrieval_context("How long did the meeting last?", ["Who met in Rome?"])
    assert ctx is not None and "Who met in Rome?" in ctx


def test_follow_up_vietnamese_anaphora() -> None:
    question = "Bà ấy nói gì về vai trò của Trung Quốc?"
    assert is_follow_up(question)
    assert is_follow_up(fold(question))
    history = ["Susan Thornton giữ chức vụ gì?"]
    ctx = retrieval_context(question, history)
    assert ctx is not None and "Susan Thornton" in ctx


def test_follow_up_uses_the_last_nonempty_turn() -> None:
    ctx = retrieval_context("Họ nói gì?", ["Ai gặp nhau ở Rome?", "Vương Nghị gặp Blinken ở đâu?", "   "])
    assert ctx is not None and "Blinken" in ctx and "Rome" not in ctx


def test_a_follow_up_of_a_follow_up_keeps_the_topic() -> None:
    history = ["Cuộc gặp ở Rome kéo dài bao lâu?", "Ai dẫn đầu phái đoàn?"]
    ctx = retrieval_context("Họ đã thảo luận những gì?", history)
    assert ctx is not None and "Rome" in ctx and "dẫn đầu" in ctx
    # a turn that named a new topic ends the chain
    ctx = retrieval_context("Họ nói gì?", ["Cuộc gặp ở Rome kéo dài bao lâu?", "Vương Nghị gặp Blinken ở đâu?"])
    assert ctx is not None and "Blinken" in ctx and "Rome" not in ctx


def test_a_what_about_follow_up_that_names_something_new_starts_the_topic() -> None:
    """"Còn Triều Tiên thì sao?" follows the turn before it, but a question after it is about Triều Tiên,
    not about the Rome meeting the turns before were about."""
    history = ["Ông ấy gặp ai ở Rome?", "Cuộc gặp kéo dài bao lâu?", "Còn Triều Tiên thì sao?"]
    assert retrieval_context("Còn Triều Tiên thì sao?", history[:2]) is not None  # itself a follow-up
    assert retrieval_context("Khi nào họ họp?", history) == "Còn Triều Tiên thì sao?"
    for typed in ("con trieu tien thi sao", "what about north korea"):  # lower case, no diacritics
        assert retrieval_context("when will they meet", ["Who met in Rome?", typed]) == typed


@pytest.mark.parametrize(("question", "history"), [
    ("Bà ấy nói điều đó ở đâu?", ["Susan Thornton là ai?", "Bà ấy nói gì về vai trò của Trung Quốc?"]),
    ("How long did it last?", ["Who met in Rome?", "Did they discuss Taiwan?"]),
])
def test_a_follow_up_that_points_back_and_names_something_new_keeps_the_chain(question: str,
                                                                              history: list[str]) -> None:
    """"Did they discuss Taiwan?" names Taiwan, but "they" are the ones the turn before it asked about."""
    assert retrieval_context(question, history) == " ".join(history)


@pytest.mark.parametrize("question", [
    "What do Sullivan and Wang Yi discuss at the talks in Washington?",  # "do" is not a folded "đó"
    "Gia vang trong nuoc hom nay tang bao nhieu phan tram so voi tuan truoc",  # "hôm nay", not "này"
])
def test_ordinary_words_are_not_taken_for_folded_anaphora(question: str) -> None:
    assert not is_follow_up(question)


@pytest.mark.parametrize("question", [
    "Cuộc đàm phán Mỹ-Trung ở Anchorage diễn ra tại khách sạn nào?",
    "Những quan chức nào tham dự cuộc đối thoại an ninh Mỹ-Trung tại Washington?",
])
def test_self_contained_question_is_unchanged(question: str) -> None:
    assert not is_follow_up(question)
    assert retrieval_context(question, ["Who met in Rome?"]) is None


@pytest.mark.parametrize("history", [[], [""], ["   ", "\n"]])
def test_no_history_leaves_question_alone(history: list[str]) -> None:
    assert retrieval_context("How long did the meeting last?", history) is None


@pytest.mark.parametrize("turn", ["?!?", "😀", "ok", "OK!", "cảm ơn", "cam on", "ok thanks", "..."])
def test_chatter_is_no_follow_up_and_no_topic(turn: str) -> None:
    """No word, or only "ok": answered on its own (it abstains), never with the turn before; and a real
    follow-up after it still reaches the topic."""
    assert not is_follow_up(turn, "Susan Thornton là ai?")
    assert retrieval_context(turn, ["Susan Thornton là ai?"]) is None
    ctx = retrieval_context("Bà ấy nói gì về vai trò của Trung Quốc?", ["Susan Thornton là ai?", turn])
    assert ctx == "Susan Thornton là ai?"


@pytest.mark.parametrize(("question", "previous"), [
    ("Why?", "Who met in Rome?"), ("Ở đâu?", "Ai đã gặp nhau?"), ("Bao lâu?", "Ai đã gặp nhau tại Rome?"),
    ("Cuộc gặp kéo dài bao lâu?", "Ai đã gặp nhau tại Rome?"), ("How long did it last?", "Who met in Rome?"),
])
def test_short_questions_still_follow_up(question: str, previous: str) -> None:
    """Question words alone are stopwords, but they ask about the turn before."""
    assert retrieval_context(question, [previous]) == previous


def test_http_chatter_after_a_question_abstains_as_on_its_own(client) -> None:  # noqa: ANN001 - TestClient
    """/v1/ask with history takes the same path as `qa chat`: "?!?" after a question is not answered with it."""
    history = [{"role": "user", "content": "Susan Thornton là ai?"}]
    for turn in ("?!?", "😀", "ok"):
        alone = client.post("/v1/ask", json={"question": turn}).json()
        body = client.post("/v1/ask", json={"question": turn, "history": history}).json()
        assert body["abstained"] and body["confidence"] == alone["confidence"], body
    follow = client.post("/v1/ask", json={"question": "How long did it last?",
                                          "history": [{"role": "user", "content": "Who met in Rome?"},
                                                      {"role": "user", "content": "ok"}]}).json()
    assert not follow["abstained"] and follow["passages"][0]["doc_id"] == "002_57590387f8aa0a75"


@pytest.mark.parametrize("question", ["Rome?", "Ukraine?", "Sullivan?", "Mỹ?", "Blinken nói gì?"])
def test_a_question_that_begins_with_a_new_name_starts_a_topic(question: str) -> None:
    """A first word is capitalised anyway, but "Rome?" is a place and "Sullivan" no common word: asked after
    "Susan Thornton là ai?" they are about Rome and Sullivan, not about Thornton."""
    assert retrieval_context(question, ["Susan Thornton là ai?"]) is None


@pytest.mark.parametrize("question", ["Thảo luận gì?", "Kéo dài bao lâu?", "Why?", "Ở đâu?", "Thornton?"])
def test_a_first_word_that_is_a_common_word_or_said_before_still_follows(question: str) -> None:
    assert retrieval_context(question, ["Susan Thornton là ai?"]) == "Susan Thornton là ai?"


def test_a_name_is_said_before_only_as_a_whole_word() -> None:
    assert retrieval_context("Nga?", ["Họ gặp nhau ngày nào?"]) is None  # "ngày" does not say "Nga"
    assert retrieval_context("Mỹ?", ["Đối thoại Mỹ-Trung diễn ra ở đâu?"]) is not None  # said, in "Mỹ-Trung"
