"""A chunk's sentences with what answering reads of each, computed once per snapshot."""

from __future__ import annotations

from qa.cleaning import on_caption_line
from qa.lexical import field_tokens
from qa.snapshot import Snapshot
from qa.text import Sentence, nfc, split_sentences

ChunkSentence = tuple[Sentence, str, frozenset[str], bool, bool, bool, str]


def chunk_sentences(snapshot: Snapshot, row: int, folded: bool) -> list[ChunkSentence]:
    """A chunk's sentences with their token sets, whether each is a question, in the headline, in a photo
    caption, and the sentence in NFC (as the answer type reads it: a decomposed file's "Đ" + marks are letters);
    computed once per snapshot."""
    key = ("sentences", row, folded)
    cached = snapshot.memo.get(key)
    if cached is None:
        chunk = snapshot.chunks[row]
        raw = snapshot.raws[chunk.doc_id]
        meta = snapshot.docs.get(chunk.doc_id)
        heading = meta.heading if meta is not None else None
        cached = []
        captions: dict[int, bool] = {}  # by the start of the line
        for sent in split_sentences(raw[chunk.start : chunk.end], chunk.start):
            text = raw[sent.start : sent.end]
            in_heading = heading is not None and heading[0] <= sent.start and sent.end <= heading[1]
            cached.append((sent, text, frozenset(field_tokens(text, folded=folded)),
                           text.rstrip("”\"' ").endswith("?"), in_heading, on_caption_line(raw, sent.start, sent.end, captions),
                           nfc(text)))
        snapshot.memo[key] = cached
    return cached
