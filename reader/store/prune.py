"""Cache housekeeping: figures, and least-recently-used pruning that spares what manifests use.

Cached audio is never invalidated (same key, same audio), only evicted.
A chunk is "referenced" when a current manifest lists it; pruning never
drops one unless asked, so every listed article stays playable.
"""

from __future__ import annotations

import logging

from reader.store.protocol import Store

__all__ = ["cache_stats", "prune_cache"]

log = logging.getLogger(__name__)


def _referenced(store: Store) -> set[str]:
    return {entry.key for manifest in store.iter_manifests() for entry in manifest.entries}


def _article_bytes(store: Store) -> int:
    return sum(size for _, size, _ in store.list_objects("articles/"))


def cache_stats(store: Store) -> dict[str, object]:
    """Counts and sizes of the store itself (with S3: the objects in the bucket, not this machine's
    copy): what ``reader cache stats`` prints."""
    chunks = list(store.iter_chunks())
    manifests = list(store.iter_manifests())
    referenced = {entry.key for manifest in manifests for entry in manifest.entries}
    chunk_bytes = sum(size for _, size, _ in chunks)
    article_bytes = _article_bytes(store)
    return {
        "root": store.location,
        "chunks": len(chunks),
        "chunk_bytes": chunk_bytes,
        "referenced_chunks": sum(1 for key, _, _ in chunks if key in referenced),
        "articles": len(manifests),
        "complete_articles": sum(1 for m in manifests if m.status == "complete"),
        "article_bytes": article_bytes,
        "total_bytes": chunk_bytes + article_bytes,
    }


def prune_cache(store: Store, max_bytes: int, *, include_referenced: bool = False) -> tuple[int, int, int]:
    """Remove least recently used chunks until chunks plus articles fit ``max_bytes``.

    Returns (chunks removed, bytes freed, total bytes now).
    """
    store.sweep_temp_files(None, older_than=300.0)
    referenced = set() if include_referenced else _referenced(store)
    chunks = sorted(store.iter_chunks(), key=lambda item: item[2])
    total = sum(size for _, size, _ in chunks) + _article_bytes(store)
    removed = freed = 0
    for key, size, _ in chunks:
        if total <= max_bytes:
            break
        if key in referenced:
            continue
        store.discard_chunk(key)
        removed += 1
        freed += size
        total -= size
    if total > max_bytes:
        log.warning("cache still holds %d bytes: the rest is used by current articles", total)
    return removed, freed, total
