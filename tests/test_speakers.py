"""Whose words a question asks for, and whether a sentence gives them (``qa.speakers``)."""

from __future__ import annotations

import pytest

from qa.service import QAService
from qa.speakers import asked_speaker, says


@pytest.mark.parametrize(("question", "speaker"), [
    ("What did Shigeru Kitamura say about the planned trilateral meeting?", ("kitamura", "shigeru kitamura")),
    ("What did Defense Secretary Jim Mattis say about North Korea?",
     ("defense secretary jim mattis", "jim mattis", "mattis", "secretary jim mattis")),
    ("Vương Nghị nói gì về di sản ngoại giao của Kissinger?", ("vuong nghi",)),
    # the name's last words, not the office or the place before it; a Western name also by its last word
    ("Ngoại trưởng Trung Quốc Vương Nghị nói gì về Kissinger?", ("quoc vuong nghi", "trung quoc vuong nghi", "vuong nghi")),
    ("Thủ tướng Nhật Bản Kishida nói gì?", ("ban kishida", "kishida", "nhat ban kishida")),
    ("What did Kim Jong-un say about the talks?", ("jong un", "kim jong un")),  # as a sentence's words are read
    ("What has Wang Yi said about Gaza?", ("vuong nghi", "wang yi", "yi")),  # in the glossary's Vietnamese too
    ("Ai nói gì về Kissinger?", ()), ("Ông nói gì?", ()),  # who is asked; a pronoun
    ("Ông Jake Sullivan đã đáp lại ra sao khi Dương Khiết Trì phản đối?", ("jake sullivan", "sullivan")),
    ("canh sang noi gi ve trieu tien", ("canh sang",)),  # a Vietnamese name typed without accents: whole
    ("lloyd austin noi gi khi tham han quoc", ("austin", "lloyd austin")),  # a Western one also by its last word
    # no one named: a pronoun (the conversation says who), a side, words said of something, another question
    ("ong ta noi gi ve tin nga", ()), ("Ông ấy nói gì?", ()), ("What did he say?", ()),
    ("kế hoạch hòa bình của TQ về Gaza bị nhận xét thế nào", ()),
    ("What does the US State Department want Pyongyang to give up?", ()), ("Who met in Rome?", ()),
])
def test_whose_words_are_asked(question: str, speaker: tuple[str, ...]) -> None:
    assert asked_speaker(question) == speaker


KITAMURA = ("Cố vấn An ninh Quốc gia Hoa Kỳ Jake Sullivan dự kiến sẽ có một phiên họp ba bên với những người đồng cấp "
            "Shigeru Kitamura của Nhật Bản và Suh Hoon của Hàn Quốc, cũng như các cam kết song phương với mỗi nước, một "
            "quan chức cấp cao của Mỹ cho biết.")


@pytest.mark.parametrize(("sentences", "at", "speaker", "said"), [
    ([KITAMURA], 0, ("kitamura",), False),  # named, but someone else says it
    (["“Việc hợp tác đối phó với chủ nghĩa khủng bố là trách nhiệm của cả hai bên”, ông Cảng Sảng tuyên bố."], 0,
     ("cang sang",), True),
    (["Vương Nghị cũng tri ân cựu Ngoại trưởng Mỹ Henry Kissinger, người qua đời hồi tháng trước."], 0, ("blinken",),
     False),
    (["Theo Đại sứ Mỹ Haley, hai nước đang tìm kiếm một nghị quyết mới."], 0, ("haley",), True),
    (["Bà Susan Thornton, Quyền Trợ lý ngoại trưởng Mỹ thuộc Cục các vấn đề Đông Á và Thái Bình Dương cho biết, Trung "
      "Quốc có vai trò hạn chế."], 0, ("thornton",), True),  # a title set off by commas between
    (["Ngoại trưởng Mỹ Rex Tillerson nói rằng, vấn đề Triều Tiên sẽ được ưu tiên.",
      "Ông cũng nói rõ Mỹ muốn Trung Quốc hỗ trợ hơn nữa."], 1, ("tillerson",), True),  # "Ông" after his name
    (["Ông Sullivan gặp ông Dương Khiết Trì.", "Ông cũng nói rõ Mỹ muốn Trung Quốc hỗ trợ hơn nữa."], 1,
     ("tillerson",), False),
    (['"Trung Quốc quan ngại sâu sắc trước tình hình hiện nay ở Ukraine.', 'Liu Pengyu nói với phóng viên.'], 0,
     ("liu pengyu",), True),  # a quotation whose speaker the next sentence names
    # words that fold to a verb of saying ("Hà Nội", "Việt Nam"), someone else after "Ông", a name in quotation marks
    (["Shigeru Kitamura sẽ đến Hà Nội vào tuần tới."], 0, ("kitamura",), False),
    (["Shigeru Kitamura thăm Việt Nam."], 0, ("kitamura",), False),
    (["Ngoại trưởng Mỹ Rex Tillerson đến Bắc Kinh.", "Ông Vương Nghị nói rằng hai nước cần hợp tác."], 1,
     ("tillerson",), False),
    (['Shigeru Kitamura tham dự cuộc họp nhóm "Bộ Tứ" tại Tokyo.'], 0, ("kitamura",), False),
    (["Kim Jong-un cho biết ông sẽ thử tên lửa."], 0, ("jong un", "kim jong un"), True),
])
def test_whether_a_sentence_gives_their_words(sentences: list[str], at: int, speaker: tuple[str, ...],
                                              said: bool) -> None:
    assert says(sentences, at, speaker) is said


@pytest.mark.parametrize("question", [
    "What did Blinken say in tribute to Henry Kissinger?",  # Wang Yi paid tribute
    "What did Shigeru Kitamura say about the planned trilateral meeting?",  # he is only named
    "lloyd austin noi gi khi tham han quoc",
])
def test_someone_else_s_words_are_no_answer(seeds: QAService, question: str) -> None:
    assert seeds.ask(question).abstained


@pytest.mark.parametrize(("question", "said"), [
    ("Vương Nghị nói gì về di sản ngoại giao của Kissinger?", "theo lời Vương Nghị"),
    ("canh sang noi gi ve hop tac chong khung bo", "Cảnh Sảng cũng nhấn mạnh"),
    ("What did Tillerson say would be the priority at the meeting?", "ưu tiên"),
])
def test_their_own_words_are_answered(seeds: QAService, question: str, said: str) -> None:
    answer = seeds.ask(question)
    assert not answer.abstained and said in answer.passages[0].highlight.text
