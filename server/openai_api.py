"""OpenAI-compatible endpoints: POST /v1/chat/completions and GET /v1/models.

The official ``openai`` client works unchanged (``base_url=http://HOST:PORT/v1``).
The last user message is the question, the earlier user messages the conversation
that resolves follow-ups. The assistant message is the answering sentence with a
numbered marker and a "Sources:" list; ``citations`` carries the passages as data.
No text is generated: sampling parameters are accepted and ignored.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from qa.cleaning import is_blank
from qa.answers import Answer, Passage
from qa.errors import shown
from qa.render import SECTION_LABELS
from server.bodies import json_body
from server.errors import APIError, responses
from server.runtime import LEXICAL_MODEL_ID, Runtime
from server.openai_schemas import AnswerMeta, ChatCompletion, ChatCompletionRequest, ModelCard, ModelList, Usage
from server.schemas import DEFAULT_CHAT_MODEL, QUESTION_CHARS
from server.security import read_access, sees_server_paths

NO_ANSWER = "No answer found in the indexed articles."

router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], dependencies=[Depends(read_access)])


# Chatbot frontends render the assistant message as Markdown; an article's text must show as written there:
# its "![](url)" would load an image from wherever the article points, its "[text](url)" hide a link, its HTML
# run. ASCII punctuation that Markdown reads is backslash-escaped (CommonMark shows "\[" as "["); an underscore
# inside a word ("002_5759") reads as text anyway and is left alone.
_MARKDOWN = re.compile(r"[\\`*\[\]<>~|&]|(?<![^\W_])_|_(?![^\W_])")
_BLOCK_START = re.compile(r"^([ \t]*)(?:([#>+=-])|(\d+)([.)]))", re.MULTILINE)  # a heading, quote or list


def markdown_text(text: str) -> str:
    """``text`` as Markdown that displays it literally."""
    escaped = _MARKDOWN.sub(lambda m: "\\" + m.group(0), text)
    return _BLOCK_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"),
                            escaped)


def source_line(p: Passage) -> str:
    """- [n] title · outlet · date · doc_id start:end (a Markdown list item: one line each once rendered)"""
    parts = [p.title] + [x for x in (p.source, p.date) if x]
    where = f" ({SECTION_LABELS[p.section]})" if p.section in SECTION_LABELS else ""
    return f"- [{p.rank}] " + markdown_text(" · ".join(parts) + f" · {p.doc_id}") + f" {p.start}:{p.end}" + where


def render(answer: Answer) -> str:
    """The assistant message: the sentence, its markers, and the numbered sources; then the answer's notice
    (lexical retrieval only, an empty index), which frontends show while they drop the ``qa`` field.

    When the evidence is too weak the message says so, and lists the nearest
    passages under a low-confidence heading (as `qa ask` does) instead of a sentence.
    """
    note = [f"Note: {markdown_text(answer.notice)}"] if answer.notice else []
    if not answer.passages:
        return "\n\n".join([NO_ANSWER, *note])
    if answer.abstained or not answer.answer:
        lines = [NO_ANSWER, "", "Nearest passages (low confidence):"]
        lines += [source_line(p) for p in answer.passages]
    else:
        # [1] is the passage the sentence comes from; any other passage holding the same sentence also supports it
        markers = [1] + [p.rank for p in answer.passages[1:] if p.highlight.text.strip() == answer.answer.strip()]
        lines = [markdown_text(answer.answer.strip()) + " " + "".join(f"[{n}]" for n in markers), "", "Sources:"]
        lines += [source_line(p) + (" (low confidence)" if p.low_confidence else "") for p in answer.passages]
    return "\n".join(lines + ["", *note] if note else lines)


def conversation(body: ChatCompletionRequest) -> tuple[str, list[str]]:
    """(question, earlier user turns) from the messages; a readable 422 naming the last message's field (as
    validation names ``messages.N.content``) when there is no question."""
    # system / developer instructions after the question are accepted and not read, as anywhere else
    end = len(body.messages)
    while end > 1 and body.messages[end - 1].role in NOT_READ:
        end -= 1
    last = body.messages[end - 1]
    where = f"messages.{end - 1}"
    if last.role != "user":
        article = "an" if last.role[:1] in "aeiou" else "a"
        raise _invalid(f"{where}.role", f"the last message must be the user's question (system and developer "
                                        f"messages aside), not {article} {last.role!r} message")
    question = last.text()
    if is_blank(question):  # zero-width characters alone are blank too, as everywhere (qa.limits)
        raise _invalid(f"{where}.content", "the last user message (the question) is empty")
    if len(question) > QUESTION_CHARS:
        raise _invalid(f"{where}.content", f"the question (last user message) has {len(question)} characters; "
                                           f"at most {QUESTION_CHARS}")
    history = [m.text() for m in body.messages[:end - 1] if m.role == "user" and not is_blank(m.text())]
    return question, history


NOT_READ = ("system", "developer")


def _invalid(param: str, message: str) -> APIError:
    """A 422 worded as a validation error: 'messages.0.content: ...'."""
    return APIError(422, f"{param}: {message}", param=param)


def _pieces(content: str) -> Iterator[str]:
    """The message in small deltas (a few words each), as a generating model would send it."""
    tokens = re.findall(r"\S+\s*|\s+", content)
    for i in range(0, len(tokens), 8):
        yield "".join(tokens[i : i + 8])


def _sse(data: dict[str, Any] | str) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"data: {payload}\n\n"


STREAM_DOC = {
    "description": "The completion; with `stream: true`, server-sent events: `chat.completion.chunk` objects "
                   "(the last with a choice has `finish_reason`, `citations` and `qa`; with `stream_options.include_usage`, "
                   "one more without choices carries `usage`), then `data: [DONE]`",
    # the schema of one event (OpenAPI's reading of a text/event-stream schema): its `data` line
    "content": {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"],
        "properties": {"data": {"type": "string", "description": "a chat.completion.chunk as JSON, or [DONE]"}},
    }}},
}


@router.post("/chat/completions", response_model=ChatCompletion, dependencies=[Depends(json_body)],
             responses={200: STREAM_DOC, **responses(401, 413, 415, 422, 429, 503)})
def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
    """Answer the last user message, OpenAI style; `model` may be anything ('qa-lexical': lexical retrieval)."""
    runtime: Runtime = request.app.state.runtime
    question, history = conversation(body)
    if body.model == LEXICAL_MODEL_ID and body.mode not in (None, "lexical"):
        raise _invalid("mode", f"model {LEXICAL_MODEL_ID!r} asks for lexical retrieval; mode {body.mode!r} contradicts it")
    mode = body.mode or ("lexical" if body.model == LEXICAL_MODEL_ID else None)
    answer = runtime.ask(question, k=body.k, mode=mode, history=history)
    content = render(answer)
    prompt_tokens = sum(runtime.count_tokens(m.text()) for m in body.messages)
    completion_tokens = runtime.count_tokens(content)
    usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                  total_tokens=prompt_tokens + completion_tokens)
    ident = "chatcmpl-" + uuid.uuid4().hex[:24]
    created = int(time.time())
    model = runtime.model_id(answer, whole=sees_server_paths(request))
    citations = [asdict(p) for p in answer.passages]
    meta = AnswerMeta(mode=answer.mode, abstained=answer.abstained, confidence=answer.confidence,
                      notice=answer.notice, timings=answer.timings)
    if not body.stream:
        return ChatCompletion(
            id=ident, created=created, model=model,
            choices=[{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            usage=usage, citations=citations, qa=meta,
        )

    # OpenAI's stream_options.include_usage: every chunk has "usage": null and one more chunk, with no
    # choices, carries it; without it no chunk has usage
    counted = {"usage": None} if body.include_usage else {}

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        return _sse({"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                     "system_fingerprint": None, "choices": choices, **counted, **extra})

    def delta(part: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": part, "finish_reason": finish, "logprobs": None}]

    def events() -> Iterator[str]:
        yield chunk(delta({"role": "assistant", "content": ""}))
        for piece in _pieces(content):
            yield chunk(delta({"content": piece}))
        yield chunk(delta({}, "stop"), citations=citations, qa=meta.model_dump())
        if body.include_usage:
            yield chunk([], usage=usage.model_dump())
        yield _sse("[DONE]")

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _models(request: Request) -> list[ModelCard]:
    """'qa' (the name clients send by default: the configured retrieval), the configured model when it
    is loaded, and 'qa-lexical'."""
    runtime: Runtime = request.app.state.runtime
    loaded = runtime.service.encoder() is not None
    cards = [ModelCard(id=runtime.model_name(whole=sees_server_paths(request)))] if loaded else []
    return [ModelCard(id=DEFAULT_CHAT_MODEL), *cards, ModelCard(id=LEXICAL_MODEL_ID)]


@router.get("/models", response_model=ModelList, responses=responses(401, 429))
def list_models(request: Request) -> ModelList:
    """'qa', the configured model (when it is loaded) and 'qa-lexical'. Any name is accepted by /chat/completions."""
    return ModelList(data=_models(request))


@router.get("/models/{model_id:path}", response_model=ModelCard, responses=responses(401, 404, 422, 429))
def get_model(model_id: str, request: Request) -> ModelCard:
    for card in _models(request):
        if card.id == model_id:
            return card
    raise APIError(404, f"no model {shown(model_id)}; GET /v1/models lists them")
