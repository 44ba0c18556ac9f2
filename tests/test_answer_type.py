"""Answer typing (``qa.answer_type``): the kind of answer a question asks for, and whether a sentence offers one;
the names of an English question (``qa.retrieval.names_in``) and how the glossary renders them."""

from __future__ import annotations

import pytest

from qa.answer_type import WORD_OFFER, answer_type, offer_strength
from qa.evidence import name_missing
from qa.glossary import name_parts, renderings
from qa.named_places import headed_place, names_head
from qa.retrieval import names_in
from qa.text import fold, words


# ================================================================ answer type
@pytest.mark.parametrize("question,kind", [
    ("How long did the talks last?", "duration"),
    # a query of keywords asks a date by naming it, first or last; "update" is no date
    ("Sullivan Yang Jiechi Rome talks date", "time"),
    ("date of the Anchorage talks?", "time"),
    ("Rome talks update?", None),
    # and a duration or a place the same way; or as "What was the duration / venue of ...?"
    ("Rome talks duration", "duration"), ("duration of the Rome talks", "duration"),
    ("What was the duration of the talks?", "duration"),
    ("Anchorage talks venue", "place"), ("location of the trilateral meeting", "place"),
    ("What is the venue of the meeting?", "place"),
    ("cuoc hop keo dai bao lau", "duration"),
    ("When did the strike begin?", "time"),
    ("How many ships were sunk?", "number"),
    ("Who signed the treaty?", "person"),
    ("Where is the headquarters?", "place"),
    ("Tại sao giá vàng tăng?", None),
    # typed with diacritics, a question is read with them: "máy" is not "mấy", "khí nào" not "khi nào",
    # "đầu tiên" not "đâu"
    ("Máy bay nào lớn nhất?", None),
    ("Khí nào nặng nhất?", None),
    ("Ngày đầu tiên của hội nghị có gì?", None),
    ("Có mấy loài sứa lược?", "number"),
    ("co may loai sua luoc", "number"),
    ("Hội nghị diễn ra ở đâu?", "place"),
    ("Việt Nam có bao nhieu tỉnh?", "number"),  # names with their accents, the rest typed without
    ("Dương Khiết Trì gặp Sullivan ở dau?", "place"),
    # an English question's first cue is what it asks; a Vietnamese one's kinds go by precedence
    ("How old was he when he played in the final?", "number"),
    ("Who was the leader when the Franks arrived?", "person"),
    ("Syria và Ai Cập tấn công Israel khi nào?", "time"),
    # a count of units of time is a duration: "bao nhiêu tiếng", "mấy ngày", "how many hours"
    ("Cuộc gặp kéo dài bao nhiêu tiếng?", "duration"),
    ("hoi dam keo dai may ngay", "duration"),
    ("How many hours did the talks last?", "duration"),
    ("Bao nhiêu người tham dự?", "number"),
    ("Có mấy giờ?", "number"),  # "mấy giờ" is a clock time or a count, not a length
    ("Mất bao nhiêu thời gian để xây cầu?", "duration"), ("How much time was left in the game?", "duration"),
    ("On what exact date did Biden and Xi meet?", "time"), ("What exact date was the treaty signed?", "time"),
    # "(noun) nào" and "which (noun)": the noun nearest before "nào" says the kind
    ("Bộ trưởng Quốc phòng Mỹ nào tham dự?", "person"),
    ("bo truong quoc phong my nao tham du", "person"),
    ("Đàm phán diễn ra tại khách sạn 5 sao nào?", "place"),
    ("Bộ trưởng đến thăm tỉnh nào?", "place"),
    ("Vị tướng Trung Quốc nào tham dự đối thoại an ninh?", "person"), ("Nhà ngoại giao nào dẫn đầu phái đoàn?", "person"),
    ("nguoi phat ngon nao noi vay", "person"), ("Thị trưởng thành phố nào phát biểu?", "place"),
    # typed without accents "tuong" is also "tưởng", "thi truong" "thị trường" (a market): as written only
    ("y tuong nao duoc de xuat", None), ("thi truong nao bi anh huong", None), ("Ý tưởng nào được đề xuất?", None),
    ("Which minister attended the talks?", "person"),
    ("Which Chinese general attended?", "person"), ("Which US diplomat led the delegation?", "person"),
    ("Which expertise is needed?", None),
    ("Which hotel hosted the talks?", "place"),
    # up to three words before the noun, none a verb, a preposition or the other kind's noun
    ("Which South Korean official was due to meet Jake Sullivan?", "person"),
    ("Which US national security adviser met Yang Jiechi?", "person"), ("Which Italian city hosted it?", "place"),
    ("Which hotel did the president stay in?", "place"), ("Which new policy did the minister announce?", None),
    ("Which of the officials spoke first?", None),
    ("Cách nào để làm?", None),
    ("Kissinger thăm Trung Quốc vào tháng mấy?", "time"), ("kissinger tham trung quoc vao thang may", "time"),
    ("Hội nghị khai mạc ngày mấy?", "time"), ("Cuộc gặp kéo dài mấy tiếng?", "duration"),
    # asking for a name: the kind of the thing named, the head of its phrase ("cố vấn an ninh quốc gia" is a
    # person, not a "quốc gia"); a name of no known kind ("tên gọi là gì" of a mechanism) is no kind
    ("Cố vấn an ninh quốc gia của Nhật Bản tên là gì?", "person"),
    ("co van an ninh quoc gia han quoc ten gi", "person"),
    ("Khách sạn nơi phái đoàn ở tên là gì?", "place"),
    ("Ông là nhà địa chất Ba Tư sớm nhất, ông tên gì?", "person"),
    ("Cơ chế đối thoại này có tên gọi là gì?", None),
    ("What is the name of the hotel?", "place"),
    ("What is the last name of the player who scored?", "person"),
    ("What was his name?", "person"),
    ("What was the name of the treaty?", None),
    # the phrase just before "tên": after "ở" / "đến thăm", before "của"; "Anh" is England, "ba" three
    ("Ông Sullivan ở khách sạn tên là gì?", "place"), ("ong sullivan o khach san ten la gi", "place"),
    ("Bộ trưởng đến thăm thành phố tên là gì?", "place"),
    ("Sân vận động lớn nhất nước Anh tên là gì?", None), ("Nhà máy thứ ba tên là gì?", None),
    ("What is the name of the country's president?", "person"), ("What is the name of the player's club?", None),
    # asked what a named person is, the answer is an office; asked who holds an office, a name
    ("Jake Sullivan giữ chức vụ gì?", "title"), ("vuong nghi giu chuc vu gi", "title"),
    ("Chức vụ của Jake Sullivan là gì?", "title"), ("Vương Nghị là ai?", "title"), ("Who is Liu Pengyu?", "title"),
    ("What position does Susan Thornton hold?", "title"), ("What is Jake Sullivan's title?", "title"),
    ("Người phát ngôn Bộ Ngoại giao Trung Quốc là ai?", "person"), ("Who is the embassy's spokesman?", "person"),
    ("Ông ấy giữ chức vụ gì?", None),  # names nobody: the conversation says whose office
    ("What was Yang's position on Ukraine?", None),  # a stance, not an office
    ("Hội nghị do tổ chức nào tổ chức?", None), ("Sullivan giữ chức gì?", "title"),  # "tổ chức": an organisation
    # an English question is read for English cues only, and typed without diacritics a "may" that begins a
    # compound ("máy tính") or stands before a word that is no syllable ("máy Turing") is a machine, not "mấy"
    ("What may a charter school require of its teachers?", None), ("Who may not require it?", "person"),
    ("nhanh nao cua khoa hoc may tinh nghien cuu do kho", None), ("tai nguyen cua may turing la gi", None),
    ("co may nguoi tham du", "number"), ("hoi dam keo dai may ngay", "duration"),
    # an amount named, not asked: "(noun) nào" says the kind; alone, it is an amount
    ("Khu vực nào của thành phố nổi tiếng với tỷ lệ tội phạm cao?", "place"),
    ("Tỷ lệ thất nghiệp năm 2020?", "number"), ("What is the percentage of stations without fuel?", "number"),
    # a time asked without "when": "what day of the week", "What was the exact date of ...?", "On what date ...?"
    ("What day of the week was the meeting?", "time"), ("What was the exact date of the summit?", "time"),
    ("On what date did they talk?", "time"), ("What was the day like?", None),
    # "when" inside an English question asks nothing ("What did they agree on when they met?" asks what); "never" is
    # no time
    ("What did Biden and Xi agree on when they met?", None), ("And when did it start?", "time"),
    ("They met when?", "time"), ("Since when has he held the post?", "time"), ("Họ chưa bao giờ gặp nhau ở đâu?", "place"),
    # names with a few unaccented Vietnamese words are read for Vietnamese cues ("may" is "mấy" there), and so is "co
    # may" ("có mấy": "co may tinh" asks how many provinces)
    ("Biden Xi Jinping gap nhau may lan", "number"), ("viet nam co may tinh", "number"),
    # "who is" + something that is no name wants a name; "role" is no office
    ("Who is in Rome?", "person"), ("Who is responsible for security?", "person"),
    ("Who is Sullivan's counterpart?", "person"), ("Đại diện của Mỹ là ai?", "person"),
    ("dai dien cua my la ai", "person"), ("What is the role of China in the fight against terrorism?", None),
    ("Lê Ánh Tuyết là ai?", "title"), ("Who is Osama bin Laden?", "title"),
])
def test_answer_type_of_english_and_vietnamese_cues(question: str, kind: str | None) -> None:
    assert answer_type(question) == kind


