"""The installed package is the one under test, and it carries its data files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import reader
from reader.cli.demo import demo_article_path

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not os.environ.get("READER_TEST_INSTALLED"), reason="only when testing the installed wheel")
def test_tests_run_against_the_installed_wheel_not_the_source_tree():
    assert Path(reader.__file__).resolve().parent != REPO / "reader"
    assert "site-packages" in Path(reader.__file__).parts


def test_demo_article_ships_with_the_package():
    assert demo_article_path().read_text(encoding="utf-8").count("Hegseth") > 3


def test_public_api_is_exported():
    for name in ("extract", "normalize", "make_script", "chunk_script", "ReaderError"):
        assert name in reader.__all__
        assert getattr(reader, name)
