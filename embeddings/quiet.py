"""Keeping the libraries' chatter out of the application's logs while a model loads or is exported."""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def quiet_thread() -> Iterator[None]:
    """Drop what this thread logs below ERROR while exporting (ONNX Runtime's tools log progress and hints on the
    root logger and on loggers of their own), without touching any logger's level: that is the application's, and
    other threads log meanwhile (setting the root logger to ERROR silenced a chatbot's own warnings)."""
    me = threading.get_ident()

    def keep(record: logging.LogRecord) -> bool:
        return record.thread != me or record.levelno >= logging.ERROR

    root = logging.getLogger()
    # with no handler, a module-level logging.warning() (the quantizer's) would run basicConfig: a handler for good,
    # added after the filters; instead one that passes on to Python's last resort, as if there were none
    stand_in = None if root.handlers else _LastResort()
    if stand_in is not None:
        root.addHandler(stand_in)
    handlers = [*root.handlers, *([logging.lastResort] if logging.lastResort else [])]
    for handler in handlers:
        handler.addFilter(keep)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(keep)
        if stand_in is not None:
            root.removeHandler(stand_in)


class _LastResort(logging.Handler):
    """What Python does with a record when no handler is configured: ``logging.lastResort`` (WARNING and up)."""

    def emit(self, record: logging.LogRecord) -> None:
        if logging.lastResort is not None and record.levelno >= logging.lastResort.level:
            logging.lastResort.handle(record)


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' and sentence-transformers' logs below ERROR, the "Loading weights"
    bars and FutureWarnings for the block: load failures are reported as ModelUnavailable."""
    try:
        from transformers.utils import logging as hf_logging
    except Exception:  # noqa: BLE001
        hf_logging = None
    old_verbosity = old_bar = None
    if hf_logging is not None:
        old_verbosity = hf_logging.get_verbosity()
        old_bar = hf_logging.is_progress_bar_enabled()
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    st_logger = logging.getLogger("sentence_transformers")
    old_st_level = st_logger.level
    st_logger.setLevel(max(logging.ERROR, old_st_level))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        st_logger.setLevel(old_st_level)
        if hf_logging is not None:
            hf_logging.set_verbosity(old_verbosity)
            if old_bar:
                hf_logging.enable_progress_bar()
