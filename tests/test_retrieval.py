"""Retrieval contracts: fusion, BM25 fields, evidence coverage, near-duplicates (answers over the seeds:
``test_cited_answers.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa import glossary
from qa.chunking import chunk_document, estimate_tokens
from qa.documents import parse_document
from qa.fusion import VARIANTS, FusionSpec, fuse, pool
from qa.lexical import LexicalIndex, field_tokens
from qa.retrieval import Candidate, collapse_near_duplicates
from qa.text import fold, has_diacritics

SEEDS = Path(__file__).parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
RAW = {p.stem: p.read_text(encoding="utf-8") for p in SEED_FILES}


# ====================================================================== fusion
NORMS = ["zscore", "minmax", "rrf"]


def spec(norm: str) -> FusionSpec:
    return FusionSpec(norm=norm)  # equal weights


def order(scores: np.ndarray) -> list[int]:
    return list(np.argsort(-scores, kind="stable"))


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_fusion_candidate_best_in_both_lists_ranks_first(name: str) -> None:
    rng = np.random.default_rng(7)
    for trial in range(50):
        n = int(rng.integers(2, 40))
        lexical = rng.gamma(2.0, 3.0, n)
        dense = rng.uniform(-0.2, 0.9, n)
        best = int(rng.integers(0, n))
        lexical[best] = lexical.max() + rng.uniform(0.01, 5)
        dense[best] = dense.max() + rng.uniform(0.001, 0.1)
        for coverage in (0.0, 0.5, 1.0):
            fused = fuse(lexical, dense, VARIANTS[name], coverage)
            assert fused.shape == (n,)
            assert np.all(np.isfinite(fused))
            assert int(np.argmax(fused)) == best, (name, trial, coverage)
            assert np.sum(fused == fused[best]) == 1, "the best candidate must win outright"


@pytest.mark.parametrize("norm", ["zscore", "minmax"])
def test_fusion_invariant_to_shifting_and_scaling_one_list(norm: str) -> None:
    rng = np.random.default_rng(11)
    for _ in range(30):
        n = int(rng.integers(3, 30))
        lexical, dense = rng.gamma(2.0, 3.0, n), rng.uniform(-1, 1, n)
        base = fuse(lexical, dense, spec(norm), 0.5)
        for a, b in ((3.0, 7.0), (0.01, -2.0), (250.0, 0.0)):
            np.testing.assert_allclose(fuse(a * lexical + b, dense, spec(norm), 0.5), base, atol=1e-9)
            np.testing.assert_allclose(fuse(lexical, a * dense + b, spec(norm), 0.5), base, atol=1e-9)
            assert order(fuse(a * lexical + b, a * dense + b, spec(norm), 0.5)) == order(base)


def test_rrf_depends_on_ranks_only() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(3, 30))
        lexical, dense = rng.permutation(n).astype(float) + rng.uniform(0, 0.5, n), rng.uniform(-1, 1, n)
        base = fuse(lexical, dense, spec("rrf"), 0.5)
        # any strictly increasing transform keeps the ranks, hence the fused scores exactly
        np.testing.assert_allclose(fuse(np.exp(lexical / 3), dense ** 3, spec("rrf"), 0.5), base)
        np.testing.assert_allclose(fuse(lexical * 100 - 5, dense + 1, spec("rrf"), 0.5), base)
        # and the score values themselves do not matter beyond their order
        ranks_only = np.argsort(np.argsort(-lexical)).astype(float)
        np.testing.assert_allclose(fuse(-ranks_only, dense, spec("rrf"), 0.5), base)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_fusion_constant_lists_do_not_produce_nan(name: str) -> None:
    for n in (1, 2, 5):
        for lexical, dense in ((np.full(n, 3.0), np.full(n, 0.4)), (np.zeros(n), np.zeros(n)),
                               (np.arange(n, dtype=float), np.full(n, 0.4)), (np.full(n, 2.0), np.linspace(0, 1, n))):
            fused = fuse(lexical, dense, VARIANTS[name], 0.5)
            assert fused.shape == (n,) and np.all(np.isfinite(fused))


@pytest.mark.parametrize("norm", ["zscore", "minmax"])
def test_fusion_constant_list_leaves_the_other_order(norm: str) -> None:
    lexical = np.array([1.0, 5.0, 3.0, 4.0, 2.0])
    assert order(fuse(lexical, np.full(5, 0.3), spec(norm), 0.5)) == order(lexical)
    assert order(fuse(np.full(5, 9.0), lexical, spec(norm), 0.5)) == order(lexical)


def test_rrf_tied_scores_share_a_rank() -> None:
    lexical = np.array([1.0, 5.0, 3.0, 4.0, 2.0])
    fused = fuse(lexical, np.full(5, 0.3), spec("rrf"), 0.5)
    assert order(fused) == order(lexical)


def test_dense_weight_follows_lexical_evidence() -> None:
    for s in VARIANTS.values():
        lo, hi = sorted((s.dense_min, s.dense_max))
        for c in (-1.0, 0.0, 0.3, 0.7, 1.0, 2.0):
            assert lo - 1e-12 <= s.dense_weight(c) <= hi + 1e-12
        assert s.dense_weight(-1.0) == s.dense_weight(0.0) and s.dense_weight(2.0) == s.dense_weight(1.0)
        assert s.dense_weight(1.0) == pytest.approx(s.dense_min)
        assert s.dense_weight(0.0) == pytest.approx(s.dense_max)


def test_pool_dense_rows_first_then_matching_lexical_rows() -> None:
    lexical = np.array([0.0, 2.0, 0.0, 5.0, 1.0, 0.0])
    rows = pool(lexical, [2, 3], 6)
    assert rows[:2] == [2, 3]
    assert len(rows) == len(set(rows))
    assert set(rows) == {2, 3, 1, 4}  # row 0 and 5 matched nothing and were not dense hits


# ============================================================ lexical index
def seed_chunks() -> tuple[list[str], list[str]]:
    texts, titles = [], []
    for path in SEED_FILES:
        raw = RAW[path.stem]
        doc = parse_document(raw, path.stem)
        chunks = chunk_document(raw, [(p.start, p.end) for p in doc.paragraphs], count=estimate_tokens,
                                target=200, hard_max=500)
        texts += [c.text for c in chunks]
        titles += [doc.title] * len(chunks)
    return texts, titles


@pytest.fixture(scope="module")
def corpus() -> tuple[list[str], LexicalIndex]:
    texts, titles = seed_chunks()
    return texts, LexicalIndex(texts, titles=titles)


RARE = [  # question, words only the right passage(s) contain
    ("Tướng Phòng Phong Huy là ai?", "Phòng Phong Huy"),
    ("Vương Nghị tri ân ai?", "Kissinger"),
    ("Khách sạn Captain Cook ở Anchorage", "Captain Cook"),
    ("Bà Kim Yo Jong là em gái của ai?", "Kim Yo Jong"),
    ("Phát ngôn viên Triệu Lập Kiên nói gì?", "Triệu Lập Kiên"),
    ("Ông Cảnh Sảng nói gì về khủng bố?", "Cảnh Sảng"),
]


@pytest.mark.parametrize("question,needle", RARE)
def test_lexical_ranks_passage_with_rare_words_first(corpus, question: str, needle: str) -> None:
    texts, index = corpus
    assert has_diacritics(question)
    scores = index.scores(question, diacritics=True)
    assert scores.shape == (len(texts),) and np.all(np.isfinite(scores))
    top = int(np.argmax(scores))
    assert needle in texts[top], texts[top][:120]
    assert scores[top] > 0


@pytest.mark.parametrize("question,needle", RARE)
def test_lexical_folded_query_finds_the_same_passage(corpus, question: str, needle: str) -> None:
    texts, index = corpus
    folded = fold(question)
    assert not has_diacritics(folded)
    scores = index.scores(folded, diacritics=False)
    top = int(np.argmax(scores))
    assert needle in texts[top]
    assert scores[top] > 0


def test_lexical_accented_field_tells_gap_from_gap() -> None:
    texts = ["Hai bên gặp nhau tại Rome để thảo luận.", "Việc này rất gấp, cần xử lý ngay.", "Một câu khác hẳn về kinh tế."]
    index = LexicalIndex(texts, titles=["Tin một", "Tin hai", "Tin ba"])
    meet = index.scores("gặp", diacritics=True)
    urgent = index.scores("gấp", diacritics=True)
    assert meet[0] > meet[1] and urgent[1] > urgent[0]
    assert meet[2] == 0 and urgent[2] == 0
    # without diacritics only the folded field can match: both "gap" passages score alike
    folded = index.scores("gap", diacritics=False)
    assert folded[0] > 0 and folded[1] > 0 and folded[2] == 0


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_an_english_possessive_asks_for_its_noun(apostrophe: str) -> None:
    """"Newcastle's" matches "Newcastle", and no stray "s" token matches a passage that holds one."""
    texts = ["Chợ Grainger là chợ trong nhà đầu tiên của Newcastle, mở năm 1835.",
             "Giao thức X.25 s dùng chuyển mạch gói cho mạng công cộng."]
    index = LexicalIndex(texts, titles=["Newcastle upon Tyne", "Packet switching"])
    for diacritics in (True, False):
        scores = index.scores(f"When did Newcastle{apostrophe}s first indoor market open?", diacritics=diacritics)
        assert scores[0] > 0 and scores[1] == 0, scores


def test_lexical_accent_sensitive_on_seeds(corpus) -> None:
    texts, index = corpus
    meet = index.scores("cuộc gặp", diacritics=True)
    urgent = index.scores("cuộc gấp", diacritics=True)
    assert not np.allclose(meet, urgent)
    top = int(np.argmax(meet))
    assert "gặp" in texts[top] and meet[top] > urgent[top]


def test_coverage_in_unit_interval_and_zero_off_corpus(corpus) -> None:
    texts, index = corpus
    for row in range(len(texts)):
        for diacritics in (True, False):
            assert index.coverage("population Brazil", row, diacritics=diacritics) == 0.0
            c = index.coverage("Tướng Phòng Phong Huy tham dự đối thoại an ninh", row, diacritics=diacritics)
            assert 0.0 <= c <= 1.0
    question = "Vương Nghị tri ân cựu Ngoại trưởng Mỹ"
    top = int(np.argmax(index.scores(question, diacritics=True)))
    assert index.coverage(question, top, diacritics=True) > 0.5
    assert index.coverage(fold(question), top, diacritics=False) > 0.5
    assert index.coverage(question, top, diacritics=True) > index.coverage("population Brazil", top, diacritics=True)


def test_a_compound_the_passage_lacks_is_no_evidence_by_its_syllables(corpus) -> None:
    """"thời tiết" (weather) is a compound: "thời" and "tiết" apart in a passage ("thời điểm", "tiết lộ") do not say
    it. A pair the passage has counts in full."""
    texts, index = corpus
    pairs = glossary.compounds(folded=True)
    assert "thoi_tiet" in pairs
    apart = [i for i in range(len(texts)) if {"thoi", "tiet", "thoi_diem"} <= index.present(i, folded=True)]
    row = next(i for i in apart if "thoi_tiet" not in index.present(i, folded=True))
    assert index.coverage("thoi tiet", row, diacritics=False) > 0.4
    assert index.coverage("thoi tiet", row, diacritics=False, compounds=pairs) == 0.0
    assert index.coverage("thoi diem", row, diacritics=False, compounds=pairs) == 1.0


def test_a_follow_ups_own_words_weigh_more_within_its_context(corpus) -> None:
    """``stressed``: the words a follow-up says itself ("cấp thiết") count ``1 + stress`` times within the whole
    (the turn before + the follow-up): a sentence with them and none of the earlier turn's scores higher than
    unstressed, one with only the earlier turn's words lower, and all of them together is still a full share."""
    texts, index = corpus
    earlier, follow_up = "cuộc gặp Rome lên lịch", "cấp thiết"
    whole = f"{earlier} {follow_up}"
    plain = index.coverage_scorer(whole, diacritics=True)
    stressed = index.coverage_scorer(whole, diacritics=True, stressed=follow_up, stress=2.0)
    own = frozenset(field_tokens(follow_up, folded=False))
    theirs = frozenset(field_tokens(earlier, folded=False))
    assert 0 < plain(own) < stressed(own) < 1
    assert plain(theirs) > stressed(theirs) > 0
    assert stressed(own | theirs | frozenset(field_tokens(whole, folded=False))) == pytest.approx(1.0)
    assert index.coverage_scorer(whole, diacritics=True, stressed=follow_up, stress=0.0)(own) == pytest.approx(plain(own))


