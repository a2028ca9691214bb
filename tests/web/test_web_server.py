"""`reader serve` for real (gunicorn, two threaded worker processes) on a free port: progressive
streaming while rendering, Range before and after completion, and one render across processes.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest


def _request(server, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=payload, headers={**all_headers, **(headers or {})})
    return connection, connection.getresponse()


def _json(server, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    connection, response = _request(server, method, path, body)
    try:
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _wait_complete(server, article_id: str) -> dict:
    for _ in range(900):
        _, data = _json(server, "GET", f"/api/articles/{article_id}")
        if data["status"] != "rendering":
            return data
        time.sleep(0.2)
    raise AssertionError("render did not finish")


def _duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def test_audio_streams_while_rendering_and_the_stream_is_the_whole_article(live_server, make_article, tmp_path):
    status, created = _json(live_server, "POST", "/api/articles", {"text": make_article(3000, "Streamed story")})
    assert status == 202
    article_id = created["id"]
    # Safari's probe: a two-byte range, answered 206 as soon as the first sentence exists
    connection, probe = _request(live_server, "GET", created["audio_url"], headers={"Range": "bytes=0-1"})
    assert probe.status == 206
    assert len(probe.read()) == 2
    rendering_at_probe = probe.getheader("X-Reader-Status") == "rendering"
    if rendering_at_probe:
        assert probe.getheader("Content-Range") == "bytes 0-1/*"
    connection.close()

    connection, response = _request(live_server, "GET", created["audio_url"])
    assert response.status == 200 and response.getheader("Content-Type") == "audio/mpeg"
    live = response.getheader("X-Reader-Status") == "rendering"
    first = response.read(1)
    _, during = _json(live_server, "GET", f"/api/articles/{article_id}")
    body = first + response.read()
    connection.close()
    assert live and rendering_at_probe, "the article finished rendering before it could be streamed"
    assert during["status"] == "rendering"  # the first bytes arrived while the rest was still rendering
    assert during["progress"]["done"] < during["progress"]["total"]  # (how soon is bench/web.py's to measure)

    data = _wait_complete(live_server, article_id)
    streamed = tmp_path / "streamed.mp3"
    streamed.write_bytes(body)
    # the stream held every sentence: its length matches the finished article's (the file adds tags only)
    assert _duration(streamed) == pytest.approx(data["duration"], rel=0.02)


def test_range_requests_on_a_stream_in_progress_get_206(live_server, make_article):
    status, created = _json(live_server, "POST", "/api/articles", {"text": make_article(1200, "Ranged story")})
    assert status == 202
    connection, response = _request(live_server, "GET", created["audio_url"], headers={"Range": "bytes=1000-4999"})
    assert response.status == 206
    assert len(response.read()) == 4000
    if response.getheader("X-Reader-Status") == "rendering":
        assert response.getheader("Content-Range") == "bytes 1000-4999/*"
    connection.close()
    _wait_complete(live_server, created["id"])


def test_finished_audio_over_real_http_has_range_and_validators(live_server, seed_text):
    _, created = _json(live_server, "POST", "/api/articles", {"text": seed_text.read_text(encoding="utf-8")})
    _wait_complete(live_server, created["id"])
    connection, whole = _request(live_server, "GET", created["audio_url"])
    body = whole.read()
    etag = whole.getheader("ETag")
    connection.close()
    assert whole.status == 200 and int(whole.getheader("Content-Length")) == len(body)
    connection, part = _request(live_server, "GET", created["audio_url"], headers={"Range": "bytes=65536-131071"})
    assert part.status == 206 and part.read() == body[65536:131072]
    assert part.getheader("Content-Range") == f"bytes 65536-131071/{len(body)}"
    connection.close()
    connection, cached = _request(live_server, "GET", created["audio_url"], headers={"If-None-Match": etag})
    assert cached.status == 304
    connection.close()


def test_one_article_asked_for_by_many_clients_across_processes_gets_one_id_and_one_audio(live_server, make_article):
    text = make_article(400, "Stampede story")
    results: list[tuple[int, dict]] = []

    def post() -> None:
        results.append(_json(live_server, "POST", "/api/articles", {"text": text}))

    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in results] == [202] * 12
    ids = {body["id"] for _, body in results}
    assert len(ids) == 1
    article_id = ids.pop()
    data = _wait_complete(live_server, article_id)
    assert data["status"] == "complete"
    chunks = {
        entry["key"]
        for entry in json.loads((live_server.cache / "articles" / article_id / "manifest.json").read_text())["entries"]
    }
    assert data["progress"]["done"] == data["progress"]["total"] >= 20
    assert len(chunks) == data["progress"]["total"]  # one set of chunks; the claim kept one renderer at a time


def test_errors_over_real_http_are_json(live_server):
    connection, response = _request(live_server, "POST", "/api/articles", headers={"Content-Type": "text/plain"})
    assert response.status == 415
    assert json.loads(response.read())["error"]["status"] == 415
    connection.close()
    status, body = _json(live_server, "GET", "/api/articles/zzzzzzzzzzzz")
    assert status == 404 and body["error"]["code"]
