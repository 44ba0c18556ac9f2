"""Which file is which document: an id taken by another file, moved files, paths stored by older
versions, dot folders, a refused file's document under a stale index, prune from Python."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa.ingest import IngestReport, SourceText
from qa.sources import text_source
from qa.store import Store
from test_ingest import ROME, SEED_FILES, SEEDS, ingest, seed_copy, settings, sources, state, writer


TIN_A = "Tin A về bóng đá\n\nĐội tuyển Việt Nam thắng Thái Lan 2-0 tối qua.\n"
TIN_B = "Tin B về thời tiết\n\nBão số 5 đổ bộ vào Quảng Ngãi chiều nay.\n"


def two_articles(tmp_path: Path) -> None:
    """a/tin.txt and b/tin.txt: two articles of one id."""
    for folder, text in (("a", TIN_A), ("b", TIN_B)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "tin.txt").write_text(text)


def raw_of(data: Path, doc_id: str) -> str:
    store = Store(data)
    try:
        return store.get_document(doc_id).raw
    finally:
        store.close()


def test_a_file_of_the_same_name_elsewhere_does_not_replace_another_article(tmp_path: Path) -> None:
    data = tmp_path / "data"
    w = writer(data, None)
    two_articles(tmp_path)
    ingest(w, tmp_path / "a" / "tin.txt")
    report = ingest(w, tmp_path / "b" / "tin.txt")
    assert report.documents_updated == report.documents_added == 0
    [error] = report.errors
    assert error["path"].endswith("b/tin.txt") and "already taken by another file" in error["reason"]
    assert str(tmp_path / "a" / "tin.txt") in error["reason"] and "qa remove tin" in error["reason"]
    assert raw_of(data, "tin") == TIN_A


def test_prune_lets_a_named_file_take_the_id_of_a_stored_file_it_does_not_name(tmp_path: Path) -> None:
    """`--prune` makes the index hold what PATHS hold: after `a`, `b --prune` removed every other document and kept
    a/tin.txt, refusing the b/tin.txt the user named as "taken by another file"."""
    data = tmp_path / "data"
    w = writer(data, None)
    two_articles(tmp_path)
    (tmp_path / "a" / "khac.txt").write_text("Tin khác\n\nGiá xăng giảm nhẹ từ chiều nay.\n")
    ingest(w, tmp_path / "a")
    both = ingest(w, tmp_path / "a", tmp_path / "b", prune=True)  # a still named: its file keeps the id
    assert both.errors[0]["path"].endswith("b/tin.txt") and both.documents_removed == 0
    report = ingest(w, tmp_path / "b", prune=True)
    assert not report.errors and report.documents_updated == 1 and report.documents_removed == 1
    assert raw_of(data, "tin") == TIN_B


def test_a_moved_file_updates_its_document_and_paths_are_stored_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    w = writer(data, None)
    old = tmp_path / "old"
    old.mkdir()
    (old / "tin.txt").write_text("Tin A về bóng đá\n\nĐội tuyển Việt Nam thắng Thái Lan 2-0 tối qua.\n")
    monkeypatch.chdir(tmp_path)
    ingest(w, Path("old"))  # a relative folder: the stored path still names the file from anywhere
    new = tmp_path / "new"
    old.rename(new)
    (new / "tin.txt").write_text("Tin A về bóng đá\n\nĐội tuyển Việt Nam thắng Thái Lan 3-0 tối qua.\n")
    report = ingest(w, new)
    assert report.documents_updated == 1 and not report.errors
    store = Store(data)
    try:
        assert store.document_paths() == {"tin": str(new / "tin.txt")}
    finally:
        store.close()


def test_a_file_moved_unchanged_takes_its_path_along(tmp_path: Path) -> None:
    """Moved without an edit, the article's stored path follows the file: a different article written later
    at the old place is another file's, refused, and the moved file can still be updated."""
    data = tmp_path / "data"
    w = writer(data, None)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    (tmp_path / "a" / "tin.txt").write_text("Tin A về bóng đá\n\nĐội tuyển Việt Nam thắng Thái Lan 2-0 tối qua.\n")
    ingest(w, tmp_path / "a")
    (tmp_path / "a" / "tin.txt").rename(tmp_path / "b" / "tin.txt")
    report = ingest(w, tmp_path / "b")
    assert report.documents_updated == 1 and report.documents_unchanged == 0 and not report.errors
    assert ingest(w, tmp_path / "b").documents_unchanged == 1  # and then it is unchanged
    (tmp_path / "a" / "tin.txt").write_text("Tin B về thời tiết\n\nBão số 5 đổ bộ vào Quảng Ngãi chiều nay.\n")
    report = ingest(w, tmp_path / "a")
    assert report.documents_updated == 0 and "already taken by another file" in report.errors[0]["reason"]
    (tmp_path / "b" / "tin.txt").write_text("Tin A về bóng đá\n\nĐội tuyển Việt Nam thắng Thái Lan 3-0 tối qua.\n")
    assert ingest(w, tmp_path / "b" / "tin.txt").documents_updated == 1
    store = Store(data)
    try:
        assert store.document_paths() == {"tin": str(tmp_path / "b" / "tin.txt")}
        assert "3-0" in store.get_document("tin").raw
    finally:
        store.close()


