"""Symbols between words: & + = ~ ° and the like, said as words or dropped (™ ®), never spelled.

Runs after numbers and money, so a symbol that reaches it stands between words:
"AT&T" → "A.T. and T.", "R&D" → "R and D", "#1" → "number one", "50+" → "fifty plus".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize.acronyms import dotted
from reader.normalize.data import RuleData

__all__ = ["rules", "symbol_pattern"]

_AMPERSAND_INITIALS = re.compile(r"\b([A-Z]{1,3})&([A-Z]{1,3})\b")
# A slash between two words is said "slash" (he/him, owner/operator, and/or, AM/FM): the word keeps
# both sides apart and never changes the meaning, as "or" would for singer/songwriter. Units (km/h),
# web addresses, dates and fractions are read before this rule and hold no slash by then.
_WORD_SLASH = re.compile(r"(?<=[A-Za-z]) ?/ ?(?=[A-Za-z])")


def _initials(letters: str) -> str:
    return letters if len(letters) == 1 and letters != "A" else dotted(letters)  # a lone A: "eh", never the article


def symbol_pattern(symbol: str) -> str:
    """A symbol that is also a letter (π, µ) is one only between non-letters: inside a Greek word it is Greek."""
    escaped = re.escape(symbol)
    return rf"(?<![^\W\d_]){escaped}(?![^\W\d_])" if symbol.isalpha() else escaped


def _read_symbols(data: RuleData) -> Callable[[str], str]:
    table = dict(data.symbols)
    plain = sorted((k for k in table if not k.isalpha()), key=len, reverse=True)
    letters = sorted((k for k in table if k.isalpha()), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, plain)))
    letter_pattern = re.compile("|".join(symbol_pattern(key) for key in letters)) if letters else None

    def read_symbols(text: str) -> str:
        """& → and, + → plus, ° → degrees, = → equals, he/him → he slash him; ™ ® © * vanish."""
        if "/" in text:
            text = _WORD_SLASH.sub(" slash ", text)
        if "&" in text:
            text = _AMPERSAND_INITIALS.sub(lambda m: f"{_initials(m.group(1))} and {_initials(m.group(2))}", text)
        if letter_pattern is not None and not text.isascii() and any(key in text for key in letters):
            text = letter_pattern.sub(lambda m: f" {table[m.group()]} ", text)
        return pattern.sub(lambda m: f" {table[m.group()]} ", text)

    return read_symbols


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"symbols": _read_symbols(data)}
