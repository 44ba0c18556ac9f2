"""Answers: per-language confidence calibration, English questions over Vietnamese articles, the answer sentence
(titles, captions) and the answer type in use (its rules: tests/test_answer_type.py)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from service_support import SEEDS, corpus_service, lexical_service
import qa.rerank
from qa import evidence, picker, retrieval
from qa.answers import Answer, Passage
from qa.cleaning import is_caption
from qa.retrieval import Candidate, QueryInfo
from qa.service import QAService

DATA = Path(__file__).parent / "data"


# ================================================================ answer type, in use
def test_a_name_the_glossary_gives_an_english_question_is_not_a_new_one(seeds: QAService) -> None:
    """"...of Japan and South Korea" is "Nhật Bản", "Hàn Quốc" in the text: the answer names the advisers."""
    answer = seeds.ask("Who are the national security advisers of Japan and South Korea?")
    assert "Shigeru Kitamura" in answer.passages[0].highlight.text, answer.passages[0].highlight.text


@pytest.mark.parametrize("question", ["Cố vấn an ninh quốc gia của Nhật Bản tên là gì?",
                                      "co van an ninh quoc gia nhat ban ten gi"])
def test_a_question_asking_for_a_name_wants_one(seeds: QAService, question: str) -> None:
    """"... tên là gì?" asks for a person here: the sentence naming the advisers, not the one that only says they
    will meet."""
    assert "Shigeru Kitamura" in seeds.ask(question).passages[0].highlight.text


# ================================================================ service
def test_a_vietnamese_when_question_is_answered_by_the_sentence_with_the_date(seeds: QAService,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """"Ngay trước thời điểm diễn ra cuộc gặp ..." has more of the question's words; the sentence with "ngày 14/3"
    is the answer, by the type bonus (0.3 for Vietnamese)."""
    assert "14/3" in seeds.ask("Cuộc gặp ở Rome diễn ra khi nào?").answer
    monkeypatch.setattr(picker, "ANSWER_TYPE_BONUS", 0.0)  # without it (asked in other words: nothing cached)
    assert "14/3" not in seeds.ask("Cuộc gặp tại Rome diễn ra khi nào?").answer


def test_an_english_question_naming_a_chinese_official_finds_the_article(seeds: QAService) -> None:
    """The foreign ministry's spokesmen and the chiefs of staff are in the glossary's people, as its ministers are."""
    answer = seeds.ask("How did Zhao Lijian describe the reports that Moscow had asked Beijing for help?")
    assert "Triệu Lập Kiên" in answer.answer and "thêu dệt" in answer.answer and not answer.abstained


def test_english_question_naming_a_person_in_the_corpus_is_answered(seeds: QAService) -> None:
    answer = seeds.ask("Who is Liu Pengyu?")
    assert answer.language == "other"
    assert not answer.abstained, answer.confidence
    assert "Liu Pengyu" in answer.answer


@pytest.mark.parametrize("typed", [
    "Cu\u200bộc g\u200cặp M\u200dỹ - Trung tại Ro\u200bme kéo dài bao lâu?",  # zero-width characters pasted inside words
    "\ufeffCuộc gặp Mỹ - Trung tại Ｒｏｍｅ kéo dài bao lâu？",  # full-width letters and question mark
    "Cuộc gặp Mỹ - Trung tại R\u200eome kéo dài ba\u00ado lâu?",  # a left-to-right mark, a soft hyphen
])
def test_a_question_with_invisible_or_full_width_characters_is_the_question_it_looks_like(seeds: QAService,
                                                                                          typed: str) -> None:
    clean = seeds.ask("Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?")
    answer = seeds.ask(typed)
    assert not clean.abstained
    assert answer.question == typed  # echoed as asked
    assert (answer.answer, answer.confidence, answer.passages) == (clean.answer, clean.confidence, clean.passages)


@pytest.mark.parametrize(("question", "abstains"), [
    ("Who is the president of France?", True),  # "Tổng thống" is there, "Pháp" nowhere
    ("Where will the US-China diplomatic and security dialogue take place?", False),  # "Mỹ", "Trung Quốc"
    ("How many points did China's peace plan submitted to the United Nations contain?", False),  # "Liên Hợp Quốc"
    ("What did Biden and Xi agree to restart during their meeting?", False),  # "Tập Cận Bình"
])
def test_an_english_question_whose_name_the_passage_lacks_is_not_answered(seeds: QAService, question: str,
                                                                         abstains: bool) -> None:
    assert seeds.ask(question).abstained is abstains


def test_a_follow_up_needs_its_own_names_not_its_contexts(seeds: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """After "Did Wang Yi go to Paris?", "What did he say about Kissinger?" is answered by a passage on Kissinger."""
    monkeypatch.setattr(evidence, "MISSING_NAME", 0.0)  # a missing name leaves no evidence at all
    snap = seeds.snapshot()
    row = next(i for i, chunk in enumerate(snap.chunks) if "tri ân cựu Ngoại trưởng Mỹ Henry Kissinger" in chunk.text)
    top = Candidate(row, 1.0, 1.0, None)
    follow_up = QueryInfo("What did he say about Kissinger?", False, context="Did Wang Yi go to Paris?")
    assert evidence.evidence(snap, follow_up, top) > 0
    assert evidence.evidence(snap, QueryInfo("What did he say about Paris?", False), top) == 0  # its own name


def test_a_name_is_looked_for_as_the_index_reads_text(seeds: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """"the Houthis' attacks": a plural possessive is the name, found as "Houthi" in the passage."""
    monkeypatch.setattr(evidence, "MISSING_NAME", 0.0)
    snap = seeds.snapshot()
    row = next(i for i, chunk in enumerate(snap.chunks) if "phiến quân Houthi" in chunk.text)
    top = Candidate(row, 1.0, 1.0, None)
    assert evidence.evidence(snap, QueryInfo("What did Blinken say about the Houthis' attacks?", False), top) > 0


@pytest.mark.parametrize("question", ["Who is Taylor Swift?", "What is the capital of Peru?",
                                      "How many goals did Messi score in 2015?"])
def test_english_question_about_nothing_in_the_corpus_abstains(seeds: QAService, question: str) -> None:
    answer = seeds.ask(question)
    assert answer.abstained and answer.answer is None


TALKS = {
    "a-geneva-summit.txt": "Hội nghị về khí hậu\n"
    "Các bộ trưởng đã gặp nhau tại Geneva. Hội nghị Geneva bàn về khí hậu và thương mại.\n",
    "b-geneva-length.txt": "Đàm phán thương mại kết thúc\n"
    "Cuộc đàm phán tại Geneva kéo dài 3 ngày. Các bên ra tuyên bố chung về thương mại ở Geneva.\n",
    "c-alps.txt": "Du lịch mùa đông\n"
    "Du khách đổ về dãy Alps để trượt tuyết. Nhiều người đi tàu từ Geneva lên núi, ngắm hồ và rừng thông, "
    "thưởng thức ẩm thực địa phương và nghỉ tại các khách sạn nhỏ dọc đường.\n",
}



def test_a_name_in_an_english_question_outweighs_the_glossarys_reading_of_it(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Panthers" is a team in one article and, through the glossary, "báo đen" (black panthers) in another."""
    docs = {
        "a-team.txt": "Mùa giải bóng bầu dục\nĐội Panthers thắng 15 trận trong mùa giải. Huấn luyện viên khen các cầu thủ.\n",
        "b-zoo.txt": "Vườn thú mở cửa\nVườn thú có báo đen. Những con báo đen thắng trận đấu với hổ. Trẻ em thích xem báo "
                     "đen thắng và nhiều loài thú khác trong mùa hè.\n",
    }
    service = corpus_service(tmp_path_factory, "names", docs)
    question = "How many games did the Panthers win this season?"
    assert service.ask(question).passages[0].doc_id == "a-team"
    monkeypatch.setattr(retrieval, "NAME_WEIGHT", 0.0)  # what it was before (asked in other words: nothing cached)
    assert service.ask("How many games did the Panthers win in this season?").passages[0].doc_id == "b-zoo"

