"""The chat page and the widget in a real headless Chromium against a real `qa serve` process.

Needs Debian's chromium + chromium-driver (`apt-get install chromium chromium-driver`)
and selenium (dev extra). Without a browser the tests skip, except in CI (`CI` set),
where they fail. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import importlib
import inspect
import json
import time
from typing import Any

import pytest
from browser_fixtures import (ARTIFACTS, FOLLOW_UP, PAGE_KEY, QUESTION, UNANSWERABLE, XSS, Server, _ask_on_page,
                              _cors_allows, _open_chat, driver, host_page, server)  # noqa: F401 - fixtures
from browser_support import _console_errors, _no_dialog, _record_requests, _sent, _wait

pytestmark = pytest.mark.slow


def test_chat_answers_with_citations_and_highlight(server: Server, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    expected = server.ask(QUESTION, k=5, mode="hybrid")
    assert not expected["abstained"] and expected["mode"] == "lexical" and expected["notice"]
    first = expected["passages"][0]

    _open_chat(driver, server)
    assert driver.switch_to.active_element == driver.find_element(By.ID, "question"), "the question box has focus"
    driver.save_screenshot(str(ARTIFACTS / "chat-empty.png"))
    _record_requests(driver)

    msg = _ask_on_page(driver, QUESTION)
    assert msg.find_element(By.CSS_SELECTOR, ".answer-text").text.startswith(expected["answer"])
    # lexical while hybrid was asked for: the badge and the server's notice are visible
    badge = msg.find_element(By.CSS_SELECTOR, ".badge-fallback")
    assert badge.is_displayed() and "hybrid" in badge.text
    assert expected["notice"] in msg.find_element(By.CSS_SELECTOR, ".notice").text
    sources = msg.find_elements(By.CSS_SELECTOR, ".sources .source-title")
    assert [s.text for s in sources] == [p["title"] for p in expected["passages"]]

    sent = _sent(driver)
    assert len(sent) == 1 and sent[0]["url"].endswith("/v1/ask")
    body = json.loads(sent[0]["body"])
    assert body == {"question": QUESTION, "k": 5, "mode": "hybrid", "history": []}
    assert sent[0]["headers"].get("Authorization") == f"Bearer {PAGE_KEY}"

    # citation [1] opens the passage with the answer sentence highlighted
    cite = msg.find_element(By.CSS_SELECTOR, ".answer-text .cite[data-rank='1']")
    assert cite.text == "[1]"
    cite.click()
    panel = driver.find_element(By.ID, "passage-panel")
    _wait(driver, lambda d: panel.is_displayed(), "the passage panel did not open")
    marks = panel.find_elements(By.CSS_SELECTOR, "#passage-text mark")
    assert len(marks) == 1
    assert marks[0].text == first["highlight"]["text"]
    assert driver.find_element(By.ID, "passage-title").text == first["title"]
    assert driver.find_element(By.ID, "passage-doc").text == first["doc_id"]
    assert driver.find_element(By.ID, "passage-offsets").text == f"{first['start']}–{first['end']}"
    full = driver.execute_script("return document.getElementById('passage-text').textContent")
    assert full == first["text"]
    driver.save_screenshot(str(ARTIFACTS / "chat-passage.png"))

    # a follow-up carries the conversation as history (user + assistant turns)
    _ask_on_page(driver, FOLLOW_UP)
    body = json.loads(_sent(driver)[1]["body"])
    assert body["history"] == [{"role": "user", "content": QUESTION},
                               {"role": "assistant", "content": expected["answer"]}]
    driver.save_screenshot(str(ARTIFACTS / "chat-follow-up.png"))
    # the page itself never scrolls: the conversation and the passage scroll inside it
    sizes = driver.execute_script("return [document.documentElement.scrollHeight, window.innerHeight]")
    assert sizes[0] <= sizes[1] + 1, sizes

    # Escape closes the panel and gives focus back to the citation
    from selenium.webdriver.common.keys import Keys
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    _wait(driver, lambda d: not panel.is_displayed(), "Escape did not close the panel")

    # narrow screen: the passage opens as a sheet over the chat
    driver.set_window_size(420, 860)
    try:
        driver.save_screenshot(str(ARTIFACTS / "chat-mobile.png"))
        driver.find_elements(By.CSS_SELECTOR, "#conversation .answer-text .cite")[0].click()
        _wait(driver, lambda d: panel.is_displayed(), "the passage sheet did not open on a narrow screen")
        assert panel.rect["width"] <= 420
        driver.save_screenshot(str(ARTIFACTS / "chat-mobile-passage.png"))
    finally:
        driver.set_window_size(1280, 860)
    _no_dialog(driver)
    assert _console_errors(driver) == []


def test_api_key_is_asked_for_stored_and_sent_as_bearer(server: Server, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    _open_chat(driver, server, key=None)
    msg = _ask_on_page(driver, QUESTION)  # no key: the server says 401 and the page says what to do
    error = msg.find_element(By.CSS_SELECTOR, ".bubble-error")
    assert error.get_attribute("role") == "alert" and "API key" in error.text and "401" in error.text
    driver.save_screenshot(str(ARTIFACTS / "chat-needs-key.png"))

    driver.find_element(By.ID, "api-key").send_keys(PAGE_KEY)
    driver.refresh()  # kept in localStorage
    _wait(driver, lambda d: d.find_element(By.ID, "api-key").get_attribute("value") == PAGE_KEY,
          "the API key was not kept across a reload")
    _record_requests(driver)
    msg = _ask_on_page(driver, QUESTION)
    assert _sent(driver)[0]["headers"].get("Authorization") == f"Bearer {PAGE_KEY}"
    assert msg.find_elements(By.CSS_SELECTOR, ".answer-text"), msg.text
    driver.execute_script("localStorage.clear()")


def test_question_is_shown_literally_never_as_html(server: Server, driver: Any) -> None:
    from selenium.webdriver.common.by import By

    expected = server.ask(XSS, k=5, mode="hybrid")
    _open_chat(driver, server)
    driver.get_log("browser")  # drop earlier entries
    _record_requests(driver)
    msg = _ask_on_page(driver, XSS)
    time.sleep(0.3)  # give a (wrongly) created <img> time to fail loading and fire onerror

    _no_dialog(driver)
    assert driver.execute_script("return window.__alerts") == []
    assert driver.find_elements(By.CSS_SELECTOR, "#conversation img") == []
    users = driver.find_elements(By.CSS_SELECTOR, "#conversation .msg-user .user-text")
    assert users[-1].text == XSS
    assert expected["abstained"] and msg.find_element(By.CSS_SELECTOR, ".no-answer").is_displayed()
    driver.save_screenshot(str(ARTIFACTS / "chat-xss.png"))

    # an abstention with passages lists them as low-confidence
    expected = server.ask(UNANSWERABLE, k=5, mode="hybrid")
    assert expected["abstained"] and expected["passages"]
    msg = _ask_on_page(driver, UNANSWERABLE)
    assert msg.find_element(By.CSS_SELECTOR, ".no-answer").text == "No answer found in the indexed articles."
    assert msg.find_elements(By.CSS_SELECTOR, ".answer-text") == []
    assert msg.find_element(By.CSS_SELECTOR, ".sources-heading").get_attribute("textContent") == "Low-confidence passages"
    tags = msg.find_elements(By.CSS_SELECTOR, ".sources .tag-low")
    assert len(tags) == len(expected["passages"]) and all(t.text == "low confidence" for t in tags)
    msg.find_element(By.CSS_SELECTOR, ".sources .cite").click()
    _wait(driver, lambda d: d.find_element(By.ID, "passage-low").is_displayed(), "the panel does not say low confidence")
    driver.save_screenshot(str(ARTIFACTS / "chat-no-answer.png"))
    assert _console_errors(driver) == []


def test_widget_on_another_origin(server: Server, driver: Any, host_page: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    if not _cors_allows(server):
        if "CORSMiddleware" not in inspect.getsource(importlib.import_module("server.app")):
            pytest.xfail("server/app.py does not apply QA_CORS_ORIGINS yet: a page on another origin cannot call /v1/ask")
        pytest.fail(f"QA_CORS_ORIGINS={server.page_origin} but the preflight for /v1/ask does not allow that origin")

    expected = server.ask(QUESTION, k=3)
    driver.get(host_page)
    host = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#qa-widget") or False,
                 "the widget did not add itself to the page")[0]
    root = host.shadow_root
    bubble = root.find_element(By.CSS_SELECTOR, ".bubble")
    assert bubble.is_displayed() and bubble.get_attribute("aria-expanded") == "false"
    driver.save_screenshot(str(ARTIFACTS / "widget-closed.png"))

    bubble.click()
    panel = root.find_element(By.CSS_SELECTOR, ".panel")
    _wait(driver, lambda d: panel.is_displayed(), "the widget panel did not open")
    box = root.find_element(By.CSS_SELECTOR, "textarea")
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    def answered(d: Any) -> Any:
        bots = root.find_elements(By.CSS_SELECTOR, ".msg.bot")
        return bots[-1] if bots and bots[-1].get_attribute("aria-busy") is None else False

    msg = _wait(driver, answered, "the widget got no answer")
    assert "error" not in (msg.get_attribute("class") or ""), msg.text
    assert msg.find_element(By.CSS_SELECTOR, "p").text == expected["answer"]
    assert msg.find_element(By.CSS_SELECTOR, "p").get_attribute("lang") == "vi"  # a Vietnamese voice reads it
    cites = msg.find_elements(By.CSS_SELECTOR, ".cite")
    assert [c.text for c in cites] == [f"[{p['rank']}]" for p in expected["passages"]]

    cites[0].click()
    source = msg.find_elements(By.CSS_SELECTOR, ".source")[0]
    _wait(driver, lambda d: source.is_displayed(), "citation [1] did not open its source")
    assert source.find_element(By.CSS_SELECTOR, "mark").text == expected["passages"][0]["highlight"]["text"]
    driver.save_screenshot(str(ARTIFACTS / "widget-open.png"))
    _no_dialog(driver)
    assert _console_errors(driver) == []
