"""The URL fetcher's guards, end to end against real HTTP servers on 127.0.0.1.

No internet here, and none needed: every server is a threaded ``http.server``
on loopback that counts the connections it accepts. Loopback is exactly what
the fetcher must refuse, so the tests reach the "allowed" server through an
explicit ``FetchPolicy`` allowlist, and a second loopback server plays the
private target that must see no connection at all. DNS is the test's own
resolver (``FetchPolicy.resolver``), so names can resolve to anything.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from click.testing import CliRunner

import reader
from reader.cli.commands import cli
from reader.text import fetch_url
from reader.text.fetch import FetchPolicy, check_address

PAGE = (
    b"<!doctype html><html lang='en'><head><title>A Test Story | Example News</title></head><body>"
    b"<article><h1>A Test Story</h1><p>" + b"The council voted on Tuesday to reopen the old library. " * 8 + b"</p>"
    b"<p>" + b"Residents said the building had been closed for far too long. " * 6 + b"</p></article></body></html>"
)

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Server:
    """A loopback HTTP server that counts accepted connections and records requests."""

    routes: dict[str, Route] = field(default_factory=dict)
    connections: int = 0
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def send(
    status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8", **headers: str
) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return send(status, b"", Location=location)


@pytest.fixture
def make_server() -> Iterator[Callable[..., Server]]:
    servers: list[ThreadingHTTPServer] = []

    def start(tls: ssl.SSLContext | None = None) -> Server:
        state = Server()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                state.requests.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                state.routes.get(self.path, send(404, b"not here"))(self)

            def log_message(self, *args: object) -> None:
                pass

        class CountingServer(ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
                state.connections += 1
                super().process_request(request, client_address)

            def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
                pass  # the reader hanging up mid-response is what several tests expect

        httpd = CountingServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
        state.port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(httpd)
        return state

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def allow(server: Server, **overrides: object) -> FetchPolicy:
    return FetchPolicy(allow_private_hosts=(f"127.0.0.1:{server.port}",), **overrides)  # type: ignore[arg-type]


def test_allowed_server_is_fetched_with_a_real_user_agent(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/story"] = send(200, PAGE)
    response = fetch_url(f"{site.origin}/story", policy=allow(site))
    assert response.body == PAGE
    assert response.kind == "html" and response.charset == "utf-8"
    assert "article-reader-tts" in site.requests[0]["user-agent"]


def test_redirects_are_followed_and_checked_hop_by_hop(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/old"] = redirect("/new", 301)
    site.routes["/new"] = send(200, PAGE)
    response = fetch_url(f"{site.origin}/old", policy=allow(site))
    assert response.url == f"{site.origin}/new"
    assert [r["path"] for r in site.requests] == ["/old", "/new"]


def test_redirect_from_allowed_host_to_private_address_is_refused_without_connecting(
    make_server: Callable[[], Server],
) -> None:
    site, private = make_server(), make_server()
    site.routes["/story"] = redirect(f"{private.origin}/admin")
    private.routes["/admin"] = send(200, PAGE)
    with pytest.raises(reader.FetchError, match="loopback"):
        fetch_url(f"{site.origin}/story", policy=allow(site))
    assert site.connections == 1
    assert private.connections == 0


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://localhost:{port}/",
        "http://2130706433:{port}/",
        "file:///etc/passwd",
    ],
)
def test_redirect_to_any_internal_target_is_refused(make_server: Callable[[], Server], location: str) -> None:
    site, private = make_server(), make_server()
    site.routes["/story"] = redirect(location.format(port=private.port))
    with pytest.raises(reader.FetchError, match="refused"):
        fetch_url(f"{site.origin}/story", policy=allow(site))
    assert private.connections == 0


def test_name_that_resolves_to_a_private_address_is_refused_without_connecting(
    make_server: Callable[[], Server],
) -> None:
    private = make_server()
    private.routes["/"] = send(200, PAGE)
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with pytest.raises(reader.FetchError, match=r"news\.example is a loopback address \(127\.0\.0\.1\)"):
        fetch_url(f"http://news.example:{private.port}/", policy=FetchPolicy(resolver=resolver))
    assert asked == ["news.example"]
    assert private.connections == 0


def test_a_name_with_any_private_address_among_public_ones_is_refused(make_server: Callable[[], Server]) -> None:
    private = make_server()
    policy = FetchPolicy(resolver=lambda host, port: ["93.184.216.34", "10.1.2.3"])
    with pytest.raises(reader.FetchError, match="private network"):
        fetch_url(f"http://mixed.example:{private.port}/", policy=policy)
    assert private.connections == 0


def test_connection_goes_to_the_checked_address_with_the_name_as_host(make_server: Callable[[], Server]) -> None:
    """An allowlisted name is resolved once, and the request carries its name in the Host header."""
    site = make_server()
    site.routes["/story"] = send(200, PAGE)
    answers = iter([["127.0.0.1"], ["10.9.9.9"]])  # a rebinding resolver: a second lookup would differ
    policy = FetchPolicy(allow_private_hosts=("news.test",), resolver=lambda host, port: next(answers))
    fetch_url(f"http://news.test:{site.port}/story", policy=policy)
    assert site.connections == 1
    assert site.requests[0]["host"] == f"news.test:{site.port}"


def test_oversize_page_is_refused_by_its_content_length(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/big"] = send(200, b"<p>" + b"x" * 50_000 + b"</p>")
    with pytest.raises(reader.FetchError, match=r"over the 0\.01 MB limit"):
        fetch_url(f"{site.origin}/big", policy=allow(site, max_bytes=10_000))


def test_oversize_stream_without_length_is_cut_off(make_server: Callable[[], Server]) -> None:
    site = make_server()
    sent: list[int] = []

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.protocol_version = "HTTP/1.0"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(32_768):  # 32 MB: far more than loopback socket buffers hold
                handler.wfile.write(b"<p>" + b"y" * 1021)
                sent.append(1)
        except OSError:
            pass

    site.routes["/endless"] = endless
    with pytest.raises(reader.FetchError, match=r"larger than the 0\.05 MB limit"):
        fetch_url(f"{site.origin}/endless", policy=allow(site, max_bytes=50_000))
    assert len(sent) < 32_768  # the reader hung up; it did not swallow all 32 MB


def test_compressed_bomb_is_cut_off_by_its_decoded_size(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/bomb"] = send(200, gzip.compress(b" " * 5_000_000), Content_Encoding="gzip")
    with pytest.raises(reader.FetchError, match="larger than"):
        fetch_url(f"{site.origin}/bomb", policy=allow(site, max_bytes=100_000))


def test_slow_server_times_out(make_server: Callable[[], Server]) -> None:
    site = make_server()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(3)
        send(200, PAGE)(handler)

    site.routes["/slow"] = slow
    with pytest.raises(reader.FetchError, match="timed out"):
        fetch_url(f"{site.origin}/slow", policy=allow(site, read_timeout=0.5))


def test_server_dripping_bytes_is_cut_at_the_deadline(make_server: Callable[[], Server]) -> None:
    site = make_server()

    def drip(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for _ in range(40):
                handler.wfile.write(b"X-Drip: 1\r\n")
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass

    site.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(reader.FetchError, match="timed out"):
        fetch_url(f"{site.origin}/drip", policy=allow(site, read_timeout=1.0, deadline=0.6))
    assert time.monotonic() - started < 3  # well before the 4 s the server would take


def test_non_html_is_refused_with_a_clear_message(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/photo.png"] = send(200, b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    with pytest.raises(reader.FetchError, match=r"is image/png, not an HTML or text page"):
        fetch_url(f"{site.origin}/photo.png", policy=allow(site))


@pytest.mark.parametrize(("status", "cause"), [(404, "does not exist"), (403, "refuses"), (503, "try again later")])
def test_http_errors_say_the_status(make_server: Callable[[], Server], status: int, cause: str) -> None:
    site = make_server()
    site.routes["/x"] = send(status, b"nope")
    with pytest.raises(reader.FetchError, match=f"HTTP {status}") as raised:
        fetch_url(f"{site.origin}/x", policy=allow(site))
    assert cause in str(raised.value)


def test_redirect_loop_is_bounded(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/loop"] = redirect("/loop")
    with pytest.raises(reader.FetchError, match="more than 3 redirects"):
        fetch_url(f"{site.origin}/loop", policy=allow(site, max_redirects=3))
    assert site.connections == 4


def test_unreachable_host_is_a_fetch_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = FetchPolicy(allow_private_hosts=(f"127.0.0.1:{port}",))
    with pytest.raises(reader.FetchError, match=r"could not connect to 127\.0\.0\.1"):
        fetch_url(f"http://127.0.0.1:{port}/", policy=policy)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/a.html", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com/", "only http and https"),
        ("data:text/html,<p>hi</p>", "only http and https"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://example.com/" + "a" * 3000, "longer than 2048"),
        ("http://127.0.0.1/", "loopback"),
        ("http://127.1/", "loopback"),
        ("http://0177.0.0.1/", "loopback"),
        ("http://0x7f000001/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://[fc00::1]/", "private"),
        ("http://169.254.1.1/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://100.64.0.1/", "CGNAT"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://metadata.google.internal/", "metadata name"),
        ("http://localhost/", "local or cloud-metadata name"),
        ("http://printer.local/", "local or cloud-metadata name"),
    ],
)
def test_refused_urls_never_reach_the_resolver_or_network(url: str, message: str) -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError(f"resolver asked about {host}")

    with pytest.raises(reader.FetchError, match=message.replace("metadata name", "metadata")):
        fetch_url(url, policy=FetchPolicy(resolver=resolver))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2606:4700::6810:85e5", "1.1.1.1"])
def test_public_addresses_pass_the_check(address: str) -> None:
    assert check_address(ipaddress.ip_address(address)) is None


def test_allowlist_comes_from_configuration() -> None:
    policy = FetchPolicy.from_env({"READER_FETCH_ALLOW": "127.0.0.1:8080, intranet.test, 10.0.0.0/8"})
    assert policy.allows("127.0.0.1", ipaddress.ip_address("127.0.0.1"), 8080)
    assert not policy.allows("127.0.0.1", ipaddress.ip_address("127.0.0.1"), 8081)
    assert policy.allows("intranet.test", None, 443)
    assert policy.allows("db.test", ipaddress.ip_address("10.3.2.1"), 5432)
    assert not policy.allows("db.test", ipaddress.ip_address("192.168.0.1"), 80)
    assert FetchPolicy.from_env({}).allow_private_hosts == ()


def test_unicode_host_and_path_are_sent_as_ascii(make_server: Callable[..., Server]) -> None:
    site = make_server()
    site.routes["/caf%C3%A9"] = send(200, PAGE)
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    policy = FetchPolicy(allow_private_hosts=("xn--bcher-kva.test",), resolver=resolver)
    fetch_url(f"http://bücher.test:{site.port}/café", policy=policy)
    assert asked == ["xn--bcher-kva.test"]
    assert site.requests[0]["host"] == f"xn--bcher-kva.test:{site.port}"


def test_extract_reads_an_article_from_a_url(make_server: Callable[[], Server]) -> None:
    site = make_server()
    site.routes["/story"] = send(200, PAGE)
    article = reader.extract(f"{site.origin}/story", policy=allow(site))
    assert article.title == "A Test Story"
    assert article.url == f"{site.origin}/story"
    assert "reopen the old library" in article.blocks[0].text


def test_cli_script_reads_a_url_allowed_by_configuration(
    make_server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_server()
    site.routes["/story"] = send(200, PAGE)
    monkeypatch.setenv("READER_FETCH_ALLOW", f"127.0.0.1:{site.port}")
    result = CliRunner().invoke(cli, ["script", f"{site.origin}/story"])
    assert result.exit_code == 0, result.output
    assert "reopen the old library" in result.output


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/gone", "HTTP 404"),
        ("/photo.png", "image/png"),
        ("/to-private", "loopback"),
        ("/empty", "no article"),
        ("/to-closed-port", "could not connect"),
    ],
)
def test_cli_script_fetch_failures_are_one_clean_line(
    make_server: Callable[[], Server], monkeypatch: pytest.MonkeyPatch, path: str, message: str
) -> None:
    site, private = make_server(), make_server()
    site.routes["/photo.png"] = send(200, b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    site.routes["/to-private"] = redirect(f"{private.origin}/")
    site.routes["/empty"] = send(200, b"<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    site.routes["/to-closed-port"] = redirect(f"http://127.0.0.1:{closed}/")
    monkeypatch.setenv("READER_FETCH_ALLOW", f"127.0.0.1:{site.port},127.0.0.1:{closed}")
    result = CliRunner().invoke(cli, ["script", f"{site.origin}{path}"])
    assert result.exit_code in (3, 4)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reader: error:") and message in lines[0]
    assert "Traceback" not in result.output
    assert private.connections == 0


def _tls_server(make_server: Callable[..., Server], cert_name: str) -> tuple[Server, trustme.CA, list[str]]:
    """An HTTPS server on loopback with a certificate for ``cert_name`` from a throwaway CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(cert_name).configure_cert(context)
    names: list[str] = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    site = make_server(tls=context)
    site.routes["/story"] = send(200, PAGE)
    return site, ca, names


