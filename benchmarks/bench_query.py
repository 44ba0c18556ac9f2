"""Query latency: ``QAService.ask`` in-process and ``POST /v1/ask`` over loopback, at 1, 8 and 32 clients.

    python benchmarks/bench_query.py [DOCS_DIR ...] [--clients 1,8,32] [--requests 200] [--json OUT]

Builds an index of the documents (default: XQuAD-vi dev + seeds) with all-MiniLM-L6-v2 in a temporary
QA_DATA_DIR, then runs closed-loop clients (each sends its next question when the previous answer
arrives) over a shuffled mix of the eval questions (vi, vi without diacritics, en), hybrid mode, k=5.
In-process clients are threads calling ``QAService.ask``; HTTP clients are threads with a keep-alive
connection to ``qa serve`` started as a subprocess (rate limit off, every other setting default:
QA_MAX_CONCURRENCY = CPU cores). Latency percentiles per level, the stage split from the ``timings``
the answer carries (medians; "wait/other" = end-to-end minus the stages: queueing for the encoder,
the GIL, a server slot; over HTTP also parsing, JSON and the socket), throughput = answers / wall time.

The reference is the encoder alone, measured in the same run on the same encoder object (same model,
same backend) over the same questions (the text the service encodes, fresh: no query cache): at each
level, ``clients`` threads calling it as the service does (``qa.service.make_batcher``: on the direct
ONNX path each thread encodes its own question; otherwise through a QueryBatcher with the same
settings), and one thread encoding plain batches of ``clients`` questions (which the direct path
spreads over the cores). It runs just before and just after
every level of both paths (the machine is shared: bracketing each level tracks what it could do then);
the bound is the better of the two (each averaged over the bracket) and ratio = answers/s / bound
(the target: >= 0.8 at 8 and 32 clients). ``--no-encoder-alone`` skips it; ``--index DIR`` reuses
(or builds once) an index instead of a temporary one; ``--workers 1,2`` runs the HTTP path once per
number of server processes (QA_WORKERS).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import ROOT, load_average, md_table, minilm_path, pct, peak_rss_mb, shared_dir, summary_ms, write_json  # noqa: E402

STAGES = ["load", "encode", "search", "rerank", "answer"]


def questions(limit: int = 1000) -> list[str]:
    from qa.evaluation import load_questions

    ev = shared_dir() / "eval"
    qs = [q["question"] for q in load_questions(ev / "xquad-vi-dev" / "questions.jsonl")]
    qs += [q["question"] for q in load_questions(ev / "dev.jsonl")]
    random.Random(7).shuffle(qs)
    return qs[:limit]


def build_index(data_dir: Path, docs: list[Path], model: str) -> dict:
    from qa.config import Settings
    from qa.ingest import IngestReport, collect_sources
    from qa.service import QAService

    settings = Settings(data_dir=data_dir, model=model)
    service = QAService(settings)
    report = IngestReport()
    sources = collect_sources(docs, settings.max_file_bytes, report)
    t = time.perf_counter()
    service.writer().ingest(sources, report=report)
    snap = service.snapshot()
    return {"ingest_s": round(time.perf_counter() - t, 2), "documents": len(snap.docs), "chunks": len(snap.chunks),
            "encoder": service.encoder().describe() if service.encoder() else None}


def reuse_index(data_dir: Path, model: str) -> dict:
    from qa.config import Settings
    from qa.service import QAService

    service = QAService(Settings(data_dir=data_dir, model=model))
    snap = service.snapshot()
    return {"ingest_s": 0.0, "documents": len(snap.docs), "chunks": len(snap.chunks), "reused": str(data_dir),
            "encoder": service.encoder().describe() if service.encoder() else None}


def closed_loop(call, qs: list[str], clients: int, n: int) -> dict:  # noqa: ANN001
    """``clients`` threads, one call per question of ``qs[:n]``; call(question) -> (ok, timings dict)."""
    lock = threading.Lock()
    counter = iter(range(n))
    latencies: list[float] = []
    stages: list[dict] = []
    errors: dict[str, int] = {}

    def worker() -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            t = time.perf_counter()
            try:
                ok, timings = call(qs[i % len(qs)])
            except Exception as exc:  # noqa: BLE001
                ok, timings = type(exc).__name__, {}
            dt = time.perf_counter() - t
            with lock:
                if ok is True:
                    latencies.append(dt)
                    stages.append(timings | {"_total_ms": dt * 1000})
                else:
                    errors[str(ok)] = errors.get(str(ok), 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    split = {s: round(pct([x.get(s, 0.0) for x in stages], 50), 2) for s in STAGES}
    other = [x["_total_ms"] - sum(x.get(s, 0.0) for s in STAGES) for x in stages]
    split["wait/other"] = round(pct(other, 50), 2)
    return {"clients": clients, "requests": n, "ok": len(latencies), "errors": errors,
            "latency_ms": summary_ms(latencies), "throughput_rps": round(len(latencies) / wall, 2),
            "wall_s": round(wall, 2), "stages_p50_ms": split}


def in_process(service, qs: list[str], levels: list[int], n: int, reference=None) -> list[dict]:  # noqa: ANN001
    for q in qs[-5:]:
        service.ask(q)  # warm-up: model, snapshot, first-call allocations

    def call(q: str) -> tuple[bool, dict]:
        return True, service.ask(q).timings

    return run_levels(call, qs, levels, n, reference)


def encoded_texts(qs: list[str]) -> list[str]:
    """What the service hands the encoder for each question (``analyze`` of the question, no history)."""
    from qa.conversation import contextualize
    from qa.retrieval import analyze

    return [analyze(q, contextualize(q, [])).combined.text for q in qs]


def encoder_alone(encoder, texts: list[str], clients: int, wait_s: float) -> dict:  # noqa: ANN001
    """Queries/s of the encoder by itself at one level, over ``texts``: ``clients`` closed-loop threads
    through a fresh QueryBatcher made as the service makes it, and one thread encoding plain batches of
    ``clients`` texts (batch 1 at 1 client)."""
    from qa.config import Settings
    from qa.service import make_batcher

    n = len(texts)
    # as the service makes it (it waits only for questions announced and not yet queued: none here)
    batcher = make_batcher(encoder, Settings(batch_wait_ms=wait_s * 1000))

    def call(text: str) -> tuple[bool, dict]:
        if batcher is None:  # the service encodes each question on its own thread (no batcher)
            encoder.encode_queries([text])
        else:
            batcher.encode(text)
        return True, {}

    r = closed_loop(call, texts, clients, n)
    t = time.perf_counter()
    for i in range(0, n, clients):
        encoder.encode_queries(texts[i : i + clients])
    plain = n / (time.perf_counter() - t)
    return {"clients": clients, "batcher_qps": r["throughput_rps"], "batcher_p50_ms": r["latency_ms"]["p50"],
            "batcher_calls": batcher.batches if batcher is not None else None, "plain_batch": clients, "plain_qps": round(plain, 2)}


def bracket(before: dict, after: dict) -> dict:
    """The encoder-alone rates measured just before and just after a level, averaged (the machine is
    shared: what it could do drifts); the bound is the better of the batcher and the plain batches."""
    batcher = round((before["batcher_qps"] + after["batcher_qps"]) / 2, 2)
    plain = round((before["plain_qps"] + after["plain_qps"]) / 2, 2)
    return {"batcher_qps": batcher, "plain_qps": plain, "best_qps": max(batcher, plain), "before": before,
            "after": after}


def run_levels(call, qs: list[str], levels: list[int], n: int, reference=None) -> list[dict]:  # noqa: ANN001
    """Each level gets questions not asked before in this process, so no answer comes from the service's
    query-vector cache (unique traffic; a repeated question would skip the encoder). ``reference(qs,
    clients)``, when given, measures the encoder alone on the same questions just before and just after
    the level (result["encoder_alone"])."""
    out, offset = [], 0
    for clients in levels:
        chunk = qs[offset : offset + n]
        before = reference(chunk, clients) if reference else None
        result = closed_loop(call, chunk, clients, n)
        if reference:
            result["encoder_alone"] = bracket(before, reference(chunk, clients))
        out.append(result)
        offset += n
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(data_dir: Path, model: str, qs: list[str], levels: list[int], n: int,
              reference=None, workers: int = 1, app: list[str] | None = None) -> tuple[list[dict], dict]:  # noqa: ANN001
    """``qa serve`` on a free loopback port, or ``app``: uvicorn arguments naming another app to serve
    the same way (``bench_ceiling.py``)."""
    import psutil

    port = free_port()
    env = dict(os.environ, QA_DATA_DIR=str(data_dir), QA_MODEL=model, QA_RATE_LIMIT_PER_MINUTE="0",
               QA_WORKERS=str(workers))
    command = ["-m", "qa.cli", "serve"] if app is None else ["-m", "uvicorn", *app, "--workers", str(workers)]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([sys.executable, *command, "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"qa serve did not become ready:\n{log.read().decode()[-2000:]}")
            time.sleep(0.5)
        local = threading.local()

        def call(q: str) -> tuple[bool | int, dict]:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            body = json.dumps({"question": q, "k": 5})
            try:
                conn.request("POST", "/v1/ask", body=body, headers={"content-type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                local.conn = None
                raise
            if resp.status != 200:
                return resp.status, {}
            return True, json.loads(data).get("timings", {})

        for q in qs[-5:]:
            call(q)
        results = run_levels(call, qs, levels, n, reference)
        procs = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
        info = {"server_rss_mb": round(sum(p.memory_info().rss for p in procs) / 2**20, 1), "port": port,
                "workers": workers}
        return results, info
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def level_parser(doc: str, clients: str, workers: str) -> argparse.ArgumentParser:
    """The arguments of a closed-loop run over levels of clients (this script and bench_ceiling.py)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("docs", nargs="*", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--clients", default=clients)
    parser.add_argument("--requests", type=int, default=200, help="answers per concurrency level")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--workers", default=workers,
                        help="server processes for the HTTP runs, comma-separated (QA_WORKERS; e.g. 1,2: one run each)")
    parser.add_argument("--index", type=Path, default=None,
                        help="QA_DATA_DIR to reuse (built there when it holds no index; default: a temporary one)")
    return parser