@pytest.mark.parametrize(("sentence", "question", "offered"), [
    ("Cuộc họp bắt đầu lúc 9 giờ sáng.", "Cuộc họp bắt đầu lúc mấy giờ?", True),  # asked in hours, hours answer
    ("Cuộc họp bắt đầu lúc 9 giờ sáng.", "Có bao nhiêu người dự họp?", False),
    ("Trận đấu còn lại 4:51 khi Denver ghi bàn.", "How much time was left when Denver scored?", True),  # a clock
])
def test_hours_answer_a_question_asked_in_hours(sentence: str, question: str, offered: bool) -> None:
    assert (offer_strength(sentence, answer_type(question), question) > 0) is offered


def test_vietnamese_duration_offered_to_an_english_question() -> None:
    q = "How long did the talks last?"
    assert offer_strength("Cuộc đàm phán kéo dài 3 ngày tại Geneva.", "duration", q) == 1.0
    assert offer_strength("Cuộc gặp kéo dài 7 tiếng.", "duration", q) == 1.0
    assert offer_strength("Cuộc đàm phán diễn ra tại Geneva.", "duration", q) == 0.0
    assert offer_strength("Có 3 phái đoàn tham dự.", "duration", q) == 0.0  # a number, but no unit of time


@pytest.mark.parametrize(("sentence", "kind", "question", "strength"), [
    ("Trung Quốc trình bày kế hoạch hòa bình bốn điểm.", "number", "How many points are in the plan?", WORD_OFFER),
    ("Kế hoạch gồm 4 điểm, theo hai nhà ngoại giao.", "number", "Kế hoạch có bao nhiêu điểm?", 1.0),
    ("Cuộc gặp kéo dài bảy tiếng tại Rome.", "duration", "Cuộc gặp kéo dài bao lâu?", WORD_OFFER),
    ("Cuộc gặp kéo dài bảy tiếng tại Rome.", "duration", "Cuộc gặp kéo dài bảy tiếng đúng không?", 0.0),
    ("Lễ khai mạc có hai bên tham dự.", "number", "khai mac co bao nhieu nguoi", WORD_OFFER),  # "hai" is not "khai"
    ("Hai bên tham dự.", "number", "hai ben co bao nhieu nguoi", 0.0),
    ("Ba Lan tham dự cuộc họp.", "number", "Có bao nhiêu nước?", 0.0),  # a name, not "three"
    ("Ông ở lại đó một tuần.", "duration", "How long did he stay?", WORD_OFFER),
    ("Ông ở lại đó một lần.", "duration", "How long did he stay?", 0.0),
])
def test_amounts_in_words_are_offered_but_weigh_less_than_figures(sentence: str, kind: str, question: str,
                                                                   strength: float) -> None:
    assert offer_strength(sentence, kind, question) == strength



