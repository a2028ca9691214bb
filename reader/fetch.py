"""Safe URL fetching: public hosts only, the connection pinned to the checked address, bounded.

Strangers hand the reader URLs, so a URL must never reach what only the
server can reach (its loopback, the private network, a cloud metadata
service). Every hop (the first request and each redirect, followed here, never
by the HTTP library) is checked the same way:

1. the URL: http or https only, no credentials, not absurdly long;
2. the host name: not a local or metadata name;
3. every address the name resolves to: public only (loopback, private,
   link-local, CGNAT, multicast, reserved, unspecified and cloud-metadata
   addresses refused; IPv4-mapped and other IPv6 forms checked as the IPv4
   address they carry);
4. the connection goes to the address that was checked (urllib3 pool on the IP,
   with the Host header and TLS SNI/certificate check on the name), so DNS is
   asked once per hop and a rebinding answer changes nothing.

The response is bounded: connect and read timeouts, an overall deadline that
cuts even a server that drips one byte at a time, and a size cap enforced
while streaming. Only HTML and text are accepted.

``FetchPolicy.allow_private_hosts`` lets tests and deployment configuration
(``READER_FETCH_ALLOW``) reach named non-public hosts; request data never can.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from reader.errors import FetchError

__all__ = [
    "FetchPolicy",
    "FetchResponse",
    "Resolver",
    "check_address",
    "fetch_url",
    "system_resolver",
]

log = logging.getLogger(__name__)

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_METADATA_NAMES = frozenset(
    {"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LEGACY_IPV4 = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)
_CONTENT_KINDS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}


def _user_agent() -> str:
    try:
        release = version("article-reader-tts")
    except PackageNotFoundError:  # running from a source tree that was never installed
        release = "dev"
    return f"Mozilla/5.0 (compatible; article-reader-tts/{release}; text-to-speech article reader)"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6), in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may do. Only code and configuration set it, never request data.

    ``allow_private_hosts``: entries that may be non-public, each a host name, an IP
    address or a network (CIDR), optionally with ``:port`` (``"127.0.0.1:8080"``,
    ``"[::1]:8080"``, ``"10.0.0.0/8"``, ``"intranet.example"``).
    """

    allow_private_hosts: tuple[str, ...] = ()
    max_bytes: int = 10 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 30.0  # the whole fetch, redirects included
    max_redirects: int = 5
    max_url_length: int = 2048
    user_agent: str = field(default_factory=_user_agent)
    resolver: Resolver = system_resolver

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> FetchPolicy:
        """The deployment's policy: ``READER_FETCH_ALLOW`` (comma-separated entries),
        ``READER_FETCH_MAX_BYTES`` and ``READER_FETCH_TIMEOUT`` (seconds, the overall deadline)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        allow = [entry.strip() for entry in environ.get("READER_FETCH_ALLOW", "").split(",") if entry.strip()]
        if allow:
            values["allow_private_hosts"] = tuple(allow)
        try:
            if environ.get("READER_FETCH_MAX_BYTES"):
                values["max_bytes"] = int(environ["READER_FETCH_MAX_BYTES"])
            if environ.get("READER_FETCH_TIMEOUT"):
                values["deadline"] = float(environ["READER_FETCH_TIMEOUT"])
        except ValueError as error:
            raise FetchError(f"bad fetch configuration in the environment: {error}") from None
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def allows(self, host: str, address: IPAddress | None, port: int) -> bool:
        """Whether an allowlist entry covers this host name or address (and port)."""
        for entry in self.allow_private_hosts:
            entry_host, entry_port = _split_entry(entry)
            if entry_port is not None and entry_port != port:
                continue
            if entry_host == host:
                return True
            if address is not None:
                try:
                    if address in ipaddress.ip_network(entry_host, strict=False):
                        return True
                except ValueError:
                    continue
        return False


def _split_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, int(port) if port.isdigit() else None
    return entry, None


@dataclass(frozen=True)
class FetchResponse:
    """A fetched page: final URL (after redirects), body bytes, and what the server said they are."""

    url: str
    status: int
    content_type: str | None
    charset: str | None
    kind: str | None  # "html", "text", "markdown", or None when the server did not say
    body: bytes


def check_address(address: IPAddress) -> str | None:
    """Why an address must not be fetched from (e.g. ``"a loopback address"``), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = check_address(embedded)
            return f"{reason} (inside the IPv6 address {address})" if reason else None
    if address in _METADATA_ADDRESSES:
        return "a cloud metadata service address"
    checks: tuple[tuple[bool, str], ...] = (
        (address.is_unspecified, "the unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, "a carrier-grade NAT (CGNAT) address"),
        (address.is_multicast, "a multicast address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private network address"),
        (not address.is_global, "not a public address"),
    )
    return next((why for hit, why in checks if hit), None)


def _literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, including legacy IPv4 spellings (2130706433, 0x7f.1, 0177.0.0.1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host) and any(ch.isdigit() for ch in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # lowercased, IPv6 without brackets, no trailing dot
    port: int
    path: str  # path and query, as sent in the request line
    host_header: str
    address: str  # the checked address the connection goes to


def _check_url(url: str, policy: FetchPolicy) -> _Target:
    """Validate one hop's URL and resolve it to a checked address, or raise FetchError."""
    if len(url) > policy.max_url_length:
        raise FetchError(f"refused: the URL is longer than {policy.max_url_length} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise FetchError("refused: the URL holds spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(f"refused: not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused: only http and https URLs can be read, not {scheme or 'a URL without a scheme'}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError("refused: URLs with credentials (user:password@) are not fetched")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise FetchError(f"refused: the URL has no host: {url}")
    port = port or (443 if scheme == "https" else 80)
    if port == 0:
        raise FetchError("refused: port 0 is not a valid port")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = port == (443 if scheme == "https" else 80)
    shown_host = f"[{host}]" if ":" in host else host
    host_header = shown_host if default_port else f"{shown_host}:{port}"

    literal = _literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        local_name = host == "localhost" or host in _METADATA_NAMES or host.endswith(_LOCAL_SUFFIXES)
        if local_name and not policy.allows(host, None, port):
            raise FetchError(f"refused: {host} is a local or cloud-metadata name, not a public web site")
        try:
            resolved = policy.resolver(host, port)
        except (OSError, UnicodeError) as error:
            raise FetchError(f"could not resolve the host {host}", cause=str(error)) from None
        addresses = []
        for text in resolved:
            try:
                addresses.append(ipaddress.ip_address(text.split("%")[0]))
            except ValueError:
                raise FetchError(f"the resolver gave an invalid address for {host}: {text!r}") from None
        if not addresses:
            raise FetchError(f"could not resolve the host {host}: no addresses")
    for address in addresses:
        reason = check_address(address)
        if reason and not policy.allows(host, address, port):
            shown = f"{host} is {reason}" + (f" ({address})" if literal is None else "")
            raise FetchError(f"refused: {shown}; only public web addresses are fetched")
    return _Target(scheme, host, port, path, host_header, str(addresses[0]))


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


def _pool(target: _Target, policy: FetchPolicy, remaining: float) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(connect=min(policy.connect_timeout, remaining), read=min(policy.read_timeout, remaining))
    common = {"port": target.port, "timeout": timeout, "retries": False, "maxsize": 1, "block": False}
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = _PinnedHTTPSPool(
            target.address,
            cert_reqs="CERT_REQUIRED",
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


def _request(target: _Target, url: str, policy: FetchPolicy, deadline: float) -> tuple[int, dict[str, str], bytes]:
    """One GET to the checked address; returns status, headers and (for a 2xx) the bounded body."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"timed out fetching {url} (over {policy.deadline:g} s)")
    pool = _pool(target, policy, remaining)
    headers = {
        "Host": target.host_header,
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1",
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
                    if mime is not None and mime not in _CONTENT_KINDS:
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
        raise FetchError(f"could not fetch {url}", cause=str(error)) from None
    finally:
        pool.close()
    if watchdog.fired and 200 <= status < 300:
        raise FetchError(f"timed out fetching {url} (over {policy.deadline:g} s)")
    return status, response_headers, body


def fetch_url(url: str, *, policy: FetchPolicy | None = None) -> FetchResponse:
    """GET an article page safely (see the module docstring), following redirects one checked hop at a time."""
    policy = policy or FetchPolicy.from_env()
    deadline = time.monotonic() + policy.deadline
    current = url
    for _hop in range(policy.max_redirects + 1):
        target = _check_url(current, policy)
        log.debug("fetching %s via %s", current, target.address)
        status, headers, body = _request(target, current, policy, deadline)
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
