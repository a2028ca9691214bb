"""The store's names: which keys, article ids and object names exist, and where each thing sits.

Both stores lay their contents out the same way (a directory tree on disk, object names in a
bucket), so the layout is written once, here, and the rest of the package names things by key
and article id, never by path::

    chunks/ab/cd/<key>.mp3           chunk audio (its sidecar: a .json file, or the object's metadata)
    articles/<id>/manifest.json      the manifest; progress.json beside it while rendering
    articles/<id>/<revision>.mp3     the assembled article
    articles/<id>/<name>             small records others keep with the article (the web app's script)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reader.errors import InputError

__all__ = [
    "ARTICLE_ID",
    "ChunkInfo",
    "article_object",
    "audio_name",
    "check_article_id",
    "check_key",
    "chunk_object",
]

_KEY = re.compile(r"^[0-9a-f]{64}$")
ARTICLE_ID = re.compile(r"^[0-9a-z][0-9a-z_-]{0,127}$")
_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,127}$")
_REVISION = re.compile(r"^[0-9a-f]{1,64}$")


@dataclass(frozen=True)
class ChunkInfo:
    """What the sidecar says about a stored chunk."""

    key: str
    size: int
    sha256: str
    frames: int
    samples: int
    sample_rate: int


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.match(key):
        raise InputError(f"not a chunk key: {key!r}")
    return key


def check_article_id(article_id: str) -> str:
    if not isinstance(article_id, str) or not ARTICLE_ID.match(article_id):
        raise InputError(f"not an article id: {article_id!r}")
    return article_id


def chunk_object(key: str) -> str:
    """The name of a chunk's audio in the store."""
    check_key(key)
    return f"chunks/{key[:2]}/{key[2:4]}/{key}.mp3"


def article_object(article_id: str, name: str) -> str:
    """The name of one of an article's objects (``manifest.json``, ``<revision>.mp3``, a record)."""
    if not isinstance(name, str) or not _NAME.match(name) or ".." in name:
        raise InputError(f"not a name for an article's object: {name!r}")
    return f"articles/{check_article_id(article_id)}/{name}"


def audio_name(revision: str) -> str:
    """The file name of an article's assembled MP3 for one revision."""
    if not isinstance(revision, str) or not _REVISION.match(revision):
        raise InputError(f"not a revision: {revision!r}")
    return f"{revision}.mp3"


def split_object(name: str) -> tuple[str, ...]:
    """The parts of an object name, refusing anything that could leave the store (``..``, absolute)."""
    parts = tuple(name.split("/")) if isinstance(name, str) else ()
    if not parts or any(part in ("", ".", "..") for part in parts) or "\\" in name:
        raise InputError(f"not a name in the store: {name!r}")
    return parts
