"""Where an article comes from: a URL, a file, stdin bytes, or a string, read into a ``Document``.

This is the edge of the text side: the only place it touches files and (through
``reader.text.fetch``) the network. Everything after it is pure. A string source
is a URL when it is one; otherwise it is the content itself (HTML, Markdown or
plain text) -- and a path only when the caller says paths are allowed
(``allow_paths=True``: the CLI, for its user's own files). A string from a web
request, a queue job or a stored record is never read as a path: ``/etc/passwd``
sent over the web is text, never a file on the server's disk. A ``PathLike``
is always a file: code has to build one on purpose.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reader.errors import InputError
from reader.text.decode import decode_bytes
from reader.text.markdown_cues import looks_like_markdown

__all__ = ["Document", "Kind", "is_http_url", "load_source", "safe_link", "sniff_kind"]

log = logging.getLogger(__name__)

Kind = Literal["html", "markdown", "text"]

MAX_FILE_BYTES = 20 * 1024 * 1024  # a local file larger than this is not an article
MAX_LINK_CHARS = 2000  # a page-supplied URL (canonical link, front matter) longer than this is dropped
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")
# Schemes meant as URLs even without "//" ("data:…", "mailto:…"): fetch refuses all but http(s).
_URLISH = frozenset({"http", "https", "file", "ftp", "gopher", "data", "javascript", "mailto", "dict", "ldap", "sftp"})
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|section|h[1-6])\b",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"</?(?:p|div|br|span|a|h[1-6]|article|section|li|ul|ol|blockquote|em|strong|b|i)\b[^>]*>", re.I)
_EXTENSIONS: dict[str, Kind] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".mkd": "markdown",
    ".txt": "text",
    ".text": "text",
}
_FILE_NAME = re.compile(r"^[^\n<>]{1,400}\.(?:html?|xhtml|shtml|md|markdown|mdown|mkd|txt|text)$", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """A source read and decoded: its text, what kind of text it is, and where it came from."""

    text: str
    kind: Kind
    name: str  # for messages: the path, the URL, "stdin" or "the text"
    url: str | None = None


def sniff_kind(text: str) -> Kind:
    """HTML, Markdown or plain text, from the content alone."""
    if _HTML_START.match(text) or len(_TAG.findall(text[:20000])) >= 3:
        return "html"
    if looks_like_markdown(text):
        return "markdown"
    return "text"


def is_url(source: str) -> bool:
    """Whether a string source is meant as a URL (any scheme: unsupported ones are refused by fetch)."""
    if "\n" in source.strip():
        return False  # no length cap: a very long URL is still a URL (fetch refuses it as too long)
    stripped = source.strip()
    match = _SCHEME.match(stripped)
    return bool(match) and (stripped[match.end() :].startswith("//") or match.group(1).lower() in _URLISH)


def is_http_url(value: object, *, max_chars: int = MAX_LINK_CHARS) -> bool:
    """Whether ``value`` is an absolute http(s) URL with a host, one line, no spaces, at most ``max_chars``."""
    if not isinstance(value, str) or not value or len(value) > max_chars:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or ch == "\x7f" for ch in value):
        return False
    match = re.match(r"^(https?)://([^/?#]+)", value, re.IGNORECASE)
    return bool(match) and bool(match.group(2).rsplit("@", 1)[-1].strip("[]:"))


def safe_link(value: object) -> str | None:
    """A URL that a page or a paste supplied (canonical link, front-matter ``url:``), kept as metadata
    only when it is an http(s) address of sane length; anything else (``javascript:``, a path, 10 KB of
    junk) is dropped. It is never a source: nothing is fetched or read from it."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if is_http_url(value) else None


def _from_bytes(data: bytes, name: str, *, kind: Kind | None = None, charset: str | None = None) -> Document:
    text = decode_bytes(data, header_charset=charset, html=kind in (None, "html"), name=name)
    if not text.strip():
        raise InputError(f"{name} is empty")
    if kind is None or (kind == "text" and _HTML_START.match(text)):
        kind = sniff_kind(text)
    return Document(text=text, kind=kind, name=name)


def _from_path(path: Path) -> Document:
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{name} is a directory, not an article file")
        if not path.exists():
            raise InputError(f"no such file: {name}")
        if not path.is_file():
            raise InputError(f"{name} is not a regular file (a device, socket or pipe)")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise InputError(f"cannot read {name}: permission denied") from None
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{name} is too large for an article (over {MAX_FILE_BYTES // 1_000_000} MB)")
    if not data.strip():
        raise InputError(f"{name} is empty")
    return _from_bytes(data, name, kind=_EXTENSIONS.get(path.suffix.lower()))


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # a name too long, or holding NUL: not a file
        return False


def load_source(
    source: str | bytes | os.PathLike[str], *, policy: object | None = None, allow_paths: bool = False
) -> Document:
    """Read any supported source into a Document (fetching URLs through ``reader.text.fetch``).

    ``allow_paths``: whether a string may name a local file. Only a caller whose user owns the
    machine passes True (the CLI); the web app and queue jobs never do, so a string they pass is a
    URL or content, and no answer reveals whether some file exists.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return _from_bytes(bytes(source), "the input")
    if isinstance(source, os.PathLike):
        return _from_path(Path(source))
    if not isinstance(source, str):
        raise InputError(f"cannot read an article from a {type(source).__name__}")
    if not source.strip():
        raise InputError("the input is empty")
    if is_url(source):
        from reader.text.fetch import FetchPolicy, fetch_url

        response = fetch_url(source.strip(), policy=policy if isinstance(policy, FetchPolicy) else None)
        document = _from_bytes(response.body, response.url, kind=response.kind, charset=response.charset)
        return Document(text=document.text, kind=document.kind, name=response.url, url=response.url)
    stripped = source.strip()
    if "\n" not in stripped and len(stripped) < 4096:
        if allow_paths and (_FILE_NAME.match(stripped) or _is_file(stripped)):
            return _from_path(Path(stripped))
        if not allow_paths and _FILE_NAME.match(stripped):  # decided by the name alone: no file is looked at
            raise InputError(
                f"{stripped[:80]!r} looks like a file name, and files are not read here "
                "(in code: pass a Path, or extract(..., allow_paths=True))"
            )
    return Document(text=source, kind=sniff_kind(source), name="the text")
