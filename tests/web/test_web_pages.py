"""Pages through Flask's test client: the library, the reader view with its player, the script preview."""

from __future__ import annotations

import gzip
import re
import time
from html import unescape
from pathlib import Path

import pytest

from web import create_app
from web.embed import EMBED_VERSION, without_comment_lines

SAME_ORIGIN = {"Origin": "http://localhost"}  # forms must come from the server's own pages (web/limits.py)


def _complete(client, article_id: str) -> dict:
    for _ in range(600):
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering":
            return data
        time.sleep(0.2)
    raise AssertionError("render did not finish")


def test_the_empty_library_offers_the_form(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]  # pages run no inline code
    page = response.get_data(as_text=True)
    assert "No articles yet" in page
    assert '<form method="post" action="/articles">' in page
    assert 'name="url"' in page and 'name="content"' in page


def test_pasting_text_in_the_form_goes_to_the_article_page_with_the_player(client, seed_text):
    response = client.post(
        "/articles", data={"url": "", "content": seed_text.read_text(encoding="utf-8")}, headers=SAME_ORIGIN
    )
    assert response.status_code == 303
    page_url, _, query = response.headers["Location"].partition("?")
    assert query == "play=1"  # the click that sent the form starts playback on the article's page
    article_id = page_url.rsplit("/", 1)[1]
    data = _complete(client, article_id)
    page = client.get(page_url).get_data(as_text=True)
    # the player: a plain <audio controls> that works without JavaScript, and the script that upgrades it
    assert re.search(
        r'<audio class="player-audio" controls preload="none" src="/api/articles/\w+/audio.mp3\?rev=', page
    )
    assert '<div class="player-ui" hidden>' in page  # the custom controls appear only when the script runs
    assert "player.js" in page and "Listen to this article" in page
    # every sentence of the script is on the page, once, in order, as a seekable span
    spans = re.findall(r'<span class="s" data-i="(\d+)">(.*?)</span>', page)
    assert [int(i) for i, _ in spans] == [s["index"] for s in data["sentences"]]
    assert unescape(spans[5][1]) == data["sentences"][5]["written"]
    assert "<h1>" in page and unescape(spans[0][1]) in data["title"]


def test_the_library_lists_articles_newest_first(client, make_article):
    ids = []
    for title in ("The older story", "The newer story"):
        response = client.post("/api/articles", json={"text": make_article(40, title)})
        ids.append(response.get_json()["id"])
        _complete(client, ids[-1])
    page = client.get("/").get_data(as_text=True)
    assert page.index("The newer story") < page.index("The older story")


def test_form_errors_come_back_on_the_library_page(client):
    response = client.post("/articles", data={"url": "", "content": "   "}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    response = client.post("/articles", data={"url": "ftp://example.com/x", "content": ""}, headers=SAME_ORIGIN)
    assert response.status_code == 400


def test_the_preview_shows_the_speech_script_beside_the_written_text(client, seed_html):
    response = client.post(
        "/preview", data={"url": "", "content": seed_html.read_text(encoding="utf-8")}, headers=SAME_ORIGIN
    )
    assert response.status_code == 200
    page = unescape(response.get_data(as_text=True))
    assert '<th scope="col">Written</th><th scope="col">Spoken</th>' in page
    assert "Hegseth" in page
    assert not list(Path(client.application.config["CACHE_DIR"]).rglob("*.mp3"))  # a preview renders no audio


def test_unknown_article_page_is_a_404_page_not_a_traceback(client):
    response = client.get("/articles/0123456789abcdef01234567")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Traceback" not in response.get_data(as_text=True)


def test_config_comes_from_defaults_then_env_then_test_config(cache_dir, monkeypatch):
    monkeypatch.setenv("READER_CORS_ORIGINS", '["https://news.example"]')
    monkeypatch.setenv("READER_RENDER_QUEUE_LIMIT", "3")
    app = create_app({"OPEN": True, "CACHE_DIR": str(cache_dir), "RENDER_QUEUE_LIMIT": 5})
    assert app.config["CORS_ORIGINS"] == ["https://news.example"]
    assert app.config["RENDER_QUEUE_LIMIT"] == 5
    assert app.config["STREAM_WAIT_SECONDS"] == 120.0


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a();\n// a note\nb();\n", "a();\nb();\n"),
        ("/* one\n * two\n */\nc();\n", "c();\n"),
        ("  /** doc */\n  d();\n", "  d();\n"),
        ("/* a note */ e();\n", "/* a note */ e();\n"),  # code on the line: kept whole
        ("/* one\n two */ f();\n", " f();\n"),  # code after a block's end: kept
        ('g("http://x"); // why\n', 'g("http://x"); // why\n'),  # not a comment line
        ("h(1 /* one */);\n", "h(1 /* one */);\n"),
    ],
)
def test_the_embed_bundle_leaves_out_comment_lines_and_nothing_else(source, expected):
    assert without_comment_lines(source) == expected


def test_embed_script_is_small_versioned_and_safe_for_a_strict_csp(client):
    latest = client.get("/embed.js")
    versioned = client.get(f"/embed/{EMBED_VERSION}/embed.js")
    assert latest.get_data() == versioned.get_data()
    assert latest.mimetype == "text/javascript"
    assert (
        "immutable" in versioned.headers["Cache-Control"] and "max-age=31536000" in versioned.headers["Cache-Control"]
    )
    assert "immutable" not in latest.headers["Cache-Control"]
    source = versioned.get_data(as_text=True)
    assert len(gzip.compress(versioned.get_data())) < 15 * 1024
    assert "Set-Cookie" not in versioned.headers
    for forbidden in (
        "eval(",
        "new Function",
        "document.cookie",
        "innerHTML",
        'setAttribute("style',
        "http://",
        "https://",
    ):
        assert forbidden not in source, forbidden
    assert 'credentials = "omit"' in source
    assert client.get("/embed.js", headers={"If-None-Match": latest.headers["ETag"]}).status_code == 304


def test_cors_is_off_by_default_and_follows_the_allowlist(cache_dir):
    closed = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir)}).test_client()
    preflight = closed.options(
        "/api/articles", headers={"Origin": "https://news.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert (
        "Access-Control-Allow-Origin" not in closed.get("/healthz", headers={"Origin": "https://news.example"}).headers
    )

    app = create_app(
        {"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "CORS_ORIGINS": ["https://news.example"]}
    )
    client = app.test_client()
    preflight = client.options(
        "/api/articles",
        headers={"Origin": "https://news.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    response = client.get("/api/voices", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://news.example"
    assert "Access-Control-Allow-Credentials" not in response.headers
    other = client.get("/api/voices", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
