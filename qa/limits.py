"""What every entry point accepts as a question: ``qa ask``, the chat loop (local or ``--url``),
``QAService.ask`` embedded in another program, and the HTTP API (``server/schemas.py``)."""

from __future__ import annotations

from qa.cleaning import is_blank

QUESTION_CHARS = 2000  # a question: 1..2000 characters


def question_problem(question: str) -> str | None:
    """Why ``question`` cannot be asked, in one line, or None."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError as exc:  # bytes that were not UTF-8 in the terminal (surrogate escapes)
        return f"the question is not valid UTF-8 (character {exc.start + 1}); check the terminal's encoding"
    if is_blank(question):  # zero-width characters alone are blank too
        return "the question is empty"
    if len(question) > QUESTION_CHARS:
        return f"the question is {len(question)} characters long; at most {QUESTION_CHARS}"
    return None
