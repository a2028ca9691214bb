"""Helpers that build the rules' regular expressions from data tables, fast.

Python's ``re`` scans quickly for a pattern whose first character is a known
set, and slowly (trying every position) for one that opens with a look-behind
or a long alternation. :func:`starts_with` adds a look-ahead of the possible
first characters, which restores the fast scan without changing what matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["alternation", "has_digit", "starts_with"]

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