@pytest.mark.parametrize(("sentence", "kind", "question", "strength"), [
    # "who" wants someone: places and weekdays name nobody, whatever their capitals
    ("Quan chức cấp cao Mỹ và Trung Quốc đã gặp tại Rome, Italy ngày 14/3.", "person", "Ai đã gặp nhau tại Rome?", 0.0),
    ("Các cố vấn của Mỹ, Nhật Bản và Hàn Quốc sẽ gặp tại Washington vào thứ Ba.", "person", "Who will meet?", 0.0),
    ("Ông Sullivan gặp người đồng cấp Shigeru Kitamura của Nhật Bản.", "person", "Who will meet?", 1.0),
    ("Họ gặp nhau tại Washington, Mỹ.", "person", "Who met?", 0.0),
    ("The talks opened in Anchorage on Thursday, March 18.", "person", "Who met?", 0.0),
    ("Phát biểu của ông Nguyễn Minh Đức tại hội nghị.", "person", "Ai phát biểu?", 1.0),  # "Đức" in a longer name
    # capitals that begin a term are not a name: "Bộ trưởng", "Ngoại giao", "Bộ Chính trị", "Đảng Cộng sản"
    ("Các quan chức Ngoại giao và Quốc phòng của Mỹ sẽ tham dự.", "person", "Ai tham dự?", 0.0),
    ("Ông gặp Ủy viên Bộ Chính trị Đảng Cộng sản Trung Quốc.", "person", "Ông gặp ai?", 0.0),
    ("Ông gặp Ủy viên Bộ Chính trị Dương Khiết Trì.", "person", "Ông gặp ai?", 1.0),
    ("Theo Bộ trưởng Quốc phòng Mỹ Jim Mattis, cuộc họp diễn ra.", "person", "Ai nói?", 1.0),
    # "where" wants where something is ("tại X", "in X", "sang X"); a place merely named, or another name, may be it
    ("Họ gặp nhau tại Washington, Mỹ.", "place", "Where did they meet?", 1.0),
    ("Mỹ muốn Trung Quốc gây sức ép với Triều Tiên.", "place", "Where will the dialogue take place?", WORD_OFFER),
    ("Trận đấu diễn ra tại Levi's Stadium.", "place", "Where was the game played?", 1.0),
    ("Cuộc gặp giữa Sullivan và Kitamura kéo dài hai giờ.", "place", "Where did they meet?", WORD_OFFER),
    ("Cuộc gặp kéo dài hai giờ.", "place", "Where did they meet?", 0.0),
    ("Ông cho biết ý kiến về pháp luật và chiếc áo.", "place", "Where is it?", 0.0),  # not Ý, Pháp, Áo
    ("Ông đã sang Pháp và Áo.", "place", "Where did he go?", 1.0),
    ("The talks opened in March.", "place", "Where did they meet?", 0.0),
    ("Họ gặp nhau tại Rome, Italy.", "place", "Họ gặp nhau ở Rome, Italy phải không?", 0.0),  # asked already
    # what the question says already is among its words, not inside one: "nga" (Russia) is not in "quan ngai", "7"
    # not in "2017"
    ("Mỹ quan ngại trước việc Trung Quốc liên kết với Nga.", "place", "my quan ngai viec trung quoc lien ket voi nuoc nao",
     WORD_OFFER),
    ("Mỹ quan ngại trước việc Trung Quốc liên kết với Nga.", "place", "my lo ngai trung quoc lien ket voi nga", 0.0),
    ("Ông nói chuyện với ông An.", "person", "Ngoại trưởng nói chuyện với ai ở Quảng Châu?", 1.0),
    ("Ông nói chuyện với ông An.", "person", "Ông ấy nói chuyện với ông An à?", 0.0),
    ("Có 7 phái đoàn tham dự.", "number", "Bao nhiêu phái đoàn tham dự hội nghị năm 2017?", 1.0),  # "7" of "2017"
    ("Có 7 phái đoàn tham dự.", "number", "Có phải 7 phái đoàn tham dự không, bao nhiêu?", 0.0),
    # a day or a year asked for precisely, compared the same way: "1/3" is not the "21/3" the question gives
    ("Cuộc gặp diễn ra ngày 1/3.", "time", "Cuộc gặp diễn ra ngày nào sau ngày 21/3?", 1.0),
    ("Cuộc gặp diễn ra ngày 21/3.", "time", "Cuộc gặp diễn ra ngày nào sau ngày 21/3?", 0.0),
    ("Hội nghị diễn ra năm 2017.", "time", "Hội nghị diễn ra vào năm nào, sau năm 12017?", 1.0),
    ("Hội nghị diễn ra năm 2017.", "time", "Hội nghị năm 2017 diễn ra vào năm nào?", 0.0),
])
def test_a_person_is_not_a_place(sentence: str, kind: str, question: str, strength: float) -> None:
    assert offer_strength(sentence, kind, question) == strength


