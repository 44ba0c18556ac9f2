"""BM25 built vectorised, saved per generation, opened memory-mapped, rebuilt when damaged, carried over
from one generation to the next."""

from __future__ import annotations

import random
from pathlib import Path

import bm25s
import numpy as np
import pytest

from qa import containers, lexical_files
from qa.bm25_build import (CorpusTokenizer, Vocabulary, bm25_index, count_matrix, counts_from_scores, lengths_of,
                           scores_from_counts)
from qa.config import Settings
from qa.ingest import IngestReport, Writer, collect_sources
from qa.lexical import LexicalIndex, field_tokens
from qa.pipeline import Pipeline
from qa.service import QAService
from qa.snapshot import Snapshot
from qa.store import Store

SEEDS = Path(__file__).parent.parent / "seeds"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
QUESTIONS = ["Ai đã gặp nhau tại Rome?", "cuoc gap o Rome keo dai bao lau", "Mỹ-Trung thảo luận gì?",
             "Đà Nẵng", "xe điện VinFast", "chiến sự Israel-Hamas ở Gaza"]


def test_corpus_tokenizer_equals_field_tokens() -> None:
    tricky = ["Đường Mỹ-Trung O'Neill’s U.S. ĐẠI HỘI", "Ông Sullivan gặp ông Vương Nghị", "", "...", "x"]
    tokenizer = CorpusTokenizer()
    for text in [*tricky, *TEXTS]:
        accented, folded = tokenizer.tokens(text)
        assert accented == field_tokens(text, folded=False)
        assert folded == field_tokens(text, folded=True)


def test_vectorised_scores_equal_bm25s_own_build() -> None:
    rng = random.Random(3)
    words = [w for text in TEXTS for w in text.split()][:3000]
    docs = [[rng.choice(words) for _ in range(rng.randint(0, 60))] for _ in range(300)]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(docs, show_progress=False)
    vocab = Vocabulary()
    counts = count_matrix([vocab.encode(doc) for doc in docs], len(vocab.ids))
    ours = bm25_index(scores_from_counts(counts, lengths_of(counts)), vocab.ids)
    for _ in range(50):
        query = list(dict.fromkeys(rng.sample(words, 4)))
        expected = reference.get_scores([t for t in query if t in reference.vocab_dict])
        got = ours.get_scores_from_ids([ours.vocab_dict[t] for t in query if t in ours.vocab_dict])
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def _index() -> tuple[list[str], LexicalIndex]:
    chunks = [p for text in TEXTS for p in text.split("\n\n") if p.strip()]
    doc_ids = [str(i % 5) for i in range(len(chunks))]
    return chunks, LexicalIndex(chunks, doc_ids=doc_ids, titles=[f"Tin {d}" for d in doc_ids])


def test_saved_index_loads_memory_mapped_with_the_same_scores(tmp_path: Path) -> None:
    chunks, built = _index()
    path = tmp_path / "bm25.bin"
    with path.open("wb") as fh:
        built.save(fh)
    loaded = LexicalIndex.load(path, chunks)
    assert isinstance(loaded.accented.bm25.scores["data"].base, np.memmap)  # mapped, not read into RAM
    assert len(loaded) == len(built) == len(chunks)
    for q in QUESTIONS:
        for diacritics in (True, False):
            np.testing.assert_array_equal(loaded.scores(q, diacritics=diacritics), built.scores(q, diacritics=diacritics))
            row = int(np.argmax(built.scores(q, diacritics=diacritics)))
            assert loaded.coverage(q, row, diacritics=diacritics) == built.coverage(q, row, diacritics=diacritics)
    assert loaded.accented.idf("rome") == built.accented.idf("rome") > 0
    with pytest.raises(ValueError, match="expected format"):
        LexicalIndex.load(path, chunks[:-1])  # another corpus: never read as this one


def test_truncated_or_foreign_container_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    with path.open("wb") as fh:
        containers.write_arrays(fh, {"k": 1}, {"a": np.arange(1000, dtype=np.int64)})
    meta, arrays = containers.read_arrays(path)
    assert meta == {"k": 1} and arrays["a"][-1] == 999
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match="truncated"):
        containers.read_arrays(path)
    path.write_bytes(b"SQLite format 3\0" + b"\0" * 100)
    with pytest.raises(ValueError, match="not an array container"):
        containers.read_arrays(path)


def _ingest(data_dir: Path, *paths: Path) -> None:
    report = IngestReport()
    sources = collect_sources(list(paths), 5_000_000, report)
    Writer(data_dir, Pipeline(Settings(data_dir=data_dir), None)).ingest(sources, report=report)


