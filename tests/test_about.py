"""Questions about an article itself -- when it was published, who wrote it, which outlet ran it, which agency it
follows (``qa.about``) -- answered with the line of its page that says so (``qa.credits``)."""

from __future__ import annotations

import pytest

from service_support import corpus_service
from qa.about import about_kind, without_about
from qa.credits import _line
from qa.service import QAService
from qa.snapshot import DocMeta


@pytest.mark.parametrize(("question", "kind"), [
    ("Bài báo về cuộc họp ba bên Mỹ-Nhật-Hàn được đăng vào ngày nào?", "date"),
    ("bai bao ve cuoc hop my nhat han dang ngay nao", "date"),
    ("When was the article about the Rome talks published?", "date"),
    ("When did the story about Kissinger's death come out?", "date"),
    ("Ai viết bài về cuộc gặp của cố vấn an ninh Mỹ, Nhật, Hàn?", "author"),
    ("Who is the author of the article on Blinken and Wang Yi?", "author"),
    ("Bài báo của Tổ Quốc về hợp tác chống khủng bố dẫn theo hãng tin nào?", "agency"),
    ("Which news agency is the Tổ Quốc article on counter-terrorism based on?", "agency"),
    ("What date was the story on Blinken and Wang Yi published?", "date"),
    ("Báo nào đăng bài về cuộc gặp ở Rome?", "outlet"),
    ("Which newspaper published the story on the Anchorage talks?", "outlet"),
    # a time of day; "viết bài" whatever the topic's first word ("bài Mỹ" is not "anti-American" after "viết"); the
    # report someone published; who distributed it
    ("Bài báo CLO về Mỹ, Nhật, Hàn thảo luận về Triều Tiên được đăng lúc mấy giờ?", "date"),
    ("ai viết bài Mỹ Nhật Hàn thảo luận về Triều Tiên trên CLO", "author"),
    ("ai viet bai my nhat ban han quoc thao luan ve trieu tien", "author"),
    ("Who distributed the article about Wang Yi and Blinken's talks?", "outlet"),
    # who supplied or distributed it, in other words; not a photo's supplier nor a supplier in the news
    ("Which service distributed the piece about Wang Yi and Blinken?", "outlet"),
    ("ai cung cap bai viet ve Vuong Nghi va Blinken?", "outlet"),
    ("Bài viết về Vương Nghị và Blinken được cung cấp bởi ai?", "outlet"),
    ("Who supplied the photo of Rex Tillerson meeting Yang Jiechi in the VOV story?", None),
    ("Theo bài báo, ai cung cấp vũ khí cho Nga?", None),
    ("Bài viết về chiến sự Ukraine cho biết tên lửa được cung cấp bởi ai?", None),  # found in review
    ("The article on Huawei: which company supplied the chips?", None),
    ("Bài viết về Vương Nghị và Blinken được xếp vào lĩnh vực nào?", "category"),
    ("Bài về cuộc trao đổi giữa Vương Nghị và Blinken thuộc chuyên mục nào?", "category"),
    ("Which section is the article on Wang Yi and Blinken filed under?", "category"),
    ("Mỹ và Trung Quốc hợp tác trong lĩnh vực nào?", None), ("Theo bài báo, hai nước hợp tác trong lĩnh vực nào?", None),
    # a field or a list that is news, "which section of the article", a report someone published (found in review)
    ("Bài báo về Đối thoại Mỹ-Trung nhằm mở rộng hợp tác ở lĩnh vực nào?", None),
    ("Bài báo về lễ hội có tiết mục gì đặc sắc?", None), ("Bài báo về dự án có những hạng mục nào?", None),
    ("In which section of the article on Wang Yi and Blinken is Israel mentioned?", None),
    ("Which outlets published the report that Russia had asked China for military aid?", None),
    ("Who published the report that Russia had asked China for military aid?", None),
    # about the news: no word for the article, or one that only says where the answer is written
    ("Which newspapers reported that Russia had asked China for military aid?", None),
    ("According to the article, which media outlets reported that Russia asked China for help?", None),
    ("Theo bài báo, ai đã gặp nhau tại Rome?", None),
    ("What did the report say about North Korea?", None),
    ("cuoc hop dang dien ra khi nao", None),  # "đang" (under way), not "đăng" (published)
    ("Bài phát biểu của ông Sullivan do ai viết?", None),  # a speech
    ("Ai viết bài thơ Bánh trôi nước?", None), ("ai viet bai tho banh troi nuoc", None),  # a poem
    ("Triều Tiên cảnh báo nào đã đưa ra?", None),
    ("Who met in Rome?", None),
    ("Dựa vào bài viết, nguồn tin nào cho biết Mỹ muốn Trung Quốc hỗ trợ chống khủng bố?", None),
    ("Bài báo này cho biết ai là tác giả của kế hoạch chống khủng bố toàn cầu?", None),
    ("When was the US official's statement released, according to a report?", None),
    ("Who wrote the report on North Korea's nuclear program?", None),  # a report in the news
    ("Which agency released the report on inflation?", None),
    ("When did Reuters report that the hostages were released?", None),
    ("Which journalist was hit by a piece of shrapnel?", None),
    ("Tác giả bài dự thi đạt giải nhất là ai?", None), ("Bài đăng của ông Musk được đăng lúc nào?", None),
    ("Ngày đăng ký của bài thi là ngày nào?", None),
    ("tac gia cua that bai do la ai", None),  # "thất bại"
    ("nguon tin nao cho biet nga bi danh bai o kharkiv", None),  # "đánh bại"
    # "bài Mỹ" is also anti-American: an article after its author's word or before the newspaper that ran it
    ("ai la tac gia bai my nhat han thao luan ve trieu tien", "author"),
    ("Bài Mỹ Trung chống khủng bố của báo Tổ Quốc theo nguồn nào?", "agency"),
    ("Ai là tác giả bài thơ này?", None), ("Nguồn tin nào nói về làn sóng bài Mỹ của báo chí Trung Quốc?", None),
    # whose a photo in it is: the caption's credit (``qa.photos``)
    ("Ảnh minh họa bài Mỹ - Trung chống khủng bố của báo Tổ Quốc lấy từ đâu?", None),
    # one outlet that reported or ran the news: which ran the article, though no word names it; outlets, or one
    # described, are what the news says
    ("Which news site reported that US and Chinese officials would meet?", "outlet"),
    ("Which outlet published the report that the US wants China as an ally?", "outlet"),
    ("Which newspapers reported that Russia had asked China for military aid?", None),
    ("Which Russian outlet also carried the report about Moscow asking Beijing for help?", None),
    # asked by what only an article has: an outlet's tag or byline on it, its byline; an outlet by its site, a
    # broadcaster, a distributor described
    ("Which outlet's tag opens the report on the Anchorage talks?", "outlet"),
    ("Which Vietnamese newspaper's byline is on the report on counter-terrorism?", "outlet"),
    ("Who is the byline on the report about the trilateral talks?", "author"),
    ("Whose byline is on the piece?", "author"),
    ("Which broadcaster's website ran the story on the Rome talks?", "outlet"),
    ("Which broadcaster reported that US and Chinese officials would meet?", "outlet"),
    ("Which press-release distributor supplied the story about Wang Yi and Blinken?", "outlet"),
    ("Which channel did the president appear on?", None), ("What was the name of the UN report?", None),
])
def test_what_a_question_asks_about_the_article(question: str, kind: str | None) -> None:
    assert about_kind(question) == kind


