"""The ``reader`` command: a thin layer over the library.

Each command calls the public API and turns a ``ReaderError`` into one clean
line on stderr and the error's exit code; no traceback reaches a user.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from reader.cli.demo import demo_article_path
from reader.errors import ReaderError, os_reason, without_errno

log = logging.getLogger(__name__)


def clean_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ReaderError into ``reader: error: …`` and its exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ReaderError as error:
            click.echo(f"reader: error: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("reader: interrupted; finished chunks stay cached", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `reader script x | head`: the reader of our output left; not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as error:  # the system refused something no check foresaw: its reason in words, no errno
            log.debug("unexpected system error", exc_info=True)
            where = f": {error.filename}" if getattr(error, "filename", None) else ""
            click.echo(f"reader: error: {os_reason(error)}{where} (run with -vv for details)", err=True)
            sys.exit(1)
        except Exception as error:  # a bug, not bad input: still one line, the traceback under -vv
            log.debug("unexpected error", exc_info=True)
            message = f"internal error: {type(error).__name__}: {error} (run with -vv for details)"
            click.echo(f"reader: error: {message}", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.version_option(package_name="article-reader-tts")
def cli(verbose: int) -> None:
    """Turn web articles into clean, natural speech.

    \b
    Example:
      reader script https://example.com/news/story.html
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = _StderrHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s") if verbose else OneLineFormatter()
    )
    logging.basicConfig(level=level, handlers=[handler])
    logging.captureWarnings(True)  # a library's warnings.warn() is one line too, not a file path and source line


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted (click's test runner swaps it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_WARNING_SOURCE = re.compile(r"^.*?:\d+: \w+: ")  # "path.py:12: UserWarning: " before a warnings.warn() text


class OneLineFormatter(logging.Formatter):
    """``reader: warning: …`` on one line, as errors are ``reader: error: …``: no time, no logger name,
    no errno, no traceback (``-v`` shows those)."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == "py.warnings":  # "path.py:12: UserWarning: text\n  source line"
            message = _WARNING_SOURCE.sub("", message.split("\n", 1)[0])
        return f"reader: {record.levelname.lower()}: {without_errno(' '.join(message.split()))}"


# `reader demo` and `reader serve` both start the web app: one meaning of --open for both.
open_option = click.option(
    "--open",
    "open_server",
    is_flag=True,
    help="Let anyone add, refresh, delete and preview articles without the API token (a demo, a private network).",
)


@cli.command()
@click.argument("source")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lexicon", "lexicon_path", metavar="TOML", help="Pronunciation lexicon (default: $READER_LEXICON).")
@clean_errors
def script(source: str, output_format: str, lexicon_path: str | None = None) -> None:
    """Print exactly what will be spoken for SOURCE.

    SOURCE is a URL, an HTML, text or Markdown file, or - for stdin.

    \b
    Example:
      reader script article.html --format json
      reader script article.html --lexicon site.toml
    """
    from reader.cli.sources import source_argument
    from reader.normalize import load_lexicon, normalize
    from reader.text import extract, make_script

    lexicon = load_lexicon(lexicon_path) if lexicon_path else None
    article = extract(source_argument(source), cache=True)  # a page read before comes from the extract cache
    speech = make_script(article, normalize=functools.partial(normalize, lexicon=lexicon))
    if output_format == "json":
        sentences = [
            {"block": s.block, "kind": s.kind, "written": s.written, "spoken": s.spoken} for s in speech.sentences
        ]
        click.echo(
            json.dumps(
                {"title": speech.title, "lang": speech.lang, "sentences": sentences}, ensure_ascii=False, indent=2
            )
        )
        return
    block = None
    for sentence in speech.sentences:
        if sentence.block != block:
            if block is not None:
                click.echo()
            click.echo(f"[{sentence.kind}]")
            block = sentence.block
        click.echo(sentence.spoken)


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Where to copy the MP3.")
@click.option("--serve/--no-serve", default=True, show_default=True, help="Then serve the player for it.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@open_option
@clean_errors
def demo(output: Path | None, serve: bool, host: str, port: int, open_server: bool = False) -> None:
    """Run the main job: render the bundled demo article (the seed page), then serve it in the player.

    Prints the MP3's path and length, then the URL of the article's page,
    and serves until Ctrl-C (--no-serve stops after the MP3).

    The server is read-only for strangers unless --open (the quick start passes it, so the
    library's form works) or READER_API_TOKEN is set.

    \b
    Example:
      reader demo --port 8080 --open
    """
    from reader.cli.audio import format_duration, options_from, render_to

    if serve:
        from web.serve import check_port_free

        check_port_free(host, port)  # before rendering, so a taken port fails at once
    result, path = render_to(demo_article_path(), options_from(None, None, None, None, 0), output)
    click.echo(f"{path}  {format_duration(result.manifest.duration)}")
    if serve:
        from web.serve import public_url
        from web.serve import serve as run_server

        url = public_url(host, port, f"/articles/{result.article_id}")
        run_server(
            host,
            port,
            open_server=open_server,
            on_ready=lambda: click.echo(f"Listen to the demo article: {url}  (Ctrl-C stops)"),
        )


def _add_audio_commands() -> None:
    from reader.cli import audio as cli_audio

    for command in (cli_audio.speak, cli_audio.voices, cli_audio.cache):
        if command.callback is not None:
            command.callback = clean_errors(command.callback)
        for sub in getattr(command, "commands", {}).values():
            sub.callback = clean_errors(sub.callback)
        cli.add_command(command)


_add_audio_commands()


def _add_output_commands() -> None:
    from reader.cli import outputs as cli_outputs

    for command in (cli_outputs.export, cli_outputs.podcast):
        if command.callback is not None:
            command.callback = clean_errors(command.callback)
        for sub in getattr(command, "commands", {}).values():
            sub.callback = clean_errors(sub.callback)
        cli.add_command(command)


_add_output_commands()


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Server processes.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256), help="Threads per process.")
@open_option
@clean_errors
def serve(host: str, port: int, workers: int, threads: int, open_server: bool = False) -> None:
    """Serve the web player, the embed script and the JSON API.

    Runs gunicorn with threaded workers (waitress on Windows); each process
    renders in the background, and an article still renders once across them.
    Configure with READER_* environment variables (see the README).
    Safe by default: changes, previews and /metrics need READER_API_TOKEN,
    unless --open lets anyone make them.

    \b
    Example:
      READER_API_TOKEN=secret reader serve --port 8080
      reader serve --open
    """
    from web.serve import check_port_free, public_url
    from web.serve import serve as run_server

    check_port_free(host, port)
    url = public_url(host, port)
    run_server(
        host,
        port,
        workers=workers,
        threads=threads,
        open_server=open_server,
        on_ready=lambda: click.echo(
            f"reader: serving on {url}" + (" (open: anyone may make changes)" if open_server else ""), err=True
        ),
    )


def _add_scale_commands() -> None:
    from reader.cli import scale as cli_scale

    cli_scale.worker.callback = clean_errors(cli_scale.worker.callback)
    cli.add_command(cli_scale.worker)


_add_scale_commands()


def main() -> None:
    cli(prog_name="reader")
