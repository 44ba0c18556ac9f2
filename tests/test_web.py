"""The chat page, its assets and the widget: routes, packaging, and no HTML built from server text."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa.config import Settings
from server.app import create_app
from server.web import ASSETS

ROOT = Path(__file__).resolve().parent.parent
STATIC_FILES = ["index.html", "chat.js", "chat.css", "widget.js"]
JS_FILES = ["chat.js", "widget.js"]


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path / "data", mode="lexical")))


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> dict[str, str | None] | None:
        for name, found in self.tags:
            if name == tag and all(found.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                return found
        return None


def test_index_serves_the_chat_page(client: TestClient) -> None:
    res = client.get("/")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in res.headers["content-security-policy"]
    page = _Elements()
    page.feed(res.text)
    # The question box with its label, the send button, the settings, the conversation log, the passage panel.
    assert page.find("form", id="ask-form")
    assert page.find("textarea", id="question")
    assert page.find("label", **{"for": "question"})
    assert page.find("button", id="send", type="submit")
    mode = page.find("select", id="mode")
    assert mode is not None and page.find("label", **{"for": "mode"})
    assert [a.get("value") for t, a in page.tags if t == "option"] == ["hybrid", "dense", "lexical"]
    assert page.find("input", id="k", type="number", min="1", max="50")
    assert page.find("input", id="api-key", type="password") and page.find("label", **{"for": "api-key"})
    assert page.find("div", id="conversation", aria_live="polite")
    assert page.find("aside", id="passage-panel")
    assert page.find("script", src="/static/chat.js")
    assert page.find("link", href="/static/chat.css")


def test_the_example_questions_are_the_settings_escaped(tmp_path: Path) -> None:
    def examples(**settings: object) -> list[str]:
        app = create_app(Settings(data_dir=tmp_path / "data", mode="lexical", **settings))
        res = TestClient(app).get("/")
        assert int(res.headers["content-length"]) == len(res.content)
        return re.findall(r'<button type="button" class="example"[^>]*>(.*?)</button>', res.text)

    assert examples() == ["Ai đã gặp nhau tại Rome?", "Cuộc gặp ở Rome kéo dài bao lâu?",
                          "Mỹ muốn Trung Quốc hợp tác chống khủng bố thế nào?"]  # about the bundled seeds
    assert examples(example_questions=["Who won <b>the</b> match?"]) == ["Who won &lt;b&gt;the&lt;/b&gt; match?"]
    assert examples(example_questions=[]) == []


def test_assets_have_their_types(client: TestClient) -> None:
    js = client.get("/static/chat.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("application/javascript")
    assert "/v1/ask" in js.text
    css = client.get("/static/chat.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for name in ("nope.js", "..%2Fweb.py", "__init__.py", "../app.py"):
        assert client.get(f"/static/{name}").status_code == 404, name


def test_widget_js_is_javascript(client: TestClient) -> None:
    res = client.get("/widget.js")
    assert res.status_code == 200
    assert res.headers["content-type"].split(";")[0] == "application/javascript"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert "currentScript" in res.text and "/v1/ask" in res.text
    assert res.text == client.get("/static/widget.js").text


def test_static_files_are_in_the_installed_package() -> None:
    static = files("server") / "static"
    assert sorted(ASSETS) == sorted(STATIC_FILES)
    for name in STATIC_FILES:
        assert (static / name).is_file(), f"{name} is not in the installed package's server/static/"
        assert (static / name).read_text(encoding="utf-8").strip()


@pytest.mark.slow
def test_wheel_ships_the_static_files_and_the_glossary(tmp_path: Path) -> None:
    """Build a wheel from a copy of the sources (offline, no isolation) and look inside it."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for pkg in ("qa", "embeddings", "server"):
        shutil.copytree(ROOT / pkg, src / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    if proc.returncode != 0 and "No module named" in proc.stderr and "setuptools" in proc.stderr:
        pytest.skip("setuptools is not installed in this environment")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("qa-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in STATIC_FILES:
        assert f"server/static/{name}" in names
    data_files = {path.name for path in (ROOT / "qa" / "data").iterdir() if not path.name.startswith(".")}
    assert {"glossary-en-vi.tsv", "places.txt"} <= data_files  # read by qa/glossary.py, qa/places.py
    for data in data_files:
        assert f"qa/data/{data}" in names


# `x.innerHTML = …`, `x.outerHTML = …`, `insertAdjacentHTML(`, `document.write(`, `eval(`, `new Function(`
_HTML_SINKS = re.compile(
    r"\.(?:inner|outer)HTML\s*\+?=|insertAdjacentHTML\s*\(|document\.write(?:ln)?\s*\(|\beval\s*\(|new\s+Function\s*\("
)


@pytest.mark.parametrize("name", JS_FILES)
def test_js_never_builds_html_from_strings(name: str) -> None:
    """Server and user text go in with textContent / DOM nodes only: no HTML-parsing sinks at all."""
    code = (files("server") / "static" / name).read_text(encoding="utf-8")
    assert not _HTML_SINKS.findall(code), f"{name} uses an HTML sink: {_HTML_SINKS.findall(code)}"
    assert "textContent" in code


def test_page_has_no_inline_script_or_handlers(client: TestClient) -> None:
    """The CSP forbids inline code, so the page must not rely on any."""
    page = _Elements()
    page.feed(client.get("/").text)
    for tag, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src"), "inline <script> would be blocked by the page's CSP"


def test_page_and_assets_answer_head(client: TestClient) -> None:
    """`curl -I` (and link checkers, uptime probes) get the headers a GET would, not 405."""
    for path in ("/", "/widget.js", "/static/chat.js", "/static/chat.css"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == 200, path
        assert head.headers["content-type"] == get.headers["content-type"], path
        assert head.content == b"", path
