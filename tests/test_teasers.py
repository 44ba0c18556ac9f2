"""Text an article's page gives beside the article -- related articles' leads ("teasers") and the prose of the
page's footer: searchable, labelled, and shaping nothing else.

A news page carries, below the article, the headline and lead paragraph of other articles. The leads are
not the article, but they are text the page gives: a question about one is answered from it, marked
``section: "related"``. They do not enter the BM25 statistics (IDF, average length, the article's document
field), take no article passage's place among the candidates, and move no article passage's score unless a lead
has the best first-stage score of all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from api_support import SEEDS, client_for
from text_support import paragraph_texts
from qa.config import Settings
from qa.documents import Span, body_text, page_text, parse_document
from qa.lexical import LexicalIndex
from qa.service import QAService

CLO = "004_70f335d4d42403a9"
INTERPOL = "Interpol ước tính lừa đảo qua mạng thu được bao nhiêu tiền mỗi năm?"


def teasers(dropped) -> tuple[Span, ...]:  # noqa: ANN001
    return tuple(Span(start, end) for start, end, section in page_text(dropped) if section == "related")


def _parsed(doc_id: str):  # noqa: ANN202
    return parse_document((SEEDS / f"{doc_id}.txt").read_text(encoding="utf-8"), doc_id)


def test_a_related_articles_lead_is_its_own_span_without_its_outlet_tag() -> None:
    doc = _parsed(CLO)
    leads = [doc.raw[t.start : t.end] for t in teasers(doc.dropped)]
    assert len(leads) == 5 and all(not lead.startswith("(CLO)") for lead in leads)
    assert any(lead.startswith("Người đứng đầu Tổ chức Cảnh sát Hình sự Quốc tế (Interpol)") for lead in leads)
    body = body_text(doc)
    assert "Interpol" not in body and all(lead not in body for lead in leads)  # not the article
    # the tag before each lead is dropped apart, right before it
    outlets = [d for d in doc.dropped if d.reason == "outlet"]
    for t in teasers(doc.dropped):
        assert any(doc.raw[d.start : d.end] == "(CLO)" and not doc.raw[d.end : t.start].strip() for d in outlets)


def _dropped(doc, reason: str) -> list[str]:  # noqa: ANN001
    return [doc.raw[d.start : d.end] for d in doc.dropped if d.reason == reason]


def test_a_last_paragraph_cut_short_is_another_articles_lead() -> None:
    """Above a list of links, a paragraph that stops mid-sentence with an ellipsis is the start of another article's
    lead (seed 002); the article's own words stay, however they end."""
    body = "Hai bên nhất trí tiếp tục đối thoại trong thời gian tới."
    lead = "Bộ trưởng hai nước sẽ gặp nhau tại Hà Nội vào tuần tới để bàn về hợp tác kinh tế và..."
    links = "\n\nTin mới nhất\n\nMột tiêu đề khác\n"
    for ellipsis in ("...", "…"):
        cut = lead.replace("...", ellipsis)
        doc = parse_document(f"Tiêu đề\n{body}\n{cut}{links}", "c")
        assert paragraph_texts(doc) == ["Tiêu đề", body] and _dropped(doc, "teaser") == [cut]
    inside = "Các mặt hàng gồm gạo, cà phê, hạt điều, hồ tiêu và rau quả các loại..."
    quoted = 'Ông nói với báo giới: "Chúng tôi sẽ còn tiếp tục làm việc với các đối tác..."'
    for raw in (
        f"Tiêu đề\n{inside}\n{body}{links}",  # an ellipsis inside the article
        f"Tiêu đề\n{body}\n{quoted}{links}",  # a quotation trailing off
        f"Tiêu đề\n{body}\nVà rồi...{links}",  # a short line
        f"Tiêu đề\n{body}\n{lead}\n",  # no links below: the article's own last paragraph
        f"Tiêu đề\n{lead}{links}",  # the article's only paragraph
    ):
        doc = parse_document(raw, "k")
        assert paragraph_texts(doc) == raw.split("\n\n")[0].strip().split("\n"), raw
    two = parse_document(f"Tiêu đề\n{body}\n{inside}\n{lead}{links}", "two")  # one lead, never the article above
    assert paragraph_texts(two) == ["Tiêu đề", body, inside] and _dropped(two, "teaser") == [lead]


