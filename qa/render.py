"""Terminal rendering of answers and documents (rich); JSON output lives in the CLI."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from qa.answers import Answer, Passage


def citation(p: Passage) -> str:
    parts = [p.title]
    parts += [x for x in (p.source, p.date) if x]
    return " · ".join(parts) + f" [{p.doc_id} {p.start}:{p.end}]"


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain strings and (text, style) pairs. Text that comes from documents, questions or a
    server (titles, ids, paths) is never read as rich markup: "[/]" in a title would raise, and
    "[bold]" or a "[doc_id 0:40]" citation would vanish."""
    return Text.assemble(*parts)


def passage_text(p: Passage, *, width: int | None = None) -> Text:
    """The passage with its answer sentence highlighted."""
    text = Text()
    before = p.text[: p.highlight.start - p.start]
    inside = p.text[p.highlight.start - p.start : p.highlight.end - p.start]
    after = p.text[p.highlight.end - p.start :]
    if width and len(p.text) > width:
        before = ("…" + before[-width // 3 :]) if len(before) > width // 3 else before
        after = (after[: width // 3] + "…") if len(after) > width // 3 else after
    text.append(before)
    text.append(inside, style="bold yellow")
    text.append(after)
    return text


def print_answer(console: Console, answer: Answer, *, excerpt: int = 360, notice: bool = True) -> None:
    """``notice=False``: the fallback notice was already shown (the chat loop shows it once)."""
    if answer.notice and notice:
        console.print(Text(f"⚠ {answer.notice}", style="magenta"), soft_wrap=True)
    label = (f"mode: {answer.mode} · confidence {answer.confidence:.2f}", "dim")
    if answer.abstained:
        console.print(styled(("No answer found in the indexed articles.", "bold red"), " ", label))
        if answer.passages:
            console.print(styled(("Nearest passages (low confidence):", "dim")))
    else:
        console.print(styled((answer.answer or "", "bold green"), " ", ("[1]", "cyan"), " ", label))
    for p in answer.passages:
        console.print()
        weak = ((" · low confidence", "yellow"),) if p.low_confidence and not answer.abstained else ()
        console.print(styled((f"[{p.rank}]", "cyan"), " ", (citation(p), "bold"), " ", (f"score {p.score:.3f}", "dim"),
                             *weak))
        console.print(passage_text(p, width=excerpt))


def print_passage(console: Console, p: Passage) -> None:
    console.print(styled((f"[{p.rank}]", "cyan"), " ", (citation(p), "bold")))
    console.print(passage_text(p))
