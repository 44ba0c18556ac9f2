"""One pydantic-settings object: every knob, read from QA_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
Mode = Literal["hybrid", "dense", "lexical"]
DEFAULT_MAX_FILE_BYTES = 5_000_000
# what the chat page suggests before the first question: answered by the bundled seeds (QA_EXAMPLE_QUESTIONS)
EXAMPLE_QUESTIONS = ("Ai đã gặp nhau tại Rome?", "Cuộc gặp ở Rome kéo dài bao lâu?",
                     "Mỹ muốn Trung Quốc hợp tác chống khủng bố thế nào?")
JSON_ESCAPING = 3  # json.dumps writes a 2-byte UTF-8 character as \uXXXX: 6 bytes (a 4-byte one: 12 bytes)
JSON_AROUND_TEXT = 65_536  # a posted document's other fields: 3,000 characters of metadata, escaped, and the keys


def _xdg(variable: str, *default: str) -> Path:
    return Path(os.environ.get(variable) or os.path.join(Path.home(), *default)) / "qa"


def default_data_dir() -> Path:
    """The index: $XDG_DATA_HOME/qa (~/.local/share/qa). Nothing else is kept in QA_DATA_DIR, so a
    snapshot can be restored into it once the index is moved away."""
    return _xdg("XDG_DATA_HOME", ".local", "share")


def cache_dir() -> Path:
    """What can be rebuilt (exported encoder graphs, `qa eval`'s indexes): $XDG_CACHE_HOME/qa (~/.cache/qa)."""
    return _xdg("XDG_CACHE_HOME", ".cache")


def state_dir() -> Path:
    """What a user would miss but is not the index (`qa chat`'s line history): $XDG_STATE_HOME/qa."""
    return _xdg("XDG_STATE_HOME", ".local", "state")


def default_request_bytes(max_file_bytes: int) -> int:
    """Room for a posted document of QA_MAX_FILE_BYTES of UTF-8 however its JSON is escaped: ``json.dumps``'s
    default (``ensure_ascii``) triples a text of 2-byte characters (4.5 MB of Vietnamese is 6.75 MB on the wire),
    and its metadata and the keys come on top. One limit to raise, not two to keep in step."""
    return JSON_ESCAPING * max_file_bytes + JSON_AROUND_TEXT


def _local_model_path(name: str) -> str:
    """A model folder as an absolute path (links kept, not resolved: a link repointed at another model is
    caught by its dimension): the index records the model by this name, and "model", "./model/" and
    "/srv/model" are one model, not a reason to `qa reindex`. A hub id that is not a local folder stays as it is."""
    try:
        path = os.path.expanduser(name)
        return os.path.abspath(path) if os.path.isdir(path) else name
    except (OSError, ValueError, RuntimeError):  # no home folder for "~user", a NUL in the name
        return name


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the index lives")
    model: str = Field(default=DEFAULT_MODEL, description="Hub id or local directory of a sentence-transformers model")
    reranker: str | None = Field(default=None, description="Optional cross-encoder (hub id or local dir) reranking the top passages")
    backend: Literal["auto", "torch", "onnx", "onnx-int8", "openvino"] = Field(
        default="auto", description="Encoder inference backend (auto: ONNX Runtime when installed, else torch)")
    query_prefix: str | None = Field(default=None, description="Override the query prompt (e5: 'query: ')")
    passage_prefix: str | None = Field(default=None, description="Override the passage prompt (e5: 'passage: ')")
    chunk_tokens: int = Field(default=400, ge=32, le=2048, description="Target chunk size in model tokens")
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)
    batch_size: int = Field(default=32, ge=1, le=1024)
    batch_wait_ms: float = Field(default=2.0, ge=0.0, le=100.0, allow_inf_nan=False, description="How long a question waits for others to share an encoder call")
    query_batch: int = Field(default=1, ge=1, le=256, description="Most questions per encoder call (1: concurrent questions "
                             "encode side by side, one per core, the fastest measured on CPU)")
    k: int = Field(default=5, ge=1, le=50)
    mode: Mode = "hybrid"
    abstain_threshold: float = Field(default=0.5, ge=0.0, le=1.0, allow_inf_nan=False, description="Abstain below this confidence (a calibrated probability)")
    model_load_timeout: float = Field(default=3.0, ge=0.1, le=3600.0, allow_inf_nan=False, description="Seconds to wait for the hub before falling back")
    max_file_bytes: int = Field(default=DEFAULT_MAX_FILE_BYTES, ge=1, description="Larger input files are rejected")

    # HTTP server (`qa serve`); lists are comma-separated in the environment
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Keys accepted on read endpoints; unset = reads are open")
    admin_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Keys accepted on document writes (and reads)")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS ('*' for any); none by default")
    rate_limit_per_minute: int = Field(default=120, ge=0, description="Requests per minute per key (or client IP); 0 disables")
    max_concurrency: int = Field(default_factory=lambda: 2 * (os.cpu_count() or 1), ge=1,
                                 description="Questions answered at once, per process (default: twice the CPU "
                                             "cores, so one question's Python work overlaps another's encoding); "
                                             "more wait")
    workers: int = Field(default=1, ge=1, le=64, description="Server processes behind the port (`qa serve`); each loads the "
                         "model and the index itself, rate limits and metrics are shared")
    max_request_bytes: int | None = Field(default=None, ge=1024,  # None: set from max_file_bytes (_request_room)
                                   description="Larger request bodies get 413 (default: 3 x QA_MAX_FILE_BYTES + 64 KiB, "
                                               "room for a document of that size however its JSON is escaped)")
    access_log: bool = Field(default=True, description="One log line per HTTP request (uvicorn's access log)")
    example_questions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(EXAMPLE_QUESTIONS), max_length=6,
        description="Questions the chat page offers before the first one (about the bundled seeds by default); "
                    "separated by '|' in the environment, empty for none")

    @model_validator(mode="after")
    def _request_room(self) -> "Settings":
        if self.max_request_bytes is None:  # not given: room for a document of max_file_bytes (default_request_bytes)
            self.max_request_bytes = default_request_bytes(self.max_file_bytes)
        return self

    @field_validator("api_keys", "admin_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not parts and info.field_name != "cors_origins":
                # set but empty (QA_ADMIN_KEYS="$UNSET_VARIABLE", a stray comma) must not mean "open"
                raise ValueError("is set but lists no key; unset it to leave these endpoints open, "
                                 "or give keys separated by commas")
            return parts
        return value

    @field_validator("model", "reranker", mode="before")
    @classmethod
    def _path_as_text(cls, value: object) -> object:
        return os.fspath(value) if isinstance(value, os.PathLike) else value  # Settings(model=Path(folder))

    @field_validator("example_questions", mode="before")
    @classmethod
    def _bar_separated(cls, value: object) -> object:
        return [part.strip() for part in value.split("|") if part.strip()] if isinstance(value, str) else value

    @field_validator("example_questions")
    @classmethod
    def _one_line_each(cls, value: list[str]) -> list[str]:
        for question in value:
            if not question.strip() or len(question) > 200 or "\n" in question:
                raise ValueError(f"an example question is one line of 1-200 characters, not {question[:40]!r}")
        return value

    @field_validator("model")
    @classmethod
    def _model_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(f"is empty; unset it for the default ({DEFAULT_MODEL}) or name a model "
                             "(a hub id or a local folder)")
        return _local_model_path(value)

    @field_validator("data_dir", mode="before")
    @classmethod
    def _folder(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError(f"is empty; unset it for the default ({default_data_dir()}) or name a folder")
            try:
                return Path(value).expanduser()  # "~/qa" from a unit file or a quoted string
            except RuntimeError as exc:  # "~nosuchuser/qa", or no home folder at all
                raise ValueError(f"{value} cannot be used ({exc})") from None
        return value

    @field_validator("data_dir")
    @classmethod
    def _not_a_file(cls, value: Path) -> Path:
        try:
            is_file = value.exists() and not value.is_dir()
            # the nearest part of the path that exists: a file there ("/etc/passwd/qa") means no folder can ever be
            # made, and the index would look empty rather than impossible
            above = next((a for a in value.absolute().parents if a.exists()), None) if not value.exists() else None
        except OSError as exc:  # a name too long, a folder this user cannot enter
            raise ValueError(f"{value} cannot be used ({exc.strerror or exc})") from None
        if is_file:
            raise ValueError(f"{value} is a file, not a folder")
        if above is not None and not above.is_dir():
            raise ValueError(f"{value} cannot be made: {above} is a file, not a folder")
        return value


def get_settings() -> Settings:
    return Settings()


# QA_* variables read outside Settings: `qa chat --url`'s key, the encoder-graph cache, qa serve's own hand-off,
# and those of the test suite and the benchmarks
OTHER_VARIABLES = frozenset({"QA_API_KEY", "QA_BACKEND_CACHE", "QA_SERVE_STATE", "QA_TEST_CHROMIUM",
                             "QA_TEST_CHROMEDRIVER", "QA_SHARED", "QA_BENCH_TMP"})


def unknown_variables(environ: dict[str, str] | None = None) -> list[str]:
    """One line for each QA_* variable that no setting reads (a typo such as QA_ADMIN_KEY would otherwise
    leave writes open without a word), with the nearest setting's name."""
    import difflib

    known = {"QA_" + name.upper() for name in Settings.model_fields} | OTHER_VARIABLES
    lines = []
    for name in sorted(n for n in (os.environ if environ is None else environ) if n.upper().startswith("QA_")):
        if name.upper() not in known:
            close = difflib.get_close_matches(name.upper(), sorted(known), n=len(known), cutoff=0.8)
            # the same letters in another order first (two swapped, the commonest slip): difflib alone ranks
            # QA_MODEL below QA_MODE for QA_MODLE; QA_MODES is still QA_MODE
            near = next((k for k in close if sorted(k) == sorted(name.upper())), close[0] if close else None)
            lines.append(f"{name} is not a qa setting and is ignored" + (f" (did you mean {near}?)" if near else ""))
    return lines