def test_the_words_that_ask_are_left_out_and_the_topic_kept() -> None:
    assert without_about("When was the article about the Rome talks published?").split() == ["the", "Rome", "talks", "?"]
    assert without_about("Ai viết bài về cuộc gặp ở Rome?").split() == ["cuộc", "gặp", "ở", "Rome?"]
    assert without_about("Who met in Rome?") == "Who met in Rome?"
    assert "Blinken" in without_about("What date was the story on Blinken and Wang Yi published?").split()
    assert without_about("Which news site reported that the talks ended?").split() == ["that", "the", "talks", "ended?"]


def _first(seeds: QAService, question: str, **kwargs: object):
    answer = seeds.ask(question, **kwargs)
    assert not answer.abstained, (question, answer.confidence, answer.notice)
    first = answer.passages[0]
    raw = seeds.raw_text(first.doc_id)
    assert raw[first.start : first.end] == first.text and raw[first.highlight.start : first.highlight.end] == first.highlight.text
    return answer, first


@pytest.mark.parametrize(("question", "doc", "said", "line"), [
    ("Bài báo về cuộc họp ba bên Mỹ-Nhật-Hàn được đăng vào ngày nào?", "004", "24/03/2021 08:00 AM",
     "Thứ tư, 24/03/2021 08:00 AM - 0 Trả lời"),
    ("bai bao ve cuoc hop cua co van an ninh my nhat han dang ngay nao", "004", "24/03/2021 08:00 AM", None),
    ("Ai viết bài về cuộc gặp của cố vấn an ninh Mỹ, Nhật, Hàn?", "004", "Chấn Phong", "Chấn Phong"),
    ("Who wrote the article about the national security advisers meeting?", "004", "Chấn Phong", None),
    ("Bài báo của Tổ Quốc về hợp tác chống khủng bố Mỹ-Trung dẫn theo hãng tin nào?", "000", "Theo reuters",
     "(Theo reuters)"),
    ("Which newspaper published the story on the Anchorage talks?", "004", "CLO", "(CLO)"),
    ("Which outlet published the report that the US wants China as an ally against Islamic State?", "000", "Tổ Quốc",
     "(Tổ Quốc) -"),
    ("Bài báo CLO về Mỹ, Nhật, Hàn thảo luận về Triều Tiên được đăng lúc mấy giờ?", "004", "24/03/2021 08:00 AM", None),
    ("ai viet bai my nhat ban han quoc thao luan ve trieu tien", "004", "Chấn Phong", None),
    ("ai la tac gia bai my nhat han thao luan ve trieu tien", "004", "Chấn Phong", None),
    ("bai my trung chong khung bo cua bao to quoc theo nguon nao", "000", "Theo reuters", None),
    # "is the source of", "cited as the source of" ask too: left in, they were the words searched for ("nguồn tin"
    # of another article), and "wire service" lost its "service"
    ("Which wire service is cited as the source of the Tổ Quốc story on counterterrorism cooperation?", "000",
     "Theo reuters", None),
    ("Bài viết về Vương Nghị và Blinken được xếp vào lĩnh vực nào?", "003", "Tin nổi bật, Tin tức hàng ngày",
     "Lĩnh vực: Tin nổi bật, Tin tức hàng ngày"),
    ("Which outlet's tag appears at the start of the report on the security advisers of the US, Japan and South "
     "Korea?", "004", "CLO", "(CLO)"),
    ("Who is the byline on the report about the US, Japan and South Korea security talks?", "004", "Chấn Phong",
     "Chấn Phong"),
])
def test_answered_with_the_line_of_the_page(seeds: QAService, question: str, doc: str, said: str,
                                             line: str | None) -> None:
    answer, first = _first(seeds, question)
    assert first.doc_id.startswith(doc) and first.section == "metadata" and first.chunk_id is None
    assert answer.answer == first.highlight.text == said
    assert answer.confidence > 0.9  # sure of the article (a date asked for: its dateline offers it, not its text)
    assert line is None or first.text == line
    # then the passages that found the article, ranked after it
    assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    assert answer.passages[1].doc_id == first.doc_id and answer.passages[1].section == "body"


