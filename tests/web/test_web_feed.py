"""The web app's podcast feed (/feed.xml): the same kind of feed as `reader podcast build`.

Articles are rendered with the suite's fake backend (tones; synthesis is not the point here)
into the app's cache, then the feed is read as a podcast app would: feedparser, every
requirement Apple Podcasts and the Podcast Index list (tests/podcast_requirements.py), the
enclosure's length against the bytes actually served, the transcript and chapters it points at.
"""

from __future__ import annotations

import io
import json

import audio_support as support
import podcast_requirements as requirements
import pytest
from PIL import Image

from reader.publish import episode_guid
from reader.render import RenderOptions, render
from reader.store import open_store
from web import create_app


def _get(client, url: str):
    """GET and close (file responses hold their file open until closed)."""
    response = client.get(url.removeprefix("http://localhost"))
    response.get_data()  # buffered before closing
    response.close()
    return response


@pytest.fixture
def library(cache_dir, monkeypatch, tmp_path):
    """Two finished articles (one with a canonical URL, one pasted without) in the app's cache."""
    support.fake_env(monkeypatch, tmp_path)
    store = open_store(cache_dir)
    options = RenderOptions(backend="fake")
    with_url = render(support.make_article(3, 2, seed=1, url="https://news.example/feed-story"), options, store=store)
    pasted = render(support.make_article(2, 2, seed=2, url=None), options, store=store)
    app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "FEED_TITLE": "Read to me"})
    return app.test_client(), with_url, pasted


def test_feed_meets_every_podcast_requirement_and_its_enclosures_are_the_bytes_served(library):
    client, with_url, _pasted = library
    response = client.get("/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/rss+xml"
    parsed, failures = requirements.check_feed(response.data)
    assert failures == []
    assert parsed.feed.title == "Read to me"
    assert len(parsed.entries) == 2
    for entry in parsed.entries:
        enclosure = entry.enclosures[0]
        audio = _get(client, enclosure.href)
        assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
        assert int(enclosure.length) == len(audio.data)
        assert "max-age=31536000" in audio.headers["Cache-Control"]  # the URL names the revision
        vtt = client.get(entry.podcast_transcript["url"].removeprefix("http://localhost"))
        assert vtt.status_code == 200 and vtt.get_data(as_text=True).startswith("WEBVTT")
    durations = {e.id: e.itunes_duration for e in parsed.entries}
    assert durations[episode_guid("url:https://news.example/feed-story")] == _clock(with_url.manifest.duration)


def _clock(seconds: float) -> str:
    whole = max(1, int(-(-seconds // 1)))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def test_guid_is_the_podcast_sites_and_dates_stay_put(library):
    client, _with_url, _pasted = library
    first = requirements.check_feed(client.get("/feed.xml").data)[0]
    guids = {e.id for e in first.entries}
    assert episode_guid("url:https://news.example/feed-story") in guids  # as `reader podcast build` gives it
    second = requirements.check_feed(client.get("/feed.xml").data)[0]
    assert [(e.id, e.published) for e in second.entries] == [(e.id, e.published) for e in first.entries]
    etag = client.get("/feed.xml").headers["ETag"]
    assert client.get("/feed.xml", headers={"If-None-Match": etag}).status_code == 304


def test_artwork_and_chapters_are_served(library):
    client, with_url, _pasted = library
    art = _get(client, "/feed/artwork.jpg")
    assert art.status_code == 200 and art.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(art.data)) as image:
        assert image.size[0] == image.size[1] >= 1400
    chapters = client.get(f"/feed/{with_url.article_id}/chapters.json")
    assert chapters.status_code == 200
    titles = [c["title"] for c in json.loads(chapters.data)["chapters"]]
    assert titles[0] == with_url.manifest.title and len(titles) >= 2  # the title, then the headings
    assert client.get("/feed/nosuchid123/chapters.json").status_code == 404


def test_empty_library_is_a_valid_feed_without_items(client):
    response = client.get("/feed.xml")
    assert response.status_code == 200
    parsed, failures = requirements.check_feed(response.data)
    assert failures == [] and parsed.entries == []
