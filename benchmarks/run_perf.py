"""The performance suite (``make bench``): ingest, query, ceiling, peer, scale, service -- tables, JSON and plots.

    python benchmarks/run_perf.py [--docs DIR ...] [--sizes 10000,100000,1000000] [--only ingest,query,peer,scale]
                                  [--out benchmarks/results]

Runs each benchmark script as a subprocess (its own memory), writes ``<out>/{ingest,query,ceiling,peer,scale,service}.json``,
``<out>/scale.png`` and ``<out>/service.png`` (query latency and RAM against corpus size), ``<out>/perf.json`` (machine, load
average before and after every step, wall times) and ``<out>/perf.md`` (every table), and prints the
tables. These are benchmarks, not tests: they print numbers and never fail on them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfkit import RESULTS, ROOT, load_average, machine, shared_dir, write_json  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", nargs="*", type=Path, default=None,
                        help="corpus for ingest and query (default: ../shared/eval/xquad-vi-dev/docs and seeds)")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=200, help="answers per concurrency level")
    parser.add_argument("--only", default="ingest,query,ceiling,peer,scale,service",
                        help="steps to run, of ingest,query,query-torch,ceiling,peer,scale,service")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    docs = [str(d) for d in (args.docs or [shared_dir() / "eval" / "xquad-vi-dev" / "docs", ROOT / "seeds"])]
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    steps = {
        "ingest": [HERE / "bench_ingest.py", *docs, "--json", out / "ingest.json"],
        "query": [HERE / "bench_query.py", *docs, "--requests", str(args.requests), "--workers", "1,2", "--json",
                  out / "query.json"],
        # the same with the encoder on torch (QA_BACKEND=torch), to compare with the default backend
        "query-torch": [HERE / "bench_query.py", *docs, "--requests", str(args.requests // 2), "--json",
                        out / "query-torch.json"],
        # the same levels against the least answer (encode + vector search): the most the ratio can be here
        "ceiling": [HERE / "bench_ceiling.py", *docs, "--requests", str(args.requests), "--json", out / "ceiling.json"],
        "peer": [HERE / "bench_peer.py", "--json", out / "peer.json"],
        "scale": [HERE / "bench_scale.py", "--sizes", args.sizes, "--json", out / "scale.json",
                  "--plot", out / "scale.png"],
        "service": [HERE / "bench_service.py", "--sizes", args.sizes, "--json", out / "service.json",
                    "--plot", out / "service.png"],
    }
    previous = out / "perf.json"  # a partial run (--only) keeps the other steps' records and tables
    report = {"machine": machine(), "steps": json.loads(previous.read_text())["steps"] if previous.exists() else {}}
    print(f"machine: {json.dumps(report['machine'])}", flush=True)
    for name in args.only.split(","):
        t = time.perf_counter()
        before = load_average()
        print(f"\n=== {name} (load average {before}) ===", flush=True)
        env = dict(os.environ, QA_BACKEND="torch") if name == "query-torch" else None
        proc = subprocess.run([sys.executable, *map(str, steps[name])], cwd=ROOT, env=env)
        report["steps"][name] = {"wall_s": round(time.perf_counter() - t, 1), "returncode": proc.returncode,
                                 "load_average_before": before, "load_average_after": load_average()}
    report["total_s"] = round(sum(v["wall_s"] for v in report["steps"].values()), 1)
    write_json(out / "perf.json", report)
    sections = []
    titles = {"ingest": "Ingest per backend", "query": "Query latency (default backend)",
              "query-torch": "Query latency (QA_BACKEND=torch)",
              "ceiling": "The least answer against the encoder alone", "peer": "qa vs txtai", "scale": "Scale",
              "service": "The whole service at scale"}
    for name in titles:
        path = out / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        body = data.get("table") or data.get("tables") or ""
        if name.startswith("query"):
            body += "\n\nStage medians (ms):\n\n" + data.get("stages_table", "")
        if name == "ingest":
            body = f"matmul rates: {data['matmul']}\n\n" + body
        sections.append(f"## {titles[name]}\n\n{body}\n")
    steps_line = ", ".join(f"{k} {v['wall_s']} s (load {v['load_average_before']})" for k, v in report["steps"].items())
    text = f"# Performance run\n\nmachine: {report['machine']['cpu']}, {report['machine']['usable_cpus']} CPUs, " \
           f"{report['machine']['ram_gib']} GiB; total {report['total_s']} s: {steps_line}\n\n" + "\n".join(sections)
    (out / "perf.md").write_text(text, encoding="utf-8")
    print("\n" + text)


if __name__ == "__main__":
    main()
