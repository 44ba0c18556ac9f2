"""The README's "From Python" example, run as written in a folder holding the seeds."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_block(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_python_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(readme_block("From Python"), "README.md", "exec"), {})  # noqa: S102 - our own README
    lines = printed.getvalue().splitlines()
    assert "5 []" in lines
    rome = "002_57590387f8aa0a75"
    assert any(line.startswith(f"False other {rome} ") for line in lines), lines
    assert any("Rome" in line and "7 tiếng" in line for line in lines), lines  # the follow-up's duration
    assert lines[-1] == "the question is empty"
    assert (tmp_path / "qa-data" / "qa.sqlite3").exists()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from qa.config import Settings
    from qa.service import QAService

    root = tmp_path_factory.mktemp("python-api")
    service = QAService(Settings(data_dir=root / "data", model=str(root / "no-model")), warn=lambda _: None)
    assert service.ingest(str(ROOT / "seeds")).documents_added == 5  # a str path, not in a list
    return service


@pytest.mark.parametrize(("kwargs", "said"), [
    ({"question": None}, "the question must be a string, not NoneType"),
    ({"question": b"Rome"}, "the question must be a string, not bytes"),
    ({"k": 0}, "k must be a whole number of passages from 1 to 50, not 0"),
    ({"k": 51}, "not 51"),
    ({"k": 2.5}, "not 2.5"),
    ({"k": True}, "not True"),
    ({"k": "3"}, "not '3'"),
    ({"mode": "fuzzy"}, "mode must be one of hybrid, dense, lexical, not 'fuzzy'"),
    ({"mode": "Dense"}, "not 'Dense'"),
    ({"history": "Who met in Rome?"}, "history must be a list of earlier questions, not str"),
    ({"history": [None]}, "history[0] must be a string or a chat message"),
    ({"history": [{"role": "user", "content": 3}]}, "history[0] must be a string"),
    ({"history": [{"content": "Rome"}]}, "history[0] is a chat message without a role"),  # skipped before
    ({"history": ["Rome \udcff"]}, "history[0] is not valid UTF-8"),
])
def test_ask_refuses_what_the_http_api_refuses(service, kwargs: dict, said: str) -> None:  # noqa: ANN001
    from qa.errors import InvalidQuestion, QAError

    call = {"question": "Who met in Rome?"} | kwargs
    with pytest.raises(InvalidQuestion, match=re.escape(said)) as caught:
        service.ask(call.pop("question"), **call)
    assert isinstance(caught.value, QAError) and "\n" not in str(caught.value)


def test_history_may_be_chat_messages(service) -> None:  # noqa: ANN001
    import numpy as np

    asked = service.ask("How long did the meeting last?", k=np.int64(1), history=[
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "Who met in Rome?"}]},
        {"role": "assistant", "content": "Officials of the US and China. [1]"}])
    as_strings = service.ask("How long did the meeting last?", k=1, history=["Who met in Rome?"])
    assert asked.passages[0].doc_id == as_strings.passages[0].doc_id == "002_57590387f8aa0a75"
    assert asked.passages[0].highlight == as_strings.passages[0].highlight


def test_writer_refuses_documents_the_http_api_refuses(service) -> None:  # noqa: ANN001
    from qa.sources import SourceText

    text = "Tin về hổ\n\nMột câu về hổ ở Tây Nguyên."
    report = service.writer().ingest([
        SourceText("a/b", text), SourceText("", text), SourceText(" ", text), SourceText("empty", ""),
        SourceText("nul", "Tin\x00\n\nCâu."), SourceText("sur", "Tin \udcff\n\nCâu."),
        SourceText("dup", text), SourceText("dup", "Tin khác\n\nMột câu khác hẳn."),
    ])
    assert report.documents_added == 1  # the first "dup"
    reasons = [e["reason"] for e in report.errors]
    assert len(reasons) == 7, reasons
    assert "no '/'" in reasons[0] and "non-empty" in reasons[1] and "non-empty" in reasons[2]
    assert "empty" in reasons[3] and "NUL" in reasons[4] and "not valid UTF-8" in reasons[5]
    assert "duplicate document id 'dup'" in reasons[6]
    assert service.snapshot().docs["dup"].title == "Tin về hổ"
    assert service.writer().remove("dup") == ["dup"]  # one id as a plain string


def test_threads_asking_after_a_write_open_the_new_index_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QAService had no lock around reopening: every thread that asked after a write opened the new generation
    itself (2-4 opens of each with 8 threads; at 1M chunks an open takes 16 s, and each warns of what it found)."""
    import threading

    from qa import service as service_module
    from qa.config import Settings
    from qa.service import QAService

    docs = tmp_path / "docs"
    docs.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    shutil.copy(seeds[0], docs)
    opened: list[int] = []
    original = service_module.Snapshot.open

    def slow_open(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - wraps Snapshot.open as it is
        snap = original(*args, **kwargs)
        opened.append(snap.generation)
        threading.Event().wait(0.05)  # the time a bigger index takes, for the others to arrive meanwhile
        return snap

    monkeypatch.setattr(service_module.Snapshot, "open", staticmethod(slow_open))
    service = QAService(Settings(data_dir=tmp_path / "data", mode="lexical"), warn=lambda _: None)
    service.ingest(docs)
    service.ask("warm up")
    opened.clear()
    shutil.copy(seeds[1], docs)
    service.ingest(docs)
    start = threading.Barrier(8)
    threads = [threading.Thread(target=lambda: (start.wait(), service.ask("Who met in Rome?"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert opened == [service.snapshot().generation]


def test_documents_given_as_text_removed_and_cited_from_python(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """What POST /v1/documents, DELETE and /raw do over HTTP, from Python (an embedder had only files: its text was
    taken for a path, "no such file or folder"), with the warnings on the "qa" logger rather than printed."""
    from qa.config import Settings
    from qa.service import QAService

    text = "Mưa lớn ở Lào Cai\r\n\r\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở huyện Bát Xát chiều 14/9.\r\n"
    with caplog.at_level("WARNING", logger="qa"), QAService(Settings(
            data_dir=tmp_path / "data", model=str(tmp_path / "no-model"), max_file_bytes=10_000)) as service:
        report = service.add_text("lu-quet", text, source="VTV", date="2024-09-14")
        assert report.documents_added == 1 and not report.errors
        assert any("cannot load model" in r.getMessage() for r in caplog.records if r.name == "qa")
        answer = service.ask("Lũ quét làm sập bao nhiêu ngôi nhà?")
        top = answer.passages[0]
        assert top.doc_id == "lu-quet" and top.source == "VTV" and top.date == "2024-09-14"
        raw = service.raw_text("lu-quet")
        assert raw == text and raw[top.highlight.start : top.highlight.end] == top.highlight.text
        assert "20 ngôi nhà" in top.highlight.text
        assert service.add_text("lu-quet", text, source="VTV", date="2024-09-14").documents_unchanged == 1
        big = service.add_text("lon", "Tin\n\n" + "Mưa lớn. " * 2000)  # as a file over QA_MAX_FILE_BYTES
        assert big.documents_added == 0 and big.errors[0]["reason"].startswith("too large (")
        refused = service.add_text("trang", "<!DOCTYPE html><html><body>x</body></html>")
        assert refused.documents_added == 0 and refused.errors[0]["reason"].startswith("an HTML page")
        assert service.remove(["lu-quet", "nope"]) == ["lu-quet"]
        assert service.raw_text("lu-quet") is None and service.ask("Lũ quét ở Lào Cai?").passages == []
    service.ask("Lào Cai")  # closed: the next question opens the index again


def test_add_text_checks_and_stores_metadata_as_http_does(tmp_path: Path) -> None:
    """A date stored as given ("9/8/2024"), an unreadable one, a title of two lines were all accepted from Python,
    where POST /v1/documents answers 422 or normalises."""
    from qa.config import Settings
    from qa.errors import InvalidDocument, QAError
    from qa.service import QAService

    text = "Mưa lớn ở Lào Cai\n\nMưa lớn gây lũ quét làm sập 20 ngôi nhà ở huyện Bát Xát."
    with QAService(Settings(data_dir=tmp_path / "data", mode="lexical")) as service:
        assert service.add_text("lu-quet", text, date="14/9/2024", title=" \u200b ").documents_added == 1
        top = service.ask("Lũ quét làm sập bao nhiêu ngôi nhà?").passages[0]
        assert top.date == "2024-09-14" and top.title == "Mưa lớn ở Lào Cai"  # a blank title is none
        for field, value in (("date", "hôm qua"), ("date", "2024-13-45"), ("title", "Mưa\u2028lớn"),
                             ("url", "x" * 2001), ("author", 5), ("source", "\udcff")):
            with pytest.raises(InvalidDocument) as caught:
                service.add_text("khac", text, **{field: value})
            assert str(caught.value).startswith(field) and isinstance(caught.value, QAError)
        # the id and the text follow a file's rules, a refused one reported as `qa ingest` reports it: an id a file
        # name gave is replaced from Python (HTTP's ids are those a URL path takes whole)
        assert service.add_text("Tin tức Đà Nẵng (1)", text).documents_added == 1
        assert service.add_text("Tin tức Đà Nẵng (1)", text + " Thêm.").documents_updated == 1
        refused = service.add_text("khac", "Tin \udcff")
        assert refused.documents_added == 0 and "surrogate" in refused.errors[0]["reason"]
        assert set(service.snapshot().docs) == {"lu-quet", "Tin tức Đà Nẵng (1)"}


def test_history_roles_are_openais_as_over_http() -> None:
    from typing import get_args

    from qa.errors import InvalidQuestion
    from qa.limits import CHAT_ROLES, checked_request
    from server.openai_schemas import ChatMessage

    assert CHAT_ROLES == get_args(ChatMessage.model_fields["role"].annotation)
    assert checked_request("Khi nào?", None, None, [{"role": "system", "content": "x"}, {"role": "user", "content": "Rome"}]) == ["Rome"]
    with pytest.raises(InvalidQuestion, match="history\\[0\\] has role 'x'"):
        checked_request("Khi nào?", None, None, [{"role": "x", "content": "Rome"}])


def test_a_question_after_a_write_sees_it_while_another_thread_opens_an_older_index(tmp_path: Path,
                                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread opening generation 2 while a write published 3: a question asked right after the write waited for
    that thread and took its generation 2 (the document just added was not there)."""
    import threading

    from qa import service as service_module
    from qa.config import Settings
    from qa.service import QAService

    service = QAService(Settings(data_dir=tmp_path / "data", mode="lexical"), warn=lambda _: None)
    text = "Tin {0}\n\nBão số {0} đổ bộ vào Quảng Ngãi chiều nay.\n"
    service.add_text("a", text.format(1))
    service.snapshot()
    service.add_text("b", text.format(2))
    opening, go_on = threading.Event(), threading.Event()
    original = service_module.Snapshot.open

    def held_open(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        snap = original(*args, **kwargs)
        if threading.current_thread().name == "slow":
            opening.set()
            go_on.wait(10)
        return snap

    monkeypatch.setattr(service_module.Snapshot, "open", staticmethod(held_open))
    slow = threading.Thread(target=service.snapshot, name="slow")
    slow.start()
    assert opening.wait(10)
    service.add_text("c", text.format(3))
    seen: list[set[str]] = []
    asker = threading.Thread(target=lambda: seen.append(set(service.snapshot().docs)))
    asker.start()
    threading.Event().wait(0.2)  # the asker waits for the slow thread's open
    go_on.set()
    slow.join()
    asker.join()
    assert seen == [{"a", "b", "c"}]


def test_the_packages_say_they_are_typed() -> None:
    """mypy and pyright read the public objects' types only from a package that ships ``py.typed`` (PEP 561):
    without it, every qa object was Any to an embedder's type checker."""
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for package in ("qa", "embeddings", "server"):
        assert (ROOT / package / "py.typed").is_file(), package
        assert "py.typed" in package_data[package], package
