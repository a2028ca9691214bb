"""A cluster on loopback, as the README's deployment section lays it out: real redis-server, an S3-compatible
server (moto's), `reader worker` processes, and web app processes, each a separate OS process.

The speech engine is the test suite's fake backend (tones, with a fixed delay per chunk) so that a worker
can be killed mid-article at a known point; everything else is the real code path.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import boto3
import pytest
from redis import Redis
from rq import Queue, Worker

from reader.cache import open_store
from reader.jobs import QUEUE_NAME
from reader.render import RenderOptions, plan, start_render

pytestmark = [pytest.mark.net, pytest.mark.slow]

STORED = re.compile(r"(?:stored chunk|chunk) ([0-9a-f]{64})(?: \(\d+ bytes\)| was already stored)")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


support = _load("audio_support")
services = _load("services")


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
    return {item["Key"].rsplit("/", 1)[1][:-4] for page in pages for item in page.get("Contents", [])}


def test_a_killed_workers_article_finishes_on_the_other_rendering_nothing_twice(cluster_env, processes, tmp_path):
    workers = {name: start_worker(processes, tmp_path, name) for name in ("w1", "w2")}
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(services.os.environ["READER_QUEUE_URL"]))
    wait_for(lambda: len(Worker.all(queue=queue)) == 2, 30, "two workers to register")

    article = support.make_article(paragraphs=8, sentences=3, url="https://news.example/killed")
    options = RenderOptions(backend="fake")
    keys = plan(article, options).keys
    web_store = open_store(tmp_path / "web")
    handle = start_render(article, options, store=web_store)

    progress = wait_for(
        lambda: (p := handle.progress()) is not None and p.done >= 4 and p, 60, "four chunks to be stored"
    )
    victim = next(name for name, process in workers.items() if process.pid == progress.pid)
    survivor = next(name for name in workers if name != victim)
    services.kill_tree(progress.pid)
    killed_at = time.monotonic()
    before = stored_chunks(cluster_env)
    assert 4 <= len(before) < len(keys), "the kill must land mid-article"

    wait_for(lambda: (p := handle.progress()) and p.pid == workers[survivor].pid, 60, "the other worker to resume")
    assert time.monotonic() - killed_at < 60
    result = handle.result(timeout=90)

    synthesized = STORED.findall(processes.log(survivor))
    assert len(synthesized) == len(set(synthesized)), "a chunk was synthesized twice by the survivor"
    assert set(synthesized).isdisjoint(before), "chunks stored before the kill were synthesized again"
    assert set(synthesized) | before == set(keys)
    assert result.rendered == len(synthesized) == len(keys) - len(before)
    manifest = web_store.read_manifest(result.article_id)
    assert manifest.status == "complete" and [e.key for e in manifest.entries] == list(keys)
    assert workers[victim].poll() is not None and workers[survivor].poll() is None
