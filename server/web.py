"""The chat page (GET /), its assets (GET /static/NAME) and the embeddable widget (GET /widget.js).

The files live in ``server/static/`` and ship inside the package (pyproject
``[tool.setuptools.package-data]``). They are served through explicit routes with
a whitelist rather than a StaticFiles mount, so nothing else in the package can be
fetched and every file gets the right type and headers.
"""

from __future__ import annotations

import html
from importlib.resources import files
from importlib.resources.abc import Traversable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from qa.language import detect

router = APIRouter()

STATIC = files("server") / "static"

# name -> media type: the only files that can be fetched.
ASSETS: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "chat.js": "application/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "widget.js": "application/javascript; charset=utf-8",
}

# The page loads only its own script and stylesheet and talks only to this origin;
# no inline script or handler can run even if text were ever parsed as HTML.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def asset_path(name: str) -> Traversable:
    """The packaged file ``server/static/NAME`` (only whitelisted names)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail="Not Found")
    return STATIC / name


def _asset(name: str, *, headers: dict[str, str] | None = None, fill: dict[str, str] | None = None) -> Response:
    """The file as a response; ``fill``: text written in for each placeholder (the page's example questions)."""
    path = asset_path(name)
    if not path.is_file():  # a broken install: say which file is missing
        raise HTTPException(status_code=500, detail=f"static file {name!r} is missing from the installed package")
    base = {
        "Cache-Control": "no-cache",  # revalidate: a new release is picked up at once
        "X-Content-Type-Options": "nosniff",
    }
    if name.endswith(".html"):
        base.update({"Content-Security-Policy": PAGE_CSP, "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"})
    body = path.read_bytes()
    for mark, text in (fill or {}).items():
        body = body.replace(mark.encode(), text.encode())
    return Response(body, media_type=ASSETS[name], headers={**base, **(headers or {})})


EXAMPLES_MARK = "<!--examples: QA_EXAMPLE_QUESTIONS, written in by the server (server/web.py)-->"


@router.get("/", include_in_schema=False)
def index(request: Request) -> Response:
    """The chat page, with the example questions of the settings (none: no list)."""
    examples = _examples(request.app.state.runtime.settings.example_questions)
    return _asset("index.html", fill={EXAMPLES_MARK: examples})


def _examples(questions: list[str]) -> str:
    """The list of example buttons, each question escaped and marked with its language (for screen readers)."""
    if not questions:
        return ""
    items = "".join(f'\n            <li><button type="button" class="example"{_lang(q)}>{html.escape(q)}</button></li>'
                    for q in questions)
    return f'<ul class="examples" aria-label="Example questions">{items}\n          </ul>'


def _lang(question: str) -> str:
    return ' lang="vi"' if detect(question) != "other" else ""  # the page's own language otherwise


@router.get("/widget.js", include_in_schema=False)
def widget() -> Response:
    """The embeddable chat bubble: ``<script src="http://HOST:PORT/widget.js" data-api-key="…"></script>``."""
    # Loaded by other sites' pages: let any origin fetch the script itself (the API keeps its own CORS rules).
    return _asset("widget.js", headers={"Cross-Origin-Resource-Policy": "cross-origin"})


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    """The page's script and stylesheet (and the widget under its static name)."""
    return _asset(name)
