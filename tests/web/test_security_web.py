"""Issue 11, the web half: one regression test per finding, against a real `reader serve` where the
finding is about the server (findings 1, 4, 5, 10), with the Flask test client where it is about a
page or a JSON body (7, 6).

Each failed on the code before the fix (see the issue note): the file read by refresh, the paste that
took over a URL's article, slow clients that took /healthz down, anonymous writes on a default
server, a ``javascript:`` link, and a lone surrogate's 500.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import reader
from reader.text.sources import load_source

SAME_ORIGIN = {"Origin": "http://localhost"}


def _call(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def _wait_done(base: str, article_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status, data = _call(f"{base}/api/articles/{article_id}")
        if status == 200 and data["status"] in ("complete", "failed"):
            return data
        time.sleep(0.2)
    raise AssertionError(f"article {article_id} did not finish")


def _texts(base: str, article_id: str) -> str:
    return " ".join(s["written"] for s in _call(f"{base}/api/articles/{article_id}")[1]["sentences"])


# --- Finding 1: a URL from the web is never a path ---------------------------------------------------


def test_refresh_never_reads_a_file_named_by_pasted_front_matter(start_live_server, tmp_path: Path) -> None:
    secret = tmp_path / "secret-notes.txt"
    secret.write_text("A private title\n\nThe vault code is SWORDFISH-4711. Nobody may read it.\n", encoding="utf-8")
    server = start_live_server()
    answers = []
    for target in (str(secret), str(tmp_path / "missing-notes.txt")):
        paste = f'---\ntitle: Innocent\nurl: "{target}"\n---\n\n# Innocent\n\nA paragraph of pasted text.\n'
        status, created = _call(f"{server.url}/api/articles", "POST", {"text": paste})
        assert status == 202, created
        article = _wait_done(server.url, created["id"])
        assert article["url"] is None  # a path is not a URL: dropped, not kept as the source
        status, answer = _call(f"{server.url}/api/articles/{created['id']}/refresh", "POST")
        answers.append((status, answer))
        for listed in _call(f"{server.url}/api/articles")[1]["articles"]:
            assert "SWORDFISH" not in _texts(server.url, listed["id"]) and listed["title"] != "A private title"
    assert answers[0][0] == 409
    # the same answer whether or not the file exists: nothing tells a stranger what is on the disk
    assert answers[0][1]["error"]["message"] == answers[1][1]["error"]["message"]


def test_a_string_is_read_as_a_file_only_when_the_caller_allows_paths(tmp_path: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text("<html><head><title>On disk</title></head><body><p>Read from the disk.</p></body></html>")
    assert load_source("/etc/passwd").text == "/etc/passwd"  # content, never the file
    with pytest.raises(reader.InputError, match="looks like a file name") as refused:
        reader.extract(str(page))
    assert "no such file" not in str(refused.value)
    assert reader.extract(str(page), allow_paths=True).title == "On disk"  # the CLI's way
    assert reader.extract(page).title == "On disk"  # a Path is explicit


# --- Finding 4: a URL decides identity only when the server fetched the page from it ----------------

STORY = "https://news.example/real-story"


def _paste(text: str, canonical: str = STORY) -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>Real story</title><link rel="canonical" href="{canonical}">'
        f"</head><body><article><h1>Real story</h1><p>{text}</p><p>It has a second paragraph too.</p>"
        "</article></body></html>"
    )


@pytest.fixture
def page_site() -> Iterator[str]:
    """A publisher's page on loopback (allowed through READER_FETCH_ALLOW, as a deployment would)."""
    body = _paste("The publisher wrote this story about the harbour and the tides.", "").replace(
        '<link rel="canonical" href="">', ""
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_fetched_pages_id_is_as_before_and_a_foreign_canonical_link_cannot_claim_it(page_site) -> None:
    """The id of a page the server fetched still comes from its canonical URL when that is on the same
    site (old caches are still found); a canonical link to another site does not decide the id."""
    from reader.article import Article
    from reader.render import RenderOptions, article_id
    from reader.text.fetch import FetchPolicy

    policy = FetchPolicy(allow_private_hosts=(page_site,))
    fetched = reader.extract(f"http://{page_site}/news/harbour?utm_source=x", policy=policy)
    assert fetched.identity_url == f"http://{page_site}/news/harbour?utm_source=x"  # no canonical link: its address
    options = RenderOptions()
    looked_up = Article(title="", blocks=(), url=fetched.identity_url, identity_url=fetched.identity_url)
    assert article_id(fetched, options) == article_id(looked_up, options)  # what ?url= and old caches find
    same_site = Article(title="", blocks=(), url=f"http://{page_site}/news/harbour")
    from reader.text.extraction import _with_links
    from reader.text.sources import Document

    document = Document(text="", kind="html", name="x", url=f"http://{page_site}/news/harbour?utm_source=x")
    assert _with_links(same_site, document, False).identity_url == same_site.url  # as before: the canonical URL
    foreign = Article(title="", blocks=(), url=STORY)
    assert _with_links(foreign, document, False).identity_url == document.url  # not the other site's URL
    assert _with_links(foreign, Document(text="", kind="html", name="x"), False).identity_url is None  # pasted


def test_a_paste_claiming_a_url_never_takes_over_its_article(start_live_server) -> None:
    server = start_live_server()
    ids = []
    for text in ("The real reporting on the harbour.", "An impostor's text that must never play."):
        status, created = _call(f"{server.url}/api/articles", "POST", {"html": _paste(text)})
        assert status == 202, created
        ids.append(created["id"])
        assert _wait_done(server.url, created["id"])["url"] == STORY  # kept as display metadata
    assert ids[0] != ids[1]  # each paste has an id of its own, from its content
    assert _call(f"{server.url}/api/articles?url={STORY}")[1]["articles"] == []  # no paste answers for the URL
    assert "impostor" not in _texts(server.url, ids[0])


def test_the_embed_sends_only_the_url_and_the_server_reads_only_allowed_hosts(start_live_server, page_site) -> None:
    script = (Path(__file__).resolve().parent.parents[1] / "web" / "static" / "embed.js").read_text()
    assert "outerHTML" not in script and '"html"' not in script and "html:" not in script
    page = f"http://{page_site}/news/harbour"
    server = start_live_server(
        env={"READER_ALLOWED_HOSTS": json.dumps([page_site]), "READER_FETCH_ALLOW": page_site}, open_server=False
    )
    status, created = _call(f"{server.url}/api/articles", "POST", {"url": page})  # the embed's request
    assert status == 202, created
    assert _wait_done(server.url, created["id"])["status"] == "complete"
    found = _call(f"{server.url}/api/articles?url={page}")[1]["articles"]
    assert [a["id"] for a in found] == [created["id"]]  # the lookup finds what the server fetched
    status, error = _call(f"{server.url}/api/articles", "POST", {"html": _paste("Impostor.", page)})
    assert status == 403 and "READER_API_TOKEN" in error["error"]["message"]  # anonymous pastes are not accepted
    status, error = _call(f"{server.url}/api/articles", "POST", {"url": "https://elsewhere.example/story"})
    assert status == 403 and "READER_ALLOWED_HOSTS" in error["error"]["message"]
    status, error = _call(f"{server.url}/api/articles", "POST", {"url": page, "backend": "gtts"})
    assert status == 403  # choosing a backend (gtts sends text to Google) is a change: token or --open


def test_without_allowed_hosts_embed_fetching_is_off_with_a_clear_error(start_live_server, page_site) -> None:
    server = start_live_server(env={"READER_FETCH_ALLOW": page_site}, open_server=False)
    status, error = _call(f"{server.url}/api/articles", "POST", {"url": f"http://{page_site}/news/harbour"})
    assert status == 403 and "READER_ALLOWED_HOSTS" in error["error"]["message"]


def test_a_token_holder_may_publish_under_its_url_and_the_feed_guid_follows_identity(cache_dir: Path) -> None:
    from reader.publish import episode_guid
    from web import create_app
    from web.feed import guid_for
    from web.library import get_library

    app = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir), "API_TOKEN": "t0ken", "RATE_LIMIT_PER_MINUTE": 0})
    client = app.test_client()
    published = client.post(
        "/api/articles", json={"html": _paste("The publisher's own text.")}, headers={"Authorization": "Bearer t0ken"}
    ).get_json()
    found = client.get("/api/articles", query_string={"url": STORY}).get_json()["articles"]
    assert [a["id"] for a in found] == [published["id"]]
    open_app = create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), "RATE_LIMIT_PER_MINUTE": 0})
    pasted = open_app.test_client().post("/api/articles", json={"html": _paste("A stranger's text.")}).get_json()
    assert pasted["id"] != published["id"]
    for article_id in (published["id"], pasted["id"]):
        deadline = time.monotonic() + 60
        while client.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    with app.test_request_context():
        library = get_library()
        assert guid_for(library.get(published["id"]), library) == episode_guid(f"url:{STORY}")
        assert guid_for(library.get(pasted["id"]), library) == episode_guid(f"article:{pasted['id']}")


