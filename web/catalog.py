"""Reading the library: an article's state from its manifest, the list, lookups by URL, its audio parts.

Everything here reads the store; nothing starts a render. Manifests are parsed
once per version (a finished 5,000-word article's is ~200 KB of JSON, and every
audio request needs it), and an article accepted but not yet rendered is shown
from the record written when it was accepted (web/accepted.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reader.article import Article
from reader.audio import AudioSettings, silence_frames
from reader.render import RenderOptions, legacy_article_id
from reader.render import article_id as id_for
from reader.store import Manifest, Progress, article_object
from web.accepted import STALLED_MESSAGE, STALLED_SECONDS, accepted_state, whole_record
from web.records import DirectoryRecords, RecordStore
from web.views import ArticleState, SentenceTiming

__all__ = ["MANIFEST_CACHE_SIZE", "Catalog", "options_for"]

MANIFEST_CACHE_SIZE = 512


def options_for(
    config: Any, backend: str | None, voice: str | None, rate: float | None, lang: str | None
) -> RenderOptions:
    """The render options of a request, the server's defaults filling what it leaves out: an article's
    id depends on them, so submitting and looking up must fill them the same way."""
    return RenderOptions(
        backend=backend or config.get("BACKEND") or None,
        voice=voice or config.get("VOICE") or None,
        rate=int(rate) if rate else (config.get("RATE") or None),
        lang=lang or None,
    )


class Catalog:
    """The library as read by pages, the API, the feed and the audio stream.

    ``job_for(article_id)``: the render this process started for the article (or None), asked of the
    intake, so a record still being planned here is waited for and a queued one is not called stalled.
    ``records``: where accepted records live (web/records.py; default: beside the manifests).
    ``queued(article_id, revision)``: with a job queue, whether that render is queued or running there,
    so an article another server accepted is not called stalled while it waits for a worker.
    """

    def __init__(
        self,
        store: Any,
        config: Any,
        job_for: Callable[[str], Any],
        records: RecordStore | None = None,
        queued: Callable[[str, str], bool] | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self._job_for = job_for
        self._queued = queued
        self.records: RecordStore = records if records is not None else DirectoryRecords(store)
        self._manifests: dict[str, tuple[tuple[int, int, int], Manifest]] = {}
        self._states: dict[str, tuple[Manifest, ArticleState]] = {}

    # --- identity -------------------------------------------------------------

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
        options = options_for(self.config, backend, voice, rate, lang)
        article = Article(title="", blocks=(), url=url, identity_url=url)
        legacy = legacy_article_id(article, options)  # rendered by default before the default voice changed
        return self.get(id_for(article, options)) or (self.get(legacy) if legacy else None)

    def url_decided(self, manifest: Manifest) -> bool:
        """Whether the article's id came from its URL (fetched by a server, or vouched for by its
        publisher) rather than from its content: only then is that URL its source and identity."""
        if not manifest.url:
            return False
        options = options_for(self.config, None, None, None, None)
        if manifest.options:
            options = RenderOptions.from_dict(manifest.options)
        claimed = Article(title="", blocks=(), url=manifest.url, identity_url=manifest.url)
        return id_for(claimed, options) == manifest.article_id

    def url_decided_id(self, article_id: str) -> bool:
        """``url_decided`` for a stored article (the feed's guid uses it)."""
        manifest = self.manifest(article_id)
        return manifest is not None and self.url_decided(manifest)

    # --- manifests and states -------------------------------------------------

    def manifest(self, article_id: str) -> Manifest | None:
        """The manifest, parsed once per version. Where the store has it as a file, a version is its inode
        (writes are atomic renames); elsewhere (S3) the store reads it, and an unchanged one is the same
        object as before, so the article's state built from it is reused, not rebuilt (and its record
        fetched again) on every request."""
        path = self.store.local_path(article_object(article_id, "manifest.json"))  # a file: cache by inode
        cached = self._manifests.get(article_id)
        if path is None:
            manifest = self.store.read_manifest(article_id)  # the S3 store reuses a read for a fraction of a second
            if manifest is not None and cached is not None and cached[1] == manifest:
                return cached[1]
            version = (-1, 0, 0)
        else:
            try:
                info = path.stat()
            except FileNotFoundError:
                return None
            version = (info.st_ino, info.st_mtime_ns, info.st_size)
            if cached is not None and cached[0] == version:
                return cached[1]
            manifest = self.store.read_manifest(article_id)
        if manifest is not None and len(self._manifests) < MANIFEST_CACHE_SIZE:
            self._manifests[article_id] = (version, manifest)
        elif manifest is not None:
            self._manifests.clear()
        self._states.pop(article_id, None)
        return manifest

    def get(self, article_id: str) -> ArticleState | None:
        manifest = self.manifest(article_id)
        if manifest is None:
            return self.accepted(article_id)
        # a new revision accepted whose render has not written its manifest yet
        if self.records.resubmitted(article_id, manifest):
            accepted = self.accepted(article_id)
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
        """Every stored article, the most recently changed first (without their scripts)."""
        states = [self._state(manifest, with_script=False) for manifest in self.store.iter_manifests()]
        return sorted(states, key=lambda state: state.updated, reverse=True)

    def _state(self, manifest: Manifest, *, with_script: bool = True) -> ArticleState:
        timings = {index: (start, end) for index, _, start, end in manifest.sentences()}
        words = manifest.sentence_words() if with_script else {}
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
                words=words.get(row["index"]),
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
        return not self.store.claim_held(manifest.article_id)

    # --- the accepted record ----------------------------------------------------

    def record(self, article_id: str) -> dict[str, Any] | None:
        """The accepted record, with the whole script (waits the moment a render takes to plan it)."""

        def planning() -> bool:
            job = self._job_for(article_id)
            return job is None or not job.done()

        return whole_record(self.records, article_id, planning)

    def accepted(self, article_id: str) -> ArticleState | None:
        """The state of an article accepted whose render has written no manifest yet. A job this server (or,
        with a queue, any server) handed to a busy queue may wait longer than STALLED_SECONDS: it is
        waiting, not stalled."""
        record = self.record(article_id)
        if record is None:
            return None
        job = self._job_for(article_id)
        waiting = job is not None and not job.done()
        if not waiting and self._queued is not None and time.time() - float(record.get("updated") or 0) > 1.0:
            waiting = self._queued(article_id, str(record.get("revision")))  # accepted by another server
        return accepted_state(article_id, record, waiting=waiting)

    def _read_script(self, article_id: str, revision: str) -> list[dict[str, Any]] | None:
        record = self.record(article_id)
        if record is None or record.get("revision") != revision:
            return None
        return record["sentences"]

    # --- audio ------------------------------------------------------------------

    def audio_object(self, article_id: str) -> str | None:
        """The name in the store of the complete article's assembled MP3 (None while it renders)."""
        manifest = self.manifest(article_id)
        if manifest is None or manifest.status != "complete" or not manifest.audio:
            return None
        return article_object(article_id, manifest.audio)

    def audio_size(self, article_id: str) -> int | None:
        """Bytes of the complete article's MP3, or None when there is none (yet)."""
        name = self.audio_object(article_id)
        return self.store.size(name) if name is not None else None

    def live_parts(self, article_id: str, start: int) -> tuple[list[bytes], str, int]:
        """The live stream's pieces for entries ``start``.. that exist now (silence for pauses, then chunk
        audio, exactly as assembly lays them out), the article's status and its number of chunks."""
        manifest = self.manifest(article_id)  # parsed again only when it changed, however many listeners poll
        if manifest is None:
            accepted = self.accepted(article_id)
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
