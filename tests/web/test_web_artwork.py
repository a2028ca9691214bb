"""Issue 16 item 5, the server half: the article page loads nothing from a third-party host. Its Media
Session artwork is the article's lead image fetched once by this server through the guarded fetcher,
size-capped, kept under the cache and served from our origin, or omitted.

The publisher's site is a local HTTP server (only the internet is faked), allowed by READER_FETCH_ALLOW
as a deployment would allow an intranet host."""

from __future__ import annotations

import http.server
import re
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator

import pytest

from web import create_app


def _png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


COVER = _png()
FILES = {
    "/cover.png": ("image/png", COVER),
    "/big.png": ("image/png", COVER + b"\x00" * 5000),
    "/cover.svg": ("image/svg+xml", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "/lies.png": ("image/png", b"<html><body>not an image</body></html>"),
}


@pytest.fixture
def publisher(monkeypatch) -> Iterator[tuple[str, Counter]]:
    hits: Counter = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            kind, body = FILES.get(self.path, ("text/plain", b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setenv("READER_FETCH_ALLOW", f"127.0.0.1:{server.server_port}")
    yield base, hits
    server.shutdown()
    server.server_close()


def _article(client, image: str, title: str) -> str:
    html = (
        f'<html><head><title>{title}</title><meta property="og:image" content="{image}"></head>'
        f"<body><article><h1>{title}</h1><p>The lighthouse keeper retired after forty years on the rock, "
        "and the light is now run from the mainland.</p></article></body></html>"
    )
    article_id = client.post("/api/articles", json={"html": html}).get_json()["id"]
    while client.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering":
        time.sleep(0.1)
    return article_id


def _page(client, article_id: str) -> tuple[str, str]:
    response = client.get(f"/articles/{article_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers["Content-Security-Policy"]


def test_the_lead_image_is_fetched_once_and_served_from_our_origin(client, publisher, cache_dir):
    base, hits = publisher
    article_id = _article(client, f"{base}/cover.png", "The lighthouse keeper")
    assert client.get(f"/api/articles/{article_id}").get_json()["image"] == f"{base}/cover.png"  # the data
    page, policy = _page(client, article_id)
    assert "img-src 'self' data:;" in policy and "https:" not in policy
    assert base not in page  # the page names no third-party address...
    assert f'data-image="/articles/{article_id}/artwork"' in page  # ...the player gets ours
    for _ in range(3):
        artwork = client.get(f"/articles/{article_id}/artwork")
        assert artwork.status_code == 200 and artwork.mimetype == "image/png" and artwork.data == COVER
    assert hits["/cover.png"] == 1  # fetched once, then served from the cache
    kept = list((cache_dir / "artwork").iterdir())
    assert [path.read_bytes() for path in kept] == [COVER]
    fresh = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir)}).test_client()  # a restart: still kept
    assert fresh.get(f"/articles/{article_id}/artwork").data == COVER and hits["/cover.png"] == 1
    client.delete(f"/api/articles/{article_id}")
    assert not list((cache_dir / "artwork").iterdir())


@pytest.mark.parametrize(
    ("path", "why"),
    [("/big.png", "over the size cap"), ("/cover.svg", "SVG"), ("/lies.png", "not an image"), ("/gone.png", "404")],
)
def test_artwork_that_cannot_be_kept_is_omitted(app, client, publisher, path, why):
    app.config["ARTWORK_MAX_BYTES"] = 2000
    app.extensions["reader_library"].artwork.max_bytes = 2000
    base, hits = publisher
    article_id = _article(client, f"{base}{path}", f"The lighthouse keeper ({why})")
    assert client.get(f"/articles/{article_id}/artwork").status_code == 404, why
    page, _ = _page(client, article_id)
    assert "/artwork" not in page and base not in page  # omitted, and never the publisher's URL
    assert client.get(f"/articles/{article_id}/artwork").status_code == 404
    assert hits[path] == 1  # the failure is remembered: not fetched again


def test_an_image_on_a_host_the_fetcher_refuses_is_never_fetched(client, publisher, monkeypatch):
    base, hits = publisher
    monkeypatch.setenv("READER_FETCH_ALLOW", "")  # loopback is private: refused, as any intranet address
    article_id = _article(client, f"{base}/cover.png", "The lighthouse keeper (private host)")
    assert client.get(f"/articles/{article_id}/artwork").status_code == 404
    assert hits["/cover.png"] == 0
    page, _ = _page(client, article_id)
    assert not re.search(r"data-image=\"[^\"]+\"", page)
