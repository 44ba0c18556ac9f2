"""The chat page while it waits and before it asks: a server that never answers can be stopped (or
times out) with the question kept, a question over the limit is counted rather than cut, a
lexical-only server says so before the first question, Vietnamese text is marked for screen
readers, an example question leaves the focus in the box, and the page follows a dark scheme.

Real headless Chromium against a real `qa serve` (fixtures in browser_fixtures.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from browser_fixtures import QUESTION, Server, _ask_on_page, _open_chat, driver, host_page, serve, server  # noqa: F401
from browser_support import _console_errors, _wait

pytestmark = pytest.mark.slow

# Questions to /v1/ask never get an answer (as from a stopped server); other requests go through.
SILENT_SERVER = """
    const f = window.fetch;
    window.fetch = function (url, opts) {
      if (!String(url).includes('/v1/ask')) return f(url, opts);
      return new Promise((resolve, reject) => {
        opts.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    };
"""


def _by() -> Any:
    from selenium.webdriver.common.by import By

    return By


def _send_without_waiting(driver: Any, question: str) -> None:
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(_by().ID, "question")
    box.clear()
    box.send_keys(question, Keys.ENTER)


def test_a_silent_server_can_be_stopped_and_times_out_with_the_question_kept(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    driver.execute_script(SILENT_SERVER)
    send = driver.find_element(By.ID, "send")

    _send_without_waiting(driver, QUESTION)
    _wait(driver, lambda d: send.text == "Stop", "the Send button did not become a Stop button")
    assert send.is_enabled()
    send.click()  # the second click of a double click on Send does not stop the question it sent
    _send_without_waiting(driver, "")  # nor does Enter while waiting
    time.sleep(0.3)
    assert send.text == "Stop" and not driver.find_elements(By.CSS_SELECTOR, ".bubble-error")
    time.sleep(0.5)
    send.click()
    error = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".bubble-error"), "stopping showed nothing")[-1]
    assert "Stopped" in error.text
    assert driver.find_element(By.ID, "question").get_attribute("value") == QUESTION
    assert send.text == "Send"

    driver.execute_script("document.getElementById('ask-form').setAttribute('data-timeout-ms', '800')")
    driver.find_element(By.ID, "question").clear()
    _send_without_waiting(driver, QUESTION)
    _wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".bubble-error")) == 2, "no time-out after 0.8 s")
    error = driver.find_elements(By.CSS_SELECTOR, ".bubble-error")[-1]
    assert "No answer after 0.8 s" in error.text and "back in the box" in error.text, error.text
    assert driver.find_element(By.ID, "question").get_attribute("value") == QUESTION
    assert send.text == "Send" and send.is_enabled()
    assert _console_errors(driver) == []


def test_a_question_over_the_limit_is_counted_not_cut(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    box, send, hint = (driver.find_element(By.ID, name) for name in ("question", "send", "composer-hint"))
    long = ("Cuộc gặp ở Rome kéo dài bao lâu và ai dẫn đầu hai phái đoàn? " * 40)[:2100]
    driver.execute_script("arguments[0].value = arguments[1];"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", box, long)
    assert len(box.get_attribute("value")) == 2100  # nothing cut
    assert "2,100 / 2,000 characters" in hint.text and "shorten" in hint.text, hint.text
    assert not send.is_enabled() and box.get_attribute("aria-invalid") == "true"
    driver.execute_script("arguments[0].value = arguments[0].value.slice(0, 1990);"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", box)
    assert send.is_enabled() and "shorten" not in hint.text and box.get_attribute("aria-invalid") == "false"


def test_a_lexical_only_server_says_so_before_the_first_question(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    note = _wait(driver, lambda d: d.find_element(By.ID, "server-note").is_displayed() and
                 d.find_element(By.ID, "server-note"), "no note about the lexical-only server")
    assert "Keyword search only" in note.text
    assert "QA_MODEL" in note.get_attribute("title")  # the operator's detail, not in the user's face
    assert driver.find_elements(By.CSS_SELECTOR, "#conversation .msg") == []
    first = _ask_on_page(driver, QUESTION)
    second = _ask_on_page(driver, "Susan Thornton là ai?")
    assert first.find_elements(By.CSS_SELECTOR, ".notice") and not second.find_elements(By.CSS_SELECTOR, ".notice")
    assert second.find_element(By.CSS_SELECTOR, ".badge-fallback").is_displayed()  # each answer still says lexical


def test_vietnamese_text_is_marked_for_a_vietnamese_voice(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    msg = _ask_on_page(driver, QUESTION)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"  # the page's own words
    for css in (".answer-text", ".source-title", ".source-quote"):
        assert msg.find_element(By.CSS_SELECTOR, css).get_attribute("lang") == "vi", css
    questions = driver.find_elements(By.CSS_SELECTOR, ".user-text")
    assert questions[-1].get_attribute("lang") == "vi"
    for english in ("Who met in Rome?", "Who is Dương Khiết Trì?"):  # a Vietnamese name does not make it Vietnamese
        _ask_on_page(driver, english)
        assert driver.find_elements(By.CSS_SELECTOR, ".user-text")[-1].get_attribute("lang") in (None, ""), english
    _ask_on_page(driver, "Susan Thornton là ai?")  # the server says it is Vietnamese, with few marked letters
    assert driver.find_elements(By.CSS_SELECTOR, ".user-text")[-1].get_attribute("lang") == "vi"
    msg.find_element(By.CSS_SELECTOR, ".source-link").click()
    assert driver.find_element(By.ID, "passage-text").get_attribute("lang") == "vi"


def test_an_example_question_leaves_the_focus_in_the_question_box(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    driver.find_element(By.CSS_SELECTOR, ".example").click()
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#conversation .msg-assistant:not([aria-busy])"),
          "the example question was not answered")
    assert driver.execute_script("return document.activeElement.id") == "question"


def test_an_empty_index_says_so_and_offers_no_examples(driver: Any, tmp_path: Path) -> None:
    """The examples are the server's (QA_EXAMPLE_QUESTIONS); over an index with no article the page says how to
    add some instead of offering questions nothing can answer."""
    By = _by()
    running = serve(tmp_path, ingest=False, env={"QA_EXAMPLE_QUESTIONS": "Who won the match? | Ai thắng?"})
    empty = next(running)
    try:
        _open_chat(driver, empty)
        examples = driver.find_elements(By.CSS_SELECTOR, ".example")
        assert [e.get_attribute("textContent") for e in examples] == ["Who won the match?", "Ai thắng?"]
        assert [e.get_attribute("lang") for e in examples] in ([None, "vi"], ["", "vi"])
        note = _wait(driver, lambda d: d.find_element(By.ID, "server-note").is_displayed() and
                     d.find_element(By.ID, "server-note"), "no note about the empty index")
        assert "No articles are indexed yet" in note.text
        assert not any(e.is_displayed() for e in examples)
    finally:
        running.close()


def test_the_page_follows_a_dark_colour_scheme(server: Server, driver: Any) -> None:
    _open_chat(driver, server)
    background = "return getComputedStyle(document.body).backgroundColor"
    light = driver.execute_script(background)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        dark = driver.execute_script(background)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

    def brightness(css: str) -> float:
        r, g, b = (float(x) for x in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        return (r + g + b) / 3

    assert brightness(light) > 200 and brightness(dark) < 60, (light, dark)


def test_the_widget_marks_weak_passages_and_gives_up_on_a_silent_server(server: Server, driver: Any,
                                                                        host_page: str) -> None:
    from selenium.webdriver.common.keys import Keys

    By = _by()
    question = "Susan Thornton là ai?"
    expected = server.ask(question, k=3)
    assert any(p["low_confidence"] for p in expected["passages"])  # else this checks nothing

    def ask_widget(page: str) -> Any:
        driver.get(page)
        root = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#qa-widget"), "no widget")[0].shadow_root
        root.find_element(By.CSS_SELECTOR, ".bubble").click()
        root.find_element(By.CSS_SELECTOR, "textarea").send_keys(question, Keys.ENTER)

        def answered(d: Any) -> Any:
            bots = root.find_elements(By.CSS_SELECTOR, ".msg.bot")
            return bots[-1] if bots and bots[-1].get_attribute("aria-busy") is None else False

        return root, _wait(driver, answered, "the widget showed nothing")

    _, msg = ask_widget(host_page)
    cites = msg.find_elements(By.CSS_SELECTOR, ".cite")
    assert [("low" in (c.get_attribute("class") or "")) for c in cites] == [p["low_confidence"] for p in expected["passages"]]
    assert msg.find_element(By.CSS_SELECTOR, "p").get_attribute("lang") == "vi"

    root, msg = ask_widget(host_page.replace("index.html", "silent.html"))
    assert "No answer after 0.8 s" in msg.text and "error" in msg.get_attribute("class"), msg.text
    box = root.find_element(By.CSS_SELECTOR, "textarea")
    assert box.get_attribute("value") == question

    # a question over the limit is refused whole (in code points, as the server counts), never cut by the box
    long = "😀" + "a" * 1999  # 2,000 code points, 2,001 UTF-16 units: the server takes it
    driver.execute_script("arguments[0].value = arguments[1]", box, long + "b")
    box.send_keys(Keys.ENTER)
    error = _wait(driver, lambda d: root.find_elements(By.CSS_SELECTOR, ".msg.bot.error")[-1:], "no error")[0]
    assert "2001 characters" in error.text, error.text
    assert box.get_attribute("value") == long + "b"


def test_the_page_tags_exactly_the_passages_the_server_marks_weak(server: Server, driver: Any) -> None:
    By = _by()
    question = "Susan Thornton là ai?"
    expected = server.ask(question, k=5)
    assert not expected["abstained"] and any(p["low_confidence"] for p in expected["passages"])
    _open_chat(driver, server)
    msg = _ask_on_page(driver, question)
    items = msg.find_elements(By.CSS_SELECTOR, ".sources .source")
    tagged = [bool(item.find_elements(By.CSS_SELECTOR, ".tag-low")) for item in items]
    assert tagged == [p["low_confidence"] for p in expected["passages"]]
