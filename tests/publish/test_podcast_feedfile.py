"""FEED.toml: strict reading with errors that name the file and the key; appending that keeps comments."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from reader.errors import InputError
from reader.publish import add_episode
from reader.publish.feedfile import load_feed_file

GOOD = """\
# My show, hand-written: this comment must survive `reader podcast add`.
[show]
title = "Reads"
description = "Articles, read."
author = "The Reader"
language = "en"
base_url = "https://example.org/pod"   # no trailing slash on purpose
owner_email = "me@example.org"
category = "News"

[[episodes]]
source = "a.txt"
title = "Override"
date = 2024-03-01

[[episodes]]
source = "https://news.example.org/story"   # a URL
date = "2024-03-02T08:00:00+02:00"
"""


@pytest.fixture
def feed_toml(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("A title\n\nSome text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B title\n\nMore text.", encoding="utf-8")
    path = tmp_path / "FEED.toml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_reads_show_and_episodes(feed_toml):
    feed = load_feed_file(feed_toml)
    assert feed.show.base_url == "https://example.org/pod/"
    assert feed.show.explicit is False and feed.show.backend is None  # the best offline voice, as everywhere
    first, second = feed.episodes
    assert first.source == str(feed_toml.parent / "a.txt")
    assert first.title == "Override"
    assert first.date == dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    assert second.source == "https://news.example.org/story"
    assert second.date.utcoffset() == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('title = "Reads"', 'titel = "Reads"'), "unknown key 'titel' in \\[show\\]"),
        (('owner_email = "me@example.org"', 'owner_email = "nobody"'), "owner_email is not an e-mail"),
        (('category = "News"', 'category = "Newz"'), "category 'Newz' is not one of Apple's"),
        (('language = "en"', 'language = "English!"'), "language must be a language tag"),
        (('base_url = "https://example.org/pod"', 'base_url = "example.org"'), "base_url must be an http"),
        (('source = "a.txt"', 'source = "missing.txt"'), "episode 1: file not found"),
        (("date = 2024-03-01", 'date = "last tuesday"'), "episode 1 has a date that is not ISO 8601"),
        (('author = "The Reader"\n', ""), "\\[show\\] is missing author"),
        (('[[episodes]]\nsource = "a.txt"', '[[episodes]]\nsauce = "a.txt"'), "unknown key 'sauce' in episode 1"),
        (('title = "Reads"', 'title = "Reads'), "not valid TOML"),
        (('"https://news.example.org/story"', '"a.txt"'), "listed twice"),
    ],
)
def test_bad_feed_files_get_errors_naming_the_problem(feed_toml, change, message):
    old, new = change
    feed_toml.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        load_feed_file(feed_toml)
    assert str(feed_toml) in str(error.value)


def test_missing_feed_file(tmp_path):
    with pytest.raises(InputError, match="feed file not found"):
        load_feed_file(tmp_path / "nope.toml")


def test_add_appends_an_episode_and_keeps_comments(feed_toml, monkeypatch):
    monkeypatch.chdir(feed_toml.parent)
    entry = add_episode(feed_toml, "b.txt", title="Bee")
    text = feed_toml.read_text(encoding="utf-8")
    assert text.startswith(GOOD)  # every byte of the original kept, comments included
    assert text[len(GOOD) :] == '\n[[episodes]]\nsource = "b.txt"\ntitle = "Bee"\n'
    assert tomllib.loads(text)["episodes"][-1] == {"source": "b.txt", "title": "Bee"}
    assert entry.source == str(feed_toml.parent / "b.txt")
    assert [e.title for e in load_feed_file(feed_toml).episodes] == ["Override", None, "Bee"]


def test_add_stores_local_files_relative_to_the_feed(feed_toml, tmp_path, monkeypatch):
    elsewhere = tmp_path / "deep" / "dir"
    elsewhere.mkdir(parents=True)
    (elsewhere / "c.md").write_text("# C\n\ntext", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    add_episode(feed_toml, "c.md")
    assert tomllib.loads(feed_toml.read_text())["episodes"][-1]["source"] == "deep/dir/c.md"


def test_add_refuses_duplicates_and_missing_files(feed_toml, monkeypatch):
    monkeypatch.chdir(feed_toml.parent)
    with pytest.raises(InputError, match="already an episode"):
        add_episode(feed_toml, "a.txt")
    with pytest.raises(InputError, match="already an episode"):
        add_episode(feed_toml, "https://news.example.org/story")
    with pytest.raises(InputError, match="file not found"):
        add_episode(feed_toml, "ghost.html")
    assert feed_toml.read_text(encoding="utf-8") == GOOD


def test_add_to_a_feed_without_episodes(tmp_path, monkeypatch):
    path = tmp_path / "FEED.toml"
    path.write_text(GOOD.split("[[episodes]]")[0], encoding="utf-8")
    (tmp_path / "a.txt").write_text("A\n\nb", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    add_episode(path, "a.txt", date="2024-01-05")
    feed = load_feed_file(path)
    assert len(feed.episodes) == 1 and feed.episodes[0].date.date() == dt.date(2024, 1, 5)
