"""Query language detection routes BM25 fields: Vietnamese with/without diacritics vs other."""

from __future__ import annotations

import pytest

from qa.language import detect, syllable_share


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Ai đã gặp nhau tại Rome?", "vi"),
        ("Susan Thornton giữ chức vụ gì?", "vi"),
        ("cuoc gap o Rome keo dai bao lau", "vi-nodiac"),
        ("trieu tien thu ten lua tam ngan de phan ung voi dieu gi", "vi-nodiac"),
        ("josh norman da doat bong duoc bao nhieu lan?", "vi-nodiac"),  # foreign names, Vietnamese grammar
        ("Who met in Rome?", "other"),
        ("How many members does the global coalition against terrorism have?", "other"),
        ("What is the population of Brazil?", "other"),
        ("Who is Dương Khiết Trì?", "other"),  # Vietnamese syllables, but an English question
        ("When did Hồ Chí Minh die?", "other"),
        ("Who met Vương Nghị in Rome?", "other"),
        ("Where is Da Nang?", "other"),  # half Vietnamese syllables and "da", typed without accents
        ("When did Nguyen Phu Trong visit Hanoi?", "other"),
        ("Da Nang o dau?", "vi-nodiac"),
        ("ai la ho chi minh", "vi-nodiac"),
        ("Ai là người đứng đầu WHO?", "vi"),
        ("Do đâu mà an ninh mạng ở Brazil bị tấn công?", "vi"),  # "do", "an": Vietnamese words too
        ("Can thiệp của Nga vào an ninh châu Phi ra sao?", "vi"),
        ("The Beatles đã phát hành album nào?", "vi"),
    ],
)
def test_detect(question: str, expected: str) -> None:
    assert detect(question) == expected


def test_syllable_share_bounds() -> None:
    assert syllable_share("") == 0.0
    assert syllable_share("ngoai truong my") == 1.0
    assert syllable_share("spokesperson embassy") == 0.0
