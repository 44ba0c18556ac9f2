"""From a raw article to rows ready to store: parsed document, chunks, embedding inputs.

The pipeline's ``signature`` records everything that shapes chunks and vectors;
an index built under another signature is rebuilt from its stored documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from embeddings.encoder import Encoder
from qa.chunking import chunk_document, estimate_tokens
from qa.config import Settings
from qa.documents import Span, page_text, parse_document
from qa.fsutil import sha256_text
from qa.store import DocumentRow

# What changes the chunks a document gets: an index built with another version is rebuilt (``qa reindex`` or
# the next ingest).
CLEANER_VERSION = "6"  # 2: related articles' leads are searchable passages; 3: so is the prose of the page's footer;
# 4: a quoted sentence ("> Theo kế hoạch, ...") is text, not a link to another article; 5: a last paragraph cut short
# with an ellipsis is another article's lead; 6: so are the headlines in a list of links to other articles
ASSUMED_MAX_TOKENS = 512  # window assumed for chunk sizes when no model is loaded


@dataclass(frozen=True)
class PreparedChunk:
    start: int
    end: int
    text: str
    embed_text: str
    embed_hash: str


@dataclass(frozen=True)
class Prepared:
    document: DocumentRow
    chunks: list[PreparedChunk]


def embed_input(title: str, chunk_text: str, with_header: bool) -> str:
    """The passage as the encoder sees it: a title header gives every chunk its context."""
    if not with_header or chunk_text.startswith(title):
        return chunk_text
    return f"{title}\n\n{chunk_text}"


class Pipeline:
    def __init__(self, settings: Settings, encoder: Encoder | None) -> None:
        self.settings = settings
        self.encoder = encoder

    @property
    def model(self) -> str:
        return self.encoder.name if self.encoder else ""

    def signature(self) -> dict[str, object]:
        return {
            "model": self.model,
            "passage_prefix": self.encoder.passage_prefix if self.encoder else "",
            "chunker": "model-tokenizer" if self.encoder else "estimate",
            "chunk_tokens": self.settings.chunk_tokens,
            "overlap_sentences": self.settings.chunk_overlap_sentences,
            "cleaner": CLEANER_VERSION,
        }

    def count_tokens(self, text: str) -> int:
        return self.encoder.count_tokens(text) if self.encoder else estimate_tokens(text)

    def _window(self) -> tuple[int, int]:
        if self.encoder:
            return self.encoder.max_seq_length, self.encoder.prefix_tokens()
        return ASSUMED_MAX_TOKENS, 4

    def prepare(self, doc_id: str, raw: str, path: str | None, *, meta: dict[str, str | None] | None = None) -> Prepared:
        parsed = parse_document(raw, doc_id)
        fields = {"title": parsed.title, "source": parsed.source, "date": parsed.date, "author": parsed.author}
        fields.update({k: v for k, v in (meta or {}).items() if v})
        window, prefix = self._window()
        title_tokens = self.count_tokens(fields["title"] or "") + 2
        with_header = title_tokens <= window // 4
        hard_max = window - prefix - (title_tokens if with_header else 0) - 4
        def chunks(spans: tuple) -> list:
            return chunk_document(raw, [(p.start, p.end) for p in spans], count=self.count_tokens,
                                  target=self.settings.chunk_tokens, hard_max=hard_max,
                                  overlap=self.settings.chunk_overlap_sentences)

        salt = f"{self.model}\x00{self.encoder.passage_prefix if self.encoder else ''}\x00"
        prepared = []
        # the body under its title; then the page's other searchable text, each block alone (the title is not theirs)
        extra = tuple(Span(start, end) for start, end, _ in page_text(parsed.dropped))
        for group, header in ((parsed.paragraphs, with_header), (extra, False)):
            for c in chunks(group):
                text = embed_input(fields["title"] or "", c.text, header)
                prepared.append(PreparedChunk(c.start, c.end, c.text, text, sha256_text(salt + text)))
        row = DocumentRow(
            doc_id=doc_id,
            path=path,
            title=fields["title"] or doc_id,
            source=fields["source"],
            date=fields["date"],
            author=fields["author"],
            raw=raw,
            content_hash=content_hash(raw, meta),
            paragraphs=[[p.start, p.end] for p in parsed.paragraphs],
            dropped=[asdict(d) for d in parsed.dropped],
            ingested_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            meta={k: v for k, v in (meta or {}).items() if v},
        )
        return Prepared(row, prepared)


def content_hash(raw: str, meta: dict[str, str | None] | None = None) -> str:
    extra = "".join(f"\x00{k}={v}" for k, v in sorted((meta or {}).items()) if v)
    return sha256_text(raw + extra)
