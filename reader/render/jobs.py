"""Render jobs on a Redis queue (RQ): the distributed path behind the one render API.

With ``READER_QUEUE_URL=redis://…`` set, ``render`` and ``start_render``
(so the CLI and the web app alike) plan the article here, then hand it to
the queue instead of the in-process pool; ``reader worker`` runs the jobs on
any machine that shares the store (``READER_CACHE_URL=s3://…``, or one
directory). A worker calls ``render_plan`` exactly as the embedded path
does, so progress, manifests and chunks land in the shared store, where any
web node reads them.

A job's id is the article's id and revision: asking twice (two web servers
at once) finds the first job instead of queueing a second; a short Redis
lock makes look-up-then-enqueue atomic. A job whose worker died (SIGKILL,
lost machine) is retried from the queue (``Retry``) once RQ's maintenance
finds its heartbeat expired; the chunks already stored are reused, so only
the chunk in flight is synthesized again. See ``reader.render.queue_worker`` for
the timings.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from typing import Any

from reader.article import article_from_dict, article_to_dict
from reader.errors import InputError, ReaderError
from reader.store import Manifest, Progress, Store, open_store

__all__ = [
    "QUEUE_NAME",
    "QueuedRender",
    "active_renders",
    "enqueue",
    "job_id",
    "keys_digest",
    "queue_url",
    "render_job",
    "render_queued",
]

log = logging.getLogger(__name__)

QUEUE_NAME = "reader-render"
RETRIES = 3  # re-runs after a worker dies or a job crashes; a render that fails cleanly is not retried
JOB_TIMEOUT = int(os.environ.get("READER_JOB_TIMEOUT") or 3600)  # seconds one article may take
RESULT_TTL = 24 * 3600  # how long finished jobs are kept (the audio lives in the store regardless)
ACTIVE = ("queued", "started", "deferred", "scheduled")


def queue_url() -> str | None:
    """``READER_QUEUE_URL`` when set: render through the queue."""
    return os.environ.get("READER_QUEUE_URL") or None


def connect(url: str | None = None) -> Any:
    """A Redis connection to the queue at ``url`` (default ``READER_QUEUE_URL``)."""
    url = url or queue_url()
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        raise InputError(f"READER_QUEUE_URL must be a redis:// URL, not {url!r}")
    try:
        from redis import Redis
    except ImportError as error:  # pragma: no cover - part of the scale extra
        raise ReaderError("the job queue needs rq and redis: pip install 'article-reader-tts[scale]'") from error
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def get_queue(connection: Any) -> Any:
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection, default_timeout=JOB_TIMEOUT)


def job_id(article_id: str, revision: str) -> str:
    """Deterministic: the same article content and options always make the same job."""
    return f"render-{article_id}-{revision}"


def active_renders(connection: Any) -> int:
    """Renders queued or running on every worker: the render-queue limit of a cluster of web servers.
    RQ's registries drop a dead worker's job once its heartbeat expires, so it counts no ghosts."""
    queue = get_queue(connection)
    registries = (queue.started_job_registry, queue.deferred_job_registry, queue.scheduled_job_registry)
    return int(queue.count) + sum(int(registry.count) for registry in registries)


def render_queued(connection: Any, article_id: str, revision: str) -> bool:
    """Whether the render of this revision is queued or running now (asking again adds no job)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        status = Job.fetch(job_id(article_id, revision), connection=connection).get_status()
    except NoSuchJobError:
        return False
    return str(getattr(status, "value", status)) in ACTIVE


_worker_store: Store | None = None


def keys_digest(keys: tuple[str, ...]) -> str:
    """One short digest of a plan's chunk keys: what the worker must render to match the web server."""
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()[:24]


def render_job(
    article: dict[str, Any],
    options: dict[str, Any],
    backend: str | None = None,
    expected_keys: str | None = None,
) -> dict[str, Any]:
    """What a worker runs: render a planned article into the shared store.

    ``backend`` is the backend the web server's plan resolved a default to, and ``expected_keys``
    the digest of its chunk keys: a worker on another machine renders with that backend, not the
    best one installed there, and refuses (a failed render naming the difference) rather than
    store chunks under keys the server's player never asks for. Jobs queued before these
    arguments existed resolve the default here, as they did.

    A ``ReaderError`` (bad voice, a chunk the engine refuses) is the article's
    fault, recorded in its manifest and returned, not raised, so RQ does not
    retry it; anything else (a crash, the worker's death) is retried.
    """
    from reader.render.planning import RenderOptions, plan
    from reader.render.running import render_plan

    global _worker_store
    try:
        planned = plan(article_from_dict(article), RenderOptions.from_dict(options), resolved_backend=backend)
        if expected_keys is not None and keys_digest(planned.keys) != expected_keys:
            raise ReaderError(
                f"this worker's {planned.backend} voices differ from the server's: its chunk keys do not match",
                cause="other voices or engine versions are installed on this worker than on the web server",
                remedy="install the same voices (and engine versions) on the workers as on the web servers",
            )
        _worker_store = _worker_store or open_store()  # one client (and local copy) per worker process
        result = render_plan(planned, store=_worker_store)
    except ReaderError as error:
        log.warning("render failed: %s", error)
        return {"status": "failed", "error": str(error), "exit_code": error.exit_code}
    return {
        "status": "complete",
        "article_id": result.article_id,
        "revision": result.revision,
        "rendered": result.rendered,
        "chunks": len(result.manifest.entries),
        "duration": result.manifest.duration,
        "worker_pid": os.getpid(),
    }


