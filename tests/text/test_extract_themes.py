"""Pages in other site themes, written for this project, pass checks like the seed's.

Each ``tests/fixtures/NAME.checks.json`` sits beside its page and has the seed
checks' shape (ordered, once, absent). The pages carry the furniture of their
theme (a Ghost-style blog, a broadcaster's news page, a Markdown export, page
text pasted from a browser); the rules that remove it are general and never
mention these pages' class names or sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".md", ".txt"))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_theme_checks_pass(page: Path, check_script) -> None:
    checks = json.loads(page.with_suffix(".checks.json").read_text(encoding="utf-8"))
    check_script(reader.make_script(reader.extract(page)), checks)


def test_every_page_has_checks() -> None:
    assert len(PAGES) >= 4
    for page in PAGES:
        assert page.with_suffix(".checks.json").is_file(), page.name


def test_blog_metadata_and_standfirst() -> None:
    article = reader.extract(FIXTURES / "blog_ghost.html")
    assert article.title == "The Quiet Revolution in Urban Beekeeping"
    assert article.subtitle == (
        "Rooftop hives are spreading across the city, and the bees are doing better than anyone expected."
    )
    assert (article.byline, article.site_name, article.date, article.lang) == (
        "Maya Okonkwo",
        "Hive Notes",
        "2024-06-03",
        "en",
    )
    assert article.url == "https://hivenotes.example.org/quiet-revolution-urban-beekeeping/"
    kinds = [b.kind for b in article.blocks]
    assert kinds.count("list_item") == 3 and kinds.count("quote") == 1 and kinds.count("heading") == 3


def test_script_speaks_title_then_subtitle_first() -> None:
    script = reader.make_script(reader.extract(FIXTURES / "blog_ghost.html"))
    assert [s.kind for s in script.sentences[:2]] == ["title", "subtitle"]


def test_windows_1252_page_is_decoded_by_its_meta_charset() -> None:
    article = reader.extract(FIXTURES / "news_broadcaster.html")
    quote = next(b.text for b in article.blocks if "conservation stories" in b.text)
    assert quote.startswith("\u201cIt is one of the great")
    assert article.byline == "Priya Raman"


def test_markdown_front_matter_is_metadata() -> None:
    article = reader.extract(FIXTURES / "post_markdown.md")
    assert (article.title, article.subtitle, article.byline, article.date) == (
        "Notes from a Night Train",
        "Sleeper services are back, and they are full",
        "Sam Ortega",
        "2024-11-02",
    )
    assert [b.text for b in article.blocks if b.kind == "list_item"] == [
        "it saves a night in a hotel",
        "it arrives in the city centre, not at an airport",
        "it is calmer than flying",
    ]


def test_pasted_text_byline_is_metadata_not_speech() -> None:
    article = reader.extract(FIXTURES / "pasted_news.txt")
    assert article.title == "Small Robots Take Over the Warehouse Night Shift"
    assert article.byline == "Daniel Kim"
    assert [b.text for b in article.blocks if b.kind == "heading"] == ["What the workers say"]
