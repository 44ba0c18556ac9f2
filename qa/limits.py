"""What every entry point accepts as a question: ``qa ask``, the chat loop (local or ``--url``),
``QAService.ask`` embedded in another program, and the HTTP API (``server/schemas.py``)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import get_args

from qa.cleaning import is_blank
from qa.config import Mode
from qa.errors import InvalidQuestion, shown
from qa.text import surrogate_at

QUESTION_CHARS = 2000  # a question: 1..2000 characters
K_MAX = 50  # passages per answer: 1..50
CHAT_ROLES = ("system", "developer", "user", "assistant", "tool", "function")  # OpenAI's, as /v1/chat/completions
MODES: tuple[str, ...] = get_args(Mode)


def question_problem(question: str) -> str | None:
    """Why ``question`` cannot be asked, in one line, or None."""
    if len(question) > QUESTION_CHARS:  # first: the cheap check, before reading a huge string
        return f"the question is {len(question)} characters long; at most {QUESTION_CHARS}"
    if (at := surrogate_at(question)) is not None:  # bytes that were not UTF-8 in the terminal (surrogate escapes)
        return (f"the question is not valid UTF-8 (an unpaired surrogate at character {at + 1}: bytes that "
                "were not UTF-8, e.g. a terminal in another encoding)")
    if is_blank(question):  # zero-width characters alone are blank too
        return "the question is empty"
    return None


def checked_request(question: object, k: object, mode: object, history: object) -> list[str]:
    """Check the question, ``k`` and ``mode`` given to ``QAService.ask`` as the HTTP API checks them
    (InvalidQuestion, one line, naming what is wrong); returns the earlier questions of ``history`` as plain
    strings. ``history`` holds strings or chat messages (``{"role": "user", "content": "..."}``, content a
    string or OpenAI's list of parts, whose text parts are joined: only the user's are read). Its length
    is the caller's to bound (the HTTP API takes at most 40 turns of 4,000 characters)."""
    if not isinstance(question, str):
        raise InvalidQuestion(f"the question must be a string, not {type(question).__name__}")
    problem = question_problem(question)
    if problem:
        raise InvalidQuestion(problem)
    if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 1 <= k <= K_MAX):
        raise InvalidQuestion(f"k must be a whole number of passages from 1 to {K_MAX}, not {k!r}")
    if mode is not None and mode not in MODES:
        raise InvalidQuestion(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if history is None:
        return []
    if isinstance(history, (str, bytes)) or not isinstance(history, Sequence):
        raise InvalidQuestion(f"history must be a list of earlier questions, not {type(history).__name__}")
    turns = []
    for i, item in enumerate(history):
        if isinstance(item, Mapping):
            role = item.get("role")
            if not isinstance(role, str):  # {"content": "Rome"} was skipped without a word; HTTP says why
                raise InvalidQuestion(f"history[{i}] is a chat message without a role (user, assistant, system, ...)")
            if role not in CHAT_ROLES:  # {"role": "x"}: a mistake, as HTTP says (422)
                raise InvalidQuestion(f"history[{i}] has role {shown(role)}; a chat message's role is one of "
                                      f"{', '.join(CHAT_ROLES)}")
            if role != "user":
                continue  # the assistant's answers (and system messages) are not questions
            item = _text_of(item.get("content"))
        if not isinstance(item, str):
            raise InvalidQuestion(f"history[{i}] must be a string or a chat message with string content, "
                                  f"not {type(item).__name__}")
        if (at := surrogate_at(item)) is not None:
            raise InvalidQuestion(f"history[{i}] is not valid UTF-8 (an unpaired surrogate at character {at + 1})")
        turns.append(item)
    return turns


def _text_of(content: object) -> object:
    """A chat message's content as text: a string, or the text parts of OpenAI's list of parts joined
    (as the HTTP API reads them); anything else is returned as it is, for the caller to refuse."""
    if isinstance(content, list) and all(isinstance(part, Mapping) for part in content):
        texts = [part.get("text") for part in content if part.get("type") == "text"]
        if all(isinstance(t, str) for t in texts):
            return "\n".join(texts)
    return content
