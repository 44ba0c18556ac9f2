"""Guarantee 3: corrupt or foreign files are detected, never trusted.

Every damage below is made to a dense index (the tiny model): a truncated,
bit-flipped, missing or swapped FAISS file; a manifest whose dimension, vector
count or file does not match; chunk offsets that no longer slice their document;
a SQLite file that is garbage, truncated, another program's, or a newer qa's.
Each time a reader gets ``IndexCorrupt`` naming the file and the fix, `qa ask`
exits 2 with that one line (no traceback), /readyz says 503 not ready with the
reason, /v1/ask answers 503 (never 500, never an answer from the damaged file),
and the fix it names works (`qa reindex` rebuilds from the stored documents; a
foreign database is left untouched and a snapshot restores the index).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from embeddings.encoder import Encoder, load_encoder
from qa.backup import restore_snapshot, take_snapshot
from qa.cli import app
from qa.config import Settings
from qa.errors import IndexCorrupt
from qa.ingest import IngestReport, SourceText, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.service import QAService
from qa.snapshot import Snapshot
from qa.store import DB_NAME, Store
from reliability_support import SEEDS, check_invariants, fingerprint
from server.app import create_app

QUESTION = "Ai đã gặp nhau tại Rome?"


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Encoder:
    return load_encoder(str(tiny_model_dir))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, tiny: Encoder) -> Path:
    data = tmp_path_factory.mktemp("pristine") / "data"
    report = IngestReport()
    Writer(data, Pipeline(Settings(data_dir=data), tiny)).ingest(collect_sources([SEEDS], 5_000_000, report))
    return data


@pytest.fixture
def index(tmp_path: Path, pristine: Path, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    shutil.copytree(pristine, data)
    monkeypatch.setenv("QA_DATA_DIR", str(data))
    monkeypatch.setenv("QA_MODEL", str(tiny_model_dir))
    return data


def manifest_of(data: Path) -> dict[str, str]:
    store = Store(data)
    try:
        return store.manifest()
    finally:
        store.close()


def set_manifest(data: Path, **values: str) -> None:
    conn = sqlite3.connect(data / DB_NAME)
    with conn:
        conn.executemany("UPDATE manifest SET value = ? WHERE key = ?", [(v, k) for k, v in values.items()])
    conn.close()


def faiss_path(data: Path) -> Path:
    return data / manifest_of(data)["faiss_file"]


def assert_reported(data: Path, culprit: str, fix: str) -> None:
    """The reader, the CLI and the HTTP API all refuse the index with a message naming ``culprit`` and ``fix``."""
    with pytest.raises(IndexCorrupt) as info:
        Snapshot.open(data)
    message = str(info.value)
    assert culprit in message and fix in message and "\n" not in message, message

    result = CliRunner().invoke(app, ["ask", QUESTION])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "traceback"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and culprit in errors[0] and fix in errors[0], result.stderr

    client = TestClient(create_app(Settings(data_dir=data, rate_limit_per_minute=0, api_keys=[], admin_keys=[])),
                        raise_server_exceptions=False)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["ready"] is False
    assert culprit in ready.json()["reason"], ready.json()
    asked = client.post("/v1/ask", json={"question": QUESTION})
    assert asked.status_code == 503 and culprit in asked.json()["error"]["message"], asked.text
    assert "qa_index_readable 0.0" in client.get("/metrics").text  # as /readyz says, not just "SQLite reads"


def assert_reindex_repairs(data: Path, expected: tuple) -> None:
    result = CliRunner().invoke(app, ["reindex"])
    assert result.exit_code == 0, result.output
    assert fingerprint(data) == expected
    check_invariants(data)
    answer = json.loads(CliRunner().invoke(app, ["ask", QUESTION, "--json"]).stdout)
    assert answer["mode"] == "hybrid" and answer["passages"]


# ------------------------------------------------------------------ FAISS file
def _truncate(fraction: float) -> Callable[[Path], None]:
    def damage(data: Path) -> None:
        path = faiss_path(data)
        raw = path.read_bytes()
        path.write_bytes(raw[: int(len(raw) * fraction)])
    return damage


def _flip(seed: int) -> Callable[[Path], None]:
    def damage(data: Path) -> None:
        path = faiss_path(data)
        raw = bytearray(path.read_bytes())
        rng = random.Random(seed)
        position = rng.randrange(len(raw))
        raw[position] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(raw))
    return damage


def _missing(data: Path) -> None:
    faiss_path(data).unlink()


FAISS_DAMAGE = {
    "empty": _truncate(0.0), "truncated-1-byte": _truncate(0.0001), "truncated-half": _truncate(0.5),
    "truncated-last-byte": lambda d: faiss_path(d).write_bytes(faiss_path(d).read_bytes()[:-1]),
    "missing": _missing, **{f"bit-flip-{seed}": _flip(seed) for seed in range(4)},
}


@pytest.mark.parametrize("damage", list(FAISS_DAMAGE))
def test_damaged_faiss_file(index: Path, damage: str) -> None:
    expected = fingerprint(index)
    culprit = manifest_of(index)["faiss_file"]
    FAISS_DAMAGE[damage](index)
    assert_reported(index, culprit, "qa reindex")
    assert_reindex_repairs(index, expected)


@pytest.mark.parametrize("flips", [pytest.param(200, id="200-flips"),
                                   pytest.param(5000, id="5000-flips", marks=pytest.mark.long)])
def test_every_bit_flip_in_the_faiss_file_is_caught_by_its_checksum(index: Path, flips: int) -> None:
    path = faiss_path(index)
    good = path.read_bytes()
    rng = random.Random(flips)
    for _ in range(flips):
        raw = bytearray(good)
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        path.write_bytes(bytes(raw))
        with pytest.raises(IndexCorrupt, match="checksum"):
            Snapshot.open(index, attempts=0)
    path.write_bytes(good)
    check_invariants(index)


def test_faiss_file_of_another_index(index: Path, tmp_path: Path, tiny: Encoder) -> None:
    """A valid FAISS file with a matching checksum but other vectors (a manifest and file copied from elsewhere)."""
    expected = fingerprint(index)
    other = tmp_path / "other"
    Writer(other, Pipeline(Settings(data_dir=other), tiny)).ingest(
        [SourceText("x", "Một bài khác\nNội dung khác hẳn, về một chủ đề khác, dài vừa đủ một câu.\n")])
    theirs = manifest_of(other)
    shutil.copy(other / theirs["faiss_file"], index / theirs["faiss_file"])
    set_manifest(index, faiss_file=theirs["faiss_file"], faiss_sha256=theirs["faiss_sha256"])
    assert_reported(index, theirs["faiss_file"], "qa reindex")
    assert_reindex_repairs(index, expected)


# ------------------------------------------------------------------ manifest and chunks
MANIFEST_DAMAGE = {
    "dimension": ({"dim": "384"}, "dimension"),
    "vector-count": ({"faiss_ntotal": "3"}, "manifest says 3"),
    "checksum": ({"faiss_sha256": "0" * 64}, "checksum"),
    "no-vector-file": ({"faiss_file": ""}, "no vector file"),
    "generation": ({"generation": "seven"}, "manifest"),
}


@pytest.mark.parametrize("damage", list(MANIFEST_DAMAGE))
def test_manifest_that_does_not_match(index: Path, damage: str) -> None:
    expected = fingerprint(index)
    values, why = MANIFEST_DAMAGE[damage]
    set_manifest(index, **values)
    with pytest.raises(IndexCorrupt, match=why):
        Snapshot.open(index)
    culprit = DB_NAME if damage in ("no-vector-file", "generation") else manifest_of(index)["faiss_file"]
    assert_reported(index, culprit, "qa reindex")
    assert_reindex_repairs(index, expected)


def test_chunk_offsets_that_do_not_slice_their_document(index: Path) -> None:
    expected = fingerprint(index)
    conn = sqlite3.connect(index / DB_NAME)
    with conn:
        conn.execute("UPDATE chunks SET start = start + 1 WHERE chunk_id = (SELECT min(chunk_id) FROM chunks)")
    conn.close()
    assert_reported(index, DB_NAME, "qa reindex")
    assert_reindex_repairs(index, expected)


@pytest.mark.slow
def test_model_folder_replaced_by_a_model_of_another_dimension(tmp_path: Path, tiny_model_dir: Path,
                                                               minilm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index built with the tiny model (32-d); the same QA_MODEL path now holds all-MiniLM-L6-v2 (384-d)."""
    model = tmp_path / "model"
    model.symlink_to(tiny_model_dir, target_is_directory=True)
    data = tmp_path / "data"
    monkeypatch.setenv("QA_DATA_DIR", str(data))
    monkeypatch.setenv("QA_MODEL", str(model))
    assert CliRunner().invoke(app, ["ingest", str(SEEDS)]).exit_code == 0
    model.unlink()
    model.symlink_to(minilm_dir, target_is_directory=True)

    service = QAService(Settings(), warn=lambda line: None)
    answer = service.ask(QUESTION, mode="dense")
    assert answer.mode == "lexical", "vectors of another dimension must never be searched"
    assert "32-dimensional" in answer.notice and "384" in answer.notice and "qa reindex" in answer.notice

    report = service.writer().reindex()  # what `qa reindex` does: every vector re-encoded, none reused
    assert report.chunks_embedded == len(service.snapshot().chunks)
    check_invariants(data)
    assert json.loads(manifest_of(data)["dim"]) == 384
    answer = service.ask(QUESTION, mode="dense")
    assert answer.mode == "dense" and answer.notice is None and answer.passages


