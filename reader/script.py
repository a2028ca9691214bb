"""Article → Script: the exact sentences a listener will hear, in order.

Each sentence keeps its written form (shown and highlighted by the player) and
its spoken form (what the backend receives). The title is spoken once, first,
then the subtitle when there is one, then the body blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from reader.article import Article
from reader.normalize import normalize as default_normalize

__all__ = ["Script", "Sentence", "make_script", "split_sentences"]

Normalizer = Callable[[str, str], str]

_SPEAKABLE = re.compile(r"\w")


@dataclass(frozen=True)
class Sentence:
    """One sentence: the unit of caching, of read-along timing and of re-rendering."""

    index: int
    block: int  # 0 is the title; body blocks follow in order
    kind: str  # "title", "subtitle", or an article block kind
    written: str
    spoken: str


@dataclass(frozen=True)
class Script:
    title: str
    lang: str
    sentences: tuple[Sentence, ...]


@lru_cache(maxsize=16)
def _segmenter(lang: str) -> pysbd.Segmenter:
    try:
        return pysbd.Segmenter(language=lang, clean=False)
    except ValueError:  # pysbd knows ~20 languages; English rules are the safest fallback
        return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a block into sentences, knowing abbreviations, decimals, initials and quotations."""
    text = " ".join(text.split())
    if not text:
        return []
    pieces = _segmenter(lang.split("-")[0].lower()).segment(text)
    return [p.strip() for p in pieces if _SPEAKABLE.search(p)]


def make_script(article: Article, normalize: Normalizer = default_normalize) -> Script:
    """Turn an article into its speech script; ``normalize(text, lang)`` makes each sentence speakable."""
    lang = article.lang or "en"
    units: list[tuple[str, str]] = [("title", article.title)]
    if article.subtitle:
        units.append(("subtitle", article.subtitle))
    units.extend((block.kind, block.text) for block in article.blocks)

    sentences: list[Sentence] = []
    for block_index, (kind, text) in enumerate(units):
        pieces = [text.strip()] if kind in ("title", "subtitle", "heading") else split_sentences(text, lang)
        for written in pieces:
            spoken = normalize(written, lang)
            if written and _SPEAKABLE.search(spoken):
                sentences.append(Sentence(len(sentences), block_index, kind, written, spoken))
    return Script(title=article.title, lang=lang, sentences=tuple(sentences))
