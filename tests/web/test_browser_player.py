"""The player in a real browser: Debian's chromium, headless, driven by Playwright (no browser download).

Starts from an empty cache, pastes an article into the library form, clicks Listen,
and checks what a listener notices: sound (the audio clock advancing) while the
article is still rendering, the highlighted sentence following along, a click on a
sentence seeking there, the speed taking effect, the position offered again after a
reload; an axe-core scan with no violations; screenshots under test-output/.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = Path(os.environ.get("READER_TEST_OUTPUT", Path(__file__).resolve().parent.parent.parent / "test-output"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: ./quickstart.sh test installs it")
    profile = tmp_path_factory.mktemp("chromium-profile")  # a new, empty user-data-dir
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 850},
        )
        try:
            yield context
        finally:
            context.close()


def _axe_violations(page) -> list[dict]:
    from importlib.resources import files

    axe_source = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def _wait(page, expression: str, timeout: float = 30_000) -> None:
    """Poll ``expression`` until truthy. (Playwright's wait_for_function evaluates a string with eval,
    which the pages' Content-Security-Policy forbids; page.evaluate goes through DevTools.)"""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(100)


def _now(page) -> float:
    return page.evaluate("document.querySelector('#player audio').currentTime")


def _status(page) -> str:
    return page.evaluate("fetch(document.getElementById('player').dataset.api).then(r => r.json()).then(d => d.status)")


def test_listen_while_rendering_highlight_seek_speed_resume_and_accessibility(live_server, browser, make_article):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if "Content Security" in message.text else None)

    page.goto(live_server.url + "/")
    assert not list(live_server.cache.glob("chunks/**/*.mp3"))  # an empty cache
    page.fill("#add-content", make_article(4000, "A long story to listen to"))
    page.click("form button[type=submit]:not([formaction])")
    page.wait_for_url("**/articles/*")

    # Keyboard alone reaches the Listen button
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('listen')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('listen')")
    assert page.is_visible(".listen .listen-duration")
    page.keyboard.press("Enter")

    # Sound starts while the article is still rendering
    _wait(page, "document.querySelector('#player audio').currentTime > 0.5", timeout=30_000)
    assert _status(page) == "rendering"
    assert page.get_attribute("#player", "data-live") == "1"
    # lock-screen and headphone controls know what is playing
    assert page.evaluate("navigator.mediaSession.metadata.title") == "A long story to listen to"
    assert page.evaluate("navigator.mediaSession.playbackState") == "playing"

    # The highlighted sentence follows the audio
    page.wait_for_selector(".s.current", timeout=15_000)
    first = page.get_attribute("#player", "data-sentence")
    _wait(page, f"document.getElementById('player').dataset.sentence !== '{first}'", timeout=30_000)
    assert page.locator(".s.current").count() == 1
    page.screenshot(path=str(OUTPUT / "player.png"))

    # A click on a sentence seeks there
    target = page.locator('.s[data-i="6"]')
    page.wait_for_selector('.s[data-i="6"][data-start]', timeout=30_000)
    start = float(target.get_attribute("data-start"))
    target.click()
    _wait(page, f"Math.abs(document.querySelector('#player audio').currentTime - {start}) < 1.5", timeout=10_000)
    _wait(page, "document.getElementById('player').dataset.sentence === '6'", timeout=10_000)

    # The speed change takes effect: the audio clock runs about twice as fast as the wall clock
    page.select_option(".speed", "2")
    assert page.evaluate("document.querySelector('#player audio').playbackRate") == 2
    before, wall = _now(page), time.monotonic()
    page.wait_for_timeout(3000)
    ratio = (_now(page) - before) / (time.monotonic() - wall)
    assert ratio > 1.4, ratio

    # Keyboard: K pauses; the position is remembered
    page.locator(".controls [data-action=toggle]").focus()
    page.keyboard.press("k")
    _wait(page, "document.querySelector('#player audio').paused")
    saved = _now(page)
    assert saved > 5

    violations = _axe_violations(page)
    assert violations == [], violations

    # After a reload the position is offered again, and taken
    page.reload()
    page.wait_for_selector(".resume:not([hidden])")
    assert page.inner_text(".resume-time") == f"{int(saved) // 60}:{int(saved) % 60:02d}"
    page.click("[data-action=resume]")
    _wait(
        page,
        f"Math.abs(document.querySelector('#player audio').currentTime - {saved}) < 3 && "
        "!document.querySelector('#player audio').paused",
        timeout=30_000,
    )
    assert page.evaluate("document.querySelector('#player audio').playbackRate") == 2  # the speed too

    page.set_viewport_size({"width": 375, "height": 740})
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUTPUT / "player-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
    page.close()


