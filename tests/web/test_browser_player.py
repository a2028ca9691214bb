"""The app's player and pages in a real browser (headless Chromium), from an empty cache.

What a listener notices, at phone (390 px) and desktop (1280 px) widths: Listen on the library or the
preview page starts the sound (no second button), sound while the article is still rendering, the rendered
part shown for what it is, number keys that stay within the audio that exists, the highlight following,
speed, resume as one choice, nothing moving when playback starts; the design at 320, 390, 768 and 1280 px,
light and dark; a failed submit's error at the top of the form, focused; axe clean. Screenshots go to
test-output/ (docs/img/ keeps copies for docs/player.md).
"""

from __future__ import annotations

import re
import time

import pytest
from browser_support import OUTPUT, WIDTHS, api, axe_violations, chromium, no_horizontal_overflow, rendered, wait

pytestmark = pytest.mark.browser

AUDIO = "document.querySelector('#player audio')"
PLAYER = "document.getElementById('player')"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory)


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.csp_errors.append(str(error)))
    page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security" in m.text else None)
    yield page
    page.close()


def _box(page, selector: str) -> dict:
    return page.evaluate(
        f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect(); "
        "return {x: r.x, y: r.y, width: r.width, height: r.height}; })()"
    )


def _rgb(page, selector: str, prop: str = "backgroundColor") -> tuple[int, ...]:
    value = page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).{prop}")
    return tuple(int(float(n)) for n in re.findall(r"[\d.]+", value)[:3])


def _luminance(rgb: tuple[int, ...]) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


def _shot(page, name: str, width: int, height: int) -> None:
    page.screenshot(path=str(OUTPUT / name), clip={"x": 0, "y": 0, "width": width, "height": height})


def _add_from_library(page, url: str, text: str) -> str:
    page.goto(url + "/")
    page.evaluate("localStorage.clear()")  # a listener new to this server: no speed or position remembered
    page.fill("#add-content", text)
    page.click("#add form button[type=submit]:not([formaction])")
    page.wait_for_url(re.compile(r".*/articles/\w+"))
    return page.url.split("/articles/")[1].split("?")[0]


def test_one_design_at_four_widths_light_and_dark_and_no_shift_when_listen_is_pressed(live_server, page, make_article):
    created = api(live_server.url + "/api/articles", {"text": make_article(150, "A short story for the design")})
    rendered(live_server.url, created["id"])
    page.goto(live_server.url + created["page_url"])
    page.wait_for_selector("#player .p-play")
    assert "▶" not in page.inner_text("#player")  # icons are SVG, not characters a phone may draw as emoji
    assert page.locator("#player .p-play svg").count() == 2 and page.locator("#player .p-skip svg text").count() == 2
    assert re.search(r"\d:\d\d$", page.inner_text("#player .p-meta"))  # voice · duration (m:ss once rendered)
    assert page.inner_text("#player .p-speed") == "1×"  # a button like the others, not a native select
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 760})
            page.wait_for_timeout(150)
            suffix = "" if scheme == "light" else "-dark"
            _shot(page, f"player-{width}{suffix}.png", width, 460)
            assert no_horizontal_overflow(page), width
            player, seek, play = _box(page, "#player"), _box(page, "#player .p-seek"), _box(page, "#player .p-play")
            assert play["width"] == play["height"] >= 44  # round, a full-size target
            assert seek["width"] > 0.55 * player["width"], (width, seek, player)  # the seek bar takes the row
            for control in page.locator("#player button:visible, #player a:visible").all():
                box = control.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, control.get_attribute("class"))
                assert box["height"] >= 36, control.get_attribute("class")
        background = _luminance(_rgb(page, "#player"))
        assert background > 0.8 if scheme == "light" else background < 0.25, (scheme, background)
        assert axe_violations(page) == [], scheme
    page.emulate_media(color_scheme="light")

    # The controls appearing move nothing either: before player.js runs, their room is kept
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 760})
        page.evaluate("window.scrollTo(0, 0)")
        built = _box(page, ".reader-body p")["y"]
        bare = page.context.new_page()
        bare.set_viewport_size({"width": width, "height": 760})
        bare.route("**/player.js", lambda route: route.abort())
        bare.goto(page.url)
        assert bare.is_visible("#player audio[controls]")  # without the script, the native player
        assert abs(_box(bare, ".reader-body p")["y"] - built) <= 1, width
        bare.close()

    # Pressing play moves nothing: the player keeps its height, the text below stays where it was
    page.set_viewport_size({"width": 390, "height": 760})
    before = (_box(page, "#player")["height"], _box(page, ".reader-body p")["y"])
    page.click("#player .p-play")
    wait(page, f"{AUDIO}.currentTime > 0.3 && !{AUDIO}.paused")
    page.evaluate("window.scrollTo(0, 0)")
    after = (_box(page, "#player")["height"], _box(page, ".reader-body p")["y"])
    assert after == before
    assert page.get_attribute("#player .p-play", "aria-label") == "Pause"
    assert page.csp_errors == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_preview_page_has_a_listen_button_that_starts_playback(live_server, page, make_article, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/")
    page.fill("#add-content", make_article(200, f"A story previewed at {width}"))
    page.click("button[formaction]")
    page.wait_for_selector("table.script")
    assert axe_violations(page) == []
    page.click(".listen-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/articles/\w+"))
    wait(page, f"{AUDIO}.currentTime > 0.3 && !{AUDIO}.paused", timeout=60_000)
    assert page.inner_text("h1").startswith(f"A story previewed at {width}")


