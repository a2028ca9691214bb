/* article-reader embed v1: <script src="(your reader server)/embed/v1/embed.js" async></script>
 *
 * Finds the article on the page (or data-selector / data-url on the script tag), asks the
 * reader server for the audio of this page's URL (its canonical link, else its address), and
 * puts a "Listen to this article" player above it inside a Shadow DOM, so the page's CSS cannot
 * touch it. Only the URL is sent, never the page's HTML: the server fetches and reads the page
 * itself, and only from hosts its operator allowed (READER_ALLOWED_HOSTS), so no page can put
 * its own text under another page's address. No cookies, no third-party requests,
 * no inline code or styles (a strict Content-Security-Policy allows it once the reader's
 * origin is in script-src, connect-src and media-src). Events on the host page, for a
 * site's own analytics: reader:play, reader:pause, reader:progress {percent}, reader:complete.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[src*='embed.js']");
  if (!script || script.dataset.readerMounted) return;
  script.dataset.readerMounted = "1";
  var server = new URL(script.src, location.href).origin;
  var RATES = [0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3];

  var CSS =
    ":host{all:initial;display:block;margin:0 0 1.25em;font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d1d1f}" +
    ".box{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;padding:10px 12px;border:1px solid #d6d3cc;border-radius:12px;background:#f6f5f1}" +
    "button,select{font:inherit;color:inherit;cursor:pointer}" +
    "button{min-height:40px;min-width:40px;border-radius:999px;border:2px solid transparent;background:transparent;display:inline-flex;align-items:center;justify-content:center;gap:6px;padding:0 8px}" +
    "button:hover{border-color:#d6d3cc}" +
    ".listen,.play{background:#0b57d0;color:#fff;font-weight:600;padding:0 16px}" +
    ".play{padding:0;width:44px}" +
    ":focus-visible{outline:3px solid #c2410c;outline-offset:2px}" +
    ".time{font-variant-numeric:tabular-nums;font-size:13px;color:#5a5a60}" +
    "input{flex:1 1 120px;min-width:80px;accent-color:#0b57d0;margin:0}" +
    "select{border:1px solid #8a8a90;border-radius:6px;background:#fff;padding:4px;min-height:36px}" +
    ".status{flex-basis:100%;font-size:13px;color:#5a5a60;margin:0}.status:empty{display:none}" +
    "[hidden]{display:none!important}" +
    "@media (prefers-color-scheme:dark){:host{color:#ececef}.box{background:#232327;border-color:#3b3b42}" +
    ".listen,.play{background:#8ab4f8;color:#0d1b33}.time,.status{color:#a9a9b2}select{background:#151517}}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function clock(s) {
    s = Math.max(0, Math.floor(s || 0));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function findTarget() {
    var selector = script.dataset.selector;
    if (selector) return document.querySelector(selector);
    var found = null;
    ["article", "[itemprop='articleBody']", "main", "[role=main]"].some(function (s) { return (found = document.querySelector(s)); });
    return found || document.body;
  }

  function requestBody() {
    return { url: pageUrl() };
  }

  function api(path, options) {
    options = options || {};
    options.credentials = "omit";
    options.mode = "cors";
    return fetch(server + path, options).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error((body.error && body.error.message) || "HTTP " + r.status);
        return body;
      });
    });
  }

  function mount(target) {
    var host = el("div", { "data-reader-player": "" });
    if (target === document.body) target.insertBefore(host, target.firstChild);
    else target.parentNode.insertBefore(host, target);
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", {}, CSS)); // older browsers; a strict CSP may drop this styling
    }
    var box = el("section", { class: "box", "aria-label": "Listen to this article" });
    root.appendChild(box);
    return { host: host, root: root, box: box };
  }

  function player(view, info) {
    var box = view.box;
    var audio = el("audio", { preload: "none" });
    var listen = el("button", { type: "button", class: "listen" }, "▶ Listen to this article");
    var play = el("button", { type: "button", class: "play", "aria-label": "Play" }, "▶");
    var back = el("button", { type: "button", "aria-label": "Back 15 seconds" }, "−15");
    var fwd = el("button", { type: "button", "aria-label": "Forward 15 seconds" }, "+15");
    var elapsed = el("span", { class: "time", "aria-hidden": "true" }, "0:00");
    var seek = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0", "aria-label": "Position in the audio" });
    var total = el("span", { class: "time", "aria-hidden": "true" }, "--:--");
    var speed = el("select", { "aria-label": "Playback speed" });
    RATES.forEach(function (r) {
      var option = el("option", { value: String(r) }, r + "×");
      if (r === 1) option.selected = true;
      speed.appendChild(option);
    });
    var status = el("p", { class: "status", role: "status", "aria-live": "polite" });
    var controls = [play, back, fwd, elapsed, seek, total, speed];
    controls.forEach(function (c) { c.hidden = true; });
    [audio, listen].concat(controls, [status]).forEach(function (c) { box.appendChild(c); });

    var duration = info.duration || info.estimated_duration || 0;
    var state = info.status;
    var quarters = {};
    audio.src = server + info.audio_url;
    showDuration();

    function emit(name, detail) {
      detail = detail || {};
      detail.id = info.id;
      detail.currentTime = audio.currentTime;
      view.host.dispatchEvent(new CustomEvent("reader:" + name, { bubbles: true, composed: true, detail: detail }));
    }

    function showDuration() {
      if (duration) {
        listen.textContent = "▶ Listen to this article · " + (state === "complete" ? "" : "about ") +
          Math.max(1, Math.round(duration / 60)) + " min";
        total.textContent = clock(duration);
        seek.max = String(Math.floor(duration));
      }
    }

    function poll() {
      api(info.status_url).then(function (data) {
        state = data.status;
        duration = data.duration || Math.max(data.estimated_duration || 0, data.progress.audio_seconds || 0);
        showDuration();
        if (state === "rendering") setTimeout(poll, 1500);
        if (state === "failed") status.textContent = "Sorry, the audio could not be made.";
      }).catch(function () { setTimeout(poll, 4000); });
    }

    listen.addEventListener("click", function () {
      listen.hidden = true;
      controls.forEach(function (c) { c.hidden = false; });
      audio.preload = "auto";
      audio.play().catch(function (e) {
        if (e && e.name === "NotAllowedError") status.textContent = "Press play to start listening.";
      });
      play.focus();
    });
    play.addEventListener("click", function () { if (audio.paused) audio.play(); else audio.pause(); });
    back.addEventListener("click", function () { audio.currentTime = Math.max(0, audio.currentTime - 15); });
    fwd.addEventListener("click", function () { audio.currentTime = Math.min(duration || 1e9, audio.currentTime + 15); });
    seek.addEventListener("input", function () { audio.currentTime = parseFloat(seek.value); });
    speed.addEventListener("change", function () { audio.playbackRate = parseFloat(speed.value); });
    audio.addEventListener("play", function () { play.textContent = "❚❚"; play.setAttribute("aria-label", "Pause"); emit("play"); });
    audio.addEventListener("pause", function () { play.textContent = "▶"; play.setAttribute("aria-label", "Play"); emit("pause"); });
    audio.addEventListener("timeupdate", function () {
      var t = audio.currentTime;
      elapsed.textContent = clock(t);
      seek.value = String(Math.floor(t));
      seek.setAttribute("aria-valuetext", clock(t) + " of " + clock(duration));
      if (state === "complete" && duration) {
        [25, 50, 75].forEach(function (q) {
          if (!quarters[q] && t >= (duration * q) / 100) { quarters[q] = true; emit("progress", { percent: q }); }
        });
      }
    });
    audio.addEventListener("ended", function () { emit("complete"); status.textContent = "Finished."; });
    audio.addEventListener("loadedmetadata", function () { audio.playbackRate = parseFloat(speed.value); });
    if (state !== "complete") poll();
    else if (!duration) audio.addEventListener("durationchange", function () {
      if (isFinite(audio.duration)) { duration = audio.duration; showDuration(); }
    });
  }

  function pageUrl() {
    if (script.dataset.url) return script.dataset.url;
    var canonical = document.querySelector("link[rel=canonical]");
    return canonical ? canonical.href : location.href.split("#")[0];
  }

  function start() {
    var target = findTarget();
    if (!target) return;
    // Ask for the page's audio by URL first: once rendered, no page needs to be sent or read again.
    api("/api/articles?url=" + encodeURIComponent(pageUrl()))
      .then(function (found) {
        var known = found.articles[0];
        if (known && known.status !== "failed") return known;
        var body = JSON.stringify(requestBody());
        return api("/api/articles", { method: "POST", headers: { "Content-Type": "application/json" }, body: body });
      })
      .then(function (created) { return api(created.status_url); })
      .then(function (info) { player(mount(target), info); })
      .catch(function (error) {
        if (window.console) console.warn("article reader: no player for this page:", error.message);
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