def test_library_and_preview_pages_pass_axe(live_server, browser, seed_text):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert _axe_violations(page) == []
    page.fill("#add-content", seed_text.read_text(encoding="utf-8"))
    page.click("button[formaction]")
    page.wait_for_selector("table.script")
    assert _axe_violations(page) == []
    page.close()


def test_embed_script_inserts_an_isolated_player_under_a_strict_csp_and_reports_events(live_server, browser):
    page = browser.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(live_server.url + "/embed/demo")
    page.evaluate(
        "window.readerEvents = [];"
        "['play', 'pause', 'progress', 'complete'].forEach(n => "
        "document.addEventListener('reader:' + n, e => readerEvents.push(e.type)))"
    )
    listen = page.locator("[data-reader-player] >> css=button.listen")
    listen.wait_for(timeout=30_000)
    assert page.evaluate("document.querySelector('[data-reader-player]').shadowRoot !== null")
    # above the article, styled by its own sheet, untouched by the page's CSS
    assert page.evaluate("document.querySelector('[data-reader-player]').nextElementSibling.tagName === 'ARTICLE'")
    listen.click()
    _wait(page, "readerEvents.includes('reader:play')", timeout=30_000)
    page.locator("[data-reader-player] >> css=button.play").click()
    _wait(page, "readerEvents.includes('reader:pause')", timeout=10_000)
    page.screenshot(path=str(OUTPUT / "embed.png"))
    assert _axe_violations(page) == []  # axe looks inside the open shadow root too
    assert not [line for line in console if "Content Security Policy" in line], console
    assert page.context.cookies() == []

    # The next visit finds the page's audio by its URL: the page is not sent again
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.reload()
    page.locator("[data-reader-player] >> css=button.listen").wait_for(timeout=30_000)
    assert posts == []
    page.close()


HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A site of its own</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' {reader};
 connect-src {reader}; media-src {reader}; style-src 'self'">
<link rel="canonical" href="{page}"></head>
<body><header><nav>Home · World · Sport</nav></header>
<div id="story"><h1>Rivers, homes and a long evening at the library</h1>
<p>The council said new plans for the river would bring homes, jobs and parks to the town over the next ten years.</p>
<p>Residents asked how the work would be paid for and who would decide which streets came first.</p>
<p>The debate ran late into the evening at the old library, and a vote is expected next month.</p></div>
<script src="{reader}/embed/v1/embed.js" data-selector="#story" async></script>
</body></html>
"""


def test_embed_on_another_sites_page_works_only_when_that_site_is_allowed(browser, start_live_server, tmp_path):
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    host = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{host.server_address[1]}"
    try:
        # the page may call the API (CORS) and the server may read it: the embed sends only its URL
        site_host = origin.removeprefix("http://")
        allowed = start_live_server(env={"READER_CORS_ORIGINS": f'["{origin}"]', "READER_FETCH_ALLOW": site_host})
        closed = start_live_server()
        for name, reader in (("allowed", allowed), ("closed", closed)):
            page_url = f"{origin}/{name}.html"
            (site / f"{name}.html").write_text(HOST_PAGE.format(reader=reader.url, page=page_url), encoding="utf-8")

        page = browser.new_page()
        page.goto(f"{origin}/allowed.html")
        listen = page.locator("[data-reader-player] >> css=button.listen")
        listen.wait_for(timeout=30_000)
        assert page.evaluate("document.querySelector('[data-reader-player]').nextElementSibling.id") == "story"
        listen.click()
        _wait(
            page, "document.querySelector('[data-reader-player]').shadowRoot.querySelector('audio').currentTime > 0.3"
        )
        assert page.context.cookies(reader.url) == []
        page.close()

        page = browser.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{origin}/closed.html")
        _wait(page, "document.readyState === 'complete'")
        page.wait_for_timeout(1500)
        assert page.locator("[data-reader-player]").count() == 0  # no CORS grant: the page shows no player
        assert not list(closed.cache.glob("articles/*"))  # the POST's preflight was refused: nothing rendered
        page.close()
    finally:
        host.shutdown()
        host.server_close()
