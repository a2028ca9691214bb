"""Render jobs through a real Redis queue (RQ) into a real S3-compatible store, with `reader worker` processes.

Services are real and on loopback (redis-server, moto's S3 server). The
worker processes are the installed `reader worker` command.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import audio_support as support
import pytest
import services
from mutagen.mp3 import MP3
from redis import Redis
from rq import Queue

from reader.render import RenderOptions, plan, render, start_render
from reader.render.jobs import QUEUE_NAME, enqueue, job_id
from reader.store import open_store

pytestmark = pytest.mark.net


@pytest.fixture
def queue_env(redis_url, s3_bucket, monkeypatch):
    monkeypatch.setenv("READER_QUEUE_URL", redis_url)
    Redis.from_url(redis_url).flushdb()
    return redis_url


def start_worker(processes, tmp_path: Path, name: str, **env: str):
    local = tmp_path / f"local-{name}"  # each worker its own local copy, as on separate machines
    return processes.start(
        name,
        [sys.executable, "-m", "reader", "worker", "--name", name],
        services.child_env(READER_CACHE_DIR=str(local), READER_WORKERS="1", **env),
    )


def test_cli_render_goes_through_the_queue_to_a_worker(queue_env, processes, tmp_path):
    """The same `render` call the CLI makes: with READER_QUEUE_URL set a worker (real eSpeak NG) renders it."""
    worker = start_worker(processes, tmp_path, "w1")
    article = support.make_article(paragraphs=2, sentences=2, url="https://news.example/queued")
    seen = []
    result = render(article, RenderOptions(), store=open_store(tmp_path / "client"), on_progress=seen.append)

    assert result.manifest.status == "complete"
    assert result.rendered == len(result.manifest.entries) > 0
    deadline = time.monotonic() + 60  # progress is followed by polling the store
    while not (seen and seen[-1].status == "complete") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert seen and seen[-1].status == "complete" and seen[-1].done == seen[-1].total == result.rendered
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert MP3(result.audio_path).info.length == pytest.approx(result.manifest.duration, abs=0.1)
    log = processes.log("w1")
    assert log.count("stored chunk") == len(result.manifest.entries)
    assert worker.poll() is None  # still serving
    # Asked again, it is already there: nothing is queued or synthesized.
    again = render(article, RenderOptions(), store=open_store(tmp_path / "client2"))
    assert again.audio_path.read_bytes() == result.audio_path.read_bytes()
    assert processes.log("w1").count("stored chunk") == len(result.manifest.entries)


def test_the_same_article_asked_at_once_is_queued_once(queue_env, tmp_path, monkeypatch, caplog):
    support.fake_env(monkeypatch, tmp_path)
    article = support.make_article(paragraphs=2, sentences=2, url="https://news.example/twice")
    options = RenderOptions(backend="fake")
    handles, barrier = [], threading.Barrier(6)

    def ask() -> None:
        barrier.wait()
        handles.append(start_render(article, options, store=open_store(tmp_path / "web")))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "no `reader worker` is listening" in caplog.text
    expected = job_id(plan(article, options).article_id, plan(article, options).revision)
    assert {handle.job_id for handle in handles} == {expected}
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(queue_env))
    assert queue.job_ids == [expected]
    # A changed article is a new revision, so a new job.
    edited = support.make_article(paragraphs=2, sentences=2, url="https://news.example/twice", seed=5)
    assert enqueue(plan(edited, options)).job_id != expected
    assert len(queue.job_ids) == 2


def test_a_failing_render_fails_its_job_once_with_the_reason(queue_env, processes, tmp_path, monkeypatch):
    support.fake_env(monkeypatch, tmp_path)
    start_worker(processes, tmp_path, "w1")
    article = support.make_article(paragraphs=1, sentences=1, url="https://news.example/refused")
    article = article.__class__(**{**article.__dict__, "title": "A title the engine failalways refuses"})
    handle = start_render(article, RenderOptions(backend="fake"), store=open_store(tmp_path / "client"))
    with pytest.raises(Exception, match="refuses"):
        handle.result(timeout=60)
    manifest = open_store(tmp_path / "client").read_manifest(handle.article_id)
    assert manifest.status == "failed" and "refuses" in manifest.error
    assert handle.job.get_status(refresh=True).value == "finished"  # not retried: the article is at fault


def test_the_web_app_queues_and_a_long_queue_is_not_taken_for_a_dead_render(
    queue_env, app, cache_dir, tmp_path, monkeypatch
):
    """No worker yet: the article waits on the queue, reported as rendering however long it waits, by
    this server and by another that shares the queue (its record is in Redis, web/records.py); once its
    job is gone without a manifest, both report it failed."""
    from rq.job import Job

    from web import create_app
    from web.records import RedisRecords

    support.fake_env(monkeypatch, tmp_path)
    client = app.test_client()
    response = client.post(
        "/api/articles", json={"text": "A queued story\n\nIt waits for a worker.", "backend": "fake"}
    )
    assert response.status_code == 202
    article_id = response.get_json()["id"]
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(queue_env))
    assert len(queue.job_ids) == 1 and queue.job_ids[0].startswith(f"render-{article_id}-")

    records = RedisRecords(queue_env)
    record = records.read(article_id)
    record["updated"] -= 3600  # accepted an hour ago, still queued
    records.write(article_id, record)
    other_dir = tmp_path / "other-server"
    other = create_app({"TESTING": True, "CACHE_DIR": str(other_dir), "RATE_LIMIT_PER_MINUTE": 0}).test_client()
    for server in (client, other):
        assert server.get(f"/api/articles/{article_id}").get_json()["status"] == "rendering"

    Job.fetch(queue.job_ids[0], connection=queue.connection).cancel()
    for server in (client, other):
        assert server.get(f"/api/articles/{article_id}").get_json()["status"] == "failed"


def test_reader_worker_without_a_reachable_queue_says_so_in_one_line():
    from click.testing import CliRunner

    from reader.cli.commands import cli

    url = f"redis://127.0.0.1:{services.free_port()}/0"  # nothing listens there
    result = CliRunner().invoke(cli, ["worker", "--queue-url", url])
    assert result.exit_code != 0
    assert f"reader: error: cannot reach the job queue at {url}" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli, ["worker", "--queue-url", "http://127.0.0.1:6379"])
    assert "must be a redis:// URL" in result.output and result.exit_code == 2
