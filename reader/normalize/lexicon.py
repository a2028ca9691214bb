"""A pronunciation lexicon: a site's or a run's own words, applied before the built-in rules.

A lexicon is TOML::

    say_as_letters = ["NYPD", "Kpmg"]      # read letter by letter (N.Y.P.D.)
    say_as_words = ["FEMA", "WHO"]         # never spelled, even if the built-in list would

    [replace]                               # whole words, any case
    Kyiv = "Keev"
    Hegseth = "Heg-seth"

    [replace_case_sensitive]                # whole words, exact case only
    AIM = "aim"

    [[regex]]                               # Python regular expressions, applied in order
    pattern = '\\bNo\\. 10\\b'
    replacement = "Number Ten"

It is the same for every backend, so what ``reader script`` prints is what is said.
The default lexicon is the file named by the ``READER_LEXICON`` environment variable.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.errors import InputError, os_reason
from reader.normalize.acronyms import dotted

__all__ = ["Lexicon", "configured_lexicon", "load_lexicon"]

log = logging.getLogger(__name__)

_KNOWN_KEYS = frozenset({"say_as_letters", "say_as_words", "replace", "replace_case_sensitive", "regex"})


def _whole_words(keys: list[str], flags: int = 0) -> re.Pattern[str] | None:
    if not keys:
        return None
    alternation = "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))
    return re.compile(rf"(?<![\w])(?:{alternation})(?![\w])", flags)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Replacements and word lists for one site or run. Build with :meth:`from_toml` or :meth:`from_dict`."""

    replace: tuple[tuple[str, str], ...] = ()
    replace_case_sensitive: tuple[tuple[str, str], ...] = ()
    regex: tuple[tuple[re.Pattern[str], str], ...] = ()
    say_as_letters: frozenset[str] = frozenset()
    say_as_words: frozenset[str] = frozenset()
    source: str = "<lexicon>"
    _compiled: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        insensitive = {key.lower(): value for key, value in self.replace}
        sensitive = dict(self.replace_case_sensitive)
        letters = {word: dotted(word) for word in self.say_as_letters}
        self._compiled.update(
            insensitive=(_whole_words(list(insensitive), re.IGNORECASE), insensitive),
            sensitive=(_whole_words(list(sensitive) + list(letters)), {**sensitive, **letters}),
        )

    def __bool__(self) -> bool:
        return bool(self.replace or self.replace_case_sensitive or self.regex or self.say_as_letters)

    def apply(self, text: str) -> str:
        """Apply the regular expressions, then the case-sensitive and the case-insensitive replacements."""
        for pattern, replacement in self.regex:
            try:
                text = pattern.sub(replacement, text)
            except (re.error, IndexError) as error:  # a bad group reference shows only when it matches
                log.warning("lexicon %s: rule %r skipped: %s", self.source, pattern.pattern, error)
        pattern, table = self._compiled["sensitive"]
        if pattern:
            text = pattern.sub(lambda m: table[m.group()], text)
        pattern, table = self._compiled["insensitive"]
        if pattern:
            text = pattern.sub(lambda m: table[m.group().lower()], text)
        return text

    @classmethod
    def from_dict(cls, raw: dict[str, Any], source: str = "<lexicon>") -> Lexicon:
        """Build from parsed TOML; an unknown key or a bad value raises :class:`InputError`."""
        unknown = set(raw) - _KNOWN_KEYS
        if unknown:
            raise InputError(f"lexicon {source}: unknown key(s) {', '.join(sorted(unknown))}",
                             remedy=f"use only {', '.join(sorted(_KNOWN_KEYS))}")  # fmt: skip
        rules = []
        for i, rule in enumerate(raw.get("regex", [])):
            if not isinstance(rule, dict) or not isinstance(rule.get("pattern"), str):
                raise InputError(f"lexicon {source}: regex rule {i + 1} needs a 'pattern' string")
            try:
                rules.append((re.compile(rule["pattern"]), str(rule.get("replacement", ""))))
            except re.error as error:
                raise InputError(f"lexicon {source}: regex rule {i + 1} is not a valid pattern: {error}") from error
        return cls(
            replace=_pairs(raw.get("replace", {}), source, "replace"),
            replace_case_sensitive=_pairs(raw.get("replace_case_sensitive", {}), source, "replace_case_sensitive"),
            regex=tuple(rules),
            say_as_letters=_words(raw.get("say_as_letters", []), source, "say_as_letters"),
            say_as_words=_words(raw.get("say_as_words", []), source, "say_as_words"),
            source=source,
        )

    @classmethod
    def from_toml(cls, text: str, source: str = "<lexicon>") -> Lexicon:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"lexicon {source} is not valid TOML: {error}") from error
        return cls.from_dict(raw, source)


def _pairs(table: Any, source: str, name: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise InputError(f"lexicon {source}: [{name}] must map words to replacement strings")
    return tuple((str(k), v) for k, v in table.items() if k)


def _words(items: Any, source: str, name: str) -> frozenset[str]:
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise InputError(f"lexicon {source}: {name} must be a list of strings")
    return frozenset(v for v in items if v)


def load_lexicon(path: str | os.PathLike[str]) -> Lexicon:
    """Read a lexicon file; a missing or malformed file raises :class:`InputError`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read lexicon {path}: {os_reason(error)}") from error
    return Lexicon.from_toml(text, source=str(path))


_configured: dict[tuple[str, float], Lexicon] = {}


def configured_lexicon() -> Lexicon | None:
    """The default lexicon named by ``READER_LEXICON`` (re-read when the file changes), or None."""
    path = os.environ.get("READER_LEXICON")
    if not path:
        return None
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError as error:
        raise InputError(f"READER_LEXICON names a file that cannot be read: {path} ({os_reason(error)})") from error
    if key not in _configured:
        _configured.clear()
        _configured[key] = load_lexicon(path)
    return _configured[key]
