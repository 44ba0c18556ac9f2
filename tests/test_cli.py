"""The `qa` command line, driven through typer's CliRunner (and once as a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api_support import ROME, SEEDS, seed_text
from cli_support import VOV, run, run_json, warnings_in
from qa.cli import app
from qa.config import DEFAULT_MODEL

COUNT_KEYS = {"documents_added", "documents_updated", "documents_unchanged", "documents_removed", "chunks_embedded"}
PASSAGE_KEYS = {"rank", "doc_id", "title", "source", "date", "chunk_id", "start", "end", "score", "text", "highlight"}


def check_answer(data: dict) -> None:
    assert {"question", "mode", "abstained", "answer", "passages"} <= set(data)
    ranks = [p["rank"] for p in data["passages"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for p in data["passages"]:
        assert PASSAGE_KEYS <= set(p), set(p) ^ PASSAGE_KEYS
        raw = seed_text(p["doc_id"])
        assert raw[p["start"] : p["end"]] == p["text"]
        h = p["highlight"]
        assert set(h) == {"text", "start", "end"}
        assert p["start"] <= h["start"] < h["end"] <= p["end"]
        assert raw[h["start"] : h["end"]] == h["text"]
        assert p["title"] and isinstance(p["score"], float)
    if not data["abstained"]:
        assert data["answer"] == data["passages"][0]["highlight"]["text"]


# ----------------------------------------------------------------------- ingest
def test_ingest_json_counts(indexed: dict) -> None:
    assert COUNT_KEYS <= set(indexed)
    again = run_json("ingest", str(SEEDS))
    assert again["documents_unchanged"] == 5 and again["documents_added"] == 0
    assert all(isinstance(again[k], int) for k in COUNT_KEYS)


def test_ingest_missing_file_fails_with_one_error_line(tmp_path: Path) -> None:
    missing = tmp_path / "a-rather-long-folder-name-for-this-test" / "no-such-article-file.txt"
    result = run("ingest", str(missing))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, result.stderr
    assert str(missing) in errors[0]
    # nothing to read: no model loaded (it took seconds and warned about "answering"), no index made
    assert "cannot load model" not in result.stderr and not (Path(os.environ["QA_DATA_DIR"]) / "qa.sqlite3").exists()


def test_ingest_bad_file_still_indexes_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "broken.txt").write_bytes("Tiêu đề\nNội dung bài báo.".encode("utf-16"))
    good = SEEDS / f"{ROME}.txt"
    result = run("ingest", str(tmp_path / "broken.txt"), str(good), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["documents_added"] == 1
    assert [Path(e["path"]).name for e in report["errors"]] == ["broken.txt"]
    assert "UTF-8" in report["errors"][0]["reason"]
    assert [d["doc_id"] for d in run_json("list")] == [ROME]


# -------------------------------------------------------------------------- ask
def test_ask_who_met_in_rome(indexed: dict) -> None:
    data = run_json("ask", "Ai đã gặp nhau tại Rome?")
    check_answer(data)
    assert data["mode"] == "lexical"  # no model in tests
    assert data["abstained"] is False and data["answer"]
    top = data["passages"][0]
    assert top["doc_id"] == ROME
    assert "Sullivan" in top["text"] or "Dương Khiết Trì" in top["text"]


def test_ask_without_diacritics_finds_the_duration(indexed: dict) -> None:
    data = run_json("ask", "cuoc gap o Rome keo dai bao lau")
    check_answer(data)
    top = data["passages"][0]
    assert top["doc_id"] == ROME
    assert "7 tiếng" in top["text"] or "7 giờ" in top["text"]


def test_ask_k_limits_passages(indexed: dict) -> None:
    data = run_json("ask", "Dương Khiết Trì", "--k", "2")
    check_answer(data)
    assert len(data["passages"]) == 2


def test_unanswerable_question_abstains(indexed: dict) -> None:
    data = run_json("ask", "What is the population of Brazil?")
    check_answer(data)
    assert data["abstained"] is True and data["answer"] is None


def test_ask_text_output_cites_passages(indexed: dict) -> None:
    result = run("ask", "Ai đã gặp nhau tại Rome?")
    assert result.exit_code == 0
    assert "[1]" in result.stdout and ROME in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "\u200b"])
def test_an_empty_question_is_a_usage_error(indexed: dict, question: str) -> None:
    result = run("ask", question)
    assert result.exit_code == 2 and "the question is empty" in result.stderr


def test_bad_mode_is_a_usage_error(indexed: dict) -> None:
    result = run("ask", "Ai đã gặp nhau tại Rome?", "--mode", "fuzzy")
    assert result.exit_code == 2
    assert "--mode" in result.stderr and "fuzzy" in result.stderr


def test_default_hub_model_offline_ingest_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentence_transformers  # noqa: F401 - import time is not what is measured

    monkeypatch.setenv("QA_MODEL", DEFAULT_MODEL)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.monotonic()
    result = run("ingest", str(SEEDS), "--json")
    assert time.monotonic() - t0 < 5
    assert result.exit_code == 0
    assert COUNT_KEYS <= set(json.loads(result.stdout))
    lines = warnings_in(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("warning") and DEFAULT_MODEL in lines[0] and "Fix:" in lines[0]


def test_default_hub_model_offline_ask_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentence_transformers  # noqa: F401

    monkeypatch.setenv("QA_MODEL", DEFAULT_MODEL)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert run("ingest", str(SEEDS)).exit_code == 0
    t0 = time.monotonic()
    result = run("ask", "Ai đã gặp nhau tại Rome?", "--json")
    assert time.monotonic() - t0 < 5
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["mode"] == "lexical" and data["passages"]
    lines = warnings_in(result.stderr)
    assert len(lines) == 1, f"expected one warning naming the model, got: {result.stderr!r}"
    assert DEFAULT_MODEL in lines[0] and "Fix:" in lines[0]


def test_prune_refuses_a_missing_path_or_no_articles_and_changes_nothing(indexed: dict, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for paths, says in (([str(tmp_path / "typo")], "a path that does not exist"),
                        ([str(SEEDS), str(tmp_path / "typo")], "a path that does not exist"),
                        ([str(tmp_path / "empty")], "found no .txt articles")):
        result = run("ingest", *paths, "--prune")
        assert result.exit_code == 2 and says in result.stderr and "nothing was changed" in result.stderr, result.output
        assert len(run_json("list")) == 5
    assert run_json("ingest", str(SEEDS), "--prune")["documents_removed"] == 0  # pruning to what exists still runs


# ------------------------------------------------------------- list, show, remove
def test_list_json(indexed: dict) -> None:
    rows = run_json("list")
    assert [r["doc_id"] for r in rows] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    for r in rows:
        assert r["chunks"] > 0
        first_line = next(line for line in seed_text(r["doc_id"]).splitlines() if line.strip())
        assert r["title"] in first_line  # the title is the first line (an outlet tag may be cut off)
    assert next(r for r in rows if r["doc_id"] == VOV)["source"] == "VOV.VN"


def test_show_json_has_body_and_dropped_blocks(indexed: dict) -> None:
    detail = run_json("show", VOV)
    raw = seed_text(VOV)
    assert detail["doc_id"] == VOV and detail["title"] == "Mỹ - Trung sẽ họp bàn vấn đề Triều Tiên"
    assert detail["body"] and detail["dropped"] and detail["chunks"]
    for block in detail["body"] + detail["dropped"]:
        assert raw[block["start"] : block["end"]] == block["text"]
    reasons = {d["reason"] for d in detail["dropped"]}
    assert {"duplicate", "related"} <= reasons
    body = "\n".join(b["text"] for b in detail["body"])
    assert "Rex Tillerson" in body and "Tin liên quan" not in body
    assert any(d["text"] == "Tin liên quan" for d in detail["dropped"])


def test_show_text_lists_only_the_metadata_a_document_has(indexed: dict) -> None:
    assert run_json("show", ROME)["source"] is None
    lines = run("show", ROME).stdout.splitlines()
    chunks = len(run_json("show", ROME)["chunks"])
    assert lines[1].strip() == f"{ROME} · {chunks} chunks"  # no empty "·  ·" for the missing source and date


def test_show_says_which_dropped_text_is_searchable(indexed: dict) -> None:
    out = " ".join(run("show", "004_70f335d4d42403a9").stdout.split())
    assert "[teaser · searchable as related] Người đứng đầu Tổ chức Cảnh sát Hình sự Quốc tế (Interpol)" in out
    assert "[outlet] (CLO)" in out and "[outlet · searchable" not in out


def test_show_unknown_document_fails(indexed: dict) -> None:
    result = run("show", "nope_0000")
    assert result.exit_code != 0 and "nope_0000" in result.stderr


def test_remove(indexed: dict) -> None:
    result = run("remove", "no_such_doc")
    assert result.exit_code == 1 and "not found: no_such_doc" in result.stdout
    result = run("remove", ROME, "nope_1", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["documents_removed"] == 1 and data["not_found"] == ["nope_1"]
    assert ROME not in [r["doc_id"] for r in run_json("list")]
    assert all(p["doc_id"] != ROME for p in run_json("ask", "Ai đã gặp nhau tại Rome?")["passages"])


# -------------------------------------------------------------- a real process
@pytest.mark.slow
def test_real_process_ingest_and_ask() -> None:
    script = Path(sys.executable).with_name("qa")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "qa.cli"]
    env = dict(os.environ)  # QA_DATA_DIR / QA_MODEL from the isolation fixture
    done = subprocess.run([*cmd, "ingest", str(SEEDS), "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["documents_added"] == 5
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and env["QA_MODEL"] in warnings[0]
    done = subprocess.run([*cmd, "ask", "Ai đã gặp nhau tại Rome?", "--json"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    check_answer(data)
    assert data["passages"][0]["doc_id"] == ROME


def test_invalid_setting_is_one_line_per_variable_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    
    from qa.cli import app as cli_app

    monkeypatch.setenv("QA_K", "abc")
    monkeypatch.setenv("QA_MODE", "fast")
    result = CliRunner().invoke(cli_app, ["list"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any("QA_K" in line for line in lines) and any("QA_MODE" in line for line in lines)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("env", "expected"), [(None, True), ("false", False)])
def test_serve_passes_the_access_log_setting_and_gets_the_fast_http_stack(
        env: str | None, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa serve` runs uvicorn with QA_ACCESS_LOG (default on), and uvicorn's "auto" choices resolve
    to httptools and uvloop, the dependencies the README says it picks up by itself."""
    import uvicorn
    from uvicorn.config import Config

    calls: list[tuple[object, dict]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kwargs: calls.append((app_, kwargs)))
    if env is None:
        monkeypatch.delenv("QA_ACCESS_LOG", raising=False)
    else:
        monkeypatch.setenv("QA_ACCESS_LOG", env)
    result = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    (served, kwargs), = calls
    assert kwargs["access_log"] is expected and kwargs["port"] == 8123
    config = Config(served, http="auto", loop="auto")
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    if sys.platform != "win32":
        loop = config.get_loop_factory()()
        try:
            assert type(loop).__module__.startswith("uvloop")
        finally:
            loop.close()


