"""Every request and response body of the HTTP API, with its limits (they appear in /docs)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from qa.config import Mode
from qa.cleaning import is_blank
from qa.limits import QUESTION_CHARS  # a question: 1..2000 characters, as everywhere
TURN_CHARS = 4000  # one history turn / chat message read as a question
CONTEXT_CHARS = 100_000  # a chat message that is not read (system, assistant, tool)
CONTEXT_TOTAL_CHARS = 200_000  # all of them together (usage counts their tokens: bounded work per request)
HISTORY_TURNS = 40  # history items on /v1/ask: 20 question/answer exchanges
CHAT_MESSAGES = 50  # messages on /v1/chat/completions (history + the question, system messages included)
META_CHARS = 500  # title, source, date, author of a posted document
DEFAULT_CHAT_MODEL = "qa"  # the model a chat request names by default (listed by GET /v1/models)
DOC_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


def _encodable(text: str) -> str:
    """Reject lone surrogates (valid in JSON escapes, not in UTF-8): they would fail deep inside."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"contains an unpaired surrogate at position {exc.start}") from None
    return text


def _not_blank(text: str) -> str:
    if is_blank(text):  # zero-width characters alone are blank too
        raise ValueError("must not be blank")
    return text


def _one_line(text: str) -> str:
    """Metadata is shown on one line: no line breaks, NUL or other control characters."""
    bad = next((ch for ch in text if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:
        raise ValueError(f"must be one line without control characters (found U+{ord(bad):04X})")
    return text


Text = Annotated[str, AfterValidator(_encodable)]
Meta = Annotated[Text, Field(max_length=META_CHARS), AfterValidator(_one_line)]
Question = Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS), AfterValidator(_encodable), AfterValidator(_not_blank)]


# --------------------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    message: str = Field(description="One line a person can act on")
    type: str = Field(description="invalid_request_error, authentication_error, permission_error, not_found, "
                                  "request_too_large, rate_limit_exceeded, index_unavailable, server_busy, ...")
    param: str | None = Field(None, description="The offending field, when there is one")
    code: int | None = Field(None, description="The HTTP status")


class ErrorResponse(BaseModel):
    """The shape of every error (the same as OpenAI's, so its client shows the message)."""

    error: ErrorDetail


# --------------------------------------------------------------------------- answers


class HighlightOut(BaseModel):
    text: str
    start: int
    end: int


class PassageOut(BaseModel):
    """One cited passage; ``raw[start:end] == text`` for the stored original ``raw`` of ``doc_id``."""

    model_config = ConfigDict(extra="allow")
    rank: int
    doc_id: str
    title: str
    source: str | None = None
    date: str | None = None
    chunk_id: int
    start: int
    end: int
    score: float
    text: str
    highlight: HighlightOut
    low_confidence: bool = False


class AnswerOut(BaseModel):
    """The same JSON as ``qa ask --json``, plus ``timings`` (milliseconds per stage)."""

    model_config = ConfigDict(extra="allow")
    question: str
    mode: str = Field(description="The retrieval actually used (lexical when the model is unavailable)")
    abstained: bool
    confidence: float
    answer: str | None = Field(description="The answering sentence; null when abstained")
    passages: list[PassageOut]
    notice: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)


class SearchOut(BaseModel):
    question: str
    mode: str
    passages: list[PassageOut]
    notice: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)


def _user_turn_length(text: str, info: ValidationInfo) -> str:
    """A turn that is read (a user's) has at most ``TURN_CHARS``; one that is not, ``CONTEXT_CHARS``."""
    if info.data.get("role") == "user" and len(text) > TURN_CHARS:
        raise PydanticCustomError("string_too_long", "String should have at most {max_length} characters",
                                  {"max_length": TURN_CHARS})
    return text


