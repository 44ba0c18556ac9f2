"""Peer comparison: qa vs txtai on the same encoder, corpus, passages and questions.

    python benchmarks/bench_peer.py [--json OUT]

The fight, made fair:

* encoder: both load the same local all-MiniLM-L6-v2 directory through sentence-transformers
  (txtai ``method="sentence-transformers"``), batch 32, L2-normalised vectors, inner product;
* passages: txtai indexes exactly the passages qa's pipeline produced (the same chunk boundaries and
  the same title header the encoder sees), so hit@1 compares retrieval, not chunking;
* index: FAISS on both sides, exact (qa: IndexIDMap2(IndexFlatIP) below 50k vectors; txtai:
  ``faiss.components = "IDMap,Flat"``, which is also its own default below 5,000 rows);
* hybrid on both sides: qa's default (BM25 over accented + folded syllables and bigrams, fused with
  the dense score by evidence); txtai ``hybrid=True`` (its BM25 "terms" index with Unicode word
  segmentation, scores normalised, fused with the dense score 50/50 -- txtai's defaults);
* questions: the eval sets (XQuAD-vi dev over its 24 articles; dev.jsonl over the seeds), answerable
  questions only; hit@1 = the first passage comes from a right article and contains a gold answer
  (``qa.evaluation`` helpers), recall@5 likewise in the top 5;
* time: each side runs in its own subprocess (own peak RSS), one question at a time. qa's ingest is the
  product's (read files, clean, chunk, embed, SQLite, FAISS); txtai's is ``Embeddings.index`` over the
  ready passages, so "qa ingest minus chunking" is reported too. qa's latency is the whole answer
  (retrieval, sentence rerank, answer sentence); its retrieval-only part (encode + search stages) is
  reported as well. qa runs with its default encoder backend (``describe()`` says which; QA_BACKEND=auto:
  onnx-int8 when its probe check passes, see embeddings/encoder.py), txtai with sentence-transformers'
  torch fp32; the table's first row names qa's backend, and hit@1 / recall@5 show what it costs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import ROOT, md_table, minilm_path, peak_rss_mb, shared_dir, summary_ms, write_json  # noqa: E402


def eval_sets() -> list[tuple[str, Path, Path]]:
    ev = shared_dir() / "eval"
    return [("xquad-vi-dev", ev / "xquad-vi-dev" / "questions.jsonl", ev / "xquad-vi-dev" / "docs"),
            ("dev", ev / "dev.jsonl", ROOT / "seeds")]


def answerable(path: Path) -> list[dict]:
    from qa.evaluation import gold_articles, load_questions

    return [q for q in load_questions(path) if gold_articles(q)]


def score(ranked: list[tuple[str, str]], q: dict) -> tuple[int, int]:
    """(hit@1, hit within 5) for passages given as (doc_id, text), best first."""
    from qa.evaluation import answers_in, gold_articles

    gold = gold_articles(q)
    good = [doc in gold and answers_in(text, q) for doc, text in ranked[:5]]
    return int(bool(good[:1] and good[0])), int(any(good))


def summarize(hits: list[tuple[str, int, int]]) -> dict:
    by: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for lang, h1, r5 in hits:
        by[lang].append((h1, r5))
        by["all"].append((h1, r5))
    return {lang: {"n": len(v), "hit@1": round(float(np.mean([a for a, _ in v])), 4),
                   "recall@5": round(float(np.mean([b for _, b in v])), 4)} for lang, v in sorted(by.items())}


def ours(model: str, tmp: Path) -> dict:
    from qa.config import Settings
    from qa.ingest import IngestReport, collect_sources
    from qa.service import QAService

    out = {}
    for name, questions, docs in eval_sets():
        settings = Settings(data_dir=tmp / f"ours-{name}", model=model)
        service = QAService(settings)
        t = time.perf_counter()
        encoder = service.encoder()
        load_s = time.perf_counter() - t
        report = IngestReport()
        sources = collect_sources([docs], settings.max_file_bytes, report)
        t = time.perf_counter()
        service.writer().ingest(sources, report=report)
        ingest_s = time.perf_counter() - t
        pipeline = service.writer().pipeline
        t = time.perf_counter()
        prepared = [pipeline.prepare(s.doc_id, s.raw, s.path) for s in sources]
        chunk_s = time.perf_counter() - t
        passages = [{"doc_id": p.document.doc_id, "text": c.text, "embed_text": c.embed_text}
                    for p in prepared for c in p.chunks]
        (tmp / f"passages-{name}.json").write_text(json.dumps(passages, ensure_ascii=False))
        qs = answerable(questions)
        service.ask(qs[0]["question"] + " ?")  # warm-up (snapshot, first-call allocations)
        hits, latencies, retrieval = [], [], []
        for q in qs:
            t = time.perf_counter()
            answer = service.ask(q["question"], k=10)
            latencies.append(time.perf_counter() - t)
            retrieval.append((answer.timings.get("encode", 0) + answer.timings.get("search", 0)) / 1000)
            h1, r5 = score([(p.doc_id, p.text) for p in answer.passages], q)
            hits.append((q.get("lang", "?"), h1, r5))
        out[name] = {"documents": len(sources), "chunks": len(passages), "model_load_s": round(load_s, 2),
                     "ingest_s": round(ingest_s, 2), "chunking_s": round(chunk_s, 2),
                     "ingest_minus_chunking_s": round(ingest_s - chunk_s, 2), "latency_ms": summary_ms(latencies),
                     "retrieval_ms": summary_ms(retrieval), "quality": summarize(hits),
                     "encoder": encoder.describe() if encoder else None, "mode": settings.mode}
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


TXTAI_CONFIG = {
    "method": "sentence-transformers",
    "backend": "faiss",
    "faiss": {"components": "IDMap,Flat"},
    "hybrid": True,
    "content": False,
    "encodebatch": 32,
}


def theirs(model: str, tmp: Path) -> dict:
    from txtai import Embeddings

    out = {}
    for name, questions, _docs in eval_sets():
        passages = json.loads((tmp / f"passages-{name}.json").read_text())
        t = time.perf_counter()
        embeddings = Embeddings({**TXTAI_CONFIG, "path": model})
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        embeddings.index([(i, p["embed_text"], None) for i, p in enumerate(passages)])
        index_s = time.perf_counter() - t
        qs = answerable(questions)
        embeddings.search(qs[0]["question"] + " ?", 10)
        hits, latencies = [], []
        for q in qs:
            t = time.perf_counter()
            results = embeddings.search(q["question"], 10)
            latencies.append(time.perf_counter() - t)
            ranked = [(passages[int(i)]["doc_id"], passages[int(i)]["text"]) for i, _score in results]
            h1, r5 = score(ranked, q)
            hits.append((q.get("lang", "?"), h1, r5))
        out[name] = {"chunks": len(passages), "model_load_s": round(load_s, 2), "ingest_s": round(index_s, 2),
                     "latency_ms": summary_ms(latencies), "quality": summarize(hits)}
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    out["config"] = TXTAI_CONFIG | {"path": model}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--side", choices=["ours", "theirs"], help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = args.model or minilm_path()
    if args.side:
        result = ours(model, args.tmp) if args.side == "ours" else theirs(model, args.tmp)
        print("RESULT " + json.dumps(result))
        return
    sides = {}
    with tempfile.TemporaryDirectory() as tmp:
        for side in ("ours", "theirs"):  # ours first: it writes the passages txtai indexes
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--side", side, "--tmp", tmp, "--model", model],
                                  capture_output=True, text=True)
            line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                raise SystemExit(f"{side} failed:\n{proc.stderr[-3000:]}")
            sides[side] = json.loads(line[7:]) | {"wall_s": round(time.perf_counter() - t, 1)}
            print(f"{side}: {sides[side]['wall_s']} s", flush=True)
    a, b = sides["ours"], sides["theirs"]
    backend = (a[eval_sets()[0][0]].get("encoder") or {}).get("backend", "none")
    rows = [["both", "encoder backend", backend, "torch (sentence-transformers)", ""]]
    for name, _q, _d in eval_sets():
        x, y = a[name], b[name]
        rows.append([name, "ingest s", x["ingest_s"], y["ingest_s"], round(x["ingest_s"] / y["ingest_s"], 2)])
        rows.append([name, "ingest minus chunking s", x["ingest_minus_chunking_s"], y["ingest_s"],
                     round(x["ingest_minus_chunking_s"] / y["ingest_s"], 2)])
        for stat in ("p50", "p95"):
            rows.append([name, f"query {stat} ms (qa: whole answer)", x["latency_ms"][stat], y["latency_ms"][stat],
                         round(x["latency_ms"][stat] / y["latency_ms"][stat], 2)])
        rows.append([name, "query p50 ms (qa: encode+search only)", x["retrieval_ms"]["p50"], y["latency_ms"]["p50"],
                     round(x["retrieval_ms"]["p50"] / y["latency_ms"]["p50"], 2)])
        for lang in x["quality"]:
            for metric in ("hit@1", "recall@5"):
                u, v = x["quality"][lang][metric], y["quality"][lang][metric]
                rows.append([name, f"{metric} {lang} (n={x['quality'][lang]['n']})", u, v,
                             round(u / v, 2) if v else "inf"])
    rows.append(["both", "peak RSS MB (whole run)", a["peak_rss_mb"], b["peak_rss_mb"],
                 round(a["peak_rss_mb"] / b["peak_rss_mb"], 2)])
    table = md_table(["set", "measure", "qa", "txtai", "qa / txtai"], rows)
    print(table)
    if args.json:
        write_json(args.json, {"model": model, "ours": a, "theirs": b, "table": table})


if __name__ == "__main__":
    main()
