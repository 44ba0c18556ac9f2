"""An office of a country asked about, and the countries whose office an article names (``qa.holders``)."""

from __future__ import annotations

import pytest

from qa.holders import article_holders, asked_holders, holder_unsaid
from qa.service import QAService


@pytest.mark.parametrize("question, holders", [
    ("Ai là Ngoại trưởng Hàn Quốc lúc đó?", {("ngoai truong", "han quoc")}),
    ("Bộ trưởng Quốc phòng Trung Quốc nào tham dự?", {("bo truong quoc phong", "trung quoc")}),
    ("Who is South Korea's foreign minister?", {("ngoai truong", "han quoc")}),
    ("Who was the US ambassador to China?", {("dai su", "my"), ("dai su", "hoa ky")}),
    ("Who was China's president then?", {("tong thong", "trung quoc"), ("chu tich", "trung quoc")}),
    ("Who was Japan's Prime Minister then?", {("thu tuong", "nhat ban")}),
    ("Ngoại trưởng Blinken nói gì?", set()),  # an office with no country: nothing of a country asked
    ("ai la ngoai truong han quoc", set()),  # typed without accents: its places are not read
])
def test_the_offices_of_a_country_a_question_asks_about(question: str, holders: set) -> None:
    assert asked_holders(question) == holders


def test_an_office_is_unsaid_when_the_article_names_it_only_for_other_countries() -> None:
    named = frozenset({("ngoai truong", "my"), ("tong thong", None)})
    assert holder_unsaid(frozenset({("ngoai truong", "han quoc")}), named)
    assert not holder_unsaid(frozenset({("ngoai truong", "hoa ky")}), named)  # "Mỹ" is "Hoa Kỳ"
    assert not holder_unsaid(frozenset({("tong thong", "han quoc")}), named)  # "tổng thống" written with no country
    assert holder_unsaid(frozenset({("bo truong", "han quoc")}), frozenset({("ngoai truong", "my")}))
    # "president": either rendering named is enough
    assert not holder_unsaid(frozenset({("chu tich", "my"), ("tong thong", "my")}), frozenset({("tong thong", "my")}))
    assert not holder_unsaid(frozenset(), named)


def test_the_offices_an_article_names_with_their_countries(seeds: QAService) -> None:
    snapshot = seeds.snapshot()
    rows = {snapshot.chunks.doc_id(r): r for r in range(len(snapshot.chunks))}
    named = article_holders(snapshot, rows["001_789a47a7f02fc303"])
    assert {("ngoai truong", "my"), ("bo truong quoc phong", "my"), ("dai su", "my")} <= named


@pytest.mark.parametrize("question", [
    "Bộ trưởng Quốc phòng Trung Quốc nào tham dự cuộc gặp ở Rome?",
    "Ai là Đại sứ Trung Quốc tại Mỹ vào thời điểm diễn ra cuộc gặp ở Rome?",
    "Ai là Thủ tướng Nhật Bản khi các cố vấn an ninh quốc gia Mỹ, Nhật, Hàn gặp nhau?",
])
def test_asked_of_an_office_holder_no_article_names_it_abstains(seeds: QAService, question: str) -> None:
    """Answered at 0.99-1.0 before, from the articles that name the US defense secretary or a Chinese embassy."""
    assert seeds.ask(question).abstained


def test_asked_of_an_office_holder_the_article_names_it_is_answered(seeds: QAService) -> None:
    answer = seeds.ask("Bộ trưởng Quốc phòng Mỹ nào tham dự cuộc đối thoại an ninh với Trung Quốc?")
    assert not answer.abstained and "Mattis" in answer.passages[0].highlight.text
