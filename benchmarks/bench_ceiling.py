"""How close to the encoder alone any answer can get on this machine: the ceiling of bench_query's ratio.

    python benchmarks/bench_ceiling.py [DOCS_DIR ...] [--clients 8,32] [--requests 200] [--workers 1,2]
                                       [--index DIR] [--model PATH] [--json OUT]

Runs bench_query's closed-loop levels (fresh questions, the encoder alone measured just before and
after each level on the same texts) against ``benchmarks/ceiling_app.py``'s least answer: the
service's own encoder call and one FAISS search, nothing else -- in-process (threads) and over HTTP,
served by uvicorn as ``qa serve`` is (one run per number of processes). The ratio it reaches is the
most any ``POST /v1/ask`` of this shape could reach here; the difference to bench_query's ratio is
what BM25, fusion, the sentence rerank, citations and admission cost.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_query import encoded_texts, encoder_alone, level_inputs, level_parser, open_index, over_http, run_levels  # noqa: E402
from ceiling_app import least_answer  # noqa: E402
from perfkit import load_average, md_table, write_json  # noqa: E402

APP = ["benchmarks.ceiling_app:create", "--factory", "--no-access-log", "--log-level", "warning"]


def main() -> None:
    parser = level_parser(__doc__, "8,32", "1,2")
    args = parser.parse_args()
    model, levels, qs = level_inputs(parser, args)
    from qa.config import Settings
    from qa.service import QAService

    loads = {"start": load_average()}
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.index or Path(tmp) / "data"
        corpus = open_index(data_dir, args.docs, model)
        settings = Settings(data_dir=data_dir, model=model)
        service = QAService(settings)
        encoder = service.encoder()
        if encoder is None:
            raise SystemExit(f"bench_ceiling: cannot load {model}")
        texts = dict(zip(qs, encoded_texts(qs)))
        encoder.encode_queries(list(texts.values())[-5:])

        def reference(chunk: list[str], clients: int) -> dict:
            return encoder_alone(encoder, [texts[q] for q in chunk], clients, settings.batch_wait_ms / 1000)

        def call(q: str) -> tuple[bool, dict]:
            least_answer(service, q, 5)
            return True, {}

        for q in qs[-5:]:
            call(q)
        runs = [("in-process", run_levels(call, qs, levels, args.requests, reference))]
        for workers in [int(w) for w in args.workers.split(",")]:
            where = "HTTP" if workers == 1 else f"HTTP, {workers} workers"
            runs.append((where, over_http(data_dir, model, qs, levels, args.requests, reference, workers, APP)[0]))
    loads["end"] = load_average()
    rows, ratios = [], []
    for where, results in runs:
        for r in results:
            e = r["encoder_alone"]
            ratio = round(r["throughput_rps"] / e["best_qps"], 3)
            ratios.append({"path": where, "clients": r["clients"], "answers_per_s": r["throughput_rps"],
                           "encoder_best_qps": e["best_qps"], "ratio": ratio, "errors": r["errors"]})
            rows.append([where, r["clients"], r["throughput_rps"], e["best_qps"], f"{ratio:.2f}",
                         sum(r["errors"].values()) or ""])
    table = md_table(["least answer (encode + vector search)", "clients", "answers/s", "encoder alone q/s",
                      "ratio", "errors"], rows) + f"\n\nload average: {loads}"
    print(f"index: {corpus['documents']} documents, {corpus['chunks']} chunks\n\n{table}")
    if args.json:
        write_json(args.json, {"model": model, "corpus": corpus, "runs": dict(runs), "ratios": ratios,
                               "load_average": loads, "table": table})


if __name__ == "__main__":
    main()
