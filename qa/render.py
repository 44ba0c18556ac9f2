"""Terminal rendering of answers and documents (rich); JSON output lives in the CLI."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

from qa.answers import Answer, Passage

# Control characters a document, a file name or a server could carry into a terminal: ESC sequences clear the
# screen or set the window title, a lone CR overwrites a line (and rich drops it: CR-only files printed glued).
# Each becomes one visible or harmless character, so the spans of a styled Text stay where they were.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0D:
        return "\n"  # a line break of a CR-only file (CRLF's CR became a space first)
    if code < 0x20:
        return chr(0x2400 + code)  # the control picture: ESC shows as "␛"
    return "\u2421" if code == 0x7F else "\ufffd"  # DEL "␡"; C1 controls and bidi overrides


def terminal_safe(text: str) -> str:
    """``text`` with no control character a terminal would act on (tab and newline kept), same length."""
    return _CONTROL.sub(_visible, text.replace("\r\n", " \n")) if _CONTROL.search(text) else text


class TerminalConsole(Console):
    """A rich Console that shows the text it is given and never lets it drive the terminal (see _CONTROL)."""

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: A003 - rich's name
        super().print(*(_safe(o) for o in objects), **kwargs)


def _safe(obj: Any) -> Any:
    if isinstance(obj, str):
        return terminal_safe(obj)
    if isinstance(obj, Text) and _CONTROL.search(obj.plain):
        safe = obj.copy()
        safe.plain = terminal_safe(obj.plain)  # one character for one: the styles keep their spans
        return safe
    return obj


# where a passage that is not the article's own text comes from (``Passage.section``)
SECTION_LABELS = {"related": "a related article's headline or lead on this page", "footer": "the page's footer, not the article",
                  "metadata": "the page's dateline, byline or credit line"}


def citation(p: Passage) -> str:
    parts = [p.title]
    parts += [x for x in (p.source, p.date) if x]
    where = f" ({SECTION_LABELS[p.section]})" if p.section in SECTION_LABELS else ""
    return " · ".join(parts) + f" [{p.doc_id} {p.start}:{p.end}]" + where


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain strings and (text, style) pairs. Text that comes from documents, questions or a
    server (titles, ids, paths) is never read as rich markup: "[/]" in a title would raise, and
    "[bold]" or a "[doc_id 0:40]" citation would vanish."""
    return Text.assemble(*(terminal_safe(p) if isinstance(p, str) else (terminal_safe(p[0]), p[1]) for p in parts))


def passage_text(p: Passage, *, width: int | None = None) -> Text:
    """The passage with its answer sentence highlighted."""
    text = Text()
    before = p.text[: p.highlight.start - p.start]
    inside = p.text[p.highlight.start - p.start : p.highlight.end - p.start]
    after = p.text[p.highlight.end - p.start :]
    if width and len(p.text) > width:
        before = ("…" + before[-width // 3 :]) if len(before) > width // 3 else before
        after = (after[: width // 3] + "…") if len(after) > width // 3 else after
    # rich drops a CR when the Text is made: a CR-only file's line breaks are made newlines before that
    text.append(terminal_safe(before))
    text.append(terminal_safe(inside), style="bold yellow")
    text.append(terminal_safe(after))
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
