"""FEED.toml: a podcast's show settings and its list of episodes, read strictly, appended gently.

Reading uses the standard ``tomllib`` and checks every key, so a typo
(``titel``) or a bad value is a clear error naming the file and the key rather
than a feed that podcast apps silently reject. Appending an episode uses
``tomlkit``, which keeps the user's comments, order and formatting.

    [show]
    title = "Long Reads, Read Aloud"
    description = "Articles worth your time, spoken."
    author = "The Reader"
    language = "en"
    base_url = "https://example.com/podcast/"   # where the site will be served
    owner_email = "podcast@example.com"
    category = "News"                           # one of Apple's categories
    explicit = false
    # artwork = "cover.jpg"                     # else one is drawn from the title
    # backend = "piper"   voice = "..."   rate = 170   (default: the best offline voice for the language)

    [[episodes]]
    source = "articles/first.html"              # a URL, or a file relative to FEED.toml
    # title = "A better title"   date = 2024-05-01
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit

from reader.atomic import atomic_write
from reader.errors import InputError
from reader.publish.podcast import APPLE_CATEGORIES
from reader.safe_text import http_url

__all__ = ["EpisodeEntry", "FeedFile", "ShowConfig", "add_episode", "is_url", "load_feed_file"]

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ShowConfig:
    title: str
    description: str
    author: str
    language: str
    base_url: str  # always ends with "/"
    owner_email: str
    owner_name: str | None = None
    category: str = "News"
    subcategory: str | None = None
    explicit: bool = False
    locked: bool = True  # podcast:locked: other platforms may not import the show without the owner's consent
    artwork: Path | None = None
    link: str | None = None
    copyright: str | None = None
    backend: str | None = None  # None: the best offline voice for each article's language, as everywhere
    voice: str | None = None
    rate: int | None = None


@dataclass(frozen=True)
class EpisodeEntry:
    source: str  # a URL, or an absolute path to a local file
    title: str | None = None
    date: dt.datetime | None = None  # timezone-aware when given


@dataclass(frozen=True)
class FeedFile:
    path: Path
    show: ShowConfig
    episodes: tuple[EpisodeEntry, ...]


_SHOW_REQUIRED = ("title", "description", "author", "language", "base_url", "owner_email")
_SHOW_KEYS = {
    "title": str,
    "description": str,
    "author": str,
    "language": str,
    "base_url": str,
    "owner_email": str,
    "owner_name": str,
    "category": str,
    "subcategory": str,
    "explicit": bool,
    "locked": bool,
    "artwork": str,
    "link": str,
    "copyright": str,
    "backend": str,
    "voice": str,
    "rate": int,
}
_EPISODE_KEYS = {"source", "title", "date"}


def is_url(source: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source))


def _unknown(path: Path, where: str, keys: set[str], known: set[str] | dict[str, Any]) -> None:
    extra = sorted(keys - set(known))
    if extra:
        raise InputError(f"{path}: unknown key {extra[0]!r} in {where} (known keys: {', '.join(sorted(known))})")


def _parse_date(path: Path, number: int, value: object) -> dt.datetime | None:
    """A TOML date or datetime, or an ISO 8601 string; dates without a zone are taken as UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"{path}: episode {number} has a date that is not ISO 8601: {value!r}") from None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, 12, tzinfo=dt.UTC)
    raise InputError(f"{path}: episode {number} has a date of the wrong type: {value!r}")


def _show(path: Path, table: object) -> ShowConfig:
    if not isinstance(table, dict):
        raise InputError(f"{path}: needs a [show] table with {', '.join(_SHOW_REQUIRED)}")
    _unknown(path, "[show]", set(table), _SHOW_KEYS)
    for key, kind in _SHOW_KEYS.items():
        value = table.get(key)
        wrong_type = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
        if key in table and wrong_type:
            raise InputError(f"{path}: [show] {key} must be a {kind.__name__}, not {table[key]!r}")
    missing = [key for key in _SHOW_REQUIRED if not str(table.get(key, "")).strip()]
    if missing:
        raise InputError(f"{path}: [show] is missing {', '.join(missing)}")
    if not _LANGUAGE.match(table["language"]):
        raise InputError(
            f"{path}: [show] language must be a language tag like 'en' or 'en-GB', not {table['language']!r}"
        )
    if not _EMAIL.match(table["owner_email"]):
        raise InputError(f"{path}: [show] owner_email is not an e-mail address: {table['owner_email']!r}")
    base_url = table["base_url"].strip()
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise InputError(f"{path}: [show] base_url must be an http(s) URL where the site is served, not {base_url!r}")
    category = table.get("category", "News")
    if category not in APPLE_CATEGORIES:
        raise InputError(
            f"{path}: [show] category {category!r} is not one of Apple's: {', '.join(APPLE_CATEGORIES)}",
        )
    rate = table.get("rate")
    if rate is not None and not 50 <= rate <= 500:
        raise InputError(f"{path}: [show] rate must be between 50 and 500 words per minute, not {rate}")
    artwork = None
    if table.get("artwork"):  # confined like episode files: a FEED.toml must not publish ../private/photo.png
        artwork = _local_file(path, path.parent / table["artwork"], f"{path}: [show] artwork: ", what="the artwork")
    link = table.get("link")
    if link is not None and http_url(link) is None:
        raise InputError(f"{path}: [show] link must be an http(s) URL (the show's web page), not {link!r}")
    return ShowConfig(
        title=table["title"].strip(),
        description=table["description"].strip(),
        author=table["author"].strip(),
        language=table["language"],
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        owner_email=table["owner_email"],
        owner_name=table.get("owner_name"),
        category=category,
        subcategory=table.get("subcategory"),
        explicit=table.get("explicit", False),
        locked=table.get("locked", True),
        artwork=artwork,
        link=link.strip() if link else None,
        copyright=table.get("copyright"),
        backend=table.get("backend") or None,
        voice=table.get("voice"),
        rate=rate,
    )


