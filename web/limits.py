"""A per-client limit on write requests (those that cost CPU or network): past it, 429.

Kept in this process's memory: with several server processes each counts its own
share, which is enough to stop one client from flooding the renderer. Issue 7's
hardening may move it to a shared store.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app, request

from web.errors import ApiError


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, per_minute: int) -> None:
        if per_minute <= 0:
            return
        client = request.remote_addr or "unknown"
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= per_minute:
                retry = int(60 - (now - hits[0])) + 1
                raise ApiError(429, f"too many requests: at most {per_minute} a minute", retry_after=retry)
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients so memory stays bounded
                for key in [k for k, v in self._hits.items() if not v or now - v[-1] > 60]:
                    del self._hits[key]


def limit_writes() -> None:
    """Call at the top of a write handler."""
    limiter: RateLimiter = current_app.extensions.setdefault("reader_rate_limiter", RateLimiter())
    limiter.check(int(current_app.config["RATE_LIMIT_PER_MINUTE"]))
