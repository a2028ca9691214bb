"""The seed fixtures' checks (ordered, once, absent) on the script a listener would hear.

Checked on ``make_script(extract(path))``: written text for ``ordered`` and
``once``, written and spoken text for ``absent``. The same check runs on the
pages in other site themes under tests/fixtures (see test_extract_themes.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import reader

_NOT_WORD = re.compile(r"[^\w]+")


def flat(text: str) -> str:
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


@pytest.mark.parametrize("fixture", ["seed_html", "seed_text"])
def test_seed_checks_pass(fixture: str, request: pytest.FixtureRequest, seed_checks: dict, check_script) -> None:
    path: Path = request.getfixturevalue(fixture)
    check_script(reader.make_script(reader.extract(path)), seed_checks)


def test_seed_html_metadata(seed_html: Path) -> None:
    article = reader.extract(seed_html)
    assert article.title == "US Push for Ukraine Peace ‘Not a Betrayal,’ Says Hegseth"
    assert article.byline == "Staff Reporter"
    assert article.site_name == "The Daily Ledger"
    assert article.date == "2025-02-14"
    assert article.lang == "en"
    assert article.url == "https://example.com/trump/us-push-for-ukraine-peace-not-a-betrayal-says-hegseth/"
    assert article.image and article.image.endswith("us-push-peace-ukraine.jpg")
    assert [b.text for b in article.blocks if b.kind == "heading"] == [
        "US Commitment to Ukraine",
        "The Future of NATO and Ukraine",
        "Global Reactions and Uncertainty",
    ]


def test_seed_text_and_html_read_the_same_body(seed_html: Path, seed_text: Path) -> None:
    from_html = reader.extract(seed_html)
    from_text = reader.extract(seed_text)
    assert from_text.title == from_html.title
    assert [b.text for b in from_text.blocks] == [b.text for b in from_html.blocks]
    assert [b.kind for b in from_text.blocks] == [b.kind for b in from_html.blocks]


def test_title_is_the_first_sentence_and_spoken_once(seed_html: Path) -> None:
    script = reader.make_script(reader.extract(seed_html))
    assert script.sentences[0].kind == "title"
    titles = [s for s in script.sentences if flat(script.title) in flat(s.written)]
    assert len(titles) == 1
