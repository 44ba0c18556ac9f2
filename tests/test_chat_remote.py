"""`qa chat --url` against servers that misbehave, and the chat loop's own refusals: one clear line each,
never a traceback (the good server is tests/test_e2e_openai.py)."""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rich.console import Console

from cli_support import run
from qa.answers import Answer
from qa.chat import ChatLoop, RemoteQA, server_root
from qa.config import Settings
from qa.errors import QAError

READY = {"ready": True, "documents": 5, "mode": "lexical"}


class Stub:
    """A loopback HTTP server answering each path with a fixed (status, JSON body); it records the paths asked."""

    def __init__(self, routes: dict[str, tuple[int, object]]) -> None:
        self.routes, self.asked = routes, []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                stub.asked.append(self.path)
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                status, body = stub.routes.get(self.path, (404, {"detail": "Not Found"}))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub({"/readyz": (200, READY)})
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def one_line_error(result, *said: str) -> None:  # noqa: ANN001
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for text in said:
        assert text in " ".join(result.stderr.split()), result.stderr


@pytest.mark.parametrize(("url", "said"), [
    ("http://[bad", "is not a URL"),
    ("http://127.0.0.1:abc", "has an invalid port"),
    ("http://127.0.0.1:99999", "has an invalid port"),
    ("http://", "names no host"),
    ("ftp://127.0.0.1:8000", "expected http://HOST:PORT"),
    ("http://127.0.0.1:0", "has an invalid port"),
    ("http://user:secret@127.0.0.1:8000", "a user or password in the URL is not used"),
])
def test_a_url_no_request_could_use_is_a_usage_error(url: str, said: str) -> None:
    one_line_error(run("chat", "--url", url, input="/quit\n"), "--url", said)


@pytest.mark.parametrize("key", ["khóa-bí-mật", "abc\ndef", "two words"])
def test_an_api_key_no_header_can_carry_is_a_usage_error(stub: Stub, key: str) -> None:
    one_line_error(run("chat", "--url", stub.url, "--api-key", key, input="/quit\n"), "--api-key", "ASCII")
    assert stub.asked == []  # refused before anything was sent


def test_an_openai_style_base_url_is_accepted() -> None:
    assert server_root("http://host:8000/v1/") == "http://host:8000"
    assert server_root(" https://example.org/qa/ ") == "https://example.org/qa"


def test_a_server_that_is_not_qa_is_reported_in_one_line(stub: Stub) -> None:
    stub.routes["/readyz"] = (200, [1, 2, 3])
    one_line_error(run("chat", "--url", stub.url, input="/quit\n"), "did not answer with a JSON object")


def test_an_answer_of_another_shape_is_an_error_line_and_the_chat_goes_on(stub: Stub) -> None:
    stub.routes["/v1/ask"] = (200, {"question": "q", "passages": [{"rank": 1, "doc_id": "x"}]})
    result = run("chat", "--url", stub.url + "/v1", input="Who met in Rome?\n/k 2\n/quit\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "did not answer with a qa answer" in out and "k = 2" in out
    assert stub.asked == ["/readyz", "/v1/ask"]


def test_a_404_hints_at_the_server_root(stub: Stub) -> None:
    one_line_error(run("chat", "--url", stub.url + "/api", input="/quit\n"), "answered 404", "give the server's root")


def test_questions_are_refused_as_the_http_api_refuses_them(stub: Stub) -> None:
    long = "Rome " * 400 + "x"  # 2001 characters
    result = run("chat", "--url", stub.url, input=f"{long}\n/foo\n/sources 1\n/k ²\n/sources ²\n/help\n/quit\n")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "error: the question is 2001 characters long; at most 2000" in out
    assert "error: unknown command /foo" in out and "error: no answer yet" in out
    assert "error: /k takes a number of passages from 1 to 50, not '²'" in out
    assert "error: /sources needs the number of a passage" in out
    assert "secret" not in out
    assert stub.asked == ["/readyz"]  # nothing was sent for them


class _Scripted:
    """An Asker whose first question is interrupted (Ctrl-C while answering)."""

    settings = Settings()

    def __init__(self) -> None:
        self.calls = 0

    def ask(self, question: str, **kw: object) -> Answer:
        self.calls += 1
        if self.calls == 1:
            raise KeyboardInterrupt
        raise QAError("second question reached the service")


def test_ctrl_c_cancels_the_answer_or_the_line_and_the_chat_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = iter([KeyboardInterrupt, "first question", "second question", EOFError])

    def fake_input(prompt: str = "") -> str:
        item = next(lines)
        if isinstance(item, type):
            raise item
        return item

    monkeypatch.setattr("builtins.input", fake_input)
    console = Console(record=True, width=200)
    asker = _Scripted()
    ChatLoop(asker, console).run()  # type: ignore[arg-type]
    said = console.export_text()
    assert asker.calls == 2 and "cancelled" in said and "second question reached the service" in said


def test_remote_qa_refuses_bad_options_without_sending() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        RemoteQA("http://127.0.0.1:1", api_key="khóa")


class _Loading:
    """An Asker whose first answer is busy (loading the model, say) when Ctrl-C comes."""

    settings = Settings()

    def __init__(self) -> None:
        self.calls = 0
        self.busy = threading.Event()
        self.go_on = threading.Event()
        self.finished = threading.Event()

    def ask(self, question: str, **kw: object) -> Answer:
        self.calls += 1
        if self.calls == 1:
            self.busy.set()
            self.go_on.wait(10)
            self.finished.set()  # reached only if Ctrl-C did not land in the middle of this
            raise QAError("the first answer is dropped, never shown")
        raise QAError("second question reached the service")


def test_ctrl_c_stops_the_wait_never_the_answers_own_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Interrupted inside `import torch`, the next question crashed the process: Ctrl-C now only stops the
    chat's wait, and the cancelled answer runs to its end in the background."""
    lines = iter(["first question", "second question", EOFError])
    prompted_again = threading.Event()  # the chat is back at its prompt: the Ctrl-C was handled

    def fake_input(prompt: str = "") -> str:
        item = next(lines)
        if item == "second question":
            prompted_again.set()
        if isinstance(item, type):
            raise item
        return item

    asker = _Loading()
    main = threading.get_ident()

    def press_ctrl_c() -> None:
        asker.busy.wait(10)
        signal.pthread_kill(main, signal.SIGINT)
        prompted_again.wait(10)  # not a fixed delay: on a loaded machine the signal may take longer to land
        asker.go_on.set()

    monkeypatch.setattr("builtins.input", fake_input)
    # Python's own Ctrl-C handler, whatever pytest inherited: a shell's background job starts with SIGINT
    # ignored, and then the signal would never reach the chat
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    console = Console(record=True, width=200)
    threading.Thread(target=press_ctrl_c, daemon=True).start()
    try:
        ChatLoop(asker, console).run()  # type: ignore[arg-type]
    finally:
        signal.signal(signal.SIGINT, previous)
    said = console.export_text()
    assert asker.finished.wait(10)
    assert "cancelled" in said and "second question reached the service" in said
    assert "dropped" not in said
