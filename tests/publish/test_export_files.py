"""File names from titles that every file system accepts, and writes that appear whole."""

from __future__ import annotations

import os
import stat

import pytest

from reader.atomic import atomic_copy, atomic_write
from reader.publish.files import safe_filename, slugify


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("US Push for Ukraine Peace", "US Push for Ukraine Peace.mp3"),
        ("AC/DC: live? <yes> | no*", "AC - DC - live yes no.mp3"),
        ('Say "hi"\tto\nme', "Say hi to me.mp3"),
        ("Ends with dots...", "Ends with dots.mp3"),
        ("  ", "article.mp3"),
        ("...", "article.mp3"),
        ("CON", "CON_.mp3"),
        ("nul.txt", "nul.txt_.mp3"),
        ("Café ﬁnal — Ελληνικά", "Café ﬁnal — Ελληνικά.mp3"),
        ("../../etc/passwd", "etc - passwd.mp3"),
    ],
)
def test_safe_filenames(title, expected):
    assert safe_filename(title, "mp3") == expected


def test_long_titles_are_capped_in_bytes_without_splitting_a_character():
    name = safe_filename("é" * 300, "m4b")
    assert len(name.encode("utf-8")) <= 200
    assert name.endswith(".m4b") and "\ufffd" not in name


def test_collisions_are_numbered_ignoring_case():
    taken = {"Story.mp3", "story (2).MP3"}
    assert safe_filename("STORY", "mp3", taken=taken) == "STORY (3).mp3"


def test_decomposed_accents_become_composed():
    assert safe_filename("Cafe\u0301", "mp3") == "Caf\u00e9.mp3"


@pytest.mark.parametrize(
    ("title", "slug"), [("Hello, World!", "hello-world"), ("Ελληνικά", "episode"), ("Café au lait", "cafe-au-lait")]
)
def test_slugs(title, slug):
    assert slugify(title) == slug


def test_atomic_write_leaves_no_temp_and_readable_permissions(tmp_path):
    path = atomic_write(tmp_path / "sub" / "feed.xml", "<rss/>")
    assert path.read_text() == "<rss/>"
    assert os.listdir(path.parent) == ["feed.xml"]
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # a web server (another user) can read it
    copied = atomic_copy(path, tmp_path / "copy.xml")
    assert copied.read_bytes() == b"<rss/>"


def test_failed_copy_leaves_nothing_behind(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_copy(tmp_path / "missing", tmp_path / "out.mp3")
    assert os.listdir(tmp_path) == []
