"""Load and abuse on the server (issue 7, item 5).

End to end against `reader serve` (gunicorn, threaded workers) on a free port: 50 clients asking
for one uncached article at once start one render (counted by the server's own /metrics, summed
over its processes, and by the chunks synthesized); a flood of distinct cold renders fills the
render queue and gets 503 with Retry-After while cached audio and /healthz keep answering.
Through the test client: the per-client rate limit (429), body size limits (413) and the API token
(401). The speech engine is the suite's fake backend (tones, with a delay per chunk where a test
needs renders to last); what is tested is the server, not synthesis.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time

import audio_support as support
import pytest

from reader.render import RenderOptions, render
from reader.store import open_store
from web import create_app


def _call(server, method: str, path: str, body: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def metric(text: str, name: str) -> float:
    """A sample's value from the Prometheus text format (0 when absent)."""
    found = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _text(words: int, title: str) -> str:
    sentences = " ".join(f"Sentence {n} of the {title} tells the river and the bridge." for n in range(words // 10))
    return f"{title}\n\n{sentences}\n"


@pytest.fixture
def fake_server(start_live_server, monkeypatch, tmp_path):
    """``fake_server(workers=, **env)``: `reader serve` whose engine is the fake backend."""
    support.fake_env(monkeypatch, tmp_path)

    def start(workers: int = 2, **env: str):
        return start_live_server(env={"READER_BACKEND": "fake", **env}, workers=workers)

    return start


def test_fifty_clients_asking_for_one_uncached_article_start_one_render(fake_server):
    server = fake_server(workers=2, READER_FAKE_DELAY="0.05")
    text = _text(120, "Stampede")
    barrier = threading.Barrier(50)
    results: list[tuple[int, bytes]] = []

    def post() -> None:
        barrier.wait()
        status, _, body = _call(server, "POST", "/api/articles", {"text": text})
        results.append((status, body))

    threads = [threading.Thread(target=post) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in results) == [202] * 50, results[:3]
    ids = {json.loads(body)["id"] for _, body in results}
    assert len(ids) == 1
    article_id = ids.pop()
    for _ in range(600):
        _status, _, body = _call(server, "GET", f"/api/articles/{article_id}")
        data = json.loads(body)
        if data["status"] != "rendering":
            break
        time.sleep(0.1)
    assert data["status"] == "complete"
    total = data["progress"]["total"]
    assert total >= 12
    # the server's own counters, summed over both processes (prometheus multiprocess mode)
    deadline = time.monotonic() + 60
    while True:
        _, _, exposition = _call(server, "GET", "/metrics")
        text_metrics = exposition.decode()
        if metric(text_metrics, "reader_renders_completed_total") >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert metric(text_metrics, "reader_renders_started_total") == 1
    assert metric(text_metrics, "reader_renders_completed_total") == 1
    assert metric(text_metrics, "reader_chunk_cache_misses_total") == total  # each chunk synthesized once
    assert metric(text_metrics, "reader_renders_failed_total") == 0


def test_a_flood_of_cold_renders_is_refused_past_the_queue_while_cached_audio_keeps_playing(fake_server):
    server = fake_server(
        workers=1, READER_FAKE_DELAY="0.5", READER_RENDER_QUEUE_LIMIT="2", READER_MAX_CONTENT_LENGTH="100000"
    )
    # one finished article, rendered into the server's cache by this process (no delay here)
    options = RenderOptions(backend="fake")
    cached = render(support.make_article(2, 2, seed=5), options, store=open_store(server.cache))
    size = cached.audio_path.stat().st_size

    statuses: list[tuple[int, dict[str, str], bytes]] = []
    for number in range(8):
        statuses.append(_call(server, "POST", "/api/articles", {"text": _text(60, f"Flood story {number}")}))
    accepted = [s for s, _, _ in statuses if s == 202]
    refused = [(h, b) for s, h, b in statuses if s == 503]
    assert len(accepted) == 2 and len(refused) == 6, [s for s, _, _ in statuses]
    for headers, body in refused:
        assert int(headers["retry-after"]) > 0
        assert json.loads(body)["error"]["code"] == "unavailable"

    # the queue is full and rendering slowly: cached audio and the health check still answer at once
    for _ in range(5):
        status, headers, audio = _call(server, "GET", f"/api/articles/{cached.article_id}/audio.mp3")
        assert status == 200 and len(audio) == size
        status, _, health = _call(server, "GET", "/healthz")
        assert status == 200 and json.loads(health)["renders_in_progress"] == 2
    _, _, exposition = _call(server, "GET", "/metrics")
    assert metric(exposition.decode(), "reader_renders_rejected_total") == 6
    assert metric(exposition.decode(), "reader_render_queue_depth") == 2
    # an article already finished is not a new render: posting it again is accepted even now
    status, _, _ = _call(server, "POST", "/api/articles", {"text": _text(60, "Flood story 0")})
    assert status == 202
    # a body sent chunked (no Content-Length) past the limit is a 413 too, not a torn 400
    assert _chunked_post(server, json.dumps({"text": "word " * 40_000}).encode())[0] == 413
    status, body = _chunked_post(server, json.dumps({"nope": 1}).encode())
    assert status == 400 and "unknown field" in json.loads(body)["error"]["message"]


def _chunked_post(server, payload: bytes) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        pieces = (payload[i : i + 8192] for i in range(0, len(payload), 8192))
        connection.request(
            "POST", "/api/articles", body=pieces, headers={"Content-Type": "application/json"}, encode_chunked=True
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def make_client(cache_dir):
    def make(**config):
        return create_app({"TESTING": True, "OPEN": True, "CACHE_DIR": str(cache_dir), **config}).test_client()

    return make


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def test_per_client_rate_limit_on_costly_endpoints(make_client):
    client = make_client(RATE_LIMIT_PER_MINUTE=3)
    for _ in range(3):
        _error(client.post("/api/articles", json={}), 400)  # refused, but it spent the client's budget
    error = _error(client.post("/api/articles", json={"text": "Hello there."}), 429)
    assert "at most 3 a minute" in error["message"]
    limited = client.post("/api/articles/abcdefgh/refresh")
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 61
    assert (
        client.post(
            "/preview", data={"content": "Some text to preview."}, headers={"Origin": "http://localhost"}
        ).status_code
        == 429
    )
    assert client.get("/healthz").status_code == 200  # reads are not limited
    assert client.get("/api/articles").status_code == 200
    other = client.post("/api/articles", json={}, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 400  # another client has its own budget


def test_bodies_past_the_limit_get_413(make_client):
    client = make_client(MAX_CONTENT_LENGTH=2000, RATE_LIMIT_PER_MINUTE=0)
    error = _error(client.post("/api/articles", json={"text": "word " * 1000}), 413)
    assert error["message"] == "the request body is too large"
    page = client.post("/articles", data={"content": "word " * 1000}, headers={"Origin": "http://localhost"})
    assert page.status_code == 413 and b"Traceback" not in page.data


def test_with_an_api_token_writes_need_it_and_reads_stay_open(make_client):
    client = make_client(API_TOKEN="s3cret-token", RATE_LIMIT_PER_MINUTE=0)
    for method, path in (("post", "/api/articles"), ("post", "/api/articles/abcdefgh/refresh"),
                         ("delete", "/api/articles/abcdefgh")):  # fmt: skip
        response = getattr(client, method)(path, json={"text": "Hello."})
        assert _error(response, 401)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = client.post("/api/articles", json={"nope": 1}, headers={"Authorization": "Bearer wrong"})
    _error(wrong, 401)
    right = client.post("/api/articles", json={"nope": 1}, headers={"Authorization": "Bearer s3cret-token"})
    assert "unknown field" in _error(right, 400)["message"]  # past the token, on to the body's checks
    assert (
        client.post("/articles", data={"content": "Some text."}, headers={"Origin": "http://localhost"}).status_code
        == 401
    )  # the library form too
    assert client.get("/api/articles").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/feed.xml").status_code == 200
    document = client.get("/api/openapi.json").get_json()
    assert "401" in document["paths"]["/api/articles"]["post"]["responses"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    open_client = make_client(RATE_LIMIT_PER_MINUTE=0)  # no token configured: writes are open
    assert "unknown field" in _error(open_client.post("/api/articles", json={"nope": 1}), 400)["message"]


def test_live_streams_past_their_limit_get_503_so_threads_stay_free_for_finished_audio(fake_server):
    """Each live stream holds a server thread until its render ends: past LIVE_STREAM_LIMIT a listener gets
    503 + Retry-After, and the threads left keep answering /healthz; a closed stream frees its slot."""
    server = fake_server(workers=1, READER_FAKE_DELAY="1.0", READER_LIVE_STREAM_LIMIT="2")
    status, _, body = _call(server, "POST", "/api/articles", {"text": _text(120, "Slow live story")})
    assert status == 202
    audio = json.loads(body)["audio_url"]

    def open_stream():
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", audio)
        response = connection.getresponse()
        return connection, response

    streams = [open_stream() for _ in range(2)]
    try:
        assert [response.status for _, response in streams] == [200, 200]
        assert all(response.getheader("X-Reader-Status") == "rendering" for _, response in streams)
        extra_connection, extra = open_stream()
        assert extra.status == 503 and int(extra.getheader("Retry-After")) > 0
        assert "too many listeners" in json.loads(extra.read())["error"]["message"]
        extra_connection.close()
        assert _call(server, "GET", "/healthz")[0] == 200
        streams.pop()[0].close()  # a listener leaves: its slot comes back once the server notices
        deadline = time.monotonic() + 60
        while True:
            connection, response = open_stream()
            if response.status == 200:
                streams.append((connection, response))
                break
            connection.close()
            assert time.monotonic() < deadline, "the closed stream's slot never came back"
            time.sleep(0.2)
    finally:
        for connection, _ in streams:
            connection.close()
