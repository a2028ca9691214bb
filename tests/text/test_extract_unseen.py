"""Pages in site themes the extractor was not developed against pass the seed's kind of checks.

Written as an examiner would: a Next.js newspaper page, a Drupal local-news page, a
wire-agency story (and its page text pasted from a browser), a Blogger post with
threaded comments, and a magazine long read (and its Markdown export), each with
the heavy furniture of its theme. Each ``tests/fixtures/unseen/NAME.checks.json``
lists article phrases in order, phrases read once, and furniture never read.
The rules that pass them are general; none names these pages' classes or sentences.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import reader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "unseen"
PAGES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".md", ".txt"))


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_unseen_page_checks_pass(page: Path, check_script) -> None:
    checks = json.loads(page.with_suffix(".checks.json").read_text(encoding="utf-8"))
    check_script(reader.make_script(reader.extract(page)), checks)


def test_every_unseen_page_has_checks() -> None:
    assert len(PAGES) >= 19
    for page in PAGES:
        assert page.with_suffix(".checks.json").is_file(), page.name


def test_markdown_footnote_markers_are_not_read() -> None:
    script = reader.make_script(reader.extract(FIXTURES / "magazine_longread_md.md"))
    written = [s.written for s in script.sentences]
    assert not [w for w in written if "[^" in w]
    assert any(w.startswith("The Association of Lighthouse Keepers was founded") for w in written)


def test_pull_quote_is_read_once_and_drop_cap_keeps_its_word() -> None:
    script = reader.make_script(reader.extract(FIXTURES / "magazine_longread.html"))
    written = " ".join(s.written for s in script.sentences)
    assert written.count("I am not sure the sea knows that") == 1
    assert "The light at Corrow Head" in written


def test_wire_credit_line_is_dropped_but_dateline_kept() -> None:
    article = reader.extract(FIXTURES / "wire_story.html")
    assert article.blocks[0].text.startswith("WASHINGTON, Feb 13 (Wirewire) - Federal Reserve Governor")
    assert not any("Editing by" in b.text for b in article.blocks)
    assert article.byline == "Dana Whitcomb"


def test_pasted_page_title_skips_the_menu_lines() -> None:
    article = reader.extract(FIXTURES / "wire_story_pasted.txt")
    assert article.title == "Fed's Hale says rate cuts can wait as inflation cools slowly"
    assert article.byline == "Dana Whitcomb"


def test_marked_endnotes_are_read_after_the_body_without_backlinks() -> None:
    prose = " ".join(["The survey boat left the harbour before dawn and the crew counted every buoy."] * 6)
    page = (
        "<html><head><title>Counting Buoys</title></head><body><article><h1>Counting Buoys</h1>"
        f"<p>{prose}<sup id='fnref:1'><a href='#fn:1' role='doc-noteref'>1</a></sup></p><p>{prose}</p></article>"
        "<section class='footnotes' role='doc-endnotes'><hr><ol><li id='fn:1'><p>The count was repeated a week later."
        " <a href='#fnref:1' role='doc-backlink'>↩︎</a></p></li></ol></section></body></html>"
    )
    blocks = reader.extract(page).blocks
    assert [b.text for b in blocks[-2:]] == ["Notes", "The count was repeated a week later."]


def test_pasted_blog_title_is_the_line_under_the_date_not_the_blog_name() -> None:
    article = reader.extract(FIXTURES / "blog_blogger_pasted.txt")
    assert article.title == "Saving seeds from the runner beans"
    assert article.blocks[0].text.startswith("This year I finally did")


def test_site_name_glued_to_the_meta_title_is_not_spoken() -> None:
    article = reader.extract(FIXTURES / "blog_squarespace.html")
    assert article.title == "A Weekend in the Cairngorms on a Shoestring"
    prose = " ".join(["The ferry left at dawn and the crossing took four calm hours."] * 8)
    page = (
        "<html><head><meta property='og:title' content='Ferry Days | Harbour Notes'>"
        "<meta property='og:site_name' content='Harbour Notes'></head>"
        f"<body><article><h2>Crossing</h2><p>{prose}</p><p>{prose}</p></article></body></html>"
    )
    assert reader.extract(page).title == "Ferry Days"
