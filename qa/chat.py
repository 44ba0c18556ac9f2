"""`qa chat`: a REPL with line editing, history, follow-ups and numbered citations.

The loop talks to a local ``QAService`` or, with ``qa chat --url``, to a remote
server through ``RemoteQA`` (POST /v1/ask with the conversation): same answers,
same rendering.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from rich.console import Console
from rich.text import Text

from qa.answers import Answer, Highlight, Passage
from qa.config import Mode, Settings, state_dir
from qa.errors import QAError
from qa.render import print_answer, print_passage

HELP = "/sources N  show passage N in full · /k N  passages per answer · /mode hybrid|dense|lexical · /clear  forget the conversation · /quit"
MODES = ("hybrid", "dense", "lexical")


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


HISTORY_SENT = 40  # the server accepts at most 40 history turns


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
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.settings = settings or Settings()  # local: only where the line-editing history is kept

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - a URL the user gave
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"{self.url} answered {exc.code}: {_error_message(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"cannot reach {self.url}: {reason}") from None
        except ValueError as exc:
            raise RemoteError(f"{self.url} did not answer with JSON ({exc})") from None

    def readiness(self) -> dict[str, Any]:
        """GET /readyz (a server that is up but not ready answers 503 with the reason)."""
        try:
            return self._request("GET", "/readyz")
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
        return answer_from_json(self._request("POST", "/v1/ask", body))


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
        self.console.print(f"[dim]Ask about the indexed articles. {HELP}[/dim]")
        while True:
            try:
                line = input("? ").strip()
            except (EOFError, KeyboardInterrupt):
                self.console.print()
                return
            if not line:
                continue
            if line.startswith("/"):
                if not self.command(line):
                    return
                continue
            try:
                answer = self.service.ask(line, k=self.k, mode=self.mode, history=self.history)
            except QAError as exc:
                self.console.print(Text(f"error: {exc}", style="red"), soft_wrap=True)
                continue
            self.last = answer
            self.history.append(line)
            print_answer(self.console, self.last, excerpt=240, notice=self.last.notice != self._shown_notice)
            self._shown_notice = self.last.notice

    def command(self, line: str) -> bool:
        """Run a slash command; False means quit."""
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        if name in ("/quit", "/exit", "/q"):
            return False
        if name == "/clear":
            self.history.clear()
            self.last = None
            self.console.print("[dim]conversation cleared[/dim]")
        elif name == "/k" and arg.isdigit() and 1 <= int(arg) <= 50:
            self.k = int(arg)
            self.console.print(f"[dim]k = {self.k}[/dim]")
        elif name == "/k":
            self._refuse(f"/k takes a number of passages from 1 to 50, not {arg!r}" if arg else "/k needs a number: /k 5")
        elif name == "/mode" and arg in MODES:
            self.mode = arg  # type: ignore[assignment]
            self.console.print(f"[dim]mode = {self.mode}[/dim]")
        elif name == "/mode":
            self._refuse(f"/mode is one of {', '.join(MODES)}" + (f", not {arg!r}" if arg else ""))
        elif name == "/sources" and arg.isdigit():
            self.show_source(int(arg))
        elif name == "/sources":
            self._refuse("/sources needs the number of a passage of the last answer: /sources 1")
        else:
            self.console.print(f"[dim]{HELP}[/dim]")
        return True

    def _refuse(self, message: str) -> None:
        self.console.print(Text(f"error: {message}", style="red"), soft_wrap=True)

    def show_source(self, n: int) -> None:
        if self.last is None or not 1 <= n <= len(self.last.passages):
            self.console.print(f"[red]no source [{n}] in the last answer[/red]")
            return
        print_passage(self.console, self.last.passages[n - 1])
