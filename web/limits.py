"""Guards for the requests that change things or cost CPU or network: the token, a per-client rate
limit, and a same-origin check for forms.

Safe by default, whatever address the server binds (behind a proxy every server is "on loopback"):
``guard_write()`` runs at the top of every write handler (POST an article, refresh, DELETE, the
library form, the preview) and lets through a request that carries ``Authorization: Bearer
<API_TOKEN>``, or -- when no token is configured -- any request on a server started with an
explicit ``--open`` (``OPEN = True``). Otherwise: 401 when a token is configured, 403 when none
is (the server is read-only until its operator chooses), each with a JSON error that says how to enable changes.
Then the client's rate limit applies (429 with Retry-After past it). ``limit_costly()`` is the
rate limit alone, for the embed's anonymous render request for an allowed host.

Forms are checked by origin, not by a CSRF token: the app sets no cookies and keeps no sessions,
so a cross-site request carries nothing a token would protect besides the server's openness, and
every browser sends ``Origin`` (or at least ``Referer``) on a form POST. A stateless check needs
no shared secret between several servers behind one address. A POST, DELETE or PUT whose
``Origin`` names another site (not this server, FEED_BASE_URL's, nor one of CORS_ORIGINS) gets
403; a form POST must name this server in ``Origin`` or ``Referer``.

Without a queue URL the rate limit is kept in this process's memory: with several server
processes each counts its own share, which is enough to stop one client from flooding one
machine's renderer. With READER_QUEUE_URL set it is counted in Redis (web/sharedlimits.py), so
servers behind one address allow a client the limit once, not once each. Behind a reverse proxy
set TRUSTED_PROXIES so the client is the listener, not the proxy.
"""

from __future__ import annotations

import hmac
import io
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from reader.render import queue_url
from web.errors import ApiError
from web.sharedlimits import RedisRateLimiter

__all__ = [
    "RateLimiter",
    "check_token",
    "guard_form_write",
    "guard_write",
    "init_app",
    "is_open",
    "limit_costly",
    "origin_of",
    "own_origins",
    "rate_limiter",
    "same_origin_form",
    "token_holder",
]

ENABLE_HINT = (
    "start the server with --open (READER_OPEN=true) to let anyone make changes, or set READER_API_TOKEN "
    "and send Authorization: Bearer <token>"
)
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RateLimiter:
    """``per_minute`` requests per client address over the last minute: in this process, or over
    every server when ``shared`` (Redis) is given."""

    def __init__(self, shared: RedisRateLimiter | None = None) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.shared = shared

    def check(self, per_minute: int) -> None:
        if per_minute <= 0:
            return
        client = request.remote_addr or "unknown"
        if self.shared is not None:
            allowed, retry = self.shared.hit(per_minute, client)
            if not allowed:
                raise ApiError(429, f"too many requests: at most {per_minute} a minute", retry_after=retry)
            return
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


def rate_limiter(namespace: str) -> RateLimiter:
    """A limiter for one kind of request (``namespace``: "writes", "listens"): shared through Redis
    when READER_QUEUE_URL is set, else this process's own."""
    url = queue_url()
    return RateLimiter(RedisRateLimiter(url, namespace) if url else None)


def is_open() -> bool:
    """Whether the operator started the server with ``--open`` (config ``OPEN``): anyone may change things."""
    value = current_app.config.get("OPEN")
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def token_holder() -> bool:
    """Whether the request carries ``Authorization: Bearer <API_TOKEN>`` (compared in constant time)."""
    token = current_app.config.get("API_TOKEN")
    if not token:
        return False
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), str(token).encode())


def check_token(what: str = "changes") -> None:
    """Let a token holder through. With a token configured nobody else passes (401), even with OPEN; with
    none, anyone on an ``--open`` server does, and on any other server nobody (403): read-only."""
    if token_holder():
        return
    if current_app.config.get("API_TOKEN"):
        raise ApiError(401, f"this server needs its API token for {what}: send Authorization: Bearer <token>")
    if not is_open():
        raise ApiError(403, f"this server does not accept {what} from anonymous clients: {ENABLE_HINT}")


def limit_costly() -> None:
    """The per-client rate limit (RATE_LIMIT_PER_MINUTE) shared by every costly endpoint."""
    limiter = current_app.extensions.get("reader_rate_limiter")
    if limiter is None:
        limiter = current_app.extensions.setdefault("reader_rate_limiter", rate_limiter("writes"))
    limiter.check(int(current_app.config["RATE_LIMIT_PER_MINUTE"]))


def guard_write(what: str = "changes") -> None:
    """Call at the top of a write handler: the token first (no rate budget spent on strangers), then the limit."""
    check_token(what)
    limit_costly()


def guard_form_write(what: str = "changes") -> None:
    """``guard_write`` for a form of this server's pages, which cannot send a header: with a token
    configured, the form's ``token`` field must hold it (401 otherwise, saying so)."""
    token = current_app.config.get("API_TOKEN")
    if token and not token_holder():
        given = request.form.get("token") or ""
        if not hmac.compare_digest(given.strip().encode(), str(token).encode()):
            raise ApiError(401, f"this server needs its API token for {what}: enter it in the token field")
        limit_costly()
        return
    guard_write(what)


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL (default ports left out), or None for anything but http(s)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    default = {"http": ":80", "https": ":443"}[parts.scheme]
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc.removesuffix(default)}"


def own_origins() -> set[str]:
    """This server's origins: the request's host, FEED_BASE_URL's and SERVER_URL's."""
    own = {origin_of(request.host_url)}
    for key in ("FEED_BASE_URL", "SERVER_URL"):  # the configured public addresses (behind a proxy)
        if current_app.config.get(key):
            own.add(origin_of(str(current_app.config[key])))
    return {origin for origin in own if origin}


def _cors_origins() -> set[str]:
    allowed = current_app.config.get("CORS_ORIGINS") or []
    if isinstance(allowed, str):
        allowed = [item.strip() for item in allowed.split(",") if item.strip()]
    return {origin for origin in (origin_of(str(item)) for item in allowed) if origin}


def same_origin_form() -> None:
    """A form POST must come from this server's own pages: its ``Origin`` (or, without one, its
    ``Referer``) names this server. 403 otherwise, before anything is read or started."""
    origin = request.headers.get("Origin")
    source = origin_of(origin) if origin and origin != "null" else None
    if source is None and not origin:
        referer = request.headers.get("Referer")
        source = origin_of(referer) if referer else None
    if source is None or source not in own_origins():
        raise ApiError(403, "this form must be sent from this server's own page (its Origin or Referer)")


def _refuse_cross_site() -> None:
    """An unsafe request from another site's page (a cross-site form, say) is refused unless that site
    is one of CORS_ORIGINS: its Origin header says where it came from."""
    if request.method not in _UNSAFE:
        return
    origin = request.headers.get("Origin")
    if not origin:
        return  # not sent by a browser from another page (browsers send Origin on cross-site unsafe requests)
    source = origin_of(origin) if origin != "null" else None
    if source is None or (source not in own_origins() and source not in _cors_origins() and "*" not in _cors_all()):
        raise ApiError(403, "requests from another site's page are refused (see CORS_ORIGINS)")


def _cors_all() -> set[str]:
    allowed = current_app.config.get("CORS_ORIGINS") or []
    return {"*"} if (allowed == "*" or (isinstance(allowed, list) and "*" in allowed)) else set()


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
    app.before_request(_refuse_cross_site)
    app.before_request(_bound_chunked_body)
