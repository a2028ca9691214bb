"""Accepting articles: submit (extract, derive the id, start the render), refresh, delete, capacity.

It never synthesizes in the request thread: ``submit`` extracts the article
(pure CPU, or a bounded fetch), derives its id, and hands the render to the
background renderer, which claims the article in the cache so that several
server processes still render it once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reader.article import Article
from reader.errors import InputError, ReaderError
from reader.render import (
    Plan,
    RenderOptions,
    head_plan,
    plan,
    queue_url,
    revision,
    start_render,
    submit_plan,
)
from reader.render import article_id as id_for
from reader.store import article_object
from reader.text import Script, extract, is_http_url, make_script
from web.accepted import fail_record, write_record
from web.catalog import Catalog, options_for
from web.errors import ApiError
from web.metrics import Metrics
from web.sharedlimits import RenderAdmission

__all__ = ["Intake", "Submission"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Submission:
    article_id: str
    revision: str
    started: bool  # False when the article was already rendered or rendering


class Intake:
    """Starts renders and keeps the ones this process started (``job``), for capacity and for readers
    who must tell "still planning here" from "stalled"."""

    def __init__(self, store: Any, config: Any, catalog: Catalog, metrics: Metrics | None = None) -> None:
        self.store = store
        self.config = config
        self.catalog = catalog
        self.metrics = metrics
        self._lock = threading.Lock()
        self._jobs: dict[str, Any] = {}  # RenderJob, or QueuedRender with a queue
        self._shared: tuple[str, RenderAdmission] | None = None  # (queue URL, its admission)

    def job(self, article_id: str) -> Any:
        """The render this process started for the article, finished or not, or None."""
        return self._jobs.get(article_id)

    # --- sources ------------------------------------------------------------

    @staticmethod
    def article(
        url: str | None = None,
        html: str | None = None,
        text: str | None = None,
        *,
        trusted: bool = False,
        allowed: Callable[[str], bool] | None = None,
    ) -> Article:
        """Extract an article. A URL is fetched through the guarded fetcher and decides the article's id;
        pasted content goes in as bytes (never taken for a path or URL) and is identified by its content,
        unless its publisher (a token holder: ``trusted``) vouches for the URL it claims. ``allowed``:
        for an anonymous embed request, whether the page's final address is on an allowed host."""
        if url is not None:
            if not is_http_url(url.strip(), max_chars=len(url)):  # the fetch policy caps the length
                raise InputError("url must be an http or https address")  # never read as pasted text
            article = extract(url.strip())
            if allowed is not None and not allowed(article.identity_url or ""):
                raise ApiError(403, "the page moved to a site this server does not read for embeds")
            return article
        content = html if html is not None else text
        if content is None or not content.strip():
            raise InputError("give an article's address, or paste its HTML or text")
        return extract(content.encode("utf-8"), trust_claimed_url=trusted)

    def preview(self, *, url: str | None = None, html: str | None = None, text: str | None = None) -> Script:
        return make_script(self.article(url, html, text))

    # --- rendering ----------------------------------------------------------

    def submit(
        self,
        *,
        url: str | None = None,
        html: str | None = None,
        text: str | None = None,
        backend: str | None = None,
        voice: str | None = None,
        rate: float | None = None,
        lang: str | None = None,
        fallback_backend: str | None = None,
        trusted: bool = False,
        allowed: Callable[[str], bool] | None = None,
    ) -> Submission:
        """Start (or find) the render of an article; returns at once with its id. ``trusted``: the
        request comes from a token holder, whose pasted content may claim a URL's identity;
        ``allowed``: an anonymous embed request's host check (see ``article``)."""
        article = self.article(url, html, text, trusted=trusted, allowed=allowed)
        options = options_for(self.config, backend, voice, rate, lang)
        fallback = fallback_backend or self.config.get("FALLBACK_BACKEND") or None
        if fallback and fallback != options.backend:  # a failure policy: not part of the article's id
            options = dataclasses.replace(options, fallback_backend=fallback)
        return self._start(article, options, source_url=url.strip() if url else None)

    def _start(self, article: Article, options: RenderOptions, *, source_url: str | None = None) -> Submission:
        """Plan the head of the article (checking the options), start its first chunks, and answer: the
        rest is planned in the render's thread, which then writes the whole script (scripting a 5,000-word
        article takes ~0.15 s that the first sound need not wait for). With a job queue, or when the head
        has nothing to speak, the whole article is planned here as before."""
        head = head_plan(article, options)
        identity, current = id_for(article, options), revision(article)
        manifest = self.store.read_manifest(identity)
        finished = manifest is not None and manifest.revision == current and manifest.status == "complete"
        if finished and manifest.audio and self.store.size(article_object(identity, manifest.audio)) is not None:
            return Submission(identity, current, False)
        with self._lock:
            running = self._jobs.get(identity)
            if running is not None and not running.done() and running.revision == current:
                return Submission(identity, current, False)
            if not self.config.get("RENDER_IN_PROCESS", True):
                raise ApiError(503, "no renderer is configured for this server", retry_after=30)
            admission = self._admission()
            if admission is None:
                self._check_capacity(self.active_renders())
            if head is None or queue_url():
                job = plan(article, options)
                with admission.turn() if admission is not None else contextlib.nullcontext():
                    if admission is not None and not admission.queued(identity, current):
                        self._check_capacity(admission.active())  # every server's renders, on the queue
                    write_record(self.catalog.records, job.article_id, job, source_url)
                    self._jobs[identity] = self._launch(job)
                chunks = str(len(job.chunks))
            else:
                self._jobs[identity] = self._launch_head(article, options, head, identity, current, source_url)
                chunks = "planning"
        log.info("rendering article %s revision %s (%s chunks)", identity, current, chunks)
        return Submission(identity, current, True)

    def _launch(self, job: Plan) -> Any:
        """Render the plan made here (planning a 5,000-word article again would cost another ~0.15 s
        before the first sound): on the job queue when READER_QUEUE_URL is set, as reader.render does,
        else in a background thread of this process. The metrics, when on, watch it."""
        if self.metrics is None:
            return submit_plan(job, store=self.store)
        on_progress, attach = self.metrics.watch_render(len(job.chunks), self.queue_depth)
        running = submit_plan(job, store=self.store, on_progress=on_progress)
        attach(running)
        self.metrics.set_queue_depth(self.queue_depth() + 1)  # this job is not in _jobs yet
        return running

    def _launch_head(
        self,
        article: Article,
        options: RenderOptions,
        head: Plan,
        identity: str,
        current: str,
        source_url: str | None,
    ) -> Any:
        """Write the head's script as a partial record, start its first chunks, and render in a thread
        that plans the whole article, writes its whole script, then renders (``start_render``)."""
        records = self.catalog.records  # the head's own id differs for pasted text: the record is the article's
        write_record(records, identity, head, source_url, revision=current, partial=True)
        on_progress, attach = self.metrics.watch_render(None, self.queue_depth) if self.metrics else (None, None)
        running = start_render(
            article,
            options,
            store=self.store,
            on_progress=on_progress,
            head=head,
            on_plan=lambda whole: write_record(records, identity, whole, source_url),
        )

        def planned_or_failed(future: Any) -> None:
            error = future.exception() if not future.cancelled() else None
            if error is not None:  # the rest of the article could not be planned: say so, not "stalled"
                fail_record(records, identity, str(error) if isinstance(error, ReaderError) else "the render failed")

        if running.plan is not None:  # a render of this revision already ran in this process: its script
            write_record(records, identity, running.plan, source_url)
        running.future.add_done_callback(planned_or_failed)
        if attach is not None and self.metrics is not None:
            attach(running)
            self.metrics.set_queue_depth(self.queue_depth() + 1)  # this job is not in _jobs yet
        return running

    def queue_depth(self) -> int:
        """Renders this process accepted that have not ended (read without the lock: a gauge)."""
        return sum(1 for job in list(self._jobs.values()) if not job.done())

    def _admission(self) -> RenderAdmission | None:
        """With a queue URL and a RENDER_QUEUE_LIMIT, the limit counts every server's renders (queued
        or running on the workers) under a cluster-wide turn; else this process counts its own."""
        url = queue_url()
        if not url or not int(self.config.get("RENDER_QUEUE_LIMIT") or 0):
            return None
        if self._shared is None or self._shared[0] != url:
            self._shared = (url, RenderAdmission(url))
        return self._shared[1]

    def _check_capacity(self, active: int) -> None:
        limit = int(self.config.get("RENDER_QUEUE_LIMIT") or 0)
        if limit and active >= limit:
            if self.metrics is not None:
                self.metrics.render_rejected()
            raise ApiError(503, "the renderer is busy; try again shortly", retry_after=10)

    def active_renders(self) -> int:
        for article_id in [key for key, job in self._jobs.items() if job.done()]:
            del self._jobs[article_id]
        return len(self._jobs)

    def refresh(self, article_id: str) -> Submission:
        manifest = self.store.read_manifest(article_id)
        if manifest is None:
            raise ApiError(404, f"no article with id {article_id!r}")
        record = self.catalog.record(article_id) or {}
        source = record.get("source_url") or (manifest.url if self.catalog.url_decided(manifest) else None)
        # a pasted article's claimed URL, or anything but http(s), is never a source
        if not is_http_url(source, max_chars=8192):
            raise ApiError(409, "this article was pasted, so there is no source to fetch again; post the new text")
        article = extract(source)  # a URL string: fetched through the guarded fetcher, never read as a path
        options = (
            RenderOptions.from_dict(manifest.options)
            if manifest.options
            else options_for(self.config, None, None, None, None)
        )
        submission = self._start(article, options, source_url=source)
        if submission.article_id != article_id:  # the page now names another canonical URL
            log.info("refresh of %s gave article %s", article_id, submission.article_id)
        return submission

    def delete(self, *article_ids: str) -> None:
        """Delete the articles, none if any of them is still rendering here (409)."""
        if any(self._rendering(article_id) for article_id in article_ids):
            raise ApiError(409, "the article is still rendering; delete it when it is done")
        with self._lock:
            for article_id in article_ids:
                self._jobs.pop(article_id, None)
        for article_id in article_ids:
            self.store.delete_article(article_id)
            self.catalog.records.delete(article_id)

    def _rendering(self, article_id: str, finishing_seconds: float = 10.0) -> bool:
        """Whether a render this process started for the article is still going. One whose manifest
        already says complete is finishing its last writes: wait for it rather than refuse a listener
        who pressed delete the moment the article was done."""
        job = self._jobs.get(article_id)
        if job is None or job.done():
            return False
        manifest = self.store.read_manifest(article_id)
        if manifest is None or manifest.status != "complete":
            return True
        with contextlib.suppress(Exception):  # its outcome is the render's business; only its end matters
            job.result(timeout=finishing_seconds)
        return not job.done()
