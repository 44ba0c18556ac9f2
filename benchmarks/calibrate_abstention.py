"""How the abstention threshold was chosen: evidence of answerable vs unanswerable questions.

    python benchmarks/calibrate_abstention.py --shared ../shared [--json out.json]

Positives: each set's questions over their own corpus (XQuAD over its docs, the
dev set over seeds/). Negatives: the same questions over the *other* corpus
(where the right answer is to abstain) and the dev set's `article: null`
questions. The evidence is the product's own (IDF-weighted coverage of the
question by the best passage, lexical retrieval).

One logistic regression per query language, as the product detects it
(`qa.language.detect`): Vietnamese (with or without diacritics) and other
(English). The same evidence means different things in the two: an English
question over Vietnamese articles can only match their names, numbers and
loanwords, so even an answerable one covers a few percent of itself. Each fit
turns evidence into the `confidence` every answer carries (`qa.calibration.CALIBRATION`);
abstention is confidence < 0.5, i.e. evidence < midpoint.

Rule for the midpoint: the maximum-likelihood one, raised when needed to the
lowest value at which at least ABSTAIN_TARGET of that language's unanswerable
questions abstain (a wrong answer costs more than an abstention). Prints the
fits, the trade-off curve (wrong abstention on answerable vs abstention on
unanswerable) at a few midpoints, and AUROC per labelled language; then, not fitted on,
hard negatives: XQuAD questions over XQuAD with their own article left out (answered vs
answerable refused at QA_ABSTAIN_THRESHOLD 0.5 / 0.7 / 0.9).
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

from qa.evidence import evidence  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.evaluation import auroc, eval_service, gold_articles, load_questions  # noqa: E402
from qa.rerank import rerank  # noqa: E402
from qa.retrieval import Retriever, analyze  # noqa: E402

ABSTAIN_TARGET = 0.95
HARD_DEPTH = 40  # candidates searched for the best passage outside the right article
GROUPS = {"vietnamese": ("vi", "vi-nodiac"), "other": ("other",)}


def raw_evidence(service, questions: list[dict], *, without_gold: bool = False) -> list[tuple[str, str, float]]:  # noqa: ANN001
    """(labelled language, detected language, evidence) per question. ``without_gold``: the best passage from
    any article but the right ones (a hard negative: the same corpus and language, the answer absent)."""
    snap = service.snapshot()
    out = []
    for q in questions:
        query = analyze(q["question"])
        ranked = rerank(snap, Retriever(snap).search(query, 5, "lexical", None, limit=HARD_DEPTH if without_gold else None),
                        query, depth=HARD_DEPTH if without_gold else 20)
        if without_gold:
            ranked = [r for r in ranked if snap.chunks[r.row].doc_id not in gold_articles(q)]
        out.append((q["lang"], query.combined.language, evidence(snap, query, ranked[0].candidate, ranked[0].offers)
                    if ranked else 0.0))
    return out


def hard_negatives(pos: list, hard: list, fits: dict, result: dict) -> None:  # noqa: ANN001
    """Not fitted on: XQuAD questions over XQuAD with their own article left out, where the nearest passage is on
    the same kind of subject. How many the product answers at QA_ABSTAIN_THRESHOLD 0.5 / 0.7 / 0.9, against how
    many answerable ones it refuses at each."""
    print("hard negatives (XQuAD, the right article left out): answered vs answerable refused, per QA_ABSTAIN_THRESHOLD")
    group_of = {d: g for g, ds in GROUPS.items() for d in ds}
    result["hard"] = {}
    for lang in ("vi", "vi-nodiac", "en"):
        p = [(d, e) for lg, d, e in pos if lg == lang]
        h = [(d, e) for lg, d, e in hard if lg == lang]
        row = {"auroc": round(auroc([e for _, e in p], [e for _, e in h]), 4)}
        for threshold in (0.5, 0.7, 0.9):
            def answers(d: str, e: float) -> bool:
                slope, mid = fits[group_of.get(d, "other")]
                return e >= mid + float(np.log(threshold / (1 - threshold))) / slope
            row[f"answered_at_{threshold}"] = round(float(np.mean([answers(d, e) for d, e in h])), 4)
            row[f"refused_at_{threshold}"] = round(float(np.mean([not answers(d, e) for d, e in p])), 4)
        result["hard"][lang] = row
        print(f"  {lang:10} AUROC {row['auroc']:.3f}  " + "  ".join(
            f"{t}: answered {row[f'answered_at_{t}']:.3f} / refused {row[f'refused_at_{t}']:.3f}" for t in (0.5, 0.7, 0.9)))


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """p = sigmoid(slope * (x - midpoint)), maximum likelihood."""

    def nll(params: np.ndarray) -> float:
        slope, mid = params
        z = np.clip(slope * (x - mid), -30, 30)
        p = 1 / (1 + np.exp(-z))
        return -float(np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))

    res = minimize(nll, x0=np.array([10.0, 0.3]), method="Nelder-Mead")
    return float(res.x[0]), float(res.x[1])


def target_midpoint(negatives: np.ndarray, target: float = ABSTAIN_TARGET) -> float:
    """The lowest midpoint at which a share >= target of the negatives has evidence below it."""
    if negatives.size == 0:
        return 0.0
    ordered = np.sort(negatives)
    need = int(np.ceil(target * ordered.size))  # negatives that must lie strictly below the midpoint
    if need == 0:
        return 0.0
    below = ordered[need - 1]
    return float(np.nextafter(below, np.inf)) if below > 0 else 1e-6


def choose_midpoint(fitted: float, negatives: np.ndarray) -> float:
    return max(fitted, target_midpoint(negatives))


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
    xpos = raw_evidence(sx, xq)
    pos = xpos + raw_evidence(ss, [q for q in dq if gold_articles(q)])
    neg = raw_evidence(ss, xq) + raw_evidence(sx, dq) + raw_evidence(ss, [q for q in dq if not gold_articles(q)])
    result: dict[str, object] = {"abstain_target": ABSTAIN_TARGET, "groups": {}, "by_lang": {}}
    fits = {}
    for group, detected in GROUPS.items():
        p = np.array([e for _, d, e in pos if d in detected])
        n = np.array([e for _, d, e in neg if d in detected])
        x, y = np.concatenate([p, n]), np.concatenate([np.ones(p.size), np.zeros(n.size)])
        slope, fitted = fit_logistic(x, y)
        mid = choose_midpoint(fitted, n)
        fits[group] = (slope, mid)
        print(f"{group}: {p.size} answerable, {n.size} unanswerable; fitted sigmoid({slope:.2f} * (evidence - "
              f"{fitted:.4f})); midpoint for >= {ABSTAIN_TARGET:.0%} abstention {target_midpoint(n):.4f} -> {mid:.4f}")
        curve = []
        grid = sorted({round(v, 4) for v in (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.2, 0.321)} | {round(mid, 4)})
        print(f"  {'midpoint':>9}{'wrongly abst.':>15}{'abstained (unanswerable)':>26}")
        for m in grid:
            wrong, right = float(np.mean(p < m)) if p.size else 0.0, float(np.mean(n < m)) if n.size else 0.0
            curve.append({"midpoint": m, "wrongly_abstained": round(wrong, 4), "abstained": round(right, 4)})
            print(f"  {m:>9.4f}{wrong:>15.3f}{right:>26.3f}{'  <- chosen' if m == round(mid, 4) else ''}")
        result["groups"][group] = {"slope": round(slope, 2), "fitted_midpoint": round(fitted, 4), "midpoint": round(mid, 4),
                                   "answerable": int(p.size), "unanswerable": int(n.size), "curve": curve}
    group_of = {d: g for g, ds in GROUPS.items() for d in ds}
    print(f"{'lang':10}{'answerable':>11}{'wrongly abst.':>15}{'unanswerable':>14}{'abstained':>11}{'AUROC':>8}")
    for lang in ("vi", "vi-nodiac", "en"):
        abstains = lambda d, e: e < fits[group_of.get(d, "other")][1]  # noqa: E731
        p = [(d, e) for lg, d, e in pos if lg == lang]
        n = [(d, e) for lg, d, e in neg if lg == lang]
        wrong = float(np.mean([abstains(d, e) for d, e in p])) if p else 0.0
        right = float(np.mean([abstains(d, e) for d, e in n])) if n else 0.0
        auc = auroc([e for _, e in p], [e for _, e in n])
        result["by_lang"][lang] = {"answerable": len(p), "wrongly_abstained": round(wrong, 4), "unanswerable": len(n),
                                   "abstained": round(right, 4), "auroc": round(auc, 4)}
        print(f"{lang:10}{len(p):>11}{wrong:>15.3f}{len(n):>14}{right:>11.3f}{auc:>8.3f}")
    hard_negatives(xpos, raw_evidence(sx, xq, without_gold=True), fits, result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
