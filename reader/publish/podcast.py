"""Show + episodes → an RSS 2.0 podcast feed that Apple Podcasts and the Podcast Index accept.

The feed is built with feedgen (RSS 2.0, its iTunes extension) plus a small
feedgen extension of our own for the Podcasting 2.0 namespace
(``podcast:guid``, ``podcast:locked``, ``podcast:transcript``,
``podcast:chapters``). ``build_feed`` is a plain function of plain data, so the
podcast site builder and the web app's ``/feed.xml`` produce the same feed.

What it is handed may come from anyone's article, so it writes text XML can hold (``reader.safe_text``:
one U+FFFE in a title made lxml raise, the whole feed a 500), descriptions as escaped text in CDATA (RSS
readers take ``<description>`` as HTML: an article's ``<b>`` or ``<img onerror>`` must reach them as
the characters, never as markup), and links only when they are http(s) URLs.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml.etree import CDATA

from reader.errors import InputError
from reader.safe_text import http_url, xml_safe_fields

__all__ = [
    "APPLE_CATEGORIES",
    "PODCAST_NS",
    "Episode",
    "Show",
    "build_feed",
    "episode_guid",
    "format_duration",
    "podcast_guid",
]

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The Podcast Index's namespace for podcast:guid (a UUIDv5 of the feed URL without its scheme).
_PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_EPISODE_GUID_NAMESPACE = uuid.UUID("6c1b8f5e-2d0a-5b8e-9a43-3f7d2e1c0b9a")  # this project's, for episode guids

# Apple Podcasts' top-level categories; a feed with any other is rejected.
APPLE_CATEGORIES = (
    "Arts",
    "Business",
    "Comedy",
    "Education",
    "Fiction",
    "Government",
    "Health & Fitness",
    "History",
    "Kids & Family",
    "Leisure",
    "Music",
    "News",
    "Religion & Spirituality",
    "Science",
    "Society & Culture",
    "Sports",
    "Technology",
    "True Crime",
    "TV & Film",
)


@dataclass(frozen=True)
class Show:
    """The channel: everything a podcast directory asks of a show."""

    title: str
    description: str
    author: str
    language: str
    link: str  # the show's web page
    feed_url: str  # where feed.xml is served (atom:link rel="self", podcast:guid)
    image_url: str  # square, 1400-3000 px
    owner_email: str
    owner_name: str | None = None  # defaults to author
    category: str = "News"
    subcategory: str | None = None
    explicit: bool = False
    copyright: str | None = None
    locked: bool = True  # podcast:locked: other platforms may not import the feed without the owner


@dataclass(frozen=True)
class Episode:
    """One item, from plain data: the builder knows nothing of articles or audio."""

    guid: str
    title: str
    pubdate: datetime  # timezone-aware
    enclosure_url: str
    enclosure_length: int  # bytes, the real size of the file served
    duration: float  # seconds
    description: str
    link: str
    number: int | None = None
    enclosure_type: str = "audio/mpeg"
    transcript_url: str | None = None
    chapters_url: str | None = None
    image_url: str | None = None
    author: str | None = None


def podcast_guid(feed_url: str) -> str:
    """The Podcast Index's show GUID: UUIDv5 of the feed URL with scheme and trailing slashes removed."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(_PODCAST_GUID_NAMESPACE, bare))


def episode_guid(identity: str) -> str:
    """A stable episode guid from the article's identity, never its content.

    ``identity`` is ``"url:<canonical URL>"`` for an article with one, else
    something else stable for it (the site builder uses ``"file:<path in
    FEED.toml>"``). The same article gets the same guid in every feed built
    from it, so the podcast site and the web app's ``/feed.xml`` agree.
    """
    return f"urn:uuid:{uuid.uuid5(_EPISODE_GUID_NAMESPACE, identity)}"


