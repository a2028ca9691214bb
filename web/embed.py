"""The embed script and cross-origin access for it.

``/embed.js`` is a short-lived alias of the versioned ``/embed/v1/embed.js``
(cached for a year: a new version gets a new URL). Sites load it with one
script tag; it calls the JSON API from their pages, which browsers allow only
for origins in ``CORS_ORIGINS`` (empty by default: same origin only). No
cookies are read or set, so credentials are never allowed cross-origin.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from importlib.resources import files
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, request

from web.errors import ApiError
from web.limits import origin_of, own_origins

bp = Blueprint("embed", __name__)
log = logging.getLogger(__name__)

EMBED_VERSION = "v1"
_ALLOWED_METHODS = "GET, POST, OPTIONS"
_ALLOWED_HEADERS = "Content-Type, Range"
_EXPOSED_HEADERS = "Content-Length, Content-Range, Location, Retry-After, X-Reader-Status"


_CSS_COMMENT = re.compile(r"/\*.*?\*/\s*", re.S)
BANNER = "/* article-reader embed v1: player.js, player.css and embed.js (commented sources: docs/player.md) */"


def without_comment_lines(source: str) -> str:
    """``source`` without the comments that start a line (``//`` lines, ``/* … */`` blocks): they are the
    sources' documentation, a sixth of what every host page would download gzipped. Code on a comment's
    lines stays. Sound for these scripts, which have no multi-line strings or template literals."""
    kept: list[str] = []
    in_block = False
    for line in source.splitlines():
        text = line.strip()
        if in_block:
            if "*/" in text:  # the block ends here; code after it stays
                in_block = False
                rest = line.split("*/", 1)[1]
                if rest.strip():
                    kept.append(rest)
            continue
        if text.startswith("//"):
            continue
        if text.startswith("/*"):
            in_block = "*/" not in text
            if not in_block and text.split("*/", 1)[1].strip():
                kept.append(line)  # /* a note */ code;
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def _script() -> bytes:
    """The shared player (player.js, and player.css as a string for the Shadow DOM), then the embed's own
    code: one file, one request for a host page, and the same player as the app's, its comments left out."""
    static = files("web") / "static"
    css = json.dumps(_CSS_COMMENT.sub("", (static / "player.css").read_text(encoding="utf-8")))
    return "\n".join(
        [
            BANNER,
            without_comment_lines((static / "player.js").read_text(encoding="utf-8")),
            f"window.ArticleReaderPlayer.css = {css};",
            without_comment_lines((static / "embed.js").read_text(encoding="utf-8")),
        ]
    ).encode()


def _script_response(max_age: int) -> Response:
    response = Response(_script(), mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if max_age > 86400 else "")
    response.headers["Access-Control-Allow-Origin"] = "*"  # the script itself is public; the API is not
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/embed.js")
def embed_latest() -> Response:
    return _script_response(300)


@bp.get(f"/embed/{EMBED_VERSION}/embed.js")
def embed_versioned() -> Response:
    return _script_response(31536000)


@bp.get("/embed/demo")
def demo_page() -> Response:
    """A host page that embeds the player, to try the script and for the browser tests."""
    from flask import render_template

    return Response(render_template("embed_demo.html"), mimetype="text/html")


def _allowed_hosts() -> list[str]:
    hosts = current_app.config.get("ALLOWED_HOSTS") or []
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return [str(host).strip().lower().rstrip(".") for host in hosts if str(host).strip()]


def _split_entry(entry: str) -> tuple[str, str]:
    """``host``, ``host:port``, ``[v6]:port`` → (host, port or "")."""
    if entry.startswith("["):
        name, _, rest = entry[1:].partition("]")
        return name, rest.lstrip(":")
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        return name, port
    return entry, ""  # a host name, or a bare IPv6 address


def host_allowed(url: str) -> bool:
    """Whether ``url`` is on a host the publisher listed in ALLOWED_HOSTS: ``news.example`` (that host,
    any port), ``*.news.example`` (its subdomains), ``127.0.0.1:8080`` (that host and port)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host:
        return False
    for entry in _allowed_hosts():
        name, wanted = _split_entry(entry)
        if wanted and wanted != str(port):
            continue
        if host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


def check_embed_host(url: str) -> None:
    """An anonymous render request (the embed's) may only name a page on an allowed host: 403 otherwise,
    with what the operator can do about it."""
    if not _allowed_hosts():
        raise ApiError(
            403,
            "this server reads no pages for anonymous embeds: its operator can list the sites in "
            "READER_ALLOWED_HOSTS (or publish articles with the API token)",
        )
    if not host_allowed(url):
        raise ApiError(403, "this server does not read pages from that site for embeds (see READER_ALLOWED_HOSTS)")


def _allowed_origin(origin: str | None) -> str | None:
    if not origin:
        return None
    allowed = current_app.config.get("CORS_ORIGINS") or []
    if isinstance(allowed, str):
        allowed = [item.strip() for item in allowed.split(",") if item.strip()]
    if "*" in allowed or origin.rstrip("/") in [item.rstrip("/") for item in allowed]:
        return origin
    _log_refused(origin)
    return None


_refused: set[str] = set()
_refused_lock = threading.Lock()
MAX_REFUSED_LOGGED = 1000  # distinct origins remembered per process: the log cannot be flooded


def _log_refused(origin: str) -> None:
    """Say once per origin (per process) that a page's calls were refused, and which setting allows them:
    the operator who embedded the player on a new site finds the cause in the log, not only in the
    visitor's console. Our own pages' requests carry our own Origin and are not refusals."""
    if origin_of(origin) in own_origins():
        return
    with _refused_lock:
        if origin in _refused or len(_refused) >= MAX_REFUSED_LOGGED:
            return
        _refused.add(origin)
    log.warning(
        "refused cross-origin requests from %s (first seen on %s %s): add it to READER_CORS_ORIGINS to let "
        "its pages use the player; the origin must match exactly (scheme, host and port)",
        origin[:200],
        request.method,
        request.path[:200],
    )


def init_cors(app: Flask) -> None:
    """Answer preflights and add CORS headers for allowed origins on the API."""

    @app.before_request
    def _preflight() -> Response | None:
        if request.method != "OPTIONS" or not request.path.startswith("/api/"):
            return None
        response = Response(status=204)
        origin = _allowed_origin(request.headers.get("Origin"))
        if origin:
            response.headers["Access-Control-Allow-Methods"] = _ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = _ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response

    @app.after_request
    def _cors(response: Response) -> Response:
        if request.path.startswith("/api/"):
            origin = _allowed_origin(request.headers.get("Origin"))
            if origin:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
            response.vary.add("Origin")
        return response
