"""The library's podcast feed at ``/feed.xml``: the same kind of feed as ``reader podcast build``.

Every finished article is an episode. The feed comes from ``reader.publish.podcast.build_feed``
(so it meets the same requirements), and an article's guid from
``episode_guid("url:" + canonical URL)``, the identity the podcast site builder
uses: an article published both ways is one episode to a podcast app, and a
corrected article keeps its guid. The enclosure is the revisioned audio URL with
the file's real byte length; the transcript is the captions endpoint; the show's
details come from the ``FEED_*`` settings, and its artwork is drawn from its title
unless ``FEED_IMAGE`` names a cover.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, request, send_file, url_for

from reader.audio import chapters_from_manifest, chapters_json
from reader.errors import ReaderError
from reader.publish import Episode, Show, build_feed, episode_guid, make_artwork, prepare_artwork
from reader.store import article_object
from reader.text import is_http_url
from web.errors import ApiError
from web.library import ArticleState, Library, get_library, valid_id

bp = Blueprint("feed", __name__)

log = logging.getLogger(__name__)

PUBLISHED_FILE = "feed-published.json"  # when the article first appeared in the feed: its pubDate stays put
DESCRIPTION_CHARS = 400


def _config(name: str) -> Any:
    return current_app.config.get(name)


FALLBACK_BASE_URL = "http://localhost/"


def _base_url() -> str:
    """The public address, from configuration only: FEED_BASE_URL, else the address `reader serve` was
    started on (SERVER_URL). Never the request's Host header: a feed is cached (here for 300 s, and
    by proxies), and one client's forged Host must not write the links every listener gets."""
    return (_config("FEED_BASE_URL") or _config("SERVER_URL") or FALLBACK_BASE_URL).rstrip("/") + "/"


def _external(endpoint: str, **values: Any) -> str:
    return _base_url() + url_for(endpoint, **values).lstrip("/")


def _show() -> Show:
    title = _config("FEED_TITLE") or "Article reader"
    host = urlsplit(_base_url()).hostname or "localhost"
    author = _config("FEED_AUTHOR") or title
    return Show(
        title=title,
        description=_config("FEED_DESCRIPTION") or f"Articles read aloud by {title}.",
        author=author,
        language=_config("FEED_LANGUAGE") or "en",
        link=_base_url(),
        feed_url=_external("feed.feed"),
        image_url=_external("feed.artwork"),
        owner_email=_config("FEED_OWNER_EMAIL") or f"podcast@{host}",
        owner_name=_config("FEED_OWNER_NAME") or author,
        category=_config("FEED_CATEGORY") or "News",
        explicit=bool(_config("FEED_EXPLICIT")),
        copyright=_config("FEED_COPYRIGHT") or None,
    )


def _published(library: Library, state: ArticleState) -> dt.datetime:
    """The article's own date when it has an ISO one, else when the feed first listed it (kept beside
    its manifest, so the episode's date never moves)."""
    if state.date:
        try:
            parsed = dt.datetime.fromisoformat(state.date)
            return parsed if parsed.tzinfo else parsed.replace(hour=parsed.hour or 12, tzinfo=dt.UTC)
        except ValueError:
            pass
    name = article_object(state.id, PUBLISHED_FILE)
    try:
        return dt.datetime.fromtimestamp(float(json.loads(library.store.get(name) or b"")["published"]), dt.UTC)
    except (OSError, ReaderError, ValueError, KeyError, TypeError):
        first = int(state.updated or dt.datetime.now(dt.UTC).timestamp())
        try:
            library.store.put(name, json.dumps({"published": first}).encode())
        except (OSError, ReaderError) as error:
            log.warning("could not record when article %s was published: %s", state.id, error)
        return dt.datetime.fromtimestamp(first, dt.UTC)


def _description(state: ArticleState) -> str:
    """The standfirst, else the body's paragraphs (cut short): never the site's name or the title alone."""
    standfirst = " ".join(s.written for s in state.sentences if s.kind == "subtitle")
    words = standfirst or " ".join(s.written for s in state.sentences if s.kind == "paragraph")
    words = " ".join(words.split())
    if len(words) > DESCRIPTION_CHARS:
        words = words[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return words or state.title


def guid_for(state: ArticleState, library: Library | None = None) -> str:
    """The episode guid: from the URL as the podcast site builder derives it when that URL decided the
    article's id (the server fetched the page from it, or a token holder published it), else from the
    id: a paste that claims someone's URL gets a guid of its own, not the real story's."""
    library = library or get_library()
    trusted = bool(state.url) and library.url_decided_id(state.id)
    return episode_guid(f"url:{state.url}" if trusted else f"article:{state.id}")


def _episodes(library: Library) -> list[Episode]:
    rows = []
    for state in library.list():
        size = library.audio_size(state.id) if state.status == "complete" else None
        if size is None or not state.duration:
            continue
        rows.append((_published(library, state), state, size))
    rows.sort(key=lambda row: (row[0], row[1].id))
    return [
        Episode(
            guid=guid_for(state, library),
            title=state.title or "Untitled article",
            pubdate=published,
            enclosure_url=_external("api.audio", article_id=state.id, rev=state.revision),
            enclosure_length=size,
            duration=float(state.duration or 0.0),
            description=_description(state),
            link=state.url if is_http_url(state.url) else _external("pages.article", article_id=state.id),
            number=number,
            transcript_url=_external("api.captions", article_id=state.id),
            chapters_url=_external("feed.chapters", article_id=state.id),
            author=state.byline,
        )
        for number, (published, state, size) in enumerate(rows, start=1)
    ]


@bp.get("/feed.xml")
def feed() -> Response:
    """The library as a podcast: finished articles, oldest first numbered, newest first listed."""
    xml = build_feed(_show(), _episodes(get_library()))
    response = Response(xml, mimetype="application/rss+xml")
    response.set_etag(hashlib.sha256(xml).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)


@bp.get("/feed/artwork.jpg")
def artwork() -> Response:
    """The show's square cover: FEED_IMAGE checked and resized once, or drawn from the show's title."""
    library = get_library()
    title = _config("FEED_TITLE") or "Article reader"
    given = _config("FEED_IMAGE")
    key = hashlib.sha256(f"{title}\0{given or ''}".encode()).hexdigest()[:16]
    name = f"feed/artwork-{key}.jpg"  # named by what it is drawn from: never changes, kept in the store
    data = library.store.get(name)
    if data is None:
        with tempfile.TemporaryDirectory(prefix="reader-artwork-") as scratch:
            made = Path(scratch) / "artwork.jpg"
            if given:
                prepare_artwork(given, made)
            else:
                make_artwork(title, made)
            data = made.read_bytes()
        library.store.put(name, data)
    path = library.store.local_path(name)
    if path is not None:
        return send_file(path, mimetype="image/jpeg", conditional=True, max_age=86400)
    response = Response(data, mimetype="image/jpeg")
    response.set_etag(key)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response.make_conditional(request)


@bp.get("/feed/<article_id>/chapters.json")
def chapters(article_id: str) -> Response:
    """Podcasting 2.0 JSON chapters (the title, then one per heading), for ``podcast:chapters``."""
    manifest = get_library().manifest(article_id) if valid_id(article_id) else None
    if manifest is None or manifest.status != "complete":
        raise ApiError(404, f"no finished article with id {article_id!r}")
    body = chapters_json(chapters_from_manifest(manifest), title=manifest.title)
    response = Response(body, mimetype="application/json+chapters")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
