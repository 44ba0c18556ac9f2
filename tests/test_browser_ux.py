"""The chat page and the widget as a user handles them: a chat restarted mid-answer, a phone-sized
screen, keyboard focus in the passage overlay, a question that fails, a strict host site.

Real headless Chromium against a real `qa serve` (fixtures in browser_fixtures.py)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from browser_fixtures import (ARTIFACTS, QUESTION, Server, _ask_on_page, _open_chat, driver, host_page,  # noqa: F401
                              server)
from browser_support import _console_errors, _record_requests, _sent, _wait

pytestmark = pytest.mark.slow

SECOND = "Susan Thornton là ai?"
DELAY_MS = 1500

# Every answer arrives DELAY_MS late (the request itself goes out at once), whatever the page does.
SLOW_ANSWERS = """
    const f = window.fetch;
    window.fetch = function (url, opts) {
      const answer = f(url, opts);
      return new Promise((resolve, reject) => setTimeout(() => answer.then(resolve, reject), %d));
    };
""" % DELAY_MS


def _by() -> Any:
    from selenium.webdriver.common.by import By

    return By


def test_new_chat_drops_the_answer_still_on_its_way(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server)
    driver.execute_script(SLOW_ANSWERS)
    _record_requests(driver)
    box = driver.find_element(By.ID, "question")
    box.send_keys(SECOND + "\n")
    _wait(driver, lambda d: len(_sent(d)) == 1, "the question was not sent")
    driver.find_element(By.ID, "new-chat").click()
    # the new chat can be used at once: nothing pending, the send button enabled
    assert driver.find_element(By.ID, "send").is_enabled()
    time.sleep(DELAY_MS / 1000 + 0.5)  # the old answer has arrived by now
    assert driver.find_elements(By.CSS_SELECTOR, "#conversation .msg") == [], "the old answer was shown in the new chat"
    assert driver.find_element(By.ID, "empty-state").is_displayed()

    _ask_on_page(driver, QUESTION)
    body = json.loads(_sent(driver)[-1]["body"])
    assert body["question"] == QUESTION and body["history"] == [], body["history"]
    assert _console_errors(driver) == []


def test_on_a_phone_the_new_answer_is_in_view(server: Server, driver: Any) -> None:
    By = _by()
    driver.set_window_size(375, 700)
    try:
        _open_chat(driver, server)
        _ask_on_page(driver, SECOND)
        msg = _ask_on_page(driver, QUESTION)  # five sources: taller than the conversation box
        box = driver.find_element(By.ID, "conversation")
        answer = msg.find_element(By.CSS_SELECTOR, ".answer-text")
        top, bottom = driver.execute_script(
            "const b = arguments[0].getBoundingClientRect(), a = arguments[1].getBoundingClientRect();"
            "return [a.top - b.top, b.bottom - a.bottom];", box, answer)
        driver.save_screenshot(str(ARTIFACTS / "chat-phone-answer.png"))
        assert top >= 0 and bottom >= 0, f"the answer is outside the conversation box ({top:.0f}, {bottom:.0f} px)"
    finally:
        driver.set_window_size(1280, 860)


def _focus_inside(driver: Any, panel: Any) -> bool:
    return driver.execute_script(
        "const a = document.activeElement; return a === document.body || arguments[0].contains(a);", panel)


def test_passage_overlay_is_modal_and_follows_the_window_size(server: Server, driver: Any) -> None:
    By = _by()
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _open_chat(driver, server)
    _ask_on_page(driver, QUESTION)
    panel = driver.find_element(By.ID, "passage-panel")
    backdrop = driver.find_element(By.ID, "panel-backdrop")
    driver.set_window_size(375, 700)
    try:
        driver.find_element(By.CSS_SELECTOR, "#conversation .answer-text .cite").click()
        _wait(driver, lambda d: panel.is_displayed(), "the passage did not open")
        assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-modal") == "true"
        assert backdrop.is_displayed()
        for _ in range(8):  # Tab never reaches a control hidden behind the overlay
            ActionChains(driver).send_keys(Keys.TAB).perform()
            assert _focus_inside(driver, panel), driver.execute_script("return document.activeElement.outerHTML")

        driver.set_window_size(1280, 860)  # wide again: a side panel, the page usable beside it
        _wait(driver, lambda d: not backdrop.is_displayed(), "the backdrop stayed on a wide window")
        assert panel.get_attribute("role") is None
        assert driver.execute_script("return document.querySelector('.chat').inert") is False

        driver.set_window_size(800, 860)  # narrow with the panel open: the overlay's backdrop comes with it
        _wait(driver, lambda d: backdrop.is_displayed(), "no backdrop after narrowing the window")
        left_edge = -backdrop.rect["width"] // 2 + 10  # beside the sheet, on the backdrop
        ActionChains(driver).move_to_element_with_offset(backdrop, left_edge, 0).click().perform()
        _wait(driver, lambda d: not panel.is_displayed(), "a click outside did not close the overlay")
        assert driver.execute_script("return document.querySelector('.chat').inert") is False
    finally:
        driver.set_window_size(1280, 860)


def test_sources_are_named_by_what_they_show(server: Server, driver: Any) -> None:
    """A screen reader hears each source's quote and characters, not five times the same title."""
    By = _by()
    expected = server.ask(QUESTION, k=5, mode="hybrid")["passages"]
    _open_chat(driver, server)
    msg = _ask_on_page(driver, QUESTION)
    links = msg.find_elements(By.CSS_SELECTOR, ".sources .source-link")
    names = [driver.execute_script("return arguments[0].getAttribute('aria-label') || arguments[0].textContent", a)
             for a in links]
    assert len(names) == len(expected) > 1
    for i, (name, p) in enumerate(zip(names, expected), 1):
        assert name.startswith(f"Open source {i}: "), name
        assert p["highlight"]["text"] in name and f"chars {p['start']}–{p['end']}" in name, name


