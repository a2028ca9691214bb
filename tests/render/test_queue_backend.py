"""A queued render carries the backend its default resolved to, and the chunk keys it must produce.

The web server plans the article (the default: Piper, whose bundled voice speaks English) and queues
it on a real Redis; the job is then run as a worker on another machine would run it, one whose
default would resolve otherwise (no Piper voice for English there: simulated by its resolution
answering pyttsx3). It renders with Piper under the server's keys; a worker whose voices make other
keys refuses, naming why, instead of storing audio the server's player never asks for.
"""

from __future__ import annotations

import audio_support as support
import pytest
from redis import Redis
from rq.job import Job

from reader.article import article_to_dict
from reader.render import RenderOptions, plan, planning
from reader.render import jobs as jobs_module
from reader.render.jobs import enqueue, job_id, keys_digest, render_job
from reader.store import open_store

pytestmark = pytest.mark.net


@pytest.fixture
def queue_env(redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("READER_QUEUE_URL", redis_url)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "shared"))
    monkeypatch.setattr(jobs_module, "_worker_store", None)
    Redis.from_url(redis_url).flushdb()
    return redis_url


def test_a_job_renders_the_servers_backend_and_keys_on_a_worker_that_would_resolve_otherwise(
    queue_env, tmp_path, monkeypatch
):
    article = support.make_article(paragraphs=1, sentences=2, headings=False, url="https://news.example/q")
    planned = plan(article, RenderOptions())
    assert planned.backend == "piper"
    store = open_store(tmp_path / "shared")
    enqueue(planned, store=store)
    job = Job.fetch(job_id(planned.article_id, planned.revision), connection=Redis.from_url(queue_env))
    _payload, options, backend, expected = job.args
    assert options["backend"] is None  # the id still says "default"
    assert backend == "piper" and expected == keys_digest(planned.keys)

    # The worker's machine: its own default for English would be pyttsx3.
    monkeypatch.setattr(planning, "resolve_backend", lambda name, lang="en", voice=None: name or "pyttsx3")
    assert plan(article, RenderOptions()).backend == "pyttsx3"  # what an old job would have rendered there
    outcome = render_job(*job.args)
    assert outcome["status"] == "complete", outcome
    assert outcome["article_id"] == planned.article_id
    manifest = store.read_manifest(planned.article_id)
    assert [e.key for e in manifest.entries] == list(planned.keys)
    assert {e.backend for e in manifest.entries} == {"piper"}


def test_a_worker_whose_keys_differ_refuses_the_job(queue_env, tmp_path):
    article = support.make_article(paragraphs=1, sentences=1, headings=False, url="https://news.example/r")
    planned = plan(article, RenderOptions())
    payload = article_to_dict(article, source_text=False)
    outcome = render_job(payload, planned.options.to_dict(), planned.backend, "0" * 24)
    assert outcome["status"] == "failed"
    assert "voices differ from the server's" in outcome["error"] and "install the same voices" in outcome["error"]
    assert open_store(tmp_path / "shared").read_manifest(planned.article_id) is None


def test_a_job_queued_before_the_backend_was_carried_still_runs(queue_env, tmp_path):
    article = support.make_article(paragraphs=1, sentences=1, headings=False, url="https://news.example/s")
    options = RenderOptions(backend="pyttsx3")
    outcome = render_job(article_to_dict(article, source_text=False), options.to_dict())
    assert outcome["status"] == "complete", outcome