class Turn(BaseModel):
    """An earlier turn: the user's resolve follow-ups; the assistant's are accepted and not read."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: Annotated[Text, Field(max_length=CONTEXT_CHARS)]

    _length = field_validator("content")(_user_turn_length)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: Question
    k: int | None = Field(None, ge=1, le=50, strict=True, description="Passages to return (default QA_K)")
    mode: Mode | None = Field(None, description="hybrid | dense | lexical (default QA_MODE)")
    history: list[Turn] = Field(
        default_factory=list,
        max_length=HISTORY_TURNS,
        description=f"Earlier turns, oldest first (at most {HISTORY_TURNS}); the user turns resolve follow-ups",
    )

    def user_turns(self) -> list[str]:
        return [t.content for t in self.history if t.role == "user"]


# --------------------------------------------------------------------------- OpenAI-compatible


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = Field(max_length=64)
    text: Annotated[Text, Field(max_length=CONTEXT_CHARS)] | None = None


class ChatMessage(BaseModel):
    """User messages are read (the question, the conversation): text only, ``TURN_CHARS`` at most. The
    others are accepted and not read, so a client can send back what it got -- a reply citing 50 sources,
    an assistant ``refusal`` part, a long system prompt -- within ``CONTEXT_CHARS``."""

    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Annotated[Text, Field(max_length=CONTEXT_CHARS)] | list[ContentPart] | None = None
    name: str | None = Field(None, max_length=256)

    @field_validator("content")
    @classmethod
    def _user_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, list):
            return value if value is None else _user_turn_length(value, info)
        if len(value) > 100:
            raise ValueError("at most 100 content parts")
        user = info.data.get("role") == "user"
        other = [p.type for p in value if p.type != "text"]
        if user and other:
            raise ValueError(f"only text content is supported, not {other[0]!r}")
        limit = TURN_CHARS if user else CONTEXT_CHARS
        if sum(len(p.text or "") for p in value) > limit:
            raise ValueError(f"a {'user ' if user else ''}message has at most {limit} characters")
        return value

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content)  # parts are separate: "Rome" + "bao lâu"
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool | None = None


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; the last user message is the question, earlier ones the conversation.

    Any ``model`` is accepted ("qa-lexical" asks for lexical retrieval); sampling
    parameters (temperature, max_tokens, ...) are accepted and ignored: answers are
    extracted sentences, not generated text.
    """

    model_config = ConfigDict(extra="allow")
    model: str = Field(DEFAULT_CHAT_MODEL, max_length=256)
    messages: list[ChatMessage] = Field(min_length=1, max_length=CHAT_MESSAGES)
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, ge=1, le=1, strict=True, description="Choices: only 1 (one extracted answer per question)")
    tool_choice: str | dict[str, Any] | None = Field(None, description="'auto' or 'none': no tool is ever called")
    k: int | None = Field(None, ge=1, le=50, strict=True, description="Extension: passages to cite (default QA_K)")
    mode: Mode | None = Field(None, description="Extension: hybrid | dense | lexical")
    response_format: dict[str, Any] | None = Field(None, description="Only {'type': 'text'}: the answer is a cited "
                                                                     "sentence, never JSON")
    logprobs: bool | None = Field(None, description="Only false: an extracted sentence has no token probabilities")
    top_logprobs: int | None = Field(None, ge=0, le=0, description="Only 0 (see logprobs)")

    @field_validator("response_format")
    @classmethod
    def _text_only(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and value.get("type") != "text":
            raise ValueError(f"the answer is a cited sentence, not JSON: only {{'type': 'text'}} is possible, "
                             f"not type {value.get('type')!r}")
        return value

    @field_validator("logprobs")
    @classmethod
    def _no_logprobs(cls, value: bool | None) -> bool | None:
        if value:
            raise ValueError("an extracted sentence has no token probabilities: send false or leave it out")
        return value

    @field_validator("stream_options")
    @classmethod
    def _stream_options_need_a_stream(cls, value: StreamOptions | None, info: ValidationInfo) -> StreamOptions | None:
        if value is not None and not info.data.get("stream"):
            raise ValueError("stream_options is only allowed when stream is true (as OpenAI's API says)")
        return value

    @field_validator("messages")
    @classmethod
    def _context_total(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        unread = sum(len(m.text()) for m in messages if m.role != "user")
        if unread > CONTEXT_TOTAL_CHARS:
            raise ValueError(f"the messages other than the user's have at most {CONTEXT_TOTAL_CHARS} characters "
                             f"in all, not {unread}")
        return messages

    @field_validator("tool_choice")
    @classmethod
    def _no_tool_required(cls, value: Any) -> Any:
        if value == "required" or isinstance(value, dict):
            raise ValueError("this server answers from its articles and calls no tools; "
                             "send tool_choice 'auto' or 'none', or leave it out")
        return value

    @property
    def include_usage(self) -> bool:
        return bool(self.stream_options and self.stream_options.include_usage)


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: str | None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class Usage(BaseModel):
    """Tokens of the encoder's tokenizer; all zeros when no model is loaded (lexical fallback)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AnswerMeta(BaseModel):
    mode: str
    abstained: bool
    confidence: float
    notice: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str = Field(description="QA_MODEL when the model answered, 'qa-lexical' when lexical retrieval did")
    choices: list[Choice]
    usage: Usage
    citations: list[PassageOut] = Field(description="The passages behind the numbered markers, [1] first")
    qa: AnswerMeta
    system_fingerprint: str | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "qa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


# --------------------------------------------------------------------------- documents


class DocumentMeta(BaseModel):
    """What every document view says of a document."""

    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str
    source: str | None = None
    date: str | None = None
    author: str | None = None
    path: str | None = Field(None, description="The file it was ingested from, or the url given to POST /v1/documents")


class DocumentSummary(DocumentMeta):
    chunks: int


class DocumentList(BaseModel):
    documents: list[DocumentSummary]
    total: int
    offset: int
    limit: int


class Span(BaseModel):
    model_config = ConfigDict(extra="allow")
    start: int
    end: int
    text: str


class DroppedSpan(Span):
    reason: str


class ChunkSpan(BaseModel):
    chunk_id: int
    start: int
    end: int


class DocumentDetail(DocumentMeta):
    """Like ``qa show --json``: metadata, cleaned body and the boilerplate that was dropped (and why)."""

    content_hash: str
    ingested_at: str
    body: list[Span]
    dropped: list[DroppedSpan]
    chunks: list[ChunkSpan]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str | None = Field(
        None,
        pattern=DOC_ID_PATTERN,
        description="Letters, digits, '.', '_', '-' (1-128, starting with a letter or digit); "
                    "default: a slug of the title (or first line) + 12 hex digits of the text's SHA-256",
    )
    text: Annotated[Text, Field(min_length=1, description="The article as it would be in a .txt file; "
                                                          "at most QA_MAX_FILE_BYTES bytes of UTF-8 (else 413)")]
    title: Meta | None = None
    source: Meta | None = None
    date: Meta | None = None
    author: Meta | None = None
    url: Annotated[Text, Field(max_length=2000), AfterValidator(_one_line)] | None = Field(
        None, description="Stored as the document's path")


class DocumentWriteOut(BaseModel):
    doc_id: str
    status: Literal["added", "updated", "unchanged"]
    chunks: int
    report: dict[str, Any] = Field(description="The same report as `qa ingest --json`")


class DocumentDeleteOut(BaseModel):
    doc_id: str
    deleted: bool


# --------------------------------------------------------------------------- operations


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    ready: bool
    reason: str | None = Field(None, description="Why not ready (index unreadable, still starting)")
    mode: str | None = Field(None, description="The retrieval answers use now (lexical when the model is unavailable)")
    configured_mode: str
    model: str = Field(description="QA_MODEL")
    model_loaded: bool
    fallback_reason: str | None = Field(None, description="Why answers are lexical although the mode is not")
    index_model: str | None = Field(None, description="The model the stored vectors were made with")
    documents: int = 0
    chunks: int = 0
    generation: int = 0
