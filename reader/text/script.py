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

__all__ = ["MAX_SENTENCE_CHARS", "Script", "Sentence", "hard_split", "make_script", "split_sentences"]

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
    capital (checked against pysbd on real and generated articles in the tests).

    Each sentence is matched where the previous one ended (``match``, not ``finditer``): a search would
    retry the pattern from every later position of a text without . ! or ?, which is quadratic (5,000
    unpunctuated words took 12 s, 20,000 took three minutes)."""
    pieces: list[str] = []
    start = 0
    abbreviations = _english_abbreviations()
    while start < len(text):
        match = _PLAIN_SENTENCE.match(text, start)
        if match is None or match.group(1).lower() in abbreviations:
            return None
        end = match.end()
        if end < len(text) and _PLAIN_BOUNDARY.match(text, end) is None:
            return None
        pieces.append(match.group(0))
        start = end + 1
    return pieces or None


# Hard lengths that keep every step linear whatever the text: no sentence is longer than
# MAX_SENTENCE_CHARS (an unpunctuated run is cut at the last space before it; a real sentence of
# 170 words is rare), and pysbd, quadratic on some texts ("a. " * 1,000 takes 0.4 s, 4,000 takes 5 s),
# never sees more than _SEGMENTER_WINDOW characters at once.
MAX_SENTENCE_CHARS = 1000
_SEGMENTER_WINDOW = 1000
# A likely sentence end: . ! ? … or a CJK/Arabic/Devanagari stop, maybe closed by quotes or brackets.
_STOP = re.compile(r"[.!?…。！？؟।]+[\"'”’»)\]]*(?:\s|$)|[。！？]")
_SURE_STOP = re.compile(r"(?<![A-Za-z])([a-z]{2,})[.!?][\"'”’)]*\s(?=[\"'“‘(]?[A-Z])")


def _cut_before(text: str, start: int, limit: int, patterns: tuple[re.Pattern[str], ...]) -> int:
    """Where to end the piece that starts at ``start``: after the last match of the first pattern that
    matches in its second half, else after the last space, else at the hard ``limit``. Reads one window."""
    end = start + limit
    low = start + limit // 2
    for pattern in patterns:
        last = None
        for last in pattern.finditer(text, low, end):  # noqa: B007 - the last match is the one wanted
            pass
        if last is not None and (pattern is not _SURE_STOP or last.group(1) not in _english_abbreviations()):
            return last.end()
    space = text.rfind(" ", low, end)
    return space + 1 if space > start else end


def _pieces(text: str, limit: int, patterns: tuple[re.Pattern[str], ...] = ()) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` characters, at the best place in each window."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut_before(text, start, limit, patterns)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _segment(text: str, code: str) -> list[str]:
    """pysbd's sentences, one bounded window at a time; a window with no sentence stop is one run."""
    sentences: list[str] = []
    for window in _pieces(text, _SEGMENTER_WINDOW, (_SURE_STOP, _STOP)):
        if _STOP.search(window) is None:
            sentences.append(window)
        else:
            sentences.extend(_segmenter(code).segment(window))
    return sentences


def hard_split(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the last space (mid-word only when one
    word is longer than ``limit``). What an unpunctuated run becomes; linear in the text."""
    return [piece.strip() for piece in _pieces(text, limit) if piece.strip()]


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a block into sentences, knowing abbreviations, decimals, initials and quotations.

    No sentence is longer than ``MAX_SENTENCE_CHARS``, and the cost is linear in the text whatever it
    holds (see ``_SEGMENTER_WINDOW``).
    """
    text = " ".join(text.split())
    if not text:
        return []
    code = lang.split("-")[0].lower()
    plain = _plain_split(text) if code == "en" else None
    pieces = plain if plain is not None else _segment(text, code)
    return [
        short
        for piece in pieces
        if _SPEAKABLE.search(piece)
        for short in (hard_split(piece) if len(piece) > MAX_SENTENCE_CHARS else [piece.strip()])
        if _SPEAKABLE.search(short)
    ]


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
        pieces = hard_split(text) if kind in ("title", "subtitle", "heading") else split_sentences(text, text_lang)
        for written in pieces:
            spoken = normalize(written, text_lang)
            if written and _SPEAKABLE.search(spoken):
                sentences.append(Sentence(len(sentences), block_index, kind, written, spoken))
    return Script(title=article.title, lang=lang, sentences=tuple(sentences))
