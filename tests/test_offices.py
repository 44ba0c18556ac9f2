"""A person asked for by office ("Vị tướng nào …?", "Ngoại trưởng Mỹ nào …?", "Which defense secretary …?") is the
name that office heads in the text, before any other name (``qa.offices``)."""

from __future__ import annotations

import pytest

from qa.answer_type import OFFICE_OFFER, offer_strength
from qa.offices import article_offices, asked_offices, same_office
from qa.service import QAService


@pytest.mark.parametrize("question, offices", [
    ("Vị tướng nào dự cuộc họp?", {"tuong"}),
    ("Ngoại trưởng Mỹ nào đến Bắc Kinh?", {"ngoai truong"}),
    ("Bộ trưởng Ngoại giao nào đến Bắc Kinh?", {"ngoai truong"}),  # the same office, in other words
    ("Ai là phát ngôn viên Bộ Ngoại giao?", {"phat ngon"}), ("Ai là người phát ngôn?", {"phat ngon"}),
    ("ngoai truong my nao den bac kinh", {"ngoai truong"}),
    # typed without accents, "tuong" is also "tưởng" (a thought), "thi truong" "thị trường" (a market)
    ("vi tuong nao du hop", set()), ("thi truong nao tang truong", set()),
    ("Ai là Đại sứ Trung Quốc tại Mỹ?", {"dai su"}), ("Đại sứ quán nào bị tấn công?", set()),  # an embassy
    # whose words it cites is not whom it asks for
    ("Theo phát ngôn viên Bộ Ngoại giao, đó là trách nhiệm của ai?", set()),
    ("Who met in Rome?", set()),
])
def test_the_offices_a_question_asks_for(question: str, offices: set[str]) -> None:
    assert asked_offices(question) == offices


@pytest.mark.parametrize("sentence, question, strength", [
    # the name the office asked heads, a few words on, outweighs any other name
    ("Ông gặp Tham mưu trưởng Quân đội Trung Quốc, tướng Phòng Phong Huy.", "Vị tướng nào dự họp?", OFFICE_OFFER),
    ("Tổng thống Mỹ Donald Trump và Chủ tịch Tập Cận Bình nhất trí.", "Vị tướng nào dự họp?", 1.0),
    ("Ngoại trưởng Mỹ Rex Tillerson nói rõ điều đó.", "ngoai truong my nao du hop", OFFICE_OFFER),
    ("Cả ông Vương Nghị và Ngoại trưởng Mỹ Antony Blinken đều nhắc đến cuộc gặp.", "Ngoại trưởng Mỹ nào gặp Vương Nghị?",
     OFFICE_OFFER),
    # a minister of defence is a minister; an embassy's spokesman is no ambassador; a name the question gives is asked
    ("Bộ trưởng Quốc phòng Mỹ Jim Mattis cũng dự.", "Bộ trưởng nào dự họp?", OFFICE_OFFER),
    ("Phát ngôn viên Đại sứ quán Trung Quốc tại Washington Liu Pengyu khẳng định điều đó.",
     "Ai là Đại sứ Trung Quốc tại Mỹ?", 1.0),
    ("Ngoại trưởng Blinken gặp ông Vương Nghị.", "Ngoại trưởng Blinken gặp ai?", 1.0),
    # the office and the name in different phrases
    ("Cố vấn an ninh Sullivan gặp các quan chức Trung Quốc Dương Khiết Trì.", "Cố vấn an ninh nào gặp Sullivan?", 1.0),
])
def test_the_name_an_office_heads_is_offered_first(sentence: str, question: str, strength: float) -> None:
    assert offer_strength(sentence, "person", question) == strength


@pytest.mark.parametrize("question, name", [
    ("Vị tướng nào của Trung Quốc dự cuộc đối thoại an ninh với Mỹ năm 2017?", "Phòng Phong Huy"),
    ("ngoai truong my nao du doi thoai an ninh voi trung quoc nam 2017", "Rex Tillerson"),
])
def test_answered_with_the_sentence_where_the_office_heads_the_name(seeds: QAService, question: str,
                                                                     name: str) -> None:
    """Seed 001: the sentence on the leaders who agreed to the dialogue says more of the question ("Đối thoại An
    ninh", "2017") and names two people; the one listing who attends names the general and the Secretary of State."""
    answer = seeds.ask(question, k=3)
    assert not answer.abstained and name in answer.answer


def test_a_plain_minister_asked_is_any_minister_the_foreign_minister_too() -> None:
    assert same_office("bo truong quoc phong", frozenset({"bo truong"}))
    assert same_office("ngoai truong", frozenset({"bo truong"}))  # "bộ trưởng ngoại giao" read as "ngoại trưởng"
    assert not same_office("bo truong", frozenset({"ngoai truong"}))  # any minister is not the foreign minister
    assert not same_office("thu tuong", frozenset({"bo truong"}))


def test_the_offices_an_article_names(seeds: QAService) -> None:
    snapshot = seeds.snapshot()
    rows = {snapshot.chunks.doc_id(r): r for r in range(len(snapshot.chunks))}
    assert {"tuong", "ngoai truong"} <= article_offices(snapshot, rows["001_789a47a7f02fc303"])
    assert "thu tuong" not in article_offices(snapshot, rows["004_70f335d4d42403a9"])


@pytest.mark.parametrize("question", [
    "Ai là Thủ tướng Nhật Bản vào thời điểm diễn ra cuộc gặp ba bên về Triều Tiên?",
    "who was Japan's prime minister at the time of the trilateral talks in Washington?",
    "Who was China's ambassador to the United States at the time of the Rome talks?",
])
def test_a_person_asked_by_an_office_the_article_never_names_abstains(seeds: QAService, question: str) -> None:
    """No article on the trilateral talks names a prime minister, none on the Rome talks an ambassador (answered at
    0.56-0.69 before: any name would do)."""
    assert seeds.ask(question).abstained


def test_a_person_asked_by_an_office_the_article_names_is_answered(seeds: QAService) -> None:
    answer = seeds.ask("According to Reuters, which Chinese minister was Sullivan expected to meet in Rome?")
    assert not answer.abstained and answer.passages[0].doc_id == "002_57590387f8aa0a75"
    assert "Vương Nghị" in answer.passages[0].highlight.text

