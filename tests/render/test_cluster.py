"""A cluster on loopback, as the README's deployment section lays it out: real redis-server, an S3-compatible
server (moto's), `reader worker` processes, and web app processes, each a separate OS process.

The speech engine is the test suite's fake backend (tones, with a fixed delay per chunk) so that a worker
can be killed mid-article at a known point; everything else is the real code path.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import audio_support as support
import boto3
import pytest
import services
from mutagen.mp3 import MP3
from redis import Redis
from rq import Queue, Worker

from reader.render.jobs import QUEUE_NAME
from reader.store import open_store

pytestmark = [pytest.mark.net, pytest.mark.slow]

STORED = re.compile(r"(?:stored chunk|chunk) ([0-9a-f]{64})(?: \(\d+ bytes\)| was already stored)")


@pytest.fixture
def cluster_env(redis_url, s3_bucket, tmp_path, monkeypatch):
    """Queue and store for this test; the fake engine, about 0.4 s a chunk, for the processes."""
    monkeypatch.setenv("READER_QUEUE_URL", redis_url)
    Redis.from_url(redis_url).flushdb()
    support.fake_env(monkeypatch, tmp_path)
    monkeypatch.setenv("READER_FAKE_DELAY", "0.4")
    return s3_bucket


def start_worker(processes, tmp_path: Path, name: str):
    local = tmp_path / f"local-{name}"  # each its own local copy, as on separate machines
    return processes.start(
        name,
        [sys.executable, "-m", "reader", "worker", "--name", name],
        services.child_env(READER_CACHE_DIR=str(local), READER_WORKERS="1"),
    )


def wait_for(condition, timeout: float, what: str, poll: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def stored_chunks(bucket) -> set[str]:
    client = boto3.client("s3", endpoint_url=bucket.endpoint, region_name="us-east-1")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket.name, Prefix="audio/chunks/")
    names = [item["Key"].rsplit("/", 1)[1] for page in pages for item in page.get("Contents", [])]
    return {name[:-4] for name in names if name.endswith(".mp3")}  # not the word times beside them


def start_web(processes, tmp_path: Path, name: str, **env: str) -> str:
    port = services.free_port()
    local = tmp_path / f"local-{name}"
    argv = [sys.executable, "-m", "reader", "serve", "--port", str(port), "--workers", "1", "--open"]  # anonymous posts
    processes.start(
        name, argv, services.child_env(READER_CACHE_DIR=str(local), READER_RATE_LIMIT_PER_MINUTE="0", **env)
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _healthy(url), 90, f"{name} to serve")  # the warm-up renders a sample first; slow under load
    return url


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def call(method: str, url: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def article_text(sentences: int) -> str:
    words = support.WORDS
    lines = [
        " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(6 + i % 5)).capitalize() + "."
        for i in range(sentences)
    ]
    paragraphs = [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
    return "A story told by two workers\n\n" + "\n\n".join(paragraphs) + "\n"


def test_cluster_renders_once_survives_a_killed_worker_and_plays_through_the_web(cluster_env, processes, tmp_path):
    """Two web servers and two workers: the same article posted to both web servers at once renders once;
    progress reaches either web server; SIGKILL the worker mid-article and the other finishes it within a
    minute without synthesizing a stored chunk again; then the audio plays, Range and all, through the web."""
    workers = {name: start_worker(processes, tmp_path, name) for name in ("w1", "w2")}
    web1 = start_web(processes, tmp_path, "web1")
    web2 = start_web(processes, tmp_path, "web2", READER_AUDIO_OFFLOAD="presigned")
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(services.os.environ["READER_QUEUE_URL"]))
    wait_for(lambda: len(Worker.all(queue=queue)) == 2, 30, "two workers to register")

    body = {"text": article_text(27), "backend": "fake"}
    answers = []
    posts = [
        threading.Thread(target=lambda u=u: answers.append(call("POST", u + "/api/articles", body)))
        for u in (web1, web2)
    ]
    for post in posts:
        post.start()
    for post in posts:
        post.join()
    assert [status for status, _, _ in answers] == [202, 202]
    ids = {json.loads(payload)["id"] for _, _, payload in answers}
    assert len(ids) == 1
    article_id = ids.pop()
    store = open_store(tmp_path / "observer")

    def state(web: str) -> dict:
        return json.loads(call("GET", f"{web}/api/articles/{article_id}")[2])

    # Progress written by whichever worker took the job reaches both web servers.
    seen = wait_for(lambda: (a := state(web2))["progress"]["done"] >= 4 and a, 60, "four chunks, seen from web2")
    assert seen["status"] == "rendering" and seen["progress"]["total"] > seen["progress"]["done"]
    assert state(web1)["progress"]["done"] >= 4
    # ... and so does the audio rendered so far: a player's first probe gets the start of the live stream.
    status, headers, start = call("GET", f"{web2}/api/articles/{article_id}/audio.mp3", headers={"Range": "bytes=0-1"})
    assert (status, headers["X-Reader-Status"], len(start), start[0]) == (206, "rendering", 2, 0xFF)
    progress = store.read_progress(article_id)
    total = progress.total
    victim = next(name for name, process in workers.items() if process.pid == progress.pid)
    survivor = next(name for name in workers if name != victim)
    services.kill_tree(progress.pid)
    killed_at = time.monotonic()
    before = stored_chunks(cluster_env)
    assert 4 <= len(before) < total, "the kill must land mid-article"

    wait_for(lambda: (p := store.read_progress(article_id)) and p.pid == workers[survivor].pid, 60, "the survivor")
    assert time.monotonic() - killed_at < 60
    final = wait_for(lambda: (a := state(web1)).get("status") == "complete" and a, 90, "the article to complete")
    manifest = store.read_manifest(article_id)
    keys = [entry.key for entry in manifest.entries]
    assert final["progress"]["done"] == total == len(keys)

    synthesized = STORED.findall(processes.log(survivor))
    assert len(synthesized) == len(set(synthesized)), "a chunk was synthesized twice by the survivor"
    assert set(synthesized).isdisjoint(before), "chunks stored before the kill were synthesized again"
    assert set(synthesized) | before == set(keys)
    killed_synthesized = STORED.findall(processes.log(victim))
    assert len(killed_synthesized) + len(synthesized) <= len(keys) + 1  # at most the log line of the kill moment
    # One job for both web servers' requests (it records its result a moment after the manifest completes).
    wait_for(lambda: len(queue.finished_job_registry) == 1, 60, "the job to finish")
    assert queue.count == 0 and len(queue.failed_job_registry) == 0

    # Play it: web1 streams the file with Range; web2 redirects to a presigned URL of the object.
    audio_url = f"{web1}/api/articles/{article_id}/audio.mp3"
    status, headers, head = call("GET", audio_url, headers={"Range": "bytes=0-1023"})
    assert status == 206 and headers["Content-Range"].startswith("bytes 0-1023/") and len(head) == 1024
    assert headers["X-Reader-Status"] == "complete"  # the assembled file, not the live stream of chunks
    status, _, whole = call("GET", audio_url)
    assert status == 200 and whole[:1024] == head
    audio = tmp_path / "played.mp3"
    audio.write_bytes(whole)
    assert MP3(audio).info.length == pytest.approx(manifest.duration, abs=0.1)
    status, headers, _ = call("GET", f"{web2}/api/articles/{article_id}/audio.mp3")
    assert status == 302 and "X-Amz-Signature=" in headers["Location"]
    status, _, tail = call("GET", headers["Location"], headers={"Range": f"bytes={len(whole) - 500}-"})
    assert status == 206 and tail == whole[-500:]
    assert workers[victim].poll() is not None and workers[survivor].poll() is None