def test_a_key_a_header_cannot_carry_is_explained_and_the_question_kept(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server, key="khóa-bí-mật")
    _record_requests(driver)
    msg = _ask_on_page(driver, QUESTION)
    error = msg.find_element(By.CSS_SELECTOR, ".bubble-error")
    assert "API key" in error.text and "ASCII" in error.text and "reach" not in error.text, error.text
    assert _sent(driver) == []
    assert driver.find_element(By.ID, "question").get_attribute("value") == QUESTION


def test_a_refused_question_goes_back_in_the_box(server: Server, driver: Any) -> None:
    By = _by()
    _open_chat(driver, server, key=None)  # the server wants a key: 401
    msg = _ask_on_page(driver, QUESTION)
    assert "401" in msg.find_element(By.CSS_SELECTOR, ".bubble-error").text
    assert driver.find_element(By.ID, "question").get_attribute("value") == QUESTION


def test_widget_on_a_strict_site_without_a_key(server: Server, driver: Any, host_page: str) -> None:
    """The site forbids inline styles and sets no data-api-key on the widget's tag."""
    By = _by()
    from selenium.webdriver.common.keys import Keys

    driver.get(host_page.replace("index.html", "strict.html"))
    host = _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#qa-widget") or False, "no widget")[0]
    root = host.shadow_root
    bubble = root.find_element(By.CSS_SELECTOR, ".bubble")
    styled = driver.execute_script("const s = getComputedStyle(arguments[0]); return [s.width, s.borderRadius];", bubble)
    assert styled == ["56px", "50%"], f"the widget's stylesheet was not applied: {styled}"
    assert [e for e in _console_errors(driver) if "Content Security Policy" in e] == []

    bubble.click()
    box = root.find_element(By.CSS_SELECTOR, "textarea")
    _wait(driver, lambda d: box.is_displayed(), "the widget did not open")
    for line in ("Cuộc gặp", "ở Rome", "kéo dài bao lâu?"):  # three lines: the box grows to show them
        box.send_keys(line)
        box.send_keys(Keys.SHIFT, Keys.ENTER)
    heights = driver.execute_script("return [arguments[0].clientHeight, arguments[0].scrollHeight]", box)
    assert heights[0] + 2 >= heights[1], f"lines hidden in the question box: {heights}"

    driver.execute_script(SLOW_ANSWERS)
    box.send_keys(Keys.ENTER)
    bubble.click()  # closed while the answer is on its way: the refused question comes back meanwhile

    def answered(d: Any) -> Any:
        bots = root.find_elements(By.CSS_SELECTOR, ".msg.bot")
        return bots[-1] if bots and bots[-1].get_attribute("aria-busy") is None else False

    msg = _wait(driver, answered, "the widget showed nothing")
    bubble.click()
    _wait(driver, lambda d: box.is_displayed(), "the widget did not open again")
    assert box.get_attribute("value").startswith("Cuộc gặp"), "the question was not kept"
    heights = driver.execute_script("return [arguments[0].clientHeight, arguments[0].scrollHeight]", box)
    assert heights[0] + 2 >= heights[1], f"the kept question is clipped after reopening: {heights}"
    assert "error" in msg.get_attribute("class")
    assert "sends none" in msg.text and "data-api-key" in msg.text and "refused" not in msg.text, msg.text
    driver.save_screenshot(str(ARTIFACTS / "widget-strict-site.png"))


