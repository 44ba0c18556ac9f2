"""A question that asks for the items of a list it counts, and whether a sentence lists them (``qa.listing``)."""

from __future__ import annotations

import pytest

from qa.listing import asked_items, lists
from qa.service import QAService


@pytest.mark.parametrize(("question", "items"), [
    ("What are the four points in China's peace plan for Gaza?", 4),
    ("What exactly were the four points of China's Gaza peace plan?", 4),
    ("Kế hoạch hòa bình bốn điểm của Trung Quốc gồm những điểm cụ thể nào?", 4),
    ("ke hoach hoa binh bon diem gom nhung diem nao", 4), ("Ba điều kiện đó là những gì?", 3),
    # two is no list to check; a number that is a date, a year or a side; "là gì" asks a name; folded words that
    # are also numbers ("tam" is "tâm", "nam" "Nam")
    ("Which two leaders agreed to launch the dialogue?", None), ("Ba nước gồm những nước nào?", None),
    ("Người phát ngôn trả lời hôm 20/6 tên là gì?", None), ("Năm 2017 họ gặp nhau, gồm những ai?", None),
    ("Tên gắn với tám vùng tạo nên một phần của Nam California là gì?", None),
    ("ten cua thay tam linh trong an do giao la gi", None), ("Who met in Rome?", None),
])
def test_how_many_items_are_asked(question: str, items: int | None) -> None:
    assert asked_items(question) == items


def test_a_sentence_that_counts_them_lists_none() -> None:
    assert not lists("Tuần trước, Trung Quốc đã trình bày một kế hoạch hòa bình bốn điểm lên Liên Hợp Quốc về chấm dứt "
                     "xung đột, mặc dù kế hoạch thiếu chi tiết.", 4)
    assert lists("Các cố vấn an ninh quốc gia của Mỹ, Nhật Bản và Hàn Quốc sẽ gặp mặt.", 3)
    assert lists("Thứ nhất, ngừng bắn. Thứ hai, viện trợ nhân đạo.", 4)  # counted off


@pytest.mark.parametrize("question", ["What are the four points in China's peace plan for Gaza?",
                                      "Kế hoạch hòa bình bốn điểm của Trung Quốc gồm những điểm cụ thể nào?"])
def test_a_plan_the_article_only_counts_is_not_answered(seeds: QAService, question: str) -> None:
    assert seeds.ask(question).abstained
