"""Safe URL fetching: checked hops, the connection pinned to the checked address, bounded.

Every hop (the first request and each redirect, followed here, never by the
HTTP library) passes ``reader.text.fetch_policy.check_url`` first: http/https only,
public addresses only after DNS resolution. The connection then goes to the
address that was checked (a urllib3 pool on the IP, with the name in the Host
header and in TLS SNI and certificate checks), so DNS is asked once per hop and
a rebinding answer changes nothing.

The response is bounded: connect and read timeouts, an overall deadline that
cuts even a server that drips one byte at a time (a watchdog shuts the socket),
and a size cap enforced while streaming the decoded body (so a compressed bomb
is cut too). Only HTML, XHTML, plain text and Markdown are accepted, unless the caller
names other media types (``accept``: the web app fetches an article's lead image for its
Media Session artwork through the same checks).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from reader.errors import FetchError, os_reason
from reader.text.fetch_policy import FetchPolicy, Resolver, Target, check_address, check_url, system_resolver

__all__ = [
    "IMAGE_TYPES",
    "FetchPolicy",
    "FetchResponse",
    "Resolver",
    "check_address",
    "fetch_url",
    "system_resolver",
]

log = logging.getLogger(__name__)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PAGE_ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1"
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
_CONTENT_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


@dataclass(frozen=True)
class FetchResponse:
    """A fetched page: final URL (after redirects), body bytes, and what the server said they are."""

    url: str
    status: int
    content_type: str | None
    charset: str | None
    kind: str | None  # "html", "text", "markdown", or None when the server did not say
    body: bytes


class _Watchdog:
    """Shuts the live connection's socket at the deadline, so no server can stall a fetch past it."""

    def __init__(self, pool: urllib3.HTTPConnectionPool, seconds: float) -> None:
        self.pool = pool
        self.fired = False
        self.timer = threading.Timer(max(seconds, 0.0), self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        connection = getattr(self.pool, "live_connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def _pool(target: Target, policy: FetchPolicy, remaining: float) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=min(policy.connect_timeout, remaining), read=min(policy.read_timeout, remaining))
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1, "block": False}
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = _PinnedHTTPSPool(
            target.address,
            cert_reqs="CERT_REQUIRED",
            ca_certs=policy.ca_certs,
            server_hostname=target.host,
            assert_hostname=target.host,
            **common,
        )
    else:
        pool = _PinnedHTTPPool(target.address, **common)
    return pool


class _PinnedHTTPPool(urllib3.HTTPConnectionPool):
    live_connection: object = None

    def _new_conn(self):  # type: ignore[no-untyped-def]
        self.live_connection = super()._new_conn()
        return self.live_connection


class _PinnedHTTPSPool(urllib3.HTTPSConnectionPool):
    live_connection: object = None

    def _new_conn(self):  # type: ignore[no-untyped-def]
        self.live_connection = super()._new_conn()
        return self.live_connection


def _content_type(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    raw = headers.get("content-type")
    if not raw:
        return None, None
    mime, *params = (part.strip() for part in raw.split(";"))
    charset = next((p.split("=", 1)[1].strip("\"' ") for p in params if p.lower().startswith("charset=")), None)
    return mime.lower(), charset


def _read_body(response: urllib3.BaseHTTPResponse, url: str, policy: FetchPolicy, deadline: float) -> bytes:
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > policy.max_bytes:
        raise FetchError(f"refused: {url} is {int(length) // 1_000_000} MB, over the {_mb(policy)} limit")
    body = bytearray()
    while True:
        chunk = response.read1(65536)  # type: ignore[attr-defined]
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > policy.max_bytes:
            raise FetchError(f"refused: {url} is larger than the {_mb(policy)} limit")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out reading {url} (over {policy.deadline:g} s)")


def _mb(policy: FetchPolicy) -> str:
    return f"{policy.max_bytes / 1_000_000:g} MB"


def _request(
    target: Target, url: str, policy: FetchPolicy, deadline: float, accept: tuple[str, ...] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET to the checked address; returns status, headers and (for a 2xx) the bounded body.
    ``accept``: the media types wanted instead of pages."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"timed out fetching {url} (over {policy.deadline:g} s)")
    pool = _pool(target, policy, remaining)
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": ",".join(accept) if accept else _PAGE_ACCEPT,
        "Accept-Encoding": "gzip, deflate",
    }
    watchdog = _Watchdog(pool, remaining)
    try:
        with watchdog:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                assert_same_host=False,
            )
            try:
                status = response.status
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                body = b""
                if 200 <= status < 300:
                    mime, _charset = _content_type(response_headers)
                    if accept and mime is not None and mime not in accept:
                        raise FetchError(f"refused: {url} is {mime}, not one of {', '.join(accept)}")
                    if not accept and mime is not None and mime not in _CONTENT_KINDS:
                        raise FetchError(
                            f"refused: {url} is {mime}, not an HTML or text page",
                            cause="a link to a file (image, PDF, video) rather than to an article",
                        )
                    body = _read_body(response, url, policy, deadline)
            finally:
                response.release_conn()
    except FetchError:
        raise
    except NewConnectionError as error:  # before timeouts: urllib3 makes it a ConnectTimeoutError subclass
        reason = str(error).split(": ", 1)[-1]
        raise FetchError(f"could not connect to {target.host} port {target.port}", cause=reason) from None
    except (ConnectTimeoutError, ReadTimeoutError, TimeoutError) as error:
        raise FetchError(f"timed out fetching {url}", cause=str(error).split(": ", 1)[-1]) from None
    except SSLError as error:
        raise FetchError(f"TLS error fetching {url}", cause=str(error)) from None
    except (HTTPError, OSError) as error:
        if watchdog.fired:
            raise FetchError(f"timed out fetching {url} (over {policy.deadline:g} s)") from None
        raise FetchError(f"could not fetch {url}", cause=os_reason(error)) from None
    finally:
        pool.close()
    if watchdog.fired and 200 <= status < 300:
        raise FetchError(f"timed out fetching {url} (over {policy.deadline:g} s)")
    return status, response_headers, body


def fetch_url(url: str, *, policy: FetchPolicy | None = None, accept: tuple[str, ...] | None = None) -> FetchResponse:
    """GET an article page safely (see the module docstring), following redirects one checked hop at a time.
    ``accept``: other media types to fetch instead of a page (``IMAGE_TYPES``), with the same checks."""
    policy = policy or FetchPolicy.from_env()
    deadline = time.monotonic() + policy.deadline
    current = url
    for _hop in range(policy.max_redirects + 1):
        target = check_url(current, policy)
        log.debug("fetching %s via %s", current, target.address)
        status, headers, body = _request(target, current, policy, deadline, accept)
        if status in _REDIRECTS:
            location = headers.get("location")
            if not location:
                raise FetchError(f"{current} answered HTTP {status} without a Location to go to")
            current = urljoin(current, location.strip())
            continue
        if status >= 400 or status < 200:
            raise FetchError(f"HTTP {status} from {current}", cause=_http_cause(status), status=status)
        if status == 204 or not body:
            raise FetchError(f"{current} answered with an empty page (HTTP {status})")
        mime, charset = _content_type(headers)
        return FetchResponse(current, status, mime, charset, _CONTENT_KINDS.get(mime or ""), body)
    raise FetchError(f"refused: more than {policy.max_redirects} redirects from {url}")


def _http_cause(status: int) -> str | None:
    return {
        401: "the page needs a login",
        403: "the site refuses automated readers or needs a login",
        404: "the page does not exist (a typo in the URL?)",
        410: "the page was removed",
        429: "the site is rate-limiting requests; try again later",
    }.get(status, "the site has a problem; try again later" if status >= 500 else None)
