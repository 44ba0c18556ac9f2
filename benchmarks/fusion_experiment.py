"""Which fusion of BM25 and dense scores, on data: modes x sets x languages x variants.

    python benchmarks/fusion_experiment.py QUESTIONS.jsonl DOCS_DIR [QUESTIONS DOCS ...] \
        [--model PATH_OR_ID] [--json out.json]

Encodes every question once, scores every chunk with both retrievers, then
replays each fusion variant offline, so the table compares variants on exactly
the same candidates. hit@1 = top passage from a right article containing an
answer string (as in `qa eval`).

    python benchmarks/fusion_experiment.py --answer-types --shared ../shared

replays instead the lexical sentence rerank with several answer-type bonuses
(`qa.picker.ANSWER_TYPE_BONUS` for Vietnamese questions, `FOREIGN_TYPE_BONUS`
for questions in another language) on XQuAD and the dev conversations: hit@1
and answer@1 per language, and conversation turns at rank 1. Measured (lexical), first
before the English glossary, then with its 10,663 words and the "(noun) nào" / "which (noun)" and
"bao nhiêu tiếng" / "how many hours" cues:

    vi / foreign bonus   xquad hit@1 en / vi / nodiac   answer@1 en / vi / nodiac   chat turns at rank 1
    0.15 / 0.15          .470 / .953 / .948             .271 / .807 / .790          7/8
    0.15 / 0.30          .470 / .953 / .948             .267 / .807 / .790          8/8   <- the default then
    0.15 / 0.50          .470 / .953 / .948             .266 / .807 / .790          8/8
    0.20 / 0.20          .470 / .953 / .948             .267 / .810 / .793          8/8
    0.25 / 0.25          .470 / .954 / .946             .267 / .808 / .793          8/8

    0.15 / 0.30          .856 / .953 / .948             .682 / .807 / .788          8/8
    0.20 / 0.15          .854 / .953 / .948             .690 / .810 / .791          8/8
    0.20 / 0.20          .856 / .953 / .948             .685 / .810 / .791          8/8   <- default
    0.20 / 0.25          .856 / .953 / .948             .683 / .810 / .791          8/8
    0.25 / 0.20          .856 / .954 / .948             .685 / .808 / .793          8/8
    0.30 / 0.20          .856 / .954 / .948             .685 / .812 / .794          8/8
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import Settings  # noqa: E402
from qa.evaluation import answers_in, eval_service, gold_articles, load_conversations, load_questions  # noqa: E402
from qa.fusion import VARIANTS, fuse, pool  # noqa: E402
from qa.retrieval import POOL_MIN, Retriever, analyze, collapse_near_duplicates  # noqa: E402


def dense_matrix(snapshot) -> np.ndarray:  # noqa: ANN001
    index = snapshot.vectors.index
    vectors = index.index.reconstruct_n(0, index.ntotal)
    import faiss

    ids = faiss.vector_to_array(index.id_map)
    out = np.zeros_like(vectors)
    for pos, cid in enumerate(ids):
        out[snapshot.row_of[int(cid)]] = vectors[pos]
    return out


def run_set(questions_path: Path, docs: Path, settings: Settings) -> dict[str, dict[str, list[int]]]:
    service = eval_service(docs, settings, lambda m: print(m, file=sys.stderr))
    snap = service.snapshot()
    encoder = service.encoder()
    matrix = dense_matrix(snap) if encoder is not None and snap.vectors is not None else None
    questions = [q for q in load_questions(questions_path) if gold_articles(q)]
    vectors = encoder.encode_queries([q["question"] for q in questions]) if matrix is not None else None
    hits: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, q in enumerate(questions):
        query = analyze(q["question"])
        lexical = snap.lexical.scores(query.text, diacritics=query.diacritics)
        dense = matrix @ vectors[i] if matrix is not None else np.zeros_like(lexical)
        rows = pool(lexical, [int(r) for r in np.argsort(-dense)[:POOL_MIN]], POOL_MIN)
        coverage = snap.lexical.coverage(query.text, int(np.argmax(lexical)), diacritics=query.diacritics)
        for name, spec in VARIANTS.items():
            if matrix is None and name != "lexical":
                continue
            fused = fuse(lexical[rows], dense[rows], spec, coverage)
            top = rows[int(np.argmax(fused))]
            chunk = snap.chunks[top]
            hits[name][q["lang"]].append(int(chunk.doc_id in gold_articles(q) and answers_in(chunk.text, q)))
    return hits


BONUS_GRID = ((0.15, 0.3), (0.2, 0.15), (0.2, 0.2), (0.2, 0.25), (0.25, 0.2), (0.3, 0.2))


def _replay(snap, prepared: list, k: int = 10) -> dict[str, dict[str, float]]:  # noqa: ANN001
    """Lexical sentence rerank of fixed candidates: hit@1 and answer@1 per language."""
    from qa.rerank import rerank

    texts = [c.text for c in snap.chunks]
    out: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for q, query, candidates in prepared:
        ranked = collapse_near_duplicates(rerank(snap, candidates, query), texts, k)
        top = ranked[0] if ranked else None
        right = bool(top) and snap.chunks[top.row].doc_id in gold_articles(q)
        out[q["lang"]]["hit@1"].append(int(right and answers_in(snap.chunks[top.row].text, q)))
        out[q["lang"]]["answer@1"].append(int(right and answers_in(top.highlight.text, q)))
    return {lang: {m: round(float(np.mean(v)), 4) for m, v in by.items()} for lang, by in sorted(out.items())}


def answer_type_grid(shared: Path) -> dict[str, dict]:
    """XQuAD and dev-chat under each (Vietnamese, foreign) answer-type bonus of BONUS_GRID."""
    from qa import picker
    from qa.conversation import contextualize

    settings = Settings(mode="lexical")
    quiet = lambda m: None  # noqa: E731
    xdir = shared / "eval" / "xquad-vi-dev"
    sets = []
    xsnap = eval_service(xdir / "docs", settings, quiet).snapshot()
    sets.append(("xquad", xsnap, [q for q in load_questions(xdir / "questions.jsonl") if gold_articles(q)], None))
    turns = []
    for conv in load_conversations(shared / "eval" / "dev-chat.jsonl"):
        history: list[str] = []
        for q in conv["turns"]:
            turns.append((q, list(history)))
            history.append(q["question"])
    sets.append(("dev-chat", eval_service(ROOT / "seeds", settings, quiet).snapshot(), [t[0] for t in turns],
                 [t[1] for t in turns]))
    prepared = {}
    for name, snap, questions, histories in sets:
        items = []
        for i, q in enumerate(questions):
            query = analyze(q["question"], contextualize(q["question"], histories[i]) if histories else None)
            items.append((q, query, Retriever(snap).search(query, 10, "lexical", None)))
        prepared[name] = (snap, items)
    saved = picker.ANSWER_TYPE_BONUS, picker.FOREIGN_TYPE_BONUS
    results = {}
    try:
        for vi_bonus, foreign_bonus in BONUS_GRID:
            picker.ANSWER_TYPE_BONUS, picker.FOREIGN_TYPE_BONUS = vi_bonus, foreign_bonus
            row = {name: _replay(snap, items) for name, (snap, items) in prepared.items()}
            n_turns = len(prepared["dev-chat"][1])
            hits = sum(round(by["hit@1"] * sum(q["lang"] == lang for q, _, _ in prepared["dev-chat"][1]))
                       for lang, by in row["dev-chat"].items())
            x = row["xquad"]
            print(f"{vi_bonus:.2f} / {foreign_bonus:.2f}   hit@1 " + " / ".join(f"{x[lg]['hit@1']:.3f}" for lg in x)
                  + "   answer@1 " + " / ".join(f"{x[lg]['answer@1']:.3f}" for lg in x) + f"   chat {hits}/{n_turns}")
            results[f"{vi_bonus}/{foreign_bonus}"] = row | {"chat_turns_at_1": hits}
    finally:
        picker.ANSWER_TYPE_BONUS, picker.FOREIGN_TYPE_BONUS = saved
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="*", help="QUESTIONS DOCS [QUESTIONS DOCS ...]")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--answer-types", action="store_true", help="replay the answer-type bonus grid instead")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    if args.answer_types:
        print("vi / foreign bonus   xquad hit@1 (langs sorted)   answer@1   dev-chat turns at rank 1")
        grid = answer_type_grid(args.shared)
        if args.json:
            args.json.write_text(json.dumps(grid, indent=2))
        return
    settings = Settings() if args.model is None else Settings(model=args.model)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for qpath, docs in zip(args.pairs[::2], args.pairs[1::2]):
        hits = run_set(Path(qpath), Path(docs), settings)
        table = {v: {lang: round(float(np.mean(h)), 4) for lang, h in sorted(by.items())} for v, by in hits.items()}
        results[Path(qpath).name] = table
        langs = sorted({lang for by in table.values() for lang in by})
        print(f"\n{qpath} over {docs} · model {settings.model}")
        print(f"{'variant':28}" + "".join(f"{lang:>11}" for lang in langs))
        for variant, by in table.items():
            print(f"{variant:28}" + "".join(f"{by.get(lang, float('nan')):>11.3f}" for lang in langs))
    if args.json:
        args.json.write_text(json.dumps({"model": settings.model, "hit@1": results}, indent=2))


if __name__ == "__main__":
    main()