def level_inputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[str, list[int], list[str]]:
    """The model, the levels and the questions (enough distinct ones for every level, or a usage error)."""
    levels = [int(x) for x in args.clients.split(",")]
    qs = questions()
    if len(levels) * args.requests + 5 > len(qs):
        parser.error(f"at most {(len(qs) - 5) // len(levels)} requests per level (distinct questions)")
    return args.model or minilm_path(), levels, qs


def open_index(data_dir: Path, docs: list[Path], model: str) -> dict:
    """Reuse the index in ``data_dir``, or build one there from ``docs`` (default: XQuAD-vi dev + seeds)."""
    if (data_dir / "qa.sqlite3").exists():
        return reuse_index(data_dir, model)
    return build_index(data_dir, docs or [shared_dir() / "eval" / "xquad-vi-dev" / "docs", ROOT / "seeds"], model)


def main() -> None:
    parser = level_parser(__doc__, "1,8,32", "1")
    parser.add_argument("--no-encoder-alone", action="store_true", help="skip the encoder-alone reference")
    args = parser.parse_args()
    model, levels, qs = level_inputs(parser, args)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.index or Path(tmp) / "data"
        corpus = open_index(data_dir, args.docs, model)
        backend = (corpus["encoder"] or {}).get("backend")
        print(f"index: {corpus['documents']} documents, {corpus['chunks']} chunks ({corpus['ingest_s']} s); "
              f"encoder backend {backend}", flush=True)
        from qa.config import Settings
        from qa.service import QAService

        settings = Settings(data_dir=data_dir, model=model)
        service = QAService(settings)
        service.freeze_libraries()  # as `qa serve` does at start-up
        encoder = service.encoder()
        loads = {"start": load_average()}
        reference = None
        if encoder is not None and not args.no_encoder_alone:
            texts = dict(zip(qs, encoded_texts(qs)))
            encoder.encode_queries(list(texts.values())[-5:])  # warm-up
            wait_s = settings.batch_wait_ms / 1000

            def _reference(chunk: list[str], clients: int) -> dict:
                return encoder_alone(encoder, [texts[q] for q in chunk], clients, wait_s)

            reference = _reference

        local = in_process(service, qs, levels, args.requests, reference)
        print("in-process done", flush=True)
        loads["after_in_process"] = load_average()
        runs = [("in-process", local)]
        servers = {}
        for workers in [int(w) for w in args.workers.split(",")]:
            where = "HTTP" if workers == 1 else f"HTTP, {workers} workers"
            remote, servers[where] = over_http(data_dir, model, qs, levels, args.requests, reference, workers)
            runs.append((where, remote))
        loads["end"] = load_average()
    remote, server = runs[1][1], servers[runs[1][0]]
    rows, split_rows = [], []
    for where, results in runs:
        for r in results:
            lat = r["latency_ms"]
            err = sum(r["errors"].values())
            rows.append([where, r["clients"], r["ok"], lat["p50"], lat["p95"], lat["p99"], r["throughput_rps"],
                         err or ""])
            s = r["stages_p50_ms"]
            split_rows.append([where, r["clients"], *[s[k] for k in STAGES], s["wait/other"]])
    best = max((r for _, results in runs for r in results), key=lambda r: r["throughput_rps"])
    table = f"encoder backend: {(corpus['encoder'] or {}).get('backend')}\n\n" + md_table(
        ["path", "clients", "answers", "p50 ms", "p95 ms", "p99 ms", "answers/s", "errors"], rows)
    split = md_table(["path", "clients", *[f"{k} ms" for k in STAGES], "wait/other ms"], split_rows)
    ratio_rows, ratios = [], []
    for where, results in runs:
        for r in results:
            e = r.get("encoder_alone")
            ratio = round(r["throughput_rps"] / e["best_qps"], 3) if e and e["best_qps"] else None
            ratios.append({"path": where, "clients": r["clients"], "answers_per_s": r["throughput_rps"],
                           "encoder_batcher_qps": e and e["batcher_qps"], "encoder_plain_qps": e and e["plain_qps"],
                           "encoder_best_qps": e and e["best_qps"], "ratio": ratio})
            ratio_rows.append([where, r["clients"], r["throughput_rps"], e["batcher_qps"] if e else "-",
                               e["plain_qps"] if e else "-", e["best_qps"] if e else "-",
                               f"{ratio:.2f}" if ratio is not None else "-"])
    have_ratios = any(x["ratio"] is not None for x in ratios)
    ratio_table = md_table(["path", "clients", "answers/s", "encoder alone q/s (clients threads, as the service calls it)",
                            "encoder alone q/s (plain batch = clients)", "encoder bound q/s", "ratio"], ratio_rows)
    ratio_table += f"\n\nload average: {loads}"
    print(table + "\n\nstage medians:\n" + split)
    if have_ratios:
        print("\nagainst the encoder alone (ratio = answers/s / best encoder-alone q/s at that concurrency):\n"
              + ratio_table)
    print(f"saturation: {best['throughput_rps']} answers/s ({best['clients']} clients)")
    if args.json:
        write_json(args.json, {"model": model, "corpus": corpus, "in_process": local, "http": remote, "server": server,
                               "http_runs": {where: results for where, results in runs[1:]}, "servers": servers,
                               "peak_rss_mb_in_process": round(peak_rss_mb(), 1),
                               "saturation": {"answers_per_s": best["throughput_rps"], "clients": best["clients"]},
                               "ratios": ratios, "load_average": loads,
                               "table": table + ("\n\nAgainst the encoder alone:\n\n" + ratio_table
                                                 if have_ratios else ""),
                               "stages_table": split})


if __name__ == "__main__":
    main()
