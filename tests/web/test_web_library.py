"""Issue 16 item 3, the server half: the library shows each source once (newest first, with its site,
date and duration), filters by a search, and deletes a row (the API token required when one is set).

Real renders through the Flask app; the template's variables are read with Flask's
``template_rendered`` signal, since the page's markup is the front end's (tests/web/test_browser_*).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import template_rendered

from web import create_app
from web.listing import library_rows, published_date, source_key
from web.views import ArticleState

SAME_ORIGIN = {"Origin": "http://localhost"}
HARBOUR = (
    "<html><head><title>Harbour reopens</title>"
    '<link rel="canonical" href="https://news.example/harbour">'
    '<meta property="og:site_name" content="News Example">'
    '<meta property="article:published_time" content="2024-05-01T10:00:00Z"></head>'
    "<body><article><h1>Harbour reopens</h1><p>The harbour reopened on Monday after three weeks of "
    "repairs to the sea wall, officials said.</p></article></body></html>"
)


@contextlib.contextmanager
def rendered(app) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The templates the app renders meanwhile, with their context."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(sender, template, context, **extra) -> None:
        seen.append((template.name, context))

    template_rendered.connect(record, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(record, app)


def _complete(client, article_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        data = client.get(f"/api/articles/{article_id}").get_json()
        if data["status"] != "rendering":
            return data
        time.sleep(0.1)
    raise AssertionError("render did not finish")


def _library(app, client, query: str = "") -> dict[str, Any]:
    with rendered(app) as seen:
        response = client.get("/", query_string={"q": query} if query else None)
    assert response.status_code == 200
    return next(context for name, context in seen if name == "library.html")


@pytest.fixture
def library_of_three(app, client, make_article) -> dict[str, str]:
    """The harbour page pasted twice (two rates: two ids, one source) and an unrelated pasted text."""
    ids = {}
    for name, body in (
        ("harbour", {"html": HARBOUR}),
        ("other", {"text": make_article(30, "The council debates the river plan")}),
        ("harbour_fast", {"html": HARBOUR, "rate": 200}),
    ):
        ids[name] = client.post("/api/articles", json=body).get_json()["id"]
        assert _complete(client, ids[name])["status"] == "complete"
    return ids


def test_one_row_per_source_newest_first_with_site_date_and_duration(app, client, library_of_three):
    ids = library_of_three
    assert ids["harbour"] != ids["harbour_fast"]  # another rate is another rendering...
    rows = _library(app, client)["articles"]
    assert [row["title"] for row in rows] == ["Harbour reopens", "The council debates the river plan"]  # ...one row
    harbour = rows[0]
    assert harbour["id"] == ids["harbour_fast"]  # the newest version of the source
    assert harbour["site_name"] == "News Example" and harbour["published"] == "2024-05-01"
    assert harbour["status"] == "complete" and harbour["duration"] > 1
    assert harbour["listen_url"] == f"/articles/{ids['harbour_fast']}?play=1"
    assert rows[1]["site_name"] is None and rows[1]["published"] is None
    assert rows[0]["added"] >= rows[1]["added"]
    page = client.get("/").get_data(as_text=True)
    assert page.count("Harbour reopens") == 1


def test_search_filters_by_title_site_and_address(app, client, library_of_three):
    assert [r["title"] for r in _library(app, client, "council RIVER")["articles"]] == [
        "The council debates the river plan"
    ]
    assert [r["title"] for r in _library(app, client, "news.example")["articles"]] == ["Harbour reopens"]
    context = _library(app, client, "nothing like this")
    assert context["articles"] == [] and context["query"] == "nothing like this"


def test_delete_removes_every_version_of_the_source(app, client, library_of_three):
    ids = library_of_three
    refused = client.post(f"/articles/{ids['harbour']}/delete", headers={"Origin": "https://elsewhere.example"})
    assert refused.status_code == 403
    response = client.post(f"/articles/{ids['harbour']}/delete", headers=SAME_ORIGIN)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    for key in ("harbour", "harbour_fast"):
        assert client.get(f"/api/articles/{ids[key]}").status_code == 404
    assert [r["title"] for r in _library(app, client)["articles"]] == ["The council debates the river plan"]
    missing = client.post(f"/articles/{ids['harbour']}/delete", headers=SAME_ORIGIN)
    assert missing.status_code == 404


def test_delete_needs_the_api_token_when_one_is_set(app, client, cache_dir, library_of_three):
    guarded = create_app({"TESTING": True, "API_TOKEN": "s3cret", "CACHE_DIR": str(cache_dir)})
    guarded_client = guarded.test_client()
    assert _library(guarded, guarded_client)["delete_token_required"] is True
    assert _library(app, client)["delete_token_required"] is False
    target = f"/articles/{library_of_three['other']}/delete"
    for form in ({}, {"token": "wrong"}):
        with rendered(guarded) as seen:
            response = guarded_client.post(target, data=form, headers=SAME_ORIGIN)
        assert response.status_code == 401
        assert "API token" in next(c for n, c in seen if n == "library.html")["error"]
    assert guarded_client.get(f"/api/articles/{library_of_three['other']}").status_code == 200
    response = guarded_client.post(target, data={"token": "s3cret"}, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert guarded_client.get(f"/api/articles/{library_of_three['other']}").status_code == 404


def test_the_preview_hands_its_source_to_a_listen_button(app, client):
    with rendered(app) as seen:
        response = client.post("/preview", data={"url": "", "content": HARBOUR, "voice": ""}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    context = next(c for n, c in seen if n == "preview.html")
    assert context["listen_form"] == {"content": HARBOUR, "voice": ""}
    posted = client.post("/articles", data=context["listen_form"], headers=SAME_ORIGIN)
    assert posted.status_code == 303 and posted.headers["Location"].endswith("?play=1")


def _state(article_id: str, url: str | None, updated: float, status: str = "complete", revision: str = "r1"):
    return ArticleState(
        id=article_id, revision=revision, status=status, title=article_id, sentences=(), url=url, updated=updated
    )


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("https://News.Example/a/", "https://news.example/a", True),
        ("https://news.example/a#comments", "https://news.example/a", True),
        ("https://news.example/a?page=2", "https://news.example/a", False),
        ("http://news.example/a", "https://news.example/a", False),
        (None, None, True),  # pasted text: the same content (revision)
        ("javascript:alert(1)", None, True),  # never a source URL: the content decides
    ],
)
def test_what_counts_as_the_same_source(first, second, same):
    assert (source_key(_state("a" * 8, first, 1)) == source_key(_state("b" * 8, second, 2))) is same


def test_a_failed_version_does_not_hide_one_that_plays():
    rows = library_rows(
        [_state("played", "https://n.example/a", 1), _state("broken", "https://n.example/a", 2, "failed")]
    )
    assert [row["id"] for row in rows] == ["played"]
    assert rows[0]["added"].startswith("1970-01-01T00:00:02")  # the source's newest activity orders it


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-05-01", "2024-05-01"), ("2024-05-01T10:00:00Z", "2024-05-01"), ("May 2024", None), ("2024-13-01", None)],
)
def test_published_dates_are_iso_dates_or_none(value, expected):
    assert published_date(value) == expected
