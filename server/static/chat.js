/* qa chat page: asks POST /v1/ask and shows answers with numbered citations.
 *
 * Everything that comes from the server or the user is put in the page with
 * textContent / DOM nodes, never parsed as HTML.
 */
(function () {
  "use strict";

  var KEY_STORAGE = "qa.apiKey";
  var SETTINGS_STORAGE = "qa.settings";
  var MAX_HISTORY_TURNS = 12; // user + assistant messages sent as context
  var MAX_QUESTION = 2000; // characters, as the server's limit
  // a server that stays silent this long is reported, and the question kept (data-timeout-ms on the form overrides)
  var ANSWER_TIMEOUT_MS = 60000;
  // Vietnamese text is marked lang="vi", so that a screen reader reads it with a Vietnamese voice: at least a
  // fifth of its words (and two) carry a letter no other Latin-script language uses (French "é", "à" do not count)
  var VIETNAMESE_LETTER = /[ăđơưạảẹẻẽịỉĩọỏụủũỵỷỹấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữự]/i;
  var STOP_GRACE_MS = 600; // a second click on Send (a double click) does not stop the question it just sent

  var history = []; // [{role: "user"|"assistant", content: string}]
  var pending = false;
  var chatNumber = 0; // "New chat" starts the next one: an answer to an earlier chat is dropped
  var inFlight = null; // the AbortController of the question being answered
  var overlayQuery = window.matchMedia("(max-width: 959px)"); // the passage opens over the chat
  var lastCitation = null; // the button that opened the passage panel (focus returns to it)
  var stopReason = null; // why the question in flight was aborted: "stopped" or "timeout"
  var sentAt = 0; // when the question in flight was sent
  var shownNotice = null; // the last notice shown in full: the next answers with the same one only carry the badge

  function $(id) { return document.getElementById(id); }

  function isVietnamese(text) {
    var words = String(text || "").split(/\s+/).filter(Boolean);
    var hits = words.filter(function (w) { return VIETNAMESE_LETTER.test(w); }).length;
    return hits >= 2 && hits >= words.length / 5;
  }

  /* lang="vi" on a node whose text is Vietnamese; other text keeps the page's language */
  function marked(node, text) {
    if (isVietnamese(text)) node.setAttribute("lang", "vi");
    return node;
  }

  function codePoints(text) { return Array.from(text).length; } // as the server counts a question

  /* el("p", {className: "x", text: "…"}, [children]) */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (name) {
        var value = props[name];
        if (value === undefined || value === null) return;
        if (name === "text") node.textContent = value;
        else if (name === "className") node.className = value;
        else if (name.indexOf("aria-") === 0 || name.indexOf("data-") === 0 || name === "role" || name === "title" || name === "type")
          node.setAttribute(name, value);
        else node[name] = value;
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function storageGet(name) {
    try { return window.localStorage.getItem(name); } catch (e) { return null; }
  }
  function storageSet(name, value) {
    try {
      if (value) window.localStorage.setItem(name, value);
      else window.localStorage.removeItem(name);
    } catch (e) { /* private mode: keep it in the field only */ }
  }

  /* ---------- settings ---------- */

  function readK() {
    var k = parseInt($("k").value, 10);
    if (!isFinite(k)) k = 5;
    k = Math.min(50, Math.max(1, k));
    $("k").value = String(k);
    return k;
  }

  function saveSettings() {
    storageSet(SETTINGS_STORAGE, JSON.stringify({ mode: $("mode").value, k: readK() }));
  }

  function loadSettings() {
    $("api-key").value = storageGet(KEY_STORAGE) || "";
    try {
      var saved = JSON.parse(storageGet(SETTINGS_STORAGE) || "{}");
      if (["hybrid", "dense", "lexical"].indexOf(saved.mode) >= 0) $("mode").value = saved.mode;
      if (saved.k) $("k").value = String(saved.k);
    } catch (e) { /* ignore a damaged entry */ }
  }

  /* ---------- conversation ---------- */

  function conversation() { return $("conversation"); }

  function scrollToBottom() {
    var box = conversation();
    box.scrollTop = box.scrollHeight;
  }

  /* Show the newest answer from its question down: a long answer (five sources on a phone) would
     otherwise be scrolled past its own text, to the end of its sources list. When the question and
     the answer's text do not both fit, the answer's text comes first. */
  function revealAnswer(msg) {
    var box = conversation();
    var origin = box.getBoundingClientRect().top - box.scrollTop;
    var question = msg.previousElementSibling || msg;
    var text = msg.querySelector(".answer-text") || msg;
    var top = question.getBoundingClientRect().top - origin - 8;
    if (text.getBoundingClientRect().bottom - origin - top > box.clientHeight) {
      top = text.getBoundingClientRect().top - origin - 8;
    }
    box.scrollTop = Math.max(0, Math.min(top, box.scrollHeight - box.clientHeight));
  }

  function hideEmptyState() {
    var empty = $("empty-state");
    if (empty) empty.hidden = true;
  }

  function addUserMessage(question) {
    hideEmptyState();
    var msg = el("div", { className: "msg msg-user" }, [
      el("p", { className: "visually-hidden", text: "You asked:" }),
      el("div", { className: "bubble bubble-user" }, [el("p", { className: "user-text", text: question })]),
    ]);
    conversation().appendChild(msg);
    scrollToBottom();
    showConversation();
    return msg;
  }

  /* On a short screen the page scrolls (chat.css): bring the conversation's full height into view. */
  function showConversation() {
    var layout = document.querySelector(".layout");
    if (layout && document.documentElement.scrollHeight > window.innerHeight + 1) {
      layout.scrollIntoView({ block: "start" });
    }
  }

  function addPending() {
    var msg = el("div", { className: "msg msg-assistant", "aria-busy": "true" }, [
      el("div", { className: "bubble bubble-assistant bubble-pending" }, [
        el("span", { className: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
        el("span", { className: "pending-text", text: "Searching the articles…" }),
      ]),
    ]);
    conversation().appendChild(msg);
    scrollToBottom();
    return msg;
  }

  /* "VOV.VN · 2021-03-14 · " + <code>doc_id</code> + " · chars 0–938" as DOM nodes */
  function passageMeta(p) {
    var meta = el("span", { className: "source-meta" });
    if (p.source) meta.appendChild(document.createTextNode(String(p.source) + " · "));
    if (p.date) meta.appendChild(document.createTextNode(String(p.date) + " · "));
    meta.appendChild(el("code", { text: String(p.doc_id) }));
    meta.appendChild(document.createTextNode(" · chars " + p.start + "–" + p.end));
    return meta;
  }

  // where a passage that is not the article's own text comes from: [tag, description]
  var SECTIONS = {
    related: ["related article", "a related article's headline or lead on this page, not the article itself"],
    footer: ["page footer", "the page's footer, not the article"],
    metadata: ["article details", "the page's dateline, byline or credit line"],
  };

  function citeButton(p, number, lowConfidence) {
    var label = "Source " + number + ": " + (p.title || p.doc_id) + (lowConfidence ? " (low confidence)" : "");
    var btn = el("button", {
      type: "button",
      className: "cite" + (lowConfidence ? " cite-low" : ""),
      "aria-label": label,
      title: p.title || p.doc_id,
      "data-rank": String(number),
      text: "[" + number + "]",
    });
    btn.addEventListener("click", function () { openPassage(p, number, lowConfidence, btn); });
    return btn;
  }

  function sourcesList(passages, lowConfidence) {
    var list = el("ol", { className: "sources" + (lowConfidence ? " sources-low" : "") });
    passages.forEach(function (p, i) {
      var number = p.rank || i + 1;
      var quote = p.highlight && p.highlight.text
        ? marked(el("span", { className: "source-quote", text: p.highlight.text }), p.highlight.text) : null;
      // no aria-label: the name is what the button shows (the title alone is often the same for all)
      var open = el("button", { type: "button", className: "source-link", "data-rank": String(number) }, [
        el("span", { className: "visually-hidden", text: "Open source " + number + ": " }),
        marked(el("span", { className: "source-title", text: p.title || p.doc_id }), p.title),
        quote,
        passageMeta(p),
      ]);
      open.addEventListener("click", function () { openPassage(p, number, lowConfidence, open); });
      var item = el("li", { className: "source" }, [citeButton(p, number, lowConfidence), open]);
      if (lowConfidence || p.low_confidence) item.appendChild(el("span", { className: "tag tag-low", text: "low confidence" }));
      var where = SECTIONS[p.section];
      if (where) item.appendChild(el("span", { className: "tag tag-related", text: where[0], title: where[1] }));
      list.appendChild(item);
    });
    return list;
  }

  function totalMs(timings) {
    if (!timings) return null;
    var sum = 0, any = false;
    Object.keys(timings).forEach(function (name) {
      var v = Number(timings[name]);
      if (isFinite(v)) { sum += v; any = true; }
    });
    return any ? sum : null;
  }

  function renderAnswer(msg, data, requestedMode) {
    msg.removeAttribute("aria-busy");
    // the server knows the question's language ("vi", "vi-nodiac" typed without diacritics, or "other")
    var asked = msg.previousElementSibling && msg.previousElementSibling.querySelector(".user-text");
    if (asked && /^vi/.test(String(data.language || ""))) asked.setAttribute("lang", "vi");
    var passages = Array.isArray(data.passages) ? data.passages : [];
    var bubble = el("div", { className: "bubble bubble-assistant" });

    var meta = el("div", { className: "answer-meta" });
    var usedMode = data.mode ? String(data.mode) : requestedMode;
    meta.appendChild(el("span", { className: "tag tag-mode", text: usedMode }));
    if (usedMode === "lexical" && requestedMode !== "lexical") {
      meta.appendChild(el("span", {
        className: "badge badge-fallback",
        title: data.notice ? String(data.notice) : "The dense model is unavailable; these results come from keyword search only.",
        text: "Lexical fallback: asked for " + requestedMode,
      }));
    }
    if (typeof data.confidence === "number") {
      meta.appendChild(el("span", { className: "tag tag-conf", text: "confidence " + data.confidence.toFixed(2) }));
    }
    var ms = totalMs(data.timings);
    if (ms !== null) meta.appendChild(el("span", { className: "tag tag-time", text: Math.round(ms) + " ms" }));
    bubble.appendChild(meta);

    var spoken; // what goes into the conversation history
    if (data.abstained || !data.answer) {
      spoken = "No answer found.";
      bubble.appendChild(el("p", { className: "no-answer", text: "No answer found in the indexed articles." }));
      if (passages.length) {
        bubble.appendChild(el("h3", { className: "sources-heading", text: "Low-confidence passages" }));
        bubble.appendChild(sourcesList(passages, true));
      }
    } else {
      spoken = String(data.answer);
      var answer = marked(el("p", { className: "answer-text" }, [String(data.answer), " "]), data.answer);
      // Cite every passage whose highlighted sentence is the answer (at least the first).
      var cited = passages.filter(function (p, i) {
        return i === 0 || (p.highlight && p.highlight.text === data.answer);
      });
      cited.forEach(function (p, i) {
        answer.appendChild(citeButton(p, p.rank || passages.indexOf(p) + 1, false));
        if (i < cited.length - 1) answer.appendChild(document.createTextNode(" "));
      });
      bubble.appendChild(answer);
      if (passages.length) {
        bubble.appendChild(el("h3", { className: "sources-heading", text: "Sources" }));
        bubble.appendChild(sourcesList(passages, false));
      }
    }

    if (data.notice && String(data.notice) !== shownNotice) {
      shownNotice = String(data.notice);
      bubble.appendChild(el("p", { className: "notice", role: "note" }, [
        el("strong", { text: "Notice: " }), String(data.notice),
      ]));
    }

    msg.textContent = "";
    msg.appendChild(el("p", { className: "visually-hidden", text: "Answer:" }));
    msg.appendChild(bubble);
    revealAnswer(msg);
    return spoken;
  }

  function renderError(msg, text) {
    msg.removeAttribute("aria-busy");
    msg.textContent = "";
    msg.appendChild(el("div", { className: "bubble bubble-assistant bubble-error", role: "alert" }, [
      el("p", { className: "error-text", text: text }),
    ]));
    scrollToBottom();
  }

  /* ---------- passage panel ---------- */

  /* [before, highlighted, after] of the passage text, or null when the offsets do not match. */
  function splitHighlight(p) {
    var text = String(p.text || "");
    var h = p.highlight;
    if (!h || !h.text) return null;
    var start = Number(h.start) - Number(p.start);
    var end = Number(h.end) - Number(p.start);
    if (!(start >= 0 && end <= text.length && start < end) || text.slice(start, end) !== h.text) {
      start = text.indexOf(h.text); // offsets disagree (should not happen): fall back to the text
      if (start < 0) return null;
      end = start + h.text.length;
    }
    return [text.slice(0, start), text.slice(start, end), text.slice(end)];
  }

  /* On a narrow screen the open passage covers the chat: it is then a modal dialog, with a backdrop
     and the rest of the page inert (Tab stays inside it); re-applied when the window is resized. */
  function syncOverlay() {
    var panel = $("passage-panel");
    var modal = !panel.hidden && overlayQuery.matches;
    $("panel-backdrop").hidden = !modal;
    if (modal) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
    } else {
      panel.removeAttribute("role");
      panel.removeAttribute("aria-modal");
    }
    document.querySelectorAll(".skip-link, .topbar, .chat").forEach(function (node) { node.inert = modal; });
  }

  function openPassage(p, number, lowConfidence, opener) {
    lastCitation = opener || null;
    $("passage-number").textContent = "[" + number + "]";
    $("passage-kind").textContent = (lowConfidence ? "Low-confidence passage" : "Source passage") +
      (SECTIONS[p.section] ? " · " + SECTIONS[p.section][1] : "");
    $("passage-title").textContent = p.title || p.doc_id;
    $("passage-title").removeAttribute("lang");
    marked($("passage-title"), p.title);
    $("passage-source").textContent = p.source ? String(p.source) : "—";
    $("passage-date").textContent = p.date ? String(p.date) : "—";
    $("passage-doc").textContent = String(p.doc_id);
    $("passage-offsets").textContent = p.start + "–" + p.end;
    $("passage-score").textContent = typeof p.score === "number" ? p.score.toFixed(3) : "";
    $("passage-low").hidden = !(lowConfidence || p.low_confidence);

    var box = $("passage-text");
    box.textContent = "";
    box.removeAttribute("lang");
    marked(box, p.text);
    var parts = splitHighlight(p);
    var mark = null;
    if (parts) {
      mark = el("mark", { className: "highlight", text: parts[1] });
      if (p.highlight && typeof p.highlight.start === "number") {
        mark.title = "Answer sentence, characters " + p.highlight.start + "–" + p.highlight.end;
      }
      box.appendChild(document.createTextNode(parts[0]));
      box.appendChild(mark);
      box.appendChild(document.createTextNode(parts[2]));
    } else {
      box.textContent = String(p.text || "");
    }

    document.querySelectorAll(".cite.is-active, .source-link.is-active").forEach(function (b) { b.classList.remove("is-active"); });
    if (opener) opener.classList.add("is-active");

    var panel = $("passage-panel");
    panel.hidden = false;
    document.body.classList.add("panel-open");
    syncOverlay();
    box.scrollTop = 0;
    panel.focus({ preventScroll: true });
    if (mark) {
      // Bring the answer sentence into view inside the passage text.
      var top = mark.offsetTop - box.clientHeight / 3;
      if (top > 0) box.scrollTop = top;
    }
  }

  function closePassage() {
    var panel = $("passage-panel");
    if (panel.hidden) return;
    panel.hidden = true;
    syncOverlay();
    document.body.classList.remove("panel-open");
    document.querySelectorAll(".is-active").forEach(function (b) { b.classList.remove("is-active"); });
    if (lastCitation && document.body.contains(lastCitation)) lastCitation.focus();
  }

  /* ---------- asking ---------- */

  function errorText(status, body, hadKey) {
    var detail = body && body.detail;
    if (Array.isArray(detail)) {
      detail = detail.map(function (d) {
        var where = Array.isArray(d.loc) ? d.loc.filter(function (x) { return x !== "body"; }).join(".") : "";
        return (where ? where + ": " : "") + (d.msg || "");
      }).join("; ");
    } else if (detail && typeof detail === "object") {
      detail = detail.message || JSON.stringify(detail);
    } else if (!detail && body && body.error) {
      detail = typeof body.error === "string" ? body.error : body.error.message;
    }
    detail = detail ? String(detail).replace(/\.\s*$/, "") : "";
    if (detail) detail = detail.charAt(0).toUpperCase() + detail.slice(1);
    if (status === 401 || status === 403) {
      return (hadKey ? "API key refused (" : "API key needed (") + status + ")" + (detail ? ": " + detail : "") +
        ". Enter a valid key in the API key field at the top.";
    }
    if (status === 422) return "The server rejected the question (422)" + (detail ? ": " + detail : "") + ".";
    if (status === 429) return "Too many requests (429)" + (detail ? ": " + detail : "") + ". Wait a moment and try again.";
    return "The server answered with an error (" + status + ")" + (detail ? ": " + detail : "") + ".";
  }

  /* Put a question that was not answered back in the question box, to send again, unless something new
     has been typed there meanwhile; true when it was put back. */
  function keepQuestion(question) {
    var area = $("question");
    if (area.value.trim()) return false;
    area.value = question;
    autoGrow(area);
    checkLength();
    return true;
  }

  /* While an answer is awaited the Send button is a Stop button (Enter does not stop). */
  function setPending(on) {
    pending = on;
    var send = $("send");
    send.textContent = on ? "Stop" : "Send";
    send.classList.toggle("btn-stop", on);
    if (on) send.setAttribute("aria-label", "Stop waiting for the answer");
    else send.removeAttribute("aria-label");
    checkLength();
  }

  function seconds(ms) { return ms < 10000 ? String(Math.round(ms / 100) / 10) : String(Math.round(ms / 1000)); }

  function answerTimeout() {
    var ms = Number($("ask-form").getAttribute("data-timeout-ms"));
    return ms > 0 ? Math.min(ms, 2147483647) : ANSWER_TIMEOUT_MS; // setTimeout's own limit
  }

  function stopWaiting(reason) {
    if (!inFlight) return;
    stopReason = reason;
    inFlight.abort();
  }

  function finish(chat) {
    if (chat !== chatNumber) return; // "New chat" has already reset the composer
    inFlight = null;
    setPending(false);
  }

  /* The question's length against the limit, under the box: a pasted text is never cut without a word. */
  function checkLength() {
    var n = codePoints($("question").value.trim());
    var hint = $("composer-hint");
    var over = n > MAX_QUESTION;
    hint.textContent = n > MAX_QUESTION * 0.9
      ? n.toLocaleString("en") + " / " + MAX_QUESTION.toLocaleString("en") + " characters" +
        (over ? ": shorten the question to send it" : "")
      : "Enter sends · Shift+Enter adds a line";
    hint.classList.toggle("composer-hint-over", over);
    $("question").setAttribute("aria-invalid", over ? "true" : "false");
    $("send").disabled = !pending && over;
  }

  function ask(question) {
    question = question.trim();
    if (!question || pending || codePoints(question) > MAX_QUESTION) return; // the hint under the box says why
    var key = $("api-key").value.trim();
    if (/[^\x21-\x7e]/.test(key)) { // a header can carry no other character: fetch would throw
      addUserMessage(question);
      renderError(addPending(), "The API key can only contain ASCII letters, digits and punctuation " +
        "(no spaces or accents). Check the API key field at the top.");
      keepQuestion(question);
      return;
    }
    var chat = chatNumber;
    setPending(true);
    var mode = $("mode").value;
    var k = readK();
    addUserMessage(question);
    var msg = addPending();
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (key) headers.Authorization = "Bearer " + key;
    var payload = { question: question, k: k, mode: mode, history: history.slice(-MAX_HISTORY_TURNS) };
    var controller = window.AbortController ? new AbortController() : null;
    inFlight = controller;
    stopReason = null;
    sentAt = Date.now();
    var timer = setTimeout(function () { if (inFlight === controller) stopWaiting("timeout"); }, answerTimeout());

    fetch("/v1/ask", { method: "POST", headers: headers, body: JSON.stringify(payload),
                       signal: controller ? controller.signal : undefined })
      .then(function (res) {
        return res.text().then(function (raw) {
          var body = null;
          try { body = raw ? JSON.parse(raw) : null; } catch (e) { body = null; }
          if (!res.ok) throw new Error(errorText(res.status, body, !!key));
          if (!body || typeof body !== "object") throw new Error("The server sent a response that is not JSON.");
          return body;
        });
      })
      .then(function (data) {
        if (chat !== chatNumber) return; // asked in a chat that was closed since
        var spoken = renderAnswer(msg, data, mode);
        history.push({ role: "user", content: question });
        history.push({ role: "assistant", content: spoken.slice(0, 4000) });
      })
      .catch(function (err) {
        if (chat !== chatNumber) return;
        var text = err && err.message ? err.message : String(err);
        var kept = keepQuestion(question);
        if (err && err.name === "AbortError") {
          text = (stopReason === "timeout"
            ? "No answer after " + seconds(answerTimeout()) + " s: the server is busy or not responding."
            : "Stopped.") + (kept ? " Your question is back in the box." : "");
        } else if (err instanceof TypeError) text = "Cannot reach the server (" + text + ").";
        renderError(msg, text);
      })
      .then(function () { clearTimeout(timer); finish(chat); });
  }

  function autoGrow(area) {
    area.style.height = "auto";
    area.style.height = Math.min(area.scrollHeight + 2, 200) + "px";
    area.style.overflowY = area.scrollHeight + 2 > 200 ? "auto" : "hidden";
  }

  function newChat() {
    chatNumber += 1; // an answer still on its way belongs to the old chat: dropped when it arrives
    if (inFlight) inFlight.abort();
    inFlight = null;
    setPending(false);
    history = [];
    shownNotice = null;
    closePassage();
    var box = conversation();
    Array.prototype.slice.call(box.children).forEach(function (child) {
      if (child.id !== "empty-state") box.removeChild(child);
    });
    var empty = $("empty-state");
    if (empty) empty.hidden = false;
    $("question").focus();
  }

  function init() {
    loadSettings();
    var area = $("question");

    $("ask-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (pending) { // the Stop button (Enter, which submits with no submitter, does not stop)
        if (ev.submitter === $("send") && Date.now() - sentAt > STOP_GRACE_MS) stopWaiting("stopped");
        return;
      }
      var q = area.value;
      if (!q.trim() || codePoints(q.trim()) > MAX_QUESTION) return;
      area.value = "";
      autoGrow(area);
      ask(q);
    });
    area.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $("ask-form").requestSubmit ? $("ask-form").requestSubmit() : $("send").click();
      }
    });
    area.addEventListener("input", function () { autoGrow(area); checkLength(); });

    $("settings").addEventListener("submit", function (ev) { ev.preventDefault(); });
    $("mode").addEventListener("change", saveSettings);
    $("k").addEventListener("change", saveSettings);
    $("api-key").addEventListener("input", function () { storageSet(KEY_STORAGE, $("api-key").value.trim()); });
    $("new-chat").addEventListener("click", newChat);

    document.querySelectorAll(".example").forEach(function (btn) {
      btn.addEventListener("click", function () {
        ask(btn.textContent || "");
        area.focus(); // the examples are hidden with the empty state: focus would fall to the page
      });
    });

    $("passage-close").addEventListener("click", closePassage);
    $("panel-backdrop").addEventListener("click", closePassage);
    if (overlayQuery.addEventListener) overlayQuery.addEventListener("change", syncOverlay);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") closePassage();
    });

    checkLength();
    showServerMode();
    area.focus();
  }

  /* Say before the first question when the server can only match words (no model loaded), not after. */
  function showServerMode(tries) {
    if (!window.fetch) return;
    tries = tries || 0;
    fetch("/readyz", { headers: { Accept: "application/json" } })
      .then(function (res) { return res.json(); })
      .then(function (body) {
        if (body && !body.ready && /^starting/.test(String(body.reason || "")) && tries < 150) { // up to 5 min
          setTimeout(function () { showServerMode(tries + 1); }, 2000); // still loading: ask again
          return;
        }
        if (body && body.ready && body.documents === 0) { // nothing to ask about: say so, offer no examples
          var examples = document.querySelector(".examples");
          if (examples) examples.hidden = true;
          $("server-note").textContent = "No articles are indexed yet: add some with qa ingest or POST /v1/documents, " +
            "then reload this page.";
          $("server-note").hidden = false;
          return;
        }
        if (!body || !body.ready || body.mode !== "lexical" || body.configured_mode === "lexical") return;
        var note = $("server-note");
        note.textContent = "Keyword search only: " + (!body.model_loaded ? "this server has no language model loaded"
          : body.index_model ? "the articles were indexed with another language model than the one loaded"
          : "the articles were indexed without a language model") +
          ", so answers come from passages that share the question's words.";
        note.title = body.fallback_reason ? String(body.fallback_reason) : "";
        note.hidden = false;
      })
      .catch(function () { /* the first question reports an unreachable server */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
