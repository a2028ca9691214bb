"""The seed article's spoken checks, through the real pipeline: extract → make_script → normalize."""

from __future__ import annotations

import re

import pytest

import reader


def _heard(text: str) -> str:
    """Spoken text as the checks compare it: lowercased, hyphens as spaces, punctuation dropped."""
    text = text.lower().replace("-", " ")
    return " ".join(re.sub(r"[^\w\s%]", "", text).split())


@pytest.mark.parametrize("fixture", ["seed_text", "seed_html"])
def test_seed_article_is_spoken_as_the_checks_say(fixture, request, seed_checks):
    path = request.getfixturevalue(fixture)
    script = reader.make_script(reader.extract(path))
    spoken = [_heard(s.spoken) for s in script.sentences]
    whole = " ".join(spoken)
    position = 0
    for phrase in seed_checks["spoken"]:
        found = whole.find(_heard(phrase), position)
        assert found >= 0, f"{phrase!r} not spoken (in order) in {fixture}"
        position = found
    for symbol in seed_checks["absent_spoken"]:
        assert all(symbol not in s.spoken for s in script.sentences), f"{symbol!r} reached the voice"


def test_seed_sentences_keep_their_written_text(seed_text):
    script = reader.make_script(reader.extract(seed_text))
    gdp = [s for s in script.sentences if "2% of GDP" in s.written]
    assert len(gdp) == 1
    assert gdp[0].written.startswith("“Even 2% of GDP is not enough,”")
    assert "two percent of G.D.P." in gdp[0].spoken
