"""A model loaded on first use (the encoder, the cross-encoder): at most once, a failure reported once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from qa.errors import ModelUnavailable

T = TypeVar("T")


class LoadOnce(Generic[T]):
    """A model loaded on first use, at most once per service; a failure is reported once and remembered."""

    def __init__(self, load: Callable[[], T], warn: Callable[[str], None]) -> None:
        self._load = load
        self._warn = warn
        self._lock = threading.Lock()
        self._tried = False
        self.value: T | None = None
        self.error: str | None = None

    def get(self) -> T | None:
        with self._lock:
            if not self._tried:
                try:
                    self.value = self._load()
                except ModelUnavailable as exc:
                    self.error = str(exc)
                    self._warn(f"warning: {exc}")
                # anything else (Ctrl-C during the load) leaves it untried: the next question loads it,
                # rather than answering lexically with no word of why
                self._tried = True
            return self.value

    def reset(self) -> None:
        """Forget the model (``QAService.close``): the next ``get`` loads it again."""
        with self._lock:
            self._tried, self.value, self.error = False, None, None