def _viewport(driver: Any, width: int, height: int) -> None:
    """The page's viewport exactly (a window cannot be made this short)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


@pytest.mark.parametrize(("width", "height"), [(568, 320), (320, 256)])  # a phone held sideways; 400% zoom
def test_on_a_short_screen_the_conversation_gets_the_whole_height(server: Server, driver: Any, width: int,
                                                                  height: int) -> None:
    """The header and settings scroll away: the conversation box is not what they leave (63 and 32 px before)."""
    By = _by()
    _viewport(driver, width, height)
    try:
        _open_chat(driver, server)
        _console_errors(driver)  # what earlier tests left in the log
        msg = _ask_on_page(driver, SECOND)
        box = driver.find_element(By.ID, "conversation")
        shown, top = driver.execute_script(
            "const b = arguments[0].getBoundingClientRect(), a = arguments[1].getBoundingClientRect();"
            "return [b.height, a.top - b.top];", box, msg.find_element(By.CSS_SELECTOR, ".answer-text"))
        driver.save_screenshot(str(ARTIFACTS / f"chat-short-{width}x{height}.png"))
        assert shown >= 0.45 * height, f"the conversation is {shown:.0f} px of {height}"
        assert 0 <= top <= shown, f"the answer is not in view ({top:.0f} px into a {shown:.0f} px box)"
        assert _console_errors(driver) == []
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_narrow_screen_wraps_a_long_title(server: Server, driver: Any) -> None:
    By = _by()
    _viewport(driver, 360, 740)
    try:
        _open_chat(driver, server)
        _ask_on_page(driver, QUESTION)
        driver.find_element(By.CSS_SELECTOR, "#conversation .msg-assistant .cite").click()
        title = driver.find_element(By.ID, "passage-title")
        _wait(driver, lambda d: title.is_displayed(), "the passage did not open")
        driver.execute_script("arguments[0].textContent = 'TàungầmSaoBiển'.repeat(12)", title)  # one unbroken word
        wide, room = driver.execute_script(
            "const p = document.getElementById('passage-panel'); return [p.scrollWidth, p.clientWidth];")
        assert wide <= room, f"the passage panel's content is {wide} px wide in {room} px"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize(("question", "answer", "tag", "label"), [
    # a related article's lead under a seed
    ("Interpol ước tính lừa đảo qua mạng thu được bao nhiêu tiền mỗi năm?", "3.000 tỷ USD", "related article",
     "a related article's headline or lead on this page"),
    # the page's dateline, in no chunk, answering a question about the article itself
    ("Bài báo về cuộc họp ba bên Mỹ-Nhật-Hàn được đăng ngày nào?", "24/03/2021 08:00 AM", "article details",
     "dateline, byline or credit line"),
])
def test_a_passage_from_beside_the_article_is_tagged_where_it_comes_from(server: Server, driver: Any, question: str,
                                                                          answer: str, tag: str, label: str) -> None:
    """The source says where the passage comes from, and so does the opened passage."""
    By = _by()
    _open_chat(driver, server)
    msg = _ask_on_page(driver, question)
    assert answer in msg.find_element(By.CSS_SELECTOR, ".answer-text").text
    first = msg.find_elements(By.CSS_SELECTOR, ".sources .source")[0]
    assert first.find_element(By.CSS_SELECTOR, ".tag-related").text == tag
    first.find_element(By.CSS_SELECTOR, ".source-link").click()
    kind = driver.find_element(By.ID, "passage-kind")
    _wait(driver, lambda d: kind.is_displayed(), "the passage did not open")
    assert label in kind.text.lower()  # shown in capitals
