"""The web app's one door to the library: a thin facade over accepting articles and reading them.

``web/intake.py`` accepts (submit, refresh, delete, the render jobs this process
started); ``web/catalog.py`` reads (states, the list, lookups by URL, the audio
the stream sends). Callers keep one object, attached with ``Library.init_app``
and found with ``get_library()``; the facade only wires the two together and
passes calls through.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from reader.backends import list_voices, resolve_backend
from reader.render import get_pool, head_plan, plan, queue_url, start_render
from reader.store import LocalStore, Manifest, Store, open_store
from reader.text import Script
from web.artwork import open_artwork
from web.catalog import Catalog, options_for
from web.intake import Intake, Submission
from web.listing import same_source
from web.metrics import Metrics
from web.readiness import SAMPLE, WARM_UP_TIMEOUT, Readiness, flag
from web.records import open_records
from web.sharedlimits import RenderAdmission
from web.views import ArticleState
from web.voicemenu import UI_LANGUAGE, form_voices, ordered, voice_entries, voice_groups

__all__ = ["ArticleState", "Library", "Submission", "get_library", "valid_id"]

VOICES_TTL_SECONDS = 300.0  # a voice installed meanwhile shows up within this
_ID = re.compile(r"^[A-Za-z0-9_-]{6,80}$")


def valid_id(article_id: str) -> bool:
    """Ids are short tokens; anything else (path tricks, dots, slashes) is a 404 before any lookup."""
    return bool(_ID.match(article_id))


def get_library() -> Library:
    return current_app.extensions["reader_library"]


class Library:
    def __init__(self, cache_dir: str | Path, config: dict[str, Any], metrics: Metrics | None = None) -> None:
        self.cache_dir = Path(cache_dir)
        self.config = config
        self.store: Store = open_store(self.cache_dir)
        url = queue_url()
        records = open_records(self.store, url)  # Redis with a queue: every server sees them
        queued = RenderAdmission(url).queued if url else None
        self.catalog = Catalog(self.store, config, lambda article_id: self.intake.job(article_id), records, queued)
        self.intake = Intake(self.store, config, self.catalog, metrics)
        self._form_voices: tuple[float, list[dict[str, Any]]] | None = None
        self.readiness = Readiness()
        self.artwork = open_artwork(config)

    @classmethod
    def init_app(cls, app: Flask) -> Library:
        library = cls(app.config["CACHE_DIR"], app.config, app.extensions.get("reader_metrics"))
        app.extensions["reader_library"] = library
        return library

    @property
    def metrics(self) -> Metrics | None:
        return self.intake.metrics

    # --- accepting (web/intake.py) -------------------------------------------

    def submit(self, **request: Any) -> Submission:
        """See ``Intake.submit``."""
        return self.intake.submit(**request)

    def preview(self, *, url: str | None = None, html: str | None = None, text: str | None = None) -> Script:
        return self.intake.preview(url=url, html=html, text=text)

    def refresh(self, article_id: str) -> Submission:
        return self.intake.refresh(article_id)

    def delete(self, article_id: str) -> None:
        self.intake.delete(article_id)
        self.artwork.forget([article_id])

    def delete_source(self, article_id: str) -> list[str]:
        """Delete every stored version of the article's source (the library shows them as one row):
        its ids, or [] when there is no such article."""
        ids = same_source(self.catalog.list(), article_id)
        if not ids and self.catalog.get(article_id) is not None:  # accepted, no manifest yet: itself
            ids = [article_id]
        if ids:
            self.intake.delete(*ids)
            self.artwork.forget(ids)
        return ids

    def queue_depth(self) -> int:
        return self.intake.queue_depth()

    def active_renders(self) -> int:
        return self.intake.active_renders()

    def warm(self, app: Flask | None = None) -> None:
        """Warm the render workers and the normalizer in the background (``reader serve`` calls this);
        ``/healthz`` says not ready until they are. ``WARM_UP`` off: ready at once, nothing started.
        With the ``app``: then a first page and voice list through it (templates compiled, the menu's
        voices listed, the request machinery's first run)."""
        if not flag(self.config.get("WARM_UP", True)):
            return
        backend = resolve_backend(self.config.get("BACKEND"), "en")
        local = not queue_url()  # with a queue, workers elsewhere render; this server only plans and reads
        steps: dict[str, Callable[[], Any]] = {}
        if local:
            steps["render_workers_started"] = lambda: get_pool(backend)
        steps["normalizer"] = self._warm_text
        if local:
            steps["render_workers"] = lambda: get_pool(backend).wait_ready(WARM_UP_TIMEOUT)
            steps["first_render"] = self._warm_render
        if app is not None:
            steps["first_requests"] = lambda: _warm_requests(app)
        self.readiness.start(steps)

    def _warm_text(self) -> None:
        """What the first article pays once per process: extraction, the normalizer, the language
        detector, chunking and the chunk keys (the voice model's digest). Nothing is written."""
        article = self.intake.article(html=SAMPLE)
        options = options_for(self.config, None, None, None, None)
        head_plan(article, options)
        plan(article, options)

    def _warm_render(self) -> None:
        """Render the sample as a listener's article is rendered (head first, in the background, through
        the pool: synthesis and MP3 encoding in the workers, progress and assembly here), into a
        throw-away store: the first chunk of the first real article then costs what later ones do."""
        article = self.intake.article(html=SAMPLE)
        options = options_for(self.config, None, None, None, None)
        with tempfile.TemporaryDirectory(prefix="reader-warm-up-") as root:
            job = start_render(article, options, store=LocalStore(Path(root)), head=head_plan(article, options))
            job.result(timeout=WARM_UP_TIMEOUT)

    # --- reading (web/catalog.py) --------------------------------------------

    def get(self, article_id: str) -> ArticleState | None:
        return self.catalog.get(article_id)

    def list(self) -> list[ArticleState]:
        return self.catalog.list()

    def lookup(self, url: str, **options: Any) -> ArticleState | None:
        """See ``Catalog.lookup``."""
        return self.catalog.lookup(url, **options)

    def manifest(self, article_id: str) -> Manifest | None:
        """The article's manifest as stored (parsed once per version), or None."""
        return self.catalog.manifest(article_id)

    def url_decided_id(self, article_id: str) -> bool:
        return self.catalog.url_decided_id(article_id)

    def audio_object(self, article_id: str) -> str | None:
        return self.catalog.audio_object(article_id)

    def audio_size(self, article_id: str) -> int | None:
        return self.catalog.audio_size(article_id)

    def live_parts(self, article_id: str, start: int) -> tuple[list[bytes], str, int]:
        return self.catalog.live_parts(article_id, start)

    # --- the rest -------------------------------------------------------------

    def voices(
        self, *, backend: str | None = None, lang: str | None = None, preferred: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The installed voices with readable names, in the menu's order (``preferred`` languages first)."""
        return ordered(voice_entries(list_voices(backend=backend, lang=lang)), [*preferred, UI_LANGUAGE])

    def voices_for_form(self) -> list[dict[str, Any]]:
        """The voices the library form can use, once each (cached: engines list them in ~0.1 s)."""
        now = time.monotonic()
        if self._form_voices is None or now - self._form_voices[0] > VOICES_TTL_SECONDS:
            self._form_voices = (now, voice_entries(form_voices(self.config.get("BACKEND")), one_per_id=True))
        return self._form_voices[1]

    def voice_groups(self, preferred: Sequence[str] = ()) -> list[dict[str, Any]]:
        """The form's voices in groups: ``preferred`` languages (the article's, the reader's), then the
        interface's, then "Other languages"."""
        return voice_groups(self.voices_for_form(), [*preferred, UI_LANGUAGE])

    def health(self) -> tuple[bool, dict[str, Any]]:
        """Healthy when the cache is writable and the warm-up is done (``ready``)."""
        root = self.cache_dir
        try:
            root.mkdir(parents=True, exist_ok=True)
            writable = os.access(root, os.W_OK)
        except OSError:
            writable = False
        details = {"cache_writable": writable, "renders_in_progress": self.active_renders()}
        details.update(self.readiness.details())
        return writable and self.readiness.is_ready(), details


def _warm_requests(app: Flask) -> None:
    """Reads only (nothing counted as an error or a write): the library page and the voice list."""
    client = app.test_client()
    for path in ("/", "/api/voices"):
        client.get(path, headers={"Accept-Language": "en"})
