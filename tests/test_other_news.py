"""A question that points at the page's other news -- the related articles' headlines and leads a news page lists
beside its article -- is answered from them: their discount as evidence and in the ranking is lifted, and the words
that point are in no answer."""

from __future__ import annotations

import pytest

from qa.other_news import asks_other_news, without_other_news
from qa.service import QAService


@pytest.mark.parametrize("question, points", [
    ("Theo mục tin mới nhất, giá vàng hôm nay thế nào?", True),
    ("trong danh sach tin moi nhat, co tin gi ve Estonia?", True),
    ("Ai được nhắc trong mục tin khác?", True),
    ("Tin liên quan trên VOV nói gì về Biển Đông?", True),
    ("tieu de tin lien quan noi gi?", True),
    ("In a related VOV story, what did the US say?", True),
    ("What does the 'World in 7 days' related item say?", True),
    ("In the latest-news list, what is Africa facing?", True),
    ("How many meals are wasted, according to a UN report listed under other news?", True),
    ("Which platform was attacked, per the headlines on the Rome page?", True),
    # news, not the page's list
    ("Ông có tin tưởng Trung Quốc không?", False),
    ("Bài báo khác của tác giả là gì?", False),
    ("Các nước khác phản ứng thế nào?", False),
    ("Bà ấy có tin khác không?", False),
    ("Mỹ bình luận gì về tin liên quan đến Nga?", False),  # news on Russia
    ("What other news did the US release?", False),
    ("What is the latest news on Ukraine?", False),
    ("Who met in Rome?", False),
])
def test_which_questions_point_at_the_pages_other_news(question: str, points: bool) -> None:
    assert asks_other_news(question) is points


def test_the_words_that_point_are_left_out_and_an_outlets_name_kept() -> None:
    assert without_other_news("Theo mục tin mới nhất, ai thắng?").split() == [",", "ai", "thắng?"]
    assert without_other_news("In a related VOV story, who spoke?").split() == ["VOV", ",", "who", "spoke?"]
    assert without_other_news("Who met in Rome?") == "Who met in Rome?"


def test_a_question_pointing_at_the_related_news_is_as_sure_as_its_words_make_it(seeds: QAService) -> None:
    """Seed 002 lists other headlines under "Tin mới nhất": asked without pointing at them, the one that answers
    counts as a related headline does (matched by chance more often than not); pointing at them, in full."""
    pointing = seeds.ask("In the related news, which country's ruling coalition collapsed?", k=3)
    plain = seeds.ask("Which country's ruling coalition collapsed?", k=3)
    for answer in (pointing, plain):
        assert answer.passages[0].section == "related" and "Estonia" in answer.passages[0].highlight.text
    assert not pointing.abstained and pointing.confidence > plain.confidence + 0.3


def test_pointing_at_the_related_news_ranks_it_above_the_article(seeds: QAService) -> None:
    """Seed 001's article and a related VOV lead both speak of the South China Sea: the article ranks first unless
    the question points at the related news."""
    def first(question: str) -> str:
        return seeds.ask(question, k=3).passages[0].section

    assert first("Mỹ cáo buộc Trung Quốc điều gì về Biển Đông?") == "body"
    assert first("Theo tin liên quan, Mỹ cáo buộc Trung Quốc điều gì về Biển Đông?") == "related"
