"""Text and links that every output can hold: XML-legal characters, and http(s) links only.

An article's text ends up in XML (the podcast feed, through lxml, which raises on a character XML 1.0
cannot hold: one title with U+FFFE made ``/feed.xml`` a 500 for every listener), in HTML pages and in
JSON files. So the model cleans its strings once, where an ``Article`` or ``Block`` is built
(``clean_fields`` from their ``__post_init__``), and the writers clean again whatever they are handed
(``xml_safe_fields``), since stored state may predate the rule. A link is written only when it is an
absolute http(s) URL (``http_url``): a ``javascript:`` URL from front matter must never become an
``href`` or a feed's ``<link>``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar
from urllib.parse import urlsplit

__all__ = ["MAX_URL_CHARS", "clean_fields", "http_url", "xml_safe", "xml_safe_fields"]

MAX_URL_CHARS = 8192

# What XML 1.0 cannot hold (its Char production), plus lone surrogates, which no encoder can write.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def _replacement(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in "\x0b\x0c":
        return " "  # vertical tab, form feed: whitespace
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"  # a lone surrogate: something was there, as a decoder would show it
    return ""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold and without lone surrogates (replaced by
    U+FFFD); the same object when there are none (the common case costs one regex search)."""
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(_replacement, text)


def clean_fields(instance: object) -> None:
    """Make every ``str`` field of a frozen dataclass XML-safe, in place (for ``__post_init__``)."""
    for field in dataclasses.fields(instance):  # type: ignore[arg-type]
        value = getattr(instance, field.name)
        if isinstance(value, str):
            cleaned = xml_safe(value)
            if cleaned is not value:
                object.__setattr__(instance, field.name, cleaned)


_T = TypeVar("_T")


def xml_safe_fields(instance: _T) -> _T:
    """A copy of a dataclass with every ``str`` field XML-safe (the instance itself when all are)."""
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(instance):  # type: ignore[arg-type]
        value = getattr(instance, field.name)
        if isinstance(value, str) and xml_safe(value) is not value:
            changes[field.name] = xml_safe(value)
    return dataclasses.replace(instance, **changes) if changes else instance  # type: ignore[type-var]


def http_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL with a host (and nothing a browser would strip or
    misread: spaces, control characters), else None. What may be written as a link."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS or _URL_UNSAFE.search(url) or _NOT_XML.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