@pytest.mark.parametrize("width", [390, 1280])
def test_a_failed_submit_shows_its_error_at_the_top_of_the_form_focused_and_announced(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(live_server.url + "/")
    page.fill("#add-url", "")
    page.click("#add form button[type=submit]:not([formaction])")
    page.wait_for_selector("#form-error")
    assert page.get_attribute("#form-error", "role") == "alert"
    assert page.evaluate("document.activeElement.id") == "form-error"
    error, field = _box(page, "#form-error"), _box(page, "#add-url")
    assert error["y"] < field["y"]  # above the fields, not under the library
    assert error["y"] >= 0 and error["y"] + error["height"] <= 700  # on screen
    page.screenshot(path=str(OUTPUT / f"form-error-{width}.png"))
    assert axe_violations(page) == []


def test_library_rows_listen_at_once_and_the_page_makes_no_third_party_request(live_server, page, make_article):
    created = api(live_server.url + "/api/articles", {"text": make_article(120, "A row in the library")})
    rendered(live_server.url, created["id"])
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + "/")
    row = page.locator(".library-row", has_text="A row in the library")
    assert re.search(r"\d:\d\d", row.locator(".library-meta").inner_text())  # its duration
    assert page.is_visible("form[role=search] input[name=q]")
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=str(OUTPUT / "library-390.png"))
    assert axe_violations(page) == []
    row.locator("a.button", has_text="Listen").click()
    wait(page, f"{AUDIO} && {AUDIO}.currentTime > 0.3", timeout=30_000)
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("/static/favicon.svg")
    time.sleep(0.5)
    assert [url for url in requests if not url.startswith(live_server.url)] == []


@pytest.mark.parametrize("width", [390, 1280])
def test_library_search_delete_and_the_voice_menu(live_server, page, make_article, width):
    page.set_viewport_size({"width": width, "height": 800})
    keep = api(live_server.url + "/api/articles", {"text": make_article(60, f"Kept story at {width}")})
    gone = api(live_server.url + "/api/articles", {"text": make_article(61, f"Deleted story at {width}")})
    rendered(live_server.url, keep["id"])
    rendered(live_server.url, gone["id"])
    page.goto(live_server.url + "/")
    # the voice menu: grouped by language, the article/UI language first, the rest under "Other languages"
    groups = page.eval_on_selector_all("#add-voice optgroup", "gs => gs.map(g => [g.label, g.children.length])")
    assert groups and all(count > 0 for _, count in groups), groups
    assert groups[0][0] == "English"
    assert len(groups) == 1 or groups[-1][0] == "Other languages"
    # search: GET /?q=, the box keeps the query
    page.fill("#q", f"Kept story at {width}")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r".*\?q="))
    assert page.input_value("#q") == f"Kept story at {width}"
    titles = page.locator(".library-title").all_inner_texts()
    assert titles == [f"Kept story at {width}"], titles
    # delete: the row goes, the page comes back to the library
    page.goto(live_server.url + "/")
    row = page.locator(".library-row", has_text=f"Deleted story at {width}")
    row.get_by_role("button", name=re.compile("^Delete")).click()
    page.wait_for_load_state()
    assert page.locator(".library-row", has_text=f"Deleted story at {width}").count() == 0
    assert page.locator(".library-row", has_text=f"Kept story at {width}").count() == 1
    _shot(page, f"library-{width}.png", width, 800)
    assert axe_violations(page) == []
    assert no_horizontal_overflow(page)


