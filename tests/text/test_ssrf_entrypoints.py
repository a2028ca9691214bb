"""SSRF, end to end through every entry point that takes a URL, with the production fetch policy.

``tests/text/test_fetch.py`` tests the fetcher's guards one by one; this file attacks
what users reach: ``reader.extract``, ``reader script|speak|export``,
``reader podcast build`` with a URL episode, and the web app (``POST
/api/articles``, ``POST /api/articles/<id>/refresh``, the embed lookup
``GET /api/articles?url=``, the page forms). No allowlist anywhere: the policy
is ``FetchPolicy.from_env()`` with ``READER_FETCH_ALLOW`` unset, as in production.

Faked here, and only here, is the outside world (see ``net``):

* DNS: ``socket.getaddrinfo``, which the production resolver calls, answers names
  from the test's table (a list of answers per name is served in turn: DNS
  rebinding); other names do not resolve. IP literals resolve for real.
* The internet: urllib3's ``create_connection`` records every address the
  fetcher connects to. A "public" address in the test's table is routed to a
  loopback server playing a public site; loopback goes through for real, so a
  fetcher bug would reach the listener and be counted; anything else is refused,
  so no test ever touches the real internet.

``listener`` is the internal service an attacker wants to reach: a loopback HTTP
server that would answer with a perfectly good article. It must see zero
connections, and the fetcher must attempt none anywhere but the public site.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import urllib3.util.connection
from click.testing import CliRunner

import reader
from reader.cli.commands import cli

PUBLIC_IP = "93.184.216.34"  # a global address; the fake internet routes it to a loopback "public site"
PAGE = (
    b"<!doctype html><html lang='en'><head><title>Internal Secrets</title></head><body>"
    b"<article><h1>Internal Secrets</h1><p>"
    + b"This page is only on the private network and must never be read by the reader. " * 4
    + b"</p></article></body></html>"
)
PUBLIC_PAGE = PAGE.replace(b"Internal Secrets", b"Public Story").replace(
    b"This page is only on the private network and must never be read by the reader.",
    b"The council voted on Tuesday to reopen the old library.",
)


@dataclass
class Site:
    """A loopback HTTP server that counts connections; ``routes`` map paths to (status, headers, body)."""

    port: int = 0
    connections: int = 0
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    default: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "text/html"}, PAGE)


def _start(site: Site) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            status, headers, body = site.routes.get(self.path, site.default)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Counting(ThreadingHTTPServer):
        daemon_threads = True

        def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
            site.connections += 1
            super().process_request(request, client_address)

    httpd = Counting(("127.0.0.1", 0), Handler)
    site.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return httpd


@pytest.fixture
def listener() -> Iterator[Site]:
    """The internal service: it would serve an article to anyone who connected."""
    site = Site()
    httpd = _start(site)
    yield site
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def public_site() -> Iterator[Site]:
    """A public web site (reached at PUBLIC_IP through the fake internet)."""
    site = Site(default=(200, {"Content-Type": "text/html; charset=utf-8"}, PUBLIC_PAGE))
    httpd = _start(site)
    yield site
    httpd.shutdown()
    httpd.server_close()


@dataclass
class Net:
    """The fake DNS and internet (see the module docstring)."""

    dns: dict[str, list[list[str]]] = field(default_factory=dict)
    routes: dict[str, int] = field(default_factory=dict)  # public address -> loopback port
    asked: list[str] = field(default_factory=list)
    attempts: list[tuple[str, int]] = field(default_factory=list)

    def answer(self, host: str, *answers: list[str]) -> None:
        """``host`` resolves to each answer in turn (the last one repeats)."""
        self.dns[host] = list(answers)


@pytest.fixture
def net(monkeypatch: pytest.MonkeyPatch, public_site: Site, cache_dir: Path) -> Net:
    monkeypatch.delenv("READER_FETCH_ALLOW", raising=False)  # the production policy: no allowlist
    fake = Net(routes={PUBLIC_IP: public_site.port})
    real_getaddrinfo = socket.getaddrinfo
    real_connect = urllib3.util.connection.create_connection

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            socket.inet_pton(socket.AF_INET6 if ":" in name else socket.AF_INET, name.split("%")[0])
            return real_getaddrinfo(host, port, *args, **kwargs)  # an IP literal: no DNS involved
        except OSError:
            pass
        fake.asked.append(name)
        answers = fake.dns.get(name.rstrip(".").lower())
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (no DNS in tests)")
        addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
            for a in addresses
        ]

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        host, port = address
        fake.attempts.append((host, port))
        if host in fake.routes:
            return real_connect(("127.0.0.1", fake.routes[host]), *args, **kwargs)
        if host.startswith("127.") or host in ("localhost", "::1"):
            return real_connect(address, *args, **kwargs)  # a fetcher bug reaches the listener, and is counted
        raise ConnectionRefusedError(f"the test's internet has no {host}")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    return fake


# Hostile URLs: {port} is the listener's; names are answered by the fake DNS set up in ``hostile_dns``.
HOSTILE = {
    "loopback 127.1.2.3": ("http://127.1.2.3:{port}/", "loopback"),
    "loopback 127.0.0.1 trailing dot": ("http://127.0.0.1.:{port}/", "loopback"),
    "loopback ::1": ("http://[::1]:{port}/", "loopback"),
    "localhost": ("http://localhost:{port}/", "local or cloud-metadata name"),
    "LOCALHOST. upper case, trailing dot": ("http://LOCALHOST.:{port}/", "local or cloud-metadata name"),
    "sub.localhost": ("http://admin.localhost:{port}/", "local or cloud-metadata name"),
    "0.0.0.0": ("http://0.0.0.0:{port}/", "unspecified"),
    "0 (short for 0.0.0.0)": ("http://0:{port}/", "unspecified"),
    "decimal 2130706433": ("http://2130706433:{port}/", "loopback"),
    "octal 0177.0.0.1": ("http://0177.0.0.1:{port}/", "loopback"),
    "octal 017700000001": ("http://017700000001:{port}/", "loopback"),
    "hex 0x7f.1": ("http://0x7f.1:{port}/", "loopback"),
    "hex 0x7F.0.0.1": ("http://0x7F.0.0.1:{port}/", "loopback"),
    "mapped ::ffff:127.0.0.1": ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
    "mapped hex ::ffff:7f00:1": ("http://[::ffff:7f00:1]:{port}/", "loopback"),
    "mapped long form": ("http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/", "loopback"),
    "NAT64 64:ff9b::7f00:1": ("http://[64:ff9b::7f00:1]:{port}/", "loopback"),
    "6to4 2002:7f00:1::": ("http://[2002:7f00:1::]:{port}/", "loopback"),
    "private 10/8": ("http://10.0.0.1/", "private"),
    "private 172.16/12": ("http://172.31.255.254/", "private"),
    "private 192.168/16 in hex": ("http://0xc0a80001/", "private"),
    "private fc00::/7": ("http://[fd12:3456::1]/", "private"),
    "link-local 169.254/16": ("http://169.254.10.10/", "link-local"),
    "link-local fe80::/10 with zone": ("http://[fe80::1%25lo]/", "link-local"),
    "CGNAT 100.64/10": ("http://100.127.255.1/", "CGNAT"),
    "metadata 169.254.169.254": ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    "metadata in decimal": ("http://2852039166/latest/meta-data/", "cloud metadata"),
    "metadata in octal": ("http://0251.0376.0251.0376/", "cloud metadata"),
    "metadata fd00:ec2::254": ("http://[fd00:ec2::254]/", "cloud metadata"),
    "metadata 100.100.100.200": ("http://100.100.100.200/", "cloud metadata"),
    "metadata.google.internal": ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    "metadata (bare name)": ("http://metadata/computeMetadata/v1/", "metadata"),
    "name resolving to loopback": ("http://intranet.example:{port}/", "loopback"),
    "name resolving to 10/8": ("http://wiki.example/", "private"),
    "name resolving to mapped IPv6": ("http://mapped.example:{port}/", "loopback"),
    "name resolving to metadata": ("http://meta.example/", "cloud metadata"),
    "name with a private among public": ("http://mixed.example:{port}/", "loopback"),
    "file:": ("file:///etc/passwd", "only http and https"),
    "FILE: upper case": ("FILE:///etc/passwd", "only http and https"),
    "ftp:": ("ftp://127.0.0.1:{port}/", "only http and https"),
    "gopher:": ("gopher://127.0.0.1:{port}/_GET%20/", "only http and https"),
    "data:": ("data:text/html,<p>secret</p>", "only http and https"),
    "dict:": ("dict://127.0.0.1:{port}/info", "only http and https"),
    "credentials": ("http://user:pass@news.example/", "credentials"),
    "credentials hiding the host": ("http://news.example@127.0.0.1:{port}/", "credentials"),
    "backslash trick": ("http://news.example\\@127.0.0.1:{port}/", "credentials"),
    "very long URL": ("http://news.example/" + "a" * 5000, "longer than 2048"),
    "very, very long URL": ("http://news.example/?q=" + "b" * 200_000, "longer than 2048"),
}


@pytest.fixture
def hostile_dns(net: Net) -> Net:
    net.answer("intranet.example", ["127.0.0.1"])
    net.answer("wiki.example", ["10.20.30.40"])
    net.answer("mapped.example", ["::ffff:127.0.0.1"])
    net.answer("meta.example", ["169.254.169.254"])
    net.answer("mixed.example", [PUBLIC_IP, "127.0.0.1"])
    net.answer("news.example", [PUBLIC_IP])
    return net


def _url(name: str, listener: Site) -> tuple[str, str]:
    url, reason = HOSTILE[name]
    return url.replace("{port}", str(listener.port)), reason


def _nothing_reached(net: Net, listener: Site) -> None:
    assert listener.connections == 0
    assert net.attempts == []


@pytest.mark.parametrize("name", list(HOSTILE))
def test_library_extract_refuses(name: str, hostile_dns: Net, listener: Site) -> None:
    url, reason = _url(name, listener)
    with pytest.raises(reader.FetchError, match=reason) as raised:
        reader.extract(url)
    assert str(raised.value).startswith("refused:")
    _nothing_reached(hostile_dns, listener)


# The entry points below get a representative set of the spellings (each one is the same check_url).
SAMPLE = [
    "loopback 127.1.2.3",
    "mapped ::ffff:127.0.0.1",
    "octal 0177.0.0.1",
    "localhost",
    "metadata 169.254.169.254",
    "name resolving to loopback",
    "file:",
    "credentials hiding the host",
    "very long URL",
]


def _one_error_line(output: str, reason: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("reader: error: refused:") and reason in lines[0]
    assert "Traceback" not in output


@pytest.mark.parametrize("command", ["script", "speak"])
@pytest.mark.parametrize("name", SAMPLE)
def test_cli_refuses_with_exit_code_4_and_one_line(command: str, name: str, hostile_dns: Net, listener: Site) -> None:
    url, reason = _url(name, listener)
    result = CliRunner().invoke(cli, [command, url])
    assert result.exit_code == 4, result.output
    _one_error_line(result.output, reason)
    _nothing_reached(hostile_dns, listener)


@pytest.mark.parametrize("name", ["loopback 127.1.2.3", "name resolving to loopback", "gopher:"])
def test_cli_export_refuses_with_exit_code_4(name: str, hostile_dns: Net, listener: Site, tmp_path: Path) -> None:
    url, reason = _url(name, listener)
    result = CliRunner().invoke(cli, ["export", url, "-o", str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    assert f"{url}: refused:" in result.output and reason in result.output
    assert "Traceback" not in result.output
    assert not any((tmp_path / "out").glob("*.mp3"))
    _nothing_reached(hostile_dns, listener)


def test_podcast_build_refuses_a_url_episode(hostile_dns: Net, listener: Site, tmp_path: Path) -> None:
    url, _reason = _url("name resolving to loopback", listener)
    feed = tmp_path / "FEED.toml"
    feed.write_text(
        "[show]\n"
        'title = "Hostile"\ndescription = "A show"\nauthor = "Tester"\nlanguage = "en"\n'
        'owner_email = "t@example.com"\nbase_url = "https://pod.example/"\ncategory = "News"\n\n'
        f'[[episodes]]\nsource = "{url}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["podcast", "build", str(feed), "-o", str(tmp_path / "site")])
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output  # the site is written; the episode is listed as failed
    assert f"{url}: refused: intranet.example is a loopback address" in result.output
    _nothing_reached(hostile_dns, listener)


def test_dns_rebinding_connects_only_to_the_address_that_was_checked(
    hostile_dns: Net, listener: Site, public_site: Site
) -> None:
    """The name is public when checked and 127.0.0.1 a moment later: the fetch goes to the checked address."""
    hostile_dns.answer("rebind.example", [PUBLIC_IP], ["127.0.0.1"])
    article = reader.extract(f"http://rebind.example:{listener.port}/story")
    assert article.title == "Public Story"
    assert hostile_dns.asked == ["rebind.example"]  # asked once: no second lookup to rebind
    assert hostile_dns.attempts == [(PUBLIC_IP, listener.port)]
    assert public_site.connections == 1
    assert listener.connections == 0


def test_dns_rebinding_on_a_redirect_hop_is_refused(hostile_dns: Net, listener: Site, public_site: Site) -> None:
    """The public page redirects to its own name, which now answers 127.0.0.1: the second hop is checked again."""
    hostile_dns.answer("rebind.example", [PUBLIC_IP], ["127.0.0.1"])
    public_site.routes["/story"] = (302, {"Location": "/secret"}, b"")
    with pytest.raises(reader.FetchError, match=r"rebind\.example is a loopback address \(127\.0\.0\.1\)"):
        reader.extract(f"http://rebind.example:{listener.port}/story")
    assert hostile_dns.attempts == [(PUBLIC_IP, listener.port)]
    assert listener.connections == 0


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:{port}/",
        "//127.0.0.1:{port}/scheme-relative",
        "http://news.example@127.0.0.1:{port}/",
        "http://intranet.example:{port}/",
        "http://[::ffff:7f00:1]:{port}/",
        "file:///etc/passwd",
    ],
)
def test_public_name_redirecting_to_a_private_one_is_refused(
    location: str, hostile_dns: Net, listener: Site, public_site: Site
) -> None:
    public_site.routes["/story"] = (301, {"Location": location.replace("{port}", str(listener.port))}, b"")
    result = CliRunner().invoke(cli, ["script", "http://news.example/story"])
    assert result.exit_code == 4, result.output
    _one_error_line(result.output, "")
    assert public_site.connections == 1
    assert hostile_dns.attempts == [(PUBLIC_IP, 80)]
    assert listener.connections == 0


# --- the web app, with the production policy -------------------------------------------------------


@pytest.fixture
def web(net: Net, cache_dir: Path) -> Any:
    from web import create_app

    app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0})
    return app.test_client()


def _json_error(response: Any, status: int, reason: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    message = response.get_json()["error"]["message"]
    assert reason in message and "Traceback" not in message


@pytest.mark.parametrize("name", list(HOSTILE))
def test_api_post_refuses(name: str, web: Any, hostile_dns: Net, listener: Site) -> None:
    url, reason = _url(name, listener)
    response = web.post("/api/articles", json={"url": url})
    if url.lower().startswith(("http://", "https://")):
        _json_error(response, 422, reason)
        assert response.get_json()["error"]["code"] == "FetchError"
    else:
        _json_error(response, 400, "http or https")
    _nothing_reached(hostile_dns, listener)


@pytest.mark.parametrize("name", ["name resolving to loopback", "loopback 127.1.2.3", "metadata 169.254.169.254"])
def test_page_forms_refuse(name: str, web: Any, hostile_dns: Net, listener: Site) -> None:
    url, _reason = _url(name, listener)
    for path in ("/articles", "/preview"):
        response = web.post(path, data={"url": url}, headers={"Origin": "http://localhost"})
        assert response.status_code == 422, response.get_data(as_text=True)
        assert b"refused" in response.data and b"Traceback" not in response.data
    _nothing_reached(hostile_dns, listener)


def test_api_rebinding_on_post_reads_only_the_public_address(
    web: Any, hostile_dns: Net, listener: Site, public_site: Site
) -> None:
    hostile_dns.answer("rebind.example", [PUBLIC_IP], ["127.0.0.1"])
    public_site.routes["/story"] = (302, {"Location": "/again"}, b"")
    response = web.post("/api/articles", json={"url": f"http://rebind.example:{listener.port}/story"})
    _json_error(response, 422, "rebind.example is a loopback address")
    assert listener.connections == 0


def test_api_refresh_of_a_source_that_now_points_inside_is_refused(
    web: Any, hostile_dns: Net, listener: Site, public_site: Site
) -> None:
    """An article read from a public site; then its name points at the internal service (or the page
    redirects there): the refresh is refused, and nothing inside is reached."""
    url = f"http://news.example:{listener.port}/story"
    created = web.post("/api/articles", json={"url": url})
    assert created.status_code == 202, created.get_data(as_text=True)
    article_id = created.get_json()["id"]
    deadline = time.monotonic() + 90
    while web.get(f"/api/articles/{article_id}").get_json()["status"] != "complete":
        assert time.monotonic() < deadline, "the short article did not render in 90 s"
        time.sleep(0.2)
    assert hostile_dns.attempts == [(PUBLIC_IP, listener.port)]

    hostile_dns.answer("news.example", ["127.0.0.1"])  # DNS now points the name inside
    _json_error(web.post(f"/api/articles/{article_id}/refresh"), 422, "news.example is a loopback address")

    hostile_dns.answer("news.example", [PUBLIC_IP])  # public again, but the page now redirects inside
    public_site.routes["/story"] = (302, {"Location": f"http://169.254.169.254:{listener.port}/"}, b"")
    _json_error(web.post(f"/api/articles/{article_id}/refresh"), 422, "cloud metadata")
    assert listener.connections == 0
    assert hostile_dns.attempts == [(PUBLIC_IP, listener.port)] * 2


@pytest.mark.parametrize("name", ["loopback 127.1.2.3", "name resolving to loopback", "metadata 169.254.169.254"])
def test_embed_lookup_by_url_never_fetches(name: str, web: Any, hostile_dns: Net, listener: Site) -> None:
    """The embed asks for a page's audio by URL: a lookup in the library, never a fetch."""
    url, _reason = _url(name, listener)
    response = web.get("/api/articles", query_string={"url": url})
    assert response.status_code == 200 and response.get_json() == {"articles": []}
    assert hostile_dns.asked == []
    _nothing_reached(hostile_dns, listener)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/", "http://x.example/" + "a" * 3000])
def test_embed_lookup_refuses_what_is_not_a_web_address(url: str, web: Any, net: Net, listener: Site) -> None:
    _json_error(web.get("/api/articles", query_string={"url": url}), 400, "http or https")
    _nothing_reached(net, listener)


def test_json_error_bodies_are_plain_json(web: Any, hostile_dns: Net, listener: Site) -> None:
    url, _ = _url("loopback 127.1.2.3", listener)
    response = web.post("/api/articles", data=json.dumps({"url": url}), content_type="application/json")
    assert response.get_json()["error"] == {
        "status": 422,
        "code": "FetchError",
        "message": "refused: 127.1.2.3 is a loopback address; only public web addresses are fetched",
    }
