"""How sure an answer is (``qa.evidence``): asked for an amount, a duration or a time, a passage that offers none
is less sure."""

from __future__ import annotations

import pytest

from qa import answers, evidence
from qa.retrieval import analyze
from qa.service import QAService


@pytest.mark.parametrize("question", [
    "Henry Kissinger qua đời ở tuổi bao nhiêu?",  # the passage says he died, not at what age
    "Bà Susan Thornton năm nay bao nhiêu tuổi?",
    "Bà Kim Yo Jong đưa ra lời cảnh báo vào ngày nào?",  # a time: the passage says she warned, not when
])
def test_a_passage_without_the_amount_asked_for_is_not_an_answer(seeds: QAService, question: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert seeds.ask(question).abstained
    monkeypatch.setattr(evidence, "TYPE_MISSING", 1.0)  # as sure as any passage on its subject
    assert not seeds.ask(question).abstained


@pytest.mark.parametrize("question", [
    "Cuộc gặp ở Rome kéo dài bao lâu?", "How many members does the global coalition against terrorism have?",
    "Đối thoại An ninh và Ngoại giao Mỹ-Trung được hai nhà lãnh đạo nhất trí khi nào?",
])
def test_a_passage_that_offers_it_is_answered(seeds: QAService, question: str) -> None:
    assert not seeds.ask(question).abstained


@pytest.mark.parametrize("question", [
    "Kissinger qua đời cách đây bao lâu?",  # "hồi tháng trước"
    "Vụ tấn công phòng hòa nhạc ở Moscow xảy ra khi nào?",  # "thứ Sáu tuần trước"
    "Trung Quốc đưa kế hoạch hòa bình lên Liên Hợp Quốc vào lúc nào?",  # "Tuần trước"
])
def test_a_time_said_relative_to_the_day_is_one(seeds: QAService, question: str) -> None:
    assert not seeds.ask(question).abstained


def test_the_turn_before_is_not_asked_its_kind_again(seeds: QAService) -> None:
    """"What did they discuss?" after "... điện đàm khi nào?" wants no time: only its own kind is checked."""
    answer = seeds.ask("What did they discuss?", history=["Vương Nghị và Blinken điện đàm khi nào?"])
    assert not answer.abstained and "Israel-Hamas" in answer.answer


def test_a_passage_that_offers_the_time_asked_ranks_above_one_on_its_subject_alone(
        seeds: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranked on half its evidence too: the passage saying that they met in Rome came first (and was refused at 0.07)
    above the one saying when (``qa.answers.SentencePicker``)."""
    question = "Ông Jake Sullivan gặp ông Dương Khiết Trì ở Rome vào ngày nào?"
    answer = seeds.ask(question)
    assert not answer.abstained and "14/3" in answer.passages[0].text
    # the passage that says they met but not when ranks on half its evidence; one that says when, on all of it
    snap = seeds.snapshot()
    met = next(row for row, chunk in enumerate(snap.chunks) if "Tại cuộc gặp ở Rome, ông Dương Khiết Trì" in chunk.text)
    when = next(row for row, chunk in enumerate(snap.chunks) if chunk.doc_id == answer.passages[0].doc_id
                and chunk.start == answer.passages[0].start)
    pick = answers.SentencePicker(snap, analyze(question))
    monkeypatch.setattr(answers, "TYPE_MISSING", 1.0)
    whole_met, whole_when = pick(met)[1], pick(when)[1]
    monkeypatch.setattr(answers, "TYPE_MISSING", 0.5)
    assert whole_met > 0 and pick(met)[1] == pytest.approx(0.5 * whole_met) and pick(when)[1] == pytest.approx(whole_when)