def test_coverage_of_words_taken_from_the_passage_is_full(corpus) -> None:
    texts, index = corpus
    for row in range(0, len(texts), 3):
        snippet = " ".join(texts[row].split()[5:15])
        assert index.coverage(snippet, row, diacritics=True) == pytest.approx(1.0)
        assert index.coverage(fold(snippet), row, diacritics=False) == pytest.approx(1.0)


@pytest.mark.parametrize("query", ["là của và thì mà", "what is the", "ai là gì", "", "?!", "the of and"])
def test_stopword_only_or_empty_query_does_not_crash(corpus, query: str) -> None:
    texts, index = corpus
    for diacritics in (True, False):
        scores = index.scores(query, diacritics=diacritics)
        assert scores.shape == (len(texts),) and np.all(np.isfinite(scores)) and np.all(scores >= 0)
        assert 0.0 <= index.coverage(query, 0, diacritics=diacritics) <= 1.0


def test_lexical_index_without_titles() -> None:
    index = LexicalIndex(["Hai bên gặp nhau tại Rome.", "Việc này rất gấp."])
    scores = index.scores("gặp", diacritics=True)
    assert scores[0] > scores[1]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_lexical_index_over_texts_without_words() -> None:
    index = LexicalIndex(["...", "!!!"])
    assert list(index.scores("gặp", diacritics=True)) == [0.0, 0.0]