def test_the_names_of_an_english_question() -> None:
    assert names_in("How many points did China's peace plan submitted to the United Nations contain?") == (
        "China", "United Nations")
    assert names_in("According to Tillerson, which issue gets top priority at the June dialogue?") == ("Tillerson",)
    assert names_in("Who won Super Bowl 50 on Sunday, February 7?") == ("Super Bowl",)
    assert names_in("Where will the US-China dialogue take place?") == ("US-China",)
    assert names_in("Who met in Rome?\nHow long did the meeting last? Was it long?") == ("Rome",)  # a follow-up


def test_a_name_is_found_as_written_or_as_the_glossary_renders_it() -> None:
    assert renderings("US") == renderings("U.S.") == ("Mỹ", "Hoa Kỳ")  # an acronym, as written in capitals
    assert renderings("United Nations") == ("Liên Hợp Quốc",)  # a term, whole
    assert "Trung Quốc" in renderings("China") and renderings("Xi") == ("Tập Cận Bình",)


def test_a_name_is_found_by_the_terms_it_is_made_of() -> None:
    """ "US State Department" is "US" and "State Department" (not "State" and "Department", which the text does not say):
    a passage saying "Bộ ngoại giao Mỹ" has it."""
    assert name_parts("US State Department") == ("US", "State Department")
    assert name_parts("Sullivan Yang Jiechi Rome") == ("Sullivan", "Yang Jiechi", "Rome")
    passage = "Bộ ngoại giao Mỹ cho biết họ sẽ gây sức ép tối đa đối với Triều Tiên."
    accented = frozenset(words(passage.lower()))
    folded = frozenset(words(fold(passage).lower()))
    assert not name_missing("What does the US State Department want from North Korea?", folded, accented)
    assert name_missing("What does the US Defense Department want from North Korea?", folded, accented)


