"""Second-stage ranking: prefer the passage whose best sentence answers the question.

Passage scores (BM25, fused) reward a passage for mentioning the question's
words anywhere; answers live where those words meet in one sentence. Each of
the top candidates gets the evidence of its best sentence (see
``qa.picker.SentencePicker``), which also becomes its highlight.
Measured on XQuAD-vi (lexical, hit@1): 0.941 without, 0.954 with weight 0.5
(0.953 at 0.25, 0.954 at 1.0) — `benchmarks/fusion_experiment.py` documents the runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dataclasses import replace

from qa.answers import Highlight
from qa.evidence import name_missing
from qa.other_news import asks_other_news
from qa.picker import SentencePicker
from qa.retrieval import Candidate, QueryInfo, first_own
from qa.snapshot import Snapshot
from qa.years import date_missing

if TYPE_CHECKING:
    from embeddings.cross_encoder import Reranker

DEPTH = 20
SENTENCE_WEIGHT = 0.5
# an English question's first stage has little to go on (names, numbers, the glossary's BM25): its best
# sentence counts more. XQuAD English, lexical, hit@1 at 0.5 / 1.0 / 1.5 / 2.0: 0.869 / 0.878 / 0.880 /
# 0.878; on 31 English questions about the seeds 0.806 / 0.871 / 0.839 / 0.839.
FOREIGN_SENTENCE_WEIGHT = 1.0
# text of the page that is not the article (a related article's lead, the footer: ``Passage.section``) ranks
# below the article's own text unless it does clearly better; asked for by name ("Theo mục tin mới nhất, …",
# ``qa.other_news``), the article's own text ranks below it instead
# (held-out seed questions, unaccented hit@1: 0.880 without, 0.920 at 0.15-0.6, 0.880 at 1.0)
RELATED_PENALTY = 0.3
# an English question's passage that lacks one of its names ranks this much lower (its confidence is already lowered,
# ``qa.evidence.MISSING_NAME``): "Which two leaders agreed to launch the Diplomatic and Security Dialogue?" ranked first
# the passage where Wang Yi and Blinken recall their leaders' meeting, which does not name the dialogue. The twelve
# bundled sets about the seeds, lexical, 0.1 / 0.2 / 0.3: hit@1 +3 / +5 / +5 -1, the answer sentence +3 / +4 / +4 -1;
# XQuAD English hit@1 -1 / -1 / -2 of 632
MISSING_NAME_PENALTY = 0.2
# a passage whose article says days of a month, none of those the question names, ranks this much lower: "In which city
# did Jake Sullivan and Yang Jiechi hold talks on March 14?" ranked first the article on their talks of March 18
# (``qa.years.date_missing``). Every bundled set about the seeds (2,251) and XQuAD unchanged at 0.1-0.3; heldout18 +1.
# Also for a month or a year ("Who was the US Secretary of State meeting Chinese officials in June 2017?" ranked first
# the article on Blinken's talks "tháng 7", which says no year): seed questions (2,381) hit@1 +2, nothing lost; XQuAD
# unchanged
MISSING_DATE_PENALTY = 0.2


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    highlight: Highlight
    evidence: float  # best-sentence score, 0..~1.3
    score: float
    own: bool = True  # its article's own text (False: a related article's lead or the footer of its page)
    offers: bool = True  # its answer offers the kind of thing asked (``SentencePicker._answers_kind``)

    @property
    def row(self) -> int:
        return self.candidate.row


def sentence_weight(query: QueryInfo) -> float:
    """How much a passage's best sentence counts beside its first-stage score, by the question's language."""
    return FOREIGN_SENTENCE_WEIGHT if query.language == "other" else SENTENCE_WEIGHT


def rerank(snapshot: Snapshot, candidates: list[Candidate], query: QueryInfo, *, depth: int = DEPTH,
           weight: float | None = None) -> list[Ranked]:
    """``weight``: of the best sentence (None: ``sentence_weight``; 0: the first stage's order, dense mode)."""
    counted = _counted(snapshot, candidates)
    chosen = first_own(list(range(len(candidates))), depth, counted)
    head = [candidates[i] for i in chosen]
    if not head:
        return []
    scores = np.array([c.score for c in head], dtype=np.float64)
    own = counted[chosen] if counted is not None else np.ones(len(head), dtype=bool)
    weight = sentence_weight(query) if weight is None else weight
    # the page's other text moves no article passage's score unless it has the best first-stage score
    # (then it sets the top of the scale: below it, its own passages' scores would not be comparable); dense mode
    # stays purely dense
    low = scores[own].min() if own.any() and weight else scores.min()
    span = scores.max() - low
    unit = (scores - low) / span if span > 1e-12 else np.ones_like(scores)
    penalty = RELATED_PENALTY if weight else 0.0
    asked_other = bool(weight) and asks_other_news(query.text)  # "Theo mục tin mới nhất, …": none for its headlines
    ranked = []
    pick = SentencePicker(snapshot, query)
    # a follow-up may say little itself: the earlier turn can point to the sentence
    in_context = SentencePicker(snapshot, query.combined, query) if query.context else None
    for cand, u, article in zip(head, unit, own):
        highlight, evidence, offers = pick(cand.row, in_context)
        if asked_other:  # the page's other news asked for: the article's own text is what is matched by chance
            lowered = 0.0 if snapshot.section(cand.row) == "related" else penalty
        else:
            lowered = 0.0 if article else penalty
        score = u + weight * evidence - lowered - _missing_name(snapshot, query, cand.row, weight)
        if weight and date_missing(snapshot, query.combined.text, cand.row):
            score -= MISSING_DATE_PENALTY
        ranked.append(Ranked(cand, highlight, evidence, float(score), bool(article), offers))
    ranked.sort(key=lambda r: -r.score)
    ranked = _without_lone_headlines(snapshot, ranked) if weight else ranked  # dense mode stays purely dense
    if weight and pick.credit:  # asked whose photo it is, the answer is a caption's credit: the passages answered with
        # a caption first, the caption that says most of the question first (the rest of a passage says nothing of it)
        ranked.sort(key=lambda r: (not r.offers, -r.evidence if r.offers else 0.0))
    # two chunks share the sentence where a paragraph was cut (``qa.chunking`` overlap): when it is both chunks'
    # best, the lower one shows its next best (one answer in six over the XQuAD and held-out questions showed a
    # sentence twice)
    shown: dict[str, list[tuple[int, int]]] = {}
    for i, item in enumerate(ranked):
        spans = shown.setdefault(snapshot.chunks.doc_id(item.row), [])
        if any(a <= item.highlight.start < b or item.highlight.start <= a < item.highlight.end for a, b in spans):
            highlight, _, offers = pick(item.row, in_context, tuple(spans))
            ranked[i] = replace(item, highlight=highlight, offers=offers)
        spans.append((ranked[i].highlight.start, ranked[i].highlight.end))
    return ranked


def _missing_name(snapshot: Snapshot, query: QueryInfo, row: int, weight: float) -> float:
    """``MISSING_NAME_PENALTY`` for a passage that lacks one of an English question's names (``qa.evidence.name_missing``:
    neither as written nor as the glossary renders it), else 0; always 0 in dense mode (``weight`` 0)."""
    if not weight or query.language != "other":
        return 0.0
    lexical = snapshot.lexical
    missing = name_missing(query.text, lexical.present(row, folded=True), lexical.present(row, folded=False))
    return MISSING_NAME_PENALTY if missing else 0.0


def _counted(snapshot: Snapshot, candidates: list[Candidate]) -> np.ndarray | None:
    """Per candidate, whether it is its article's own text (None: the index holds nothing else)."""
    counted = snapshot.lexical.counted  # by row, as the BM25 index was built
    return None if counted is None else counted[[c.row for c in candidates]]


def _without_lone_headlines(snapshot: Snapshot, ranked: list[Ranked]) -> list[Ranked]:
    """A passage that is only its document's headline (cut off from the body by a dropped outlet tag such as
    "VOV.VN - ") says nothing the citation's title does not; a short passage, it often ranks first. It is left
    out when another passage of its document is in the list, and that document's best other passage takes
    its place (its score, when higher): the article the headline matched stays where the headline ranked. A
    related article's lead or the footer of the page is not the article: it never stands in."""
    def lone(item: Ranked) -> bool:
        chunks = snapshot.chunks
        heading = snapshot.docs[chunks.doc_id(item.row)].heading
        return heading is not None and heading[0] <= chunks.start[item.row] and chunks.end[item.row] <= heading[1]

    flags = [lone(r) for r in ranked]
    if not any(flags):
        return ranked
    doc_of = [snapshot.chunks.doc_id(r.row) for r in ranked]
    headline_score: dict[str, float] = {}
    for r, alone, doc in zip(ranked, flags, doc_of):
        if alone:
            headline_score[doc] = max(headline_score.get(doc, r.score), r.score)
    with_body = {doc for doc, alone, r in zip(doc_of, flags, ranked) if not alone and r.own}
    kept, stood_in = [], set()
    for r, alone, doc in zip(ranked, flags, doc_of):  # best first: the first body passage stands in
        if alone and doc in with_body:
            continue
        if not alone and r.own and doc in headline_score and doc not in stood_in:
            stood_in.add(doc)
            r = replace(r, score=max(r.score, headline_score[doc]))
        kept.append(r)
    kept.sort(key=lambda r: -r.score)
    return kept


def cross_rerank(reranker: "Reranker", snapshot: Snapshot, query: QueryInfo, candidates: list[Candidate],
                 *, depth: int = DEPTH) -> list[Candidate]:
    """Reorder the top candidates by a cross-encoder's relevance (its score replaces theirs)."""
    cut = len(first_own(list(range(len(candidates))), depth, _counted(snapshot, candidates)))
    head, tail = candidates[:cut], candidates[cut:]
    scores = reranker.scores(query.combined.text, [snapshot.chunks[c.row].text for c in head])
    rescored = sorted((replace(c, score=float(s)) for c, s in zip(head, scores)), key=lambda c: -c.score)
    floor = min((c.score for c in rescored), default=0.0)
    return rescored + [replace(c, score=floor - 1.0 - i) for i, c in enumerate(tail)]