@pytest.fixture(scope="module")
def xquad_sample(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    return lexical_service(DATA / "xquad-vi-sample" / "docs", tmp_path_factory.mktemp("xquad-sample"))


def test_the_sentence_naming_the_questions_person_is_the_answer(xquad_sample: QAService,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The English question's names count in the sentence's score beside the glossary's common words (XQuAD, in
    the bundled sample): the age of Elway, not of Manning, whose sentence has more of "old", "play" and "quarterback"."""
    assert "38" in xquad_sample.ask("How old was John Elway when he played in Super Bowl XXXIII?").answer
    monkeypatch.setattr(picker, "NAME_SHARE", 0.0)  # what it was before (asked in other words: nothing cached)
    assert "38" not in xquad_sample.ask("How old was John Elway when he played in the Super Bowl XXXIII?").answer


def test_the_glossarys_share_weighs_what_it_stands_for_of_the_question(xquad_sample: QAService,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """"When was he elected by Nixon?": the glossary knows "elected" only; unscaled, its share picked another
    article's sentence with "bầu" over the one naming Nixon and the year."""
    assert "1973" in xquad_sample.ask("When was he elected by Nixon?").answer
    monkeypatch.setattr(picker, "known_share", lambda text: 1.0)  # the weight before: GLOSS_SHARE whole
    monkeypatch.setattr(qa.rerank, "MISSING_NAME_PENALTY", 0.0)  # (which also ranks the passages naming Nixon first)
    assert "1973" not in (xquad_sample.ask("When was he elected by Nixon ?").answer or "")


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> QAService:
    return corpus_service(tmp_path_factory, "talks", TALKS)


def test_english_follow_up_asking_how_long_ranks_the_duration_first(talks: QAService) -> None:
    """'How long' wants a duration: in Vietnamese text a number with a unit of time ('3 ngày')."""
    answer = talks.ask("How long did the talks last?", history=["Who met in Geneva?"])
    assert answer.passages[0].doc_id == "b-geneva-length"
    assert "3 ngày" in answer.passages[0].highlight.text


def test_follow_up_answer_type_is_the_follow_ups_own(talks: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """'How long ...?' after 'Who ...?' asks for a duration, not a person (the context does not type it)."""
    seen: list[str] = []
    original = picker.answer_type
    for module in (picker, evidence):  # the answer sentence, and how sure it is (the kind a passage must offer)
        monkeypatch.setattr(module, "answer_type", lambda text: seen.append(text) or original(text))
    talks.ask("How long did the talks last?", history=["Who met in Geneva?"])
    assert seen and all(text == "How long did the talks last?" for text in seen)


def test_the_title_line_finds_the_passage_but_is_not_the_answer(tmp_path: Path) -> None:
    """As in XQuAD, an English title over Vietnamese text: an English question matches only the title,
    which must bring the article up, yet shown as the answer it would only repeat the citation's title."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "amazon.txt").write_text("Amazon rainforest\nRừng mưa nhiệt đới là khu rừng ẩm ở lưu vực con sông "
                                       "lớn nhất thế giới.\n", encoding="utf-8")
    (folder / "sport.txt").write_text("Tin thể thao\nĐội tuyển Brazil thắng trận chung kết.\n", encoding="utf-8")
    service = lexical_service(folder, tmp_path / "data")
    top = service.ask("What is the Amazon rainforest?").passages[0]
    assert top.doc_id == "amazon" and top.title == "Amazon rainforest"
    assert top.highlight.text.startswith("Rừng mưa nhiệt đới")
    assert top.highlight.text in top.text and top.start <= top.highlight.start < top.highlight.end <= top.end


def test_a_passage_of_the_title_alone_does_not_answer_for_its_article(seeds: QAService) -> None:
    """In one seed the outlet's "VOV.VN - " is dropped between the headline and the body, so the headline is a
    passage by itself; it matches the question best but says nothing the headline does not: the body answers."""
    answer = seeds.ask("Mỹ và Trung Quốc họp bàn về Triều Tiên khi nào?")
    assert answer.passages[0].doc_id == "001_789a47a7f02fc303"
    assert "21/6" in answer.answer


def test_a_passage_about_another_story_is_marked_low_confidence(tmp_path: Path) -> None:
    """An answered question lists k passages; those that share only a word or two with it are marked,
    in the data, in `qa ask`'s output and in the OpenAI-style sources."""
    from qa.render import print_answer
    from rich.console import Console
    from server.openai_api import render

    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "bao.txt").write_text("Bão số 3 đổ bộ vào miền Trung\nHơn 12.000 hộ dân đã được sơ tán khỏi vùng "
                                    "ven biển trước khi bão số 3 đổ bộ vào Quảng Ngãi.\n", encoding="utf-8")
    answer = lexical_service(folder, tmp_path / "data").ask("Có bao nhiêu hộ dân được sơ tán trước bão?", k=5)
    assert not answer.abstained and answer.passages[0].doc_id == "bao" and "12.000" in answer.answer
    assert not answer.passages[0].low_confidence
    others = answer.passages[1:]
    assert others and all(p.low_confidence for p in others if p.doc_id != "bao")
    console = Console(record=True, width=200, color_system=None)
    print_answer(console, answer)
    assert console.export_text().count("low confidence") == sum(p.low_confidence for p in answer.passages)
    assert render(answer).count("(low confidence)") == sum(p.low_confidence for p in answer.passages)


@pytest.mark.parametrize(("name", "text", "question"), [
    ("tag", "(Tổ Quốc) - Lũ quét ở Lào Cai\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở Lào Cai hôm qua.\n",
     "Lũ quét ở Lào Cai"),  # an outlet tag cut off before the title, on the same line
    ("nfd", unicodedata.normalize("NFD", "Lũ quét ở Lào Cai\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở Lào Cai.\n"),
     "Lũ quét ở Lào Cai"),  # decomposed Unicode: the stored title is NFC
    ("zero-width", "Lũ quét ở\u200b Lào Cai\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở Lào Cai.\n", "Lũ quét ở Lào Cai"),
    ("two sentences", "Bão số 3 đổ bộ. Hơn 12.000 hộ dân sơ tán\nBão số 3 đổ bộ vào Quảng Ngãi sáng 14/9, gió giật "
     "cấp 12.\n", "Bão số 3 đổ bộ"),  # a title line of two sentences: neither is the answer
    ("cr", "Lũ quét ở Lào Cai\rMưa lớn gây lũ quét làm sập 20 ngôi nhà ở Lào Cai.\r", "Lũ quét ở Lào Cai"),
])
def test_no_part_of_the_title_line_is_the_answer(tmp_path: Path, name: str, text: str, question: str) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tin.txt").write_text(text, encoding="utf-8", newline="")
    top = lexical_service(folder, tmp_path / "data").ask(question).passages[0]
    shown = unicodedata.normalize("NFC", top.highlight.text)  # the file's own text, decomposed or not
    assert shown.startswith(("Mưa lớn", "Bão số 3 đổ bộ vào")), (name, shown)


def test_a_follow_up_is_answered_by_its_own_words_not_by_the_sentence_that_answered_the_turn_before(
        seeds: QAService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read with the earlier turn word for word, "why did it become more urgent?" was answered by the sentence that
    says when the meeting was scheduled; its own words weigh more (FOLLOW_UP_STRESS) and find the reason."""
    earlier = "Cuộc gặp cấp cao Mỹ-Trung ở Rome được lên lịch từ lúc nào?"
    answer = seeds.ask("Sao nó lại trở nên gấp gáp hơn?", history=[earlier])
    assert answer.answer == "Nhưng xung đột nổ ra tại Ukraine đã khiến vòng trao đổi này trở nên cấp thiết hơn."
    monkeypatch.setattr("qa.picker.FOLLOW_UP_STRESS", 0.0)  # read word for word: the turn before's sentence again
    assert "nhiều tuần" in seeds.ask("Sao nó lại trở nên gấp gáp hơn?", history=[earlier]).answer


def test_a_lead_paragraph_that_serves_as_title_still_answers(tmp_path: Path) -> None:
    """With no headline, the first line (a lead sentence) is the title; cut off by a dropped caption credit it
    is a passage of its own, and it is text like any other: it answers, and is shown."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tin.txt").write_text("Thủ tướng Phạm Minh Chính tiếp Đại sứ Nhật Bản Yamada Takio tại Hà Nội chiều ngày "
                                    "5/3.\nẢnh: TTXVN\nHai bên trao đổi về hợp tác kinh tế, đầu tư và lao động giữa hai "
                                    "nước trong thời gian tới.\n", encoding="utf-8")
    answer = lexical_service(folder, tmp_path / "data").ask("Thủ tướng tiếp Đại sứ Nhật Bản vào ngày nào?")
    assert not answer.abstained and "5/3" in answer.answer


def test_the_article_a_dropped_headline_matched_keeps_its_place(seeds: QAService) -> None:
    """The headline-only passage of a seed is left out; its article's body passage takes its rank, so the
    question is still answered from the article it matched (not abstained on another article's passage)."""
    answer = seeds.ask("Mỹ Trung họp khi nào?", k=1)
    assert not answer.abstained and answer.passages[0].doc_id == "001_789a47a7f02fc303"
    assert answer.answer != "Mỹ - Trung sẽ họp bàn vấn đề Triều Tiên"


def test_a_document_that_is_only_a_title_still_answers(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bao.txt").write_text("Bão số 3 đổ bộ vào miền Trung\n", encoding="utf-8")
    (folder / "lu.txt").write_text("Lũ quét ở Lào Cai\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở Lào Cai.\n",
                                   encoding="utf-8")
    answer = lexical_service(folder, tmp_path / "data").ask("Bão số 3 đổ bộ vào đâu?")
    assert not answer.abstained and answer.answer == "Bão số 3 đổ bộ vào miền Trung"


# ================================================================ photo captions
@pytest.mark.parametrize("line,caption", [
    ("Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp. Ảnh: Reuters", True),
    ("Ông Tillerson trong một cuộc gặp ông Dương Khiết Trì. (Ảnh: Bộ Ngoại giao Mỹ)", True),
    ("Ông Sullivan phát biểu tại Anchorage vào ngày 18 tháng 3 - Ảnh: Reuters", True),
    ("Hai nước tăng cường chống khủng bố. Ảnh:Reuters |", True),
    ("Ông nói với Thủ tướng Anh: hãy chờ", False),  # "Anh" the country, not a credit
    ("Hai bên đã gặp nhau tại Rome ngày 14/3.", False),
])
def test_a_caption_is_a_line_that_ends_with_a_photo_credit(line: str, caption: bool) -> None:
    assert is_caption(line) is caption


def _line_of(service: QAService, passage) -> str:  # noqa: ANN001
    raw = service.snapshot().raws[passage.doc_id]
    start = raw.rfind("\n", 0, passage.highlight.start) + 1
    end = raw.find("\n", passage.highlight.end)
    return raw[start : end if end >= 0 else len(raw)]


def test_a_photo_caption_is_not_the_answer_when_the_text_says_as_much(seeds: QAService,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 002 has "Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp. Ảnh: Reuters" under its lead."""
    def lead(answer: Answer) -> Passage:  # the passage holding that caption
        return next(p for p in answer.passages if "rời khách sạn ở Rome" in p.text)

    passage = lead(seeds.ask("Who met in Rome?", k=5))
    assert not is_caption(_line_of(seeds, passage)) and "Rome" in passage.highlight.text
    monkeypatch.setattr(picker, "CAPTION_PENALTY", 0.0)
    assert is_caption(_line_of(seeds, lead(seeds.ask("Who met in Rome?", k=5))))  # what it was before


def test_a_caption_weighs_for_its_passage_as_it_would_as_the_answer(seeds: QAService) -> None:
    """The caption (Rome and "cuộc gặp") lifted the lead's passage, whose other sentences name nobody, above the
    one that says who met there."""
    answer = seeds.ask("Who met in Rome?", k=3)
    assert "Dương Khiết Trì" in answer.answer and "Sullivan" in answer.answer, answer.answer


def test_a_caption_that_alone_holds_the_answer_still_gives_it(seeds: QAService) -> None:
    answer = seeds.ask("Cuộc đàm phán Mỹ-Trung ở Anchorage diễn ra tại khách sạn nào?")
    assert "Captain Cook" in answer.answer


def test_a_document_of_one_long_line_is_answered_in_milliseconds(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whether a sentence is on a caption's line is read near the sentence only: a 570 KB line was folded
    whole for every passage a question reached (2.8-5.5 s per question)."""
    import time

    long_line = {"one.txt": "Tiêu đề\n" + "Hà Nội mưa lớn suốt đêm qua khiến nhiều tuyến phố ngập sâu. " * 9500 + "\n"}
    service = corpus_service(tmp_path_factory, "one-line", long_line)
    service.ask("Hà Nội mưa lớn?")  # the snapshot opened
    started = time.perf_counter()
    for question in ("Phố nào ngập sâu?", "Mưa suốt đêm ở đâu?", "Hà Nội ngập không?"):
        assert service.ask(question).passages
    assert time.perf_counter() - started < 1.5


@pytest.mark.parametrize(("question", "doc", "said"), [
    ("Which two leaders agreed to launch the Diplomatic and Security Dialogue?", "001", "Donald Trump"),
])
def test_an_english_question_s_names_rank_the_passages_that_have_them(seeds: QAService, question: str, doc: str,
                                                                      said: str, monkeypatch: pytest.MonkeyPatch) -> None:
    got = seeds.ask(question)
    assert not got.abstained and got.passages[0].doc_id.startswith(doc) and said in got.answer
    monkeypatch.setattr(qa.rerank, "MISSING_NAME_PENALTY", 0.0)  # the passages without them ranked above
    got = seeds.ask(question)
    assert not (got.passages[0].doc_id.startswith(doc) and said in got.passages[0].highlight.text)
