"""qa.documents: separating article body from boilerplate (decoding input files: test_decode_file.py)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from text_support import paragraph_texts as texts

from qa.cleaning import key
from qa.decoding import decode_file
from qa.documents import TITLE_CHARS, ParsedDocument, body_text, page_text, parse_document

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> ParsedDocument:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return parse_document(decode_file(path, 5_000_000), path.stem)


def dropped(doc: ParsedDocument, reason: str | None = None) -> list[str]:
    return [doc.raw[d.start : d.end] for d in doc.dropped if reason is None or d.reason == reason]


def assert_in_body(doc: ParsedDocument, sentence: str) -> None:
    assert any(sentence in t for t in texts(doc)), f"body lost: {sentence!r}"


def assert_not_in_body(doc: ParsedDocument, sentence: str) -> None:
    assert not any(sentence in t for t in texts(doc)), f"boilerplate kept: {sentence!r}"


# ------------------------------------------------------------ offsets, invariants
def test_there_are_five_seeds() -> None:
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_spans_and_dropped_slice_raw_exactly(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    doc = parse_document(raw, path.stem)
    assert doc.raw is raw and doc.doc_id == path.stem
    assert doc.paragraphs, "no body"
    blocks = [(p.start, p.end) for p in doc.paragraphs] + [(d.start, d.end) for d in doc.dropped]
    for start, end in blocks:
        piece = raw[start:end]
        assert piece and piece == piece.strip(), (start, end, piece)
    spans = [(p.start, p.end) for p in doc.paragraphs]
    assert spans == sorted(spans)
    ordered = sorted(blocks)
    for (_, end), (start, _) in zip(ordered, ordered[1:]):
        assert end <= start, "overlapping blocks"
    assert {d.reason for d in doc.dropped} <= {
        "duplicate", "related", "headline", "teaser", "subscribe", "metadata", "footer", "footer-text", "attribution",
        "outlet"}
    # every non-blank line of the file is accounted for by kept or dropped blocks
    covered = "".join(raw[s:e] for s, e in ordered)
    assert "".join(raw.split()) == "".join(covered.split())


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_no_duplicate_paragraph_survives(path: Path) -> None:
    doc = parse_document(path.read_text(encoding="utf-8"), path.stem)
    keys = [key(t) for t in texts(doc)]
    assert len(keys) == len(set(keys))


def test_body_text_joins_paragraphs() -> None:
    doc = seed("000")
    assert body_text(doc) == "\n\n".join(texts(doc))
    assert body_text(doc).startswith(doc.title)


# --------------------------------------------------------------------- seeds
def test_000_outlet_prefix_and_attribution() -> None:
    doc = seed("000")
    assert doc.source == "Tổ Quốc"
    assert doc.title == "Mỹ và Trung Quốc hướng đến kế hoạch tăng cường chống lại lực lượng khủng bố toàn cầu."
    assert texts(doc)[0] == doc.title
    assert dropped(doc, "outlet") == ["(Tổ Quốc) -"]
    assert dropped(doc, "attribution") == ["(Theo reuters)"]
    assert doc.date is None and doc.author is None


def test_001_related_block_duplicates_and_subscribe() -> None:
    doc = seed("001")
    assert doc.title == "Mỹ - Trung sẽ họp bàn vấn đề Triều Tiên"
    assert doc.source == "VOV.VN"
    assert dropped(doc, "subscribe") == ["Mời quý độc giả theo dõi VOV.VN trên"]
    assert "Tin liên quan" in dropped(doc, "related")
    for headline in (
        "Mỹ - Trung đối thoại về nghị quyết LHQ mới trừng phạt Triều Tiên",
        "Mỹ-Trung “đụng nhau chan chát” trong vấn đề Biển Đông",
        "Thế giới 7 ngày: Mặc Mỹ-Trung cảnh báo, Triều Tiên vẫn phóng tên lửa",
        "Mỹ-Trung tính đến khả năng siết chặt trừng phạt Triều Tiên",
        "Mỹ - Trung cam kết hỗ trợ Philippines chống IS",
        "Theo Đại sứ Mỹ Haley",
        "chính phủ Philippines",
        "VOV.VN",
    ):
        assert_not_in_body(doc, headline)
    assert texts(doc)[1].startswith("Ngoại trưởng Mỹ Rex Tillerson nói rõ rằng")
    assert texts(doc)[-1].endswith("gây sức ép với Triều Tiên./.")
    assert len(doc.paragraphs) == 8  # title + 7 body lines


def test_002_sidebar_dropped_body_kept() -> None:
    doc = seed("002")
    for boilerplate in (
        "Tiêu điểm", "Tin đang nóng", "Tin mới nhất", "Có thể bạn quan tâm",
        "Manus của Trung Quốc thách thức Mỹ", "Belarus cải tổ chính phủ", "09:18:23 11/03/2025",
        "Du lịch", "Celine Dion đưa ra cảnh báo khẩn cấp", "Nhạc quốc tế",
    ):
        assert_not_in_body(doc, boilerplate)
    assert texts(doc)[-1].endswith("dấu hiệu Trung Quốc có thể sẵn sàng hỗ trợ Nga.")
    # the line above the sidebar is another article's headline run into its lead, cut short: page text, not the
    # article (it told of a planned Sullivan - Vương Nghị meeting, and answered "Ai đã gặp nhau tại Rome?")
    (lead,) = dropped(doc, "teaser")
    assert lead.startswith("Quan chức Mỹ - Trung có kế hoạch") and lead.endswith("Cố vấn An ninh Quốc gia...")
    assert doc.source is None and doc.date is None and doc.author is None


def test_003_disclaimer_ends_the_article() -> None:
    doc = seed("003")
    assert doc.source == "SeaPRwire"
    assert doc.title.startswith("Ngoại trưởng hàng đầu của Mỹ và Trung Quốc đồng ý")
    assert texts(doc)[-1] == "“Di sản ngoại giao ông để lại xứng đáng được thế hệ sau noi theo và phát triển,” theo lời Vương Nghị."
    assert dropped(doc, "footer") == ["Lĩnh vực: Tin nổi bật, Tin tức hàng ngày"]
    prose = dropped(doc, "footer-text")  # the footer's prose: not the article, searchable as "footer"
    assert len(prose) == 2
    assert prose[0].startswith("Bài viết được cung cấp bởi nhà cung cấp nội dung bên thứ ba")
    assert prose[1].startswith("SeaPRwire cung cấp phát hành thông cáo báo chí")
    assert_not_in_body(doc, "SeaPRwire")


def test_004_metadata_author_and_inline_related_marker() -> None:
    doc = seed("004")
    assert doc.date == "2021-03-24T08:00"
    assert doc.source == "CLO"
    assert doc.author == "Chấn Phong"
    assert "Chấn Phong" in dropped(doc, "metadata")
    assert "Thứ tư, 24/03/2021 08:00 AM - 0 Trả lời" in dropped(doc, "metadata")
    body = texts(doc)
    assert body[1].startswith("Các cố vấn an ninh quốc gia của Mỹ")  # "(CLO) " cut off
    caption = "Cố vấn an ninh quốc gia Hoa Kỳ Jake Sullivan (phải) phát biểu"
    assert sum(t.startswith(caption) for t in body) == 1
    assert "Bài liên quan" in dropped(doc, "related")
    after_marker = "Cố vấn An ninh Quốc gia Hoa Kỳ Jake Sullivan dự kiến sẽ có một phiên họp ba bên"
    assert body[3].startswith(after_marker)
    assert "Tin khác" in dropped(doc, "related")
    for sidebar in ("Liên hợp quốc: Thế giới lãng phí", "Thế giới 24h", "Interpol", "Evolve Dynamics", "F-16"):
        assert_not_in_body(doc, sidebar)
    assert body[-1].startswith("Ở một diễn biến khác, Triều Tiên được cho là vừa thử tên lửa tầm ngắn")


BODY_SENTENCES = {
    "000": [
        "Mỹ mong muốn Trung Quốc trở thành đồng minh hỗ trợ trong cuộc chiến chống lại chủ nghĩa khủng bố",
        "Ảnh:Reuters |",
        "Bà Susan Thornton, Quyền Trợ lý ngoại trưởng Mỹ",
        "“Chúng tôi nghĩ, họ nên có thêm các hành động cùng với liên minh quốc tế",
        "Bắc Kinh hiện không phải là một trong 68 thành viên liên minh",
        "phát ngôn Bộ ngoại giao Trung Quốc Cảnh Sảng cũng nhấn mạnh",
        "tướng Phòng Phong Huy - Tổng tư lệnh Quân đội giải phóng nhân dân Trung Quốc",
        "từ bỏ các chương trình hạt nhân và tên lửa",
    ],
    "001": [
        "Mỹ - Trung sẽ họp bàn vấn đề Triều Tiên",
        "Ngoại trưởng Mỹ Rex Tillerson nói rõ rằng Mỹ muốn Trung Quốc hỗ trợ hơn nữa",
        "sẽ tham dự một cuộc đối thoại an ninh vào ngày 21/6",
        "(Ảnh: Bộ Ngoại giao Mỹ)",
        "cuộc họp này sẽ diễn tại Washington",
        "nhất trí hồi tháng 4/2017",
        "Quan hệ Mỹ-Trung hiện nồng ấm hơn",
        "Ngoại trưởng Mỹ Rex Tillerson nói rằng, vấn đề Triều Tiên sẽ được ưu tiên",
    ],
    "002": [
        "Giới chức cấp cao Mỹ-Trung thảo luận gì tại cuộc gặp kéo dài 7 giờ tại Rome?",
        "kéo dài 7 tiếng tại Rome",
        "Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp. Ảnh: Reuters",
        "Cố vấn An ninh Quốc gia Mỹ Jake Sullivan đã đề cập đến nhiều vấn đề",
        "Khủng hoảng Ukraine được cho là chủ đề thảo luận chính.",
        "“một số hành động nhất định”",
        "Liu Pengyu khẳng định",
        "tuân thủ mục đích và nguyên tắc của Hiến chương Liên hợp quốc",
        "truy tận gốc vấn đề",
        "Trung Quốc phủ nhận thông tin Nga đề nghị nước này trợ giúp quân sự trong cuộc chiến Ukraine",
        "Tờ Financial Times (Anh), New York Times (Mỹ) và hãng tin RT (Nga)",
        "Ảnh: AP",
        "Chúng tôi thực sự hy vọng xung đột sẽ lắng dịu",
        "Ủy ban Công tác Ngoại vụ Trung ương",
        "Moskva còn đề nghị Trung Quốc hỗ trợ kinh tế bổ sung",
        "Mỹ đang chuẩn bị gửi cảnh báo tới một số đồng minh",
    ],
    "003": [
        "hợp tác ngăn chặn xung đột Israel-Hamas lan rộng.",
        "tại San Francisco hồi tháng trước",
        "củng cố đà ổn định quan hệ Mỹ-Trung",
        "Blinken cũng nhấn mạnh hai bên cần phát huy tiến trình",
        "tái khởi động đối thoại quân sự",
        "kế hoạch hòa bình bốn điểm",
        "phiến quân Houthi Yemen",
        "tôn trọng quyền lập quốc và tự quyết của Palestine, phản ánh ý nguyện",
        "hệt thống giải pháp",
        "khi làm việc dưới thời Tổng thống Richard Nixon",
        "Di sản ngoại giao ông để lại",
    ],
    "004": [
        "Mỹ, Nhật Bản và Hàn Quốc thảo luận về Triều Tiên vào tuần tới",
        "sẽ gặp mặt trực tiếp tại Washington vào tuần tới",
        "khách sạn Captain Cook ở Anchorage, Alaska",
        "Shigeru Kitamura của Nhật Bản và Suh Hoon của Hàn Quốc",
        "đánh giá dài hạn về chính sách đối với Triều Tiên",
        "cải thiện thông tin liên lạc giữa Seoul và Tokyo",
        "Bộ trưởng Quốc phòng Lloyd Austin",
        "Dương Khiết Trì và Vương Nghị ở Anchorage",
        "Quan điểm của Trung Quốc là ủng hộ ngoại giao",
        "thẳng thắn với Trung Quốc là vì lợi ích tốt nhất",
        "bà Kim Yo Jong, em gái của Nhà lãnh đạo Kim Jong Un",
    ],
}


@pytest.mark.parametrize("prefix", sorted(BODY_SENTENCES))
def test_nothing_of_the_article_body_is_dropped(prefix: str) -> None:
    doc = seed(prefix)
    for sentence in BODY_SENTENCES[prefix]:
        assert_in_body(doc, sentence)


# ---------------------------------------------------------- synthetic inputs
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_crlf_nfd_and_bom_variants_give_the_same_paragraphs(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    base = parse_document(raw, "x")
    meta = (base.title, base.source, base.date, base.author)
    for variant in (raw.replace("\n", "\r\n"), "\ufeff" + raw, unicodedata.normalize("NFD", raw)):
        doc = parse_document(variant, "x")
        assert [unicodedata.normalize("NFC", t) for t in texts(doc)] == texts(base)
        assert (doc.title, doc.source, doc.date, doc.author) == meta
        assert all("\r" not in t and "\ufeff" not in t for t in texts(doc))


def test_article_without_outlet_or_date() -> None:
    raw = "Một tiêu đề bình thường\n\nĐoạn thứ nhất của bài viết nói về thời tiết ở Hà Nội trong tuần này.\n"
    doc = parse_document(raw, "plain")
    assert (doc.source, doc.date, doc.author) == (None, None, None)
    assert texts(doc) == ["Một tiêu đề bình thường", "Đoạn thứ nhất của bài viết nói về thời tiết ở Hà Nội trong tuần này."]
    assert doc.dropped == ()


@pytest.mark.parametrize("raw", ["Martin Luther", "\n\n  Martin Luther  \n", "\ufeffMartin Luther\r\n"])
def test_title_only_document(raw: str) -> None:
    doc = parse_document(raw, "t")
    assert doc.title == "Martin Luther"
    assert texts(doc) == ["Martin Luther"]
    assert doc.author is None and doc.dropped == ()


def test_empty_text_gives_empty_document() -> None:
    doc = parse_document(" \n\n", "e")
    assert doc.title == "" and doc.paragraphs == () and doc.dropped == ()


def test_encyclopedia_article_keeps_every_paragraph() -> None:
    """Shape of the XQuAD eval docs: English title, Vietnamese paragraphs, nothing to drop."""
    paragraphs = [
        "Đội thủ của Panthers chỉ thua 308 điểm, đứng thứ sáu trong giải đấu, đồng thời dẫn đầu NFL về số lần đánh chặn.",
        "\ufeffChiến tranh tôn giáo nối lại vào những năm 1620 khiến các đặc quyền chính trị và quân sự bị thu hồi.",
        "Năm 1891 nhà hóa học người Scotland James Dewar đã có thể tạo ra đủ oxi lỏng để nghiên cứu. Quá trình tạo ra O",
        "2 nén. Phương pháp hàn và cắt kim loại này sau này trở nên thông dụng.",
        "Khi thời gian quy định còn lại 4:51, Carolina có bóng ở vạch 24 yard ở phần sân của họ",
        "Theo điều tra dân số năm 1897, Warsaw có 638.000 cư dân, trong đó có 219.000 người Do Thái.",
        "Năm 1900, Tesla đã được cấp bằng sáng chế cho một \"hệ thống truyền năng lượng điện\".",
    ]
    raw = "Sky (United Kingdom)\n\n" + "\n\n".join(paragraphs) + "\n"
    doc = parse_document(raw, "xq")
    assert doc.title == "Sky (United Kingdom)"
    assert texts(doc) == ["Sky (United Kingdom)"] + [p.lstrip("\ufeff") for p in paragraphs]
    assert doc.dropped == ()
    assert (doc.source, doc.date, doc.author) == (None, None, None)


def test_headline_that_looks_like_a_prefix_is_not_an_outlet() -> None:
    raw = "EU - Trung Quốc nhất trí hợp tác\n\nHai bên đã ký thỏa thuận mới về thương mại và khí hậu trong cuộc gặp tại Brussels.\n"
    doc = parse_document(raw, "eu")
    assert doc.source is None and doc.title == "EU - Trung Quốc nhất trí hợp tác"


def test_header_metadata_byline_and_trailing_attribution() -> None:
    raw = (
        "Tiêu đề bài báo\n"
        "Cập nhật: 10:30 ngày 5 tháng 4 năm 2023 (GMT+7)\n"
        "TTO - Sáng nay, Bộ Y tế đã công bố thêm nhiều ca mắc mới trên cả nước, phần lớn trong khu cách ly.\n"
        "Xem thêm: Hà Nội tăng cường phòng dịch\n"
        "Ngọc Anh\n"
        "Theo Reuters\n"
    )
    doc = parse_document(raw, "m")
    assert doc.date == "2023-04-05T10:30"
    assert doc.source == "TTO"
    assert doc.author == "Ngọc Anh"
    assert texts(doc) == ["Tiêu đề bài báo", "Sáng nay, Bộ Y tế đã công bố thêm nhiều ca mắc mới trên cả nước, phần lớn trong khu cách ly."]
    assert dropped(doc, "related") == ["Xem thêm: Hà Nội tăng cường phòng dịch"]
    assert dropped(doc, "attribution") == ["Theo Reuters"]


def test_a_quoted_sentence_is_text_and_a_quoted_headline_a_link() -> None:
    """A line starting with ">" was a link to another article whatever it said: a quoted sentence of the article (a
    Markdown blockquote) was dropped, and its fact answered by another article."""
    raw = (
        "Tuyến metro Victor khai trương\n"
        "Tuyến metro Victor chính thức chở khách từ sáng nay với 14 nhà ga trên toàn tuyến.\n"
        "> Theo kế hoạch, tuyến metro Victor sẽ được mở rộng thêm 8 km vào năm 2027.\n"
        ">> Hà Nội tăng cường phòng dịch\n"
        "» Giá xăng giảm lần thứ ba liên tiếp\n"
    )
    doc = parse_document(raw, "m")
    assert "> Theo kế hoạch, tuyến metro Victor sẽ được mở rộng thêm 8 km vào năm 2027." in texts(doc)
    assert dropped(doc, "related") == [">> Hà Nội tăng cường phòng dịch", "» Giá xăng giảm lần thứ ba liên tiếp"]


def test_date_without_year_is_not_a_date() -> None:
    raw = "Tiêu đề\nThứ ba, 23/3\nNội dung bài viết rất ngắn nhưng có một câu hoàn chỉnh."
    assert parse_document(raw, "d").date is None


def test_subscribe_line_names_the_source_when_no_prefix() -> None:
    raw = "Tiêu đề\nMột câu của thân bài về tin tức trong ngày.\nMời quý độc giả theo dõi VOV.VN trên\n"
    doc = parse_document(raw, "s")
    assert doc.source == "VOV.VN"
    assert texts(doc) == ["Tiêu đề", "Một câu của thân bài về tin tức trong ngày."]


# ------------------------------------------------------------ more rule cases
def test_dateline_above_the_title_is_metadata() -> None:
    raw = "Thứ hai, 05/04/2021 - 14:20\nTiêu đề thật của bài\nĐoạn thân bài đầu tiên, đủ dài để là một câu hoàn chỉnh."
    doc = parse_document(raw, "d")
    assert doc.title == "Tiêu đề thật của bài"
    assert doc.date == "2021-04-05T14:20"
    assert dropped(doc, "metadata") == ["Thứ hai, 05/04/2021 - 14:20"]


def test_copyright_line_mid_article_does_not_end_the_body() -> None:
    raw = (
        "Tiêu đề\n"
        "Câu đầu tiên của bài viết nói về cuộc họp.\n"
        "© Reuters\n"
        "Câu thứ hai của bài viết vẫn là nội dung chính của bài.\n"
    )
    doc = parse_document(raw, "c")
    assert dropped(doc, "footer") == ["© Reuters"]
    assert_in_body(doc, "Câu thứ hai của bài viết vẫn là nội dung chính")


def test_related_block_ends_where_prose_resumes() -> None:
    prose = ("Cuộc họp kéo dài ba giờ, hai bên thảo luận về thương mại, khí hậu và an ninh khu vực, "
             "đồng thời nhất trí tiếp tục đối thoại trong thời gian tới.")
    raw = f"Tiêu đề\n\nĐoạn mở đầu của bài báo.\n\nTin liên quan:\n\nMột tiêu đề liên quan ngắn\n\n{prose}\n"
    doc = parse_document(raw, "r")
    assert dropped(doc, "related") == ["Tin liên quan:", "Một tiêu đề liên quan ngắn"]
    assert texts(doc)[-1] == prose


def test_a_list_of_headlines_is_searchable_one_set_apart_is_not() -> None:
    """Headlines one after another ("Tin mới nhất") are the page's text (``SECTIONS``); one set apart by a section
    name and a timestamp, or alone, is not a passage (a lone headline ranked first on one word of a question)."""
    first, second = "Liên minh cầm quyền tại Estonia sụp đổ", "Belarus cải tổ chính phủ sau bầu cử"
    raw = (f"Tiêu đề\n\nĐoạn mở đầu của bài báo.\n\nTin mới nhất\n\n{first}\n\n{second}\n\nThế giới 24h\n\n"
           "Có thể bạn quan tâm\n\n"
           "Hòn đảo tỷ phú với những bãi biển đẹp ngỡ ngàng\n\nDu lịch\n\n09:18:23 11/03/2025\n")
    doc = parse_document(raw, "lists")
    assert dropped(doc, "headline") == [first, second]
    assert [raw[s:e] for s, e, section in page_text(doc.dropped)] == [first, second]
    assert "Hòn đảo tỷ phú với những bãi biển đẹp ngỡ ngàng" in dropped(doc, "related")
    assert "Thế giới 24h" in dropped(doc, "related")  # three words: a section name, not a headline


def test_sidebar_teaser_with_outlet_prefix_stays_in_the_block() -> None:
    teaser = ("(CLO) Một báo cáo mới của Liên hợp quốc cho thấy hơn 1 tỷ bữa ăn bị lãng phí mỗi ngày "
              "trên toàn thế giới trong khi gần 800 triệu người đang bị ảnh hưởng bởi nạn đói.")
    raw = f"Tiêu đề\nThân bài một câu.\nTin khác\nLiên hợp quốc: Thế giới lãng phí thực phẩm\n{teaser}\nThế giới 24h\n"
    doc = parse_document(raw, "t")
    assert texts(doc) == ["Tiêu đề", "Thân bài một câu."]
    assert doc.source is None


def test_a_text_without_line_breaks_gets_a_headline_not_its_whole_text_as_title() -> None:
    sentence = "Cầu Rồng mới ở Đà Nẵng được khánh thành hôm nay với sự tham dự của hàng nghìn người dân."
    one_line = " ".join([sentence] * 3000)  # ~270,000 characters on one line
    doc = parse_document(one_line, "longline")
    assert doc.title == sentence
    words = "từ " * 200  # a first sentence that is itself too long: cut at a word, marked
    doc = parse_document(words.strip() + ". Câu sau.", "words")
    assert len(doc.title) <= TITLE_CHARS and doc.title.endswith("từ…") and words.startswith(doc.title[:-1])
    short = parse_document("Tiêu đề ngắn\n\nNội dung bài báo ở đây.\n", "short")
    assert short.title == "Tiêu đề ngắn"
