"""What a question asks more precisely than its kind (``qa.precise``), and the stricter readings of an amount, a
length and a time around it (``qa.answer_type``, ``qa.evidence``): each case a sentence that says it or only seems to."""

from __future__ import annotations

import pytest

from qa.answer_type import answer_type
from qa.evidence import offers_counted
from qa.precise import Precise, precise_ask


@pytest.mark.parametrize(("question", "ask"), [
    ("Đây là phiên họp thứ mấy?", Precise(order="ordinal")),
    ("Họ gặp nhau vào thứ mấy?", Precise(order="weekday")),
    ("What day of the week did they meet?", Precise(order="weekday")),
    ("Khi nào hãng thử máy bay mới?", Precise()),  # "thử máy" is no "thứ mấy" with its accents
    ("Họ gặp nhau ngày nào?", Precise(day=True)), ("On what exact date did they meet?", Precise(day=True)),
    ("When is the date of the next election?", Precise()),  # "the date" alone asks no day
    ("Cuộc họp bắt đầu lúc mấy giờ?", Precise(clock=True)), ("At what time did it start?", Precise(clock=True)),
    ("Cây cầu bao nhiêu tuổi?", Precise(age=True)), ("How old is the bridge?", Precise(age=True)),
    ("How large is the trade deficit?", Precise(size=True)),
    ("How big a role did China play?", Precise()), ("How deep is the cooperation?", Precise()),  # found in review
    # a distance ("bao xa", "how far"), not how far along something is
    ("Tên lửa bay được bao xa?", Precise(size=True)), ("ten lua bay duoc bao xa", Precise(size=True)),
    ("How far did the missile fly?", Precise(size=True)), ("How far along is the policy review?", Precise()),
    ("Kissinger thăm Trung Quốc năm nào?", Precise(year=True)), ("ong sinh nam may", Precise(year=True)),
    ("In what year was the treaty signed?", Precise(year=True)), ("Ngày nào năm nào?", Precise(day=True)),
])
def test_what_a_question_asks_precisely(question: str, ask: Precise) -> None:
    assert precise_ask(question) == ask


