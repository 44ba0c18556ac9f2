"""Which files `qa ingest PATHS` reads: a path reached twice, files that are not .txt, .TXT, linked
folders, and a `--prune` whose paths hold no article that can be read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from api_support import SEEDS
from cli_support import run, run_json

SEED_FILES = sorted(SEEDS.glob("*.txt"))
ROOT = SEEDS.parent


def test_prune_refuses_paths_whose_every_file_was_rejected(indexed: dict, tmp_path: Path) -> None:
    """An empty .txt alone (or beside files that are not .txt) is no article: pruning to it would empty
    the index."""
    folder = tmp_path / "onlybad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.md").write_text("# notes\n", encoding="utf-8")
    for paths in ([folder], [folder / "empty.txt"], [folder / "empty.txt", ROOT / "README.md"]):
        result = run("ingest", *map(str, paths), "--prune")
        assert result.exit_code == 2, result.output
        assert "empty.txt: empty file" in result.stderr
        assert "--prune found no .txt article it could read" in result.stderr
        assert "nothing was changed" in result.stderr and "removed" not in result.stdout
        assert len(run_json("list")) == 5


def test_the_same_file_reached_twice_is_read_once(tmp_path: Path) -> None:
    again = SEEDS / ".." / SEEDS.name  # `qa ingest seeds ./seeds`
    first = str(SEED_FILES[0])
    report = run_json("ingest", str(SEEDS), str(again), first, first)
    assert report["errors"] == [] and report["documents_added"] == 5
    # a bad file named twice is reported once
    (tmp_path / "a").mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run("ingest", str(tmp_path / "empty.txt"), str(tmp_path / "a" / ".." / "empty.txt"), "--json")
    assert [e["path"] for e in json.loads(result.stdout)["errors"]] == [str(tmp_path / "empty.txt")]
    # two files of the same name are still two articles for one id
    shutil.copy(SEED_FILES[1], tmp_path / "a" / SEED_FILES[0].name)
    result = run("ingest", first, str(tmp_path / "a"), "--json")
    assert result.exit_code == 1
    assert "duplicate document id" in json.loads(result.stdout)["errors"][0]["reason"]


def test_a_link_to_an_article_under_another_name_is_the_same_article(tmp_path: Path) -> None:
    """``link.txt -> tin.txt`` in one folder: one article, named like the file itself, with a notice (it was two
    documents, both updated by an edit to one file)."""
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "tin.txt")
    (folder / "a-link.txt").symlink_to("tin.txt")
    report = run_json("ingest", str(folder))
    assert report["errors"] == [] and report["documents_added"] == 1
    # said once, and nothing about a document of the link's name while there is none (it was said on every run)
    assert report["notices"] == [f"{folder / 'tin.txt'}: also reached as a-link (a link): read once, as 'tin'"]
    assert [d["doc_id"] for d in run_json("list")] == ["tin"]
    # named on its own, the link is read under its own name (it is the only path to the article given)
    assert run_json("ingest", str(folder / "a-link.txt"))["documents_added"] == 1
    assert run_json("ingest", str(folder))["notices"][1:] == [
        f"{folder / 'tin.txt'}: the document 'a-link' read from a link to it stays until `qa remove a-link`"]
    pruned = run_json("ingest", str(folder), "--prune")
    assert pruned["documents_removed"] == 1 and len(pruned["notices"]) == 1  # leaving: nothing to say about it


def test_named_files_that_are_not_txt_are_rejected_and_txt_in_any_case_is_read(tmp_path: Path) -> None:
    upper = tmp_path / "TIN.TXT"
    shutil.copy(SEED_FILES[0], upper)
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED_FILES[1], folder / "Bai.Txt")
    result = run("ingest", str(ROOT / "README.md"), str(ROOT / "pyproject.toml"), str(upper), str(folder), "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(Path(e["path"]).name, e["reason"].split(":")[0]) for e in report["errors"]] == [
        ("README.md", "not a .txt file"), ("pyproject.toml", "not a .txt file")]
    assert "error: " + str(ROOT / "README.md") + ": not a .txt file" in result.stderr
    assert report["documents_added"] == 2
    assert sorted(d["doc_id"] for d in run_json("list")) == ["Bai", "TIN"]


def test_a_linked_folder_is_read_and_prune_keeps_its_articles(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    news = tmp_path / "news"
    news.mkdir()
    for i, f in enumerate(SEED_FILES):
        shutil.copy(f, (elsewhere if i < 2 else news) / f.name)
    (news / "linked").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "loop").symlink_to(news, target_is_directory=True)  # back up: each real folder is read once
    (news / "again").symlink_to(news, target_is_directory=True)
    report = run_json("ingest", str(news))
    assert report["errors"] == [] and report["documents_added"] == 5
    assert {d["doc_id"] for d in run_json("list")} == {f.stem for f in SEED_FILES}
    pruned = run_json("ingest", str(news), "--prune")
    assert pruned["documents_removed"] == 0 and pruned["documents_unchanged"] == 5
    assert len(run_json("list")) == 5


def test_two_names_that_differ_only_in_unicode_form_are_told_apart_in_the_error(tmp_path: Path) -> None:
    """"Nguyễn.txt" composed and decomposed look the same: the duplicate id says why they collide; a file name
    with a line break is reported on one line."""
    import unicodedata
    composed, decomposed = unicodedata.normalize("NFC", "Nguyễn"), unicodedata.normalize("NFD", "Nguyễn")
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / f"{composed}.txt")
    shutil.copy(SEED_FILES[1], folder / f"{decomposed}.txt")
    (folder / "two\nlines.txt").write_bytes(b"")
    result = run("ingest", str(folder))
    assert "the same name in another Unicode form" in result.stderr, result.stderr
    assert [line for line in result.stderr.splitlines() if "lines.txt" in line] == [
        f"error: {folder}/two\u240alines.txt: empty file"]


def test_prune_refuses_a_path_it_cannot_look_at(tmp_path: Path) -> None:
    """A path that became a link loop (or a folder at chmod 0): its documents are not absent, only hidden; pruning
    removed four of five documents."""
    folder = tmp_path / "news"
    shutil.copytree(SEEDS, folder)
    assert run_json("ingest", str(folder))["documents_added"] == 5
    shutil.rmtree(folder)
    folder.symlink_to(folder)  # news -> news
    result = run("ingest", str(folder), "--prune")
    assert result.exit_code == 2, result.output
    assert f"--prune cannot look at {folder}" in result.stderr and "nothing was changed" in result.stderr
    assert len(run_json("list")) == 5
