/* article-reader embed v1: <script src="(your reader server)/embed/v1/embed.js" async></script>
 *
 * The server sends this file after the shared player (player.js, and player.css as a string), so the
 * embed is the app's player, not a second copy. This part finds the article on the page (or
 * data-selector / data-url on the script tag), asks the reader server for the audio of this page's URL
 * (its canonical link, else its address), and puts the player above it inside a Shadow DOM, so the
 * page's CSS cannot touch it. Only the URL is sent, never the page's HTML: the server fetches and reads
 * the page itself, and only from hosts its operator allowed (READER_ALLOWED_HOSTS), so no page can put
 * its own text under another page's address. No cookies, no third-party requests, no inline code or
 * styles (a strict Content-Security-Policy allows it once the reader's origin is in script-src,
 * connect-src and media-src). When the server cannot be reached or refuses this origin, the page shows
 * nothing and the console says what to change.
 *
 * Tag attributes: data-accent (a CSS colour), data-lang (the labels' language tag), data-label-NAME
 * (any label of ArticleReaderPlayer.labels, e.g. data-label-listen="Écouter l'article"), data-words="off"
 * (no word marked in the sentence shown).
 * Events on the host page, for a site's own analytics: reader:play, reader:pause,
 * reader:progress {percent}, reader:complete.
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[src*='embed.js']");
  var Player = window.ArticleReaderPlayer;
  if (!script || script.dataset.readerMounted || !Player) return;
  script.dataset.readerMounted = "1";
  var server = new URL(script.src, location.href).origin;
  // !important: for the host element itself, the page's rules (say div{font-size:40px}) would win otherwise
  var HOST_CSS = ":host{all:initial!important;display:block!important;margin:0 0 1.25em!important}.player{font-size:16px}";

  function labels() {
    var found = {};
    Object.keys(script.dataset).forEach(function (key) {
      if (key.indexOf("label") === 0 && key.length > 5) found[key.charAt(5).toLowerCase() + key.slice(6)] = script.dataset[key];
    });
    return found;
  }

  function findTarget() {
    var selector = script.dataset.selector;
    if (selector) return document.querySelector(selector);
    var found = null;
    ["article", "[itemprop='articleBody']", "main", "[role=main]"].some(function (s) { return (found = document.querySelector(s)); });
    return found || document.body;
  }

  function pageUrl() {
    if (script.dataset.url) return script.dataset.url;
    var canonical = document.querySelector("link[rel=canonical]");
    return canonical ? canonical.href : location.href.split("#")[0];
  }

  function refused(detail) {
    var error = new Error(detail);
    error.unreachable = true;
    return error;
  }

  function api(path, options) {
    options = options || {};
    options.credentials = "omit";
    options.mode = "cors";
    return fetch(server + path, options).then(
      function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error((body.error && body.error.message) || "HTTP " + r.status);
          return body;
        });
      },
      function () {
        // The browser does not say which: the server is down, or it did not allow this origin (CORS).
        throw refused("unreachable or refused by CORS");
      }
    );
  }

  function warn(error) {
    if (!window.console || !console.warn) return;
    if (error.unreachable) {
      console.warn(
        "article reader: no player on this page. The reader server " + server + " could not be reached, " +
          "or it does not allow this page's origin " + location.origin + ": its operator can add " +
          location.origin + " to READER_CORS_ORIGINS (the exact origin: scheme, host and port)."
      );
    } else {
      console.warn("article reader: no player on this page (" + location.origin + "): " + server + " answered: " + error.message);
    }
  }

  function mount(target, info) {
    var host = document.createElement("div");
    host.setAttribute("data-reader-player", "");
    var root = host.attachShadow({ mode: "open" });
    var css = HOST_CSS + (Player.css || "");
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = document.createElement("style"); // older browsers; a strict CSP may drop this styling
      style.textContent = css;
      root.appendChild(style);
    }
    var names = Object.assign({}, Player.labels, labels());
    var section = document.createElement("section");
    section.className = "player";
    section.setAttribute("aria-label", names.listen);
    if (script.dataset.lang) section.setAttribute("lang", script.dataset.lang);
    root.appendChild(section);
    if (target === document.body) target.insertBefore(host, target.firstChild);
    else target.parentNode.insertBefore(host, target);
    Player.create(section, {
      info: {
        id: info.id, status: info.status, status_url: info.status_url, audio_url: info.audio_url,
        download_url: info.download_url, duration: info.duration, estimated_duration: info.estimated_duration,
        progress: info.progress, title: info.title, artist: info.byline || info.site_name, album: info.site_name,
        artwork: info.artwork_url || null, voice_name: info.voice_name || "",
      },
      base: server,
      labels: names,
      accent: script.dataset.accent,
      caption: true,
      words: script.dataset.words !== "off",
      keys: section,
      onEvent: function (name, detail) {
        host.dispatchEvent(new CustomEvent("reader:" + name, { bubbles: true, composed: true, detail: detail }));
      },
    });
    return host;
  }

  function start() {
    var target = findTarget();
    if (!target) return;
    // Ask for the page's audio by URL first: once rendered, no page needs to be sent or read again.
    api("/api/articles?url=" + encodeURIComponent(pageUrl()))
      .then(function (found) {
        var known = found.articles[0];
        if (known && known.status !== "failed") return known;
        var body = JSON.stringify({ url: pageUrl() });
        return api("/api/articles", { method: "POST", headers: { "Content-Type": "application/json" }, body: body });
      })
      .then(function (created) { return api(created.status_url); })
      .then(function (info) { mount(target, info); })
      .catch(warn);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