def test_a_lead_is_chunked_alone_without_the_articles_title() -> None:
    from qa.pipeline import Pipeline

    raw = (SEEDS / f"{CLO}.txt").read_text(encoding="utf-8")
    prepared = Pipeline(Settings(), None).prepare(CLO, raw, None)
    leads = teasers(prepared.document.dropped)
    inside = [c for c in prepared.chunks if any(t.start <= c.start and c.end <= t.end for t in leads)]
    assert len(inside) == len(leads) and all(c.embed_text == c.text for c in inside)
    assert all(c.embed_text.startswith(prepared.document.title) for c in prepared.chunks if c not in inside)


def test_a_list_of_links_without_leads_is_searchable_by_its_headlines() -> None:
    """Seed 002 ends with lists of links ("Tin mới nhất", "Có thể bạn quan tâm"): headlines without leads. The first
    list's are searchable, one passage (nothing else on the page says what they say); the list headings are not,
    nor the second list's, each set apart by a section name and a timestamp. Its one lead is the paragraph above them, another article's headline run into its lead
    and cut short ("... Quốc gia...")."""
    doc = _parsed("002_57590387f8aa0a75")
    (lead,) = _dropped(doc, "teaser")
    assert lead.startswith("Quan chức Mỹ - Trung có kế hoạch thảo luận")
    headlines = _dropped(doc, "headline")
    assert "Liên minh cầm quyền tại Estonia sụp đổ" in headlines and "Belarus cải tổ chính phủ" in headlines
    assert not {"Tin mới nhất", "Có thể bạn quan tâm", "Du lịch", "09:18:23 11/03/2025"} & set(headlines)
    # "Có thể bạn quan tâm": each headline set apart by its section and time, not searchable
    assert "Quá khứ nổi loạn của Kim Soo Hyun" in _dropped(doc, "related") and len(headlines) == 12


def test_a_headline_whose_lead_follows_is_not_searchable_alone() -> None:
    """Seeds 001 and 004 give each related article's headline (twice) and then its lead: the lead is searchable, the
    headline is not a passage of its own (alone, a short headline outranked the article it names, when that article
    is in the corpus too: ``test_the_article_ranks_before_a_lead_that_matches_a_little_better``)."""
    for doc_id in ("001_789a47a7f02fc303", CLO):
        doc = _parsed(doc_id)
        assert len(_dropped(doc, "teaser")) == 5 and not _dropped(doc, "headline")
    assert "Mỹ-Trung “đụng nhau chan chát” trong vấn đề Biển Đông" in _dropped(_parsed("001_789a47a7f02fc303"), "related")


def test_a_question_about_a_headline_in_a_list_of_links_is_answered_from_it(seeds: QAService) -> None:
    """The list's headlines chunk together, across the blocks between them: the passage is the page's other text
    ("related"), not the article's, from where it starts."""
    for question in ("lien minh cam quyen o nuoc nao vua sup do", "Liên minh cầm quyền ở nước nào đã sụp đổ?"):
        answer = seeds.ask(question, k=3)
        top = answer.passages[0]
        assert not answer.abstained and top.section == "related" and "Estonia" in top.highlight.text, question
    snapshot = seeds.snapshot()
    rows = [r for r in range(len(snapshot.chunks)) if "Estonia" in snapshot.chunks[r].text]
    assert rows and all(snapshot.section(r) == "related" for r in rows)
    counted = snapshot.lexical.counted
    assert counted is not None and not any(counted[r] for r in rows)  # no word of it shapes BM25's statistics


def test_who_met_in_rome_is_answered_from_the_article_not_from_a_lead_about_a_planned_meeting(
        seeds: QAService) -> None:
    """Seed 002's cut-short lead says Sullivan would meet Vương Nghị in Rome; the article says whom he met there."""
    for question in ("Ai đã gặp nhau tại Rome?", "ai da gap nhau tai rome"):
        answer = seeds.ask(question, k=3)
        assert answer.passages[0].section == "body"
        assert "Dương Khiết Trì" in answer.answer and "Sullivan" in answer.answer
    about_lead = seeds.ask("Theo Reuters, Jake Sullivan sẽ hội đàm với ai tại Rome ngày 14/3?", k=3)
    assert about_lead.passages[0].section == "related" and "Vương Nghị" in about_lead.answer