@pytest.mark.parametrize(("sentence", "is_time"), [
    ("Cuộc gặp diễn ra ngày 14/3 tại Rome.", True), ("Đối thoại tổ chức vào tháng 4 tới.", True),
    ("Ông đến thăm Trung Quốc vào tháng 7 năm 1971.", True), ("The talks were held in July.", True),
    ("Căng thẳng leo thang giữa hai nước.", False), ("Việt Nam và Mỹ hợp tác.", False),
    ("Ngay trước thời điểm diễn ra cuộc gặp, phía Trung Quốc bác bỏ.", False), ("Sự kiện năm ngoái.", False),
])
def test_a_time_is_a_date_not_the_letters_of_ngay_thang_nam(sentence: str, is_time: bool) -> None:
    """Folded, "leo thang", "Việt Nam" and "Ngay trước" spell the date words: only a number makes them a date."""
    assert (offer_strength(sentence, "time", "khi nào cuộc gặp diễn ra?") > 0) is is_time


@pytest.mark.parametrize(("sentence", "is_count"), [
    ("Mạng lưới đường sắt chở 37 triệu hành khách mỗi năm.", True), ("Có 3 phái đoàn tham dự.", True),
    ("Tỷ lệ thất nghiệp là 4,5%.", True), ("Dân số Việt Nam 98 triệu người.", True),
    ("Có 1500 binh sĩ được điều đến.", True), ("The army deployed 1500 soldiers.", True),
    ("Cây cầu được khai trương vào năm 1981.", False), ("Cuộc gặp diễn ra ngày 14/3 tại Rome.", False),
    ("Đối thoại tổ chức vào tháng 4 tới.", False), ("The bridge opened in 1981.", False),
    ("Năm 1981, cây cầu được khai trương.", False), ("In 1981, the bridge opened.", False),
    ("The bridge was built 1978-1981.", False), ("Sân bay đón mỗi năm 10 triệu hành khách.", True),
    # a length of time is no count either: "kéo dài 7 tiếng", "bảy tiếng", "for 3 hours"
    ("Cuộc thảo luận kéo dài 7 tiếng tại Rome.", False), ("Cuộc thảo luận kéo dài bảy tiếng.", False),
    ("The talks lasted 3 hours.", False), ("Sau 7 tiếng, 12 quan chức rời đi.", True),
    # nor an age: "ở tuổi 39", "a 39-year-old"
    ("Anh ấy là thủ quân lớn tuổi nhất từng chơi ở tuổi 39.", False), ("The line has a 39-year-old driver.", False),
])
def test_a_count_is_not_a_year_a_date_a_duration_or_an_age(sentence: str, is_count: bool) -> None:
    """'How many passengers ...?' is not answered by the year a bridge opened, nor by how long the talks lasted."""
    assert (offer_strength(sentence, "number", "How many passengers a year does the rail network carry?") > 0) is is_count


