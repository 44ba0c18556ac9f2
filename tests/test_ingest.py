"""qa.ingest / qa.store / qa.pipeline / qa.snapshot: chunk offsets, incremental writes, manifest, repair."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

from embeddings.encoder import Encoder, load_encoder
from embeddings.index import VectorIndex
from qa.config import Settings
from qa.documents import page_text
from qa.errors import IndexCorrupt, IndexMismatch
from qa.fsutil import sha256_bytes
from qa.ingest import IngestReport, SourceText, Writer, collect_sources
from qa.pipeline import Pipeline
from qa.snapshot import Snapshot
from qa.store import Store

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
ROME = "002_57590387f8aa0a75"
MAX_BYTES = 5_000_000


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Encoder:
    return load_encoder(str(tiny_model_dir))


def settings(data_dir: Path, **kw: object) -> Settings:
    return Settings(data_dir=data_dir, **kw)


def writer(data_dir: Path, encoder: Encoder | None, **kw: object) -> Writer:
    return Writer(data_dir, Pipeline(settings(data_dir, **kw), encoder))


def sources(*paths: Path) -> tuple[list[SourceText], IngestReport]:
    report = IngestReport()
    return collect_sources(list(paths) or [SEEDS], MAX_BYTES, report), report


def ingest(w: Writer, *paths: Path, prune: bool = False) -> IngestReport:
    src, report = sources(*paths)
    return w.ingest(src, prune=prune, report=report)


def state(data_dir: Path) -> tuple[dict[str, str], list, dict[str, str]]:
    store = Store(data_dir)
    try:
        return store.manifest(), store.chunks(), store.document_hashes()
    finally:
        store.close()


def faiss_ids(data_dir: Path) -> list[int] | None:
    manifest, _, _ = state(data_dir)
    if not manifest.get("faiss_file"):
        return None
    index = VectorIndex.load(data_dir / manifest["faiss_file"], sha256=manifest["faiss_sha256"],
                             dim=json.loads(manifest["dim"]))
    ids = faiss.vector_to_array(index.index.id_map).tolist()
    assert len(ids) == index.ntotal
    return ids


def assert_consistent(data_dir: Path, *, dense: bool) -> None:
    """SQLite and FAISS describe the same chunks; no stray files."""
    manifest, chunks, docs = state(data_dir)
    assert {c.doc_id for c in chunks} <= set(docs)
    ids = faiss_ids(data_dir)
    if dense:
        assert ids is not None
        assert sorted(ids) == sorted(c.chunk_id for c in chunks)
        assert int(manifest["faiss_ntotal"]) == len(chunks)
        faiss_files = sorted(p.name for p in data_dir.glob("*.faiss"))
        assert faiss_files == [manifest["faiss_file"]], "old FAISS generations left behind"
    else:
        assert ids is None and not list(data_dir.glob("*.faiss"))
    assert not list(data_dir.glob("*.tmp")) and not list(data_dir.glob(".*.tmp"))


def seed_copy(tmp: Path) -> Path:
    folder = tmp / "docs"
    folder.mkdir(exist_ok=True)
    for f in SEED_FILES:
        shutil.copy(f, folder / f.name)
    return folder


def edit(folder: Path, doc_id: str, old: str, new: str) -> None:
    target = folder / f"{doc_id}.txt"
    raw = target.read_bytes().decode("utf-8")
    assert old in raw
    target.write_bytes(raw.replace(old, new, 1).encode("utf-8"))


# ----------------------------------------------------------- chunks and offsets
def _check_chunks(pipeline: Pipeline) -> int:
    total = 0
    for path in SEED_FILES:
        raw = path.read_bytes().decode("utf-8")
        prep = pipeline.prepare(path.stem, raw, str(path))
        paragraphs = prep.document.paragraphs
        dropped = prep.document.dropped
        assert prep.chunks, f"{path.stem}: no chunks"
        for c in prep.chunks:
            assert c.text.strip() and raw[c.start : c.end] == c.text
            extra = [(s, e) for s, e, _ in page_text(dropped) if s < c.end and c.start < e]
            if extra:  # a related article's lead, a list of headlines, the footer: passages of their own
                # (tests/test_teasers.py), within that text: only whitespace between its blocks
                assert extra[0][0] <= c.start and c.end <= extra[-1][1]
                assert all(raw[e:s].strip() == "" for (_, e), (s, _) in zip(extra, extra[1:]))
                assert not any(p[0] < c.end and c.start < p[1] for p in paragraphs)
                continue
            inside = [p for p in paragraphs if p[0] < c.end and c.start < p[1]]
            assert inside, (path.stem, c.start, c.end)
            # starts and ends inside kept paragraphs, and only whitespace lies between them
            assert inside[0][0] <= c.start and c.end <= inside[-1][1]
            for (_, e), (s, _) in zip(inside, inside[1:]):
                assert raw[e:s].strip() == ""
            for d in dropped:
                assert d["end"] <= c.start or c.end <= d["start"], f"chunk covers dropped {d['reason']} text"
            assert c.text in c.embed_text
        # every kept paragraph's text reaches some chunk
        for s, e in paragraphs:
            assert any(c.start < e and s < c.end for c in prep.chunks)
        total += len(prep.chunks)
    return total


def test_lexical_chunks_slice_raw_and_stay_in_body(tmp_path: Path) -> None:
    assert _check_chunks(Pipeline(settings(tmp_path), None)) >= len(SEED_FILES)


def test_tiny_model_chunks_fit_the_window(tmp_path: Path, tiny: Encoder) -> None:
    pipeline = Pipeline(settings(tmp_path, chunk_tokens=100), tiny)
    assert _check_chunks(pipeline) > len(SEED_FILES)  # 100-token target splits the longer articles
    for path in SEED_FILES:
        prep = pipeline.prepare(path.stem, path.read_bytes().decode("utf-8"), None)
        for c in prep.chunks:
            assert tiny.count_tokens(c.embed_text) + tiny.prefix_tokens() <= tiny.max_seq_length


# ------------------------------------------------------------------ incremental
def test_reingest_unchanged_is_a_no_op(tmp_path: Path, tiny: Encoder) -> None:
    w = writer(tmp_path, tiny)
    first = ingest(w)
    assert first.documents_added == 5 and first.errors == []
    manifest, chunks, _ = state(tmp_path)
    assert first.chunks_embedded == len({c.embed_hash for c in chunks}) > 0
    assert_consistent(tmp_path, dense=True)

    again = ingest(w)
    assert again.documents_unchanged == 5
    assert again.documents_added == again.documents_updated == again.documents_removed == 0
    assert again.chunks_embedded == 0
    _, chunks2, _ = state(tmp_path)
    assert [c.chunk_id for c in chunks2] == [c.chunk_id for c in chunks]
    assert_consistent(tmp_path, dense=True)


def test_modified_file_replaces_only_its_chunks(tmp_path: Path, tiny: Encoder) -> None:
    data = tmp_path / "data"
    w = writer(data, tiny)
    folder = seed_copy(tmp_path)
    full = ingest(w, folder).chunks_embedded
    _, before, _ = state(data)
    old_ids = {d: {c.chunk_id for c in before if c.doc_id == d} for d in {c.doc_id for c in before}}

    # one sentence of the Rome article changes
    edit(folder, ROME, "kéo dài 7 tiếng tại Rome", "kéo dài 8 tiếng tại Rome")
    report = ingest(w, folder)
    assert report.documents_updated == 1 and report.documents_unchanged == 4 and report.documents_added == 0
    assert 0 < report.chunks_embedded < full

    _, after, docs = state(data)
    new_ids = {d: {c.chunk_id for c in after if c.doc_id == d} for d in docs}
    for doc_id, ids in old_ids.items():
        if doc_id == ROME:
            assert new_ids[doc_id] and not (new_ids[doc_id] & ids), "updated doc kept stale chunk rows"
        else:
            assert new_ids[doc_id] == ids, f"{doc_id} chunks were rewritten"
    assert any("8 tiếng" in c.text for c in after if c.doc_id == ROME)
    assert not any("7 tiếng" in c.text for c in after if c.doc_id == ROME)
    assert_consistent(data, dense=True)

    # the vectors FAISS holds belong to the chunks they are filed under
    manifest, chunks, _ = state(data)
    index = VectorIndex.load(data / manifest["faiss_file"], sha256=manifest["faiss_sha256"], dim=tiny.dim)
    pipeline = Pipeline(settings(data), tiny)
    for path in sorted(folder.glob("*.txt")):
        prep = pipeline.prepare(path.stem, path.read_bytes().decode("utf-8"), str(path))
        rows = [c for c in chunks if c.doc_id == path.stem]
        assert [(c.start, c.end) for c in rows] == [(c.start, c.end) for c in prep.chunks]
        expected = tiny.encode_passages([c.embed_text for c in prep.chunks])
        stored = np.vstack([index.index.reconstruct(c.chunk_id) for c in rows])
        np.testing.assert_allclose(stored, expected, atol=1e-5)


def test_remove_and_prune(tmp_path: Path, tiny: Encoder) -> None:
    w = writer(tmp_path, tiny)
    ingest(w)
    assert w.remove([ROME, "no_such_doc"]) == [ROME]
    _, chunks, docs = state(tmp_path)
    assert ROME not in docs and len(docs) == 4
    assert all(c.doc_id != ROME for c in chunks)
    assert_consistent(tmp_path, dense=True)
    snap = Snapshot.open(tmp_path)
    assert ROME not in snap.docs and snap.vectors.ntotal == len(snap.chunks) == len(chunks)

    # re-adding it works, then --prune to two files drops the other three
    assert ingest(w).documents_added == 1
    two = SEED_FILES[:2]
    report = ingest(w, *two, prune=True)
    assert report.documents_removed == 3 and report.documents_unchanged == 2
    _, chunks, docs = state(tmp_path)
    assert set(docs) == {p.stem for p in two}
    assert {c.doc_id for c in chunks} == set(docs)
    assert_consistent(tmp_path, dense=True)

    # without --prune nothing is removed
    report = ingest(w, SEED_FILES[0])
    assert report.documents_removed == 0 and len(state(tmp_path)[2]) == 2


# --------------------------------------------------------------------- manifest
def test_manifest_describes_the_index(tmp_path: Path, tiny: Encoder) -> None:
    w = writer(tmp_path, tiny)
    ingest(w)
    m1, _, _ = state(tmp_path)
    assert m1["model"] == tiny.name
    assert json.loads(m1["dim"]) == tiny.dim
    assert m1["metric"] == "inner_product" and m1["normalized"] == "true"
    versions = json.loads(m1["versions"])
    assert {"qa", "faiss", "numpy", "python"} <= set(versions)
    assert m1["created_at"] and m1["created_at"] <= m1["updated_at"]
    path = tmp_path / m1["faiss_file"]
    assert path.is_file() and sha256_bytes(path.read_bytes()) == m1["faiss_sha256"]
    assert json.loads(m1["signature"]) == w.pipeline.signature()

    # a write publishes a new generation under a new name and removes the old file
    w.remove([ROME])
    m2, _, _ = state(tmp_path)
    assert int(m2["generation"]) > int(m1["generation"])
    assert m2["faiss_file"] != m1["faiss_file"] and not path.exists()
    assert sha256_bytes((tmp_path / m2["faiss_file"]).read_bytes()) == m2["faiss_sha256"]
    assert m2["created_at"] == m1["created_at"]
    assert_consistent(tmp_path, dense=True)


def test_lexical_manifest_has_no_vectors(tmp_path: Path) -> None:
    ingest(writer(tmp_path, None))
    manifest, chunks, docs = state(tmp_path)
    assert len(docs) == 5 and chunks
    assert manifest["model"] == "" and manifest["faiss_file"] == ""
    assert_consistent(tmp_path, dense=False)
    snap = Snapshot.open(tmp_path)
    assert snap.vectors is None and len(snap.chunks) == len(chunks)


# -------------------------------------------------------------------- bad input
def test_bad_files_are_reported_and_good_ones_go_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    w = writer(data, None)
    ingest(w, SEED_FILES[0])
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (batch / "latin.txt").write_bytes("Café au lait à Hà Nội, déjà vu\nUne deuxième ligne élégante.\n".encode("latin-1", "replace"))
    for f in SEED_FILES[1:3]:
        shutil.copy(f, batch / f.name)
    missing = tmp_path / "nowhere.txt"

    src, report = sources(batch, missing)
    report = w.ingest(src, report=report)
    reasons = {Path(e["path"]).name: e["reason"] for e in report.errors}
    assert set(reasons) == {"empty.txt", "binary.txt", "latin.txt", "nowhere.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "a PNG image, not text" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin.txt"] and "latin-1" in reasons["latin.txt"]
    assert "no such file" in reasons["nowhere.txt"]
    assert report.documents_added == 2
    _, chunks, docs = state(data)
    assert set(docs) == {f.stem for f in SEED_FILES[:3]}, "good files missing or a previous one lost"
    assert {c.doc_id for c in chunks} == set(docs)


# ------------------------------------------------------- signatures and models
def test_changed_chunk_size_rebuilds(tmp_path: Path, tiny: Encoder) -> None:
    ingest(writer(tmp_path, tiny))
    _, before, _ = state(tmp_path)
    w = writer(tmp_path, tiny, chunk_tokens=64)
    report = ingest(w, SEED_FILES[0])  # only one file given: the others are rebuilt all the same
    assert report.notices and "rebuild" in report.notices[0]
    assert "chunk_tokens 400, now 64" in report.notices[0] and "model" not in report.notices[0]  # what changed
    manifest, after, docs = state(tmp_path)
    assert len(docs) == 5 and {c.doc_id for c in after} == set(docs)
    assert len(after) > len(before)
    assert json.loads(manifest["signature"])["chunk_tokens"] == 64
    for c in after:
        assert tiny.count_tokens(c.text) + tiny.prefix_tokens() <= tiny.max_seq_length
    assert_consistent(tmp_path, dense=True)
    # and the rebuilt index is stable under the new settings
    assert ingest(w).documents_unchanged == 5 and not ingest(w).notices


def test_signature_change_with_prune_still_prunes(tmp_path: Path) -> None:
    ingest(writer(tmp_path, None))
    w = writer(tmp_path, None, chunk_tokens=64)
    report = ingest(w, *SEED_FILES[:2], prune=True)
    assert report.notices and report.documents_removed == 3
    _, chunks, docs = state(tmp_path)
    assert set(docs) == {f.stem for f in SEED_FILES[:2]}
    assert {c.doc_id for c in chunks} == set(docs)


def test_remove_under_new_settings_rebuilds_the_rest(tmp_path: Path, tiny: Encoder) -> None:
    ingest(writer(tmp_path, tiny))
    _, before, _ = state(tmp_path)
    w = writer(tmp_path, tiny, chunk_tokens=64)
    assert w.remove([ROME]) == [ROME]
    manifest, after, docs = state(tmp_path)
    assert ROME not in docs and {c.doc_id for c in after} == set(docs)
    # the manifest now claims the new signature, so the chunks must really be the new ones
    assert json.loads(manifest["signature"]) == w.pipeline.signature()
    for doc_id in docs:
        expected = w.pipeline.prepare(doc_id, (SEEDS / f"{doc_id}.txt").read_bytes().decode("utf-8"), None).chunks
        assert [(c.start, c.end) for c in after if c.doc_id == doc_id] == [(c.start, c.end) for c in expected]
    assert_consistent(tmp_path, dense=True)


def test_dense_index_written_without_its_model_is_refused(tmp_path: Path, tiny: Encoder) -> None:
    ingest(writer(tmp_path, tiny))
    before = state(tmp_path)
    lexical = writer(tmp_path, None)
    for write in (lambda: ingest(lexical), lambda: lexical.remove([ROME]), lambda: lexical.reindex()):
        with pytest.raises(IndexMismatch) as info:
            write()
        message = str(info.value)
        assert tiny.name in message and "QA_MODEL" in message
    assert state(tmp_path) == before, "a refused write changed the index"
    assert_consistent(tmp_path, dense=True)


def test_lexical_index_upgraded_by_a_model(tmp_path: Path, tiny: Encoder) -> None:
    ingest(writer(tmp_path, None))
    report = ingest(writer(tmp_path, tiny))
    assert report.notices and report.chunks_embedded > 0
    manifest, _, _ = state(tmp_path)
    assert manifest["model"] == tiny.name
    assert_consistent(tmp_path, dense=True)


# ---------------------------------------------------------------- damage, repair
def test_damaged_faiss_file_is_reported_and_reindex_repairs(tmp_path: Path, tiny: Encoder) -> None:
    w = writer(tmp_path, tiny)
    ingest(w)
    manifest, chunks, _ = state(tmp_path)
    path = tmp_path / manifest["faiss_file"]
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 16):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(IndexCorrupt) as info:
        Snapshot.open(tmp_path)
    assert path.name in str(info.value) and "qa reindex" in str(info.value)

    report = w.reindex()
    assert report.documents_updated == 5
    assert report.chunks_embedded == 0, "vectors are kept in SQLite; a FAISS repair needs no encoding"
    snap = Snapshot.open(tmp_path)
    assert snap.vectors is not None and snap.vectors.ntotal == len(snap.chunks) == len(chunks)
    assert_consistent(tmp_path, dense=True)


def test_truncated_faiss_file_is_rebuilt_by_the_next_ingest(tmp_path: Path, tiny: Encoder) -> None:
    w = writer(tmp_path, tiny)
    ingest(w, *SEED_FILES[:3])
    manifest, _, _ = state(tmp_path)
    path = tmp_path / manifest["faiss_file"]
    path.write_bytes(path.read_bytes()[:100])
    report = ingest(w)
    assert report.documents_added == 2
    assert_consistent(tmp_path, dense=True)
    Snapshot.open(tmp_path)