def test_k_passages_in_all(seeds: QAService) -> None:
    question = "Ai viết bài về cuộc gặp của cố vấn an ninh Mỹ, Nhật, Hàn?"
    assert [p.section for p in seeds.ask(question, k=1).passages] == ["metadata"]
    assert len(seeds.ask(question, k=3).passages) == 3


def test_a_page_without_the_line_says_so(seeds: QAService) -> None:
    """Seed 002 names no outlet and no date: the answer abstains and says which article lacks it, rather than
    answering with a date in the news ("ngày 14/3")."""
    for question in ("Báo nào đăng bài về cuộc gặp ở Rome?", "Bài báo về cuộc gặp kéo dài 7 giờ ở Rome đăng ngày nào?",
                     "Bài báo về cuộc gặp ở Rome thuộc chuyên mục nào?"):
        answer = seeds.ask(question)
        assert answer.abstained and answer.answer is None, question
        assert "002_57590387f8aa0a75" in (answer.notice or "") and "gives no" in answer.notice
        assert answer.passages and all(p.low_confidence for p in answer.passages)


def test_an_agency_the_page_does_not_credit_is_looked_for_in_the_text(seeds: QAService) -> None:
    """Seed 002 credits no agency on its page, but its text names whom it cites: the question is answered as any."""
    plain = seeds.ask("Hãng tin nào đưa tin về kế hoạch thảo luận vấn đề Ukraine ở Rome?")
    about = seeds.ask("Bài báo về kế hoạch thảo luận vấn đề Ukraine ở Rome dẫn theo hãng tin nào?")
    assert all(p.section != "metadata" for p in about.passages)
    assert about.passages[0].doc_id == plain.passages[0].doc_id