# ===================================================== near-duplicate collapse
def test_collapse_near_duplicates_drops_near_identical_keeps_distinct() -> None:
    body = RAW["002_57590387f8aa0a75"]
    para = body.splitlines()[3]
    assert len(para.split()) > 40
    near = para.replace("nhiều vấn đề", "một số vấn đề", 1)
    assert near != para
    other = RAW["003_aadb78158e19ba32"].splitlines()[1]
    texts = [para, near, other, "Một đoạn hoàn toàn khác nói về thời tiết ở Hà Nội hôm nay."]
    cands = [Candidate(row, 10.0 - row, 10.0 - row, None) for row in range(4)]
    kept = collapse_near_duplicates(cands, texts, k=10)
    assert [c.row for c in kept] == [0, 2, 3]
    # the better-ranked of two near-duplicates is the one kept, whichever it is
    swapped = [cands[1], cands[0], cands[2], cands[3]]
    assert [c.row for c in collapse_near_duplicates(swapped, texts, k=10)] == [1, 2, 3]
    # k caps the result after collapsing
    assert [c.row for c in collapse_near_duplicates(cands, texts, k=2)] == [0, 2]


def test_collapse_keeps_all_distinct_seed_passages(corpus) -> None:
    texts, _ = corpus
    cands = [Candidate(r, 1.0, 1.0, None) for r in range(len(texts))]
    kept = collapse_near_duplicates(cands, texts, k=len(texts))
    # the parser already dropped the repeated caption: no two seed chunks are near-duplicates
    assert [c.row for c in kept] == list(range(len(texts)))
