"""`reader podcast init`: the FEED.toml it writes builds a real podcast, and says the defaults in force.

The whole path a new user takes: init, add an article, build with the real offline voice, then the
feed read back by feedparser and gPodder's podcastparser and the episode's audio by ffprobe.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import feedparser
import podcastparser
from click.testing import CliRunner

from reader.cli.commands import cli
from reader.publish.feedfile import load_feed_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "podcast"
BASE = "https://pod.example.org/init/"


def _reader(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_init_then_add_then_build_makes_a_podcast_with_real_audio(tmp_path: Path, cache_dir: Path) -> None:
    feed = tmp_path / "FEED.toml"
    result = _reader("podcast", "init", str(feed), "--title", "Quay Stories", "--base-url", BASE)
    assert result.exit_code == 0, result.output
    assert "reader podcast add" in result.output  # says what to do next
    text = feed.read_text(encoding="utf-8")
    assert text.count("\n#") >= 20  # commented: every optional key explained

    (tmp_path / "bread.md").write_text((FIXTURES / "bread.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert _reader("podcast", "add", str(feed), str(tmp_path / "bread.md")).exit_code == 0
    assert "# where site/ will be served from" in feed.read_text(encoding="utf-8")  # comments survive the add

    result = _reader("podcast", "build", str(feed), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(tmp_path / "site" / "feed.xml")
    assert not parsed.bozo and parsed.feed.title == "Quay Stories"
    assert [entry.enclosures[0].href for entry in parsed.entries] == [f"{BASE}episodes/{_slug(tmp_path)}.mp3"]
    with (tmp_path / "site" / "feed.xml").open("rb") as handle:
        gpodder = podcastparser.parse(BASE + "feed.xml", handle)
    assert len(gpodder["episodes"]) == 1 and gpodder["episodes"][0]["total_time"] > 1
    mp3 = tmp_path / "site" / "episodes" / f"{_slug(tmp_path)}.mp3"
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", str(mp3)],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    assert info["streams"][0]["codec_name"] == "mp3" and float(info["format"]["duration"]) > 1


def _slug(folder: Path) -> str:
    state = json.loads((folder / "site" / "episodes.json").read_text(encoding="utf-8"))
    (record,) = state["episodes"].values()
    return record["slug"]


def test_an_empty_show_as_written_builds_a_valid_feed(tmp_path: Path) -> None:
    feed = tmp_path / "FEED.toml"
    assert _reader("podcast", "init", str(feed)).exit_code == 0
    result = _reader("podcast", "build", str(feed), "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert not feedparser.parse(tmp_path / "site" / "feed.xml").bozo


def test_the_commented_defaults_are_the_defaults_in_force(tmp_path: Path) -> None:
    """Every optional key is written commented out; uncommenting locked, backend and rate as written
    changes nothing about the show (the README's example says the same of locked)."""
    feed = tmp_path / "FEED.toml"
    assert _reader("podcast", "init", str(feed)).exit_code == 0
    as_written = load_feed_file(feed).show
    text = feed.read_text(encoding="utf-8")
    assert "# locked = true" in text and "the default" in text.split("# locked = true", 1)[1].split("\n")[0]
    uncommented = text.replace("# locked = true", "locked = true")
    uncommented = uncommented.replace('# backend = "pyttsx3"', 'backend = "pyttsx3"')
    feed.write_text(uncommented, encoding="utf-8")
    tomllib.loads(uncommented)
    assert load_feed_file(feed).show == as_written
    assert as_written.locked is True
    readme = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")
    recipe = readme[readme.index("## Recipe: make a podcast") : readme.index("## Recipe: export audio")]
    assert "# locked = true    the default" in recipe


def test_init_keeps_an_existing_file_and_refuses_bad_values(tmp_path: Path) -> None:
    feed = tmp_path / "FEED.toml"
    feed.write_text("# mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["podcast", "init", str(feed)])
    assert result.exit_code == 2 and "already exists" in result.output and "--force" in result.output
    assert feed.read_text(encoding="utf-8") == "# mine\n"

    other = tmp_path / "OTHER.toml"
    result = CliRunner().invoke(cli, ["podcast", "init", str(other), "--owner-email", "nobody"])
    assert result.exit_code == 2 and "owner_email" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FEED.toml"]  # nothing half-written left behind

    result = CliRunner().invoke(cli, ["podcast", "init", str(tmp_path / "missing" / "FEED.toml")])
    assert result.exit_code == 2 and result.output.startswith("reader: error: ") and "Errno" not in result.output