def _local_file(feed: Path, name: Path, where: str, *, what: str = "episode files") -> Path:
    """An episode's (or the artwork's) file, resolved (symlinks too); it must be a file inside the show's
    folder (the folder of FEED.toml), so a FEED.toml from someone else cannot publish the builder's other
    files (``../../.ssh/…``)."""
    try:
        local = name.resolve()
        found = local.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte
        raise InputError(f"{where}not a usable file name: {str(name)[:100]!r}") from None
    if not local.is_relative_to(feed.parent):
        raise InputError(
            f"{where}{local} is outside the show's folder {feed.parent}",
            remedy=f"copy it into the folder of FEED.toml (or below it): {what} must be there",
        )
    if not found:
        raise InputError(f"{where}file not found: {local}")
    return local


def _episode(path: Path, number: int, item: object) -> EpisodeEntry:
    if not isinstance(item, dict):
        raise InputError(f"{path}: episode {number} must be a table ([[episodes]] with source = ...)")
    _unknown(path, f"episode {number}", set(item), _EPISODE_KEYS)
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(f'{path}: episode {number} needs source = "a URL or a file"')
    source = source.strip()
    if not is_url(source):
        source = str(_local_file(path, path.parent / source, f"{path}: episode {number}: "))
    title = item.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise InputError(f"{path}: episode {number} has an empty or non-text title")
    return EpisodeEntry(
        source=source, title=title.strip() if title else None, date=_parse_date(path, number, item.get("date"))
    )


def load_feed_file(path: str | Path) -> FeedFile:
    """Read and check FEED.toml; local sources become absolute paths, dates timezone-aware."""
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"feed file not found: {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    _unknown(path, "the file", set(data), {"show", "episodes"})
    show = _show(path, data.get("show"))
    items = data.get("episodes", [])
    if not isinstance(items, list):
        raise InputError(f"{path}: 'episodes' must be an array of tables ([[episodes]])")
    episodes = tuple(_episode(path, number, item) for number, item in enumerate(items, start=1))
    seen: set[str] = set()
    for episode in episodes:
        if episode.source in seen:
            raise InputError(f"{path}: the episode {episode.source} is listed twice")
        seen.add(episode.source)
    return FeedFile(path=path, show=show, episodes=episodes)


def add_episode(path: str | Path, source: str, *, title: str | None = None, date: str | None = None) -> EpisodeEntry:
    """Append ``[[episodes]]`` for ``source`` to FEED.toml, keeping its comments and layout.

    A local file is stored relative to FEED.toml, so the show can move as a
    folder. Adding a source already listed is an error, not a duplicate episode.
    """
    feed = load_feed_file(path)
    path = feed.path
    stored = source.strip()
    if not stored:
        raise InputError("nothing to add: the source is empty")
    if not is_url(stored):
        local = _local_file(path, Path(stored), "")
        try:
            stored = os.path.relpath(local, path.parent)
        except ValueError:  # another drive on Windows
            stored = str(local)
        stored = Path(stored).as_posix()
    absolute = stored if is_url(stored) else str((path.parent / stored).resolve())
    if any(episode.source == absolute for episode in feed.episodes):
        raise InputError(f"{path}: {source} is already an episode")
    parsed_date = _parse_date(path, len(feed.episodes) + 1, date)

    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    table = tomlkit.table()
    table.trivia.indent = "\n"  # a blank line before the new [[episodes]], as people write them
    table.add("source", stored)
    if title:
        table.add("title", title.strip())
    if date:
        table.add("date", date.strip())
    if "episodes" not in document:
        document.add("episodes", tomlkit.aot())
    document["episodes"].append(table)  # type: ignore[union-attr]
    atomic_write(path, tomlkit.dumps(document))
    return EpisodeEntry(source=absolute, title=title.strip() if title else None, date=parsed_date)
