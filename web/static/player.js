/* The player, one piece of plain JavaScript for the app and the embed (no build step).
 *
 * ArticleReaderPlayer.create(section, options) builds the controls inside `section` (a page element in
 * the app, an element in a Shadow DOM in the embed) and plays the article described by options.info.
 * The app's article page mounts it by itself on section[data-reader-app]: the page works without this
 * file (a native <audio controls>); with it the controls, read-along highlighting from the sentence
 * timings, click-to-seek, speed, position remembered per article, Media Session, keyboard shortcuts.
 * The spoken word is marked in its sentence with the CSS Custom Highlight API (docs/player.md#read-along).
 * While the article is still rendering the audio streams as chunks complete and the timings and the
 * rendered length arrive by polling the API: seeking and number keys stay within the audio that exists.
 * Listening events go to the server as beacons (no cookies, no personal data): play, 25, 50, 75, complete.
 */
(function (global) {
  "use strict";

  var RATES = [0.75, 1, 1.25, 1.5, 2]; // the speed button steps through these and wraps
  var LABELS = {
    listen: "Listen to this article",
    play: "Play",
    pause: "Pause",
    back: "Back 15 seconds",
    forward: "Forward 15 seconds",
    speed: "Speed",
    position: "Position in the audio",
    download: "Download MP3",
    help: "Keyboard shortcuts",
    resume: "Resume at {time}",
    restart: "Start over",
    rendered: "Rendered {done} of ~{total}",
    minutes: "{n} min",
    about: "about {n} min",
    preparing: "That part is still being prepared.",
    waiting: "Waiting for the next sentence…",
    failed: "Sorry, the audio could not be made.",
    loadError: "The audio could not be loaded. Try again, or download it.",
    finished: "Finished.",
    pressPlay: "Press play to start listening.",
    resuming: "Resuming at {time}.",
    ready: "The whole article is ready: {time}.",
    helpPlay: "Play or pause",
    helpSkip: "Back or forward 15 seconds",
    helpSentence: "Previous or next sentence",
    helpSpeed: "Slower or faster",
    helpJump: "Jump to 0%–90% of what is ready",
    helpToggle: "Show or hide this list",
    helpWords: "Mark the word being spoken, or not",
    wordsOn: "The word being spoken is marked.",
    wordsOff: "Only the sentence is marked.",
    helpClick: "Click a sentence to hear it from there.",
  };

  // Icons are SVG parsed as HTML (the HTML parser puts <svg> in its namespace), from these constants only.
  var ICONS = {
    play: '<path d="M8 5.6v12.8a1 1 0 0 0 1.5.86l10.2-6.4a1 1 0 0 0 0-1.72L9.5 4.74A1 1 0 0 0 8 5.6z"/>',
    pause: '<path d="M6.5 5h4v14h-4zM13.5 5h4v14h-4z"/>',
    back:
      '<path d="M12 5V1.5L7 6l5 4.5V7a6.5 6.5 0 1 1-6.5 6.5h-2A8.5 8.5 0 1 0 12 5z"/>' +
      '<text x="12" y="16.6" font-size="7.4" font-weight="700" text-anchor="middle" font-family="system-ui,sans-serif">15</text>',
    forward:
      '<path d="M12 5V1.5l5 4.5-5 4.5V7a6.5 6.5 0 1 0 6.5 6.5h2A8.5 8.5 0 1 1 12 5z"/>' +
      '<text x="12" y="16.6" font-size="7.4" font-weight="700" text-anchor="middle" font-family="system-ui,sans-serif">15</text>',
    download: '<path d="M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3zM5 18h14v2H5z"/>',
    help:
      '<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<text x="12" y="16.4" font-size="12" font-weight="700" text-anchor="middle" font-family="system-ui,sans-serif">?</text>',
  };
  var parser = typeof DOMParser !== "undefined" ? new DOMParser() : null;

  function icon(name, size, cls) {
    var markup =
      '<svg viewBox="0 0 24 24" width="' + size + '" height="' + size + '" fill="currentColor" aria-hidden="true" focusable="false">' +
      ICONS[name] + "</svg>";
    var svg = parser.parseFromString(markup, "text/html").body.firstChild;
    svg = document.importNode(svg, true);
    if (cls) svg.setAttribute("class", cls);
    return svg;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] !== undefined ? values[key] : ""; });
  }

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    seconds = Math.floor(seconds);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
  }

  function store(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode or storage full: remembering is a nicety */ }
  }

  function load(key) {
    try {
      var raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  /* A readable text colour on a publisher's accent: white or near-black, whichever contrasts more. */
  function textOn(colour) {
    var probe = document.createElement("span");
    probe.style.color = colour;
    if (!probe.style.color) return null;
    document.body.appendChild(probe);
    var rgb = getComputedStyle(probe).color.match(/\d+(\.\d+)?/g) || [0, 0, 0];
    probe.remove();
    var lum = rgb.slice(0, 3).map(function (v) {
      v = v / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    return (1.05) / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#111111";
  }

  function buildUi(section, labels, info) {
    var ui = section.querySelector(".player-ui") || section.appendChild(el("div", { class: "player-ui" }));
    var speedButton = el("button", { type: "button", class: "p-btn p-speed", "data-action": "speed", title: labels.speed + " (< >)" }, ["1×"]);
    var download = info.download_url
      ? el("a", { class: "p-btn p-download", href: info.download_url, download: "", "aria-label": labels.download, title: labels.download }, [icon("download", 24)])
      : null;
    var helpButton = el("button", {
      type: "button", class: "p-btn", "data-action": "help", "aria-label": labels.help, title: labels.help + " (?)", "aria-expanded": "false",
    }, [icon("help", 24)]);
    var helpId = "p-help-" + info.id;
    helpButton.setAttribute("aria-controls", helpId);
    function helpRow(keys, text) {
      return [el("dt", {}, keys.map(function (k, i) { return i ? el("span", {}, [" / ", el("kbd", {}, [k])]) : el("kbd", {}, [k]); })), el("dd", {}, [text])];
    }
    var helpList = el("dl", {}, [].concat(
      helpRow(["K", "Space"], labels.helpPlay), helpRow(["J", "L"], labels.helpSkip), helpRow(["[", "]"], labels.helpSentence),
      helpRow(["<", ">"], labels.helpSpeed), helpRow(["0", "9"], labels.helpJump), helpRow(["?"], labels.helpToggle)
    ).concat(info.words ? helpRow(["W"], labels.helpWords) : []));
    var help = el("div", { class: "p-help", id: helpId, hidden: "" }, [el("h2", {}, [labels.help]), helpList].concat(
      info.readAlong ? [el("p", {}, [labels.helpClick])] : []
    ));
    var parts = {
      title: el("span", { class: "p-title" }, [info.heading || labels.listen]),
      meta: el("span", { class: "p-meta" }),
      back: el("button", { type: "button", class: "p-btn p-skip", "data-action": "back", "aria-label": labels.back, title: labels.back + " (J)" }, [icon("back", 30)]),
      toggle: el("button", { type: "button", class: "p-btn p-play", "data-action": "toggle", "aria-label": labels.listen, title: labels.play + " (K)" }, [
        icon("play", 28, "p-icon-play"), icon("pause", 28, "p-icon-pause"),
      ]),
      forward: el("button", { type: "button", class: "p-btn p-skip", "data-action": "forward", "aria-label": labels.forward, title: labels.forward + " (L)" }, [icon("forward", 30)]),
      speed: speedButton,
      download: download,
      helpButton: helpButton,
      help: help,
      elapsed: el("span", { class: "p-time p-elapsed", "aria-hidden": "true" }, ["0:00"]),
      seek: el("input", { class: "p-seek", type: "range", min: "0", max: "0", step: "1", value: "0", "aria-label": labels.position, "aria-valuetext": "0:00" }),
      remaining: el("span", { class: "p-time p-remaining", "aria-hidden": "true" }, ["--:--"]),
      resumeButton: el("button", { type: "button", class: "p-choice", "data-action": "resume" }),
      restartButton: el("button", { type: "button", class: "p-choice secondary", "data-action": "restart" }, [labels.restart]),
      rendered: el("span", { class: "p-rendered" }),
      status: el("span", { class: "p-status", role: "status", "aria-live": "polite" }),
      now: info.caption ? el("p", { class: "p-now", "aria-hidden": "true" }) : null,
    };
    parts.timeline = el("div", { class: "p-timeline" }, [parts.elapsed, parts.seek, parts.remaining]);
    parts.resume = el("div", { class: "p-resume", hidden: "" }, [parts.resumeButton, parts.restartButton]);
    [
      el("div", { class: "p-info" }, [parts.title, parts.meta]),
      el("div", { class: "p-buttons" }, [parts.back, parts.toggle, parts.forward]),
      el("div", { class: "p-tools" }, [speedButton, download, helpButton].filter(Boolean)),
      parts.timeline,
      parts.resume,
      el("p", { class: "p-line" }, [parts.rendered, parts.status]),
      parts.now,
      help,
    ].filter(Boolean).forEach(function (node) { ui.appendChild(node); });
    ui.hidden = false;
    return parts;
  }

  /**
   * options: info {id, status, duration, estimated_duration, status_url, audio_url, download_url, title,
   * artist, album, artwork, voice_name}, base (the server's origin, "" for the app), labels, readAlong
   * (highlight .s[data-i] sentences of the document), caption (show the sentence in the player),
   * words (false: no word marked), keys (element whose keydown drives shortcuts),
   * autoplay, audio (an existing <audio> to use), onEvent(name, detail).
   */
  function create(section, options) {
    var info = options.info;
    var base = options.base || "";
    var labels = Object.assign({}, LABELS, options.labels || {});
    // without the API (or with it off): the sentence highlight only; W turns it off and on (remembered)
    var words = options.words !== false && global.CSS && CSS.highlights ? new Highlight() : null;
    var wordsKey = "reader:words";
    var wordsOn = load(wordsKey) !== false;
    if (words) CSS.highlights.set("reader-word", words);
    var ids = { id: info.id, readAlong: !!options.readAlong, caption: options.caption, words: words, download_url: info.download_url ? base + info.download_url : null, heading: options.heading };
    section.classList.add("player", "js");
    if (options.accent) {
      var fg = textOn(options.accent);
      if (fg) {
        section.style.setProperty("--p-accent", options.accent);
        section.style.setProperty("--p-accent-fg", fg);
      }
    }
    var p = buildUi(section, labels, ids);
    var audio = options.audio || section.appendChild(el("audio", { preload: "none" }));
    audio.controls = false;
    audio.preload = "none";
    var audioUrl = base + info.audio_url;
    if (!options.audio) audio.src = audioUrl;

    var status = info.status;
    var knownDuration = info.status === "complete" ? info.duration || 0 : 0;
    var renderedSeconds = info.progress ? info.progress.audio_seconds || 0 : 0;
    var estimate = info.estimated_duration || 0;
    var positionKey = "reader:position:" + (base ? base + ":" : "") + info.id;
    var rateKey = "reader:rate";
    var sentenceEls = {};
    var sentences = []; // [{index, start, end, written, words}] sorted by start, only those with timings
    var current = -1;
    var follow = options.readAlong || options.caption;
    var marked = ""; // "sentence:word" marked
    var wordTimer = null;
    var started = false;
    var live = false;
    var pollTimer = null;
    var lastSaved = 0;
    var userScrolledAt = 0;
    var lastAnnounced = "";
    var pendingSeek = null;
    var sent = {};
    var rate = 1;

    if (options.readAlong) {
      Array.prototype.forEach.call(document.querySelectorAll(".s[data-i]"), function (node) { sentenceEls[node.dataset.i] = node; });
    }

    function emit(name, detail) {
      if (options.onEvent) options.onEvent(name, Object.assign({ id: info.id, currentTime: audio.currentTime }, detail || {}));
    }

    function beacon(event) {
      // Each at most once per page view; text/plain, so a cross-origin embed needs no preflight.
      if (sent[event]) return;
      sent[event] = true;
      try {
        if (navigator.sendBeacon) navigator.sendBeacon(base + "/api/articles/" + encodeURIComponent(info.id) + "/listens", JSON.stringify({ event: event }));
      } catch (e) { /* counting is not worth an error */ }
    }

    function announce(text) {
      if (text === lastAnnounced) return;
      lastAnnounced = text;
      p.status.textContent = text;
    }

    function duration() {
      if (status === "complete") return knownDuration || (isFinite(audio.duration) && audio.duration > 0 ? audio.duration : estimate);
      return Math.max(estimate, renderedSeconds);
    }

    /** How far the audio exists: all of it once complete, else what the renderer has made. */
    function availableEnd() {
      return status === "complete" ? duration() : renderedSeconds;
    }

    function showTimes() {
      var total = duration();
      var t = audio.currentTime || pendingSeek || 0;
      var approx = status === "complete" ? "" : "~";
      p.elapsed.textContent = clock(t);
      p.remaining.textContent = total ? "\u2212" + clock(Math.max(0, total - t)) : "--:--";
      if (total) p.seek.max = String(Math.ceil(total));
      if (document.activeElement !== p.seek && (!section.getRootNode || section.getRootNode().activeElement !== p.seek)) {
        p.seek.value = String(Math.floor(t));
      }
      p.seek.setAttribute("aria-valuetext", clock(t) + " / " + approx + clock(total));
      var played = total ? Math.min(100, (100 * t) / total) : 0;
      var ready = total ? Math.min(100, (100 * availableEnd()) / total) : 0;
      p.seek.style.setProperty("--played", played.toFixed(2) + "%");
      p.seek.style.setProperty("--rendered", ready.toFixed(2) + "%");
      p.rendered.textContent = status === "rendering" && renderedSeconds && total
        ? fill(labels.rendered, { done: clock(renderedSeconds), total: clock(total) }) : "";
    }

    function showMeta() {
      var total = duration();
      var length = "";
      if (total) {
        var n = Math.max(1, Math.round(total / 60));
        length = status === "complete" ? clock(total) : fill(labels.about, { n: n });
      }
      p.meta.textContent = [info.voice_name, length].filter(Boolean).join(" · ");
      showTimes();
    }

    function setTimings(list) {
      sentences = [];
      list.forEach(function (s) {
        if (s.start === null || s.start === undefined) return;
        sentences.push({ index: s.index, start: s.start, end: s.end, written: s.written, words: s.words });
        var node = sentenceEls[s.index];
        if (node) {
          node.dataset.start = s.start;
          node.classList.add("ready");
        }
      });
      sentences.sort(function (a, b) { return a.start - b.start; });
    }

    function sentenceAt(t) {
      var lo = 0, hi = sentences.length - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (sentences[mid].start <= t + 0.05) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }

    // s.words: [ms from s.start, begin, end (UTF-16 span of s.written)] * n
    function wordAt(s, t) {
      var w = s.words || [], ms = (t - s.start) * 1000 + 50, found = -1;
      for (var i = 0; i < w.length && w[i] <= ms; i += 3) found = i;
      return found;
    }

    function markWord(pos, t) {
      var s = sentences[pos];
      var i = s && words && wordsOn ? wordAt(s, t) : -1;
      var key = pos + ":" + i;
      if (key === marked) return;
      marked = key;
      if (!words) return;
      words.clear();
      var node = s && (p.now || sentenceEls[s.index]);
      if (i < 0 || !node) return;
      var range = document.createRange();
      try {
        range.setStart(node.firstChild, s.words[i + 1]);
        range.setEnd(node.firstChild, s.words[i + 2]);
      } catch (e) { return; } // a span past the text: no mark rather than a broken player
      words.add(range);
      // the caption is two lines high: the word's line to the top (a scroll moves no layout)
      if (p.now) p.now.scrollTop += range.getBoundingClientRect().top - p.now.getBoundingClientRect().top;
    }

    function highlight(t) {
      if (!follow) return;
      var pos = sentenceAt(t);
      if (pos !== current) showSentence(pos);
      markWord(pos, live ? t - 0.05 : t); // the live stream lacks the finished file's delay tag: 50 ms later
    }

    function showSentence(pos) {
      if (p.now) {
        p.now.textContent = pos < 0 ? "" : sentences[pos].written;
        p.now.scrollTop = 0;
      }
      if (current >= 0 && sentences[current]) {
        var old = sentenceEls[sentences[current].index];
        if (old) old.classList.remove("current");
      }
      current = pos;
      if (pos < 0) return;
      var node = sentenceEls[sentences[pos].index];
      section.dataset.sentence = sentences[pos].index;
      if (!node) return;
      node.classList.add("current");
      if (Date.now() - userScrolledAt > 4000) {
        var box = node.getBoundingClientRect();
        var top = section.getBoundingClientRect().bottom;
        if (box.top < top || box.bottom > window.innerHeight) {
          var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
          node.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
        }
      }
    }

    /* While words are marked, a timer for the next word's start: timeupdate comes every ~250 ms, longer
       than a word at 2×, and a lookup every animation frame cost the browser 3× the main-thread time. */
    function tick() {
      clearTimeout(wordTimer);
      if (audio.paused || !follow || !words || !wordsOn) return;
      var t = audio.currentTime;
      highlight(t);
      var s = sentences[current], after = sentences[current + 1];
      var next = after ? after.start - 0.05 : t + 1; // the mark changes at the next sentence's start…
      var w = (s && s.words) || [];
      for (var i = 0; i < w.length; i += 3) {
        var at = s.start + w[i] / 1000 - (live ? 0 : 0.05); // …or at its next word's (as markWord leads)
        if (at > t + 0.001) { next = Math.min(next, at); break; }
      }
      wordTimer = setTimeout(tick, Math.min(250, Math.max(5, (1000 * (next - t)) / (audio.playbackRate || 1))));
    }

    function update(data) {
      var was = status;
      status = data.status;
      section.dataset.status = status;
      if (data.estimated_duration) estimate = data.estimated_duration;
      if (data.progress) renderedSeconds = data.progress.audio_seconds || renderedSeconds;
      if (status === "complete" && data.duration) knownDuration = data.duration;
      if (data.voice_name) info.voice_name = data.voice_name;
      if (data.sentences) setTimings(data.sentences);
      if (p.now) highlight(audio.currentTime);
      showMeta();
      if (status === "complete" && was !== "complete" && started) announce(fill(labels.ready, { time: clock(knownDuration) }));
      if (status === "failed") announce(labels.failed + (data.error ? " " + data.error : ""));
      updateMediaPosition();
    }

    function fetchStatus() {
      return fetch(base + info.status_url, { credentials: base ? "omit" : "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
    }

    function poll() {
      clearTimeout(pollTimer);
      fetchStatus()
        .then(function (data) {
          update(data);
          if (data.status === "rendering") pollTimer = setTimeout(poll, 1000);
        })
        .catch(function () { pollTimer = setTimeout(poll, 3000); });
    }

    function seekable(t) {
      for (var i = 0; i < audio.seekable.length; i++) if (t >= audio.seekable.start(i) && t <= audio.seekable.end(i)) return true;
      for (var j = 0; j < audio.buffered.length; j++) if (t >= audio.buffered.start(j) && t <= audio.buffered.end(j)) return true;
      return false;
    }

    function reloadFinal(t, play) {
      // The render finished: switch from the stream to the finished file, which seeks anywhere.
      live = false;
      section.dataset.live = "0";
      audio.src = audioUrl + (audioUrl.indexOf("?") < 0 ? "?" : "&") + "final=1";
      pendingSeek = t;
      audio.playbackRate = rate;
      if (play) audio.play().catch(function () {});
    }

    function seekTo(t, play) {
      var total = duration();
      if (total) t = Math.min(t, total - 0.25);
      t = Math.max(0, t);
      if (!started) {
        start(t);
        return;
      }
      if (live && !seekable(t)) {
        if (status === "complete") {
          reloadFinal(t, play || !audio.paused);
          return;
        }
        announce(labels.preparing);
        showTimes();
        return;
      }
      audio.currentTime = t;
      if (play && audio.paused) audio.play().catch(function () {});
      highlight(t);
      showTimes();
      savePosition(true);
    }

    function start(at) {
      var focusInside = p.resume.contains(document.activeElement) || (section.getRootNode && p.resume.contains(section.getRootNode().activeElement));
      started = true;
      p.resume.hidden = true;
      p.timeline.hidden = false;
      section.classList.add("started");
      p.toggle.setAttribute("aria-label", labels.play);
      if (status !== "complete") {
        live = true;
        section.dataset.live = "1";
        poll();
      }
      audio.preload = "auto";
      if (at) pendingSeek = at;
      audio.playbackRate = rate;
      var playing = audio.play();
      if (playing && playing.catch) {
        playing.catch(function (e) {
          if (e && e.name === "NotAllowedError") {
            announce(labels.pressPlay);
            p.toggle.focus();
          }
        });
      }
      if (focusInside) p.toggle.focus();
      showTimes();
    }

    function savePosition(force) {
      var now = Date.now();
      if (!force && now - lastSaved < 3000) return;
      lastSaved = now;
      var t = audio.currentTime;
      var total = duration();
      if (total && t > total - 10) store(positionKey, null);
      else if (t > 5) store(positionKey, { t: t, at: now });
    }

    function updateMediaPosition() {
      if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState || !started) return;
      var total = duration();
      if (!total || !isFinite(audio.currentTime)) return;
      try {
        navigator.mediaSession.setPositionState({ duration: total, playbackRate: audio.playbackRate || 1, position: Math.min(audio.currentTime, total) });
      } catch (e) { /* a position past a growing duration; the next update fixes it */ }
    }

    function setupMediaSession() {
      if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
      try {
        navigator.mediaSession.metadata = new MediaMetadata({
          title: info.title || "",
          artist: info.artist || "",
          album: info.album || "",
          artwork: info.artwork ? [{ src: base + info.artwork }] : [],
        });
      } catch (e) { return; }
      var handlers = {
        play: function () { if (!started) start(0); else audio.play(); },
        pause: function () { audio.pause(); },
        seekbackward: function (d) { seekTo(audio.currentTime - ((d && d.seekOffset) || 15)); },
        seekforward: function (d) { seekTo(audio.currentTime + ((d && d.seekOffset) || 15)); },
        seekto: function (d) { seekTo(d.seekTime); },
        previoustrack: function () { stepSentence(-1); },
        nexttrack: function () { stepSentence(1); },
      };
      Object.keys(handlers).forEach(function (action) {
        try { navigator.mediaSession.setActionHandler(action, handlers[action]); } catch (e) { /* unsupported action */ }
      });
    }

    function stepSentence(delta) {
      if (!sentences.length) return;
      var pos = sentenceAt(audio.currentTime);
      // "Previous" restarts the current sentence unless it has only just begun.
      if (delta < 0 && pos >= 0 && audio.currentTime - sentences[pos].start > 2) delta = 0;
      var target = Math.min(sentences.length - 1, Math.max(0, pos + delta));
      seekTo(sentences[target].start, true);
    }

    function setRate(value, quiet) {
      var nearest = RATES.reduce(function (a, b) { return Math.abs(b - value) < Math.abs(a - value) ? b : a; });
      rate = nearest;
      audio.playbackRate = rate;
      var text = String(rate) + "×";
      p.speed.textContent = text;
      p.speed.setAttribute("aria-label", labels.speed + " " + text);
      store(rateKey, rate);
      if (!quiet) announce(labels.speed + " " + text);
    }

    function stepRate(direction, wrap) {
      var i = RATES.indexOf(rate);
      var next = i + direction;
      if (wrap) next = (next + RATES.length) % RATES.length;
      setRate(RATES[Math.min(RATES.length - 1, Math.max(0, next))]);
    }

    function toggleHelp(show) {
      if (show === undefined) show = p.help.hidden;
      p.help.hidden = !show;
      p.helpButton.setAttribute("aria-expanded", String(show));
    }

    function toggle() {
      if (!started) start(0);
      else if (audio.paused) audio.play().catch(function () {});
      else audio.pause();
    }

    /** Number keys: a tenth of what can be played now, never a guess past the rendered audio. */
    function jumpTo(tenth) {
      var end = availableEnd();
      if (live) {
        // The stream can seek only within what it has received, a little behind the render.
        var got = 0;
        for (var i = 0; i < audio.seekable.length; i++) got = Math.max(got, audio.seekable.end(i));
        for (var j = 0; j < audio.buffered.length; j++) got = Math.max(got, audio.buffered.end(j));
        if (got) end = Math.min(end, got);
      }
      if (end) seekTo((end * tenth) / 10, true);
    }

    // --- wiring ---------------------------------------------------------------

    setRate(load(rateKey) || 1, true);
    showMeta();
    setupMediaSession();

    var saved = load(positionKey);
    if (saved && saved.t > 5 && !options.autoplay) {
      p.resumeButton.textContent = fill(labels.resume, { time: clock(saved.t) });
      p.timeline.hidden = true;
      p.resume.hidden = false;
    }

    section.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button || !section.contains(button)) return;
      switch (button.dataset.action) {
        case "resume": start(saved ? saved.t : 0); announce(fill(labels.resuming, { time: clock(saved ? saved.t : 0) })); break;
        case "restart": store(positionKey, null); start(0); break;
        case "toggle": toggle(); break;
        case "back": seekTo(audio.currentTime - 15); break;
        case "forward": seekTo(audio.currentTime + 15); break;
        case "speed": stepRate(1, true); break;
        case "help": toggleHelp(); break;
      }
    });

    if (options.readAlong) {
      document.addEventListener("click", function (event) {
        var node = event.target.closest(".s[data-i]");
        if (!node || section.contains(node) || window.getSelection().toString()) return;
        if (node.dataset.start === undefined) {
          announce(labels.preparing);
          return;
        }
        seekTo(parseFloat(node.dataset.start), true);
      });
      ["wheel", "touchmove"].forEach(function (name) {
        window.addEventListener(name, function () { userScrolledAt = Date.now(); }, { passive: true });
      });
    }

    p.seek.addEventListener("input", function () { seekTo(parseFloat(p.seek.value)); });

    audio.addEventListener("loadedmetadata", function () {
      if (pendingSeek !== null) {
        var t = pendingSeek;
        pendingSeek = null;
        audio.currentTime = t;
      }
      audio.playbackRate = rate;
      showMeta();
    });
    audio.addEventListener("durationchange", function () { if (status === "complete") showMeta(); });
    audio.addEventListener("progress", showTimes);
    audio.addEventListener("timeupdate", function () {
      var t = audio.currentTime;
      showTimes();
      highlight(t);
      savePosition(false);
      if (status === "complete" && knownDuration) {
        [25, 50, 75].forEach(function (q) {
          if (!sent[q] && t >= (knownDuration * q) / 100) {
            beacon(String(q));
            emit("progress", { percent: q });
          }
        });
      }
    });
    audio.addEventListener("play", function () {
      section.classList.add("playing");
      p.toggle.setAttribute("aria-label", labels.pause);
      p.toggle.title = labels.pause + " (K)";
      if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "playing";
      if (lastAnnounced === labels.pressPlay) announce("");
      tick();
      beacon("play");
      emit("play");
    });
    audio.addEventListener("pause", function () {
      section.classList.remove("playing");
      p.toggle.setAttribute("aria-label", labels.play);
      p.toggle.title = labels.play + " (K)";
      if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "paused";
      savePosition(true);
      emit("pause");
    });
    audio.addEventListener("ratechange", updateMediaPosition);
    audio.addEventListener("ratechange", tick);
    audio.addEventListener("seeked", tick);
    audio.addEventListener("ended", function () {
      if (live && status === "complete" && duration() - audio.currentTime > 2) {
        reloadFinal(audio.currentTime, true);
        return;
      }
      if (status !== "complete") return; // the stream paused at the render's edge; "waiting" says so
      store(positionKey, null);
      announce(labels.finished);
      beacon("complete");
      emit("complete");
    });
    audio.addEventListener("playing", function () { if (lastAnnounced === labels.waiting) announce(""); });
    audio.addEventListener("waiting", function () { if (status === "rendering") announce(labels.waiting); });
    audio.addEventListener("error", function () { if (started) announce(labels.loadError); });
    window.addEventListener("pagehide", function () { if (started) savePosition(true); });

    var keys = options.keys || section;
    keys.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.composedPath ? event.composedPath()[0] : event.target;
      var tag = target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) {
        if (!(target === p.seek && "kKjJlLwW[]<>,.?".indexOf(event.key) >= 0)) return;
      }
      var key = event.key;
      if (key === "PageUp" || key === "PageDown") userScrolledAt = Date.now();
      if ((key === " " || key === "Enter") && (tag === "BUTTON" || tag === "A")) return; // the focused control acts
      var handled = true;
      switch (key) {
        case " ": case "k": case "K": toggle(); break;
        case "j": case "J": seekTo(audio.currentTime - 15); break;
        case "l": case "L": seekTo(audio.currentTime + 15); break;
        case "[": stepSentence(-1); break;
        case "]": stepSentence(1); break;
        case "<": case ",": stepRate(-1); break;
        case ">": case ".": stepRate(1); break;
        case "?": toggleHelp(); break;
        case "w": case "W":
          if (!words) { handled = false; break; }
          wordsOn = !wordsOn;
          store(wordsKey, wordsOn ? null : false);
          highlight(audio.currentTime);
          tick();
          announce(wordsOn ? labels.wordsOn : labels.wordsOff);
          break;
        case "Escape": if (!p.help.hidden) { toggleHelp(false); p.helpButton.focus(); } else handled = false; break;
        default:
          if (/^[0-9]$/.test(key) && started) jumpTo(parseInt(key, 10));
          else handled = false;
      }
      if (handled) event.preventDefault();
    });

    // Timings for a finished article come with the first API answer; sentences are clickable after it.
    if (follow || status !== "complete") {
      fetchStatus().then(function (data) {
        update(data);
        if (data.status === "rendering" && !started) pollTimer = setTimeout(poll, 2000);
      }).catch(function () {});
    }
    if (options.autoplay) start(saved && saved.t > 5 ? saved.t : 0);

    return {
      start: start,
      audio: audio,
      seekTo: seekTo,
      availableEnd: availableEnd,
      duration: duration,
    };
  }

  global.ArticleReaderPlayer = { create: create, labels: LABELS, clock: clock };

  // The app's article page: a server-rendered section with the article's facts in data attributes.
  var section = typeof document !== "undefined" && document.querySelector("section[data-reader-app]");
  if (section && !section.dataset.mounted) {
    section.dataset.mounted = "1";
    var d = section.dataset;
    var params = new URLSearchParams(location.search);
    var autoplay = params.get("play") === "1";
    if (autoplay && history.replaceState) {
      params.delete("play"); // a reload does not start playing again
      var rest = params.toString();
      history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
    var player = create(section, {
      info: {
        id: d.article, status: d.status, status_url: d.api, audio_url: d.audio, download_url: d.download,
        duration: parseFloat(d.duration) || 0, estimated_duration: parseFloat(d.estimate) || 0,
        progress: { audio_seconds: parseFloat(d.rendered) || 0 }, title: d.title, artist: d.artist, album: d.album,
        artwork: d.image || null, voice_name: d.voice || "",
      },
      audio: section.querySelector("audio"),
      readAlong: true,
      words: d.words !== "off",
      keys: document,
      autoplay: autoplay,
    });
    section.readerPlayer = player;
  }
})(window);