def test_a_refused_file_s_document_is_still_rebuilt_when_the_index_is_stale(tmp_path: Path) -> None:
    """New chunk settings rebuild every stored document, the one whose file was refused included: an index
    never holds chunks of two pipelines (or vectors of two models) under one manifest."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(SEED_FILES[0], tmp_path / "a" / "tin.txt")
    shutil.copy(SEED_FILES[0], tmp_path / "b" / "tin.txt")  # the same id, another file
    shutil.copy(SEED_FILES[1], tmp_path / "b" / "other.txt")
    data = tmp_path / "data"
    ingest(writer(data, None, chunk_tokens=400), tmp_path / "a")
    coarse = sum(c.doc_id == "tin" for c in state(data)[1])
    report = ingest(writer(data, None, chunk_tokens=64), tmp_path / "b")
    assert [Path(e["path"]).name for e in report.errors] == ["tin.txt"]
    fine = sum(c.doc_id == "tin" for c in state(data)[1])
    assert fine > coarse, "the refused file's document kept chunks of the old settings"
    assert ingest(writer(data, None, chunk_tokens=64), tmp_path / "a").documents_unchanged == 1


def test_a_relative_path_stored_by_an_older_version_does_not_block_an_update(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    w = writer(data, None)
    w.ingest([SourceText("tin", "Tin A\n\nĐội tuyển thắng 2-0.", "tin.txt")])  # relative, cwd unknown
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tin.txt").write_text("Tin A\n\nĐội tuyển thắng 3-0.", encoding="utf-8")
    (tmp_path / "tin.txt").write_text("another article", encoding="utf-8")  # what 'tin.txt' names from here
    monkeypatch.chdir(tmp_path)
    report = ingest(w, tmp_path / "elsewhere" / "tin.txt")
    assert report.documents_updated == 1 and not report.errors


def test_prune_from_python_refuses_a_missing_path_or_no_articles(tmp_path: Path) -> None:
    from qa.errors import QAError
    from qa.service import QAService

    service = QAService(settings(tmp_path / "data"), warn=lambda _: None)
    service.ingest(SEEDS)
    for paths in ([tmp_path / "sedes"], [], [tmp_path / "empty"]):
        (tmp_path / "empty").mkdir(exist_ok=True)
        with pytest.raises(QAError, match="--prune"):
            service.ingest(paths, prune=True)
    assert len(service.snapshot().docs) == 5


def test_files_in_hidden_folders_are_not_articles(tmp_path: Path) -> None:
    folder = seed_copy(tmp_path)
    (folder / ".git").mkdir()
    shutil.copy(SEED_FILES[0], folder / ".git" / "other.txt")
    src, report = sources(folder)
    assert sorted(s.doc_id for s in src) == sorted(f.stem for f in SEED_FILES) and not report.errors


def test_an_id_given_twice_is_removed_once(tmp_path: Path) -> None:
    w = writer(tmp_path / "data", None)
    ingest(w)
    assert w.remove([ROME, "nope", ROME]) == [ROME]
    assert ROME not in state(tmp_path / "data")[2]


def test_two_ingests_at_once_never_replace_each_others_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa ingest a/` and `qa ingest b/tin.txt` at once: the write that commits second finds that the first
    took the id for another file, and refuses its file instead of replacing that article without a word."""
    from qa.ingest import Writer

    data = tmp_path / "data"
    for folder, text in (("a", "Tin A về bóng đá\n\nĐội tuyển thắng 2-0.\n"), ("b", "Tin B về thời tiết\n\nBão đổ bộ.\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "tin.txt").write_text(text, encoding="utf-8")
    embed = Writer._embed
    overtaken: list[bool] = []

    def embed_while_another_writes(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not overtaken:  # b's write is being prepared when a's commits
            overtaken.append(True)
            assert ingest(writer(data, None), tmp_path / "a").documents_added == 1
        return embed(self, *args, **kwargs)

    monkeypatch.setattr(Writer, "_embed", embed_while_another_writes)
    report = ingest(writer(data, None), tmp_path / "b" / "tin.txt")
    assert overtaken and report.documents_added == report.documents_updated == 0
    assert "already taken by another file" in report.errors[0]["reason"]
    store = Store(data)
    try:
        assert store.get_document("tin").raw.startswith("Tin A")
    finally:
        store.close()


def test_a_decomposed_file_name_gives_the_id_a_keyboard_types(tmp_path: Path) -> None:
    """macOS writes file names decomposed (NFD); the id is stored composed, so `qa show` / `qa remove` with
    the id as typed find it, and so do those of an index that stored the decomposed id."""
    import unicodedata

    from cli_support import run

    folder = tmp_path / "docs"
    folder.mkdir()
    typed = "Đà Nẵng mới"
    (folder / (unicodedata.normalize("NFD", typed) + ".txt")).write_text("Đà Nẵng mới\n\nThành phố mở cầu mới.\n",
                                                                         encoding="utf-8")
    assert run("ingest", str(folder)).exit_code == 0
    assert run("show", typed).exit_code == 0
    store = Store(Path(os.environ["QA_DATA_DIR"]))
    try:
        assert list(store.document_hashes()) == [typed]
    finally:
        store.close()
    nfd = unicodedata.normalize("NFD", typed)
    assert run("show", nfd).exit_code == 0  # typed decomposed: found too
    removed = run("remove", nfd)
    assert removed.exit_code == 0 and "removed 1" in removed.output


def test_a_write_to_another_document_meanwhile_does_not_restart_an_ingest(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the documents a write names or changes are checked at its commit: a server adding an unrelated
    article every few seconds must not make a long `qa ingest` start over (and give up after five tries)."""
    from qa.ingest import Writer

    data = tmp_path / "data"
    embed = Writer._embed
    calls: list[int] = []

    def embed_while_another_writes(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if getattr(self, "is_the_other", False):
            return embed(self, *args, **kwargs)
        calls.append(1)
        other = writer(data, None)
        other.is_the_other = True
        other.ingest([SourceText(f"khac-{len(calls)}", "Tin khác\n\nMột bài khác hẳn.\n", None, upsert=True)])
        return embed(self, *args, **kwargs)  # another write committed while this one was prepared

    monkeypatch.setattr(Writer, "_embed", embed_while_another_writes)
    report = ingest(writer(data, None), seed_copy(tmp_path))
    assert report.documents_added == len(SEED_FILES) and not report.errors
    assert len(calls) == 1  # prepared once, committed once


def test_an_older_index_s_decomposed_id_is_the_same_document(tmp_path: Path) -> None:
    """An index written before ids were composed holds a macOS file's id decomposed: ingesting the file again
    updates that document instead of adding a second copy under the composed id."""
    import unicodedata

    data = tmp_path / "data"
    folder = tmp_path / "docs"
    folder.mkdir()
    name = unicodedata.normalize("NFD", "tin-hà-nội")
    text = "Tin Hà Nội\n\nHà Nội mưa lớn suốt đêm qua.\n"
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    w = writer(data, None)
    w.ingest([SourceText(name, text, str(folder / f"{name}.txt"))])  # as an older version stored it
    report = ingest(w, folder)
    assert report.documents_added == 0 and report.documents_unchanged == 1
    store = Store(data)
    try:
        assert list(store.document_hashes()) == [name]
    finally:
        store.close()


def test_prune_keeps_documents_posted_over_http(tmp_path: Path) -> None:
    """A folder synced with --prune beside a server taking POSTs: the posted documents have no file that PATHS
    could hold, and were all removed."""
    w = writer(tmp_path, None)
    ingest(w)
    text = "Tin đăng qua API\n\nBão số 5 đổ bộ vào Quảng Ngãi chiều nay.\n"
    urls = {"co-url": "https://vtv.vn/bao-so-5.htm", "url-tuong-doi": "vnexpress.net/bao-so-5", "duong-dan": "/tin/x.htm"}
    w.ingest([text_source("tin-dang", text)] + [text_source(doc_id, text, url=url) for doc_id, url in urls.items()],
             report=IngestReport())  # a posted document's URL, any string, is kept where a file's path would be
    report = ingest(w, *SEED_FILES[:2], prune=True)
    assert report.documents_removed == 3
    assert set(state(tmp_path)[2]) == {p.stem for p in SEED_FILES[:2]} | {"tin-dang", *urls}


def test_prune_keeps_the_document_of_a_named_file_it_refused_even_with_another_file_of_its_id(tmp_path: Path) -> None:
    """a/tin.txt named but unreadable now (UTF-16), b/tin.txt another article: b took a's place, while the notice
    said that a's earlier version stays."""
    data = tmp_path / "data"
    w = writer(data, None)
    two_articles(tmp_path)
    ingest(w, tmp_path / "a")
    (tmp_path / "a" / "tin.txt").write_text("Tin A về bóng đá\n\nĐội tuyển thắng 3-0.\n", encoding="utf-16")
    report = ingest(w, tmp_path / "a", tmp_path / "b", prune=True)
    assert report.documents_updated == 0 and "already taken by another file" in report.errors[-1]["reason"]
    assert raw_of(data, "tin") == TIN_A


def test_prune_keeps_documents_whose_file_was_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    w = writer(data, None)
    folder = seed_copy(tmp_path)
    ingest(w, folder)
    (folder / f"{ROME}.txt").write_bytes(b"")  # being rewritten, say
    report = ingest(w, folder, prune=True)
    assert [Path(e["path"]).name for e in report.errors] == [f"{ROME}.txt"]
    assert report.documents_removed == 0
    assert ROME in state(data)[2], "a rejected file's document was pruned"
    # and the write says that its earlier text still answers (it said only "empty file")
    assert report.notices == [f"{folder / f'{ROME}.txt'}: the version indexed before stays searchable until the file "
                              f"is fixed (or `qa remove {ROME}`)"]
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / f"{ROME}.txt").write_bytes(b"")
    assert ingest(w, tmp_path / "elsewhere").notices == []  # another file of that name: not its version
