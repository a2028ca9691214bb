"""The process's shared render worker pools, one per backend, started on first use and closed at exit."""

from __future__ import annotations

import atexit
import os
import threading

from reader.render.workers import WorkerPool

__all__ = ["get_pool", "shutdown_pools"]

_pools: dict[str, WorkerPool] = {}
_lock = threading.Lock()


def get_pool(backend: str) -> WorkerPool:
    """The shared pool for ``backend`` (``READER_WORKERS`` processes, default: one per core)."""
    with _lock:
        pool = _pools.get(backend)
        if pool is None:
            size = int(os.environ.get("READER_WORKERS") or 0) or None
            timeout = float(os.environ.get("READER_CHUNK_TIMEOUT") or 60)
            pool = _pools[backend] = WorkerPool(backend, size, timeout=timeout)
        return pool


def shutdown_pools() -> None:
    """Stop every worker process this process started."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


atexit.register(shutdown_pools)
