"""`qa eval`: its question files (each line checked, gold data that cannot match reported) and its report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api_support import ROME, SEEDS, seed_text
from cli_support import VOV, run, run_json, warnings_in
from qa.config import DEFAULT_MODEL, Settings
from qa.errors import QAError
from qa.evaluation import evaluate, evaluate_chat, load_conversations, load_questions

ROME_VI = "Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?"


def _jsonl(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ({"id": "q", "article": ROME, "answer": ["x"]}, ":2: 'question' must be a non-empty string"),
        ({"question": "  ", "article": ROME}, ":2: the question is empty"),
        ({"question": "\u200b\u200b", "article": ROME}, ":2: the question is empty"),
        ({"question": "Rome " * 500, "article": ROME}, ":2: the question is 2500 characters long; at most 2000"),
        ([1, 2], ":2: expected a JSON object, not list"),
        ({"question": "q", "answer": 7}, ":2: 'answer' must be a string or a list of strings"),
        ({"question": "q", "article": {"id": ROME}}, ":2: 'article' must be a string or a list of strings"),
        ('{"question": "q",', ":2: not JSON"),
        ({"question": "q", "lang": ["vi"]}, ":2: 'lang' must be a non-empty string"),
        ({"question": "q", "lang": 7}, ":2: 'lang' must be a non-empty string"),
        ({"question": "q", "lang": ""}, ":2: 'lang' must be a non-empty string"),
        ({"question": "q", "article": ROME, "answer": ""}, ":2: 'answer' holds an empty string"),
        ({"question": "q", "article": ROME, "answer": ["7 tiếng", " "]}, ":2: 'answer' holds an empty string"),
        ({"question": "q", "article": ROME}, ":2: 'article' names where the answer is but 'answer' gives none"),
        ({"question": "q", "article": [ROME], "answer": []}, ":2: 'article' names where the answer is but"),
        # a misspelt "article" would make an answerable question count as one the corpus cannot answer
        ({"question": "q", "articles": [ROME], "answer": ["7 tiếng"]},
         ":2: 'answer' is given but 'article' is missing, so it would count as a question the corpus cannot answer "
         "(give \"article\": the document id, a list of them, or null); unknown key(s): 'articles'"),
    ],
)
def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path, line: object, says: str) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": ["7 tiếng"]}, line)
    with pytest.raises(QAError) as caught:
        load_questions(path)
    assert str(caught.value).startswith(str(path) + says), caught.value


def test_a_file_without_questions_is_an_error_not_an_empty_score(tmp_path: Path) -> None:
    for text in ("", "\n\n"):
        path = tmp_path / "none.jsonl"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(QAError, match="no questions"):
            load_questions(path)


def test_one_answer_given_as_a_string_is_one_answer_not_its_characters(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": "QQQn"},
                  {"question": ROME_VI, "article": [ROME], "answer": ["7 tiếng"]}, {"question": "x", "article": None})
    assert [(q["answer"], q["article"]) for q in load_questions(path)] == [
        (["QQQn"], [ROME]), (["7 tiếng"], [ROME]), ([], None)]
    report = evaluate(path, SEEDS, mode="lexical", warn=lambda line: None,
                      settings=Settings(data_dir=tmp_path / "data"))
    assert report["by_lang"]["?"]["n"] == 2 and report["by_lang"]["?"]["hit@1"] == 0.5  # "QQQn" is nowhere


def test_an_article_not_in_the_corpus_is_reported(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"id": "typo", "question": ROME_VI, "article": "002_typo", "answer": ["7"]},
                  {"id": "ok", "question": ROME_VI, "article": ROME, "answer": ["7 tiếng"]})
    said: list[str] = []
    evaluate(path, SEEDS, mode="lexical", warn=said.append, settings=Settings(data_dir=tmp_path / "data"))
    assert [line for line in said if "002_typo" in line] == [
        "warning: question 'typo': article '002_typo' is not among the indexed documents; it counts as a miss"]
    assert not [line for line in said if ROME in line]


def test_an_article_not_in_the_corpus_is_reported_by_conversation_and_turn(tmp_path: Path) -> None:
    """Not by the turn's position across all conversations ("question 3" for c2's first turn)."""
    path = _jsonl(tmp_path / "c.jsonl", {"id": "c1", "turns": [{"question": ROME_VI, "article": ROME, "answer": "7"}]},
                  {"id": "c2", "turns": [{"question": ROME_VI, "article": "002_typo", "answer": "7"}]})
    said: list[str] = []
    evaluate_chat(path, SEEDS, mode="lexical", warn=said.append, settings=Settings(data_dir=tmp_path / "data"))
    assert [line for line in said if "002_typo" in line] == [
        "warning: question 'c2 turn 1': article '002_typo' is not among the indexed documents; it counts as a miss"]


def test_conversation_turns_are_checked_like_questions(tmp_path: Path) -> None:
    good = {"id": "c", "turns": [{"question": ROME_VI, "article": ROME, "answer": "7 tiếng"}]}
    assert load_conversations(_jsonl(tmp_path / "c.jsonl", good))[0]["turns"][0]["answer"] == ["7 tiếng"]
    for bad, says in (({"id": "c"}, "'turns' must be a non-empty list"),
                      ({"turns": [{"answer": "x"}]}, "turn 1: 'question' must be a non-empty string"),
                      ({"turns": ["Who met in Rome?"]}, "each turn must be an object like a question")):
        with pytest.raises(QAError, match=says):
            load_conversations(_jsonl(tmp_path / "c.jsonl", bad))


# ----------------------------------------------------------------- `qa eval`
def test_eval_json(tmp_path: Path) -> None:
    questions = [
        {"id": "v1", "lang": "vi", "question": "Ai là Quyền Trợ lý ngoại trưởng Mỹ phụ trách Đông Á và Thái Bình Dương?",
         "article": "000_77bbef4bb3bb361f", "answer": ["Susan Thornton"]},
        {"id": "v2", "lang": "vi", "question": "Cuộc đối thoại an ninh Mỹ - Trung về Triều Tiên diễn ra vào ngày nào?",
         "article": VOV, "answer": ["21/6"]},
        {"id": "v3", "lang": "vi", "question": "Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?",
         "article": [ROME], "answer": ["7 tiếng", "7 giờ"]},
        {"id": "e1", "lang": "en", "question": "Which Chinese foreign minister talked with Antony Blinken?",
         "article": "003_aadb78158e19ba32", "answer": ["Vương Nghị"]},
        {"id": "e2", "lang": "en", "question": "Who is Japan's national security adviser meeting Jake Sullivan in Washington?",
         "article": "004_70f335d4d42403a9", "answer": ["Shigeru Kitamura"]},
        {"id": "u1", "lang": "en", "question": "What is the population of Brazil?", "article": None, "answer": None},
    ]
    for q in questions:  # the facts are really in the articles
        if q["article"]:
            article = q["article"] if isinstance(q["article"], str) else q["article"][0]
            assert any(a in seed_text(article) for a in q["answer"])
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions) + "\n", encoding="utf-8")

    report = run_json("eval", str(path), "--docs", str(SEEDS), "--mode", "lexical")
    assert report["mode"] == "lexical"
    assert set(report["by_lang"]) == {"vi", "en"}
    assert report["by_lang"]["vi"]["n"] == 3 and report["by_lang"]["en"]["n"] == 2
    for lang, m in report["by_lang"].items():
        for name in ("hit@1", "recall@5", "mrr@10", "answer@1"):
            assert 0.0 <= m[name] <= 1.0, (lang, name)
        assert m["answer@1"] <= m["hit@1"] <= m["mrr@10"] + 1e-9
        assert m["hit@1"] <= m["recall@5"]
    assert report["by_lang"]["vi"]["recall@5"] == 1.0  # every Vietnamese question shares its answer's words
    a = report["abstention"]
    assert a["unanswerable"] == 1 and a["abstained"] == 1
    assert a["answerable"] == 5 and 0 <= a["answerable_abstained"] <= 5


def test_default_hub_model_offline_eval_with_cross_warns_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`qa eval --cross` opens two corpora, each loading the model: the unavailable model is one line."""
    monkeypatch.setenv("QA_MODEL", DEFAULT_MODEL)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.txt").write_text("Tiêu đề\n\nMột bài báo khác về thời tiết ở Hà Nội hôm nay.\n", encoding="utf-8")
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"question": "Ai đã gặp nhau tại Rome?", "article": ROME, "answer": ["Sullivan"]}) + "\n",
                    encoding="utf-8")
    result = run("eval", str(path), "--docs", str(SEEDS), "--cross", str(other), "--json")
    assert result.exit_code == 0, result.output
    lines = warnings_in(result.stderr)
    assert len(lines) == 1 and DEFAULT_MODEL in lines[0], result.stderr


