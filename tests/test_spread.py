"""The answer sentence weighs a question's words by how widely its article spreads them (``qa.spread``)."""

from __future__ import annotations

import pytest

import qa.spread
from qa.service import QAService
from service_support import corpus_service

CUP = ("Cúp Sông Hồng khép lại mùa giải\n\n"
       "Trận chung kết Cúp Sông Hồng năm nay diễn ra tại sân Hàng Đẫy trước 20.000 khán giả.\n"
       "Đội Hà Nội lần thứ ba giành Cúp Sông Hồng sau chiến thắng 2-1.\n"
       "Kỷ lục cầu thủ ghi nhiều bàn nhất trong lịch sử Cúp Sông Hồng do tiền đạo Nguyễn Văn An nắm giữ.\n"
       "Ca sĩ Mai Linh đã biểu diễn quốc ca trước giờ bóng lăn.\n"
       "Ban tổ chức Cúp Sông Hồng cho biết giải đấu sẽ mở rộng lên 12 đội vào mùa sau.\n"
       "Nhà tài trợ chính của Cúp Sông Hồng cam kết gắn bó thêm 5 năm.\n")
RICE = ("Giá lúa gạo tăng mạnh\n\n"
        "Giá lúa tại đồng bằng sông Cửu Long tăng 10% trong tuần qua.\n"
        "Các doanh nghiệp xuất khẩu cho biết nhu cầu từ Philippines tăng cao.\n"
        "Giá lúa gạo tăng mạnh\n"  # a photo caption repeating the headline
        "Nông dân phấn khởi vì được mùa.\n")


@pytest.fixture(scope="module")
def cup(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    return corpus_service(tmp_path_factory, "spread", {"cup.txt": CUP, "rice.txt": RICE})


@pytest.mark.parametrize("question", ["Ai đã hát quốc ca tại Cúp Sông Hồng?", "ai da hat quoc ca tai cup song hong"])
def test_the_article_s_subject_does_not_pick_the_answer(cup: QAService, question: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # "Cúp Sông Hồng" is in six of the article's sentences, "quốc ca" in one: that one answers
    answer = "Ca sĩ Mai Linh đã biểu diễn quốc ca trước giờ bóng lăn."
    got = cup.ask(question)
    assert not got.abstained and got.answer == answer
    monkeypatch.setattr(qa.spread, "SPREAD", 0.0)  # weighed across the corpus alone, the subject's sentences win
    assert cup.ask(question).answer != answer


def test_a_word_weighs_less_the_more_sentences_say_it(cup: QAService) -> None:
    snapshot = cup.snapshot()
    scale = qa.spread.spread_scale(snapshot, "cup", folded=False)
    assert "quốc_ca" not in scale and "ca" not in scale and "nhiều" not in scale  # once: all of its weight
    assert 0 < scale["cúp"] == scale["hồng"] < scale["đội"] < 1.0  # in six sentences, in two
    n, counts = qa.spread.sentence_counts(snapshot, "cup", folded=True)
    assert n == 7 and counts["cup"] == 6 and counts["quoc_ca"] == 1  # the headline is a sentence too
    n, counts = qa.spread.sentence_counts(snapshot, "rice", folded=False)
    assert n == 4 and counts["gạo"] == 1 and counts["lúa"] == 2  # a sentence said twice counts once
