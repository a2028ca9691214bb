"""The CLI commands that write files people keep: ``reader export`` and ``reader podcast build|add``.

Kept apart from ``reader/cli.py`` (which registers them) so each stays a thin
layer: parse options, call the library, show progress on a terminal, report.
Progress bars go to stderr and only when it is a terminal; results go to
stdout, one path per line, so scripts can use them.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reader.audio import FORMATS
from reader.cli.audio import fallback_option
from reader.errors import InputError

if TYPE_CHECKING:  # each command imports what it runs, so `reader --help` loads no stage
    from reader.publish import Exported, Failed
    from reader.render import Progress

__all__ = ["export", "podcast"]


def _terminal() -> bool:
    return sys.stderr.isatty()


class _Bars:
    """An overall bar and one bar per article being rendered (chunks), shown only on a terminal.

    Thread-safe: a podcast build renders several episodes at once.
    """

    def __init__(self, total: int, unit: str) -> None:
        from tqdm import tqdm

        self.enabled = _terminal()
        self.lock = threading.Lock()
        self.overall = tqdm(total=total, unit=unit, position=0, disable=not self.enabled, dynamic_ncols=True)
        self.articles: dict[str, Any] = {}

    def progress(self, label: str, progress: Progress) -> None:
        if not self.enabled:
            return
        with self.lock:
            bar = self.articles.get(label)
            if bar is None:
                name = label if len(label) <= 40 else "…" + label[-39:]
                position = 1 + len(self.articles)
                from tqdm import tqdm

                bar = tqdm(total=1, desc=name, unit="chunk", position=position, leave=False, dynamic_ncols=True)
                self.articles[label] = bar
            bar.total = max(progress.total, 1)
            bar.n = progress.done
            bar.set_postfix_str(f"{progress.audio_seconds:.0f} s of audio", refresh=False)
            bar.refresh()

    def finish(self, label: str | None = None) -> None:
        """One more article done: close its bar and advance the overall one."""
        with self.lock:
            bar = self.articles.pop(label, None) if label is not None else None
            if bar is not None:
                bar.close()
            self.overall.update(1)

    def close(self) -> None:
        with self.lock:
            for bar in self.articles.values():
                bar.close()
            self.articles.clear()
            self.overall.close()


@click.command()
@click.argument("sources", nargs=-1)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the audio files (created when missing).",
)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="mp3", show_default=True)
@click.option("--bitrate", type=int, default=None, help="kbps; default 48 for MP3 (the house format), 64 otherwise.")
@click.option("--chapters/--no-chapters", default=True, show_default=True, help="Chapters at headings (MP3, M4B).")
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read sources from a file, one per line (# comments allowed).",
)
@click.option("--backend", default=None, help="Speech backend (default: the best offline voice installed).")
@click.option("--voice", default=None, help="Voice id (see `reader voices`).")
@click.option("--rate", type=int, default=None, help="Speaking rate in words per minute.")
@click.option("--loudness", type=float, default=-16.0, show_default=True, help="Integrated loudness target, LUFS.")
@fallback_option
def export(
    sources: tuple[str, ...],
    out_dir: Path,
    fmt: str,
    bitrate: int | None,
    chapters: bool,
    from_file: Path | None,
    backend: str | None,
    voice: str | None,
    rate: int | None,
    loudness: float,
    fallback_backend: str | None,
) -> None:
    """Export articles to audio files, one per article, named from its title.

    Each file is tagged (title, artist, album, date, cover, source URL) with
    chapters at the headings, measured to -16 LUFS, and gets a WebVTT
    transcript beside it. A batch goes on past articles that fail, lists them
    at the end, and exits with status 1 when any failed (with the failures' own
    status, such as 4 for a refused URL, when all failed the same way).

    \b
    Examples:
      reader export https://example.com/story.html -o audio/
      reader export *.html -o books/ --format m4b
      reader export --from-file reading-list.txt -o audio/ --no-chapters
      reader export story.html -o audio/ --backend gtts --fallback-backend pyttsx3
    """
    from tqdm import tqdm

    from reader.audio import LoudnessTarget
    from reader.backends import get_backend
    from reader.publish import Exported, ExportSettings, export_batch, read_source_list, with_bitrate
    from reader.render import RenderOptions

    all_sources = list(sources) + (read_source_list(from_file) if from_file else [])
    if not all_sources:
        raise InputError("nothing to export: give SOURCES or --from-file LIST")
    settings = ExportSettings(
        format=fmt, bitrate_kbps=bitrate, chapters=chapters, loudness=LoudnessTarget(integrated=loudness)
    )
    fallback = None if fallback_backend == backend else fallback_backend  # the same one: nothing to fall to
    options = RenderOptions(backend=backend, voice=voice, rate=rate, fallback_backend=fallback or None)
    options = with_bitrate(options, settings)  # checks it up front
    for name in (backend, fallback):
        if name:
            get_backend(name)  # an unknown backend is one clear error, not one failure per article
    bars = _Bars(len(all_sources), "article")
    current = [""]

    def label(source: str) -> str:
        return source if "://" in source else Path(source).name  # a file's name says enough

    def start(_index: int, source: str) -> None:
        current[0] = label(source)

    def done(outcome: Exported | Failed) -> None:
        bars.finish(label(outcome.source))
        if isinstance(outcome, Exported):
            tqdm.write(str(outcome.path), file=sys.stdout)

    try:
        report = export_batch(
            all_sources,
            out_dir,
            settings,
            options=options,
            on_start=start,
            on_progress=lambda progress: bars.progress(current[0], progress),
            on_done=done,
        )
    finally:
        bars.close()
    if report.failed:
        click.echo(f"reader: {len(report.failed)} of {len(all_sources)} articles failed:", err=True)
        for failure in report.failed:
            click.echo(f"  {failure.source}: {failure.reason}", err=True)
        codes = {failure.exit_code for failure in report.failed}
        # Every article failed the same way (say, every URL refused: 4): that error's code; else 1.
        sys.exit(codes.pop() if not report.exported and len(codes) == 1 else 1)


@click.group()
def podcast() -> None:
    """Build a podcast (RSS feed + static site) from a FEED.toml list of articles.

    \b
    Example:
      reader podcast init FEED.toml --title "Harbour Reads" --base-url https://example.org/harbour/
      reader podcast add FEED.toml https://example.com/story.html
      reader podcast build FEED.toml -o site/
    """


@podcast.command("init")
@click.argument("feed_file", type=click.Path(dir_okay=False, path_type=Path), default="FEED.toml")
@click.option("--title", default="My articles, read aloud", show_default=True, help="The show's title.")
@click.option("--description", default="Articles worth your time, read aloud.", help="One or two sentences.")
@click.option("--author", default="The newsroom", show_default=True, help="Who makes the show (itunes:author).")
@click.option("--language", default="en", show_default=True, help="A language tag: en, en-GB, fr …")
@click.option(
    "--base-url",
    default="https://example.org/podcast/",
    show_default=True,
    help="Where the built site will be served from.",
)
@click.option(
    "--owner-email", default="podcast@example.org", show_default=True, help="Apple mails it to verify the show."
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
def podcast_init(feed_file: Path, force: bool, **values: str) -> None:
    """Write a new FEED.toml (default ./FEED.toml) with every key explained in a comment.

    It builds as written (an empty show); add episodes with `reader podcast add`.

    \b
    Example:
      reader podcast init FEED.toml --title "Harbour Reads" --base-url https://example.org/harbour/
    """
    from reader.publish import write_feed_template

    path = write_feed_template(feed_file, force=force, **values)
    click.echo(f"wrote {path}; next: `reader podcast add {path} SOURCE`, then `reader podcast build {path} -o site/`")


@podcast.command("build")
@click.argument("feed_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the static site (feed.xml, episodes/, artwork.jpg, index.html).",
)
@click.option("--jobs", type=click.IntRange(1, 16), default=2, show_default=True, help="Episodes rendered at once.")
@fallback_option
def podcast_build(feed_file: Path, site_dir: Path, jobs: int, fallback_backend: str | None) -> None:
    """Render new and changed episodes and write the site; unchanged episodes are kept as they are.

    Exits with status 1 when an episode failed (the rest of the site is still written).

    \b
    Examples:
      reader podcast build FEED.toml -o site/
      READER_FALLBACK_BACKEND=pyttsx3 reader podcast build FEED.toml -o site/
    """
    from reader.backends import get_backend
    from reader.publish import build_site

    if fallback_backend:
        get_backend(fallback_backend)  # an unknown backend is one clear error before any rendering
    bars = _Bars(0, "episode")
    labels: set[str] = set()

    def progress(label: str, event: Progress) -> None:
        if label not in labels:
            labels.add(label)
            bars.overall.total = len(labels)  # only episodes that render show up here
        bars.progress(label, event)
        if event.status == "complete":
            bars.finish(label)

    try:
        report = build_site(feed_file, site_dir, on_progress=progress, jobs=jobs, fallback_backend=fallback_backend)
    finally:
        bars.close()
    click.echo(f"{report.feed_path}  ({len(report.rendered)} rendered, {len(report.kept)} unchanged)")
    if report.failed:
        click.echo(f"reader: {len(report.failed)} episodes failed:", err=True)
        for source, reason in report.failed:
            click.echo(f"  {source}: {reason}", err=True)
        sys.exit(1)


@podcast.command("add")
@click.argument("feed_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("source")
@click.option("--title", default=None, help="Episode title instead of the article's.")
@click.option("--date", default=None, help="Publication date (ISO 8601) instead of the article's.")
def podcast_add(feed_file: Path, source: str, title: str | None, date: str | None) -> None:
    """Append SOURCE (a URL or a file) to FEED.toml's episodes, keeping its comments.

    \b
    Example:
      reader podcast add FEED.toml articles/new-story.html --date 2024-05-01
    """
    from reader.publish import add_episode

    entry = add_episode(feed_file, source, title=title, date=date)
    click.echo(f"added {entry.source}; run `reader podcast build {feed_file} -o SITE_DIR` to publish it")
