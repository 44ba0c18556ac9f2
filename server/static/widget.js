/* qa chat widget: one script tag adds a floating chat bubble to any page.
 *
 *   <script src="http://HOST:PORT/widget.js" data-api-key="KEY" data-k="3"
 *           data-mode="hybrid" data-title="Ask the news" async></script>
 *
 * (data-timeout-ms: how long to wait for an answer before saying so; 60000 by default.)
 *
 * The server is the origin this script was loaded from; the page's origin must be
 * allowed by the server's CORS setting (QA_CORS_ORIGINS). The widget lives in a
 * shadow root, so the host page's styles do not leak in or out. Server text is
 * only ever set with textContent.
 */
(function () {
  "use strict";
  if (window.__qaWidgetLoaded) return;
  window.__qaWidgetLoaded = true;

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src]");
    for (var i = all.length - 1; i >= 0; i--) {
      if (/\/widget\.js(\?|#|$)/.test(all[i].src)) return all[i];
    }
    return null;
  })();
  if (!script) return;

  var ORIGIN = new URL(script.src, document.baseURI).origin;
  var API_KEY = script.getAttribute("data-api-key") || "";
  var MODE = script.getAttribute("data-mode") || "";
  var K = parseInt(script.getAttribute("data-k") || "3", 10);
  if (!(K >= 1 && K <= 50)) K = 3;
  var TITLE = script.getAttribute("data-title") || "Ask the news";
  var MAX_HISTORY_TURNS = 8;

  var history = [];
  var pending = false;

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === undefined || value === null) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var CSS = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; }",
    ".root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif; color: #17202b; }",
    ".bubble { width: 56px; height: 56px; border-radius: 50%; border: 0; cursor: pointer; background: #1d4ed8; color: #fff; box-shadow: 0 6px 18px rgba(16,24,40,.25); display: grid; place-items: center; }",
    ".bubble:hover { background: #1a43ba; }",
    ".bubble:focus-visible, button:focus-visible, textarea:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }",
    ".bubble svg { width: 26px; height: 26px; fill: currentColor; }",
    ".panel { position: absolute; right: 0; bottom: 70px; width: 370px; max-width: calc(100vw - 40px); height: 540px; max-height: calc(100vh - 110px); display: flex; flex-direction: column; background: #fff; border: 1px solid #dde3ea; border-radius: 14px; box-shadow: 0 12px 32px rgba(16,24,40,.22); overflow: hidden; }",
    ".panel[hidden] { display: none; }",
    ".head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 12px 14px; background: #1d4ed8; color: #fff; }",
    ".head h2 { margin: 0; font-size: 15px; font-weight: 600; }",
    ".head button { width: 28px; height: 28px; border: 0; border-radius: 6px; background: transparent; color: #fff; font-size: 20px; line-height: 1; cursor: pointer; }",
    ".head button:hover { background: rgba(255,255,255,.15); }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 10px; background: #f4f6f9; }",
    ".hint { margin: auto 8px; text-align: center; color: #5b6878; font-size: 13px; }",
    ".msg { max-width: 90%; padding: 8px 11px; border-radius: 12px; overflow-wrap: anywhere; }",
    ".msg p { margin: 0; }",
    ".user { align-self: flex-end; background: #1d4ed8; color: #fff; border-bottom-right-radius: 4px; white-space: pre-wrap; }",
    ".bot { align-self: flex-start; width: 90%; background: #fff; border: 1px solid #dde3ea; border-bottom-left-radius: 4px; }",
    ".bot.error { background: #fdecec; border-color: #f3b4b4; color: #8a1c1c; }",
    ".pending { color: #5b6878; }",
    ".fallback { display: inline-block; margin-bottom: 6px; padding: 0 8px; border-radius: 999px; font-size: 11px; font-weight: 600; line-height: 18px; background: #fff4dc; border: 1px solid #f1c46b; color: #7a4b00; }",
    ".none { font-weight: 600; }",
    ".note { margin-top: 6px !important; color: #5b6878; font-size: 12px; }",
    ".cites { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 8px; }",
    ".cite { font: 600 12px/1 system-ui, sans-serif; min-width: 26px; height: 22px; padding: 0 6px; border: 0; border-radius: 6px; background: #e8eefc; color: #1d4ed8; cursor: pointer; }",
    ".cite[aria-expanded='true'], .cite:hover { background: #1d4ed8; color: #fff; }",
    ".cite.low { background: #fff4dc; color: #7a4b00; }",
    ".source { margin-top: 8px; padding: 8px; border-radius: 8px; background: #f8fafc; border: 1px solid #dde3ea; font-size: 13px; }",
    ".source[hidden] { display: none; }",
    ".source .t { font-weight: 600; }",
    ".source .m { color: #5b6878; font-size: 11px; font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }",
    ".source .x { margin-top: 4px; }",
    "mark { background: #ffe58a; color: inherit; }",
    ".form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ea; background: #fff; }",
    ".form textarea { flex: 1; resize: none; overflow-y: hidden; height: 40px; max-height: 120px; font: inherit; padding: 9px 10px; border: 1px solid #dde3ea; border-radius: 10px; color: #17202b; background: #fff; }",
    ".form button { border: 0; border-radius: 10px; padding: 0 14px; background: #1d4ed8; color: #fff; font: 600 14px system-ui, sans-serif; cursor: pointer; }",
    ".form button:disabled { background: #8da6e6; cursor: progress; }",
    ".sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }",
  ].join("\n");

  var host = el("div", { id: "qa-widget", "data-origin": ORIGIN });
  var shadow = host.attachShadow({ mode: "open" });
  // A constructed stylesheet where the browser has them: a host page whose Content-Security-Policy
  // forbids inline styles (style-src without 'unsafe-inline') blocks a <style> element, not this.
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch (e) {
    shadow.appendChild(el("style", { text: CSS }));
  }

  var svgNS = "http://www.w3.org/2000/svg";
  var icon = document.createElementNS(svgNS, "svg");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("aria-hidden", "true");
  var path = document.createElementNS(svgNS, "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.3 1.3 0 1 0 0 2.6A1.3 1.3 0 0 0 7 10zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6zm5 0a1.3 1.3 0 1 0 0 2.6 1.3 1.3 0 0 0 0-2.6z");
  icon.appendChild(path);

  var panelId = "qa-widget-panel";
  var bubble = el("button", { type: "button", className: "bubble", "aria-label": "Open chat: " + TITLE, "aria-expanded": "false", "aria-controls": panelId }, [icon]);
  var log = el("div", { className: "log", role: "log", "aria-live": "polite" }, [
    el("p", { className: "hint", text: "Ask a question about the news. Answers cite the articles they come from." }),
  ]);
  var input = el("textarea", { rows: "1", placeholder: "Ask a question…", "aria-label": "Your question" });
  var MAX_QUESTION = 2000; // characters (code points), as the server counts them
  var send = el("button", { type: "submit", text: "Send" });
  var form = el("form", { className: "form" }, [input, send]);
  var close = el("button", { type: "button", "aria-label": "Close chat", text: "×" });
  var panel = el("section", { id: panelId, className: "panel", role: "dialog", "aria-label": TITLE, hidden: "" }, [
    el("div", { className: "head" }, [el("h2", { text: TITLE }), close]),
    log,
    form,
  ]);
  var root = el("div", { className: "root" }, [panel, bubble]);
  shadow.appendChild(root);

  function setOpen(open) {
    panel.hidden = !open;
    bubble.setAttribute("aria-expanded", open ? "true" : "false");
    bubble.setAttribute("aria-label", (open ? "Close chat: " : "Open chat: ") + TITLE);
    if (open) {
      fit(); // a question put back while the panel was closed was measured at no height
      input.focus();
    }
    else bubble.focus();
  }
  bubble.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (ev) { if (ev.key === "Escape") setOpen(false); });

  function scroll() { log.scrollTop = log.scrollHeight; }

  // lang="vi" on Vietnamese text, so that a screen reader reads it with a Vietnamese voice: at least a fifth of
  // its words (and two) carry a letter no other Latin-script language uses (as the chat page decides)
  var VIETNAMESE_LETTER = /[ăđơưạảẹẻẽịỉĩọỏụủũỵỷỹấầẩẫậắằẳẵặếềểễệốồổỗộớờởỡợứừửữự]/i;
  function marked(node, text) {
    var words = String(text || "").split(/\s+/).filter(Boolean);
    var hits = words.filter(function (w) { return VIETNAMESE_LETTER.test(w); }).length;
    if (hits >= 2 && hits >= words.length / 5) node.setAttribute("lang", "vi");
    return node;
  }
  var shownNotice = null; // the server's notice is shown in full once; later answers carry the short label
  var TIMEOUT_MS = Number(script.getAttribute("data-timeout-ms") || 60000); // then reported, the question kept
  if (!(TIMEOUT_MS > 0)) TIMEOUT_MS = 60000; // "60s" or nonsense: the default
  TIMEOUT_MS = Math.min(TIMEOUT_MS, 2147483647); // setTimeout's own limit
  var WAIT_TEXT = TIMEOUT_MS < 10000 ? String(Math.round(TIMEOUT_MS / 100) / 10) : String(Math.round(TIMEOUT_MS / 1000));

  // The question box grows with its lines (Shift+Enter), then scrolls (CSSOM: allowed by any CSP).
  function fit() {
    input.style.height = "auto";
    var wanted = input.scrollHeight + 2;
    input.style.height = Math.max(40, Math.min(wanted, 120)) + "px";
    input.style.overflowY = wanted > 120 ? "auto" : "hidden";
  }

  // A question that got no answer goes back into the (empty) box, to send again.
  function keep(question) {
    if (input.value.trim()) return false;
    input.value = question;
    fit();
    return true;
  }

  function excerpt(p) {
    // The answer sentence with a little context around it, the sentence marked.
    var text = String(p.text || ""), h = p.highlight || {};
    var s = Number(h.start) - Number(p.start), e = Number(h.end) - Number(p.start);
    if (!(s >= 0 && e <= text.length && s < e) || text.slice(s, e) !== h.text) {
      s = h.text ? text.indexOf(h.text) : -1;
      e = s + (h.text ? h.text.length : 0);
    }
    var box = el("div", { className: "x" });
    if (s < 0) { box.textContent = text.length > 400 ? text.slice(0, 400) + "…" : text; return box; }
    var a = Math.max(0, s - 140), b = Math.min(text.length, e + 140);
    box.appendChild(document.createTextNode((a > 0 ? "…" : "") + text.slice(a, s)));
    box.appendChild(el("mark", { text: text.slice(s, e) }));
    box.appendChild(document.createTextNode(text.slice(e, b) + (b < text.length ? "…" : "")));
    return box;
  }

  function renderAnswer(msg, data) {
    msg.textContent = "";
    msg.className = "msg bot";
    var passages = Array.isArray(data.passages) ? data.passages : [];
    var low = !!data.abstained || !data.answer;
    if (data.mode === "lexical" && (data.notice || (MODE && MODE !== "lexical"))) {
      msg.appendChild(el("span", { className: "fallback", title: data.notice ? String(data.notice) : "", text: "Keyword search only" }));
    }
    msg.appendChild(low
      ? el("p", { className: "none", text: "No answer found in the indexed articles." })
      : marked(el("p", { text: String(data.answer) }), data.answer));
    if (data.notice && String(data.notice) !== shownNotice) {
      shownNotice = String(data.notice);
      msg.appendChild(el("p", { className: "note", text: shownNotice }));
    }
    if (passages.length) {
      var cites = el("div", { className: "cites", role: "group", "aria-label": low ? "Low-confidence passages" : "Sources" });
      var details = [];
      passages.forEach(function (p, i) {
        var n = p.rank || i + 1;
        var meta = [p.source, p.date, p.doc_id].filter(Boolean).map(String).join(" · ");
        var weak = low || !!p.low_confidence; // this passage's own evidence is weak
        var box = el("div", { className: "source", hidden: "" }, [
          el("div", { className: "t" }, [weak ? "Low confidence · " : null, { related: "Related article · ", footer: "Page footer · ", metadata: "Article details · " }[p.section] || null,
                                         marked(el("span", { text: p.title || p.doc_id }), p.title)]),
          el("div", { className: "m", text: meta + " · " + p.start + "–" + p.end }),
          marked(excerpt(p), p.text),
        ]);
        var btn = el("button", { type: "button", className: "cite" + (weak ? " low" : ""), "aria-expanded": "false",
                                 "aria-label": "Source " + n + ": " + (p.title || p.doc_id) + (weak ? " (low confidence)" : ""),
                                 text: "[" + n + "]" });
        btn.addEventListener("click", function () {
          var opening = box.hidden;
          details.forEach(function (d) { d.box.hidden = true; d.btn.setAttribute("aria-expanded", "false"); });
          box.hidden = !opening;
          btn.setAttribute("aria-expanded", opening ? "true" : "false");
        });
        details.push({ box: box, btn: btn });
        cites.appendChild(btn);
      });
      msg.appendChild(cites);
      details.forEach(function (d) { msg.appendChild(d.box); });
    }
    scroll();
    return low ? "No answer found." : String(data.answer);
  }

  function ask(question) {
    question = question.trim();
    if (!question || pending) return;
    var length = Array.from(question).length;
    if (length > MAX_QUESTION) { // refused here, whole, rather than cut by the box
      log.appendChild(el("div", { className: "msg bot error", role: "alert",
        text: "The question has " + length + " characters; at most " + MAX_QUESTION + ". Shorten it and send it again." }));
      keep(question);
      scroll();
      return;
    }
    pending = true;
    send.disabled = true;
    var hint = log.querySelector(".hint");
    if (hint) hint.remove();
    log.appendChild(marked(el("div", { className: "msg user", text: question }), question));
    var msg = el("div", { className: "msg bot pending", "aria-busy": "true", text: "Searching the articles…" });
    log.appendChild(msg);
    scroll();
    var headers = { "Content-Type": "application/json" };
    if (API_KEY) headers.Authorization = "Bearer " + API_KEY;
    var body = { question: question, k: K, history: history.slice(-MAX_HISTORY_TURNS) };
    if (MODE) body.mode = MODE;
    var controller = window.AbortController ? new AbortController() : null;
    var gaveUp = false; // without AbortController: the late answer is ignored instead
    function timedOut() {
      var kept = keep(question);
      return "No answer after " + WAIT_TEXT + " s: the server is busy or not responding." +
        (kept ? " Your question is back in the box." : "");
    }
    function fail(text) {
      msg.removeAttribute("aria-busy");
      msg.className = "msg bot error";
      msg.setAttribute("role", "alert");
      msg.textContent = text;
      scroll();
    }
    var timer = setTimeout(function () {
      if (controller) { controller.abort(); return; }
      gaveUp = true;
      fail(timedOut());
      pending = false;
      send.disabled = false;
    }, TIMEOUT_MS);
    fetch(ORIGIN + "/v1/ask", { method: "POST", mode: "cors", credentials: "omit", headers: headers, body: JSON.stringify(body),
                                signal: controller ? controller.signal : undefined })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (data) {
          if (!res.ok || !data) {
            var why = data && (typeof data.detail === "string" ? data.detail : data.error && data.error.message);
            var detail = why ? ": " + String(why).replace(/\.\s*$/, "") : "";
            var auth = res.status === 401 || res.status === 403;
            throw new Error(auth && API_KEY ? "This site's API key was refused (" + res.status + ")" + detail + "."
              : auth ? "The server needs an API key and this site's chat sends none (" + res.status + ")" + detail +
                ". The site must set data-api-key on the widget's script tag."
              : "The server answered with an error (" + res.status + ")" + detail + ".");
          }
          return data;
        });
      })
      .then(function (data) {
        if (gaveUp) return;
        msg.removeAttribute("aria-busy");
        var spoken = renderAnswer(msg, data);
        history.push({ role: "user", content: question }, { role: "assistant", content: spoken.slice(0, 4000) });
      })
      .catch(function (err) {
        if (gaveUp) return;
        if (err && err.name === "AbortError") { fail(timedOut()); return; }
        fail(err instanceof TypeError
          ? "Cannot reach the server at " + ORIGIN + " (is this site allowed by its CORS setting?)."
          : err.message);
        keep(question);
      })
      .then(function () {
        clearTimeout(timer);
        if (gaveUp) return;
        pending = false;
        send.disabled = false;
      });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value;
    if (!q.trim() || pending) return;
    input.value = "";
    fit();
    ask(q);
  });
  input.addEventListener("input", fit);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit ? form.requestSubmit() : send.click();
    }
  });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