def test_leads_leave_every_article_passage_score_and_idf_as_they_were() -> None:
    articles = ["Ngoại trưởng Mỹ gặp Ủy viên Quốc vụ Trung Quốc tại Washington để bàn về Triều Tiên.",
                "Các cố vấn an ninh quốc gia của Mỹ, Nhật Bản và Hàn Quốc sẽ gặp nhau tại Washington.",
                "Triều Tiên thử tên lửa tầm ngắn sau cuộc tập trận của Mỹ và Hàn Quốc."]
    leads = ["Interpol cho biết lừa đảo qua mạng thu tới 3.000 tỷ USD mỗi năm trên toàn cầu.",
             "Nga nói khó tin IS tấn công phòng hòa nhạc ở Moscow khiến 143 người thiệt mạng tại Mỹ."]
    docs, titles = ["a", "b", "b"], ["Mỹ và Trung Quốc", "Mỹ Nhật Hàn", "Mỹ Nhật Hàn"]
    alone = LexicalIndex(articles, doc_ids=docs, titles=titles)
    both = LexicalIndex(articles + leads, doc_ids=docs + ["b", "a"], titles=titles + ["Mỹ Nhật Hàn", "Mỹ và Trung Quốc"],
                        counted=[True] * 3 + [False] * 2)
    for question in ("Mỹ gặp Trung Quốc ở đâu?", "tap tran my han quoc", "Washington", "Moscow Mỹ", "lừa đảo"):
        for diacritics in (True, False):
            got = both.scores(question, diacritics=diacritics)
            np.testing.assert_array_equal(got[:3], alone.scores(question, diacritics=diacritics))
    for term in ("mỹ", "washington", "triều"):
        assert both.accented.idf(term) == alone.accented.idf(term)
    assert both.scores("lừa đảo Interpol", diacritics=True)[3] > 0  # and the lead is found


def test_a_question_about_a_lead_is_answered_from_it_and_says_so(seeds: QAService) -> None:
    answer = seeds.ask(INTERPOL, k=3)
    top = answer.passages[0]
    assert not answer.abstained and top.doc_id == CLO and top.section == "related"
    assert "3.000 tỷ USD" in answer.answer and top.text == seeds.snapshot().raws[CLO][top.start : top.end]
    assert all(p.section == "body" for p in seeds.ask("Who met in Rome?", k=5).passages[:1])


def test_the_prose_of_a_pages_footer_answers_and_says_so(seeds: QAService) -> None:
    """SeaPRwire's footer says whom it reaches: not the article, but text its page gives."""
    from qa.render import citation

    answer = seeds.ask("SeaPRwire tiếp cận bao nhiêu biên tập viên và nhà báo?", k=1)
    top = answer.passages[0]
    assert not answer.abstained and top.doc_id == "003_aadb78158e19ba32" and top.section == "footer"
    assert "86.000 biên tập viên" in answer.answer and citation(top).endswith("(the page's footer, not the article)")
    assert all(p.section == "body" for p in seeds.ask("What did Wang Yi and Blinken agree to prevent?", k=3).passages)


def test_a_lead_counts_less_as_evidence_than_the_article(seeds: QAService) -> None:
    """A short text on another story shares a few words with a question by chance: an unrelated question whose
    best passage is a lead abstains (an XQuAD question matching "tuyên bố" and "ngày" in a lead: 0.81 before; "firman",
    a word the glossary does not know, leaves "declared" the only word it renders)."""
    answer = seeds.ask("When was this firman declared?", k=1)
    assert answer.passages[0].section == "related" and answer.abstained


