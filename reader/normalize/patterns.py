"""Helpers that build the rules' regular expressions from data tables, fast.

Python's ``re`` scans quickly for a pattern whose first character is a known
set, and slowly (trying every position) for one that opens with a look-behind
or a long alternation. :func:`starts_with` adds a look-ahead of the possible
first characters, which restores the fast scan without changing what matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["NOT_A_NOUN", "alternation", "has_digit", "is_attributive", "starts_with"]

# Words that follow an amount without making it describe a noun ("$5m was spent", "5 km of road").
NOT_A_NOUN = frozenset(
    "of in for to and or per a an each from on at by with than as is was were are be been being this that over under "
    "more less apiece annually yearly will would could can may might must should shall has had have did does do said "
    "says rose fell went came remains remained represents represented plus total in into across since after before "
    "worth between last next ago earlier later".split()
)
_CONTRACTION_BEFORE = re.compile(r"(?i)\b(?:it|that|there|here|he|she|what|who|where|this|which)'s $")
_ARTICLE_BEFORE = re.compile(r"(?:(?:^|[^A-Za-z])(?:[Aa]|[Aa]n|[Tt]he)|\w's|\w') $")

_DIGIT = re.compile(r"\d")


def alternation(keys: Iterable[str]) -> str:
    """``a|bc|d`` of the escaped keys, longest first so the longest key wins."""
    return "|".join(map(re.escape, sorted(set(keys), key=len, reverse=True)))


def starts_with(keys: Iterable[str]) -> str:
    """``(?=[...])``: a look-ahead for the first characters of ``keys``."""
    firsts = sorted({key[0] for key in keys if key})
    return "(?=[" + "".join(re.escape(c) if c in "\\]^-[" else c for c in firsts) + "])"


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a digit: the cheap test that lets number rules skip plain sentences."""
    return _DIGIT.search(text) is not None


def is_attributive(text: str, start: int, next_word: str | None) -> bool:
    """Whether an amount at ``start`` describes the noun after it ("a $10 million deal", "the 5 km race")."""
    if not next_word or not next_word.islower() or next_word in NOT_A_NOUN:
        return False
    before = text[max(0, start - 8) : start]
    if _CONTRACTION_BEFORE.search(before):
        return False  # "it's 2°C warmer": a verb, not a possessive
    return _ARTICLE_BEFORE.search(before[-6:]) is not None
