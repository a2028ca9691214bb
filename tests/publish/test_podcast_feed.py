"""The feed builder from plain episode data: every element podcast apps require, checked one by one."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import podcast_requirements as requirements
import pytest

from reader.errors import InputError
from reader.publish import Episode, Show, build_feed
from reader.publish.podcast import format_duration, podcast_guid

BASE = "https://podcasts.example.org/reads/"
SHOW = Show(
    title="Long Reads & Short Walks",
    description="Articles read aloud <with care>.",
    author="The Reader",
    language="en-GB",
    link=BASE,
    feed_url=BASE + "feed.xml",
    image_url=BASE + "artwork.jpg",
    owner_email="owner@example.org",
    owner_name="Olga Owner",
    category="Technology",
    subcategory="Tech News",
)


def episode(number: int, **changes) -> Episode:
    values = {
        "guid": f"urn:uuid:00000000-0000-5000-8000-00000000000{number}",
        "title": f"Episode {number}: rivers & seas",
        "pubdate": datetime(2024, 5, number, 9, 30, tzinfo=UTC),
        "enclosure_url": f"{BASE}episodes/episode-{number}.mp3",
        "enclosure_length": 1000 * number,
        "duration": 61.2 * number,
        "description": f"What episode {number} is about.",
        "link": f"https://news.example.org/story-{number}",
        "number": number,
        "transcript_url": f"{BASE}episodes/episode-{number}.vtt",
        "chapters_url": f"{BASE}episodes/episode-{number}.chapters.json",
    }
    values.update(changes)
    return Episode(**values)


@pytest.fixture(scope="module")
def feed_xml() -> bytes:
    return build_feed(SHOW, [episode(1), episode(3), episode(2)])


def test_feed_meets_every_apple_and_podcast_index_requirement(feed_xml):
    parsed, failures = requirements.check_feed(feed_xml)
    assert failures == []
    assert len(parsed.entries) == 3


def test_channel_values_read_back(feed_xml):
    parsed, _ = requirements.check_feed(feed_xml)
    feed = parsed.feed
    assert feed.title == SHOW.title
    assert feed.link == BASE
    assert feed.language == "en-GB"
    assert feed.image.href == SHOW.image_url
    assert feed.publisher_detail == {"name": "Olga Owner", "email": "owner@example.org"}
    # Apple's spelling is true/false (feedparser reads only "yes" as explicit, so check the XML itself).
    assert "<itunes:explicit>false</itunes:explicit>" in feed_xml.decode()
    assert {t.term for t in feed.tags} >= {"Technology", "Tech News"}
    assert f"<podcast:guid>{podcast_guid(SHOW.feed_url)}</podcast:guid>" in feed_xml.decode()


def test_items_newest_first_with_their_values(feed_xml):
    parsed, _ = requirements.check_feed(feed_xml)
    assert [e.itunes_episode for e in parsed.entries] == ["3", "2", "1"]
    newest = parsed.entries[0]
    assert newest.id == "urn:uuid:00000000-0000-5000-8000-000000000003"
    assert newest.title == "Episode 3: rivers & seas"
    assert newest.enclosures[0].length == "3000"
    assert newest.itunes_duration == "00:03:04"
    assert newest.published_parsed[:5] == (2024, 5, 3, 9, 30)
    assert newest.link == "https://news.example.org/story-3"


def test_same_data_builds_the_same_bytes():
    episodes = [episode(1), episode(2)]
    assert build_feed(SHOW, episodes) == build_feed(SHOW, list(reversed(episodes)))


def test_podcast_guid_matches_the_podcast_index_reference_value():
    # The namespace's documented example: podcastindex.org/namespace/1.0#guid
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("mp3s.nashownotes.com/pc20rss.xml/") == podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml")


@pytest.mark.parametrize(("seconds", "text"), [(0.2, "00:00:01"), (59.01, "00:01:00"), (3661, "01:01:01")])
def test_itunes_duration_format(seconds, text):
    assert format_duration(seconds) == text


# Each requirement check must be able to fail: remove or spoil one thing and the checker names it.
SPOILERS = [
    (r"<itunes:image [^>]*/>", "", "channel: itunes:image href"),
    (r"<itunes:category text=\"Technology\">", '<itunes:category text="Tech">', "channel: itunes:category"),
    (r"<itunes:explicit>false</itunes:explicit>\s*<podcast:guid>", "<podcast:guid>", "channel: itunes:explicit"),
    (r"<itunes:owner>.*?</itunes:owner>", "", "channel: itunes:owner email"),
    (r"<language>[^<]*</language>", "", "channel: language"),
    (r"<podcast:guid>[^<]*</podcast:guid>", "", "channel: podcast:guid"),
    (r"<podcast:locked[^>]*>[^<]*</podcast:locked>", "", "channel: podcast:locked"),
    (r'length="3000"', 'length=""', "item 1: enclosure length in bytes"),
    (r'type="audio/mpeg"', 'type="video/mp4"', "item 1: enclosure type audio/mpeg"),
    (r"<itunes:duration>00:03:04</itunes:duration>", "", "item 1: itunes:duration"),
    (r"<itunes:episode>3</itunes:episode>", "", "item 1: itunes:episode"),
    (r"<podcast:transcript [^>]*/>", "", "item 1: podcast:transcript url"),
    (r'type="application/json\+chapters"', 'type="application/json"', "item 1: podcast:chapters type"),
    (r"<guid isPermaLink=\"false\">[^<]*3</guid>", "", "item 1: guid"),
    (r"(<enclosure[^>]*/>\s*)<pubDate>[^<]*</pubDate>", r"\1", "item 1: pubDate"),
]


@pytest.mark.parametrize(("pattern", "replacement", "failure"), SPOILERS, ids=[s[2] for s in SPOILERS])
def test_checker_catches_each_missing_requirement(feed_xml, pattern, replacement, failure):
    spoiled, count = re.subn(pattern, replacement, feed_xml.decode(), count=1, flags=re.S)
    assert count == 1, f"pattern not found: {pattern}"
    _, failures = requirements.check_feed(spoiled.encode())
    assert any(f.startswith(failure) for f in failures), failures


def test_show_missing_required_fields_is_a_clear_error():
    from dataclasses import replace

    with pytest.raises(InputError, match="owner_email"):
        build_feed(replace(SHOW, owner_email=""), [])
    with pytest.raises(InputError, match="category"):
        build_feed(replace(SHOW, category="Podcasts"), [])


def test_episode_without_timezone_or_bytes_is_refused():
    with pytest.raises(InputError, match="time zone"):
        build_feed(SHOW, [episode(1, pubdate=datetime(2024, 1, 1))])
    with pytest.raises(InputError, match="empty enclosure"):
        build_feed(SHOW, [episode(1, enclosure_length=0)])


def test_episode_guids_come_from_identity_only():
    from reader.publish import episode_guid

    guid = episode_guid("url:https://coast.example.org/science/why-the-tides-turn")
    assert guid == "urn:uuid:0fd2f826-9e94-564a-bee1-bd279625c77f"  # pinned: a changed guid re-downloads every episode
    assert episode_guid("file:bread.md") != guid