def test_an_office_is_offered_next_to_the_name_asked_about() -> None:
    from qa.titles import title_offered, without_asking

    q = "vuong nghi giu chuc vu gi"
    assert title_offered("Cả Bộ trưởng Ngoại giao Trung Quốc Vương Nghị và Ngoại trưởng Mỹ Antony Blinken ...", q)
    assert title_offered("Bà Susan Thornton, Quyền Trợ lý ngoại trưởng Mỹ, cho biết.", "Susan Thornton là ai?")
    assert not title_offered("Vương Nghị cũng tri ân cựu Ngoại trưởng Mỹ Henry Kissinger.", q)  # Kissinger's office
    assert not title_offered("Bộ trưởng Quốc phòng Mỹ Lloyd Austin đến Seoul.", q)  # not the person asked about
    # an English question's name is found as the glossary renders it, written after the question
    assert title_offered("Bộ trưởng Ngoại giao Trung Quốc Vương Nghị nói.", "Who is Wang Yi? Vương Nghị")
    # the words that ask are in no answer; a question of them alone is left whole
    assert without_asking("Jake Sullivan giữ chức vụ gì?").split() == ["Jake", "Sullivan", "?"]
    assert without_asking("Ông ấy giữ chức vụ gì?") == "Ông ấy giữ chức vụ gì?"
    # the person is the one just before the words that ask, in their own sentence
    q = "Trong cuộc gặp ở Rome, Jake Sullivan giữ chức vụ gì?"
    assert not title_offered("Bộ trưởng Ngoại giao Trung Quốc Vương Nghị phát biểu trong cuộc họp.", q)
    assert not title_offered("Cố vấn an ninh Sullivan gặp các quan chức Trung Quốc Vương Nghị ở Rome.",
                             "Vương Nghị giữ chức vụ gì ở Rome?")  # "quan chức" is no office
    follow_up = "Ai đã gặp nhau tại Rome? Ông ấy giữ chức vụ gì?"  # a follow-up read with the turn before
    assert without_asking(follow_up) == follow_up