def test_the_article_is_the_one_the_topic_finds(seeds: QAService) -> None:
    """No topic, no article: "Bài báo này đăng ngày nào?" asked alone is refused; as a follow-up, the turn before
    finds the article."""
    alone = seeds.ask("Bài báo này được đăng ngày nào?")
    assert alone.abstained
    _, first = _first(seeds, "Bài báo này được đăng ngày nào?",
                      history=["Ai là cố vấn an ninh quốc gia của Nhật Bản và Hàn Quốc?"])
    assert first.doc_id.startswith("004") and first.highlight.text == "24/03/2021 08:00 AM"
    # after a question about an article, "Ai viết?" asks its author without naming it again
    _, first = _first(seeds, "Ai viết?", history=["Bài báo về cuộc họp ba bên Mỹ-Nhật-Hàn được đăng vào ngày nào?"])
    assert first.highlight.text == "Chấn Phong"
    assert all(p.section != "metadata" for p in seeds.ask("Ai viết?").passages)  # alone, no article named
    english = seeds.ask("Who wrote it?", history=["Who wrote the article about the national security advisers meeting?"])
    assert english.answer == "Chấn Phong"
    # a follow-up that says more is about the news: "Tờ báo nào đưa tin ...?" names the papers of the story
    news = seeds.ask("Tờ báo nào đưa tin Nga yêu cầu Trung Quốc trợ giúp quân sự?",
                     history=["Bài báo về cuộc gặp ở Rome đăng ngày nào?"])
    assert not news.abstained and "Financial Times" in news.answer
    assert about_kind("When was the peace plan released?", "Who wrote the article on the Rome meeting?") is None


def test_a_question_about_the_news_is_answered_from_the_news(seeds: QAService) -> None:
    answer = seeds.ask("According to the article, which newspapers reported that Russia asked China for military aid?")
    assert answer.passages[0].section == "body" and "Financial Times" in answer.passages[0].text


def test_metadata_given_without_a_line_answers_as_given(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A document whose date was given with it (HTTP, ``add_text``) has no dateline: the answer is the date."""
    service = corpus_service(tmp_path_factory, "about-given", {"a.txt": "Bão số 3 đổ bộ\n\nBão số 3 đổ bộ vào Quảng "
                                                                         "Ninh chiều nay, gió giật cấp 12.\n"})
    service.add_text("b", "Lũ lớn ở miền Trung\n\nMưa lớn kéo dài gây lũ lớn ở Quảng Bình và Hà Tĩnh suốt ba ngày.\n",
                     date="2024-09-08", author="Minh Anh")
    assert service.ask("Bài viết về bão số 3 đăng ngày nào?").abstained  # no date at all: said so
    assert service.ask("Bài viết về lũ lớn ở Quảng Bình đăng ngày nào?").answer == "2024-09-08"
    assert service.ask("Ai viết bài về lũ ở Quảng Bình?").answer == "Minh Anh"


def test_the_section_line_ends_at_the_line_break_of_any_page() -> None:
    """A page with Windows line ends: the section it is filed under without the carriage return."""
    raw = "Tiêu đề\r\nNội dung bài.\r\nLĩnh vực: Tin nổi bật, Tin tức hàng ngày\r\nSeaPRwire cung cấp ...\r\n"
    meta = DocMeta("d", "Tiêu đề", None, None, None, None)
    start, end, at, to = _line(raw, meta, "category")
    assert raw[at:to] == "Tin nổi bật, Tin tức hàng ngày" and raw[start:end].startswith("Lĩnh vực:")
    assert _line(raw.replace("Lĩnh vực: Tin nổi bật, Tin tức hàng ngày", "Tin nổi bật"), meta, "category") is None