def test_https_goes_to_the_checked_address_with_the_name_in_sni_and_certificate(
    make_server: Callable[..., Server], tmp_path: Path
) -> None:
    site, ca, names = _tls_server(make_server, "news.test")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    policy = FetchPolicy(
        allow_private_hosts=("news.test",),
        resolver=lambda host, port: ["127.0.0.1"],
        ca_certs=str(tmp_path / "ca.pem"),
    )
    response = fetch_url(f"https://news.test:{site.port}/story", policy=policy)
    assert response.body == PAGE
    assert names == ["news.test"]
    assert site.requests[0]["host"] == f"news.test:{site.port}"


def test_https_certificate_for_another_name_is_refused(make_server: Callable[..., Server], tmp_path: Path) -> None:
    site, ca, _names = _tls_server(make_server, "other.test")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    policy = FetchPolicy(
        allow_private_hosts=("news.test",),
        resolver=lambda host, port: ["127.0.0.1"],
        ca_certs=str(tmp_path / "ca.pem"),
    )
    with pytest.raises(reader.FetchError, match="TLS error"):
        fetch_url(f"https://news.test:{site.port}/story", policy=policy)
    assert site.requests == []


def test_https_untrusted_certificate_is_refused(make_server: Callable[..., Server]) -> None:
    site, _ca, _names = _tls_server(make_server, "news.test")
    policy = FetchPolicy(allow_private_hosts=("news.test",), resolver=lambda host, port: ["127.0.0.1"])
    with pytest.raises(reader.FetchError, match="TLS error"):
        fetch_url(f"https://news.test:{site.port}/story", policy=policy)
