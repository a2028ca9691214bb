"""Media Session artwork from the reader's own origin: the article's lead image, fetched once.

The article page must make no request to a third-party host (a listener's visit is nobody
else's business), so the player never loads the publisher's image URL. Instead this server
fetches it once, in the background, through the guarded fetcher (the same SSRF policy as
article pages, with its own size cap, READER_ARTWORK_MAX_BYTES), keeps it under the cache
directory (``artwork/<article id>-<digest of the image URL>``: a refreshed article with a new
image gets a new file) and serves it at ``/articles/<id>/artwork``. Only JPEG, PNG, GIF and
WebP, recognised by their first bytes, are kept (never SVG, which can carry script). When the
fetch fails the reason is kept beside it and the page omits the artwork.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reader.errors import ReaderError
from reader.store import atomic_write
from reader.text import IMAGE_TYPES, FetchPolicy, fetch_url, is_http_url

__all__ = ["ARTWORK_WAIT_SECONDS", "Artwork", "image_type"]

log = logging.getLogger(__name__)

ARTWORK_WAIT_SECONDS = 10.0  # how long a request for artwork still being fetched waits for it
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    """The image's media type from its first bytes (what it is, whatever the server said), or None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in _SIGNATURES if data.startswith(signature)), None)


class Artwork:
    def __init__(self, cache_dir: str | Path | None, max_bytes: int) -> None:
        """``cache_dir`` None (a remote store without a local folder): no artwork, ever."""
        self.directory = Path(cache_dir) / "artwork" if cache_dir else None
        self.max_bytes = max_bytes
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reader-artwork")
        self._pending: dict[str, Future[None]] = {}
        self._lock = threading.Lock()

    def _name(self, article_id: str, image_url: str) -> str:
        return f"{article_id}-{hashlib.sha256(image_url.encode('utf-8', 'replace')).hexdigest()[:16]}"

    def available(self, article_id: str, image_url: str | None) -> bool:
        """Whether the page may name ``/articles/<id>/artwork``: the image is kept, or being fetched now
        (started here if it never was). False when there is none or its fetch failed: then omit it."""
        if self.directory is None or not image_url or not is_http_url(image_url, max_chars=2048):
            return False
        name = self._name(article_id, image_url)
        if (self.directory / name).exists():
            return True
        if (self.directory / f"{name}.failed").exists():
            return False
        self._start(name, image_url)
        return True

    def get(
        self, article_id: str, image_url: str | None, wait: float = ARTWORK_WAIT_SECONDS
    ) -> tuple[bytes, str] | None:
        """The image and its media type, waiting up to ``wait`` seconds for a fetch under way; None if none."""
        if not self.available(article_id, image_url) or self.directory is None or image_url is None:
            return None
        name = self._name(article_id, image_url)
        with self._lock:
            pending = self._pending.get(name)
        if pending is not None:
            try:
                pending.result(timeout=wait)
            except Exception:  # a timeout: not there yet, omitted this time
                return None
        try:
            data = (self.directory / name).read_bytes()
        except OSError:
            return None
        kind = image_type(data)
        return (data, kind) if kind else None

    def forget(self, article_ids: list[str]) -> None:
        """Delete the kept images of deleted articles (and their failure notes)."""
        if self.directory is None or not self.directory.is_dir():
            return
        for article_id in article_ids:
            for path in self.directory.glob(f"{article_id}-*"):
                path.unlink(missing_ok=True)

    def _start(self, name: str, image_url: str) -> None:
        with self._lock:
            if name in self._pending:
                return
            future = self._pool.submit(self._fetch, name, image_url)
            self._pending[name] = future
        future.add_done_callback(lambda _: self._done(name))

    def _done(self, name: str) -> None:
        with self._lock:
            self._pending.pop(name, None)

    def _fetch(self, name: str, image_url: str) -> None:
        if self.directory is None:  # _start is only reached with a directory
            raise ReaderError("artwork has no folder to be kept in")
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            policy = FetchPolicy.from_env(max_bytes=self.max_bytes)
            response = fetch_url(image_url, policy=policy, accept=IMAGE_TYPES)
            if image_type(response.body) is None:
                raise ReaderError(f"{image_url} is not a JPEG, PNG, GIF or WebP image")
        except ReaderError as error:
            log.info("no artwork for %s: %s", name, error)
            atomic_write(self.directory / f"{name}.failed", str(error)[:500].encode("utf-8", "replace"))
            return
        atomic_write(self.directory / name, response.body)


def open_artwork(config: Any) -> Artwork:
    cache = str(config.get("CACHE_DIR") or "")
    max_bytes = int(config.get("ARTWORK_MAX_BYTES") or 0)
    return Artwork(None if "://" in cache or max_bytes <= 0 else cache, max_bytes)
