"""Two web servers behind one address (issue 19 items 1 and 2): real `reader serve` processes, real
`reader worker` processes, redis-server and an S3-compatible server on loopback, the real eSpeak NG
voice. The client alternates servers, as a load balancer would; each server has a cache directory of
its own (separate machines), so only Redis and the bucket are shared.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from pathlib import Path

import pytest
import services
from mutagen.mp3 import MP3
from redis import Redis
from rq import Queue, Worker

from reader.render.jobs import QUEUE_NAME
from reader.store import open_store
from web.sharedlimits import SLOT_TTL

pytestmark = [pytest.mark.net, pytest.mark.slow]

BUSY = "too many listeners"


@pytest.fixture
def shared_env(redis_url, s3_bucket, monkeypatch):
    monkeypatch.setenv("READER_QUEUE_URL", redis_url)
    Redis.from_url(redis_url).flushdb()
    return s3_bucket


def start_web(processes, tmp_path: Path, name: str, **env: str) -> tuple[str, int]:
    port = services.free_port()
    argv = [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", "1", "--open"]
    settings = {"READER_CACHE_DIR": str(tmp_path / f"local-{name}"), "READER_WARM_UP": "false", **env}
    processes.start(name, argv, services.child_env(**settings))
    wait_for(lambda: call(port, "GET", "/healthz")[0] == 200, 60, f"{name} to serve")
    return name, port


def start_worker(processes, tmp_path: Path, name: str):
    env = services.child_env(READER_CACHE_DIR=str(tmp_path / f"local-{name}"), READER_WORKERS="1")
    return processes.start(name, [sys.executable, "-m", "reader", "worker", "--name", name], env)


def wait_for(condition, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def call(port: int, method: str, path: str, body: dict | None = None, *, client: str = "127.0.0.1", headers=None):
    """One request from the loopback address ``client`` (the rate limit counts per address)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(client, 0))
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError:
        return 0, {}, b""
    finally:
        connection.close()


def article_text(title: str, sentences: int) -> str:
    words = [
        "harbour",
        "tide",
        "quay",
        "ferry",
        "morning",
        "steps",
        "water",
        "boats",
        "gulls",
        "rope",
        "lantern",
        "pier",
    ]
    lines = [
        " ".join(words[(i * 5 + j * 3) % len(words)] for j in range(5 + i % 4)).capitalize() + "."
        for i in range(sentences)
    ]
    return title + "\n\n" + "\n\n".join(" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)) + "\n"


def test_a_post_on_one_server_is_answered_by_the_other_from_the_first_byte(shared_env, processes, tmp_path):
    """POST on web1; before any worker runs (no manifest anywhere), web2 answers the article's JSON, page
    and captions; then, with two workers, web2 streams its audio from the first byte to the end, and a
    DELETE on web2 removes it for web1 too."""
    web1, web2 = (start_web(processes, tmp_path, name)[1] for name in ("web1", "web2"))
    status, _, payload = call(web1, "POST", "/api/articles", {"text": article_text("Tides", 9), "backend": "pyttsx3"})
    assert status == 202, payload
    article_id = json.loads(payload)["id"]
    observer = open_store(tmp_path / "observer")
    assert observer.read_manifest(article_id) is None  # nothing rendered yet: only the record says it exists

    status, _, payload = call(web2, "GET", f"/api/articles/{article_id}")
    assert status == 200, payload
    state = json.loads(payload)
    assert (
        state["status"] == "rendering" and state["title"] == "Tides" and len(state["sentences"]) == 1 + 9
    )  # the title, then the sentences
    status, headers, page = call(web2, "GET", f"/articles/{article_id}")
    assert status == 200 and b"Tides" in page, page[:300]
    status, headers, captions = call(web2, "GET", f"/api/articles/{article_id}/captions.vtt")
    assert status == 200 and captions.startswith(b"WEBVTT"), captions[:200]

    for name in ("w1", "w2"):
        start_worker(processes, tmp_path, name)
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(services.os.environ["READER_QUEUE_URL"]))
    wait_for(lambda: len(Worker.all(queue=queue)) == 2, 60, "two workers to register")
    status, headers, audio = call(web2, "GET", f"/api/articles/{article_id}/audio.mp3")
    assert status == 200 and headers["X-Reader-Status"] == "rendering" and audio[:1] == b"\xff"
    manifest = wait_for(
        lambda: (m := observer.read_manifest(article_id)) and m.status == "complete" and m, 120, "the render"
    )
    played = tmp_path / "live.mp3"
    played.write_bytes(audio)
    assert MP3(played).info.length == pytest.approx(manifest.duration, abs=0.15)  # the whole article, live
    complete = lambda: json.loads(call(web2, "GET", f"/api/articles/{article_id}")[2])["status"] == "complete"  # noqa: E731
    wait_for(complete, 5, "web2 to see it complete (the S3 store reuses a manifest read for READ_TTL)")
    status, _, captions = call(web1, "GET", f"/api/articles/{article_id}/captions.vtt")
    assert status == 200 and captions.count(b"-->") >= 10

    assert call(web2, "DELETE", f"/api/articles/{article_id}")[0] == 204
    gone = lambda: call(web1, "GET", f"/api/articles/{article_id}")[0] == 404  # noqa: E731
    wait_for(gone, 5, "web1 to see it deleted")