# --- Finding 5: slow clients -------------------------------------------------------------------------


def _slow_client(port: int, stop: threading.Event, header_drip: bool) -> None:
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return
    try:
        if header_drip:
            sock.sendall(b"POST /api/articles HTTP/1.1\r\nHost: x\r\n")
            drip = b"X-Slow: " + b"a" * 4000
        else:
            sock.sendall(
                b"POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n"
            )
            drip = b"a" * 100000
        for byte in drip:
            if stop.wait(2.0):
                return
            sock.sendall(bytes([byte]))
    except OSError:
        return  # the server closed us: what it should do
    finally:
        sock.close()


def test_slow_clients_do_not_take_healthz_down(start_live_server) -> None:
    server = start_live_server()
    stop = threading.Event()
    clients = [
        threading.Thread(target=_slow_client, args=(server.port, stop, n % 2 == 0), daemon=True) for n in range(60)
    ]
    for client in clients:
        client.start()
    failures, probes = 0, 0
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 24  # past the read deadline, so clients are cut and dripping continues
        while time.monotonic() < deadline:
            probes += 1
            try:
                with urllib.request.urlopen(server.url + "/healthz", timeout=3) as response:
                    failures += response.status != 200
            except OSError:
                failures += 1
            time.sleep(0.5)
    finally:
        stop.set()
    print(f"/healthz under 60 slow clients: {failures} of {probes} probes failed")
    assert failures <= probes // 10, f"{failures} of {probes} /healthz probes failed under 60 slow clients"


