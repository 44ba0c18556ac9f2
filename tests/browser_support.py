"""Helpers for the browser tests: finding Chromium, waiting in the page, watching what it sends."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path
from typing import Any

import pytest

WAIT = 20  # seconds for any one thing to appear


def _find(env: str, *candidates: str) -> str | None:
    for c in (os.environ.get(env), *candidates):
        if c and (Path(c).is_file() or shutil.which(c)):
            return shutil.which(c) or c
    return None


CHROMIUM = _find("QA_TEST_CHROMIUM", "/usr/bin/chromium", "chromium", "chromium-browser")
CHROMEDRIVER = _find("QA_TEST_CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver")


def _require_browser() -> None:
    missing = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install -e '.[dev]')")
    if not CHROMIUM:
        missing.append("chromium (apt-get install chromium)")
    if not CHROMEDRIVER:
        missing.append("chromedriver (apt-get install chromium-driver)")
    if missing:
        reason = "browser tests need " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)


def _post(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def _wait(drv: Any, cond: Any, message: str, timeout: float = WAIT) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout, poll_frequency=0.05).until(cond, message)


def _record_requests(drv: Any) -> None:
    """Wrap window.fetch so the test can see what the page sent (runs outside the page's CSP)."""
    drv.execute_script("""
        window.__sent = []; window.__alerts = [];
        const f = window.fetch;
        window.fetch = function (url, opts) {
          window.__sent.push({url: String(url), headers: (opts && opts.headers) || {}, body: opts && opts.body});
          return f.apply(this, arguments);
        };
        for (const name of ['alert', 'confirm', 'prompt']) {
          window[name] = function (m) { window.__alerts.push(String(m)); };
        }
    """)


def _sent(drv: Any) -> list[dict[str, Any]]:
    return drv.execute_script("return window.__sent")


def _console_errors(drv: Any) -> list[str]:
    return [e["message"] for e in drv.get_log("browser") if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]


def _no_dialog(drv: Any) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = drv.switch_to.alert.text
    except NoAlertPresentException:
        return
    pytest.fail(f"a JavaScript dialog fired: {text!r}")