def test_a_pipe_named_like_an_article_does_not_hang_eval(tmp_path: Path) -> None:
    """The corpus key reads every article; a pipe would block it forever (it is reported as a bad file)."""
    import os
    import threading

    from qa.evaluation import eval_service

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "rome.txt").write_text(seed_text(ROME), encoding="utf-8")
    os.mkfifo(docs / "pipe.txt")
    warned: list[str] = []
    done = threading.Thread(target=eval_service, args=(docs, Settings(mode="lexical"), warned.append), daemon=True)
    done.start()
    done.join(60)
    assert not done.is_alive(), "eval_service hung on a pipe"
    assert any("pipe.txt" in line and "not a regular file" in line for line in warned), warned


def test_a_question_without_a_language_is_scored_beside_the_others(tmp_path: Path) -> None:
    """``"lang": null`` is a question with no language ("?"), as when the field is left out: sorted beside
    "vi" (a None among the languages made sorting fail)."""
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "lang": "vi", "article": ROME, "answer": "7 tiếng"},
                  {"question": ROME_VI, "lang": None, "article": ROME, "answer": "7 tiếng"})
    report = run_json("eval", str(path), "--docs", str(SEEDS), "--mode", "lexical")
    assert list(report["by_lang"]) == ["?", "vi"] and report["by_lang"]["?"]["n"] == 1


