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
from reader.normalize import block_language
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


# Plain English prose: words, digits, commas and the like, each sentence ending in . ! or ? after a
# lowercase word (no quotes, brackets, ellipses, decimals, initials or capitalized abbreviations).
_PLAIN_SENTENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,;:'\-]*?(?<![A-Za-z0-9'\-])([A-Za-z]*[a-z])[.!?]")
_PLAIN_BOUNDARY = re.compile(r" (?=[A-Z])")


@lru_cache(maxsize=1)
def _english_abbreviations() -> frozenset[str]:
    from pysbd.lang.english import English

    rules = English.Abbreviation
    return frozenset(
        word.lower() for word in (*rules.ABBREVIATIONS, *rules.NUMBER_ABBREVIATIONS, *rules.PREPOSITIVE_ABBREVIATIONS)
    )


def _plain_split(text: str) -> list[str] | None:
    """The sentences of plain English prose without pysbd (it costs ~1 ms a paragraph, and scripting a
    long article is on the way to its first sound), or None when the text needs pysbd's rules. Only
    splits where pysbd does: after . ! or ? ending a lowercase word that is no abbreviation, before a
    capital (checked against pysbd on real and generated articles in the tests)."""
    pieces: list[str] = []
    start = 0
    abbreviations = _english_abbreviations()
    for match in _PLAIN_SENTENCE.finditer(text):
        if match.start() != start or match.group(1).lower() in abbreviations:
            return None
        end = match.end()
        if end < len(text) and _PLAIN_BOUNDARY.match(text, end) is None:
            return None
        pieces.append(match.group(0))
        start = end + 1
    return pieces if pieces and start >= len(text) else None


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a block into sentences, knowing abbreviations, decimals, initials and quotations."""
    text = " ".join(text.split())
    if not text:
        return []
    code = lang.split("-")[0].lower()
    plain = _plain_split(text) if code == "en" else None
    pieces = plain if plain is not None else _segmenter(code).segment(text)
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
        text_lang = block_language(text, lang)  # a block in another script is never read by lang's rules
        pieces = [text.strip()] if kind in ("title", "subtitle", "heading") else split_sentences(text, text_lang)
        for written in pieces:
            spoken = normalize(written, text_lang)
            if written and _SPEAKABLE.search(spoken):
                sentences.append(Sentence(len(sentences), block_index, kind, written, spoken))
    return Script(title=article.title, lang=lang, sentences=tuple(sentences))
