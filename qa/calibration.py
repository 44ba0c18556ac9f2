"""Evidence -> confidence: the probability that the corpus answers a question, per query language."""

from __future__ import annotations

import math

# Fitted by benchmarks/calibrate_abstention.py per query language (logistic regression on XQuAD +
# dev questions, answerable in their own corpus vs asked of the other corpus): confidence 0.5 <=>
# evidence = midpoint. The same evidence means much more for a question in another language: its
# own words cannot occur in Vietnamese text, so an answerable English question covers only a few
# percent (its names and numbers, plus its scaled glossary share, see GLOSS_EVIDENCE) where a
# Vietnamese one covers most of itself. Each midpoint is the fitted one, raised where needed so that
# >= 95% of that language's unanswerable questions abstain. Vietnamese refitted (27.1, 0.321 -> 30.3, 0.2772)
# when a compound's syllables stopped counting outside it (``_evidence``): answerable refused / unanswerable
# abstaining / AUROC, accented 2.5 / 99.2% / 0.999 -> 2.8 / 99.2% / 0.999, unaccented 2.7 / 97.2% / 0.996 -> 1.9 /
# 97.5% / 0.998; hard negatives (the right article left out) answered 16.0 -> 17.2% and 23.1 -> 19.5%, AUROC 0.981
# -> 0.983 and 0.976 -> 0.982. With a fit for each of the two, the accented midpoint fell to 0.29 and 22.8% of its
# hard negatives were answered; with compounds for unaccented questions only, 22.6%.
SLOPE = 30.3
MIDPOINT = 0.2772
FOREIGN_SLOPE = 43.8
FOREIGN_MIDPOINT = 0.1165
CALIBRATION: dict[str, tuple[float, float]] = {
    "vi": (SLOPE, MIDPOINT),
    "vi-nodiac": (SLOPE, MIDPOINT),
    "other": (FOREIGN_SLOPE, FOREIGN_MIDPOINT),
}


def calibrated(evidence_value: float, language: str) -> float:
    """Evidence -> estimated probability that the corpus answers, for a question in ``language``."""
    slope, midpoint = CALIBRATION.get(language, (SLOPE, MIDPOINT))
    z = slope * (evidence_value - midpoint)
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 4)
