"""An outlet a question names picks the articles it ran (``qa.outlets``)."""

from __future__ import annotations

import pytest

from service_support import corpus_service
from qa.asking import without_asking_words
from qa.outlets import named_outlet, names_its_article, without_outlet
from qa.service import QAService


@pytest.mark.parametrize(("question", "doc"), [
    ("Trong bài của VOV, ông Dương Khiết Trì mang chức danh gì?", "001"),
    ("In the VOV photo, which Chinese official is Tillerson meeting?", "001"),
    ("theo vov duong khiet tri giu chuc vu gi", "001"),  # any case, with or without accents
    ("Theo vov, duong khiet tri giu chuc vu gi?", "001"),
    ("Theo báo Tổ Quốc, Mỹ và Trung Quốc hướng đến kế hoạch gì?", "000"),
    ("According to the CLO report, who will meet in Washington?", "004"),
    # the subject of what is asked: after "does" / "did", or beginning the question before a verb of reporting
    ("What title does VOV give General Fang Fenghui?", "001"), ("How did VOV describe US-China relations?", "001"),
    ("VOV giới thiệu ông Dương Khiết Trì với chức danh gì?", "001"),
    ("to quoc gioi thieu tuong phong phong huy voi chuc vu gi", "000"),
    # keywords headed by the outlet, as a headline is: "VOV: ...", "CLO - ..."
    ("VOV: state of US-China ties after the leaders' summit", "001"), ("CLO - cuoc hop ba ben o Washington", "004"),
    ("VOV.VN: quan hệ Mỹ-Trung", "001"),
])
def test_a_named_outlet_picks_its_articles(seeds: QAService, question: str, doc: str) -> None:
    snap = seeds.snapshot()
    found = named_outlet(question, snap)
    assert found is not None and {d[:3] for d in found[0].docs} == {doc}
    answer = seeds.ask(question)
    assert answer.passages[0].doc_id.startswith(doc)


@pytest.mark.parametrize("question", [
    "Ai bảo vệ tổ quốc?", "Mặt trận Tổ Quốc Việt Nam là gì?",  # words, not the outlet: no word says one follows
    "vov la gi",
    "nong do cua clo trong nuoc la bao nhieu", "Who is the CLO of the company?",  # chlorine, a chief officer
    "Who met in Rome?",
    "Bảo vệ tổ quốc viết thế nào?", "Ai đã viết về tổ quốc gọi là gì?",  # not the subject that begins the question
    "Tổ quốc là gì?", "Nồng độ CLO: bao nhiêu là an toàn?",  # a name heading the question but not before a colon or dash
])
def test_no_outlet_named(seeds: QAService, question: str) -> None:
    assert named_outlet(question, seeds.snapshot()) is None
    assert without_outlet(question, seeds.snapshot()) == (question, None)


def test_the_name_and_its_article_words_leave_the_question(seeds: QAService) -> None:
    """VOV's tag is dropped from its article: the words that named it go, the rest stays; so do Tổ Quốc's, which its
    lead also says ("(Tổ Quốc) - Mỹ và ..."). SeaPRwire named as what the question is about is no outlet named: it
    stays."""
    snap = seeds.snapshot()
    assert without_outlet("Theo báo Tổ Quốc, Mỹ và Trung Quốc hướng đến kế hoạch gì?", snap)[0].split() == \
        [",", "Mỹ", "và", "Trung", "Quốc", "hướng", "đến", "kế", "hoạch", "gì?"]
    assert without_outlet("What plan are they moving toward, according to the Tổ Quốc lead?", snap)[0].split() == \
        ["What", "plan", "are", "they", "moving", "toward,", "?"]
    answer = seeds.ask("Which news agency is the Tổ Quốc report on US-China counter-terrorism cooperation based on?")
    assert not answer.abstained and "reuters" in answer.passages[0].highlight.text.lower()
    assert without_outlet("Trong bài của VOV, ông Dương Khiết Trì mang chức danh gì?", snap)[0].split() == \
        [",", "ông", "Dương", "Khiết", "Trì", "mang", "chức", "danh", "gì?"]
    assert without_outlet("Who is the author of the CLO report on the meeting?", snap)[0].split() == \
        ["Who", "is", "the", "author", "of", "the", "meeting?"]
    assert without_outlet("SeaPRwire tiếp cận bao nhiêu nhà báo?", snap)[0] == "SeaPRwire tiếp cận bao nhiêu nhà báo?"


