"""What Apple Podcasts and the Podcast Index require of a feed, listed and checked one by one.

There is no network here for an online validator, so this module is the
validator: each requirement is a named check over the feed as feedparser (the
parser many podcast apps build on) reads it, plus the raw XML where feedparser
hides an element (namespaces, podcast:*, attribute spellings).

Sources: Apple Podcasts "RSS feed requirements" (podcasters.apple.com, support
article 823) and the Podcast Index namespace 1.0 (podcastindex.org/namespace/1.0).
Loaded by the podcast tests from its path (tests/ is not a package).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import feedparser

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
APPLE_CATEGORIES = {
    "Arts", "Business", "Comedy", "Education", "Fiction", "Government", "Health & Fitness", "History",
    "Kids & Family", "Leisure", "Music", "News", "Religion & Spirituality", "Science", "Society & Culture",
    "Sports", "Technology", "True Crime", "TV & Film",
}  # fmt: skip
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DURATION = re.compile(r"^(\d+:)?[0-5]?\d:[0-5]\d$|^\d+$")


def _attr(parent, tag, name):
    element = parent.find(tag)
    return "" if element is None else element.get(name, "")


def _channel_requirements(parsed, channel):
    f = parsed.feed
    return {
        # RSS 2.0
        "rss version 2.0": parsed.version == "rss20",
        "channel title": bool(f.get("title")),
        "channel link": str(f.get("link", "")).startswith("http"),
        "channel description": bool(f.get("subtitle") or f.get("description")),
        # Apple Podcasts: required
        "itunes namespace declared": parsed.namespaces.get("itunes") == ITUNES,
        "itunes:image href": str(_attr(channel, f"{{{ITUNES}}}image", "href")).startswith("http"),
        "feedparser reads the image": str(f.get("image", {}).get("href", "")).startswith("http"),
        "language": bool(re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*", f.get("language", ""))),
        "itunes:category from Apple's list": bool([t for t in f.get("tags", []) if t.get("term") in APPLE_CATEGORIES]),
        "itunes:explicit true/false": channel.findtext(f"{{{ITUNES}}}explicit") in ("true", "false"),
        # Apple Podcasts: recommended, and needed to claim the show
        "itunes:author": bool(f.get("author") or channel.findtext(f"{{{ITUNES}}}author")),
        "itunes:owner name": bool(f.get("publisher_detail", {}).get("name")),
        "itunes:owner email": "@" in f.get("publisher_detail", {}).get("email", ""),
        "atom:link rel=self": any(
            link.get("rel") == "self" and link.get("href", "").startswith("http")
            for link in channel.findall(f"{{{ATOM}}}link")
        ),
        # Podcast Index
        "podcast namespace declared": parsed.namespaces.get("podcast") == PODCAST,
        "podcast:guid is a UUIDv5": bool(UUID.match(channel.findtext(f"{{{PODCAST}}}guid") or "")),
        "podcast:locked yes/no": channel.findtext(f"{{{PODCAST}}}locked") in ("yes", "no"),
    }


def _item_requirements(entry, item):
    enclosures = entry.get("enclosures", [])
    transcript = item.find(f"{{{PODCAST}}}transcript")
    chapters = item.find(f"{{{PODCAST}}}chapters")
    guid = item.find("guid")
    return {
        "title": bool(entry.get("title")),
        "one enclosure": len(enclosures) == 1,
        "enclosure url": bool(enclosures) and enclosures[0].get("href", "").startswith("http"),
        "enclosure length in bytes": bool(enclosures)
        and str(enclosures[0].get("length", "")).isdigit()
        and int(enclosures[0]["length"]) > 0,
        "enclosure type audio/mpeg": bool(enclosures) and enclosures[0].get("type") == "audio/mpeg",
        "guid": bool(entry.get("id")),
        "guid isPermaLink=false": guid is not None and guid.get("isPermaLink") == "false",
        "pubDate": entry.get("published_parsed") is not None,
        "description": bool(entry.get("summary")),
        "link": str(entry.get("link", "")).startswith("http"),
        "itunes:duration": bool(DURATION.match(str(entry.get("itunes_duration", "")))),
        "itunes:episode is a positive integer": str(entry.get("itunes_episode", "")).isdigit()
        and int(entry["itunes_episode"]) > 0,
        "itunes:episodeType": item.findtext(f"{{{ITUNES}}}episodeType") in ("full", "trailer", "bonus"),
        "itunes:explicit true/false": item.findtext(f"{{{ITUNES}}}explicit") in ("true", "false"),
        "podcast:transcript url": transcript is not None and transcript.get("url", "").startswith("http"),
        "podcast:transcript type text/vtt": transcript is not None and transcript.get("type") == "text/vtt",
        "podcast:chapters url": chapters is not None and chapters.get("url", "").startswith("http"),
        "podcast:chapters type": chapters is not None and chapters.get("type") == "application/json+chapters",
    }


def check_feed(xml: bytes):
    """Parse ``xml`` and check every requirement; return (parsed, failures) with failures as readable names."""
    parsed = feedparser.parse(xml)
    root = ET.fromstring(xml)
    channel = root.find("channel")
    failures = []
    if parsed.bozo:
        failures.append(f"feedparser: not well-formed: {parsed.bozo_exception}")
    failures += [f"channel: {name}" for name, ok in _channel_requirements(parsed, channel).items() if not ok]
    items = channel.findall("item")
    if len(items) != len(parsed.entries):
        failures.append("feedparser and the XML disagree on the number of items")
    for number, (entry, item) in enumerate(zip(parsed.entries, items, strict=False), start=1):
        failures += [f"item {number}: {name}" for name, ok in _item_requirements(entry, item).items() if not ok]
    guids = [entry.get("id") for entry in parsed.entries]
    if len(set(guids)) != len(guids):
        failures.append("guids are not unique")
    return parsed, failures
