"""Extracted articles kept by what decided them, so an unchanged page is not parsed again.

Finding the article in a page (trafilatura, lxml and their imports: courlan, htmldate, justext,
babel…) is most of the start of ``reader script`` and ``reader speak``. The result is a pure
function of the decoded document, the extractor (this package's text code and the libraries it
calls) and the options that change extraction (the input limits, whether a claimed URL is
trusted), so it is kept under the cache root, at ``extracted/<ab>/<key>.json``, keyed by a digest
of all of them. A hit rebuilds the ``Article`` from JSON and imports none of that. An entry that
cannot be read back whole (torn, truncated, another format) is a miss and is written again.

Custom furniture rules are not cached (they are an object, not a value to digest): the caller
that passes them extracts every time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from reader.article import Article, article_from_dict, article_to_dict

__all__ = ["ENTRY_FORMAT", "ExtractCache", "document_key", "extractor_version"]

log = logging.getLogger(__name__)

ENTRY_FORMAT = 1  # the JSON entry's shape; bump when it changes
FOLDER = "extracted"
# The libraries whose code decides an extracted article (imported by the extractors, directly or not).
LIBRARIES = ("trafilatura", "lxml", "justext", "htmldate", "courlan", "markdown_it", "charset_normalizer", "pysbd")
# This package's code that decides it: the text stage, the language detection it asks the normalizer
# for, the data model and the furniture rules.
_OWN_CODE = ("text", "normalize", "article.py", "safe_text.py", "data/furniture.toml")


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _own_code_stamps() -> list[str]:
    """Size and modification time of every file of the extractor's own code: an edit, an upgrade or
    another checkout changes at least one, so an entry made by other code is never found."""
    root = Path(__file__).resolve().parent.parent
    stamps = []
    for part in _OWN_CODE:
        path = root / part
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        stamps.extend(f"{file.relative_to(root)}={_stamp(file)}" for file in files)
    return stamps


def _library_stamp(name: str) -> str:
    """Where a library lives and its ``__init__``'s size and time, found without importing it: an
    upgrade rewrites the file. Missing (an optional extra) is a stamp too."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return f"{name}=missing"
    try:
        return f"{name}={spec.origin}={_stamp(Path(spec.origin))}"
    except OSError:
        return f"{name}={spec.origin}=unreadable"


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A digest of the extractor: this package's extraction code and the libraries it calls."""
    parts = [f"entry={ENTRY_FORMAT}", *_own_code_stamps(), *(_library_stamp(name) for name in LIBRARIES)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def document_key(document: Any, options: dict[str, Any], version: str) -> str:
    """The entry's key: the decoded document (its text, kind, name and the URL it came from), the options
    that change extraction, and the extractor's version."""
    head = json.dumps(
        {"kind": document.kind, "name": document.name, "url": document.url, "options": options, "version": version},
        sort_keys=True,
    ).encode()
    digest = hashlib.sha256(head)
    digest.update(b"\0")
    digest.update(document.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class ExtractCache:
    """Entries under ``root`` (``<cache root>/extracted``)."""

    root: Path

    @classmethod
    def default(cls) -> ExtractCache | None:
        """The store's place for it, or None when ``READER_EXTRACT_CACHE`` turns it off."""
        if os.environ.get("READER_EXTRACT_CACHE", "").strip().lower() in ("0", "false", "no", "off"):
            return None
        from reader.store import default_cache_dir

        return cls(default_cache_dir() / FOLDER)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Article | None:
        """The article kept under ``key``; None when there is none or it cannot be read back whole."""
        try:
            raw = self.path(key).read_bytes()
        except OSError:
            return None
        try:
            entry = json.loads(raw)
            if entry["format"] != ENTRY_FORMAT or entry["key"] != key:
                raise ValueError("another entry")
            return article_from_dict(entry["article"])
        except (ValueError, TypeError, KeyError, AttributeError) as error:  # torn, truncated, edited
            log.debug("extract cache entry %s unusable (%s): extracting again", key[:12], error)
            return None

    def put(self, key: str, article: Article) -> None:
        """Keep ``article`` whole or not at all; a cache that cannot be written only costs the next start."""
        from reader.atomic import atomic_write

        entry = {"format": ENTRY_FORMAT, "key": key, "article": article_to_dict(article)}
        try:
            atomic_write(self.path(key), json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        except OSError as error:
            log.debug("extract cache not written at %s: %s", self.root, error)

    def extract(self, document: Any, options: dict[str, Any], extract: Callable[[], Article]) -> Article:
        """The article kept for ``document`` and ``options``, else ``extract()``'s, kept for next time."""
        key = document_key(document, options, extractor_version())
        article = self.get(key)
        if article is None:
            article = extract()
            self.put(key, article)
        return article
