"""The audio commands of the ``reader`` CLI: speak, voices, cache, and the demo's render.

Registered on the ``cli`` group by ``reader.cli.commands``. Thin: each calls the
library (``reader.render``, ``reader.backends``, ``reader.store.local``) and prints.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reader.errors import InputError

if TYPE_CHECKING:  # each command imports what it runs, so `reader --help` loads no stage
    from reader.render import RenderOptions, RenderResult
    from reader.store import Progress

__all__ = ["cache", "render_to", "speak", "voices"]


def format_duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


class _Bar:
    """A progress bar on a terminal (stderr); nothing otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.shown = 0
        self.enabled = sys.stderr.isatty()

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=progress.total, label="rendering", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(progress.done - self.shown)
        self.shown = progress.done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def render_to(source: Any, options: RenderOptions, output: Path | None) -> tuple[RenderResult, Path]:
    """Render with a progress bar; copy the assembled file to ``output`` when given."""
    from reader.render import render

    bar = _Bar()
    try:
        result = render(source, options, on_progress=bar)
    finally:
        bar.close()
    path = result.audio_path
    if output is not None:
        try:
            if output.is_dir():
                output = output / f"{result.article_id}.mp3"
            output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, output)
        except (OSError, ValueError) as error:  # a missing or read-only folder, a name too long, a NUL byte
            reason = getattr(error, "strerror", None) or str(error)
            raise InputError(f"cannot write the MP3 to {str(output)[:200]}: {reason}") from None
        path = output
    return result, path


fallback_option = click.option(
    "--fallback-backend",
    envvar="READER_FALLBACK_BACKEND",
    default=None,
    help="Backend for chunks the chosen one fails after its retries, e.g. pyttsx3 behind gtts "
    "(default: $READER_FALLBACK_BACKEND; none: such a chunk fails the render).",
)


def audio_options(function: Any) -> Any:
    """--backend, --voice, --rate, --lang, --lead-in shared by the commands that render."""
    for option in reversed(
        [
            click.option(
                "--backend",
                default=None,
                help="Speech backend (see `reader voices`; default: the best offline voice installed for the "
                "article's language: piper, else pyttsx3).",
            ),
            click.option("--voice", default=None, help="Voice id from `reader voices`, or a Piper model PATH.onnx."),
            click.option("--rate", type=int, default=None, help="Speaking rate in words per minute."),
            click.option("--lang", default=None, help="Language (default: the article's)."),
            click.option(
                "--lead-in", type=click.IntRange(0, 10_000), default=0, help="Silence before the first word, ms."
            ),
            fallback_option,
        ]
    ):
        function = option(function)
    return function


def options_from(
    backend: str | None,
    voice: str | None,
    rate: int | None,
    lang: str | None,
    lead_in: int,
    fallback_backend: str | None = None,
) -> RenderOptions:
    from reader.audio import AudioSettings
    from reader.render import RenderOptions

    if fallback_backend == backend:  # e.g. READER_FALLBACK_BACKEND=pyttsx3 and --backend pyttsx3: nothing to fall to
        fallback_backend = None
    if voice and voice.partition("#")[0].endswith(".onnx"):  # a Piper voice by path: the command line only
        from reader.backends import allow_voice_paths

        allow_voice_paths()
    return RenderOptions(
        backend=backend,
        voice=voice,
        rate=rate,
        lang=lang,
        audio=AudioSettings(lead_in_ms=lead_in),
        fallback_backend=fallback_backend or None,
    )


@click.command()
@click.argument("source")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Where to write the MP3.")
@audio_options
def speak(
    source: str,
    output: Path | None,
    backend: str | None,
    voice: str | None,
    rate: int | None,
    lang: str | None,
    lead_in: int,
    fallback_backend: str | None,
) -> None:
    """Render SOURCE to one MP3 (cached chunks are reused) and print where it went.

    SOURCE is a URL, an HTML, text or Markdown file, or - for stdin.

    \b
    Example:
      reader speak https://example.com/story.html -o story.mp3 --rate 180
      reader speak story.html --backend gtts --fallback-backend pyttsx3
    """
    from reader.cli.sources import source_argument

    options = options_from(backend, voice, rate, lang, lead_in, fallback_backend)
    result, path = render_to(source_argument(source), options, output)
    fallback = options.fallback_backend
    fell_back = sum(1 for e in result.manifest.entries if fallback and e.backend == fallback)
    note = f"; {fell_back} by the fallback {options.fallback_backend}" if fell_back else ""
    click.echo(f"{path}  {format_duration(result.manifest.duration)}  ({chunk_summary(result)}{note})")


def chunk_summary(result: RenderResult) -> str:
    """What this run did: "23 chunks rendered" (cold), "5 of 23 chunks rendered, 18 cached", "all 23 chunks
    cached": each part names only what happened."""
    total, rendered = len(result.manifest.entries), result.rendered
    noun = "chunk" if total == 1 else "chunks"
    if rendered >= total:
        return f"{total} {noun} rendered"
    if rendered == 0:
        return f"all {total} {noun} cached" if total > 1 else f"{total} {noun} cached"
    return f"{rendered} of {total} {noun} rendered, {total - rendered} cached"


@click.command()
@click.option("--backend", default=None, help="Only this backend's voices.")
@click.option("--lang", default=None, help="Only voices for this language, e.g. en or en-gb.")
def voices(backend: str | None, lang: str | None) -> None:
    """List the voices each backend offers.

    \b
    Example:
      reader voices --backend piper --lang en
    """
    from reader.backends import backend_names, list_voices

    if backend is not None and backend not in backend_names():
        raise InputError(f"unknown backend {backend!r} (known: {', '.join(backend_names())})")
    for voice in list_voices(backend, lang):
        click.echo(f"{voice.backend}\t{voice.id}\t{voice.lang}\t{voice.gender or '-'}\t{voice.name}")


def parse_size(text: str) -> int:
    units = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "K": 10**3, "M": 10**6, "G": 10**9}
    value = text.strip().upper()
    number = value.rstrip("KMGB")
    unit = value[len(number) :]
    try:
        return int(float(number) * units[unit])
    except (ValueError, KeyError) as error:
        raise InputError(f"not a size: {text!r} (try 500MB)") from error


@click.group()
def cache() -> None:
    """Inspect and trim the audio cache (READER_CACHE_DIR, default ./audio_cache).

    \b
    Example:
      reader cache stats
    """


@cache.command()
def stats() -> None:
    """Chunks, articles and bytes in the cache.

    \b
    Example:
      reader cache stats
    """
    from reader.store import cache_stats, open_store

    figures = cache_stats(open_store())
    for name, value in figures.items():
        click.echo(f"{name}: {value}")


@cache.command()
@click.option("--max-size", required=True, help="Target size, e.g. 500MB.")
@click.option("--include-referenced", is_flag=True, help="Also drop chunks that current manifests use.")
def prune(max_size: str, include_referenced: bool) -> None:
    """Drop least recently used chunks until the cache fits in --max-size.

    \b
    Example:
      reader cache prune --max-size 500MB
    """
    from reader.store import open_store, prune_cache

    removed, freed, size = prune_cache(open_store(), parse_size(max_size), include_referenced=include_referenced)
    click.echo(f"removed {removed} chunks ({freed} bytes); cache is now {size} bytes")
