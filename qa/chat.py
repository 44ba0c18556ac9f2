"""`qa chat`: a REPL with line editing, history, follow-ups and numbered citations.

The loop talks to a local ``QAService`` or, with ``qa chat --url``, to a remote
server through ``RemoteQA`` (POST /v1/ask with the conversation): same answers,
same rendering.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import queue
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from rich.console import Console
from rich.text import Text

from qa.answers import Answer, Highlight, Passage
from qa.config import Mode, Settings, state_dir
from qa.errors import QAError
from qa.limits import K_MAX, MODES, question_problem
from qa.render import print_answer, print_passage

HELP = ("/sources N  show passage N in full · /k N  passages per answer · /mode hybrid|dense|lexical · "
        "/clear  forget the conversation · /help · /quit or Ctrl-D  leave")


def _enable_line_editing(history_file: str) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    try:
        readline.read_history_file(history_file)
    except OSError:
        pass
    readline.set_history_length(1000)
    import atexit

    atexit.register(lambda: _save_history(readline, history_file))


def _save_history(readline, history_file: str) -> None:  # noqa: ANN001
    try:
        readline.write_history_file(history_file)
    except OSError:
        pass


class Asker(Protocol):
    settings: Settings

    def ask(self, question: str, *, k: int | None = None, mode: Mode | None = None,
            history: list[str] | None = None) -> Answer: ...


class RemoteError(QAError):
    """The server could not be reached or refused the request (the message says which and why)."""


class BadOption(ValueError):
    """A --url or --api-key no request could carry (``option`` names which)."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(message)


HISTORY_SENT = 40  # the server accepts at most 40 history turns
READY_TIMEOUT = 10.0  # seconds for the first contact: a server that does not answer /readyz is reported soon


def server_root(url: str) -> str:
    """The server's root URL from what a user typed (BadOption, one line, when no request could use it).
    An OpenAI-style base URL (``http://host:8000/v1``) is accepted: the chat asks ``/v1/ask`` below it."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError as exc:  # "http://[bad": Invalid IPv6 URL
        raise BadOption("--url", f"{url!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise BadOption("--url", f"expected http://HOST:PORT or https://..., not {url!r}")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number from 0 to 65535
    except ValueError:
        raise BadOption("--url", f"{url!r} has an invalid port (a number from 1 to 65535)") from None
    if parts.port == 0:
        raise BadOption("--url", f"{url!r} has an invalid port (a number from 1 to 65535)")
    if not parts.hostname:
        raise BadOption("--url", f"{url!r} names no host (e.g. http://127.0.0.1:8000)")
    if parts.username is not None or parts.password is not None:  # never echoed in banners and errors
        raise BadOption("--url", "a user or password in the URL is not used: give the key with --api-key or QA_API_KEY")
    path = parts.path.rstrip("/")
    path = path.removesuffix("/v1")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _number(text: str) -> bool:
    """ASCII digits only ("²" and "٣" are digits to str.isdigit, and int() refuses the first)."""
    return text.isascii() and text.isdigit()


def _header_safe(value: str) -> bool:
    return all(33 <= ord(ch) <= 126 for ch in value)


def _build(cls: type, data: dict[str, Any], **nested: Any) -> Any:
    """A dataclass from JSON, ignoring fields this client does not know (a newer server)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names}, **nested)


def answer_from_json(data: dict[str, Any]) -> Answer:
    passages = [
        _build(Passage, {k: v for k, v in p.items() if k != "highlight"}, highlight=_build(Highlight, p["highlight"]))
        for p in data.get("passages", [])
    ]
    return _build(Answer, {k: v for k, v in data.items() if k != "passages"}, passages=passages)