class QueuedRender:
    """A render handed to the queue: the same reading surface as ``RenderJob``, backed by the store."""

    def __init__(self, planned: Any, store: Store, job: Any, on_progress: Any = None) -> None:
        self.plan = planned
        self.article_id = planned.article_id
        self.revision = planned.revision
        self.total = len(planned.chunks)
        self.store = store
        self.job = job
        self.job_id = job.id
        if on_progress is not None:
            threading.Thread(target=self._follow, args=(on_progress,), name="reader-follow", daemon=True).start()

    def status(self) -> str:
        """The job's status in the queue: queued, started, finished, failed, …"""
        try:
            return str(getattr(self.job.get_status(refresh=True), "value", "") or "missing")
        except Exception:  # the job expired from Redis, or the connection dropped
            return "missing"

    def _complete_manifest(self) -> Manifest | None:
        manifest = self.store.read_manifest(self.article_id)
        if manifest is not None and manifest.status == "complete" and manifest.revision == self.revision:
            return manifest
        return None

    def done(self) -> bool:
        return self._complete_manifest() is not None or self.status() not in ACTIVE

    def result(self, timeout: float | None = None, poll: float = 0.25) -> Any:
        """Wait for the job; the ``RenderResult`` with the audio as a local file (fetched from the store)."""
        from reader.render.running import RenderResult

        deadline = None if timeout is None else time.monotonic() + timeout
        settled: float | None = None
        while True:
            manifest = self._complete_manifest()
            status = self.status()
            # The worker writes the manifest a moment before the job records its result: wait for that too.
            waited = settled is not None and time.monotonic() - settled > 30
            if manifest is not None and (status not in ACTIVE or waited):
                path = self.store.assembled_path(self.article_id)
                if path is not None:
                    outcome = self._outcome() or {}
                    return RenderResult(self.article_id, self.revision, manifest, path, outcome.get("rendered", 0))
            if manifest is not None and settled is None:
                settled = time.monotonic()
            if status not in ACTIVE and manifest is None:
                outcome = self._outcome()
                if outcome and outcome.get("status") == "failed":
                    raise ReaderError(outcome.get("error") or "the render failed")
                raise ReaderError(f"render job {self.job_id} {status}: {self._failure() or 'no complete manifest'}")
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"render job {self.job_id} still {status} after {timeout} s")
            time.sleep(poll)

    def _outcome(self) -> dict[str, Any] | None:
        try:
            value = self.job.return_value(refresh=True)
        except Exception:
            return None
        return value if isinstance(value, dict) else None

    def _failure(self) -> str:
        try:
            latest = self.job.latest_result()
            text = (latest.exc_string or "") if latest is not None else ""
        except Exception:
            return ""
        lines = [line for line in text.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def progress(self) -> Progress | None:
        return self.store.read_progress(self.article_id)

    def manifest(self) -> Manifest | None:
        return self.store.read_manifest(self.article_id)

    def _follow(self, on_progress: Any, poll: float = 0.25) -> None:
        """Report the worker's progress records as they change (an earlier render's record is skipped)."""
        last = None
        since = time.time() - 5  # the worker's clock may be a little behind ours
        while True:
            try:
                progress = self.store.read_progress(self.article_id)
            except ReaderError:
                progress = None
            if progress is not None and progress.updated < since:
                progress = None
            if progress is not None and progress != last:
                last = progress
                on_progress(progress)
                if progress.status in ("complete", "failed"):
                    return
            if self.status() not in ACTIVE and (progress is None or progress.status == "rendering"):
                if last is None or last.status == "rendering":
                    time.sleep(poll)  # one more look: the final progress may land just after the job ends
                    final = self.store.read_progress(self.article_id)
                    if final is not None and final != last:
                        on_progress(final)
                return
            time.sleep(poll)


def enqueue(planned: Any, *, store: Store | None = None, on_progress: Any = None) -> QueuedRender:
    """Queue the render of a planned article, or find the job already queued or running for it."""
    from rq import Retry
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    store = store or open_store()
    connection = connect()
    queue = get_queue(connection)
    ident = job_id(planned.article_id, planned.revision)
    try:
        with connection.lock(f"reader:enqueue:{ident}", timeout=30, blocking_timeout=30):
            try:
                job = Job.fetch(ident, connection=connection)
                existing = str(getattr(job.get_status(), "value", ""))
            except NoSuchJobError:
                job, existing = None, ""
            if job is not None and existing in ACTIVE:
                log.info("article %s is already %s in the queue (job %s)", planned.article_id, existing, ident)
                return QueuedRender(planned, store, job, on_progress)
            job = queue.enqueue(
                render_job,
                article_to_dict(planned.article, source_text=False),  # source_text is not spoken; may be large
                planned.options.to_dict(),
                planned.backend,
                keys_digest(planned.keys),
                job_id=ident,
                retry=Retry(max=RETRIES),
                job_timeout=JOB_TIMEOUT,
                result_ttl=RESULT_TTL,
                failure_ttl=RESULT_TTL,
                description=f"render {planned.article.title[:60]!r} ({len(planned.chunks)} chunks)",
            )
    except ReaderError:
        raise
    except Exception as error:  # redis down, refused, timed out
        raise ReaderError(f"could not queue the render at {queue_url()}: {error}") from error
    log.info("queued article %s revision %s as job %s", planned.article_id, planned.revision, ident)
    _warn_without_workers(queue)
    return QueuedRender(planned, store, job, on_progress)


def _warn_without_workers(queue: Any) -> None:
    from rq import Worker

    try:
        idle = Worker.count(queue=queue) == 0
    except Exception:  # only a hint: never fail a render for it
        return
    if idle:
        log.warning("no `reader worker` is listening on %s: the render waits until one starts", queue_url())
