"""`qa eval`'s question files: each line checked, gold data that cannot match reported, not scored silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import QAError
from qa.evaluation import evaluate, load_conversations, load_questions

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ROME = "002_57590387f8aa0a75"
ROME_VI = "Cuộc gặp Mỹ - Trung tại Rome kéo dài bao lâu?"


def _jsonl(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ({"id": "q", "article": ROME, "answer": ["x"]}, ":2: 'question' must be a non-empty string"),
        ({"question": "  ", "article": ROME}, ":2: 'question' must be a non-empty string"),
        ([1, 2], ":2: expected a JSON object, not list"),
        ({"question": "q", "answer": 7}, ":2: 'answer' must be a string or a list of strings"),
        ({"question": "q", "article": {"id": ROME}}, ":2: 'article' must be a string or a list of strings"),
        ('{"question": "q",', ":2: not JSON"),
    ],
)
def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path, line: object, says: str) -> None:
    path = _jsonl(tmp_path / "q.jsonl", {"question": ROME_VI, "article": ROME, "answer": ["7 tiếng"]}, line)
    with pytest.raises(QAError) as caught:
        load_questions(path)
    assert str(caught.value).startswith(str(path) + says), caught.value


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


def test_conversation_turns_are_checked_like_questions(tmp_path: Path) -> None:
    good = {"id": "c", "turns": [{"question": ROME_VI, "article": ROME, "answer": "7 tiếng"}]}
    assert load_conversations(_jsonl(tmp_path / "c.jsonl", good))[0]["turns"][0]["answer"] == ["7 tiếng"]
    for bad, says in (({"id": "c"}, "'turns' must be a non-empty list"),
                      ({"turns": [{"answer": "x"}]}, "turn 1: 'question' must be a non-empty string")):
        with pytest.raises(QAError, match=says):
            load_conversations(_jsonl(tmp_path / "c.jsonl", bad))
