"""What the CLI says: one line per warning or error, in the same `reader: <level>: …` style, with no
raw errno, and a probable cause and a remedy each labelled as what it is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from reader.cli.commands import cli
from reader.errors import InputError, ReaderError, os_reason

ARTICLE = (
    "# Harbour wall reopens\n\nThe harbour wall was rebuilt this spring after the storms, the council said.\n\n"
    "Fishing boats return next week, once the old stone is back in place.\n"
)


def _run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner(mix_stderr=False).invoke(cli, list(args), env=env)


def test_speak_says_what_it_rendered_and_what_was_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "wall.md"
    source.write_text(ARTICLE, encoding="utf-8")
    cold = _run("speak", str(source), "-o", str(tmp_path / "wall.mp3"), "--backend", "pyttsx3")
    assert cold.exit_code == 0, cold.output
    total = int(re.search(r"\((\d+) chunks rendered\)$", cold.stdout.strip())[1])  # type: ignore[index]
    assert "cached" not in cold.stdout and " of " not in cold.stdout

    warm = _run("speak", str(source), "-o", str(tmp_path / "wall.mp3"), "--backend", "pyttsx3")
    assert warm.stdout.strip().endswith(f"(all {total} chunks cached)")

    source.write_text(ARTICLE.replace("next week", "on Monday"), encoding="utf-8")
    edited = _run("speak", str(source), "-o", str(tmp_path / "wall.mp3"), "--backend", "pyttsx3")
    assert edited.stdout.strip().endswith(f"(1 of {total} chunks rendered, {total - 1} cached)")


def test_a_warning_is_one_line_in_the_reader_style(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "wall.html"
    page.write_text(
        "<html lang='en'><head><title>Harbour wall reopens</title>"
        "<meta property='og:image' content='../private/photo.png'></head><body><article><h1>Harbour wall reopens</h1>"
        "<p>The harbour wall was rebuilt this spring after the storms, the council said on Tuesday.</p>"
        "<p>Fishing boats return next week, once the old stone is back in place on the quay.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    # A real process: in-process, pytest's own log handlers would take the record first.
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", str(page), "-o", str(tmp_path / "out"), "--backend", "pyttsx3"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    expected = f"reader: warning: no cover art: the lead image ../private/photo.png is outside the folder of {page}"
    assert lines == [expected]


@pytest.mark.parametrize(
    "args",
    [
        ["script", "{tmp}/missing/story.html"],
        ["script", "{tmp}"],
        ["speak", "{tmp}/wall.md", "-o", "{tmp}/wall.md/out.mp3"],
        ["script", "{tmp}/wall.md", "--lexicon", "{tmp}/missing.toml"],
        ["script", "{tmp}/wall.md", "--lexicon", "{tmp}"],
        ["podcast", "build", "{tmp}/missing.toml", "-o", "{tmp}/site"],
        ["podcast", "init", "{tmp}/no/such/folder/FEED.toml"],
        ["export", "{tmp}/wall.md", "-o", "{tmp}/wall.md/inside"],
    ],
)
def test_errors_never_show_a_raw_errno(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "wall.md").write_text(ARTICLE, encoding="utf-8")
    result = _run(*(arg.replace("{tmp}", str(tmp_path)) for arg in args))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: error: "), result.stderr
    assert "Errno" not in lines[0] and "Traceback" not in lines[0]


def test_an_unreadable_lexicon_setting_names_the_reason_not_the_errno(tmp_path: Path) -> None:
    (tmp_path / "wall.md").write_text(ARTICLE, encoding="utf-8")
    result = _run("script", str(tmp_path / "wall.md"), env={"READER_LEXICON": str(tmp_path / "nope.toml")})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"reader: error: READER_LEXICON names a file that cannot be read: {tmp_path / 'nope.toml'} "
        "(no such file or directory)"
    )


def test_a_limit_names_the_setting_and_the_cause_and_remedy_are_labelled(tmp_path: Path) -> None:
    source = tmp_path / "long.md"
    source.write_text("# A long read\n\n" + "The harbour wall was rebuilt this spring. " * 40, encoding="utf-8")
    result = _run("script", str(source), env={"READER_MAX_ARTICLE_CHARS": "1000"})
    assert result.exit_code == 2
    assert re.fullmatch(
        f"reader: error: the article in {re.escape(str(source))} is 1,6\\d\\d characters; the limit is 1,000 "
        r"\(READER_MAX_ARTICLE_CHARS\) \(probable cause: a book or a data dump rather than an article\); "
        r"to fix: raise READER_MAX_ARTICLE_CHARS if it is an article",
        result.stderr.strip(),
    ), result.stderr


def test_error_text_labels_cause_and_remedy_and_drops_errno_markers() -> None:
    error = ReaderError("could not read x: [Errno 13] Permission denied", cause="[Errno 28] disk full", remedy="y")
    assert str(error) == "could not read x: Permission denied (probable cause: disk full); to fix: y"
    assert str(InputError("plain")) == "plain"
    assert os_reason(FileNotFoundError(2, "No such file or directory")) == "no such file or directory"
    assert os_reason(OSError("[Errno 111] Connection refused")) == "connection refused"
    assert os_reason(OSError("URL too long")) == "URL too long"  # an initialism keeps its capitals


def test_an_unforeseen_system_error_is_one_line_without_errno(capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.commands import clean_errors

    @clean_errors
    def command() -> None:
        raise PermissionError(13, "Permission denied", "/srv/reader/audio_cache/x")

    with pytest.raises(SystemExit) as exited:
        command()
    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "reader: error: permission denied: /srv/reader/audio_cache/x (run with -vv for details)\n"
    )