# ------------------------------------------------------------------ the SQLite file
def _foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.close()


def _schema_one_but_not_ours(path: Path) -> None:
    _foreign(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 1")
    conn.close()


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


SQLITE_DAMAGE = {
    "garbage": (lambda p: p.write_bytes(random.Random(1).randbytes(64 * 1024)), "not a readable qa index"),
    "header-zeroed": (lambda p: p.write_bytes(bytes(100) + p.read_bytes()[100:]), "not a readable qa index"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]), "qa"),
    "another-program": (_foreign, "not a qa index"),
    "schema-1-not-ours": (_schema_one_but_not_ours, "not a qa index"),
    "newer-qa": (_newer, "newer version of qa"),
}


@pytest.mark.parametrize("damage", list(SQLITE_DAMAGE))
def test_sqlite_file_that_is_not_a_sound_qa_index(index: Path, tmp_path: Path, damage: str) -> None:
    backup = tmp_path / "backup"
    take_snapshot(index, backup)
    expected = fingerprint(index)
    db = index / DB_NAME
    make, why = SQLITE_DAMAGE[damage]
    make(db)
    before = db.read_bytes()
    assert_reported(index, str(db), why)
    # nothing was written into a file that is not ours (no migration, no WAL switch)
    result = CliRunner().invoke(app, ["ingest", str(SEEDS)])
    assert result.exit_code == 2 and str(db) in result.stderr, result.output
    assert db.read_bytes() == before
    if damage not in ("newer-qa",):
        assert "qa restore" in str(pytest.raises(IndexCorrupt, Snapshot.open, index).value)
    # the fix: move it away, restore the snapshot
    shutil.rmtree(index)
    restore_snapshot(backup, index)
    assert fingerprint(index) == expected
    check_invariants(index)


@pytest.mark.parametrize("pages", [pytest.param(12, id="12-pages"),
                                   pytest.param(200, id="200-pages", marks=pytest.mark.long)])
def test_random_page_damage_is_an_error_or_harmless(index: Path, pages: int) -> None:
    """A page of the database overwritten with noise: a clear IndexCorrupt, or (free page, unused bytes) a sound index."""
    db = index / DB_NAME
    good = db.read_bytes()
    page = 4096
    rng = random.Random(pages)
    outcomes = {"detected": 0, "harmless": 0}
    for _ in range(pages):
        raw = bytearray(good)
        number = rng.randrange(1, len(raw) // page)
        raw[number * page : (number + 1) * page] = rng.randbytes(page)
        db.write_bytes(bytes(raw))
        try:
            check_invariants(index)
            outcomes["harmless"] += 1
        except IndexCorrupt as exc:
            assert str(db) in str(exc) or ".faiss" in str(exc), exc
            # one line, not SQLite's report over several nor a damaged page's whole text (474 characters of it)
            assert "\n" not in str(exc) and len(str(exc)) < 500, exc
            outcomes["detected"] += 1
    db.write_bytes(good)
    print(f"random page damage: {outcomes}")
    assert outcomes["detected"] > 0, outcomes
