"""Cache housekeeping: figures, and least-recently-used pruning that spares what manifests use.

Cached audio is never invalidated (same key, same audio), only evicted.
A chunk is "referenced" when a current manifest lists it; pruning never
drops one unless asked, so every listed article stays playable.
"""

from __future__ import annotations

import logging

from reader.store.local import LocalStore

__all__ = ["cache_stats", "prune_cache"]

log = logging.getLogger(__name__)


def _referenced(store: LocalStore) -> set[str]:
    return {entry.key for manifest in store.iter_manifests() for entry in manifest.entries}


def _article_bytes(store: LocalStore) -> int:
    return sum(p.stat().st_size for p in (store.root / "articles").rglob("*") if p.is_file())


def cache_stats(store: LocalStore) -> dict[str, object]:
    """Counts and sizes: what ``reader cache stats`` prints."""
    chunks = list(store.iter_chunks())
    manifests = list(store.iter_manifests())
    referenced = _referenced(store)
    chunk_bytes = sum(size for _, size, _ in chunks)
    return {
        "root": str(store.root),
        "chunks": len(chunks),
        "chunk_bytes": chunk_bytes,
        "referenced_chunks": sum(1 for key, _, _ in chunks if key in referenced),
        "articles": len(manifests),
        "complete_articles": sum(1 for m in manifests if m.status == "complete"),
        "article_bytes": _article_bytes(store),
        "total_bytes": chunk_bytes + _article_bytes(store),
    }


def prune_cache(store: LocalStore, max_bytes: int, *, include_referenced: bool = False) -> tuple[int, int, int]:
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
