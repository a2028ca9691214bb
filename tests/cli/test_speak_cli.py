"""`reader speak`, `reader voices` and `reader demo --no-serve` as a user runs them, with the real engine."""

from __future__ import annotations

import re

from click.testing import CliRunner
from mutagen.id3 import ID3

from reader.audio.ffmpeg import ffprobe
from reader.cli.commands import cli

ARTICLE = """# The Bridge Reopens

The old river bridge reopened on Monday after two years of repairs. Crowds walked across at dawn.

## What changed

Engineers replaced the deck and painted the towers. The council says it will last another century.
"""


def test_speak_writes_a_tagged_mp3_and_says_where_and_how_long(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "bridge.md"
    source.write_text(ARTICLE)
    out = tmp_path / "out" / "bridge.mp3"
    runner = CliRunner()
    first = runner.invoke(cli, ["speak", str(source), "-o", str(out), "--rate", "190", "--voice", "en-gb"])
    assert first.exit_code == 0, first.output
    match = re.search(r"bridge\.mp3\s+(\d+):(\d\d)", first.output)
    assert match and 5 <= int(match[1]) * 60 + int(match[2]) <= 60
    assert str(out) in first.output
    assert re.search(r"\((\d+) chunks rendered\)", first.output), first.output  # cold: nothing "of", nothing cached
    assert ffprobe(out)["streams"][0]["codec_name"] == "mp3"
    assert str(ID3(out)["TIT2"]) == "The Bridge Reopens"
    again = runner.invoke(cli, ["speak", str(source), "-o", str(out), "--rate", "190", "--voice", "en-gb"])
    assert again.exit_code == 0 and re.search(r"\(all \d+ chunks cached\)", again.output)  # all from the cache


def test_speak_errors_are_one_clean_line(tmp_path, monkeypatch):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "a.txt"
    source.write_text("A short article.\n\nIt has two paragraphs of text to speak.")
    runner = CliRunner()
    missing = runner.invoke(cli, ["speak", str(tmp_path / "nope.html")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    backend = runner.invoke(cli, ["speak", str(source), "--backend", "nope"])
    assert backend.exit_code == 2 and "unknown backend 'nope'" in backend.output
    voice = runner.invoke(cli, ["speak", str(source), "--voice", "klingon"])
    assert voice.exit_code == 2 and "no voice 'klingon'" in voice.output


def test_voices_lists_english_voices():
    result = CliRunner().invoke(cli, ["voices", "--backend", "pyttsx3", "--lang", "en"])
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.output.strip().splitlines()]
    assert ["pyttsx3", "en-us"] in [row[:2] for row in rows]
    assert all(row[2].startswith("en") for row in rows)
    unknown = CliRunner().invoke(cli, ["voices", "--backend", "nope"])
    assert unknown.exit_code == 2


def test_every_audio_command_has_help_with_an_example():
    runner = CliRunner()
    for args in (["speak"], ["voices"], ["cache"], ["cache", "stats"], ["cache", "prune"], ["demo"]):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, args
