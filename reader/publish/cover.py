"""Cover art for exported files: the article's lead image, fetched safely and made small.

A lead image is a URL on the page (fetched through ``reader.text.fetch``, with its
limits on hosts, size and time) or, for a local file, a path beside it: inside the
folder of that file (symlinks resolved), never elsewhere on the disk. Cover
art is a nicety: when the image cannot be had, the export goes on without one.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from reader.errors import ReaderError, os_reason

__all__ = ["cover_jpeg", "load_cover"]

log = logging.getLogger(__name__)

COVER_SIDE = 1400  # players show covers small; bigger only makes every file heavier
_MAX_BYTES = 8 * 1024 * 1024


def cover_jpeg(data: bytes) -> bytes:
    """Any image Pillow reads → an RGB JPEG no larger than 1400 px on its longer side."""
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    image.thumbnail((COVER_SIDE, COVER_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _image_bytes(image: str, source: str) -> bytes | None:
    if image.startswith(("http://", "https://")):
        from reader.text import fetch_url

        return fetch_url(image).body
    if "://" in image or image.startswith("data:"):
        return None  # file:, data: and the like are not followed
    if "://" in source:
        return None  # a relative image on a fetched page would need the page URL; trafilatura gives absolute ones
    try:
        if not Path(source).is_file():
            return None  # pasted text or stdin: no folder of its own to take a local image from
    except (OSError, ValueError):
        return None
    folder = Path(source).parent.resolve()
    local = (folder / image).resolve()  # symlinks resolved: a link inside pointing out is outside
    if not local.is_relative_to(folder):
        # A page's og:image naming /home/me/private.jpg or ../../secret.png must not become cover art.
        log.warning("no cover art: the lead image %s is outside the folder of %s", image, source)
        return None
    if local.is_file() and local.stat().st_size <= _MAX_BYTES:
        return local.read_bytes()
    return None


def load_cover(image: str | None, source: str) -> tuple[bytes, str] | None:
    """(JPEG bytes, "image/jpeg") of the article's lead image, or None when it has none or it fails."""
    if not image:
        return None
    try:
        data = _image_bytes(image.strip(), source)
        return (cover_jpeg(data), "image/jpeg") if data else None
    except (ReaderError, OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        log.warning("no cover art: could not use the lead image %s (%s)", image, os_reason(error))
        return None
