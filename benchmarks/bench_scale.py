"""Scale: the product's vector index and bm25s on synthetic corpora of 10k, 100k and 1M chunks.

    python benchmarks/bench_scale.py [--sizes 10000,100000,1000000] [--json OUT] [--plot PNG]

Vectors. A sample of real vectors comes from the encoder (all-MiniLM-L6-v2): every sentence of the
XQuAD-vi docs and the seeds, and every pair of consecutive sentences (~1.5k passages); the query
vectors are 200 real questions (vi, vi without diacritics, en) encoded as queries. The rest is
generated cheaply: v = normalise(w*a + (1-w)*b + sigma*g/sqrt(d)), a and b two random real vectors,
w ~ U(0,1), g ~ N(0, I_d), sigma = 0.35 -- chosen so that the mean pairwise cosine and the
nearest-neighbour cosine of the synthetic set are close to the real sample's (both are reported).
The vectors of a smaller size are a prefix of the larger ones.

Dense: ``embeddings.index.VectorIndex.build`` (exact below 50k, IVF-SQ8 above) -- build seconds, RSS
growth, serialised size (= the .faiss file on disk), single-query latency for the product's pool
(k=50), recall@10 and recall@50 against exact search (``faiss.knn``, fp32) on the same vectors; exact
search latency for comparison; at 100k and 1M an nprobe sweep, and at 100k HNSW (M=32) for comparison.

BM25: raw ``bm25s`` (k1=1.2, b=0.75) over generated text: chunks of 100 syllables drawn from the seeds'
syllable frequencies (918 distinct syllables: a small vocabulary, so posting lists are long -- a
pessimistic case for query time), whitespace tokens. Build seconds, RSS growth, saved size,
``get_scores`` p50 for 3-5 term queries taken from a random chunk (what the product calls per
field). The product's own ``LexicalIndex`` (two fields x unigrams+bigrams, plus a document level)
is built at the sizes in --lexical-sizes (default 10k), to show its cost per chunk.

Each size runs in its own subprocess so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import ROOT, md_table, minilm_path, peak_rss_mb, rss_mb, shared_dir, summary_ms, write_json  # noqa: E402

SIGMA = 0.35
POOL_K = 50  # the product searches max(50, 4k) vectors for its fusion pool
CHUNK_SYLLABLES = 100
N_QUERIES = 200


# ----------------------------------------------------------------------------- sample (parent)

def real_sample(model: str, tmp: Path) -> dict:
    from embeddings.encoder import load_encoder
    from qa.evaluation import load_questions

    docs = sorted((shared_dir() / "eval" / "xquad-vi-dev" / "docs").glob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    passages: list[str] = []
    for f in docs:
        for para in f.read_text(encoding="utf-8").split("\n"):
            sents = [s for s in re.split(r"(?<=[.!?])\s+", para.strip()) if len(s) > 30]
            passages += sents + [f"{a} {b}" for a, b in zip(sents, sents[1:])]
    encoder = load_encoder(model)
    t = time.perf_counter()
    base = encoder.encode_passages(passages)
    encode_s = time.perf_counter() - t
    qs = load_questions(shared_dir() / "eval" / "xquad-vi-dev" / "questions.jsonl")
    rng = np.random.default_rng(3)
    pick = rng.choice(len(qs), N_QUERIES, replace=False)
    queries = encoder.encode_queries([qs[i]["question"] for i in pick])
    np.save(tmp / "base.npy", base)
    np.save(tmp / "queries.npy", queries)
    sims = base @ base.T
    np.fill_diagonal(sims, -1)
    return {"passages": len(passages), "encode_s": round(encode_s, 2), "backend": encoder.backend,
            "mean_pair_cos": round(float((base @ base.T).mean()), 4), "nn_cos": round(float(sims.max(1).mean()), 4)}


def generate(base: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = base.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        a = base[rng.integers(0, len(base), m)]
        b = base[rng.integers(0, len(base), m)]
        w = rng.random((m, 1), dtype=np.float32)
        v = w * a + (1 - w) * b + (SIGMA / np.sqrt(d)) * rng.standard_normal((m, d), dtype=np.float32)
        out[s : s + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


# ----------------------------------------------------------------------------- dense (child)

def _latency(index, queries: np.ndarray, k: int, n: int = 100) -> dict:  # noqa: ANN001
    times = []
    for q in queries[:n]:
        t = time.perf_counter()
        index.search(q[None, :], k)
        times.append(time.perf_counter() - t)
    return summary_ms(times)


def _recall(found: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float(np.mean([len(set(f[:k].tolist()) & set(t[:k].tolist())) / k for f, t in zip(found, truth)]))


def dense_child(n: int, tmp: Path) -> dict:
    import faiss

    from embeddings.index import VectorIndex, nprobe_for

    base, queries = np.load(tmp / "base.npy"), np.load(tmp / "queries.npy")
    t = time.perf_counter()
    x = generate(base, n)
    gen_s = time.perf_counter() - t
    sub = x[:2000]
    sims = sub @ sub.T
    np.fill_diagonal(sims, -1)
    stats = {"mean_pair_cos": round(float((sub @ sub.T).mean()), 4), "nn_cos_2000": round(float(sims.max(1).mean()), 4)}
    ids = np.arange(n, dtype=np.int64) + 1  # chunk ids start at 1 in SQLite
    t = time.perf_counter()
    _, truth = faiss.knn(queries, x, POOL_K, metric=faiss.METRIC_INNER_PRODUCT)
    exact_batch_s = time.perf_counter() - t
    truth = truth + 1
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    index = VectorIndex.build(x.shape[1], ids.tolist(), x)
    build_s = time.perf_counter() - t
    gc.collect()
    ram = rss_mb() - before
    path = tmp / f"scale-{n}.faiss"
    t = time.perf_counter()
    index.save(path)
    save_s = time.perf_counter() - t
    disk = path.stat().st_size
    path.unlink()
    _, found = index.search(queries, POOL_K)
    out = {
        "n": n, "generate_s": round(gen_s, 2), "synthetic": stats, "kind": index.kind, "build_s": round(build_s, 2),
        "index_mem_mb": round(disk / 2**20, 1), "index_rss_delta_mb": round(ram, 1),
        "disk_mb": round(disk / 2**20, 1), "save_s": round(save_s, 2),
        "vectors_fp32_mb": round(x.nbytes / 2**20, 1),
        "query_ms": _latency(index, queries, POOL_K), "recall@10": round(_recall(found, truth, 10), 4),
        "recall@50": round(_recall(found, truth, POOL_K), 4),
        "exact_ms_per_query_batched": round(exact_batch_s / len(queries) * 1000, 3),
    }
    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    out["exact_query_ms"] = _latency(flat, queries, POOL_K, n=50)
    del flat
    gc.collect()
    if not index.exact:
        ivf = faiss.extract_index_ivf(index.index)
        sweep = []
        for nprobe in (8, 16, 32, 64, 128, 256):
            if nprobe > ivf.nlist:
                continue
            ivf.nprobe = nprobe
            _, f = index.search(queries, POOL_K)
            sweep.append({"nprobe": nprobe, "recall@10": round(_recall(f, truth, 10), 4),
                          "recall@50": round(_recall(f, truth, POOL_K), 4),
                          "p50_ms": _latency(index, queries, POOL_K, n=60)["p50"]})
        ivf.nprobe = nprobe_for(ivf.nlist)
        out["nlist"], out["nprobe"], out["nprobe_sweep"] = ivf.nlist, ivf.nprobe, sweep
    if n == 100_000:
        out["hnsw"] = hnsw_comparison(x, ids, queries, truth)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


def hnsw_comparison(x: np.ndarray, ids: np.ndarray, queries: np.ndarray, truth: np.ndarray) -> dict:
    import faiss

    gc.collect()
    before = rss_mb()
    index = faiss.IndexIDMap2(faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT))
    hnsw = faiss.downcast_index(index.index)
    hnsw.hnsw.efConstruction = 80
    t = time.perf_counter()
    index.add_with_ids(x, ids)
    build_s = time.perf_counter() - t
    ram = rss_mb() - before
    rows = []
    for ef in (64, 128, 256):
        hnsw.hnsw.efSearch = ef
        _, f = index.search(queries, POOL_K)
        rows.append({"efSearch": ef, "recall@10": round(_recall(f, truth, 10), 4),
                     "recall@50": round(_recall(f, truth, POOL_K), 4),
                     "p50_ms": _latency(index, queries, POOL_K, n=60)["p50"]})
    return {"M": 32, "efConstruction": 80, "build_s": round(build_s, 2), "ram_mb": round(ram, 1),
            "serialized_mb": round(faiss.serialize_index(index).nbytes / 2**20, 1), "sweep": rows}


# ----------------------------------------------------------------------------- bm25 (child)

def syllable_distribution() -> tuple[list[str], np.ndarray]:
    from qa.text import words

    counts: Counter[str] = Counter()
    for f in (ROOT / "seeds").glob("*.txt"):
        counts.update(w.lower() for w in words(f.read_text(encoding="utf-8")))
    vocab = sorted(counts)
    p = np.asarray([counts[w] for w in vocab], dtype=np.float64)
    return vocab, p / p.sum()


def bm25_child(n: int, tmp: Path, lexical: bool) -> dict:
    import bm25s

    vocab, p = syllable_distribution()
    rng = np.random.default_rng(1)
    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    words = np.asarray(vocab, dtype=object)
    texts = []
    for s in range(0, n, 100_000):
        ids = rng.choice(len(vocab), (min(100_000, n - s), CHUNK_SYLLABLES), p=p)
        texts += [" ".join(words[row]) for row in ids]
    gen_s = time.perf_counter() - t
    text_mb = rss_mb() - before
    t = time.perf_counter()
    tokens = [x.split() for x in texts]
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(tokens, show_progress=False)
    build_s = time.perf_counter() - t
    queries = [list(dict.fromkeys(tokens[i][j : j + rng.integers(3, 6)]))
               for i, j in zip(rng.integers(0, n, 100), rng.integers(0, CHUNK_SYLLABLES - 6, 100))]
    del tokens
    gc.collect()
    ram = rss_mb() - before - text_mb
    times = []
    for q in queries:
        t = time.perf_counter()
        retriever.get_scores(q)
        times.append(time.perf_counter() - t)
    folder = tmp / f"bm25-{n}"
    retriever.save(str(folder))
    disk = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    out = {"n": n, "vocabulary": len(vocab), "syllables_per_chunk": CHUNK_SYLLABLES, "generate_s": round(gen_s, 2),
           "build_s": round(build_s, 2), "ram_mb": round(ram, 1), "text_mb": round(text_mb, 1),
           "disk_mb": round(disk / 2**20, 1), "query_ms": summary_ms(times)}
    if lexical:
        from qa.lexical import LexicalIndex

        doc_ids = [str(i // 8) for i in range(n)]  # 8 chunks per article
        gc.collect()
        before = rss_mb()
        t = time.perf_counter()
        lex = LexicalIndex(texts, doc_ids=doc_ids, titles=[""] * n)
        out["product_lexical_build_s"] = round(time.perf_counter() - t, 2)
        out["product_lexical_ram_mb"] = round(rss_mb() - before, 1)
        times = []
        for q in queries[:50]:
            t = time.perf_counter()
            lex.scores(" ".join(q), diacritics=True)
            times.append(time.perf_counter() - t)
        out["product_lexical_query_ms"] = summary_ms(times)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return out


# ----------------------------------------------------------------------------- report

def plot(dense: list[dict], bm25: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    ns = [d["n"] for d in dense]
    left.plot(ns, [d["query_ms"]["p50"] for d in dense], "o-", label="dense, product index (k=50)")
    left.plot(ns, [d["exact_query_ms"]["p50"] for d in dense], "s--", label="dense, exact flat (k=50)")
    if bm25:
        left.plot([b["n"] for b in bm25], [b["query_ms"]["p50"] for b in bm25], "^-", label="bm25s get_scores")
        lex = [b for b in bm25 if "product_lexical_query_ms" in b]
        if lex:
            left.plot([b["n"] for b in lex], [b["product_lexical_query_ms"]["p50"] for b in lex], "v",
                      label="product LexicalIndex.scores")
    left.set(xscale="log", yscale="log", xlabel="chunks", ylabel="query p50 (ms)", title="Query latency vs corpus size")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    right.plot(ns, [d["index_mem_mb"] for d in dense], "o-", label="dense index (product), in memory")
    right.plot(ns, [d["vectors_fp32_mb"] for d in dense], "s--", label="fp32 vectors (= exact index)")
    if bm25:
        right.plot([b["n"] for b in bm25], [b["ram_mb"] for b in bm25], "^-", label="bm25s index (RSS growth)")
        lex = [b for b in bm25 if "product_lexical_ram_mb" in b]
        if lex:
            right.plot([b["n"] for b in lex], [b["product_lexical_ram_mb"] for b in lex], "v",
                       label="product LexicalIndex (RSS growth)")
    right.set(xscale="log", yscale="log", xlabel="chunks", ylabel="MiB", title="Memory vs corpus size")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def tables(dense: list[dict], bm25: list[dict]) -> str:
    by_n = {b["n"]: b for b in bm25}
    rows = []
    for d in dense:
        b = by_n.get(d["n"], {})
        rows.append([f"{d['n']:,}", d["kind"], d["build_s"], d["index_mem_mb"], d["peak_rss_mb"], d["query_ms"]["p50"],
                     d["query_ms"]["p95"], d["recall@10"], d["recall@50"], d["exact_query_ms"]["p50"],
                     b.get("build_s", ""), b.get("ram_mb", ""), b.get("disk_mb", ""),
                     b.get("query_ms", {}).get("p50", "")])
    main = md_table(["chunks", "dense index", "build s", "index RAM = disk MiB", "step peak RSS MiB", "query p50 ms",
                     "p95 ms",
                     "recall@10", "recall@50", "exact p50 ms", "bm25s build s", "bm25s RAM MiB", "bm25s disk MiB",
                     "bm25s query p50 ms"], rows)
    sweeps = []
    for d in dense:
        for s in d.get("nprobe_sweep", []):
            mark = " (used)" if s["nprobe"] == d.get("nprobe") else ""
            sweeps.append([f"{d['n']:,}", f"IVF{d['nlist']},SQ8 nprobe {s['nprobe']}{mark}", s["recall@10"],
                           s["recall@50"], s["p50_ms"]])
        if "hnsw" in d:
            h = d["hnsw"]
            for s in h["sweep"]:
                sweeps.append([f"{d['n']:,}", f"HNSW32 efC {h['efConstruction']} efSearch {s['efSearch']} "
                               f"(build {h['build_s']} s, {h['ram_mb']} MiB)", s["recall@10"], s["recall@50"],
                               s["p50_ms"]])
    sweep = md_table(["chunks", "index / setting", "recall@10", "recall@50", "p50 ms"], sweeps)
    lex = [[f"{b['n']:,}", b["product_lexical_build_s"], b["product_lexical_ram_mb"],
            b["product_lexical_query_ms"]["p50"]] for b in bm25 if "product_lexical_build_s" in b]
    lexical = md_table(["chunks", "product LexicalIndex build s", "RAM MiB", "scores() p50 ms"], lex) if lex else ""
    return main + "\n\n" + sweep + ("\n\n" + lexical if lexical else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--lexical-sizes", default="10000", help="sizes at which the product's LexicalIndex is built")
    parser.add_argument("--model", default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        part, n, lexical = args.child.split(":")
        result = dense_child(int(n), args.tmp) if part == "dense" else bm25_child(int(n), args.tmp, lexical == "1")
        print("RESULT " + json.dumps(result))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    lexical_sizes = {int(s) for s in args.lexical_sizes.split(",") if s}
    dense, bm25 = [], []
    with tempfile.TemporaryDirectory() as tmp:
        sample = real_sample(args.model or minilm_path(), Path(tmp))
        print(f"real sample: {sample}", flush=True)
        for n in sizes:
            for part in ("dense", "bm25"):
                spec = f"{part}:{n}:{int(n in lexical_sizes)}"
                t = time.perf_counter()
                proc = subprocess.run([sys.executable, __file__, "--child", spec, "--tmp", tmp], capture_output=True,
                                      text=True, env=dict(os.environ))
                line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
                if line is None:
                    print(f"{spec} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
                    continue
                result = json.loads(line[7:])
                result["wall_s"] = round(time.perf_counter() - t, 1)
                (dense if part == "dense" else bm25).append(result)
                print(f"{spec}: {result['wall_s']} s", flush=True)
    text = tables(dense, bm25)
    print(text)
    if args.plot and dense:
        plot(dense, bm25, args.plot)
    if args.json:
        write_json(args.json, {"sample": sample, "sigma": SIGMA, "dense": dense, "bm25": bm25, "tables": text})


if __name__ == "__main__":
    main()
