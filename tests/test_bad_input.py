"""Bad input through the library and the CLI: each gets a specific error, none a traceback, hang or blow-up.

The web API's share is in ``test_bad_input_api.py``. Sizes and times here are
bounds against hangs and runaway memory, far above what the code needs (a hang
or a traceback is the failure these tests look for, not a slow machine).
"""

from __future__ import annotations

import codecs
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import reader
from reader.cli.commands import cli
from reader.errors import ExtractError, InputError
from reader.render import RenderOptions, plan

STORY = (
    "The council voted on Tuesday to reopen the old library after years of delay. "
    "Residents said the building had been closed for far too long, and the mayor agreed. "
)
PAGE = f"<html><head><title>Library reopens</title></head><body><article><h1>Library reopens</h1><p>{STORY * 3}</p></article></body></html>"  # noqa: E501


def _one_line(result: Result, code: int, words: str) -> None:
    """The CLI failed with ``code`` and exactly one ``reader: error:`` line that says ``words``."""
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: error: "), result.output
    assert words in lines[0], lines[0]
    assert "Traceback" not in result.output and "internal error" not in result.output


# --- empty, blank, binary ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b" \n\t\r\n  ", "is empty"),
        ("   \n", "is empty"),
        (b"\x00\x01\x02\x03" * 100, "binary data"),
        (bytes(range(256)) * 20, "binary data"),
        (b"%PDF-1.7\n" + b"0" * 500, "a PDF document"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 500, "a PNG image"),
        (b"\x1f\x8b\x08\x00" + b"0" * 500, "gzip"),
        (b"\x7fELF" + b"\x00" * 500, "an executable"),
    ],
)
def test_library_refuses_empty_blank_and_binary_input(data: bytes | str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        reader.extract(data)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.html", b"", "is empty"),
        ("blank.txt", b"\n \n\t", "is empty"),
        ("photo.html", b"\xff\xd8\xff\xe0" + b"\x00" * 300, "a JPEG image"),
        ("random.txt", bytes(range(256)) * 8, "binary data"),
    ],
)
def test_cli_refuses_empty_blank_and_binary_files(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    (tmp_path / name).write_bytes(content)
    _one_line(CliRunner().invoke(cli, ["script", str(tmp_path / name)]), 2, words)


@pytest.mark.parametrize("stdin", [b"", b"   \n", b"\x00\x00binary\x00"])
def test_cli_refuses_empty_and_binary_stdin(stdin: bytes) -> None:
    result = CliRunner().invoke(cli, ["script", "-"], input=stdin)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output


@pytest.mark.parametrize(
    ("argument", "words"),
    [
        ("/nonexistent/story.html", "no such file"),
        ("/", "is a directory"),
        ("/dev/zero", "not a regular file"),
        ("x" * 5000 + ".html", "cannot read"),
        ("story\x00.html", "no such file"),
        ("../" * 40 + "etc/missing.html", "no such file"),
    ],
)
def test_cli_refuses_unusable_paths(argument: str, words: str) -> None:
    _one_line(CliRunner().invoke(cli, ["script", argument]), 2, words)


# --- size: the 20 MB page, thousands of paragraphs, huge words and sentences ------------------------

_MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys, time
    started = time.monotonic()
    run = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    print("\\n", run.returncode, round(peak_mb), round(time.monotonic() - started, 1))
    """
)


def _reader_peak(*args: str, stdin: Path | None = None) -> tuple[int, float, str, str]:
    """Run ``reader`` in a fresh process (its only child): exit code, peak RSS in MB, stderr, stdout."""
    command = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "reader", *args]
    with open(stdin or "/dev/null", "rb") as handle:
        done = subprocess.run(command, capture_output=True, text=True, timeout=150, stdin=handle)
    output, _, last = done.stdout.rstrip().rpartition("\n")
    code, peak, _seconds = last.split()
    return int(code), float(peak), done.stderr, output


PEAK_MB = 600  # the 20 MB cases peak near 110 MB; a parsed 20 MB page of tiny paragraphs took over 3 GB


@pytest.fixture(scope="module")
def twenty_mb_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("big")
    article = f"<article><h1>Library reopens</h1><p>{STORY * 3}</p></article>"
    pages = {
        "paragraphs": "<p>tiny</p>" * 1_800_000,
        "inline script": "<script>var blob = '" + "a" * 19_500_000 + "';</script>",
        "comment": "<!--" + "c" * 19_500_000 + "-->",
    }
    paths = {}
    for name, padding in pages.items():
        path = folder / f"{name.replace(' ', '-')}.html"
        path.write_text(f"<html><head><title>Library reopens</title></head><body>{padding}{article}</body></html>")
        assert 19_000_000 < path.stat().st_size < 20 * 1024 * 1024  # under the file size limit: it is read
        paths[name] = path
    return paths


def test_twenty_mb_of_tiny_paragraphs_is_refused_in_bounded_memory(twenty_mb_pages: dict[str, Path]) -> None:
    code, peak, stderr, _ = _reader_peak("script", str(twenty_mb_pages["paragraphs"]))
    assert code == 2, stderr
    assert "HTML elements; the limit is 250,000 (READER_MAX_BLOCKS)" in stderr
    assert peak < PEAK_MB


@pytest.mark.parametrize("padding", ["inline script", "comment"])
def test_twenty_mb_page_with_a_huge_inline_node_still_yields_its_article(
    twenty_mb_pages: dict[str, Path], padding: str
) -> None:
    """libxml2 stops at a text node over 10 MB and drops the rest of the page; the article after it is read."""
    code, peak, stderr, output = _reader_peak("script", str(twenty_mb_pages[padding]))
    assert code == 0, stderr
    assert "reopen the old library" in output
    assert peak < PEAK_MB


def test_files_and_stdin_over_the_size_limit_are_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.html"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: 20 MiB + 1 byte of NULs, written in no time
    _one_line(CliRunner().invoke(cli, ["script", str(big)]), 2, "too large for an article")
    code, peak, stderr, _ = _reader_peak("script", "-", stdin=big)
    assert code == 2 and "stdin holds more than 20 MB" in stderr
    assert peak < PEAK_MB


def test_a_hostile_page_of_60000_paragraphs_is_refused_at_once() -> None:
    """It took 27 s in trafilatura before the block cap; the cap answers after a parse."""
    markup = "<html><body><article><h1>T</h1>" + "<p>Para is here.</p>" * 60_000 + "</article></body></html>"
    with pytest.raises(InputError, match=r"60,001 blocks of text; the limit is 10,000 \(READER_MAX_BLOCKS\)"):
        reader.extract(markup.encode())


@pytest.mark.parametrize("kind", ["text", "markdown"])
def test_thousands_of_tiny_paragraphs_in_text_are_refused_past_the_cap(kind: str) -> None:
    mark = "*" if kind == "markdown" else ""
    body = "".join(f"Paragraph {mark}{i}{mark} is here.\n\n" for i in range(12_000))
    with pytest.raises(InputError, match=r"12,00\d paragraphs; the limit is 10,000"):
        reader.extract(f"A title\n\n{body}".encode())


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("# T\n\nSome " + "[" * 100_000 + " text.\n", "100,000 link brackets"),  # took 45 s in the sniffer
        ("# T\n\n" + "[a](" * 20_000 + "\n", "20,000 link brackets"),  # 6 s in markdown-it
        ("# T\n\n" + "|a" * 2000 + "|\n" + "|-" * 2000 + "|\n" + ("|x" * 2000 + "|\n") * 50, "table cell borders"),
    ],
    ids=["brackets", "unclosed-links", "wide-table"],
)
def test_markdown_slow_paths_are_refused_before_parsing(markdown: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        reader.extract(markdown.encode())


def test_an_article_of_too_many_tiny_sentences_is_refused() -> None:
    """80,000 sentences took 8 s to script (and more to plan) for 640 KB of text."""
    text = "Title\n\n" + ("Go now. " * 40 + "\n\n") * 2000
    with pytest.raises(InputError, match=r"about 80,000 sentences; the limit is 20,000 \(READER_MAX_SENTENCES\)"):
        reader.extract(text.encode())


def test_thousands_of_tiny_paragraphs_under_the_cap_are_read() -> None:
    markup = "<html><body><article><h1>Many</h1>" + "".join(f"<p>Item {i} is ready.</p>" for i in range(2_000))
    article = reader.extract((markup + "</article></body></html>").encode())
    assert len(article.blocks) == 2_000 and article.blocks[-1].text == "Item 1999 is ready."


def test_the_limits_can_be_raised_and_lowered() -> None:
    from reader.text.input_limits import InputLimits

    markup = ("<html><body><article><h1>T</h1>" + "<p>Para is here.</p>" * 30 + "</article></body></html>").encode()
    with pytest.raises(InputError, match="the limit is 20 "):
        reader.extract(markup, limits=InputLimits(max_blocks=20))
    assert InputLimits.from_env({"READER_MAX_BLOCKS": "50000"}).max_blocks == 50_000
    with pytest.raises(InputError, match="bad input limit"):
        InputLimits.from_env({"READER_MAX_BLOCKS": "lots"})


def test_an_article_past_the_character_cap_is_refused() -> None:
    text = "A long title\n\n" + ("word " * 50 + "end.\n\n") * 4_000  # ~1 MB in 4,000 paragraphs
    limit = r"is 1,0\d\d,\d\d\d characters; the limit is 1,000,000 \(READER_MAX_ARTICLE_CHARS\)"
    with pytest.raises(InputError, match=limit):
        reader.extract(text.encode())


def test_a_huge_single_word_is_chunked_within_the_backend_limit() -> None:
    article = reader.extract(f"A title\n\nIt said {'a' * 100_000} and stopped.".encode())
    job = plan(article, RenderOptions())
    assert job.chunks and all(0 < len(chunk.text) <= 1000 for chunk in job.chunks)


def test_a_huge_sentence_is_chunked_within_the_backend_limit() -> None:
    article = reader.extract(("A title\n\n" + "and the words went on, " * 8_000 + "until the end.").encode())
    job = plan(article, RenderOptions())
    assert len(job.chunks) > 50 and all(len(chunk.text) <= 1000 for chunk in job.chunks)


# --- malformed and nested markup --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "readable"),
    [
        ("<html><body><p>Unclosed <b><i>tags <p>para " + STORY * 3 + "<td><tr>" * 500 + "</span></div></div>", True),
        ("<div>" * 200 + "<h1>Deep</h1><p>" + STORY * 3 + "</p>" + "</div>" * 200, True),
        ("<?xml version='1.0' encoding='bogus'?><html><body><p>" + STORY * 3 + "</p></body></html>", True),
        ("<html><body><p>" + STORY * 3 + "&#0; &#xD800; &#x110000; &#99999999999; &bogus; </p></body></html>", True),
        # CDATA is a bogus comment in HTML and an unterminated attribute swallows the rest, as in browsers.
        ("<html><body><![CDATA[" + STORY * 3 + "]]><p a='1' a='2' b=\"unterminated>" + STORY + "</p></html>", False),
        ("<svg><foreignObject><p>" + STORY * 3 + "</p></foreignObject></svg><math><mi>x</mi></math>", True),
        # Past libxml2's nesting limit (256) the parser drops what is deeper: an article, or "no article".
        ("<div>" * 100_000 + STORY + "</div>" * 100_000, False),
        ("<html><body><table>" + "<tr><td>" * 2000 + STORY + "</table></body></html>", False),
        ("<p>" + "<a href='#'>" * 5000 + STORY + "</p>", False),
    ],
    ids=["unclosed", "nested-200", "xml-bogus-encoding", "bad-entities", "cdata", "svg", "div-100k", "table", "a-5000"],
)
def test_malformed_or_deeply_nested_html_gives_an_article_or_a_clean_error(markup: str, readable: bool) -> None:
    try:
        article = reader.extract(markup.encode())
    except ExtractError as error:
        assert not readable, error
        assert "no article found" in str(error)
    else:
        text = " ".join(block.text for block in article.blocks)
        assert "old library" in text or not readable


# --- encodings ---------------------------------------------------------------------------------------

FRENCH = (
    "Le café de la gare a rouvert ses portes mardi. "
    "Les habitués étaient ravis : « C’est une belle journée », a dit Zoë."
)
JAPANESE = "東京都は火曜日に新しい図書館を開館すると発表しました。住民は喜んでいます。"


def _page(charset: str, body: str = FRENCH, title: str = "Café") -> str:
    return (
        f"<html><head><meta charset='{charset}'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p><p>{body}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_page("utf-8").encode("latin-1", "replace"), "Les habitués étaient ravis"),  # latin-1 declared UTF-8
        (_page("iso-8859-1").encode("utf-8"), "Les habitués étaient ravis"),  # UTF-8 declared latin-1
        (_page("utf-16").encode("utf-16-le"), "Les habitués étaient ravis"),  # UTF-16 LE, no BOM
        (_page("utf-16").encode("utf-16-be"), "Les habitués étaient ravis"),  # UTF-16 BE, no BOM
        (codecs.BOM_UTF16_LE + _page("utf-16").encode("utf-16-le"), "Les habitués étaient ravis"),
        (_page("shift_jis", JAPANESE * 2, "東京").encode("shift_jis"), "新しい図書館を開館"),
        (("東京のニュース\n\n" + JAPANESE * 3).encode("shift_jis"), "新しい図書館を開館"),  # undeclared
        (_page("windows-1252", "“Smart” quotes — and café’s dashes… " * 4).encode("cp1252"), "“Smart” quotes"),
        (_page("iso-8859-1", "“Smart” quotes — and café’s dashes… " * 4).encode("cp1252"), "“Smart” quotes"),
        (("Smart news\n\n" + "“Smart” quotes — and café’s dashes… " * 4).encode("cp1252"), "quotes"),
        (_page("utf-8").encode() + "<p>Et puis “encore” un café.</p>".encode("cp1252"), "Les habitués"),  # mixed
        (_page("x-no-such-charset").encode("utf-8"), "Les habitués étaient ravis"),
    ],
    ids=[
        "latin1-declared-utf8",
        "utf8-declared-latin1",
        "utf16le-no-bom",
        "utf16be-no-bom",
        "utf16-bom",
        "shift_jis",
        "shift_jis-undeclared",
        "cp1252-smart-quotes",
        "cp1252-declared-latin1",
        "cp1252-undeclared-text",
        "mixed-utf8-cp1252",
        "unknown-charset",
    ],
)
def test_wrong_and_missing_encodings_are_read_as_intended(data: bytes, expected: str) -> None:
    article = reader.extract(data)
    text = " ".join(block.text for block in article.blocks)
    assert expected in text
    assert "\ufffd" not in text.split("Et puis")[0]  # no replacement characters in what was valid


# --- backends, voices, options ------------------------------------------------------------------------


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text("Library reopens\n\n" + STORY, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("options", "code", "words"),
    [
        (["--backend", "nope"], 2, "unknown backend 'nope' (known:"),
        (["--backend", "../../bin/sh"], 2, "unknown backend"),
        (["--voice", "no-such-voice"], 2, "has no voice 'no-such-voice'"),
        (["--voice", "../../etc/passwd"], 2, "has no voice"),
        (["--rate", "100000"], 2, "rate must be 40-600"),
        (["--lang", "../.."], 2, "lang must be a language tag"),
        (["--lang", "en\x00"], 2, "lang must be a language tag"),
    ],
)
def test_cli_speak_refuses_unknown_backends_voices_and_options(
    story_file: Path, cache_dir: Path, options: list[str], code: int, words: str
) -> None:
    _one_line(CliRunner().invoke(cli, ["speak", str(story_file), *options]), code, words)
    assert not any(cache_dir.rglob("*.mp3"))


def test_cli_voices_and_export_refuse_unknown_backends(story_file: Path, tmp_path: Path) -> None:
    _one_line(CliRunner().invoke(cli, ["voices", "--backend", "nope"]), 2, "unknown backend 'nope'")
    result = CliRunner().invoke(cli, ["export", str(story_file), "-o", str(tmp_path / "out"), "--backend", "nope"])
    _one_line(result, 2, "unknown backend 'nope'")


# --- path tricks in output names and FEED.toml ---------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "words"),
    [
        ("/proc/no-such-dir/story.mp3", "cannot write the MP3"),
        ("/tmp/" + "b" * 300 + ".mp3", "File name too long"),
    ],
)
def test_cli_speak_refuses_unwritable_output_names(story_file: Path, output: str, words: str) -> None:
    _one_line(CliRunner().invoke(cli, ["speak", str(story_file), "-o", output]), 2, words)


@pytest.mark.parametrize(
    ("folder", "words"),
    [("/dev/null", "it exists and is not a folder"), ("/tmp/" + "c" * 300, "cannot create the output folder")],
)
def test_cli_export_refuses_unusable_output_folders(story_file: Path, folder: str, words: str) -> None:
    _one_line(CliRunner().invoke(cli, ["export", str(story_file), "-o", folder]), 2, words)


def test_export_names_from_hostile_titles_stay_inside_the_folder() -> None:
    from reader.publish.files import safe_filename

    for title in ["../../etc/passwd", "/etc/passwd", "..", "%2e%2e%2f%2e%2e", "a\x00b", "x" * 1000, "abc\u202etxt.exe"]:
        name = safe_filename(title, "mp3")
        assert "/" not in name and "\x00" not in name and "\u202e" not in name
        assert name not in (".mp3", "..mp3") and len(name.encode()) <= 200
        assert Path("/out", name).resolve().parent == Path("/out")


SHOW = """[show]
title = "Show"
description = "A show"
author = "Tester"
language = "en"
owner_email = "t@example.com"
base_url = "https://pod.example/"
"""


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("../outside.txt", "is outside the show's folder"),
        ("{outside}", "is outside the show's folder"),
        ("sub/../../outside.txt", "is outside the show's folder"),
        ("link.txt", "is outside the show's folder"),  # a symlink inside pointing outside
        ("a\\u0000b.txt", "not a usable file name"),
        ("n" * 5000 + ".txt", "not a usable file name"),
        ("%2e%2e/outside.txt", "file not found"),
        ("/dev/zero", "is outside the show's folder"),
    ],
)
def test_podcast_feed_episode_files_must_be_inside_the_show_folder(tmp_path: Path, source: str, words: str) -> None:
    show = tmp_path / "show"
    show.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("Secret\n\n" + STORY, encoding="utf-8")
    (show / "link.txt").symlink_to(outside)
    feed = show / "FEED.toml"
    feed.write_text(f'{SHOW}\n[[episodes]]\nsource = "{source.format(outside=outside)}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["podcast", "build", str(feed), "-o", str(tmp_path / "site")])
    _one_line(result, 2, words)
    assert not (tmp_path / "site" / "episodes").exists()


def test_podcast_add_refuses_files_outside_the_show_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    show = tmp_path / "show"
    show.mkdir()
    (show / "FEED.toml").write_text(SHOW, encoding="utf-8")
    (tmp_path / "outside.txt").write_text("Secret\n\n" + STORY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["podcast", "add", str(show / "FEED.toml"), str(tmp_path / "outside.txt")])
    _one_line(result, 2, "is outside the show's folder")
    monkeypatch.chdir(show)
    _one_line(CliRunner().invoke(cli, ["podcast", "add", "FEED.toml", "x\x01.txt"]), 2, "file not found")
    _one_line(CliRunner().invoke(cli, ["podcast", "add", "FEED.toml", "x\x00.txt"]), 2, "not a usable file name")
    assert (show / "FEED.toml").read_text(encoding="utf-8") == SHOW