def test_a_questions_file_not_in_utf8_is_one_error_line_naming_its_line(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": "7 tiếng"})
    path.write_bytes(path.read_bytes() + '{"question": "Café à Rome?"}\n'.encode("latin-1"))
    result = run("eval", str(path), "--docs", str(SEEDS), "--mode", "lexical")
    assert result.exit_code == 2, result.output
    assert warnings_in(result.stderr) == [f"error: {path}:2: not UTF-8 (invalid byte 0xe9); save the file as UTF-8"]


def test_a_questions_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": "7 tiếng"})
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Notepad saves "UTF-8 with BOM"
    assert [q["question"] for q in load_questions(path)] == [ROME_VI]
    assert run_json("eval", str(path), "--docs", str(SEEDS), "--mode", "lexical")["by_lang"]["?"]["n"] == 1


def test_eval_chat_names_a_docs_folder_that_does_not_exist(tmp_path: Path) -> None:
    conv = _jsonl(tmp_path / "c.jsonl", {"id": "c", "turns": [{"question": ROME_VI, "article": ROME, "answer": "7"}]})
    result = run("eval", "--chat", str(conv), "--docs", str(tmp_path / "nonexistent"))
    assert result.exit_code == 2, result.output
    assert warnings_in(result.stderr) == [f"error: {tmp_path / 'nonexistent'}: not a folder of .txt articles (it does not exist)"]


def test_eval_over_a_folder_with_no_article_it_can_read_says_so(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "empty.txt").write_bytes(b"")
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": "7 tiếng"})
    result = run("eval", str(path), "--docs", str(docs))
    assert result.exit_code == 2, result.output
    assert warnings_in(result.stderr)[-2:] == [
        f"error: {docs / 'empty.txt'}: empty file",
        f"error: {docs}: no .txt article in this folder could be read; there is nothing to ask questions of"]


def test_eval_chat_scores_a_turn_the_corpus_cannot_answer_by_whether_it_abstained(tmp_path: Path) -> None:
    """`article: null` in a conversation: abstaining is right, answering wrong -- not "not in the top k" either way;
    a turn whose passage ranks first but whose answer sentence lacks the answer is marked apart."""
    conv = _jsonl(tmp_path / "c.jsonl", {"id": "c", "turns": [
        {"question": ROME_VI, "article": ROME, "answer": "7 tiếng"},
        {"question": "Giá vàng SJC hôm nay bao nhiêu?", "article": None, "answer": []},
        {"question": ROME_VI, "article": None, "answer": []},
        {"question": ROME_VI, "article": ROME, "answer": "Sullivan"}]})
    result = run("eval", "--chat", str(conv), "--docs", str(SEEDS), "--mode", "lexical", "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✓ c turn 1"), result.stdout
    assert lines[1].startswith("✓ abstained c turn 2"), result.stdout
    assert lines[2].startswith("✗ answered (cannot be answered) c turn 3"), result.stdout
    assert lines[3].startswith("✓ passage, not the sentence c turn 4"), result.stdout
    assert "answerable 2: hit@1 1.000, answer sentence 0.500" in lines[-1], lines[-1]
    assert "unanswerable 1/2 abstained" in lines[-1], lines[-1]
    report = run_json("eval", "--chat", str(conv), "--docs", str(SEEDS), "--mode", "lexical")
    assert report["abstention"] == {"unanswerable": 2, "abstained": 1, "answerable": 2, "answerable_abstained": 0}
    assert report["hit@1"] == 1.0 and report["answer@1"] == 0.5 and report["follow_up_hit@1"] == 1.0


def test_eval_chat_says_where_a_missed_turn_was(tmp_path: Path) -> None:
    conv = _jsonl(tmp_path / "c.jsonl", {"id": "c", "turns": [
        {"question": ROME_VI, "article": ROME, "answer": "7 tiếng"},
        {"question": ROME_VI, "article": ROME, "answer": "a phrase in no article"}]})
    result = run("eval", "--chat", str(conv), "--docs", str(SEEDS), "--mode", "lexical", "--k", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("✓ c turn 1") and lines[1].startswith("✗ not in the top 3 c turn 2"), result.stdout
    assert "None" not in result.stdout


def test_a_share_prints_as_the_exact_share_rounds() -> None:
    """74 of 99 is 0.74747...: rounded to 4 places first it printed 0.748 (the README said 0.747)."""
    from qa.evaluation import _ratio

    assert f"{_ratio(74, 99):.3f}" == "0.747" and f"{_ratio(85, 99):.3f}" == "0.859" and _ratio(1, 0) == 0.0


def test_the_score_table_keeps_every_digit_in_a_narrow_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 30 columns every cell was "…": the numbers the command exists to show were cut."""
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "lang": "vi", "article": ROME, "answer": ["7 tiếng"]})
    monkeypatch.setenv("COLUMNS", "30")
    result = run("eval", str(path), "--docs", str(SEEDS), "--mode", "lexical")
    assert result.exit_code == 0 and "…" not in result.stdout and "1.000" in result.stdout, result.stdout
