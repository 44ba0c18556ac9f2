"""Where a hub model would come from, and whether it can: offline flags, hub address, a bounded reachability probe.

Split out of ``embeddings/encoder.py``; the encoder and the cross-encoder load through these.
"""

from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit

DEFAULT_ENDPOINT = "https://huggingface.co"
_TRUE = {"1", "ON", "YES", "TRUE"}


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason_from(exc: BaseException) -> str:
    msg = _one_line(str(exc))
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().upper() in _TRUE


def hub_offline() -> bool:
    """HF_HUB_OFFLINE (or the legacy TRANSFORMERS_OFFLINE) as set *now*, not at import time."""
    return _env_true("HF_HUB_OFFLINE") or _env_true("TRANSFORMERS_OFFLINE")


def hub_address() -> tuple[str, int]:
    """(host, port) of the hub: HF_ENDPOINT's when set, else huggingface.co:443."""
    endpoint = os.environ.get("HF_ENDPOINT", "").strip() or DEFAULT_ENDPOINT
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    parts = urlsplit(endpoint)
    host = parts.hostname or "huggingface.co"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is None:
        port = 80 if parts.scheme == "http" else 443
    return host, port


def hub_reachable(timeout: float) -> bool:
    """DNS + TCP connect to the hub within ``timeout`` seconds.

    Done in a daemon thread joined with a timeout: ``getaddrinfo`` ignores socket timeouts
    and can block far longer on a broken resolver; an abandoned probe cannot keep us alive.
    """
    host, port = hub_address()
    result: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except Exception:  # noqa: BLE001 - any failure means "unreachable"
            result.append(False)

    thread = threading.Thread(target=probe, name="qa-hub-probe", daemon=True)
    thread.start()
    thread.join(max(0.0, timeout))
    return bool(result) and result[0]


def _cache_folder() -> str | None:
    """The HF cache as the environment says *now* (huggingface_hub freezes it at import)."""
    for var in ("SENTENCE_TRANSFORMERS_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return os.environ[var]
    if os.environ.get("HF_HOME"):
        return os.path.join(os.environ["HF_HOME"], "hub")
    return None


def _looks_like_path(name: str) -> bool:
    return (
        os.path.isabs(name)
        or name.startswith(("./", "../", "~", ".\\", "..\\"))
        or name.count("/") > 1
        or (os.sep == "\\" and "\\" in name)
    )