def _bm25_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in data_dir.iterdir() if p.name.startswith(("bm25.", ".bm25.")))


def test_each_generation_publishes_one_bm25_file_and_readers_map_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingest(data, SEEDS)
    first = Store(data).manifest()
    assert _bm25_files(data) == [first["bm25_file"]]
    assert lexical_files.file_sha256(data / first["bm25_file"]) == first["bm25_sha256"]
    snap = Snapshot.open(data)
    assert not snap.notes and isinstance(snap.lexical.folded.bm25.scores["indices"].base, np.memmap)
    rebuilt = _rebuilt(snap)
    assert snap.lexical.counted is not None and not snap.lexical.counted.all()  # the seeds carry related leads
    for q in QUESTIONS:
        np.testing.assert_array_equal(snap.lexical.scores(q, diacritics=True), rebuilt.scores(q, diacritics=True))

    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "tin-moi.txt").write_text("Tin mới\n\nĐội tuyển bóng đá Việt Nam thắng Thái Lan 2-0 tại Mỹ Đình.",
                                       encoding="utf-8")
    _ingest(data, extra)
    second = Store(data).manifest()
    assert second["bm25_file"] != first["bm25_file"]
    assert _bm25_files(data) == [second["bm25_file"]]  # the old generation's file is collected
    top = Snapshot.open(data)
    assert top.chunks[int(np.argmax(top.lexical.scores("bóng đá Mỹ Đình", diacritics=True)))].doc_id == "tin-moi"


@pytest.mark.parametrize("damage", ["flip", "delete"])
def test_damaged_bm25_file_is_rebuilt_in_memory_and_reported_once(tmp_path: Path, damage: str) -> None:
    data = tmp_path / "data"
    _ingest(data, SEEDS)
    settings = Settings(data_dir=data, mode="lexical")
    before = QAService(settings, warn=lambda m: None).ask(QUESTIONS[0])
    path = data / Store(data).manifest()["bm25_file"]
    if damage == "flip":
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0x10
        path.write_bytes(bytes(raw))
    else:
        path.unlink()
    warnings: list[str] = []
    service = QAService(settings, warn=warnings.append)
    after = service.ask(QUESTIONS[0])
    service.ask(QUESTIONS[1])
    assert [p.chunk_id for p in after.passages] == [p.chunk_id for p in before.passages]
    notes = [w for w in warnings if "BM25" in w]
    assert len(notes) == 1 and path.name in notes[0] and "qa reindex" in notes[0]
    Writer(data, Pipeline(Settings(data_dir=data), None)).reindex()  # the fix the note names
    assert not Snapshot.open(data).notes


def test_a_write_with_nothing_to_change_publishes_nothing_unless_a_file_is_damaged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _ingest(data, SEEDS)
    first = Store(data).manifest()
    _ingest(data, SEEDS)  # unchanged files: no new generation, no BM25 rebuild
    assert Store(data).manifest() == first and _bm25_files(data) == [first["bm25_file"]]
    (data / first["bm25_file"]).write_bytes(b"damaged")
    _ingest(data, SEEDS)  # the same no-op write now repairs it
    repaired = Store(data).manifest()
    assert repaired["generation"] == str(int(first["generation"]) + 1)
    assert lexical_files.file_sha256(data / repaired["bm25_file"]) == repaired["bm25_sha256"]
    assert not Snapshot.open(data).notes


def _rebuilt(snap: Snapshot) -> LexicalIndex:
    """The snapshot's BM25 built from scratch in memory: its chunks, titles, and which are articles' own text."""
    return LexicalIndex([c.text for c in snap.chunks], doc_ids=[c.doc_id for c in snap.chunks],
                        titles=[snap.docs[c.doc_id].title for c in snap.chunks],
                        counted=[snap.docs[c.doc_id].section(c.start) == "body" for c in snap.chunks])


def _assert_same_scores(got: LexicalIndex, expected: LexicalIndex) -> None:
    for q in [*QUESTIONS, "bóng đá Mỹ Đình", "Tin 3"]:
        for diacritics in (True, False):
            np.testing.assert_array_equal(got.scores(q, diacritics=diacritics), expected.scores(q, diacritics=diacritics))
    assert got.accented.idf("rome") == expected.accented.idf("rome")


