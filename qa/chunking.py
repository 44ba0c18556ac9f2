"""Sentence-aware chunks with exact character offsets into the original file.

Chunks never cross a dropped block (so ``raw[start:end]`` is clean body text),
prefer paragraph boundaries, and overlap by a sentence when a paragraph is cut.
Their size is measured with the encoder's own tokenizer (or an estimate when no
model is loaded) and always fits the model's window with prefix and title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.text import Sentence, nfc, split_sentences, words

TokenCounter = Callable[[str], int]
MAX_CLUSTER = 16  # combining marks kept with their letter when a piece is cut inside a word


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    """Tokenizer-free estimate (subword models split a Vietnamese syllable into ~1.4 pieces)."""
    text = nfc(text)  # decomposed marks are not punctuation: NFD text must count like NFC
    n = len(words(text))
    punct = sum(1 for c in text if not c.isalnum() and not c.isspace())
    return int(n * 1.4 + punct) + 1


def _runs(raw: str, paragraphs: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Group consecutive paragraphs separated only by whitespace (nothing dropped between)."""
    runs: list[list[tuple[int, int]]] = []
    for start, end in paragraphs:
        if runs and raw[runs[-1][-1][1] : start].strip() == "":
            runs[-1].append((start, end))
        else:
            runs.append([(start, end)])
    return runs


def _split_long(raw: str, sent: Sentence, budget: int, count: TokenCounter) -> list[Sentence]:
    """Cut a sentence longer than the budget at word boundaries (a word over budget by characters).

    Each piece is the longest run of words within budget, found by galloping over the word ends and
    bisecting (token counts only grow with the text): O(log n) counts of a piece instead of one per word,
    so a sentence of a megabyte is cut in seconds, not minutes."""
    words = [(sent.start + m.start(), sent.start + m.end()) for m in re.finditer(r"\S+", raw[sent.start : sent.end])]
    pieces: list[Sentence] = []
    start = sent.start
    last_good = None
    i = 0
    while i < len(words):
        word_start, end = words[i]
        if last_good is None:  # nothing pending: the next piece begins at this word
            start = word_start
        if count(raw[start:end]) <= budget:
            i = _furthest_fitting(raw, start, words, i, budget, count)
            last_good = words[i][1]
            i += 1
            continue
        if last_good is not None:
            pieces.append(Sentence(start, last_good))
            start = word_start
        while start < end:  # a single "word" over budget: cut by characters
            cut = _longest_fitting(raw, start, end, budget, count)
            if cut >= end:
                break  # the rest fits: pending, the next words may join it
            pieces.append(Sentence(start, cut))
            start = cut
        last_good = end if start < end else None
        i += 1
    if last_good is not None:
        pieces.append(Sentence(start, last_good))
    return pieces


def _last_fitting(first: int, last: int, fits: Callable[[int], bool]) -> int:
    """The largest x in [first, last] with ``fits(x)``, ``fits`` true at ``first`` and false from some x on (token
    counts only grow with the text): galloping from ``first`` and bisecting, so the counts read about twice the
    piece found, whatever is left after it."""
    good, step = first, 1
    while good + step <= last and fits(good + step):
        good += step
        step *= 2
    bad = min(good + step, last + 1)  # past the end, or one that does not fit
    while bad - good > 1:
        mid = (good + bad) // 2
        if fits(mid):
            good = mid
        else:
            bad = mid
    return good


def _furthest_fitting(raw: str, start: int, words: list[tuple[int, int]], first: int, budget: int,
                      count: TokenCounter) -> int:
    """The last word index j >= first with raw[start:end of word j] within budget (word ``first`` is)."""
    return _last_fitting(first, len(words) - 1, lambda j: count(raw[start : words[j][1]]) <= budget)


def _longest_fitting(raw: str, start: int, end: int, budget: int, count: TokenCounter) -> int:
    """The largest cut in (start, end] with raw[start:cut] within budget (at least one character; ``end`` when
    all of it fits): cutting a megabyte without spaces (base64, a run of combining marks) is linear."""
    cut = good = _last_fitting(start + 1, end, lambda c: count(raw[start:c]) <= budget)
    if cut < end:  # keep a base letter with its marks, unless "its marks" run on (then they are not a letter's)
        floor = max(start + 1, cut - MAX_CLUSTER)
        while cut > floor and unicodedata.combining(raw[cut]):
            cut -= 1
        if unicodedata.combining(raw[cut]):
            cut = good
    return cut


def chunk_document(
    raw: str,
    paragraphs: Sequence[tuple[int, int]],
    *,
    count: TokenCounter,
    target: int,
    hard_max: int,
    overlap: int = 1,
) -> list[Chunk]:
    """Pack sentences into chunks of about ``target`` tokens (never over ``hard_max``)."""
    target = max(1, min(max(8, target), hard_max))
    chunks: list[Chunk] = []
    for run in _runs(raw, paragraphs):
        units: list[tuple[Sentence, int, bool]] = []  # sentence, tokens, starts a paragraph
        for p_start, p_end in run:
            for i, sent in enumerate(split_sentences(raw[p_start:p_end], p_start)):
                n = count(raw[sent.start : sent.end])
                parts = [sent] if n <= hard_max else _split_long(raw, sent, hard_max, count)
                for j, part in enumerate(parts):
                    n_part = n if len(parts) == 1 else count(raw[part.start : part.end])
                    units.append((part, n_part, i == 0 and j == 0))
        chunks.extend(_pack(raw, units, target, hard_max, overlap))
    return chunks


def _pack(raw: str, units: list[tuple[Sentence, int, bool]], target: int, hard_max: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    current: list[tuple[Sentence, int, bool]] = []
    size = 0
    for unit in units:
        _, n, para_start = unit
        full = current and size + n > target
        soft = current and para_start and size >= 0.6 * target
        if full or soft:
            chunks.append(_make(raw, current))
            carry: list[tuple[Sentence, int, bool]] = []
            if full and not para_start and overlap:
                for prev in reversed(current[max(1, len(current) - overlap) :]):  # never the whole chunk again
                    if sum(u[1] for u in carry) + prev[1] + n > min(hard_max, target + target // 3):
                        break  # the carry must stay contiguous: a chunk spans all sentences in between
                    carry.insert(0, prev)
            current, size = carry, sum(u[1] for u in carry)
        current.append(unit)
        size += n
    if current:
        chunks.append(_make(raw, current))
    return chunks


def _make(raw: str, units: list[tuple[Sentence, int, bool]]) -> Chunk:
    start, end = units[0][0].start, units[-1][0].end
    return Chunk(start, end, raw[start:end])
