"""Sentence splitting: the fast path for plain English prose splits exactly where pysbd does.

``split_sentences`` skips pysbd for plain prose (scripting a 5,000-word article is on the way to its
first sound). Here every block of the real fixtures and of generated articles, and seeded random
prose full of abbreviations, capitals and numbers, is split both ways wherever the fast path applies.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.text import extract
from reader.text.script import _plain_split, _segmenter, split_sentences

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _blocks(source: bytes) -> list[str]:
    article = extract(source)
    return [" ".join(text.split()) for text in (article.title, *(b.text for b in article.blocks)) if text.strip()]


def _pysbd(text: str) -> list[str]:
    return [p.strip() for p in _segmenter("en").segment(text) if p.strip()]


def _check(texts: list[str]) -> int:
    fast = 0
    for text in texts:
        pieces = _plain_split(text)
        if pieces is not None:
            fast += 1
            assert [p.strip() for p in pieces] == _pysbd(text), text
    return fast


def test_the_fast_path_agrees_with_pysbd_on_real_articles():
    texts = []
    for path in [*sorted(FIXTURES.glob("*.html")), *sorted(FIXTURES.glob("*.txt")), *sorted(FIXTURES.glob("*.md"))]:
        texts += _blocks(path.read_bytes())
    assert _check(texts) > 0


def test_the_fast_path_agrees_with_pysbd_on_generated_articles_and_takes_most_of_their_blocks(make_article):
    texts = _blocks(make_article(3000).encode())
    assert _check(texts) >= len(texts) * 0.9


@pytest.mark.parametrize("seed", range(3))
def test_the_fast_path_agrees_with_pysbd_on_random_prose_with_abbreviations(seed):
    vocabulary = "the a council river Mr Dr etc approx vs no St Jan it is ok i I A B 3 12 2019 x yz dept inc co ltd "
    vocabulary += "mrs prof gen rev sen rep jr sr al fig pp ca don't well-known mid-2020 plans homes ave U.S. e.g."
    words = vocabulary.split()
    marks = [*[""] * 12, ",", ".", ".", "!", "?", ":", ";", "'", '"', ")"]
    rng = random.Random(seed)
    texts = []
    for _ in range(3000):
        text = " ".join(rng.choice(words).capitalize() if rng.random() < 0.3 else rng.choice(words) for _ in range(7))
        texts.append(" ".join(f"{word}{rng.choice(marks)}" for word in text.split()) + ".")
    assert _check(texts) > 20


def test_abbreviations_initials_and_decimals_still_go_to_pysbd():
    assert split_sentences("Dr. Smith paid 3.5 dollars. Then J. K. Rowling left.") == [
        "Dr. Smith paid 3.5 dollars.",
        "Then J. K. Rowling left.",
    ]
    assert _plain_split("Dr. Smith left.") is None
    assert split_sentences("It rained. We stayed in! Did you?") == ["It rained.", "We stayed in!", "Did you?"]
