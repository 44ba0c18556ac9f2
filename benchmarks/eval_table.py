"""The README's quality table: every mode on every question set, as `qa eval` computes it.

    python benchmarks/eval_table.py --shared ../shared [--model PATH_OR_ID] [--json out.json]
    python benchmarks/eval_table.py --bundled            # a fresh clone: the copies under tests/data

``--shared`` is the project's evaluation data beside the repository (``eval/dev.jsonl``, ``eval/dev-chat.jsonl``,
``eval/xquad-vi-dev/``); ``--bundled`` uses the same dev sets and the XQuAD sample (a quarter of the questions)
that the tests use.

Prints a Markdown table (set, mode, lang, n, hit@1, recall@5, mrr@10, answer@1,
abstention) and writes the raw reports as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import Settings  # noqa: E402
from qa.evaluation import evaluate, evaluate_chat  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--bundled", action="store_true", help="the question sets under tests/data, not --shared")
    parser.add_argument("--model", default=None, help="QA_MODEL for this run (default: settings)")
    parser.add_argument("--modes", default="lexical,dense,hybrid")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings() if args.model is None else Settings(model=args.model)
    if args.bundled:
        ev, xquad, xname = ROOT / "tests" / "data" / "seeds-eval", ROOT / "tests" / "data" / "xquad-vi-sample", "xquad-vi-sample"
    else:
        ev, xname = args.shared / "eval", "xquad-vi-dev"
        xquad = ev / xname
        if not (ev / "dev.jsonl").is_file():
            parser.error(f"{ev / 'dev.jsonl'} does not exist: --shared names the folder of the evaluation data "
                         "(eval/dev.jsonl, eval/xquad-vi-dev/), which a fresh clone does not have; --bundled uses "
                         "the copies under tests/data")
    seeds, xdocs = ROOT / "seeds", xquad / "docs"
    sets = [  # name, questions, corpus, the other corpus (asked too: the right answer there is to abstain)
        ("dev", ev / "dev.jsonl", seeds, xdocs),
        (xname, xquad / "questions.jsonl", xdocs, seeds),
    ]
    warn = lambda m: print(m, file=sys.stderr)  # noqa: E731
    reports = []
    print(f"model: {settings.model}\n")
    print("| set | mode | lang | n | hit@1 | recall@5 | mrr@10 | answer@1 | abstained (answerable) | abstained (cross) | AUROC |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        for name, questions, docs, other in sets:
            report = evaluate(questions, docs, mode=mode, settings=settings, warn=warn, cross_docs=other)  # type: ignore[arg-type]
            report["set"], report["requested_mode"] = name, mode
            reports.append(report)
            cross, aurocs = report["cross"]["by_lang"], report["confidence_auroc"]
            for lang, m in report["by_lang"].items():
                print(f"| {name} | {report['mode']} | {lang} | {m['n']} | {m['hit@1']:.3f} | {m['recall@5']:.3f} "
                      f"| {m['mrr@10']:.3f} | {m['answer@1']:.3f} | {m['abstained']:.3f} | {cross.get(lang, 0):.3f} "
                      f"| {aurocs.get(lang, float('nan')):.3f} |")
            a = report["abstention"]
            if a["unanswerable"]:
                print(f"| {name} | {report['mode']} | `article: null` | {a['unanswerable']} | | | | | | "
                      f"{a['abstained']}/{a['unanswerable']} abstained | |")
        chat = evaluate_chat(ev / "dev-chat.jsonl", ROOT / "seeds", mode=mode, settings=settings, warn=warn)  # type: ignore[arg-type]
        chat.pop("details")
        chat["requested_mode"] = mode
        reports.append(chat)
        print(f"| dev-chat | {chat['mode']} | all turns | {chat['turns']} | {chat['hit@1']:.3f} | | | | | | |")
    if args.json:
        args.json.write_text(json.dumps({"model": settings.model, "reports": reports}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
