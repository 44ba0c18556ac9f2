"""What the terminal shows of text that comes from articles: titles, ids and paths are printed as
written, never read as rich markup or emoji codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import run, run_json

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

TITLE = "Tin nóng [/] Hà Nội [bold]mưa lớn[/bold] :smile: suốt đêm"
BODY = "Hà Nội mưa lớn suốt đêm qua, nhiều tuyến phố ngập sâu. Mực nước tại phố Hàng Bài lên tới 40 cm."


@pytest.fixture
def odd(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "ha-noi-mua.txt").write_text(f"{TITLE}\n\n{BODY}\n", encoding="utf-8")
    report = run_json("ingest", str(folder))
    assert report["documents_added"] == 1 and report["errors"] == []
    return folder


def flat(text: str) -> str:
    return " ".join(text.split())


def test_list_and_show_print_titles_as_written(odd: Path) -> None:
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    assert "ha-noi-mua" in listed.stdout and TITLE in flat(listed.stdout)
    shown = run("show", "ha-noi-mua")
    assert shown.exit_code == 0, shown.output
    assert TITLE in flat(shown.stdout)


def test_ask_keeps_the_citation_of_a_lowercase_id(odd: Path) -> None:
    result = run("ask", "Mực nước tại phố Hàng Bài lên tới bao nhiêu?", "-k", "1")
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert TITLE in out and "[ha-noi-mua 0:" in out


def test_chat_sources_keep_the_citation(odd: Path) -> None:
    result = run("chat", input="Mực nước tại phố Hàng Bài lên tới bao nhiêu?\n/sources 1\n/quit\n")
    assert result.exit_code == 0, result.output
    assert flat(result.stdout).count("[ha-noi-mua 0:") >= 2


def test_a_question_longer_than_the_api_allows_is_refused_here_too(odd: Path) -> None:
    result = run("ask", "Hà Nội " * 300)
    assert result.exit_code == 2 and "at most 2000" in result.stderr


def test_a_file_named_like_another_article_is_refused_not_swapped(odd: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "ha-noi-mua.txt").write_text("Giá vàng hôm nay\n\nGiá vàng tăng mạnh trong phiên sáng.\n", encoding="utf-8")
    result = run("ingest", str(other))
    assert result.exit_code == 1
    assert "already taken by another file" in flat(result.stderr)
    assert run_json("show", "ha-noi-mua")["title"] == TITLE


def test_remove_counts_each_document_once(odd: Path) -> None:
    result = run("remove", "ha-noi-mua", "nope", "ha-noi-mua")
    assert result.exit_code == 1
    assert "removed 1 document(s); not found: nope" in result.stdout


def test_piped_output_keeps_each_line_whole(odd: Path) -> None:
    result = run("ask", "Mực nước tại phố Hàng Bài lên tới bao nhiêu?", "-k", "1")
    assert BODY in result.stdout.splitlines()  # the passage, 102 characters, on one line: not wrapped at 80 columns
    assert not any(line.endswith(" ") for line in result.stdout.splitlines())


def test_list_and_ask_of_an_empty_index_say_so_and_name_its_folder(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    """A mistyped QA_DATA_DIR reads as an empty index: the message names the folder, absolute, so the typo shows,
    and reading it (or removing from it) creates nothing there; the first ingest does."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QA_DATA_DIR", "qa-dtaa")
    result = run("list")
    assert result.exit_code == 0 and result.stdout == ""
    assert f"no documents in the index at {tmp_path / 'qa-dtaa'} yet" in flat(result.stderr)
    answer = run_json("ask", "Ai đã gặp nhau tại Rome?")
    assert answer["abstained"] and f"[index folder: {tmp_path / 'qa-dtaa'}]" in answer["notice"]
    assert run("show", "000_77bbef4bb3bb361f").exit_code != 0
    removed = run("remove", "000_77bbef4bb3bb361f")
    assert removed.exit_code == 1 and "not found: 000_77bbef4bb3bb361f" in flat(removed.stdout)
    assert not (tmp_path / "qa-dtaa").exists()
    assert run("ingest", str(SEEDS / "000_77bbef4bb3bb361f.txt")).exit_code == 0
    assert (tmp_path / "qa-dtaa" / "qa.sqlite3").exists()
    assert [d["doc_id"] for d in run_json("list")] == ["000_77bbef4bb3bb361f"]


def test_snapshot_and_restore_print_their_paths_as_written(odd: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "snap[/]x[bold]"
    result = run("snapshot", str(target))
    assert result.exit_code == 0, result.output
    assert str(target) in flat(result.stdout)
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "restored[/]"))
    restored = run("restore", str(target))
    assert restored.exit_code == 0, restored.output
    assert str(tmp_path / "restored[/]") in flat(restored.stdout)


def test_a_refused_prune_still_lists_the_files_it_could_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "tin.txt").write_text("Tin\n\nMột câu về hổ.\n", encoding="utf-8")
    result = run("ingest", "--prune", str(folder), str(tmp_path / "missing"))
    assert result.exit_code == 2
    err = flat(result.stderr)
    assert "empty.txt: empty file" in err and "--prune with a path that does not exist" in err


def test_control_characters_in_an_article_never_reach_the_terminal(tmp_path: Path) -> None:
    """An escape sequence in an article (clear the screen, set the window title) is shown, not obeyed, by
    ask, list and show; a CR-only file's lines stay apart (rich dropped the CR and glued them)."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "esc.txt").write_text("Tin \x1b]0;PWNED\x07 lạ\n\nHà Nội mưa lớn \x1b[2J\x1b[H suốt đêm qua, phố ngập sâu.\n",
                                    encoding="utf-8")
    (folder / "cr.txt").write_bytes("Huế tổ chức festival\r\rFestival Huế mở màn tối nay với 20 đoàn nghệ thuật.\r"
                                    .encode("utf-8"))
    assert run_json("ingest", str(folder))["documents_added"] == 2
    for args in (["ask", "Hà Nội mưa lớn suốt đêm?"], ["list"], ["show", "esc"], ["ask", "Festival Huế mở màn khi nào?"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, args
    assert "␛[2J␛[H" in run("show", "esc").output
    assert "festivalFestival" not in run("ask", "Festival Huế mở màn khi nào?").output
