"""From ranked candidates to a cited answer: passages, highlights (the answering sentence, ``qa.picker``), abstention
(how sure: ``qa.evidence``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from typing import TYPE_CHECKING

from qa.evidence import confidence
from qa.retrieval import QueryInfo
from qa.snapshot import Snapshot

if TYPE_CHECKING:
    from qa.rerank import Ranked


@dataclass(frozen=True)
class Highlight:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    rank: int
    doc_id: str
    title: str
    source: str | None
    date: str | None
    chunk_id: int | None  # None for a line of the page that is in no chunk (section "metadata")
    start: int
    end: int
    score: float
    text: str
    highlight: Highlight
    low_confidence: bool = False
    section: str = "body"  # "related": a related article's lead on the page, not the article itself; "metadata": its
    # dateline, byline, outlet tag or agency line (``qa.credits``)


@dataclass
class Answer:
    question: str
    mode: str
    abstained: bool
    confidence: float
    answer: str | None
    passages: list[Passage]
    notice: str | None = None
    language: str = "vi"  # of the question: vi, vi-nodiac (Vietnamese typed without diacritics) or other
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build_answer(
    snapshot: Snapshot,
    query: QueryInfo,
    question: str,
    ranked: list["Ranked"],
    *,
    mode: str,
    threshold: float,
    notice: str | None,
) -> Answer:
    conf = confidence(snapshot, query, ranked[0].candidate, offered=ranked[0].offers) if ranked else 0.0
    abstained = conf < threshold
    passages = []
    for rank, item in enumerate(ranked, start=1):
        # each passage on its own evidence: the fifth of five may be about something else entirely
        low = abstained or (rank > 1 and (item.evidence <= 0 or confidence(snapshot, query, item.candidate) < threshold))
        chunk = snapshot.chunks[item.row]
        meta = snapshot.docs[chunk.doc_id]
        passages.append(
            Passage(
                rank=rank,
                doc_id=chunk.doc_id,
                title=meta.title,
                source=meta.source,
                date=meta.date,
                chunk_id=chunk.chunk_id,
                start=chunk.start,
                end=chunk.end,
                score=round(item.score, 6),
                text=chunk.text,
                highlight=item.highlight,
                low_confidence=low,
                section=snapshot.section(item.row),
            )
        )
    answer = None if abstained or not passages else passages[0].highlight.text
    return Answer(question, mode, abstained, conf, answer, passages, notice, language=query.language)