def test_the_partys_name_between_an_office_and_the_name_is_part_of_the_office() -> None:
    """Folded, "Đảng" (the Party) is "dang", as "đang" (-ing), which ends an office's phrase: read as written."""
    from qa.titles import title_offered

    sentence = "Ủy viên Bộ Chính trị Đảng Cộng sản Trung Quốc Dương Khiết Trì (ảnh) có cuộc gặp với Jake Sullivan."
    for question in ("Dương Khiết Trì giữ chức vụ gì?", "duong khiet tri giu chuc vu gi khi gap sullivan o rome"):
        assert title_offered(sentence, question)
    assert not title_offered("Cố vấn Sullivan đang tiếp Dương Khiết Trì.", "Dương Khiết Trì giữ chức vụ gì?")
    assert not title_offered("co van sullivan dang tiep duong khiet tri.", "Dương Khiết Trì giữ chức vụ gì?")
    # "cũng" ends it too (folded it was "cung", as "cùng")
    assert not title_offered("Ngoại trưởng Mỹ Blinken cũng tiếp đón Vương Nghị.", "Vương Nghị giữ chức vụ gì?")


# ================================================================ a place asked for by name
@pytest.mark.parametrize("question,noun", [
    ("Which hotel hosted the talks?", "khách sạn"), ("What is the name of the hotel they stayed at?", "khách sạn"),
    ("Cuộc gặp diễn ra tại khách sạn nào?", "khách sạn"), ("phai doan o khach san nao tai rome", "khách sạn"),
    ("Khách sạn nơi phái đoàn ở tên là gì?", "khách sạn"), ("Máy bay hạ cánh ở sân bay nào?", "sân bay"),
    # a city is often written without its noun ("tại Washington"), a country always: not asked this way
    ("Which city hosted the talks?", None), ("Họ gặp nhau ở nước nào?", None), ("Where did they meet?", None),
    ("Khách sạn có bao nhiêu phòng?", None), ("Which hotels hosted them?", "khách sạn"),
    ("What is the hotel's name?", "khách sạn"), ("Khách sạn ấy thuộc tỉnh nào?", "tỉnh"),
    ("tinh hinh giao thong the nao", None), ("khach san the nao", None),  # how: not which
    ("Triều Tiên phóng tên lửa từ tỉnh nào?", "tỉnh"), ("trieu tien phong ten lua tu tinh nao", "tỉnh"),
    # a satellite, a planet: "tinh" only folded
    ("Vệ tinh nào được phóng?", None), ("ve tinh nao duoc phong", None), ("hanh tinh nao lon nhat", None),
    # accents on some words only: the rest read folded (found in review)
    ("Triều Tiên phóng tên lửa từ tinh nao?", "tỉnh"), ("Phái đoàn ở khach san nao tai Rome?", "khách sạn"),
    ("Tình nào đẹp nhất?", None),
])
def test_the_place_asked_for_by_name(question: str, noun: str | None) -> None:
    assert headed_place(question) == noun


@pytest.mark.parametrize("sentence,named,noun", [
    ("Các cuộc đàm phán diễn ra tại khách sạn Captain Cook ở Anchorage.", True, "khách sạn"),
    ("Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp.", False, "khách sạn"),  # a hotel, not which
    ("Khách sạn nơi họ ở không được tiết lộ, còn Khách sạn Hilton thì kín phòng.", True, "khách sạn"),
    ("Cuộc gặp diễn ra tại Rome.", None, "khách sạn"),  # says nothing of a hotel
    ("Đoàn nghỉ tại khách sạn 5 sao Sofitel Legend Metropole.", True, "khách sạn"),  # after what says what kind of hotel
    ("Đoàn nghỉ tại khách sạn “Metropole”.", True, "khách sạn"), ("Đoàn nghỉ tại khách sạn Ánh Dương.", True, "khách sạn"),
    ("Chuyên cơ hạ cánh xuống sân bay quốc tế Nội Bài.", True, "sân bay"),
])
def test_whether_a_sentence_names_it(sentence: str, named: bool | None, noun: str) -> None:
    assert names_head(sentence, noun) is named