class RemoteQA:
    """``QAService.ask`` over HTTP: POST {url}/v1/ask with the earlier questions as history."""

    def __init__(self, url: str, *, api_key: str | None = None, timeout: float = 120.0,
                 settings: Settings | None = None) -> None:
        """BadOption (one line) for a URL or key no request could carry; nothing is sent yet."""
        self.url = server_root(url)
        if api_key and not _header_safe(api_key):
            raise BadOption("--api-key", "the API key must be ASCII letters, digits and punctuation (no spaces, "
                            "accents or line breaks)")
        self.api_key = api_key
        self.timeout = timeout
        self.settings = settings or Settings()  # local: only where the line-editing history is kept

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None, *,
                 timeout: float | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")  # questions are checked before (qa.limits)
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310 - a URL the user gave
                raw = response.read()
        except urllib.error.HTTPError as exc:
            hint = " (give the server's root, e.g. http://host:8000)" if exc.code == 404 else ""
            raise RemoteError(f"{self.url} answered {exc.code}: {_error_message(exc)}{hint}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise RemoteError(f"cannot reach {self.url}: {reason}") from None
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except ValueError as exc:
            raise RemoteError(f"{self.url} did not answer with JSON ({exc})") from None
        if not isinstance(parsed, dict):
            raise RemoteError(f"{self.url} did not answer with a JSON object: is it a qa server?")
        return parsed

    def readiness(self) -> dict[str, Any]:
        """GET /readyz (a server that is up but not ready answers 503 with the reason)."""
        try:
            return self._request("GET", "/readyz", timeout=READY_TIMEOUT)
        except RemoteError as exc:
            if " answered 503: " in str(exc):
                return {"ready": False, "reason": str(exc).split(" answered 503: ", 1)[1]}
            raise

    def ask(self, question: str, *, k: int | None = None, mode: Mode | None = None,
            history: list[str] | None = None) -> Answer:
        body: dict[str, Any] = {"question": question,
                                "history": [{"role": "user", "content": h} for h in (history or [])][-HISTORY_SENT:]}
        if k is not None:
            body["k"] = k
        if mode is not None:
            body["mode"] = mode
        data = self._request("POST", "/v1/ask", body)
        try:
            return answer_from_json(data)
        except (KeyError, TypeError, AttributeError) as exc:
            raise RemoteError(f"{self.url} did not answer with a qa answer ({type(exc).__name__}: {exc}); "
                              "is it a qa server of this version?") from None


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(exc.read().decode("utf-8"))
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if body.get("reason"):
            return str(body["reason"])
        return str(body.get("detail") or body)
    except Exception:  # noqa: BLE001 - any body: fall back to the status text
        return str(exc.reason)


class ChatLoop:
    def __init__(self, service: Asker, console: Console, *, k: int | None = None, mode: Mode | None = None) -> None:
        self.service = service
        self.console = console
        self.k = k  # None: the service's default (QA_K here, or the server's)
        self.mode: Mode | None = mode
        self.history: list[str] = []
        self.last: Answer | None = None
        self._shown_notice: str | None = None  # the fallback notice is shown once, not on every answer

    def run(self) -> None:
        history = state_dir()  # not in QA_DATA_DIR: that folder is the index alone
        try:
            history.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # no line history kept; the chat works the same
        _enable_line_editing(str(history / "chat_history"))
        self.console.print(Text(f"Ask about the indexed articles. {HELP}", style="dim"))
        piped = not sys.stdin.isatty()  # nothing echoes what is read: the transcript would lack the questions
        while True:
            try:
                line = input("? ")
                if piped:
                    print(line, flush=True)
                line = line.strip()
            except EOFError:  # Ctrl-D: leave
                self.console.print()
                return
            except KeyboardInterrupt:  # Ctrl-C: drop the line being typed, as a shell does
                self.console.print()
                continue
            if not line:
                continue
            if line.startswith("/"):
                if not self.command(line):
                    return
                continue
            problem = question_problem(line)
            if problem:
                self._refuse(problem)
                continue
            try:
                with self.console.status("answering…"):  # a spinner on a terminal, nothing when piped
                    answer = self._answer(line)
            except QAError as exc:
                self._refuse(str(exc))
                continue
            except KeyboardInterrupt:  # Ctrl-C while answering: that question is dropped, the chat goes on
                self.console.print(Text("cancelled", style="dim"))
                continue
            self.last = answer
            self.history.append(line)
            try:
                print_answer(self.console, self.last, excerpt=240, notice=self.last.notice != self._shown_notice)
            except KeyboardInterrupt:  # Ctrl-C while a long answer prints: the rest is skipped, the chat goes on
                self.console.print()
            self._shown_notice = self.last.notice

    def _answer(self, line: str) -> Answer:
        """``service.ask`` on a thread of its own, waited for here: Ctrl-C stops the wait, never the answer's
        own work. Interrupted half-way through loading the model (``import torch``), the next question would
        import a half-initialised module again, and that crashed the process (a segmentation fault). A
        cancelled answer finishes in the background and is dropped."""
        box: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=1)
        history = list(self.history)

        def run() -> None:
            try:
                box.put((True, self.service.ask(line, k=self.k, mode=self.mode, history=history)))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, raised there
                box.put((False, exc))

        threading.Thread(target=run, name="qa-chat-answer", daemon=True).start()
        ok, value = box.get()
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def command(self, line: str) -> bool:
        """Run a slash command; False means quit."""
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/clear":
            self.history.clear()
            self.last = None
            self.console.print(Text("conversation cleared", style="dim"))
        elif name == "/k" and _number(arg) and 1 <= int(arg) <= K_MAX:
            self.k = int(arg)
            self.console.print(Text(f"k = {self.k}", style="dim"))
        elif name == "/k":
            self._refuse(f"/k takes a number of passages from 1 to {K_MAX}, not {arg!r}" if arg else "/k needs a number: /k 5")
        elif name == "/mode" and arg in MODES:
            self.mode = arg  # type: ignore[assignment]
            self.console.print(Text(f"mode = {self.mode}", style="dim"))
        elif name == "/mode":
            self._refuse(f"/mode is one of {', '.join(MODES)}" + (f", not {arg!r}" if arg else ""))
        elif name == "/sources" and _number(arg):
            self.show_source(int(arg))
        elif name == "/sources":
            self._refuse("/sources needs the number of a passage of the last answer: /sources 1")
        elif name in ("/help", "/?"):
            self.console.print(Text(HELP, style="dim"))
        else:
            self._refuse(f"unknown command {name}; {HELP}")
        return True

    def _refuse(self, message: str) -> None:
        self.console.print(Text(f"error: {message}", style="red"), soft_wrap=True)

    def show_source(self, n: int) -> None:
        if self.last is None or not 1 <= n <= len(self.last.passages):
            self._refuse(f"no source [{n}] in the last answer" if self.last else "no answer yet: ask a question first")
            return
        print_passage(self.console, self.last.passages[n - 1])
