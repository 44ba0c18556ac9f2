"""Every request and response body of the HTTP API, with its limits (they appear in /docs); the
OpenAI-compatible ones are in ``server/openai_schemas.py``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from qa import metadata
from qa.config import Mode
from qa.cleaning import is_blank
from qa.limits import K_MAX, QUESTION_CHARS  # a question: 1..2000 characters, k 1..50, as everywhere
from qa.metadata import DOC_ID_PATTERN, META_CHARS, URL_CHARS

TURN_CHARS = 4000  # one history turn / chat message read as a question
CONTEXT_CHARS = 100_000  # a chat message that is not read (system, assistant, tool)
CONTEXT_TOTAL_CHARS = 200_000  # all of them together (usage counts their tokens: bounded work per request)
HISTORY_TURNS = 40  # history items on /v1/ask: 20 question/answer exchanges
CHAT_MESSAGES = 50  # messages on /v1/chat/completions (history + the question, system messages included)
DEFAULT_CHAT_MODEL = "qa"  # the model a chat request names by default (listed by GET /v1/models)


def _not_blank(text: str) -> str:
    if is_blank(text):  # zero-width characters alone are blank too
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, AfterValidator(metadata.encodable)]
DocId = Annotated[str, AfterValidator(metadata.doc_id)]
Meta = Annotated[Text, Field(max_length=META_CHARS), AfterValidator(metadata.one_line),
                 AfterValidator(metadata.blank_is_absent)]
Date = Annotated[Meta, AfterValidator(metadata.date)]
Url = Annotated[Text, Field(max_length=URL_CHARS), AfterValidator(metadata.one_line),
                AfterValidator(metadata.blank_is_absent)]
Question = Annotated[str, Field(min_length=1, max_length=QUESTION_CHARS), AfterValidator(metadata.encodable),
                     AfterValidator(_not_blank)]


# --------------------------------------------------------------------------- errors


class ErrorDetail(BaseModel):
    message: str = Field(description="One line a person can act on")
    type: str = Field(description="invalid_request_error, authentication_error, permission_error, not_found, "
                                  "request_too_large, unsupported_media_type, rate_limit_exceeded, index_unavailable, "
                                  "server_busy, insufficient_storage, ...")
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
    chunk_id: int | None = Field(description="the chunk the passage is; null for a line of the page in no chunk "
                                 "(section 'metadata')")
    start: int
    end: int
    score: float
    text: str
    highlight: HighlightOut
    low_confidence: bool = Field(False, description="true for every passage of an abstained answer; otherwise "
                                 "for a passage whose own evidence would not have answered the question")
    section: Literal["body", "related", "footer", "metadata"] = Field(
        "body", description="'body': the article's own text; 'related': the lead of a related article shown on its "
        "page (a teaser), or a headline of a list of links that gives no leads; 'footer': the prose of the page's footer (a distributor's note, a disclaimer); 'metadata': "
        "the page's dateline, byline, outlet tag or agency line, answering a question about the article itself "
        "(when it was published, who wrote it)")


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
    k: int | None = Field(None, ge=1, le=K_MAX, strict=True, description="Passages to return (default QA_K)")
    mode: Mode | None = Field(None, description="hybrid | dense | lexical (default QA_MODE)")
    history: list[Turn] | None = Field(
        None,
        max_length=HISTORY_TURNS,
        description=f"Earlier turns, oldest first (at most {HISTORY_TURNS}; null: none); the user turns resolve "
                    "follow-ups",
    )

    def user_turns(self) -> list[str]:
        return [t.content for t in self.history or [] if t.role == "user"]


# --------------------------------------------------------------------------- documents


class DocumentMeta(BaseModel):
    """What every document view says of a document."""

    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str
    source: str | None = None
    date: str | None = None
    author: str | None = None
    path: str | None = Field(None, description="The file it was ingested from (its name only, unless the caller has an "
                                                "admin key or the server has no keys), or the url given to POST /v1/documents")


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
    doc_id: DocId | None = Field(
        None,
        json_schema_extra={"pattern": DOC_ID_PATTERN},
        description="Letters, digits, '.', '_', '-' (1-128, starting with a letter or digit); "
                    "default: a slug of the title (or first line) + 12 hex digits of the text's SHA-256",
    )
    text: Annotated[Text, Field(min_length=1, description="The article as it would be in a .txt file; "
                                                          "at most QA_MAX_FILE_BYTES bytes of UTF-8 (else 413)")]
    title: Meta | None = None
    source: Meta | None = None
    date: Date | None = Field(None, description="Stored as ISO 8601 (2024-08-09, or 2024-08-09T10:15 with a time)")
    author: Meta | None = None
    url: Url | None = Field(None, description="Stored as the document's path")


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