def format_duration(seconds: float) -> str:
    """``HH:MM:SS`` for ``itunes:duration`` (whole seconds, rounded up so a 0.4 s clip is not "0")."""
    whole = max(1, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


class _PodcastIndexFeed(BaseExtension):
    """Channel-level Podcasting 2.0 tags, and itunes:explicit as Apple now spells it (true/false)."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked_owner: str | None = None
        self.locked: bool | None = None
        self.explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def extend_rss(self, rss_feed):  # type: ignore[no-untyped-def]
        channel = rss_feed[0]
        if self.explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.explicit else "false"
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self.locked else "no"
            if self.locked_owner:
                locked.attrib["owner"] = self.locked_owner
        return rss_feed


class _PodcastIndexEntry(BaseEntryExtension):
    """Item-level Podcasting 2.0 tags: the transcript and the chapters file."""

    def __init__(self) -> None:
        self.transcript: tuple[str, str, str | None] | None = None  # url, type, language
        self.chapters: tuple[str, str] | None = None  # url, type
        self.explicit: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def extend_rss(self, entry):  # type: ignore[no-untyped-def]
        if self.explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", entry).text = "true" if self.explicit else "false"
        if self.transcript:
            url, kind, language = self.transcript
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", entry)
            element.attrib.update({"url": url, "type": kind})
            if language:
                element.attrib["language"] = language
        if self.chapters:
            url, kind = self.chapters
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry).attrib.update({"url": url, "type": kind})
        return entry


def _check_show(show: Show) -> None:
    missing = [name for name in ("title", "description", "author", "language", "link", "feed_url", "image_url")]
    missing = [name for name in missing if not str(getattr(show, name) or "").strip()]
    if not show.owner_email or "@" not in show.owner_email:
        missing.append("owner_email")
    if missing:
        raise InputError(f"the show is missing what podcast apps require: {', '.join(missing)}")
    for name in ("link", "feed_url", "image_url"):
        if http_url(getattr(show, name)) is None:
            raise InputError(f"the show's {name} must be an http(s) URL, not {getattr(show, name)!r}")
    if show.category not in APPLE_CATEGORIES:
        raise InputError(
            f"unknown podcast category {show.category!r}",
            remedy="use one of Apple's categories: " + ", ".join(APPLE_CATEGORIES),
        )


def _check_episode(episode: Episode) -> None:
    if episode.pubdate.tzinfo is None:
        raise InputError(f"episode {episode.title!r} has a publication date without a time zone")
    if episode.enclosure_length <= 0:
        raise InputError(f"episode {episode.title!r} has an empty enclosure ({episode.enclosure_url})")
    if not episode.guid:
        raise InputError(f"episode {episode.title!r} has no guid")
    if http_url(episode.enclosure_url) is None:
        raise InputError(f"episode {episode.title!r} has an enclosure that is not an http(s) URL")


def _as_text(text: str) -> CDATA:
    """Plain text for an element that readers take as HTML: escaped, in CDATA (``]]>`` cannot occur once
    ``>`` is escaped), so markup in an article reaches a reader as the characters it shows."""
    return CDATA(html.escape(text, quote=False))


def build_feed(show: Show, episodes: Iterable[Episode], *, last_build: datetime | None = None) -> bytes:
    """The podcast RSS document (UTF-8 bytes), newest episode first.

    ``last_build`` fixes ``lastBuildDate`` (default: the newest episode's date),
    so building twice from the same data gives byte-identical feeds and a web
    host's ETag stays valid.
    """
    show = xml_safe_fields(show)
    _check_show(show)
    items = sorted((xml_safe_fields(e) for e in episodes), key=lambda e: (e.pubdate, e.number or 0), reverse=True)
    for episode in items:
        _check_episode(episode)

    fg = FeedGenerator()
    fg.load_extension("podcast", atom=False, rss=True)
    fg.register_extension("podcastindex", _PodcastIndexFeed, _PodcastIndexEntry, atom=False, rss=True)
    fg.title(show.title)
    fg.description(_as_text(show.description))
    fg.link(href=show.feed_url, rel="self")
    fg.link(href=show.link, rel="alternate")  # feedgen takes the RSS <link> from the last link given
    fg.language(show.language)
    fg.generator("article-reader-tts (feedgen)")
    fg.image(url=show.image_url, title=show.title, link=show.link)
    if show.copyright:
        fg.copyright(show.copyright)
    newest = items[0].pubdate if items else datetime(2000, 1, 1, tzinfo=UTC)
    fg.lastBuildDate(last_build or newest)
    fg.pubDate(newest)

    fg.podcast.itunes_author(show.author)
    fg.podcast.itunes_summary(show.description)
    fg.podcast.itunes_owner(name=show.owner_name or show.author, email=show.owner_email)
    fg.podcast.itunes_image(show.image_url)
    fg.podcast.itunes_type("episodic")
    category = {"cat": show.category, "sub": show.subcategory} if show.subcategory else {"cat": show.category}
    fg.podcast.itunes_category(category)
    fg.podcastindex.explicit = show.explicit
    fg.podcastindex.guid = podcast_guid(show.feed_url)
    fg.podcastindex.locked = show.locked
    fg.podcastindex.locked_owner = show.owner_email

    for episode in items:
        fe = fg.add_entry(order="append")
        fe.guid(episode.guid, permalink=False)
        fe.title(episode.title)
        if http_url(episode.link):  # a javascript: or other link is never written
            fe.link(href=episode.link.strip())
        fe.description(_as_text(episode.description or episode.title))
        fe.enclosure(episode.enclosure_url, str(episode.enclosure_length), episode.enclosure_type)
        fe.pubDate(episode.pubdate)
        fe.podcast.itunes_title(episode.title)
        fe.podcast.itunes_author(episode.author or show.author)
        fe.podcast.itunes_duration(format_duration(episode.duration))
        fe.podcastindex.explicit = show.explicit
        fe.podcast.itunes_episode_type("full")
        if episode.number is not None:
            fe.podcast.itunes_episode(episode.number)
        if episode.image_url:
            fe.podcast.itunes_image(episode.image_url)
        if episode.transcript_url:
            fe.podcastindex.transcript = (episode.transcript_url, "text/vtt", show.language)
        if episode.chapters_url:
            fe.podcastindex.chapters = (episode.chapters_url, "application/json+chapters")
    return fg.rss_str(pretty=True)