# --- Finding 10: safe defaults -----------------------------------------------------------------------


def test_a_default_server_refuses_anonymous_changes_and_keeps_reads_open(start_live_server) -> None:
    server = start_live_server(open_server=False)
    base = server.url
    for method, path, body in (
        ("POST", "/api/articles", {"text": "A title\n\nSome text to read."}),
        ("POST", "/api/articles/abcdefgh/refresh", None),
        ("DELETE", "/api/articles/abcdefgh", None),
        ("GET", "/metrics", None),
    ):
        status, answer = _call(base + path, method, body)
        assert status == 403, (path, answer)
        assert "--open" in answer["error"]["message"] and "READER_API_TOKEN" in answer["error"]["message"]
    form = urllib.parse.urlencode({"content": "A title\n\nSome text."}).encode()
    for path in ("/preview", "/articles"):
        request = urllib.request.Request(base + path, data=form, method="POST", headers={"Origin": base})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        refused.value.close()
    for path in ("/", "/healthz", "/feed.xml", "/api/articles", "/embed.js"):
        assert _call(base + path)[0] == 200, path
    assert _call(base + "/api/articles")[1]["articles"] == []


def test_with_a_token_changes_need_it(start_live_server) -> None:
    server = start_live_server(env={"READER_API_TOKEN": "s3cret"}, open_server=False)
    body = {"text": "A title\n\nSome text to read aloud."}
    assert _call(f"{server.url}/api/articles", "POST", body)[0] == 401
    assert _call(f"{server.url}/metrics")[0] == 401
    auth = {"Authorization": "Bearer s3cret"}
    assert _call(f"{server.url}/api/articles", "POST", body, auth)[0] == 202
    assert _call(f"{server.url}/metrics", headers=auth)[0] == 200