@pytest.mark.parametrize("how", ["option", "env"])
def test_serve_with_workers_runs_uvicorn_workers_over_a_shared_folder(
        how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa serve --workers 2` (or QA_WORKERS=2) hands uvicorn the app factory and two workers, with the
    shared folder announced in the environment the workers inherit, and removed when uvicorn returns."""
    import uvicorn

    from server.workers import STATE_ENV

    seen: list[tuple[object, dict, str | None]] = []

    def run(app_: object, **kwargs: object) -> None:
        folder = os.environ.get(STATE_ENV)
        assert folder and Path(folder).is_dir()
        seen.append((app_, kwargs, folder))

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv(STATE_ENV, raising=False)
    args = ["serve", "--port", "8123"]
    if how == "option":
        args += ["--workers", "2"]
    else:
        monkeypatch.setenv("QA_WORKERS", "2")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (served, kwargs, folder), = seen
    assert served == "server.app:create_app" and kwargs["factory"] is True and kwargs["workers"] == 2
    assert STATE_ENV not in os.environ and not Path(folder).exists()


@pytest.mark.parametrize("command", [["ask", "Ai đã gặp nhau tại Rome?"], ["chat"]])
def test_text_output_still_shows_other_warnings(indexed: dict, command: list[str]) -> None:
    """The answer shows the model's fallback itself; a damaged BM25 file (rebuilt in memory) must still
    be reported, as with --json and in the server's log."""
    from qa.config import Settings

    [bm25] = list(Settings().data_dir.glob("bm25.*.bin"))
    raw = bytearray(bm25.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bm25.write_bytes(bytes(raw))
    result = run(*command, input="Ai đã gặp nhau tại Rome?\n/quit\n" if command == ["chat"] else None)
    assert result.exit_code == 0, result.output
    lines = warnings_in(result.stderr)
    assert any("BM25" in line and "qa reindex" in line for line in lines), result.stderr
    assert not any("cannot load model" in line for line in lines), lines  # shown in the answer instead


@pytest.mark.parametrize(("host", "keys", "warned"), [
    ("0.0.0.0", {}, True), ("192.168.1.5", {}, True), ("qa.example.org", {}, True),
    ("127.0.0.1", {}, False), ("localhost", {}, False), ("::1", {}, False),
    ("0.0.0.0", {"QA_API_KEYS": "reader"}, False), ("0.0.0.0", {"QA_ADMIN_KEYS": "admin"}, False),
])
def test_serve_warns_when_anyone_on_the_network_may_write(
        host: str, keys: dict[str, str], warned: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app_, **kwargs: None)
    for name in ("QA_API_KEYS", "QA_ADMIN_KEYS", "QA_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in keys.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["serve", "--host", host, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert ("add or remove documents" in result.output) is warned, result.output


def test_reindex_without_an_index_creates_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped QA_DATA_DIR: `qa reindex` said "reindexed 0 document(s)" and left a new, empty index there (which
    `qa restore` then found not empty)."""
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "typo"))
    result = run("reindex")
    assert result.exit_code == 2, result.output
    assert "no index to rebuild (is QA_DATA_DIR right?)" in result.stderr
    assert not (tmp_path / "typo").exists()


def test_version_and_short_help() -> None:
    from qa import __version__

    assert run("--version").stdout.strip() == f"qa {__version__}"
    assert "Usage:" in run("-h").stdout and "--json" in run("ask", "-h").stdout
