"""Which fusion of BM25 and dense scores, on data: modes x sets x languages x variants.

    python benchmarks/fusion_experiment.py QUESTIONS.jsonl DOCS_DIR [QUESTIONS DOCS ...] \
        [--model PATH_OR_ID] [--json out.json]

Encodes every question once, scores every chunk with both retrievers, then
replays each fusion variant offline, so the table compares variants on exactly
the same candidates. hit@1 = top passage from a right article containing an
answer string (as in `qa eval`).
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
from qa.evaluation import answers_in, eval_service, gold_articles, load_questions  # noqa: E402
from qa.fusion import VARIANTS, fuse, pool  # noqa: E402
from qa.retrieval import POOL_MIN, analyze  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", help="QUESTIONS DOCS [QUESTIONS DOCS ...]")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
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
