"""The web app's one door to the library: submit, look up, list, stream and delete articles.

A thin service over the public render API and the store (attached with
``Library.init_app``). It never synthesizes in the request thread: ``submit``
extracts the article (pure CPU, or a bounded fetch), derives its id, and hands
the render to the background renderer, which claims the article in the cache so
that several server processes still render it once.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from reader.article import Article
from reader.audio import AudioSettings, silence_frames
from reader.backends import list_voices, resolve_backend
from reader.errors import InputError, ReaderError
from reader.render import (
    Plan,
    RenderOptions,
    get_pool,
    head_plan,
    legacy_article_id,
    plan,
    queue_url,
    revision,
    start_render,
    submit_plan,
)
from reader.render import article_id as id_for
from reader.store import LocalStore, Manifest, Progress, open_store
from reader.text import Script, extract, is_http_url, make_script
from web.accepted import (
    STALLED_MESSAGE,
    STALLED_SECONDS,
    accepted_state,
    fail_record,
    resubmitted,
    whole_record,
    write_record,
)
from web.errors import ApiError
from web.metrics import Metrics
from web.views import ArticleState, SentenceTiming

__all__ = ["ArticleState", "Library", "Submission", "get_library", "valid_id"]

log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9_-]{6,80}$")
MANIFEST_CACHE_SIZE = 512


def valid_id(article_id: str) -> bool:
    """Ids are short tokens; anything else (path tricks, dots, slashes) is a 404 before any lookup."""
    return bool(_ID.match(article_id))


@dataclass(frozen=True)
class Submission:
    article_id: str
    revision: str
    started: bool  # False when the article was already rendered or rendering


def get_library() -> Library:
    return current_app.extensions["reader_library"]


class Library:
    metrics: Metrics | None = None  # set by init_app when the app has metrics

    def __init__(self, cache_dir: str | Path, config: dict[str, Any]) -> None:
        self.cache_dir = Path(cache_dir)
        self.config = config
        self._lock = threading.Lock()
        self._jobs: dict[str, Any] = {}  # RenderJob, or QueuedRender with a queue
        self._manifests: dict[str, tuple[tuple[int, int, int], Manifest]] = {}
        self._states: dict[str, tuple[Manifest, ArticleState]] = {}
        self.store: LocalStore = open_store(self.cache_dir)

    @classmethod
    def init_app(cls, app: Flask) -> Library:
        library = cls(app.config["CACHE_DIR"], app.config)
        library.metrics = app.extensions.get("reader_metrics")
        app.extensions["reader_library"] = library
        return library

    # --- sources ------------------------------------------------------------

    @staticmethod
    def _article(
        url: str | None = None,
        html: str | None = None,
        text: str | None = None,
        *,
        trusted: bool = False,
        allowed: Callable[[str], bool] | None = None,
    ) -> Any:
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
        return make_script(self._article(url, html, text))

    def voices_for_form(self) -> list[dict[str, Any]]:
        try:
            return self.voices(backend=self.config.get("BACKEND"))
        except ReaderError:
            return []

    # --- rendering ----------------------------------------------------------

    def _options(self, backend: str | None, voice: str | None, rate: float | None, lang: str | None) -> RenderOptions:
        return RenderOptions(
            backend=backend or self.config.get("BACKEND") or None,
            voice=voice or self.config.get("VOICE") or None,
            rate=int(rate) if rate else (self.config.get("RATE") or None),
            lang=lang or None,
        )

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
        ``allowed``: an anonymous embed request's host check (see ``_article``)."""
        article = self._article(url, html, text, trusted=trusted, allowed=allowed)
        options = self._options(backend, voice, rate, lang)
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
        if finished and self.store.assembled_path(identity) is not None:
            return Submission(identity, current, False)
        with self._lock:
            running = self._jobs.get(identity)
            if running is not None and not running.done() and running.revision == current:
                return Submission(identity, current, False)
            if not self.config.get("RENDER_IN_PROCESS", True):
                raise ApiError(503, "no renderer is configured for this server", retry_after=30)
            self._check_capacity()
            if head is None or queue_url():
                job = plan(article, options)
                self._write_script(job, source_url)
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
        directory = self.store.article_dir(identity)  # the head's own id differs for pasted text
        write_record(directory, head, source_url, revision=current, partial=True)
        on_progress, attach = self.metrics.watch_render(None, self.queue_depth) if self.metrics else (None, None)
        running = start_render(
            article,
            options,
            store=self.store,
            on_progress=on_progress,
            head=head,
            on_plan=lambda whole: write_record(directory, whole, source_url),
        )

        def planned_or_failed(future: Any) -> None:
            error = future.exception() if not future.cancelled() else None
            if error is not None:  # the rest of the article could not be planned: say so, not "stalled"
                fail_record(directory, str(error) if isinstance(error, ReaderError) else "the render failed")

        if running.plan is not None:  # a render of this revision already ran in this process: its script
            write_record(directory, running.plan, source_url)
        running.future.add_done_callback(planned_or_failed)
        if attach is not None and self.metrics is not None:
            attach(running)
            self.metrics.set_queue_depth(self.queue_depth() + 1)  # this job is not in _jobs yet
        return running

    def queue_depth(self) -> int:
        """Renders this process accepted that have not ended (read without the lock: a gauge)."""
        return sum(1 for job in list(self._jobs.values()) if not job.done())

    def _check_capacity(self) -> None:
        limit = int(self.config.get("RENDER_QUEUE_LIMIT") or 0)
        if limit and self.active_renders() >= limit:
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
        record = self._read_record(article_id) or {}
        source = record.get("source_url") or (manifest.url if self._url_decided_id(manifest) else None)
        # a pasted article's claimed URL, or anything but http(s), is never a source
        if not is_http_url(source, max_chars=8192):
            raise ApiError(409, "this article was pasted, so there is no source to fetch again; post the new text")
        article = extract(source)  # a URL string: fetched through the guarded fetcher, never read as a path
        options = (
            RenderOptions.from_dict(manifest.options) if manifest.options else self._options(None, None, None, None)
        )
        submission = self._start(article, options, source_url=source)
        if submission.article_id != article_id:  # the page now names another canonical URL
            log.info("refresh of %s gave article %s", article_id, submission.article_id)
        return submission

    def _url_decided_id(self, manifest: Manifest) -> bool:
        """Whether the article's id came from its URL (fetched by a server, or vouched for by its
        publisher) rather than from its content: only then is that URL its source and identity."""
        if not manifest.url:
            return False
        options = self._options(None, None, None, None)
        if manifest.options:
            options = RenderOptions.from_dict(manifest.options)
        claimed = Article(title="", blocks=(), url=manifest.url, identity_url=manifest.url)
        return id_for(claimed, options) == manifest.article_id

    def url_decided_id(self, article_id: str) -> bool:
        """``_url_decided_id`` for a stored article (the feed's guid uses it)."""
        manifest = self._manifest(article_id)
        return manifest is not None and self._url_decided_id(manifest)

    def delete(self, article_id: str) -> None:
        with self._lock:
            job = self._jobs.pop(article_id, None)
        if job is not None and not job.done():
            raise ApiError(409, "the article is still rendering; delete it when it is done")
        self.store.delete_article(article_id)

    # --- reading ------------------------------------------------------------

    def lookup(
        self,
        url: str,
        *,
        backend: str | None = None,
        voice: str | None = None,
        rate: float | None = None,
        lang: str | None = None,
    ) -> ArticleState | None:
        """The article fetched from ``url`` (or published under it by a token holder), if known: ids come
        from the URL and the options only for such articles, so a paste claiming ``url`` is not found."""
        options = self._options(backend, voice, rate, lang)
        article = Article(title="", blocks=(), url=url, identity_url=url)
        legacy = legacy_article_id(article, options)  # rendered by default before the default voice changed
        return self.get(id_for(article, options)) or (self.get(legacy) if legacy else None)

    def _manifest(self, article_id: str) -> Manifest | None:
        """The manifest, parsed once per version: a finished 5,000-word article's is ~200 KB of JSON, and
        every audio request (Range requests come by the hundred) needs it. Writes are atomic renames, so a
        new version is a new inode."""
        if type(self.store) is not LocalStore:
            return self.store.read_manifest(article_id)
        path = self.store.article_dir(article_id) / "manifest.json"
        try:
            info = path.stat()
        except FileNotFoundError:
            return None
        version = (info.st_ino, info.st_mtime_ns, info.st_size)
        cached = self._manifests.get(article_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        manifest = self.store.read_manifest(article_id)
        if manifest is not None and len(self._manifests) < MANIFEST_CACHE_SIZE:
            self._manifests[article_id] = (version, manifest)
        elif manifest is not None:
            self._manifests.clear()
        self._states.pop(article_id, None)
        return manifest

    def manifest(self, article_id: str) -> Manifest | None:
        """The article's manifest as stored (parsed once per version), or None."""
        return self._manifest(article_id)

    def get(self, article_id: str) -> ArticleState | None:
        manifest = self._manifest(article_id)
        if manifest is None:
            return self._accepted_state(article_id)
        # a new revision accepted whose render has not written its manifest yet
        if resubmitted(self.store.article_dir(article_id)):
            accepted = self._accepted_state(article_id)
            if accepted is not None and accepted.revision != manifest.revision:
                return accepted
        if manifest.status != "complete":
            return self._state(manifest)
        cached = self._states.get(article_id)
        if cached is not None and cached[0] is manifest:
            return cached[1]
        state = self._state(manifest)
        self._states[article_id] = (manifest, state)
        return state

    def list(self) -> list[ArticleState]:
        states = [self._state(manifest, with_script=False) for manifest in self.store.iter_manifests()]
        return sorted(states, key=lambda state: state.updated, reverse=True)

    def _state(self, manifest: Manifest, *, with_script: bool = True) -> ArticleState:
        timings = {index: (start, end) for index, _, start, end in manifest.sentences()}
        spoken: dict[int, list[str]] = {}
        for entry in manifest.entries:
            spoken.setdefault(entry.sentence, []).append(entry.spoken)
        script = self._read_script(manifest.article_id, manifest.revision) if with_script else None
        rows = script or [
            {"index": e.sentence, "block": e.block, "kind": e.kind, "written": e.written}
            for e in manifest.entries
            if e.part == 0
        ]
        sentences = tuple(
            SentenceTiming(
                index=row["index"],
                block=row["block"],
                kind=row["kind"],
                written=row["written"],
                spoken=row.get("spoken") or " ".join(spoken.get(row["index"], [])),
                start=timings[row["index"]][0] if row["index"] in timings else None,
                end=timings[row["index"]][1] if row["index"] in timings else None,
            )
            for row in rows
        )
        progress = self.store.read_progress(manifest.article_id) if manifest.status == "rendering" else None
        done = len(manifest.entries) if manifest.status != "complete" else manifest.total
        if progress is not None and progress.done > done:
            done = progress.done
        status = manifest.status
        if status == "rendering" and self._stalled(manifest, progress):
            status = "failed"
        return ArticleState(
            id=manifest.article_id,
            revision=manifest.revision,
            status=status,
            title=manifest.title,
            sentences=sentences,
            done=done,
            total=manifest.total,
            audio_seconds=manifest.duration,
            duration=manifest.duration if manifest.status == "complete" else None,
            error=manifest.error or (STALLED_MESSAGE if status != manifest.status else None),
            byline=manifest.byline,
            site_name=manifest.site_name,
            date=manifest.date,
            url=manifest.url,
            image=manifest.image,
            lang=manifest.lang,
            options=manifest.options,
            updated=manifest.updated,
        )

    def _stalled(self, manifest: Manifest, progress: Progress | None) -> bool:
        """A render that has written nothing for long and whose claim is gone died with its process."""
        last = max(manifest.updated, progress.updated if progress else 0.0)
        if time.time() - last < STALLED_SECONDS:
            return False
        return not (self.store.article_dir(manifest.article_id) / "render.lock").exists()

    def audio_file(self, article_id: str) -> Path | None:
        if type(self.store) is not LocalStore:
            return self.store.assembled_path(article_id)  # the S3 store fetches it into its local copy once
        manifest = self._manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        path = self.store.article_dir(article_id) / manifest.audio
        return path if path.exists() else None

    def live_parts(self, article_id: str, start: int) -> tuple[list[bytes], str, int]:
        """The live stream's pieces for entries ``start``.. that exist now (silence for pauses, then chunk
        audio, exactly as assembly lays them out), the article's status and its number of chunks."""
        manifest = self._manifest(article_id)  # parsed again only when it changed, however many listeners poll
        if manifest is None:
            accepted = self._accepted_state(article_id)
            return [], accepted.status if accepted else "failed", accepted.total if accepted else 0
        settings = AudioSettings.from_dict(manifest.options.get("audio") or {})
        parts: list[bytes] = []
        entries = manifest.entries
        position = entries[start - 1].frame_start + entries[start - 1].frames if 0 < start <= len(entries) else 0
        for entry in entries[start:]:
            data = self.store.read_chunk(entry.key)
            if data is None:
                break
            parts.append(silence_frames(entry.frame_start - position, settings) + data)
            position = entry.frame_start + entry.frames
        return parts, manifest.status, manifest.total

    # --- the rest -----------------------------------------------------------

    def warm(self) -> None:
        """Start the default backend's render workers in the background (``reader serve`` calls this)."""
        backend = resolve_backend(self.config.get("BACKEND"), "en")
        if queue_url():
            return  # queue workers render; this server only reads the store

        def start() -> None:
            try:
                get_pool(backend).wait_ready()
            except ReaderError as error:
                log.warning("could not start the %s render workers: %s", backend, error)

        threading.Thread(target=start, name="reader-warm-pool", daemon=True).start()

    def voices(self, *, backend: str | None = None, lang: str | None = None) -> list[dict[str, Any]]:
        return [
            {"id": v.id, "name": v.name, "lang": v.lang, "gender": v.gender, "backend": v.backend}
            for v in list_voices(backend=backend, lang=lang)
        ]

    def health(self) -> tuple[bool, dict[str, Any]]:
        root = self.cache_dir
        try:
            root.mkdir(parents=True, exist_ok=True)
            writable = os.access(root, os.W_OK)
        except OSError:
            writable = False
        details = {"cache_writable": writable, "renders_in_progress": self.active_renders()}
        return writable, details

    def _write_script(self, job: Plan, source_url: str | None) -> None:
        write_record(self.store.article_dir(job.article_id), job, source_url)

    def _read_record(self, article_id: str) -> dict[str, Any] | None:
        """The accepted record, with the whole script (waits the moment a render takes to plan it)."""

        def planning() -> bool:
            job = self._jobs.get(article_id)
            return job is None or not job.done()

        return whole_record(self.store.article_dir(article_id), planning)

    def _waiting(self, article_id: str) -> bool:
        """Whether this server handed the article to a render that has not ended: a job on a busy queue
        may wait longer than STALLED_SECONDS before a worker writes its first manifest."""
        job = self._jobs.get(article_id)
        return job is not None and not job.done()

    def _accepted_state(self, article_id: str) -> ArticleState | None:
        record = self._read_record(article_id)
        return accepted_state(article_id, record, waiting=self._waiting(article_id)) if record is not None else None

    def _read_script(self, article_id: str, revision: str) -> list[dict[str, Any]] | None:
        record = self._read_record(article_id)
        if record is None or record.get("revision") != revision:
            return None
        return record["sentences"]
