"""News page layouts that cleaning must read as a careful reader would: what is the title, the outlet,
the body; what is page furniture (share buttons, photo credits, lists of links)."""

from __future__ import annotations

from text_support import paragraph_texts as texts

from qa.documents import parse_document


def _dropped(doc) -> dict[str, str]:  # noqa: ANN001
    return {doc.raw[d.start : d.end]: d.reason for d in doc.dropped}


def test_short_sentences_after_a_list_of_links_are_body_again() -> None:
    """A "Tin liên quan" block in the middle ends at the first sentence with a full stop, however short."""
    raw = ("Mưa lớn gây sạt lở ở Lào Cai, 3 người mất tích\n"
           "(Dân trí) - Mưa lớn kéo dài từ đêm qua đã gây sạt lở đất tại huyện Bát Xát, tỉnh Lào Cai, làm 3 "
           "người mất tích và nhiều ngôi nhà bị vùi lấp hoàn toàn.\n"
           "Tin liên quan\n"
           "Sạt lở đất vùi lấp nhà dân ở Hà Giang, 2 mẹ con tử vong\n"
           "Những người mất tích gồm bà Lý Thị Mai và hai cháu nhỏ.\n"
           "Lượng mưa đo được tại Bát Xát trong 24 giờ qua lên tới 120 mm.\n"
           "Nguyễn Hùng\n")
    doc = parse_document(raw, "lao-cai")
    body = texts(doc)
    assert "Những người mất tích gồm bà Lý Thị Mai và hai cháu nhỏ." in body
    assert "Lượng mưa đo được tại Bát Xát trong 24 giờ qua lên tới 120 mm." in body
    assert _dropped(doc)["Sạt lở đất vùi lấp nhà dân ở Hà Giang, 2 mẹ con tử vong"] == "related"
    assert doc.author == "Nguyễn Hùng"


def test_a_headline_with_a_date_is_the_title_not_a_dateline() -> None:
    raw = ("Giá vàng hôm nay 24-3-2025\n"
           "24-03-2025 - 10:21 AM | Kinh tế\n"
           "Giá vàng miếng SJC và vàng nhẫn đồng loạt giảm mạnh trong phiên sáng nay, mỗi lượng mất tới "
           "hơn một triệu đồng so với cuối tuần trước.\n")
    doc = parse_document(raw, "gia-vang")
    assert doc.title == "Giá vàng hôm nay 24-3-2025"
    assert doc.date == "2025-03-24T10:21"


def test_a_sentence_with_a_date_is_not_metadata() -> None:
    raw = ("Quốc hội bế mạc kỳ họp bất thường\n"
           "Ngày 24/3/2025, Quốc hội bế mạc.\n"
           "Kỳ họp đã thông qua nhiều nghị quyết quan trọng về tổ chức bộ máy nhà nước và phân cấp.\n")
    assert "Ngày 24/3/2025, Quốc hội bế mạc." in texts(parse_document(raw, "qh"))


def test_a_closing_sentence_starting_with_theo_is_body_not_the_outlet() -> None:
    raw = ("Nổ nhà máy pháo hoa ở Thái Lan\n"
           "Một vụ nổ lớn xảy ra tại nhà máy pháo hoa ở miền nam Thái Lan chiều qua, khói bốc cao hàng trăm "
           "mét và người dân quanh đó phải sơ tán.\n"
           "Nguyên nhân vụ nổ đang được điều tra.\n"
           "Theo AFP, chưa có thương vong.\n"
           "Đức Trung\n")
    doc = parse_document(raw, "no")
    assert "Theo AFP, chưa có thương vong." in texts(doc)
    assert doc.source is None and doc.author == "Đức Trung"
    # a real closing attribution still names the source
    assert parse_document(raw.replace("Theo AFP, chưa có thương vong.\n", "Theo AFP, Reuters\n"), "no").source \
        == "AFP, Reuters"


def test_section_name_above_the_dateline_is_not_the_title() -> None:
    raw = ("Thời sự\n"
           "Thứ hai, 24/3/2025, 08:15 (GMT+7)\n"
           "Hà Nội thí điểm miễn học phí cho học sinh THPT\n"
           "Học sinh trung học phổ thông công lập tại Hà Nội sẽ được miễn học phí từ năm học tới, theo "
           "nghị quyết vừa được HĐND thành phố thông qua.\n")
    doc = parse_document(raw, "hoc-phi")
    assert doc.title == "Hà Nội thí điểm miễn học phí cho học sinh THPT"
    assert doc.date == "2025-03-24T08:15"
    assert _dropped(doc)["Thời sự"] == "metadata"


def test_share_buttons_and_photo_credits_are_page_furniture() -> None:
    raw = ("Động đất mạnh ở Myanmar\n"
           "Một trận động đất mạnh 7,7 độ làm rung chuyển miền trung Myanmar trưa 28/3, nhiều tòa nhà ở "
           "Mandalay bị sập và hàng trăm người thương vong.\n"
           "Ảnh: AFP\n"
           "(Ảnh: Hữu Chí/TTXVN)\n"
           "Giới chức địa phương cho biết công tác cứu hộ đang được triển khai suốt đêm tại các khu dân cư.\n"
           "Chia sẻ\n"
           "Bình luận (12)\n"
           "Võ Hải\n")
    doc = parse_document(raw, "myanmar")
    dropped = _dropped(doc)
    for furniture in ("Ảnh: AFP", "(Ảnh: Hữu Chí/TTXVN)", "Chia sẻ", "Bình luận (12)"):
        assert dropped.get(furniture) == "widget", (furniture, dropped)
    assert doc.author == "Võ Hải"
    assert texts(doc)[-1].startswith("Giới chức địa phương")


def test_a_byline_with_an_outlet_and_a_wire_service() -> None:
    raw = ("Nga và Ukraine đạt thỏa thuận ngừng bắn trên Biển Đen\n"
           "VOV.VN - Nga và Ukraine đã đồng ý ngừng các hoạt động quân sự trên Biển Đen sau các cuộc đàm phán "
           "do Mỹ làm trung gian tại Saudi Arabia trong tuần này.\n"
           "Nhà Trắng cho biết hai bên cũng nhất trí xây dựng các biện pháp thực thi lệnh ngừng bắn.\n"
           "Phương Linh/VOV.VN (Theo Reuters)\n")
    doc = parse_document(raw, "vov")
    assert doc.author == "Phương Linh" and doc.source == "VOV.VN"
    assert _dropped(doc)["Phương Linh/VOV.VN (Theo Reuters)"] == "metadata"


def test_a_byline_under_the_title_is_the_author() -> None:
    raw = ("TP.HCM miễn học phí cho học sinh từ mầm non đến THPT công lập\n"
           "Bùi Thanh Tâm\n"
           "Từ năm học 2025-2026, học sinh từ mầm non đến trung học phổ thông công lập tại TP.HCM được miễn "
           "toàn bộ học phí, theo nghị quyết vừa được HĐND thành phố thông qua.\n"
           "Ngân sách thành phố dự kiến chi hơn 2.000 tỷ đồng mỗi năm cho chính sách này.\n")
    doc = parse_document(raw, "hoc-phi")
    assert doc.author == "Bùi Thanh Tâm" and _dropped(doc)["Bùi Thanh Tâm"] == "metadata"
    assert texts(doc)[0].startswith("TP.HCM miễn học phí")
