"""The embed in a real browser (headless Chromium): the app's player, in a Shadow DOM, on other sites' pages.

On the server's own demo page (a strict CSP) and on a page of another origin, with and without that origin
in READER_CORS_ORIGINS, and with the server down: the player is the app's (same controls, same sheet), takes
the publisher's accent and labels, sends its listening beacons to its server, and when it cannot have the
audio the host page shows nothing broken while the console says what to change. Screenshots go to
test-output/.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading

import pytest
from browser_support import OUTPUT, WIDTHS, axe_violations, chromium, no_horizontal_overflow, wait

pytestmark = pytest.mark.browser

HOST = "[data-reader-player]"
SHADOW = "document.querySelector('[data-reader-player]').shadowRoot"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory)


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A site of its own</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {reader};
 connect-src {reader}; media-src {reader}; style-src 'self'">
<link rel="canonical" href="{page}"><link rel="stylesheet" href="/site.css"></head>
<body><header><nav>Home · World · Sport</nav></header>
<main><div id="story"><h1>Rivers, homes and a long evening at the library</h1>
<p>The council said new plans for the river would bring homes, jobs and parks to the town over the next ten years.</p>
<p>Residents asked how the work would be paid for and who would decide which streets came first.</p>
<p>The debate ran late into the evening at the old library, and a vote is expected next month.</p></div></main>
<script src="{reader}/embed/v1/embed.js" data-selector="#story" {attributes} async></script>
</body></html>
"""
# A host page's CSS that would wreck a player living in the page: the Shadow DOM keeps it out.
SITE_CSS = "button, input, section, div { all: unset; font-size: 40px; color: red; } svg { width: 200px !important; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Another origin: a static site on its own port, serving the host pages the tests write."""
    root = tmp_path_factory.mktemp("site")
    (root / "site.css").write_text(SITE_CSS, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.root = root  # type: ignore[attr-defined]
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()


def _host_page(site, name: str, reader: str, attributes: str = "") -> str:
    url = f"{site.origin}/{name}.html"
    (site.root / f"{name}.html").write_text(HOST_PAGE.format(reader=reader, page=url, attributes=attributes))
    return url


def test_the_demo_page_shows_the_apps_player_at_four_widths_under_a_strict_csp(live_server, browser):
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + "/embed/demo")
    page.evaluate(
        "window.readerEvents = [];"
        "['play', 'pause', 'progress', 'complete'].forEach(n => "
        "document.addEventListener('reader:' + n, e => readerEvents.push(e.type)))"
    )
    play = page.locator(f"{HOST} >> css=.p-play")
    play.wait_for(timeout=30_000)
    # the app's controls, from the same code and sheet
    for part in (".p-skip", ".p-speed", ".p-seek", ".p-remaining", ".p-download", ".p-meta", ".p-line"):
        assert page.evaluate(f"!!{SHADOW}.querySelector('{part}')"), part
    assert page.evaluate(f"{SHADOW}.adoptedStyleSheets[0].cssRules.length") > 20
    assert page.evaluate("document.querySelector('[data-reader-player]').nextElementSibling.tagName") == "ARTICLE"
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 640})
        page.wait_for_timeout(150)
        page.screenshot(path=str(OUTPUT / f"embed-{width}.png"), clip={"x": 0, "y": 0, "width": width, "height": 320})
        assert no_horizontal_overflow(page), width
    play.click()
    wait(page, "readerEvents.includes('reader:play')", timeout=30_000)
    play.click()
    wait(page, "readerEvents.includes('reader:pause')", timeout=10_000)
    assert axe_violations(page) == []  # axe looks inside the open shadow root too
    assert not [line for line in console if "Content Security Policy" in line], console
    assert page.context.cookies() == []

    # The next visit finds the page's audio by its URL: the page is not sent again
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/listens" not in r.url else None)
    page.reload()
    page.locator(f"{HOST} >> css=.p-play").wait_for(timeout=30_000)
    assert posts == []
    page.close()


def test_on_another_origin_with_cors_it_plays_in_the_publishers_colour_and_words_and_counts(
    start_live_server, browser, site
):
    reader = start_live_server(
        env={
            "READER_CORS_ORIGINS": json.dumps([site.origin]),
            "READER_FETCH_ALLOW": site.origin.removeprefix("http://"),
            "READER_ALLOWED_HOSTS": json.dumps([site.origin.removeprefix("http://")]),
        }
    )
    attributes = 'data-accent="#8a1538" data-lang="fr" data-label-listen="Écouter cet article" data-label-play="Lire"'
    url = _host_page(site, "allowed", reader.url, attributes)
    page = browser.new_page()
    beacons: list[tuple[str, str]] = []
    page.on("request", lambda r: beacons.append((r.url, r.post_data or "")) if r.url.endswith("/listens") else None)
    page.goto(url)
    play = page.locator(f"{HOST} >> css=.p-play")
    play.wait_for(timeout=60_000)
    assert page.evaluate("document.querySelector('[data-reader-player]').nextElementSibling.id") == "story"
    # the publisher's accent and labels; the site's CSS does not reach inside
    assert page.evaluate(f"getComputedStyle({SHADOW}.querySelector('.p-play')).backgroundColor") == "rgb(138, 21, 56)"
    assert page.evaluate(f"getComputedStyle({SHADOW}.querySelector('.p-play')).color") == "rgb(255, 255, 255)"
    assert page.evaluate(f"{SHADOW}.querySelector('section').lang") == "fr"
    assert page.evaluate(f"{SHADOW}.querySelector('.p-title').textContent") == "Écouter cet article"
    assert play.get_attribute("aria-label") == "Écouter cet article"
    assert page.evaluate(f"getComputedStyle({SHADOW}.querySelector('.p-play')).width") == "52px"  # the site's CSS
    assert page.evaluate(f"getComputedStyle({SHADOW}.querySelector('.p-title')).fontSize") == "16px"  # stays out
    play.click()
    wait(page, f"{SHADOW}.querySelector('audio').currentTime > 0.3", timeout=90_000)
    assert play.get_attribute("aria-label") == "Pause"
    page.set_viewport_size({"width": 390, "height": 640})
    page.screenshot(path=str(OUTPUT / "embed-other-origin-390.png"), clip={"x": 0, "y": 0, "width": 390, "height": 320})
    # one "play" beacon to the reader's origin, text/plain (no preflight), no cookies
    plays = [body for target, body in beacons if target.startswith(reader.url + "/api/articles/")]
    assert [json.loads(body) for body in plays] == [{"event": "play"}], beacons
    assert page.context.cookies(reader.url) == []
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("case", ["without CORS", "server down"])
def test_when_the_server_refuses_or_is_down_the_page_shows_nothing_and_the_console_says_why(
    start_live_server, browser, site, case
):
    reader = start_live_server()  # no READER_CORS_ORIGINS: this site's origin is not allowed
    url = _host_page(site, case.replace(" ", "-"), reader.url)
    page = browser.new_page()
    if case == "server down":
        page.goto(url)  # the script is now in the browser's cache (immutable), as on a returning reader's
        wait(page, "document.readyState === 'complete'")
        reader.stop()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    wait(page, "document.readyState === 'complete'")
    page.wait_for_timeout(1500)
    assert page.locator(HOST).count() == 0  # no half-drawn player, no broken box
    assert errors == []
    mine = [w for w in warnings if w.startswith("article reader:")]
    assert len(mine) == 1, warnings
    assert f"origin {site.origin}" in mine[0] and reader.url in mine[0] and "READER_CORS_ORIGINS" in mine[0]
    page.close()
