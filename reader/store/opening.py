"""Which store a cache location names: a directory, or an S3 bucket with a local read-through copy.

Apart from both stores so that neither needs to know the other: they are siblings implementing
``reader.store.protocol.Store`` (the S3 store keeps a local one as its copy), and only this
chooser picks between them.
"""

from __future__ import annotations

import os
from pathlib import Path

from reader.store.local import LocalStore, default_cache_dir
from reader.store.protocol import Store

__all__ = ["open_store"]


def open_store(root: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``root``, else ``READER_CACHE_DIR``, else ``./audio_cache``.

    With ``READER_CACHE_URL=s3://bucket/prefix`` set (or ``root`` an ``s3://`` URL) the store is
    that bucket, and the directory only holds a local read-through copy (see ``reader.store.s3``).
    """
    url = os.environ.get("READER_CACHE_URL") or None
    if isinstance(root, str) and root.startswith("s3://"):
        url, root = root, None
    local = Path(root) if root is not None else default_cache_dir()
    if url:
        from reader.store.s3 import S3Store

        return S3Store.from_url(url, local)
    return LocalStore(local)
