"""How the abstention threshold was chosen: evidence of answerable vs unanswerable questions.

    python benchmarks/calibrate_abstention.py --shared ../shared [--json out.json]

Positives: each set's questions over their own corpus (XQuAD over its docs, the
dev set over seeds/). Negatives: the same questions over the *other* corpus
(where the right answer is to abstain) and the dev set's `article: null`
questions. The evidence is the product's own (IDF-weighted coverage of the
question by the best passage, lexical retrieval). A one-feature logistic
regression, fitted on the Vietnamese questions (with and without diacritics),
turns it into the `confidence` every answer carries; abstention is
confidence < 0.5. Prints AUROC per language and the rates at the threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.answers import evidence  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.evaluation import auroc, eval_service, gold_articles, load_questions  # noqa: E402
from qa.rerank import rerank  # noqa: E402
from qa.retrieval import Retriever, analyze  # noqa: E402


def raw_evidence(service, questions: list[dict]) -> list[tuple[str, float]]:  # noqa: ANN001
    snap = service.snapshot()
    out = []
    for q in questions:
        query = analyze(q["question"])
        ranked = rerank(snap, Retriever(snap).search(query, 5, "lexical", None), query)
        out.append((q["lang"], evidence(snap, query, ranked[0].candidate) if ranked else 0.0))
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """p = sigmoid(slope * (x - midpoint)), maximum likelihood."""

    def nll(params: np.ndarray) -> float:
        slope, mid = params
        z = np.clip(slope * (x - mid), -30, 30)
        p = 1 / (1 + np.exp(-z))
        return -float(np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))

    res = minimize(nll, x0=np.array([10.0, 0.3]), method="Nelder-Mead")
    return float(res.x[0]), float(res.x[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings(mode="lexical")
    quiet = lambda m: None  # noqa: E731
    xdir = args.shared / "eval" / "xquad-vi-dev"
    xq = load_questions(xdir / "questions.jsonl")
    dq = load_questions(args.shared / "eval" / "dev.jsonl")
    sx, ss = eval_service(xdir / "docs", settings, quiet), eval_service(ROOT / "seeds", settings, quiet)
    pos = raw_evidence(sx, xq) + raw_evidence(ss, [q for q in dq if gold_articles(q)])
    neg = raw_evidence(ss, xq) + raw_evidence(sx, dq) + raw_evidence(ss, [q for q in dq if not gold_articles(q)])
    fit = [(e, 1) for lang, e in pos if lang != "en"] + [(e, 0) for lang, e in neg if lang != "en"]
    x, y = np.array([f[0] for f in fit]), np.array([f[1] for f in fit])
    slope, mid = fit_logistic(x, y)
    print(f"fitted on {len(fit)} Vietnamese questions: confidence = sigmoid({slope:.2f} * (evidence - {mid:.3f}))")
    print(f"{'lang':10}{'answerable':>11}{'wrongly abst.':>15}{'unanswerable':>14}{'abstained':>11}{'AUROC':>8}")
    table = {}
    for lang in ("vi", "vi-nodiac", "en"):
        p = np.array([e for lg, e in pos if lg == lang])
        n = np.array([e for lg, e in neg if lg == lang])
        wrong, right = float(np.mean(p < mid)), float(np.mean(n < mid))
        table[lang] = {"answerable": len(p), "wrongly_abstained": round(wrong, 4), "unanswerable": len(n),
                       "abstained": round(right, 4), "auroc": round(auroc(list(p), list(n)), 4)}
        print(f"{lang:10}{len(p):>11}{wrong:>15.3f}{len(n):>14}{right:>11.3f}{table[lang]['auroc']:>8.3f}")
    if args.json:
        args.json.write_text(json.dumps({"slope": slope, "midpoint": mid, "by_lang": table}, indent=2))


if __name__ == "__main__":
    main()
