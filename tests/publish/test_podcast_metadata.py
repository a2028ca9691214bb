"""What a podcast episode says about itself: its date, its description, and the page that plays it.

Pages with and without dates are built into a real show (real audio) and read back with feedparser
and gPodder's podcastparser: a date comes from the page's metadata, FEED.toml or the first build,
never from a year in the text; the description is the standfirst, else the first paragraph. The
site's index.html is played in a real Chromium.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import feedparser
import podcastparser
import pytest

from reader.article import Article, Block
from reader.publish import build_site
from reader.publish.podcast_site import _description
from reader.text.extract_html import extract_html

BASE = "https://pod.example.org/dates/"
OUTPUT = Path(os.environ.get("READER_TEST_OUTPUT", Path(__file__).resolve().parent.parent.parent / "test-output"))
YEARS_IN_TEXT = (
    "<p>The harbour wall was first built in 1887 and rebuilt after the storms of 2019, the council said.</p>"
    "<p>Fishing boats will use the inner harbour again from next week, once the stone is back in place.</p>"
    "<p>Engineers reused the old stone, which kept the cost below what the council paid in March 2021.</p>"
)
UNDATED = (
    "<!doctype html><html lang='en'><head><title>Harbour wall reopens</title></head><body>"
    f"<article><h1>Harbour wall reopens</h1>{YEARS_IN_TEXT}</article>"
    "<footer><p>© 2022 Harbour News. All rights reserved.</p></footer></body></html>"
)
DATED = (
    "<!doctype html><html lang='en'><head><title>Ferry timetable changes</title>"
    '<meta property="og:site_name" content="Harbour News">'
    '<meta property="article:published_time" content="2024-05-03T08:00:00+00:00"></head><body>'
    "<article><h1>Ferry timetable changes</h1>"
    '<p class="standfirst">Two evening sailings move earlier from June, the operator says.</p>'
    "<p>The last ferry of the day will leave at half past nine instead of ten, from the first of June.</p>"
    "<p>The operator said fewer people travelled late in the evening since the bridge opened in 2015.</p>"
    "</article></body></html>"
)
FEED = f"""\
[show]
title = "Harbour Dates"
description = "Stories with and without dates."
author = "Harbour Desk"
language = "en"
base_url = "{BASE}"
owner_email = "desk@example.org"

[[episodes]]
source = "undated.html"

[[episodes]]
source = "dated.html"
"""


def test_a_year_in_the_text_is_not_the_article_date() -> None:
    assert extract_html(UNDATED, url="https://news.example/harbour").date is None
    assert extract_html(DATED, url="https://news.example/ferry").date == "2024-05-03"


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("dates")
    cache = folder / "cache"
    (folder / "FEED.toml").write_text(FEED, encoding="utf-8")
    (folder / "undated.html").write_text(UNDATED, encoding="utf-8")
    (folder / "dated.html").write_text(DATED, encoding="utf-8")
    from reader.store import open_store

    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = build_site(folder / "FEED.toml", folder / "site", store=open_store(cache))
    after = dt.datetime.now(dt.UTC)
    assert not report.failed, report.failed
    return SimpleNamespace(folder=folder, site=folder / "site", cache=cache, before=before, after=after)


def _entries(site: Path) -> dict[str, feedparser.FeedParserDict]:
    parsed = feedparser.parse(site / "feed.xml")
    assert not parsed.bozo
    return {entry.title: entry for entry in parsed.entries}


def test_episode_dates_come_from_metadata_or_the_first_build(show: SimpleNamespace) -> None:
    entries = _entries(show.site)
    dated = dt.datetime(*entries["Ferry timetable changes"].published_parsed[:6], tzinfo=dt.UTC)
    assert dated == dt.datetime(2024, 5, 3, 12, tzinfo=dt.UTC)  # the page's date, at noon UTC (safe in any zone)
    undated = dt.datetime(*entries["Harbour wall reopens"].published_parsed[:6], tzinfo=dt.UTC)
    assert show.before <= undated <= show.after  # the first build, not 2019, 2021 or 2022

    with (show.site / "feed.xml").open("rb") as handle:
        episodes = podcastparser.parse(BASE + "feed.xml", handle)["episodes"]
    published = {episode["title"]: episode["published"] for episode in episodes}
    assert published["Ferry timetable changes"] == int(dated.timestamp())
    assert published["Harbour wall reopens"] == int(undated.timestamp())


def test_a_rebuild_keeps_the_first_build_date(show: SimpleNamespace) -> None:
    from reader.store import open_store

    first = _entries(show.site)["Harbour wall reopens"].published
    corrected = UNDATED.replace("next week", "next Monday")  # a correction: re-rendered, same episode
    (show.folder / "undated.html").write_text(corrected, encoding="utf-8")
    report = build_site(show.folder / "FEED.toml", show.site, store=open_store(show.cache))
    assert len(report.rendered) == 1 and not report.failed
    assert _entries(show.site)["Harbour wall reopens"].published == first


def test_descriptions_are_the_standfirst_else_the_first_paragraph(show: SimpleNamespace) -> None:
    entries = _entries(show.site)
    standfirst = "Two evening sailings move earlier from June, the operator says."
    assert entries["Ferry timetable changes"].summary == standfirst
    assert entries["Harbour wall reopens"].summary.startswith("The harbour wall was first built in 1887")
    assert all("Harbour News" not in entry.summary for entry in entries.values())


def test_a_masthead_left_in_the_body_is_not_the_description() -> None:
    article = Article(
        title="Ferry timetable changes",
        blocks=(Block("paragraph", "Harbour News"), Block("paragraph", "The last ferry leaves at half past nine.")),
        site_name="Harbour News",
    )
    assert _description(SimpleNamespace(article=article)) == "The last ferry leaves at half past nine."


def test_the_index_page_is_styled_like_the_app_and_has_a_player_per_episode(show: SimpleNamespace) -> None:
    page = (show.site / "index.html").read_text(encoding="utf-8")
    assert page.count("<audio ") == 2 and 'href="style.css"' in page
    assert "Read the article" not in page  # local files: no link back to this very page
    for source in ("episodes/harbour-wall-reopens.mp3", "episodes/ferry-timetable-changes.mp3"):
        assert f'src="{source}"' in page and (show.site / source).is_file()
    css = (show.site / "style.css").read_text(encoding="utf-8")
    app_css = (Path(__file__).resolve().parent.parent.parent / "web" / "static" / "reader.css").read_text("utf-8")
    assert "prefers-color-scheme: dark" in css and "system-ui" in css
    assert "--accent: #0b57d0" in css and "--accent:" in app_css


@pytest.mark.browser
def test_the_index_page_plays_in_a_real_browser(show: SimpleNamespace) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(show.site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"],
            )
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                audio = page.locator("audio").first
                audio.evaluate("a => a.play()")
                page.wait_for_function("() => document.querySelector('audio').currentTime > 0.5", timeout=20_000)
                assert audio.evaluate("a => a.duration") > 1
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= 390  # no sideways scrolling on a phone
                OUTPUT.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(OUTPUT / "podcast-index-390.png"), full_page=True)
                wide = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme="dark")
                wide.goto(f"http://127.0.0.1:{server.server_port}/index.html")
                wide.screenshot(path=str(OUTPUT / "podcast-index-1280-dark.png"), full_page=True)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
