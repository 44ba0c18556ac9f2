"""People in answers: asked what a named person is, the office next to the name (``qa.titles``); asked who, a
sentence that begins "Ông ..." shown from the sentence before, which names him (``SentencePicker``)."""

from __future__ import annotations

import pytest

from service_support import corpus_service
from qa.service import QAService

def test_who_answered_by_a_sentence_beginning_he_shows_the_sentence_that_says_who(seeds: QAService) -> None:
    """Seed 001: "Ngoại trưởng Mỹ Rex Tillerson nói rằng, ... Ông cũng nói rõ Mỹ muốn Trung Quốc hỗ trợ hơn nữa để
    gây sức ép với Triều Tiên": asked who, the answer names him; asked what, it is the one sentence."""
    who = seeds.ask("ai noi my muon trung quoc ho tro them de ep trieu tien").passages[0]
    assert who.highlight.text.startswith("Ngoại trưởng Mỹ Rex Tillerson nói rằng")
    assert who.highlight.text.endswith("gây sức ép với Triều Tiên./.")
    assert seeds.snapshot().raws[who.doc_id][who.highlight.start : who.highlight.end] == who.highlight.text
    what = seeds.ask("Mỹ muốn Trung Quốc hỗ trợ để làm gì với Triều Tiên?").passages[0]
    assert what.highlight.text.startswith("Ông cũng nói rõ"), what.highlight.text


def test_the_sentence_before_is_shown_only_from_the_same_paragraph(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A caption credit or a subheading before "Bà cũng ..." says nobody: the answer stays the one sentence."""
    said = "Bà cũng kêu gọi các nước giàu giảm phát thải nhanh hơn nữa trong thập kỷ tới."
    docs = {"a.txt": "Hội nghị khí hậu\n\nThủ tướng Canada Justin Trudeau phát biểu tại hội nghị. Ảnh: Reuters\n\n"
                     f"{said}\n",
            "b.txt": f"Kết quả bầu cử\n\nKết quả chính thức\n\n{said.replace('Bà', 'Ông')}\n"}
    service = corpus_service(tmp_path_factory, "antecedent", docs)
    for passage in service.ask("Ai kêu gọi các nước giàu giảm phát thải nhanh hơn nữa?", k=2).passages:
        assert passage.highlight.text.endswith("trong thập kỷ tới.") and passage.highlight.text[:3] in ("Bà ", "Ông")


def test_he_is_also_anh_ay(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"Anh ấy" (of a younger man, an athlete) begins an answer as "Ông" does: the sentence before says who (XQuAD's
    "Ai là thủ quân lớn tuổi nhất ...?" was answered "Anh ấy cũng là thủ quân lớn tuổi nhất ...")."""
    docs = {"a.txt": "Super Bowl 50\n\nNăm 2016, Peyton Manning trở thành thủ quân đầu tiên dẫn dắt hai đội đến Super Bowl. "
                     "Anh ấy cũng là thủ quân lớn tuổi nhất từng chơi trong trận Super Bowl ở tuổi 39.\n"}
    service = corpus_service(tmp_path_factory, "anh-ay", docs)
    answer = service.ask("Ai là thủ quân lớn tuổi nhất từng chơi trong trận Super Bowl?")
    assert answer.answer.startswith("Năm 2016, Peyton Manning") and answer.answer.endswith("ở tuổi 39."), answer.answer


@pytest.mark.parametrize(("question", "office"), [
    ("Jake Sullivan giữ chức vụ gì?", "Cố vấn"), ("vuong nghi giu chuc vu gi", "Bộ trưởng Ngoại giao Trung Quốc"),
    ("Vương Nghị là ai?", "Bộ trưởng Ngoại giao Trung Quốc"), ("Who is Wang Yi?", "Bộ trưởng Ngoại giao Trung Quốc"),
    ("Susan Thornton giữ chức vụ gì?", "Quyền Trợ lý ngoại trưởng"),
    # "những" / "các" before the office, and "Ông" before the name: every sentence with "ông Dương Khiết Trì"
    # matched it, and "Tại cuộc gặp ở Rome, ông Dương Khiết Trì khẳng định ..." answered
    ("Ông Dương Khiết Trì giữ những chức vụ gì?", "Ủy viên"), ("Bà Susan Thornton giữ các chức vụ nào?", "Quyền Trợ lý"),
])
def test_asked_what_someone_is_the_answer_gives_the_office_next_to_the_name(seeds: QAService, question: str,
                                                                            office: str) -> None:
    """"giữ chức vụ gì" outweighed the name in the question's terms (Jake Sullivan's refused at 0.05, Vương Nghị's
    answered from a sentence on Kissinger); every sentence naming the person covers the rest."""
    answer = seeds.ask(question)
    assert not answer.abstained and office.lower() in answer.answer.lower(), (answer.confidence, answer.answer)


def test_a_follow_up_asking_his_office_is_answered_from_the_conversation(seeds: QAService) -> None:
    answer = seeds.ask("Ông ấy giữ chức vụ gì?", history=["Ai dẫn đầu phái đoàn Trung Quốc trong cuộc gặp ở Rome?"])
    assert "Ủy viên Bộ Chính trị" in answer.answer and "Dương Khiết Trì" in answer.answer
