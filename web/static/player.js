/* The article page's player: plain JavaScript, no build step.
 *
 * The page works without this file (a native <audio controls> element). With it:
 * a Listen button, custom controls, read-along highlighting from the manifest's
 * sentence timings, click-to-seek, speed, position remembered per article,
 * Media Session, keyboard shortcuts. While the article is still rendering the
 * audio streams as chunks complete, and the timings arrive by polling the API.
 */
(function () {
  "use strict";

  var root = document.getElementById("player");
  if (!root) return;
  var audio = root.querySelector("audio");
  var ui = root.querySelector(".player-ui");
  var listenButton = root.querySelector(".listen");
  var listenDuration = root.querySelector(".listen-duration");
  var controls = root.querySelector(".controls");
  var toggleButton = root.querySelector("[data-action=toggle]");
  var seek = root.querySelector(".seek");
  var elapsedText = root.querySelector(".elapsed");
  var totalText = root.querySelector(".total");
  var speed = root.querySelector(".speed");
  var download = root.querySelector(".download");
  var statusLine = root.querySelector(".player-status");
  var resumeBox = root.querySelector(".resume");
  var help = root.querySelector(".help");
  var helpButton = root.querySelector("[data-action=help]");
  var progressBar = root.querySelector(".progress-bar");
  var progressFill = root.querySelector(".progress-fill");

  var articleId = root.dataset.article;
  var apiUrl = root.dataset.api;
  var audioUrl = root.dataset.audio;
  var status = root.dataset.status;
  var knownDuration = parseFloat(root.dataset.duration) || 0;
  var positionKey = "reader:position:" + articleId;
  var rateKey = "reader:rate";
  var sentenceEls = {};
  var sentences = []; // [{index, start, end}] sorted by start, only those with timings
  var current = -1;
  var started = false;
  var pollTimer = null;
  var lastSaved = 0;
  var userScrolledAt = 0;
  var lastAnnounced = "";
  var pendingSeek = null;
  var lastQuarter = -1;

  Array.prototype.forEach.call(document.querySelectorAll(".s[data-i]"), function (el) {
    sentenceEls[el.dataset.i] = el;
  });

  function clock(seconds) {
    if (!isFinite(seconds) || seconds < 0) seconds = 0;
    seconds = Math.floor(seconds);
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function spokenClock(seconds) {
    seconds = Math.floor(seconds || 0);
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    var parts = [];
    if (m) parts.push(m + (m === 1 ? " minute" : " minutes"));
    parts.push(s + (s === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  function announce(text) {
    if (text === lastAnnounced) return;
    lastAnnounced = text;
    statusLine.textContent = text;
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

  function duration() {
    if (status === "complete" && knownDuration) return knownDuration;
    if (isFinite(audio.duration) && audio.duration > 0 && status === "complete") return audio.duration;
    // While rendering: the estimate from the word count, or the audio made so far when that is longer.
    return Math.max(knownDuration, parseFloat(root.dataset.estimate) || 0);
  }

  function setTimings(list) {
    sentences = [];
    list.forEach(function (s) {
      if (s.start === null || s.start === undefined) return;
      sentences.push({ index: s.index, start: s.start, end: s.end });
      var el = sentenceEls[s.index];
      if (el) {
        el.dataset.start = s.start;
        el.classList.add("ready");
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

  function highlight(t) {
    var pos = sentenceAt(t);
    if (pos === current) return;
    if (current >= 0 && sentences[current]) {
      var old = sentenceEls[sentences[current].index];
      if (old) old.classList.remove("current");
    }
    current = pos;
    if (pos < 0) return;
    var el = sentenceEls[sentences[pos].index];
    if (!el) return;
    el.classList.add("current");
    root.dataset.sentence = sentences[pos].index;
    if (Date.now() - userScrolledAt > 4000) {
      var box = el.getBoundingClientRect();
      var top = root.getBoundingClientRect().bottom;
      if (box.top < top || box.bottom > window.innerHeight) {
        var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
        el.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
      }
    }
  }

  function showDuration() {
    var total = duration();
    if (total) {
      totalText.textContent = (status === "complete" ? "" : "~") + clock(total);
      listenDuration.textContent = (status === "complete" ? "" : "about ") + Math.max(1, Math.round(total / 60)) + " min";
      seek.max = String(Math.floor(total));
    } else {
      var estimate = parseFloat(root.dataset.estimate) || 0;
      listenDuration.textContent = estimate ? "about " + Math.max(1, Math.round(estimate / 60)) + " min" : "";
    }
  }

  function update(data) {
    status = data.status;
    root.dataset.status = status;
    if (data.duration) knownDuration = data.duration;
    else if (data.progress && data.progress.audio_seconds) knownDuration = data.progress.audio_seconds;
    if (data.sentences) setTimings(data.sentences);
    showDuration();
    if (status === "rendering" && data.progress && data.progress.total) {
      var pct = Math.floor((100 * data.progress.done) / data.progress.total);
      progressBar.hidden = false;
      progressFill.style.width = pct + "%";
      var quarter = Math.floor(pct / 25);
      if (started && quarter !== lastQuarter) {
        lastQuarter = quarter;
        announce("Preparing the audio: " + quarter * 25 + "% ready.");
      }
    } else if (status === "complete") {
      progressBar.hidden = true;
      download.hidden = false;
      if (started) announce("The whole article is ready: " + spokenClock(knownDuration) + ".");
    } else if (status === "failed") {
      progressBar.hidden = true;
      announce("Sorry, the audio could not be made" + (data.error ? ": " + data.error : "."));
    }
    updateMediaPosition();
  }

  function poll() {
    clearTimeout(pollTimer);
    fetch(apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        update(data);
        if (data.status === "rendering") pollTimer = setTimeout(poll, 1000);
      })
      .catch(function () { pollTimer = setTimeout(poll, 3000); });
  }

  function isLive() {
    // Played from the stream of a render in progress: only what has arrived can be sought.
    return root.dataset.live === "1";
  }

  function seekable(t) {
    for (var i = 0; i < audio.seekable.length; i++) {
      if (t >= audio.seekable.start(i) && t <= audio.seekable.end(i)) return true;
    }
    for (var j = 0; j < audio.buffered.length; j++) {
      if (t >= audio.buffered.start(j) && t <= audio.buffered.end(j)) return true;
    }
    return false;
  }

  function reloadFinal(t, play) {
    // The render finished: switch from the stream to the finished file, which seeks anywhere.
    root.dataset.live = "0";
    var rate = audio.playbackRate;
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
    if (isLive() && !seekable(t)) {
      if (status === "complete") {
        reloadFinal(t, play || !audio.paused);
        return;
      }
      announce("That part is still being prepared.");
      return;
    }
    audio.currentTime = t;
    if (play && audio.paused) audio.play().catch(function () {});
    highlight(t);
    savePosition(true);
  }

  function start(at) {
    started = true;
    listenButton.hidden = true;
    resumeBox.hidden = true;
    controls.hidden = false;
    root.classList.add("started");
    if (status !== "complete") {
      root.dataset.live = "1";
      poll();
    }
    audio.preload = "auto";
    if (at) pendingSeek = at;
    audio.playbackRate = parseFloat(speed.value) || 1;
    var playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(function (e) {
        if (e && e.name === "NotAllowedError") announce("Press play to start listening.");
      });
    }
    toggleButton.focus();
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
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState) return;
    var total = duration();
    if (!total || !isFinite(audio.currentTime)) return;
    try {
      navigator.mediaSession.setPositionState({
        duration: total,
        playbackRate: audio.playbackRate || 1,
        position: Math.min(audio.currentTime, total),
      });
    } catch (e) { /* a position past a growing duration; the next update fixes it */ }
  }

  function setupMediaSession() {
    if (!("mediaSession" in navigator)) return;
    var artwork = root.dataset.image ? [{ src: root.dataset.image }] : [];
    try {
      navigator.mediaSession.metadata = new MediaMetadata({
        title: root.dataset.title,
        artist: root.dataset.artist,
        album: root.dataset.album,
        artwork: artwork,
      });
    } catch (e) { return; }
    var handlers = {
      play: function () { audio.play(); },
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

  function setRate(rate) {
    rate = Math.min(3, Math.max(0.5, rate));
    audio.playbackRate = rate;
    speed.value = String(rate);
    store(rateKey, rate);
    announce("Speed " + rate + "×");
  }

  function stepRate(direction) {
    var options = Array.prototype.map.call(speed.options, function (o) { return parseFloat(o.value); });
    var i = options.indexOf(parseFloat(speed.value));
    if (i < 0) i = options.indexOf(1);
    setRate(options[Math.min(options.length - 1, Math.max(0, i + direction))]);
  }

  function toggleHelp(show) {
    if (show === undefined) show = help.hidden;
    help.hidden = !show;
    helpButton.setAttribute("aria-expanded", String(show));
  }

  // --- wiring ---------------------------------------------------------------

  audio.controls = false;
  audio.preload = "none";
  ui.hidden = false;
  root.classList.add("js");
  download.hidden = status !== "complete";
  var savedRate = load(rateKey);
  if (savedRate) {
    speed.value = String(savedRate);
    if (!speed.value) speed.value = "1";
  }
  showDuration();
  setupMediaSession();

  var saved = load(positionKey);
  if (saved && saved.t > 5) {
    root.querySelector(".resume-time").textContent = clock(saved.t);
    resumeBox.hidden = false;
    announce("You stopped at " + clock(saved.t) + " last time. Resume or start again.");
  }

  // Timings for a finished article come with the page's first API answer; sentences are clickable after it.
  fetch(apiUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) return;
      var wasStarted = started;
      update(data);
      if (data.status === "rendering" && !wasStarted) pollTimer = setTimeout(poll, 2000);
    })
    .catch(function () {});

  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) return;
    switch (button.dataset.action) {
      case "listen": start(0); break;
      case "resume": start(saved ? saved.t : 0); announce("Resuming at " + clock(saved ? saved.t : 0) + "."); break;
      case "restart": store(positionKey, null); start(0); break;
      case "toggle": if (audio.paused) audio.play().catch(function () {}); else audio.pause(); break;
      case "back": seekTo(audio.currentTime - 15); break;
      case "forward": seekTo(audio.currentTime + 15); break;
      case "help": toggleHelp(); break;
    }
  });

  document.addEventListener("click", function (event) {
    var el = event.target.closest(".s[data-i]");
    if (!el || root.contains(el) || window.getSelection().toString()) return;
    if (el.dataset.start === undefined) {
      announce("That sentence is still being prepared.");
      return;
    }
    seekTo(parseFloat(el.dataset.start), true);
  });

  seek.addEventListener("input", function () { seekTo(parseFloat(seek.value)); });
  speed.addEventListener("change", function () { setRate(parseFloat(speed.value)); });

  audio.addEventListener("loadedmetadata", function () {
    if (pendingSeek !== null) {
      var t = pendingSeek;
      pendingSeek = null;
      audio.currentTime = t;
    }
    audio.playbackRate = parseFloat(speed.value) || 1;
    showDuration();
  });
  audio.addEventListener("timeupdate", function () {
    var t = audio.currentTime;
    elapsedText.textContent = clock(t);
    if (document.activeElement !== seek) seek.value = String(Math.floor(t));
    seek.setAttribute("aria-valuetext", clock(t) + " of " + clock(duration()));
    highlight(t);
    savePosition(false);
  });
  audio.addEventListener("play", function () {
    root.classList.add("playing");
    toggleButton.setAttribute("aria-label", "Pause");
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "playing";
  });
  audio.addEventListener("pause", function () {
    root.classList.remove("playing");
    toggleButton.setAttribute("aria-label", "Play");
    if ("mediaSession" in navigator) navigator.mediaSession.playbackState = "paused";
    savePosition(true);
  });
  audio.addEventListener("ratechange", function () { updateMediaPosition(); });
  audio.addEventListener("ended", function () {
    if (isLive() && status === "complete" && duration() - audio.currentTime > 2) {
      reloadFinal(audio.currentTime, true);
      return;
    }
    store(positionKey, null);
    announce("Finished.");
  });
  audio.addEventListener("playing", function () {
    if (statusLine.textContent.indexOf("Waiting") === 0) announce("");
  });
  audio.addEventListener("waiting", function () {
    if (status === "rendering") announce("Waiting for the next sentence to be ready…");
  });
  audio.addEventListener("error", function () {
    announce("The audio could not be loaded. You can try again or download it.");
  });

  ["wheel", "touchmove"].forEach(function (name) {
    window.addEventListener(name, function () { userScrolledAt = Date.now(); }, { passive: true });
  });
  window.addEventListener("keydown", function (event) {
    if (event.key === "PageUp" || event.key === "PageDown") userScrolledAt = Date.now();
  });
  window.addEventListener("pagehide", function () { if (started) savePosition(true); });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var tag = target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) {
      if (!(tag === "INPUT" && target.type === "range" && "kjl[]<>?".indexOf(event.key) >= 0)) return;
    }
    var key = event.key;
    if (key === " " && (tag === "BUTTON" || tag === "A")) return; // space activates the focused control
    var handled = true;
    switch (key) {
      case " ": case "k": case "K":
        if (!started) start(0); else if (audio.paused) audio.play().catch(function () {}); else audio.pause();
        break;
      case "j": case "J": seekTo(audio.currentTime - 15); break;
      case "l": case "L": seekTo(audio.currentTime + 15); break;
      case "[": stepSentence(-1); break;
      case "]": stepSentence(1); break;
      case "<": case ",": stepRate(-1); break;
      case ">": case ".": stepRate(1); break;
      case "?": toggleHelp(); break;
      case "Escape": if (!help.hidden) { toggleHelp(false); helpButton.focus(); } else handled = false; break;
      default:
        if (/^[0-9]$/.test(key) && duration()) seekTo((duration() * parseInt(key, 10)) / 10);
        else handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