def test_counts_come_back_from_saved_scores_exactly_and_only_with_their_own_lengths() -> None:
    vocab = Vocabulary()
    paras = [para for text in TEXTS for para in text.split("\n\n")]
    counts = count_matrix([vocab.encode(field_tokens(para, folded=False)) for para in paras], len(vocab.ids))
    scores = scores_from_counts(counts, lengths_of(counts))
    for block in (1 << 24, 997):  # one pass, and many blocks whose edges fall inside columns
        back = counts_from_scores(scores, lengths_of(counts), block=block)
        assert back is not None
        np.testing.assert_array_equal(back.toarray(), counts.toarray())
    wrong = lengths_of(counts).copy()
    wrong[0] += 3  # another corpus's lengths: the counts do not come back whole, so nothing is reused
    assert counts_from_scores(scores, wrong) is None


def test_a_write_carries_the_previous_file_over_and_scores_like_a_full_build(tmp_path: Path) -> None:
    chunks, _ = _index()
    doc_ids = [str(i % 5) for i in range(len(chunks))]
    ids = list(range(1, len(chunks) + 1))
    first = lexical_files.write(tmp_path, 1, chunks, doc_ids, [f"Tin {d}" for d in doc_ids], ids)
    assert first.reused == 0
    # document 3 is removed, document 1 gets a new title, a new document arrives (new ids, new words)
    keep = [i for i, d in enumerate(doc_ids) if d != "3"]
    added = ["Đội tuyển bóng đá Việt Nam thắng Thái Lan 2-0 tại Mỹ Đình.", "Khán giả Mỹ Đình ăn mừng chiến thắng."]
    texts = [chunks[i] for i in keep] + added
    docs = [doc_ids[i] for i in keep] + ["9", "9"]
    titles = ["Tin một mới" if d == "1" else f"Tin {d}" for d in docs]
    new_ids = [ids[i] for i in keep] + [len(chunks) + 7, len(chunks) + 8]
    second = lexical_files.write(tmp_path, 2, texts, docs, titles, new_ids, first.path)
    assert second.reused == len(keep)  # only the two new chunks were tokenised
    loaded = LexicalIndex.load(second.path, texts)
    _assert_same_scores(loaded, LexicalIndex(texts, doc_ids=docs, titles=titles))
    assert list(loaded.chunk_ids) == new_ids
    # the order of rows follows the chunk ids given, whatever it is
    shuffled = list(range(len(texts)))
    random.Random(5).shuffle(shuffled)
    pick = lambda xs: [xs[i] for i in shuffled]  # noqa: E731
    third = lexical_files.write(tmp_path, 3, pick(texts), pick(docs), pick(titles), pick(new_ids), second.path)
    assert third.reused == len(texts)
    _assert_same_scores(LexicalIndex.load(third.path, pick(texts)),
                        LexicalIndex(pick(texts), doc_ids=pick(docs), titles=pick(titles)))


def test_a_file_without_chunk_ids_is_not_carried_over(tmp_path: Path) -> None:
    chunks, built = _index()
    old = tmp_path / "bm25.old.bin"
    with old.open("wb") as fh:
        built.save(fh)  # built without chunk ids (as before they were recorded)
    doc_ids = [str(i % 5) for i in range(len(chunks))]
    titles = [f"Tin {d}" for d in doc_ids]
    assert LexicalIndex.updated(old, chunks, doc_ids, titles, list(range(len(chunks)))) is None
    written = lexical_files.write(tmp_path, 2, chunks, doc_ids, titles, list(range(len(chunks))), old)
    assert written.reused == 0
    rewritten = LexicalIndex.load(written.path, chunks)
    _assert_same_scores(rewritten, built)
    assert list(rewritten.chunk_ids) == list(range(len(chunks)))  # recorded now: the next write carries it over
    assert lexical_files.write(tmp_path, 3, chunks, doc_ids, titles, list(range(len(chunks))), written.path).reused == len(chunks)


def test_the_writer_tokenises_only_new_chunks_unless_reindexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[lexical_files.Written] = []
    real = lexical_files.write

    def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the real write, its result noted
        writes.append(real(*args, **kwargs))
        return writes[-1]

    monkeypatch.setattr(lexical_files, "write", recording)
    data = tmp_path / "data"
    _ingest(data, SEEDS)
    before = Store(data).count("chunks")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "tin-moi.txt").write_text("Tin mới\n\nĐội tuyển bóng đá Việt Nam thắng Thái Lan 2-0 tại Mỹ Đình.",
                                       encoding="utf-8")
    _ingest(data, extra)
    assert [w.reused for w in writes] == [0, before]
    snap = Snapshot.open(data)
    _assert_same_scores(snap.lexical, _rebuilt(snap))
    Writer(data, Pipeline(Settings(data_dir=data), None)).reindex()
    assert writes[-1].reused == 0  # `qa reindex` builds from scratch