def test_limits_hold_across_servers(shared_env, processes, tmp_path):
    """One rate limit, one render-queue limit and one live-stream limit for both servers, counted in
    Redis; a server killed while holding a stream slot frees it within SLOT_TTL."""
    limits = {
        "READER_RATE_LIMIT_PER_MINUTE": "6",
        "READER_RENDER_QUEUE_LIMIT": "2",
        "READER_LIVE_STREAM_LIMIT": "1",
        "READER_STREAM_WAIT_SECONDS": "6",
    }
    web1, web2 = (start_web(processes, tmp_path, name, **limits)[1] for name in ("web1", "web2"))
    ports = [web1, web2]

    # Rate: six writes from one client, alternating servers, pass (404: no such article); the next is 429 on either.
    answers = [call(ports[i % 2], "DELETE", "/api/articles/nosuch-article", client="127.0.0.2") for i in range(6)]
    assert [status for status, _, _ in answers] == [404] * 6
    for port in ports:
        status, headers, _ = call(port, "DELETE", "/api/articles/nosuch-article", client="127.0.0.2")
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 61
    assert call(web2, "DELETE", "/api/articles/nosuch-article", client="127.0.0.3")[0] == 404  # another client

    # Render queue (no worker runs, so jobs stay queued): two articles, one on each server; a third is refused by
    # either, while posting a queued one again is not a new render.
    posts = [{"text": article_text(f"Story {n}", 3), "backend": "pyttsx3"} for n in range(3)]
    first = call(web1, "POST", "/api/articles", posts[0], client="127.0.0.4")
    assert first[0] == 202, first[2]
    assert call(web2, "POST", "/api/articles", posts[1], client="127.0.0.4")[0] == 202
    for port in ports:
        status, headers, payload = call(port, "POST", "/api/articles", posts[2], client="127.0.0.5")
        assert status == 503 and "busy" in json.loads(payload)["error"]["message"] and headers["Retry-After"]
    assert call(web2, "POST", "/api/articles", posts[0], client="127.0.0.5")[0] == 202

    # Live streams: the article is rendering and nothing is rendered, so a listener waits (holding its slot)
    # up to STREAM_WAIT_SECONDS. One listener on web1 takes the one slot: web2 refuses the next at once.
    audio = f"/api/articles/{json.loads(first[2])['id']}/audio.mp3"
    waiting = threading.Thread(target=call, args=(web1, "GET", audio))
    waiting.start()
    time.sleep(1.5)
    status, _, payload = call(web2, "GET", audio)
    assert status == 503 and BUSY in payload.decode(), payload
    waiting.join()
    started = time.monotonic()
    status, _, payload = call(web2, "GET", audio)  # the slot is free again: web2 lets it wait, then "not ready"
    assert status == 503 and BUSY not in payload.decode() and time.monotonic() - started > 5, payload

    # A server that dies holding a slot: the slot expires, not leaks.
    holder = threading.Thread(target=call, args=(web1, "GET", audio))
    holder.start()
    time.sleep(1.5)
    services.kill_tree(processes.running["web1"].pid)
    killed = time.monotonic()
    assert BUSY in call(web2, "GET", audio)[2].decode()
    freed = lambda: BUSY not in call(web2, "GET", audio)[2].decode()  # noqa: E731
    wait_for(freed, SLOT_TTL + 20, "the dead server's slot to expire")
    assert SLOT_TTL - 10 < time.monotonic() - killed < SLOT_TTL + 20
    holder.join()
