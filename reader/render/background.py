"""Rendering in the background of this process: ``start_render`` and ``RenderJob``.

For the web app: a request starts a render and returns at once, and the
player follows the manifest and progress records in the store as chunks
land. The first chunks are submitted before ``start_render`` returns; the
rest of a long article is planned in the job's thread. One job per article
per process; across processes the claim in the store keeps renders single.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from typing import Any

from reader.article import Article
from reader.backends import get_backend
from reader.errors import ReaderError
from reader.render.chunk_render import store_chunk
from reader.render.jobs import queue_url
from reader.render.planning import NothingToSpeak, Plan, RenderOptions, article_id, plan, revision
from reader.render.pools import get_pool
from reader.render.running import ProgressCallback, RenderCancelled, RenderResult, render_plan
from reader.render.workers import Job
from reader.store import Manifest, Progress, Store, open_store

__all__ = ["RenderJob", "head_plan", "start_render", "submit_plan"]

log = logging.getLogger(__name__)


class RenderJob:
    """A render running in a background thread of this process.

    ``article_id`` and ``revision`` are known at once; ``plan`` and ``total``
    (chunks) once the thread has planned the whole article (``total`` is None
    until then). ``progress()`` and ``manifest()`` read the store, so another
    process sees the same.
    """

    def __init__(
        self,
        job: Plan | None,
        store: Store,
        on_progress: ProgressCallback | None,
        pool: Any,
        *,
        article: Article | None = None,
        options: RenderOptions | None = None,
        presubmitted: dict[str, Future] | None = None,
        on_plan: Callable[[Plan], None] | None = None,
    ) -> None:
        self.plan = job
        if job is not None:
            self.article_id, self.revision, self.total = job.article_id, job.revision, len(job.chunks)
        elif article is not None and options is not None:
            self.article_id, self.revision, self.total = article_id(article, options), revision(article), None
        else:
            raise ReaderError("a render job needs a plan, or an article and options")
        self._article, self._options, self._presubmitted = article, options, presubmitted
        self._on_plan = on_plan
        self.store = store
        self._stop = threading.Event()
        self.future: Future[RenderResult] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(on_progress, pool), name=f"reader-render-{self.article_id[:8]}", daemon=True
        )
        self._thread.start()

    def _run(self, on_progress: ProgressCallback | None, pool: Any) -> None:
        self.future.set_running_or_notify_cancel()
        try:
            self._first_alone()
            if self.plan is None:
                self.plan = plan(self._article, self._options)  # type: ignore[arg-type]
                self.total = len(self.plan.chunks)
            if self._on_plan is not None:
                self._on_plan(self.plan)
            if self._stop.is_set():
                raise RenderCancelled(f"the render of {self.article_id} was cancelled")
            result = render_plan(
                self.plan,
                store=self.store,
                on_progress=on_progress,
                pool=pool,
                presubmitted=self._presubmitted,
                stop=self._stop,
            )
            self.future.set_result(result)
        except BaseException as error:  # handed to whoever waits on the job
            for future in (self._presubmitted or {}).values():
                future.cancel()
            self.future.set_exception(error)
        finally:
            with _jobs_lock:
                if _jobs.get(self.article_id) is self:
                    del _jobs[self.article_id]

    def _first_alone(self) -> bool:
        """For a slow engine (one that declares ``first_chunk_chars``) only the first chunk was submitted
        early: let it render with nothing else of ours running (no planning, no other chunk on the other
        cores), since the first sound waits for it. Measured here: 0.39 s alone, 0.66 s beside a second
        chunk, for 31 characters of Piper on 2 busy cores."""
        early = list((self._presubmitted or {}).values())
        if len(early) != 1 or self.plan is not None:
            return False
        with contextlib.suppress(Exception):
            futures_wait(early, timeout=FIRST_ALONE_MAX_S)
        return True

    def cancel(self) -> None:
        """Stop rendering soon (within about half a second): chunks not yet started are dropped, the
        manifest says "failed" (cancelled), and ``result()`` raises ``RenderCancelled``. Chunks already
        stored stay cached. Wait with ``result()`` or ``done()`` before deleting the article."""
        self._stop.set()

    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None) -> RenderResult:
        return self.future.result(timeout)

    def progress(self) -> Progress | None:
        return self.store.read_progress(self.article_id)

    def manifest(self) -> Manifest | None:
        return self.store.read_manifest(self.article_id)


_jobs: dict[str, RenderJob] = {}
_jobs_lock = threading.Lock()


HEAD_BLOCKS = 2  # blocks planned and submitted before start_render returns, so the first chunk starts at once
HEAD_CHUNKS = 4
FIRST_ALONE_MAX_S = 5.0  # how long the rest of a slow engine's render waits for its first chunk at most


def head_plan(article: Article, options: RenderOptions) -> Plan | None:
    """The plan of the title and first blocks only (None when they hold nothing to speak).

    Planning a long article (splitting and normalizing every sentence) takes
    a while; the first chunk need not wait for it. Its sentences, chunks and
    keys are a prefix of the full plan's (keys depend only on each chunk's
    text and the options). Bad options (an unknown voice) raise here, as
    they would from the full plan. Its ``revision`` is the head's, not the
    article's.
    """
    try:
        return plan(dataclasses.replace(article, blocks=article.blocks[:HEAD_BLOCKS]), options)
    except NothingToSpeak:
        return None  # the speech starts later in the article (or nowhere: the full plan will say so)


def _head_start(
    article: Article, options: RenderOptions, store: Store, pool: Any, head: Plan | None = None, identity: str = ""
) -> dict[str, Future]:
    """Submit the first uncached chunks of the head of the article (``head_plan``) to the pool now."""
    head = head or head_plan(article, options)
    if head is None:
        return {}
    pool = pool or get_pool(head.backend)
    futures: dict[str, Future] = {}
    slow = getattr(get_backend(head.backend), "first_chunk_chars", None)  # its first chunk renders alone
    for index, chunk in enumerate(head.chunks[: 1 if slow else HEAD_CHUNKS]):
        key = head.keys[index]
        if key not in futures and store.chunk_info(key) is None:
            future = pool.submit(Job(key, chunk.text, head.backend, head.speech, options.audio, index, identity))
            future.add_done_callback(functools.partial(_store_early, store, key))
            futures[key] = future
    return futures


def _store_early(store: Store, key: str, future: Future) -> None:
    """Put a head chunk in the store as soon as it is encoded: readable by key before the plan is done."""
    if future.cancelled() or future.exception() is not None:
        return  # the render reports it
    try:
        store_chunk(store, key, future.result())
    except ReaderError as error:
        log.warning("could not store chunk %s early: %s", key[:12], error)


def start_render(
    source: Article | str | bytes | os.PathLike[str],
    options: RenderOptions | None = None,
    *,
    store: Store | None = None,
    on_progress: ProgressCallback | None = None,
    pool: Any = None,
    head: Plan | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> RenderJob:
    """Start rendering in the background and return at once.

    A source other than an ``Article`` is extracted first (a URL is fetched),
    in this call. The first chunks are submitted before it returns; the rest
    of the article is planned in the background. A second call for an
    article already rendering in this process returns the same job. Progress
    and the manifest so far are in the store; chunk audio is readable by key
    as soon as each chunk is stored. Bad options (an unknown voice) raise here.
    ``head``: the article's ``head_plan`` when the caller made it already;
    ``on_plan``: called in the job's thread with the full plan before the
    render begins (the web app writes the whole script then).
    """
    options = options or RenderOptions()
    if isinstance(source, Article):
        article = source
    else:
        from reader.text import extract

        article = extract(source)
    store = store or open_store()
    if pool is None and queue_url() is not None:  # READER_QUEUE_URL: a queue worker renders it (reader.render.jobs)
        whole = plan(article, options)
        if on_plan is not None:
            on_plan(whole)
        return submit_plan(whole, store=store, on_progress=on_progress)
    identity = article_id(article, options)
    with _jobs_lock:
        running = _jobs.get(identity)
        if running is not None and running.revision == revision(article):
            return running
    early = _head_start(article, options, store, pool, head, identity)
    with _jobs_lock:
        running = _jobs.get(identity)
        if running is not None and running.revision == revision(article):
            for future in early.values():
                future.cancel()
            return running
        started = RenderJob.__new__(RenderJob)
        _jobs[identity] = started
    started.__init__(
        None, store, on_progress, pool, article=article, options=options, presubmitted=early, on_plan=on_plan
    )
    return started


def submit_plan(job: Plan, *, store: Store, on_progress: ProgressCallback | None = None, pool: Any = None) -> RenderJob:
    """Render a planned article in the background and return at once: on the job queue when
    ``READER_QUEUE_URL`` is set (``reader.render.jobs``; a ``QueuedRender`` with the same reading surface),
    else in a thread of this process. The entry for callers that plan first, such as the web app."""
    if pool is None and queue_url() is not None:
        from reader.render.jobs import enqueue

        return enqueue(job, store=store, on_progress=on_progress)  # type: ignore[return-value]
    return RenderJob(job, store, on_progress, pool)
