"""Which URLs may be fetched: the policy, and the checks every hop passes before any connection.

A URL from a stranger must never reach what only the server can reach (its
loopback, the private network, a cloud metadata service). ``check_url`` says
whether a URL may be fetched and, when it may, which checked address to connect
to: http or https only, no credentials, not absurdly long; not a local or
metadata host name; and every address the name resolves to public (loopback,
private, link-local, CGNAT, multicast, reserved, unspecified and cloud-metadata
addresses refused; IPv4-mapped and other IPv6 forms checked as the IPv4
address they carry; decimal, octal and hex IPv4 spellings as what they mean).

``FetchPolicy.allow_private_hosts`` lets tests and deployment configuration
(``READER_FETCH_ALLOW``) reach named non-public hosts; request data never can.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import quote, urlsplit

from reader.errors import FetchError, os_reason

__all__ = ["FetchPolicy", "IPAddress", "Resolver", "Target", "check_address", "check_url", "system_resolver"]

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

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
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LEGACY_IPV4 = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)


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
    ca_certs: str | None = None  # a CA bundle to trust instead of the system's (a corporate proxy, tests)
    resolver: Resolver = system_resolver

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> FetchPolicy:
        """The deployment's policy: ``READER_FETCH_ALLOW`` (comma-separated entries),
        ``READER_FETCH_MAX_BYTES``, ``READER_FETCH_TIMEOUT`` (seconds, the overall deadline) and
        ``READER_FETCH_CA_BUNDLE`` (a CA bundle file to trust instead of the system's)."""
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
            if environ.get("READER_FETCH_CA_BUNDLE"):
                values["ca_certs"] = environ["READER_FETCH_CA_BUNDLE"]
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
class Target:
    scheme: str
    host: str  # lowercased, IPv6 without brackets, no trailing dot
    port: int
    path: str  # path and query, as sent in the request line
    host_header: str
    address: str  # the checked address the connection goes to


def _ascii_host(host: str) -> str:
    """An internationalised host name in its ASCII (IDNA) form, as DNS and the Host header need it."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"refused: {host!r} is not a valid host name") from None


def check_url(url: str, policy: FetchPolicy) -> Target:
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
    host = _ascii_host((parts.hostname or "").rstrip(".").lower())
    if not host:
        raise FetchError(f"refused: the URL has no host: {url}")
    port = port or (443 if scheme == "https" else 80)
    if port == 0:
        raise FetchError("refused: port 0 is not a valid port")
    path = _NON_ASCII.sub(lambda m: quote(m.group()), (parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
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
            raise FetchError(f"could not resolve the host {host}", cause=os_reason(error)) from None
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
    return Target(scheme, host, port, path, host_header, str(addresses[0]))