def test_the_api_and_the_openai_endpoint_label_a_lead(tmp_path: Path) -> None:
    service = QAService(Settings(data_dir=tmp_path / "data", mode="lexical"), warn=lambda m: None)
    service.ingest([SEEDS])
    client = client_for(tmp_path / "data", mode="lexical")
    body = client.post("/v1/ask", json={"question": INTERPOL, "k": 2}).json()
    assert body["passages"][0]["section"] == "related" and body["passages"][0]["doc_id"] == CLO
    chat = client.post("/v1/chat/completions", json={"model": "qa", "messages": [{"role": "user", "content": INTERPOL}]})
    sources = chat.json()["choices"][0]["message"]["content"].split("Sources:\n", 1)[1].splitlines()
    assert sources[0].startswith("- [1] ") and sources[0].endswith("(a related article's headline or lead on this page)")


HOST = ("Mưa lớn kéo dài ở tỉnh số {i}\n"
        "Mưa lớn kéo dài ba ngày liền ở tỉnh số {i} khiến nhiều tuyến đường bị ngập sâu và hàng trăm hộ dân phải sơ tán.\n"
        "Tin khác\n"
        "Interpol: Lừa đảo qua mạng ở Đông Nam Á đã mở rộng ra toàn cầu, thu tới 3.000 tỷ USD mỗi năm\n"
        "(CLO) Người đứng đầu Tổ chức Cảnh sát Hình sự Quốc tế (Interpol) hôm 27/3 cho biết các nhóm tội phạm buôn "
        "người và lừa đảo qua mạng đã mở rộng từ Đông Nam Á thành một mạng lưới toàn cầu với quy mô lên tới 3.000 tỷ "
        "USD mỗi năm.\n")
ARTICLE = ("Cảnh báo về tội phạm xuyên quốc gia\n"
           "Theo ước tính của Interpol, các đường dây lừa đảo trực tuyến ở châu Á nay thu về tới 3.000 tỷ USD mỗi năm.\n"
           "Ông kêu gọi các nước chia sẻ thông tin nhanh hơn để truy vết dòng tiền.\n")
LONG_ARTICLE = ("Cảnh báo về tội phạm xuyên quốc gia\n"
                "Các nước Đông Nam Á đang siết chặt kiểm soát biên giới và hợp tác với nhau để truy bắt các băng nhóm tội "
                "phạm. Nhiều nạn nhân bị dụ dỗ sang làm việc tại các trung tâm ở nước ngoài và bị giữ giấy tờ tùy thân. "
                "Theo ước tính của Interpol, các đường dây này thu về tới 3.000 tỷ USD mỗi năm. Cảnh sát các nước đã phối "
                "hợp giải cứu hàng nghìn người trong năm qua và bắt giữ nhiều đối tượng cầm đầu.\n")


def _site(tmp_path: Path, hosts: int, article: str) -> QAService:
    """``hosts`` pages of one site, each with the same "Tin khác" block leading to the Interpol story, and the
    story itself."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(hosts):
        (folder / f"host{i:03d}.txt").write_text(HOST.format(i=i), encoding="utf-8")
    (folder / "interpol.txt").write_text(article, encoding="utf-8")
    service = QAService(Settings(data_dir=tmp_path / "data", mode="lexical"), warn=lambda m: None)
    service.ingest([folder])
    return service


def test_the_article_ranks_before_a_lead_that_matches_a_little_better(tmp_path: Path) -> None:
    """Without the penalty the lead (shorter, the question's very words) ranked first: 1.41 against 1.18."""
    answer = _site(tmp_path, 1, ARTICLE).ask(INTERPOL, k=5)
    assert [(p.doc_id, p.section) for p in answer.passages[:2]] == [("interpol", "body"), ("host000", "related")]


def test_copies_of_a_lead_on_many_pages_leave_room_for_the_article(tmp_path: Path) -> None:
    """A site repeats its "Tin khác" block on every page: sixty copies of the lead filled the candidate pool, and
    the answer listed one passage, a copy, without the article the lead is about."""
    answer = _site(tmp_path, 60, LONG_ARTICLE).ask(INTERPOL, k=5)
    docs = [p.doc_id for p in answer.passages]
    assert "interpol" in docs and len(docs) == 5 and "3.000 tỷ USD" in answer.answer
