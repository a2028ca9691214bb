"""FEED.toml → a static podcast site: feed.xml, episodes (MP3, VTT, chapters), artwork, index.html.

An episode's identity is its article's canonical URL, else its source as
listed in FEED.toml; its guid, URL, number and date are fixed the first time it
is published and kept in ``SITE_DIR/episodes.json``. So a rebuild after adding
one article renders only that one, and a corrected article keeps its guid, URL
and date (it is re-rendered because its revision changed). The guid is also
derived from the identity alone, so it survives even a lost episodes.json.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.atomic import atomic_write
from reader.audio import LoudnessTarget, chapters_from_manifest, chapters_json, manifest_to_vtt
from reader.errors import InputError, ReaderError
from reader.publish.artwork import make_artwork, prepare_artwork
from reader.publish.export import ExportSettings, manifest_tags, write_audio_file
from reader.publish.feedfile import EpisodeEntry, FeedFile, load_feed_file
from reader.publish.files import slugify
from reader.publish.podcast import Episode, Show, build_feed, episode_guid
from reader.publish.podcast_page import STYLESHEET, index_html, stylesheet
from reader.render import Plan, Progress, RenderOptions, legacy_article_id, plan, render_plan
from reader.safe_text import http_url, xml_safe

__all__ = ["SiteReport", "build_site", "episode_guid"]

log = logging.getLogger(__name__)

STATE_FILE = "episodes.json"
ARTWORK = "artwork.jpg"

ProgressCallback = Callable[[str, Progress], None]


@dataclass(frozen=True)
class SiteReport:
    site_dir: Path
    feed_path: Path
    rendered: tuple[str, ...]  # guids of episodes rendered (new, or changed since the last build)
    kept: tuple[str, ...]  # guids of episodes reused untouched
    failed: tuple[tuple[str, str], ...]  # (source, reason)


def _listed(entry: EpisodeEntry, feed: FeedFile) -> str:
    """The source as FEED.toml lists it: a URL, or a path relative to FEED.toml (so the show can move)."""
    if "://" in entry.source:
        return entry.source
    try:
        return Path(entry.source).relative_to(feed.path.parent).as_posix()
    except ValueError:
        return entry.source


def _identity(job: Plan, entry: EpisodeEntry, feed: FeedFile) -> str:
    if job.article.url:
        return f"url:{job.article.url}"
    listed = _listed(entry, feed)
    return f"url:{listed}" if "://" in listed else f"file:{listed}"


def _options(feed: FeedFile, fallback_backend: str | None = None) -> RenderOptions:
    if fallback_backend == feed.show.backend:  # the show's own backend: nothing to fall back to
        fallback_backend = None
    return RenderOptions(
        backend=feed.show.backend, voice=feed.show.voice, rate=feed.show.rate, fallback_backend=fallback_backend
    )


def _load_state(site: Path) -> dict[str, dict[str, Any]]:
    path = site / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): dict(v) for k, v in data["episodes"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise InputError(
            f"{path} is damaged ({error}); without it episode dates and numbers may change",
            remedy="restore it from a backup of the site folder",
        ) from None


def _save_state(site: Path, state: dict[str, dict[str, Any]]) -> None:
    document = {"version": 1, "episodes": dict(sorted(state.items(), key=lambda item: item[1]["number"]))}
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    atomic_write(site / STATE_FILE, xml_safe(text))  # a lone surrogate cannot be encoded; U+FFFE and the like go


def _pubdate(entry: EpisodeEntry, article_date: str | None) -> dt.datetime:
    if entry.date:
        return entry.date
    if article_date:
        try:
            parsed = dt.datetime.fromisoformat(article_date)  # a bare date gives midnight: noon is safer across zones
            return parsed if parsed.tzinfo else parsed.replace(hour=parsed.hour or 12, tzinfo=dt.UTC)
        except ValueError:
            log.info("article date %r is not ISO 8601; using the build time", article_date)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _unique_slug(title: str, used: set[str]) -> str:
    base = slugify(title)
    slug, number = base, 2
    while slug in used:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _description(job: Plan, limit: int = 400) -> str:
    """The standfirst, else the first paragraph: what the article says first, never the site's name
    (a masthead or tagline that extraction left in) or a repeat of the title."""
    article = job.article
    not_it = {" ".join(name.split()).casefold() for name in (article.site_name, article.title) if name}
    paragraphs = (block.text for block in article.blocks if block.kind == "paragraph")
    for text in (article.subtitle, *paragraphs):
        text = " ".join((text or "").split())
        if text and text.casefold().rstrip(".") not in not_it:
            return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return article.title


def _publish(
    job: Plan,
    entry: EpisodeEntry,
    record: dict[str, Any],
    site: Path,
    store: Any,
    on_progress: ProgressCallback | None,
    target: LoudnessTarget,
) -> dict[str, Any]:
    """Render one episode and write its files; return its updated state record."""
    label = entry.title or job.article.title
    callback = (lambda progress: on_progress(label, progress)) if on_progress else None
    result = render_plan(job, store=store, on_progress=callback)
    episodes = site / "episodes"
    slug = record["slug"]
    mp3 = episodes / f"{slug}.mp3"
    settings = ExportSettings(format="mp3", cover=False, transcript=False, loudness=target)
    temp = episodes / f".{slug}.mp3.part"
    episodes.mkdir(parents=True, exist_ok=True)
    try:
        tags = manifest_tags(result.manifest)
        write_audio_file(temp, result.audio_path, settings, job.options, tags, chapters_from_manifest(result.manifest))
        temp.chmod(0o644)
        temp.replace(mp3)
    finally:
        temp.unlink(missing_ok=True)
    # Plain cues: podcast apps' transcript readers differ, and not all of them read word timestamp tags.
    atomic_write(episodes / f"{slug}.vtt", manifest_to_vtt(result.manifest, words=False))
    chapters = chapters_json(chapters_from_manifest(result.manifest), title=label)
    atomic_write(episodes / f"{slug}.chapters.json", chapters)
    link = http_url(job.article.url) or http_url(entry.source)  # only http(s) is ever written as a link
    return {
        **record,
        "revision": result.revision,
        "article_id": result.article_id,
        "article_title": job.article.title,
        "length": mp3.stat().st_size,
        "duration": result.manifest.duration,
        "link": link,
        "description": _description(job),
        "byline": job.article.byline,
    }


def _fresh(record: dict[str, Any], job: Plan, site: Path) -> bool:
    """Whether the published files are this revision of the article, whole."""
    # A show without a backend was built with pyttsx3 named before the default became the best installed
    # voice: its published episodes stay as they are (only new and corrected ones get the new default).
    ids = {job.article_id, legacy_article_id(job.article, job.options)}
    if record.get("revision") != job.revision or record.get("article_id") not in ids:
        return False
    mp3 = site / "episodes" / f"{record['slug']}.mp3"
    sidecars = [site / "episodes" / f"{record['slug']}{suffix}" for suffix in (".vtt", ".chapters.json")]
    return mp3.is_file() and mp3.stat().st_size == record.get("length") and all(p.is_file() for p in sidecars)


def _show(feed: FeedFile) -> Show:
    config = feed.show
    return Show(
        title=config.title,
        description=config.description,
        author=config.author,
        language=config.language,
        link=config.link or config.base_url,
        feed_url=config.base_url + "feed.xml",
        image_url=config.base_url + ARTWORK,
        owner_email=config.owner_email,
        owner_name=config.owner_name,
        category=config.category,
        subcategory=config.subcategory,
        explicit=config.explicit,
        locked=config.locked,
        copyright=config.copyright,
    )


def _episode(record: dict[str, Any], title: str | None, base_url: str) -> Episode:
    slug = record["slug"]
    return Episode(
        guid=record["guid"],
        title=title or record["article_title"],
        pubdate=dt.datetime.fromisoformat(record["pubdate"]),
        enclosure_url=f"{base_url}episodes/{slug}.mp3",
        enclosure_length=int(record["length"]),
        duration=float(record["duration"]),
        description=record.get("description") or record["article_title"],
        link=http_url(record.get("link")) or f"{base_url}#{slug}",  # episodes.json may predate the rule
        number=int(record["number"]),
        transcript_url=f"{base_url}episodes/{slug}.vtt",
        chapters_url=f"{base_url}episodes/{slug}.chapters.json",
        author=record.get("byline"),
    )


def _artwork(feed: FeedFile, site: Path) -> None:
    if feed.show.artwork is not None:
        prepare_artwork(feed.show.artwork, site / ARTWORK)
    else:
        make_artwork(feed.show.title, site / ARTWORK)


def build_site(
    feed_path: str | Path,
    site_dir: str | Path,
    *,
    store: Any = None,
    on_progress: ProgressCallback | None = None,
    jobs: int = 2,
    fallback_backend: str | None = None,
) -> SiteReport:
    """Build or update the podcast site in ``site_dir`` from ``feed_path`` (FEED.toml).

    Episodes whose article is unchanged since the last build are kept as they
    are, without rendering; new and corrected ones render ``jobs`` at a time
    (each one parallel inside). An episode that fails is reported and, if it
    was published before, its last good version stays in the feed. ``fallback_backend`` renders the
    chunks the show's backend fails after its retries (keys as on the web: ``Plan.fallback_key``).
    """
    feed = load_feed_file(feed_path)
    site = Path(site_dir)
    site.mkdir(parents=True, exist_ok=True)
    state = _load_state(site)
    _artwork(feed, site)  # first: a cover Apple would refuse fails the build before any rendering
    options = _options(feed, fallback_backend)
    target = LoudnessTarget()
    failed: list[tuple[str, str]] = []
    listed: list[tuple[EpisodeEntry, str]] = []  # (entry, identity) in FEED.toml order
    todo: list[tuple[EpisodeEntry, Plan, str]] = []
    kept: list[str] = []
    used_slugs = {record["slug"] for record in state.values()}
    number = max((int(record["number"]) for record in state.values()), default=0)

    for entry in feed.episodes:
        try:
            job = plan(entry.source, options)
        except ReaderError as error:
            failed.append((entry.source, str(error)))
            listed_as = _listed(entry, feed)
            previous = next((key for key, record in state.items() if record.get("source") == listed_as), None)
            if previous is not None:
                listed.append((entry, previous))
            continue
        identity = _identity(job, entry, feed)
        if any(identity == known for _, known in listed):
            failed.append((entry.source, f"the same article as an earlier episode ({identity.split(':', 1)[1]})"))
            continue
        record = state.get(identity)
        if record is None:
            number += 1
            slug = _unique_slug(entry.title or job.article.title, used_slugs)
            used_slugs.add(slug)
            record = {
                "guid": episode_guid(identity),
                "slug": slug,
                "number": number,
                "pubdate": _pubdate(entry, job.article.date).isoformat(),
            }
        elif entry.date is not None:
            record = {**record, "pubdate": entry.date.isoformat()}  # an explicit date in FEED.toml is the user's call
        state[identity] = {**record, "source": _listed(entry, feed)}
        listed.append((entry, identity))
        if _fresh(state[identity], job, site):
            kept.append(state[identity]["guid"])
        else:
            todo.append((entry, job, identity))

    rendered: list[str] = []
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo))), thread_name_prefix="podcast") as pool:
            futures = {
                pool.submit(_publish, job, entry, state[identity], site, store, on_progress, target): (entry, identity)
                for entry, job, identity in todo
            }
            for future, (entry, identity) in futures.items():
                try:
                    state[identity] = future.result()
                    rendered.append(state[identity]["guid"])
                except ReaderError as error:
                    failed.append((entry.source, str(error)))
                    if "length" not in state[identity]:
                        del state[identity]
                _save_state(site, state)  # after each episode, so a crash keeps what is done
    _save_state(site, state)

    show = _show(feed)
    published = [
        _episode(state[identity], entry.title, feed.show.base_url)
        for entry, identity in listed
        if identity in state and "length" in state[identity]
    ]
    feed_path_out = atomic_write(site / "feed.xml", build_feed(show, published))
    atomic_write(site / STYLESHEET, stylesheet())
    atomic_write(site / "index.html", index_html(show, published, ARTWORK))
    return SiteReport(site, feed_path_out, tuple(rendered), tuple(kept), tuple(failed))