@pytest.mark.parametrize("width", [390, 1280])
def test_listen_in_the_library_plays_at_once_while_rendering_and_resume_is_one_choice(
    live_server, page, make_article, width
):
    page.set_viewport_size({"width": width, "height": 800})
    article_id = _add_from_library(
        page, live_server.url, make_article(800 + width // 2, f"A long story read at {width}")
    )
    # ?play=1: the click on Listen was the gesture; sound comes with no second button
    # (generous: on a shared machine the previous test's long render may still hold the one worker)
    wait(page, f"{AUDIO}.currentTime > 0.5 && !{AUDIO}.paused", timeout=90_000)
    assert "play=1" not in page.url  # a reload will not start playing by itself
    status = api(f"{live_server.url}/api/articles/{article_id}")
    assert status["status"] == "rendering"
    assert page.get_attribute("#player", "data-live") == "1"

    # What is rendered is said as such, and number keys jump within it, not into the estimate
    line = "document.querySelector('#player .p-rendered').textContent"
    wait(page, f"/^Rendered \\d+:\\d\\d of ~\\d+:\\d\\d$/.test({line})")
    progress = f"fetch('/api/articles/{article_id}').then(r => r.json()).then(d => d.progress.audio_seconds"
    wait(page, progress + " > 30)", 90_000)
    page.wait_for_timeout(1500)  # the player polls once a second
    page.keyboard.press("9")
    page.wait_for_timeout(400)
    heard = page.evaluate(f"{AUDIO}.currentTime")
    now = api(f"{live_server.url}/api/articles/{article_id}")
    assert now["status"] == "rendering" and 0.9 * now["estimated_duration"] > now["progress"]["audio_seconds"] + 10
    assert 5 < heard <= now["progress"]["audio_seconds"] + 0.5, (heard, now["progress"])

    # The highlight follows; a click on a sentence seeks there
    page.wait_for_selector(".s.current", timeout=15_000)
    page.wait_for_selector('.s[data-i="4"][data-start]', timeout=30_000)
    start = float(page.get_attribute('.s[data-i="4"]', "data-start"))
    page.click('.s[data-i="4"]')
    wait(page, f"Math.abs({AUDIO}.currentTime - {start}) < 1.5 && {PLAYER}.dataset.sentence === '4'", timeout=10_000)

    # Speed: one button, stepping 1× → 1.25× → 1.5×, and it takes effect
    page.click("#player .p-speed")
    page.click("#player .p-speed")
    assert page.inner_text("#player .p-speed") == "1.5×"
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5

    page.wait_for_timeout(2500)
    page.focus("#player .p-play")
    page.keyboard.press("k")
    wait(page, f"{AUDIO}.paused")
    saved = page.evaluate(f"{AUDIO}.currentTime")
    _shot(page, f"flow-playing-{width}.png", width, 520)
    assert axe_violations(page) == []
    height = _box(page, "#player")["height"]

    # After a reload: one clear choice, in the timeline's place (nothing moves), and it is taken
    page.reload()
    page.wait_for_selector("#player .p-resume:not([hidden])")
    assert page.inner_text("#player [data-action=resume]") == f"Resume at {int(saved) // 60}:{int(saved) % 60:02d}"
    assert page.inner_text("#player [data-action=restart]") == "Start over"
    assert page.is_hidden("#player .p-timeline")
    assert _box(page, "#player")["height"] == height
    _shot(page, f"flow-resume-{width}.png", width, 520)
    page.click("#player [data-action=resume]")
    wait(page, f"Math.abs({AUDIO}.currentTime - {saved}) < 3 && !{AUDIO}.paused", timeout=30_000)
    assert page.evaluate(f"{AUDIO}.playbackRate") == 1.5
    assert page.evaluate("document.activeElement.dataset.action") == "toggle"  # focus is not lost with the choice
    assert no_horizontal_overflow(page)
    assert page.csp_errors == []
