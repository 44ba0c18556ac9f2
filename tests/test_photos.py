"""Questions about a photo: its caption answers, and asked whose it is, with the credit (``qa.photos``)."""

from __future__ import annotations

import pytest

from qa.photos import asks_credit, asks_photo, caption_end, without_credit_asking
from qa.service import QAService


@pytest.mark.parametrize(("question", "photo", "credit"), [
    ("Bức ảnh Tillerson gặp Dương Khiết Trì là của cơ quan nào?", True, True),
    ("buc anh tillerson gap duong khiet tri do ai chup", True, True),
    ("Who took the photo of the Chinese delegation leaving the hotel in Rome?", True, True),
    ("Which agency supplied the picture of Sullivan in Anchorage?", True, True),
    ("In the VOV photo, which Chinese official is Tillerson meeting?", True, False),
    ("Bức ảnh ông Sullivan phát biểu ở Alaska được chụp tại khách sạn nào?", True, False),
    ("Ảnh hưởng của Trung Quốc ra sao?", False, False),  # influence
    ("Nỗ lực thay đổi hình ảnh khu vực là gì?", False, False),  # an image one has
    ("anh sullivan noi gi", False, False),  # "anh" unaccented: a brother, English ...
    ("What image does China want to project?", False, False),
    ("Ai là tác giả của kế hoạch hòa bình?", False, False),
    ("Ảnh minh họa bài Mỹ - Trung chống khủng bố lấy từ đâu?", True, True),  # where it was taken from: whose
    ("Hình minh hoạ lấy từ đâu?", True, True),  # the tone mark placed the other way
    ("Sự kiện nào là hình ảnh minh họa rõ nét cho căng thẳng Mỹ-Trung?", False, False),  # an example, no picture
])
def test_what_a_question_asks_about_a_photo(question: str, photo: bool, credit: bool) -> None:
    assert (asks_photo(question), asks_credit(question)) == (photo, credit)


def test_the_words_that_ask_whose_are_left_out() -> None:
    assert without_credit_asking("Bức ảnh Tillerson gặp Dương Khiết Trì là của cơ quan nào?").split() == \
        ["Tillerson", "gặp", "Dương", "Khiết", "Trì", "?"]
    assert without_credit_asking("buc anh tillerson gap duong khiet tri do ai chup").split() == \
        ["tillerson", "gap", "duong", "khiet", "tri"]
    assert without_credit_asking("Ai đã gặp nhau tại Rome?") == "Ai đã gặp nhau tại Rome?"


def test_a_caption_runs_to_its_credit() -> None:
    raw = "Tiêu đề\nÔng A gặp ông B tại Rome. (Ảnh: AP)\nÔng A nói. Ông B nói thêm.\n"
    first = raw.index(". (Ảnh") + 1
    assert raw[: caption_end(raw, first)].endswith("(Ảnh: AP)")
    piped = "Tiêu đề\nÔng A gặp ông B. Ảnh:Reuters |\nÔng A nói.\n"
    assert piped[: caption_end(piped, piped.index(". Ảnh") + 1)].endswith("Ảnh:Reuters")  # not its separator
    said = raw.index("Ông A nói.") + len("Ông A nói.")
    assert caption_end(raw, said) == said  # not a caption's line


@pytest.mark.parametrize(("question", "doc", "answer"), [
    ("Bức ảnh Tillerson gặp Dương Khiết Trì là của cơ quan nào?", "001",
     "Ngoại trưởng Mỹ Rex Tillerson trong một cuộc gặp Ủy viên Quốc vụ Trung Quốc Dương Khiết Trì. "
     "(Ảnh: Bộ Ngoại giao Mỹ)"),
    # "ông" twice: a title of address, no word to find (it found "Tại cuộc gặp ở Rome, ông Dương Khiết Trì ...")
    ("Bức ảnh ông Tillerson gặp ông Dương Khiết Trì do cơ quan nào cung cấp?", "001",
     "Ngoại trưởng Mỹ Rex Tillerson trong một cuộc gặp Ủy viên Quốc vụ Trung Quốc Dương Khiết Trì. "
     "(Ảnh: Bộ Ngoại giao Mỹ)"),
    ("Who took the photo of the Chinese delegation leaving the hotel in Rome?", "002",
     "Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp. Ảnh: Reuters"),
    # "lấy từ đâu" asks whose it is, not a place; "ảnh minh họa" (an illustration) and the outlet are in no passage
    ("Ảnh minh họa bài Mỹ - Trung chống khủng bố của báo Tổ Quốc lấy từ đâu?", "000",
     "Mỹ và Trung Quốc hướng đến kế hoạch tăng cường chống lại lực lượng khủng bố toàn cầu. Ảnh:Reuters"),
    # typed without accents: the caption, though the sentence after it shares more of the question's words
    ("anh minh hoa bai my trung chong khung bo lay tu dau", "000",
     "Mỹ và Trung Quốc hướng đến kế hoạch tăng cường chống lại lực lượng khủng bố toàn cầu. Ảnh:Reuters"),
    # asked whose photo, a passage without a caption has no credit to give: below those with one, however much more
    # of the question its text says ("Tại cuộc gặp ở Rome, ông Dương Khiết Trì khẳng định ..."); of the captions,
    # the one naming whom it shows first ("Phái đoàn Trung Quốc rời khách sạn ở Rome ..." has only Rome)
    ("Ảnh ông Dương Khiết Trì trong bài về cuộc gặp ở Rome là của hãng nào?", "002",
     "Ủy viên Bộ Chính trị Đảng Cộng sản Trung Quốc Dương Khiết Trì (ảnh) có cuộc gặp với Cố vấn An ninh Quốc gia Mỹ "
     "Jake Sullivan trong ngày 14/3 tại Rome, Italy. Ảnh: AP"),
    ("Which agency supplied the photo of Yang Jiechi in the article about the Rome meeting?", "002",
     "Ủy viên Bộ Chính trị Đảng Cộng sản Trung Quốc Dương Khiết Trì (ảnh) có cuộc gặp với Cố vấn An ninh Quốc gia Mỹ "
     "Jake Sullivan trong ngày 14/3 tại Rome, Italy. Ảnh: AP"),
    # about a photo, not whose: the caption, without its credit
    ("In the VOV photo, which Chinese official is Tillerson meeting?", "001",
     "Ngoại trưởng Mỹ Rex Tillerson trong một cuộc gặp Ủy viên Quốc vụ Trung Quốc Dương Khiết Trì."),
])
def test_a_photo_is_answered_by_its_caption(seeds: QAService, question: str, doc: str, answer: str) -> None:
    got = seeds.ask(question)
    first = got.passages[0]
    assert not got.abstained and first.doc_id.startswith(doc)
    assert got.answer == first.highlight.text == answer
    assert seeds.raw_text(first.doc_id)[first.highlight.start : first.highlight.end] == answer