def test_cross_site_forms_are_refused_even_on_an_open_server(start_live_server) -> None:
    server = start_live_server()
    form = urllib.parse.urlencode({"content": "A title\n\nPlanted by another site."}).encode()
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}, {}):
        request = urllib.request.Request(server.url + "/articles", data=form, method="POST", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        refused.value.close()
    refresh = urllib.request.Request(
        server.url + "/api/articles/abcdefgh/refresh", method="POST", headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(refresh, timeout=10)
    assert refused.value.code == 403
    refused.value.close()
    assert _call(server.url + "/api/articles")[1]["articles"] == []
    request = urllib.request.Request(server.url + "/articles", data=form, method="POST", headers={"Origin": server.url})
    with urllib.request.urlopen(request, timeout=30) as response:  # the server's own page may
        assert response.status == 200 and "/articles/" in response.url


def test_feed_links_never_come_from_the_host_header(start_live_server) -> None:
    server = start_live_server(env={"READER_FEED_BASE_URL": "https://listen.example/"})
    request = urllib.request.Request(server.url + "/feed.xml", headers={"Host": "evil.example"})
    with urllib.request.urlopen(request, timeout=30) as response:
        feed = response.read().decode()
    assert "evil.example" not in feed and "https://listen.example/" in feed
    unset = start_live_server()
    request = urllib.request.Request(unset.url + "/feed.xml", headers={"Host": "evil.example"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert "evil.example" not in response.read().decode()


# --- Finding 7 (web part) and 6 (JSON part) ----------------------------------------------------------


def test_the_read_the_original_link_is_only_ever_http(client) -> None:
    for claimed in ("javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>"):
        paste = f'---\ntitle: Links\nurl: "{claimed}"\n---\n\n# Links\n\nA paragraph with a link.\n'
        created = client.post("/api/articles", json={"text": paste}).get_json()
        page = client.get(f"/articles/{created['id']}").get_data(as_text=True)
        assert "javascript:" not in page and "data:text/html" not in page and "Read the original" not in page
    created = client.post("/api/articles", json={"html": _paste("A linked story.")}).get_json()
    page = client.get(f"/articles/{created['id']}").get_data(as_text=True)
    assert f'href="{STORY}"' in page  # an http(s) URL is still shown


def test_a_lone_surrogate_in_json_is_a_400_not_a_500(client) -> None:
    for body in ('{"text": "A title\\n\\nBroken \\ud800 text."}', '{"url": "https://example.com/\\udfff"}'):
        response = client.post("/api/articles", data=body, content_type="application/json")
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "surrogate" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("entries", "url", "allowed"),
    [
        (["news.example"], "https://news.example/story", True),
        (["news.example"], "https://NEWS.example./story", True),
        (["news.example"], "https://evil.example/?news.example", False),
        (["news.example"], "https://news.example.evil.example/story", False),
        (["*.news.example"], "https://www.news.example/story", True),
        (["*.news.example"], "https://news.example/story", False),
        (["*.news.example"], "https://evilnews.example/story", False),
        (["127.0.0.1:8080"], "http://127.0.0.1:8080/story", True),
        (["127.0.0.1:8080"], "http://127.0.0.1:8081/story", False),
        (["news.example"], "javascript://news.example/%0aalert(1)", False),
        ("news.example, other.example", "https://other.example/x", True),
        ([], "https://news.example/story", False),
    ],
)
def test_allowed_hosts_match_host_names_wildcards_and_ports(
    entries: Any, url: str, allowed: bool, cache_dir: Path
) -> None:
    from web import create_app
    from web.embed import host_allowed

    app = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir), "ALLOWED_HOSTS": entries})
    with app.test_request_context():
        assert host_allowed(url) is allowed