def test_the_outlets_articles_come_first_and_the_others_follow(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Two outlets report the same storm: named, one outlet's passage is first, the other's still follows."""
    story = "Bão số 3 đổ bộ vào Quảng Ninh chiều nay với sức gió giật cấp 12, gây mưa lớn ở nhiều tỉnh."
    service = corpus_service(tmp_path_factory, "outlets", {
        "a.txt": f"Bão số 3 đổ bộ\n\n(VTC) - {story}\n",
        "b.txt": f"Bão đổ bộ Quảng Ninh\n\nVnExpress - {story} Người dân đã được sơ tán.\n",
    })
    for outlet, doc in (("VTC", "a"), ("VnExpress", "b")):
        answer = service.ask(f"Theo {outlet}, bão số 3 đổ bộ vào đâu?", k=2)
        assert [p.doc_id for p in answer.passages] == [doc, "b" if doc == "a" else "a"], outlet
        assert not answer.abstained and answer.notice is None
    # only the other outlet says it: answered from there, and said so (not refused for the word no passage has; nor
    # where the name is in the outlet's own text and kept the question on its article)
    answer = service.ask("Theo VTC, người dân đã được sơ tán chưa?", k=2)
    assert not answer.abstained and answer.passages[0].doc_id == "b"
    assert "no article from VTC answers this" in (answer.notice or "")


def test_common_words_that_name_outlets_name_them_only_as_outlets(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Outlets named by common words ("Thế giới", "Thanh Niên"): "giá vàng trên thế giới" is the world's gold price."""
    service = corpus_service(tmp_path_factory, "common-outlets", {
        "gold.txt": "Giá vàng tăng mạnh\n\nVnExpress - Giá vàng trên thế giới tăng lên mức cao kỷ lục 2.400 USD "
                    "mỗi ounce trong phiên giao dịch hôm nay.\n",
        "war.txt": "Giao tranh ở Kharkiv\n\n(Thế giới) - Giao tranh tiếp diễn ở Kharkiv suốt đêm qua, nhiều tòa nhà "
                   "bị hư hại nặng.\n",
    })
    snap = service.snapshot()
    assert named_outlet("gia vang tren the gioi tang len muc nao", snap) is None
    assert service.ask("gia vang tren the gioi tang len muc nao").passages[0].doc_id == "gold"
    assert named_outlet("Theo báo Thế giới, giao tranh diễn ra ở đâu?", snap)[0].docs == {"war"}
    # "bài" right before the name names it; folded, "bai" is also "bại": "đánh bại thế giới" names no outlet
    assert named_outlet("Ai viết bài Thế giới về Kharkiv?", snap)[0].docs == {"war"}
    for question in ("Đội tuyển nào đánh bại thế giới?", "doi tuyen nao danh bai the gioi", "Ai từng thất bại thế giới?"):
        assert named_outlet(question, snap) is None, question
    assert named_outlet("tac gia bai the gioi ve kharkiv", snap)[0].docs == {"war"}


def test_an_article_named_by_its_outlet_alone(tmp_path_factory: pytest.TempPathFactory, seeds: QAService) -> None:
    """"Who wrote the CLO article?": CLO's only article here; an outlet with two asks which one."""
    for question in ("Who wrote the CLO article?", "Ai viết bài CLO?", "ai viet bai clo?"):
        answer = seeds.ask(question)
        assert answer.answer == "Chấn Phong" and answer.passages[0].section == "metadata", question
    assert seeds.ask("When was the CLO article published?").answer == "24/03/2021 08:00 AM"
    # "is the source of" asks too: searched for, it found "nguồn tin" in another article (answered from it at 0.99)
    assert seeds.ask("Which news agency is the source of the Tổ Quốc story?").answer == "Theo reuters"
    answer = seeds.ask("Ai viết bài VOV?")  # VOV's page has no byline
    assert answer.abstained and "gives no author" in (answer.notice or "")
    service = corpus_service(tmp_path_factory, "two-articles", {
        "a.txt": "Bão số 3 đổ bộ\n\n(VTC) - Bão số 3 đổ bộ vào Quảng Ninh chiều nay.\n",
        "b.txt": "Giá vàng tăng\n\n(VTC) - Giá vàng tăng mạnh trong phiên hôm nay.\n",
    })
    answer = service.ask("Ai viết bài VTC?")
    assert answer.abstained and "VTC ran 2 of the articles here" in (answer.notice or "")


def test_a_question_about_the_outlets_article_is_not_asked_of_another(seeds: QAService) -> None:
    """Tổ Quốc's page has no byline: "Ai viết bài Tổ Quốc về …?" says so, rather than answering from the news."""
    answer = seeds.ask("Ai viết bài Tổ Quốc về hợp tác chống khủng bố?")
    assert answer.abstained and "gives no author" in (answer.notice or "")
    assert "another outlet" not in (answer.notice or "")

def test_an_article_named_by_its_outlet_can_be_asked_about(seeds: QAService) -> None:
    """"The CLO report" names an article only the index knows as CLO's: its author is the byline."""
    snap = seeds.snapshot()
    assert names_its_article("Who is the author of the CLO report on the trilateral security meeting?", snap)
    assert names_its_article("When was VOV's report on Tillerson published?", snap)
    assert not names_its_article("Theo VOV, ai tham dự?", snap)  # the outlet, no article of it
    # where the answer is said, not the article asked about: "nguồn nào" asks the news
    assert not names_its_article("Trong bài của VOV, ai tham dự?", snap)
    answer = seeds.ask("Theo bài của báo Tổ Quốc, nguồn nào cho biết Trung Quốc có vai trò hạn chế trong chống khủng bố?")
    assert answer.passages[0].section == "body" and "Thornton" in answer.answer
    assert not names_its_article("Who wrote the report on North Korea's nuclear program?", snap)
    assert seeds.ask("Who is the author of the CLO report on the trilateral security meeting?").answer == "Chấn Phong"


@pytest.mark.parametrize("question", [
    "Ai viết bài của CLO về Triều Tiên?",  # the outlet's words out, "Ai viết về Triều Tiên?" asked no article
    "Ai viết bài CLO về Triều Tiên?",  # the article's word right before the name
    "tac gia bai CLO ve my nhat han thao luan trieu tien",
])
def test_its_author_asked_of_an_article_named_by_its_outlet(seeds: QAService, question: str) -> None:
    assert names_its_article(question, seeds.snapshot())
    answer = seeds.ask(question)
    assert answer.answer == "Chấn Phong" and answer.passages[0].section == "metadata"


def test_an_outlet_whose_name_its_text_holds_falls_back_too(seeds: QAService) -> None:
    """"Tổ Quốc" is also a word of the seeds: the name stays in the question and finds its article, which does not
    say whom Sullivan met in Anchorage; another outlet's article does."""
    answer = seeds.ask("Theo báo Tổ Quốc, Sullivan gặp ai ở Anchorage?")
    assert not answer.abstained and answer.passages[0].doc_id.startswith("004")
    assert answer.question == "Theo báo Tổ Quốc, Sullivan gặp ai ở Anchorage?"
    assert "no article from Tổ Quốc answers this" in (answer.notice or "")


def test_that_the_outlets_article_mentions_it_says_where_not_what(seeds: QAService) -> None:
    # "được nhắc đến" (mentioned) is in no answer: with it the Tổ Quốc article abstained and another outlet's
    # spokeswoman was given instead
    answer = seeds.ask("Người phát ngôn Bộ Ngoại giao Trung Quốc được nhắc đến trong bài của báo Tổ Quốc là ai?")
    assert not answer.abstained and answer.passages[0].doc_id.startswith("000")
    assert "Cảnh Sảng" in answer.passages[0].highlight.text


@pytest.mark.parametrize("question", [
    "Người phát ngôn được nhắc đến trong bài là ai?", "nguoi phat ngon duoc nhac den trong bai la ai",
    "Ai được đề cập tới trong bản tin?", "Who is the spokesman mentioned in the report?",
])
def test_the_words_that_say_it_is_mentioned_are_left_out(question: str) -> None:
    # one list of them, accented or not, with or without an outlet's name after them (``qa.asking.MENTION_VI``)
    left = without_asking_words(question).lower()
    assert not any(w in left.split() for w in ("nhắc", "nhac", "đề", "mentioned"))
    assert ("bài" in left or "bai" in left or "bản tin" in left or "report" in left)



def test_an_outlet_that_asks_is_left_out_only_where_its_passages_do_not_write_it(seeds: QAService) -> None:
    snap = seeds.snapshot()
    question, outlet = without_outlet("What title does VOV give General Fang Fenghui?", snap)
    assert outlet is not None and outlet.name == "VOV" and question.split() == "What title does give General Fang Fenghui?".split()
    answer = seeds.ask("What title does VOV give General Fang Fenghui?")
    assert not answer.abstained and "Tham mưu trưởng" in answer.answer
    # SeaPRwire's notice names it: a word the passage that answers has
    asked = "How many media outlets does SeaPRwire say its press releases reach?"
    question, outlet = without_outlet(asked, snap)
    assert outlet is not None and outlet.name == "SeaPRwire" and question == asked
    answer = seeds.ask(asked)
    assert not answer.abstained and "6.500 cửa hàng truyền thông" in answer.answer
