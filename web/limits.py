"""Guards for the requests that cost CPU or network: the API token, and a per-client rate limit.

``guard_write()`` runs at the top of every write handler (POST an article, refresh, DELETE,
the library form): when ``API_TOKEN`` is set it needs ``Authorization: Bearer <token>``
(401 otherwise), then the client's rate limit applies (429 with Retry-After past it).
``limit_costly()`` is the rate limit alone, for reads that fetch or parse (the preview).

The rate limit is kept in this process's memory: with several server processes each counts
its own share, which is enough to stop one client from flooding the renderer. Behind a
reverse proxy set TRUSTED_PROXIES so the client is the listener, not the proxy.
"""

from __future__ import annotations

import hmac
import io
import threading
import time
from collections import deque

from flask import Flask, current_app, request

from web.errors import ApiError

__all__ = ["RateLimiter", "check_token", "guard_write", "init_app", "limit_costly"]


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


def check_token() -> None:
    """With API_TOKEN set, a write needs ``Authorization: Bearer <token>`` (compared in constant time)."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        return
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), str(token).encode()):
        raise ApiError(401, "this server needs an API token for changes: send Authorization: Bearer <token>")


def limit_costly() -> None:
    """The per-client rate limit (RATE_LIMIT_PER_MINUTE) shared by every costly endpoint."""
    limiter: RateLimiter = current_app.extensions.setdefault("reader_rate_limiter", RateLimiter())
    limiter.check(int(current_app.config["RATE_LIMIT_PER_MINUTE"]))


def guard_write() -> None:
    """Call at the top of a write handler: the token first (no rate budget spent on strangers), then the limit."""
    check_token()
    limit_costly()


def _bound_chunked_body() -> None:
    """A chunked body (no Content-Length) past MAX_CONTENT_LENGTH gets 413 like any other: werkzeug
    would quietly cut it at the limit, and the handler would answer 400 for the torn JSON."""
    environ = request.environ
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit or request.content_length is not None or not environ.get("wsgi.input_terminated"):
        return
    data = environ["wsgi.input"].read(int(limit) + 1)
    if len(data) > int(limit):
        raise ApiError(413, "the request body is too large")
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))


def init_app(app: Flask) -> None:
    app.before_request(_bound_chunked_body)