@pytest.mark.parametrize(("question", "sentence", "offered"), [
    # which one in order: an ordinal or a rank, not one the question says; a day of the week: a weekday only
    ("Cuộc họp là phiên họp thứ mấy?", "Đây là phiên khai mạc của đối thoại.", True),
    ("Việt Nam xếp thứ mấy?", "Việt Nam xếp hạng 15 thế giới.", True),
    ("Phiên khai mạc diễn ra vào thứ mấy?", "Phiên khai mạc diễn ra tại Washington.", False),
    ("Họ gặp nhau vào thứ mấy?", "Hôm thứ Năm, các bên gặp nhau.", True),
    ("What day of the week was the first meeting?", "The first meeting was held in Rome.", False),
    # which day: a date with its day, however written
    ("What date was the treaty signed?", "It was signed on March 18th, 2021.", True),
    ("What date was the treaty signed?", "It was signed on 2021-03-18.", True),
    ("What date was the treaty signed?", "It was signed in 2021.", False),
    # which year: a year, however said, not a month nor a day without one
    ("Kissinger thăm Trung Quốc năm nào?", "Kissinger thăm Trung Quốc năm 1971.", True),
    ("kissinger tham trung quoc nam nao", "Kissinger đã đến thăm Trung Quốc vào tháng 7.", False),
    ("Kissinger thăm Trung Quốc năm nào?", "Ông đến Bắc Kinh ngày 14/3/2022.", True),
    ("Kissinger thăm Trung Quốc năm nào?", "Ông đến Bắc Kinh hồi năm ngoái.", True),
    ("What year did he visit China?", "He visited China three years ago.", True),
    ("Kissinger thăm Trung Quốc năm nào?", "Có 6.500 người đón ông.", False),
    ("When is the date of the next election?", "The next election is in 2026.", True),
    # the hour: not a length of days, nor the hours the question says
    ("Cuộc họp bắt đầu lúc mấy giờ?", "Cuộc họp bắt đầu lúc chín giờ sáng.", True),
    ("Cuộc họp bắt đầu lúc mấy giờ?", "Hội nghị kéo dài 3 ngày.", False),
    ("Cuộc gặp ở Rome kéo dài 7 giờ bắt đầu lúc mấy giờ?", "Cuộc gặp kéo dài 7 giờ.", False),
    ("At what time did the meeting start?", "The meeting started at 9 a.m.", True),
    # an age in units of time is an age; a clock is a length only as time left; "how long ago" is a time
    ("Cây cầu bao nhiêu tuổi?", "Cây cầu Long Biên đã 120 năm tuổi.", True),
    ("How old is the bridge?", "The bridge is 140 years old.", True),
    ("Kissinger qua đời ở tuổi bao nhiêu?", "Kissinger qua đời ở tuổi 100.", True),
    ("How many teams has Manning played for?", "Anh ấy là thủ quân lớn tuổi nhất ở tuổi 39.", False),  # an age
    ("How long did the war last?", "The war began at 10:30 local time.", False),
    ("How much time was left when Denver scored?", "Denver dẫn trước 24-10 khi trận đấu còn lại 3:08.", True),
    ("How long ago did it happen?", "It happened 2 years ago.", True),
    ("Nhà hát hoạt động bao lâu?", "Nhà hát hoạt động mạnh trong thập kỷ qua.", True),
    # a day is no length: "ngày 18 tháng 3" is not 18 months, "tháng 5 năm 1705" not 5 years
    ("Cuộc đàm phán ở Anchorage kéo dài bao lâu?", "Đàm phán ở Anchorage, Alaska vào ngày 18 tháng 3.", False),
    ("Họ ở lại bao lâu?", "Họ đến vào ngày 12 tháng 5 năm 1705.", False),
    ("Họ ở lại bao lâu?", "Họ ở lại 18 tháng.", True),
    ("Họ ở lại bao lâu?", "Họ gặp nhau hôm 18  tháng 3.", False), ("Họ ở lại bao lâu?", "Họ đến vào mùng 5 tháng 3.", False),
    ("Đàm phán kéo dài bao lâu?", "Đàm phán kéo dài mỗi ngày 8 tiếng.", True),  # found in review
    ("Khi nào hãng thử máy bay mới?", "Hãng thử máy bay mới vào năm 2020.", True),
    # a size in figures: a count of the question's subject in words measures nothing
    ("How large is the US trade deficit with China?", "Thâm hụt thương mại lên tới 347 tỷ USD.", True),
    ("How large is the US trade deficit with China?", "Lãnh đạo hai nước lo ngại về thâm hụt thương mại.", False),
    ("How tall is the tower?", "The tower is 324 metres tall.", True),
    ("Tên lửa bay được bao xa?", "Tên lửa bay được 450 km.", True),
    ("Tên lửa bay được bao xa?", "Triều Tiên phóng tên lửa sáng 29/4 bất chấp cảnh báo.", False),
])
def test_what_answers_it(question: str, sentence: str, offered: bool) -> None:
    assert offers_counted(sentence, answer_type(question), question) is offered


def test_asked_which_year_a_month_is_no_answer(seeds) -> None:  # noqa: ANN001 - qa.service.QAService
    # the sentence says "vào tháng 7" (in July): no year, no answer
    assert seeds.ask("kissinger tham trung quoc lan dau tien vao nam nao").abstained
    assert seeds.ask("Bà Susan Thornton sinh năm nào?").abstained
    got = seeds.ask("Trump và Tập Cận Bình nhất trí thiết lập Đối thoại An ninh và Ngoại giao vào năm nào?")
    assert not got.abstained and "2017" in got.answer  # "hồi tháng 4/2017"
