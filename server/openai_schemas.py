"""The OpenAI-compatible request and response bodies (``/v1/chat/completions``, ``/v1/models``), with
their limits; the shared limits and validators are in ``server/schemas.py``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationInfo, field_validator

from qa.config import Mode
from qa.limits import K_MAX, QUESTION_CHARS
from server.schemas import (
    CHAT_MESSAGES,
    CONTEXT_CHARS,
    CONTEXT_TOTAL_CHARS,
    DEFAULT_CHAT_MODEL,
    TURN_CHARS,
    PassageOut,
    Text,
)


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
        user = info.data.get("role") == "user"
        if value is None:
            return value
        if isinstance(value, list):
            if len(value) > 100:
                raise ValueError("at most 100 content parts")
            other = [p.type for p in value if p.type != "text"]
            if user and other:
                raise ValueError(f"only text content is supported, not {other[0]!r}")
        size = len(value) if isinstance(value, str) else sum(len(p.text or "") for p in value)
        if user and size > TURN_CHARS:  # which message is the question is not known here: both limits said
            raise ValueError(f"a user message has at most {TURN_CHARS} characters (the question, the last one, "
                             f"at most {QUESTION_CHARS})")
        if size > CONTEXT_CHARS:
            raise ValueError(f"a message has at most {CONTEXT_CHARS} characters")
        return value

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content)  # parts are separate: "Rome" + "bao lâu"
        return self.content or ""


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: StrictBool | None = None  # true or false, as `stream`: not "yes" or 1


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; the last user message is the question, earlier ones the conversation.

    Any ``model`` is accepted ("qa-lexical" asks for lexical retrieval); sampling
    parameters (temperature, max_tokens, ...) are accepted and ignored: answers are
    extracted sentences, not generated text.
    """

    model_config = ConfigDict(extra="allow")
    model: str = Field(DEFAULT_CHAT_MODEL, max_length=256)
    messages: list[ChatMessage] = Field(min_length=1, max_length=CHAT_MESSAGES)
    stream: bool | None = Field(False, strict=True, description="A JSON boolean (null: false)")
    stream_options: StreamOptions | None = None
    n: int | None = Field(None, ge=1, le=1, strict=True, description="Choices: only 1 (one extracted answer per question)")
    tool_choice: str | dict[str, Any] | None = Field(None, description="'auto' or 'none': no tool is ever called")
    function_call: str | dict[str, Any] | None = Field(None, description="Legacy tool_choice: 'auto' or 'none'")
    k: int | None = Field(None, ge=1, le=K_MAX, strict=True, description="Extension: passages to cite (default QA_K)")
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

    @field_validator("tool_choice", "function_call")
    @classmethod
    def _no_tool_required(cls, value: Any, info: ValidationInfo) -> Any:
        """'auto' lets the model answer without a tool, which it always does; anything else ('required',
        a named function, a misspelling) asks for what cannot happen."""
        if value not in (None, "auto", "none"):
            raise ValueError(f"this server answers from its articles and calls no tools; send {info.field_name} "
                             f"'auto' or 'none', or leave it out (not {value!r})")
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
