"""The browser tests' fixtures: a real `qa serve` (lexical fallback, API keys, CORS for a second
origin), a headless Chromium, a host site on that second origin embedding the widget, and the page
actions the tests share."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from api_support import free_port, stop, wait_until_answering
from browser_support import CHROMEDRIVER, CHROMIUM, WAIT, _post, _require_browser, _wait

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "test-artifacts"
QUESTION = "Ai đã gặp nhau tại Rome?"
FOLLOW_UP = "Cuộc gặp kéo dài bao lâu?"
XSS = "<img src=x onerror=alert(1)>"
UNANSWERABLE = "Dân số Brazil là bao nhiêu?"
PAGE_KEY = "page-key-123"  # the server requires a key (QA_API_KEYS): the page's field and the widget's tag send them
WIDGET_KEY = "widget-key-456"


class Server:
    def __init__(self, base: str, page_origin: str, log: Path) -> None:
        self.base = base
        self.page_origin = page_origin
        self.log = log

    def ask(self, question: str, **kw: Any) -> dict[str, Any]:
        return _post(self.base + "/v1/ask", {"question": question, **kw}, {"Authorization": f"Bearer {PAGE_KEY}"})


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`qa ingest seeds` then `qa serve` as real subprocesses, lexical fallback (no model)."""
    _require_browser()
    yield from serve(tmp_path_factory.mktemp("browser-server"), ingest=True)


def serve(base: Path, *, ingest: bool, env: dict[str, str] | None = None) -> Iterator[Server]:
    """`qa serve` over an index in ``base`` (the seeds ingested first, or none), keys and CORS as above."""
    port, page_port = free_port(), free_port()
    page_origin = f"http://127.0.0.1:{page_port}"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "HF_", "SENTENCE_TRANSFORMERS"))}
    environ.update({
        "QA_DATA_DIR": str(base / "data"),
        "QA_MODEL": str(base / "no-such-model"),  # -> lexical fallback with a notice
        "HF_HOME": str(base / "hf"),
        "HF_HUB_OFFLINE": "1",
        "QA_CORS_ORIGINS": page_origin,
        "QA_API_KEYS": f"{PAGE_KEY},{WIDGET_KEY}",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    })
    cli = [sys.executable, "-m", "qa.cli"]
    if ingest:
        done = subprocess.run([*cli, "ingest", str(SEEDS)], cwd=ROOT, env=environ, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
    log = base / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(proc, url, log, path="/healthz")
        yield Server(url, page_origin, log)
    finally:
        stop(proc, timeout=10)


@pytest.fixture(scope="module")
def driver(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,860", "--lang=en-US",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    drv.set_page_load_timeout(WAIT)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        yield drv
    finally:
        drv.quit()


def _open_chat(drv: Any, server: Server, key: str | None = PAGE_KEY) -> None:
    """Load the chat page with `key` in the API key field (as if typed earlier: it is kept in localStorage)."""
    from selenium.webdriver.common.by import By

    drv.get(server.base + "/")
    drv.execute_script("localStorage.clear(); if (arguments[0]) localStorage.setItem('qa.apiKey', arguments[0]);", key)
    drv.refresh()
    _wait(drv, lambda d: d.find_element(By.ID, "question").is_displayed(), "the page did not load")
    assert drv.find_element(By.ID, "api-key").get_attribute("value") == (key or "")


def _ask_on_page(drv: Any, question: str) -> Any:
    """Type the question, press Enter, wait for the answer; return the newest assistant message."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(drv.find_elements(By.CSS_SELECTOR, "#conversation .msg-assistant"))
    box = drv.find_element(By.ID, "question")
    box.click()
    box.clear()  # a question that got no answer is put back in the box
    box.send_keys(question)
    box.send_keys(Keys.ENTER)

    def done(d: Any) -> Any:
        msgs = d.find_elements(By.CSS_SELECTOR, "#conversation .msg-assistant")
        if len(msgs) > before and msgs[-1].get_attribute("aria-busy") is None:
            return msgs[-1]
        return False

    return _wait(drv, done, f"no answer to {question!r} within {WAIT} s")



# ---------- the widget on another origin ----------

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A news site</title>
<style>body {{ font-family: Georgia, serif; margin: 40px auto; max-width: 720px; color: #333; }}
h1 {{ font-size: 30px; }} p {{ line-height: 1.7; }}</style></head>
<body><h1>Morning briefing</h1>
<p>An ordinary page on another origin. The chat bubble in the corner comes from one script tag.</p>
<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.</p>
<script src="{server}/widget.js" data-api-key="{key}" data-title="Ask the news"></script>
</body></html>
"""


# A site that allows no inline style (CSP style-src 'self') and embeds the widget without a key.
STRICT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A strict news site</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {server}; connect-src 'self' {server}; style-src 'self'">
</head>
<body><h1>Strict briefing</h1><p>No inline styles allowed here.</p>
<script src="{server}/widget.js" data-title="Ask the news"></script>
</body></html>
"""


# A page whose questions to qa never get an answer (a stuck server); the widget gives up after 0.8 s.
SILENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A page with a stuck server</title></head>
<body><h1>Stuck</h1>
<script>
  const f = window.fetch;
  window.fetch = (url, opts) => !String(url).includes('/v1/ask') ? f(url, opts) : new Promise((resolve, reject) =>
    opts.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
</script>
<script src="{server}/widget.js" data-api-key="{key}" data-timeout-ms="800"></script>
</body></html>
"""


@pytest.fixture(scope="module")
def host_page(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static page on a second origin (another loopback port) that embeds the widget (and strict.html
    beside it: the STRICT_PAGE)."""
    root = tmp_path_factory.mktemp("host-site")
    (root / "index.html").write_text(HOST_PAGE.format(server=server.base, key=WIDGET_KEY), encoding="utf-8")
    (root / "strict.html").write_text(STRICT_PAGE.format(server=server.base), encoding="utf-8")
    (root / "silent.html").write_text(SILENT_PAGE.format(server=server.base, key=WIDGET_KEY), encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    port = int(server.page_origin.rsplit(":", 1)[1])
    httpd = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.page_origin + "/index.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _cors_allows(server: Server) -> bool:
    req = urllib.request.Request(server.base + "/v1/ask", method="OPTIONS", headers={
        "Origin": server.page_origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    })
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.headers.get("access-control-allow-origin") in (server.page_origin, "*")
    except urllib.error.HTTPError:
        return False
