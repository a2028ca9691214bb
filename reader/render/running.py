"""Running a planned render: article → cached audio → manifest → one assembled MP3.

Resumable: chunks already in the store are reused, so after a crash only what is missing renders.
Chunks are synthesized in script order so the first is ready first; the manifest is rewritten with
the entries done so far (status "rendering") and a progress record is kept beside it, both readable
by other processes; and an article is claimed in the store so two processes never render it at
once. A chunk that fails fails its article, loudly, with the chunk, the backend and the cause,
unless a fallback backend is configured: then a chunk the primary backend fails after its retries
is rendered by the fallback, stored under the fallback's own key, and its manifest entry names that
backend.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.audio import DECODER_DELAY, ENCODER_DELAY, AudioSettings, frames_for_ms
from reader.errors import BackendError, CacheError, ReaderError
from reader.render.chunk_render import store_chunk
from reader.render.planning import Plan
from reader.render.pools import get_pool
from reader.render.sentence_words import SentenceWords
from reader.render.workers import Job
from reader.store import ChunkInfo, Claim, Manifest, ManifestEntry, Progress, Store, claim_owner, open_store
from reader.text import Chunk, Script

__all__ = [
    "Progress",
    "ProgressCallback",
    "RenderCancelled",
    "RenderResult",
    "render_plan",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]
MANIFEST_WRITE_INTERVAL = 0.25  # seconds between manifest rewrites while rendering


class RenderCancelled(ReaderError):
    """A background render was cancelled (``RenderJob.cancel``); the chunks already stored stay cached."""


@dataclass(frozen=True)
class RenderResult:
    article_id: str
    revision: str
    manifest: Manifest
    audio_path: Path
    rendered: int = 0  # chunks synthesized by this call; the rest came from the cache


def _pause_ms(before: Chunk, after: Chunk, script: Script, settings: AudioSettings) -> int:
    if before.sentence == after.sentence:
        return settings.part_pause_ms
    first, second = script.sentences[before.sentence], script.sentences[after.sentence]
    if {first.kind, second.kind} & {"title", "subtitle", "heading"}:
        return settings.heading_pause_ms
    if first.block == second.block:
        return settings.sentence_pause_ms
    return settings.paragraph_pause_ms


class _Timeline:
    """Manifest entries built chunk by chunk in order, with frame-exact starts (pauses and lead-in included)."""

    def __init__(self, job: Plan) -> None:
        self.job = job
        self.settings = job.options.audio
        self.position = frames_for_ms(self.settings.lead_in_ms, self.settings)
        self.entries: list[ManifestEntry] = []
        # Stored word times are as heard in the chunk alone, MP3 delay included; the manifest's timeline is the
        # assembled file's, whose LAME tag has players trim that delay (measured: ffmpeg decodes a chunk's speech
        # 50 ms earlier in the article than alone). Live streams carry no tag: sentences and words alike are
        # then 50 ms early.
        delay_ms = round((ENCODER_DELAY + DECODER_DELAY) * 1000 / self.settings.sample_rate)
        self.words = SentenceWords(job.script.lang, shift_ms=-delay_ms)
        self.parts: dict[int, tuple[Chunk, ...]] = {}  # each sentence's chunks, for placing a part's words
        for chunk in job.chunks:
            self.parts[chunk.sentence] = (*self.parts.get(chunk.sentence, ()), chunk)

    def add(self, info: ChunkInfo, times: bytes | None = None) -> None:
        """The next chunk, with its word times as stored (None: its backend gives none)."""
        job, settings = self.job, self.settings
        index = len(self.entries)
        chunk = job.chunks[index]
        rate, spf = settings.sample_rate, settings.samples_per_frame
        if index:
            pause = _pause_ms(job.chunks[index - 1], chunk, job.script, settings) - 2 * settings.trim_pad_ms
            self.position += frames_for_ms(max(0, pause), settings)
        sentence = job.script.sentences[chunk.sentence]
        samples = info.samples if info.samples > 0 else info.frames * spf
        backend = job.backend if info.key == job.keys[index] else job.options.fallback_backend
        self.entries.append(
            ManifestEntry(
                key=info.key,
                sentence=chunk.sentence,
                part=chunk.part,
                block=sentence.block,
                kind=sentence.kind,
                written=sentence.written,
                spoken=chunk.text,
                start=round(self.position * spf / rate, 6),
                duration=round(samples / rate, 6),
                frame_start=self.position,
                frames=info.frames,
                samples=samples,
                backend=backend,
                words=self.words.entry_words(sentence, self.parts[chunk.sentence], chunk, times),
            )
        )
        self.position += info.frames


def _manifest(job: Plan, entries: tuple[ManifestEntry, ...], status: str, **extra: Any) -> Manifest:
    article = job.article
    return Manifest(
        article_id=job.article_id,
        revision=job.revision,
        status=status,
        title=article.title,
        entries=entries,
        total=len(job.chunks),
        duration=round(entries[-1].end, 6) if entries else 0.0,
        byline=article.byline,
        site_name=article.site_name,
        date=article.date,
        url=article.url,
        lang=job.speech.lang,
        image=article.image,
        options=job.options.to_dict(),
        updated=time.time(),
        **extra,
    )


class _Run:
    """One render of one planned article, holding its claim."""

    def __init__(
        self,
        job: Plan,
        store: Store,
        on_progress: ProgressCallback | None,
        pool: Any,
        presubmitted: dict[str, Future] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.job, self.store, self.on_progress, self.pool = job, store, on_progress, pool
        self.presubmitted = presubmitted or {}
        self.stop = stop or threading.Event()
        self.infos: list[ChunkInfo | None] = [None] * len(job.chunks)
        self.rendered = 0
        self.prefix = 0
        self.last_write = 0.0
        self.timeline = _Timeline(job)
        self.fallbacks: dict[Future, BackendError] = {}  # fallback renders in flight, with the primary's error
        self.fresh_words: dict[int, bytes | None] = {}  # word times of chunks rendered here, until timed

    def _report(self, status: str, *, force: bool = False, error: str | None = None) -> None:
        done = self.prefix if status != "complete" else len(self.infos)
        entries = self.timeline.entries
        seconds = entries[-1].end if entries else 0.0
        progress = Progress(
            self.job.article_id,
            done,
            len(self.infos),
            round(seconds, 3),
            status,  # type: ignore[arg-type]
            self.rendered,
            os.getpid(),
            time.time(),
        )
        now = time.monotonic()
        if force or now - self.last_write >= MANIFEST_WRITE_INTERVAL:
            self.last_write = now
            if status != "complete":
                self.store.write_manifest(_manifest(self.job, tuple(entries), status, error=error))
            self.store.write_progress(progress)
        if self.on_progress is not None:
            self.on_progress(progress)

    def _advance(self) -> bool:
        moved = False
        while self.prefix < len(self.infos) and self.infos[self.prefix] is not None:
            info: ChunkInfo = self.infos[self.prefix]  # type: ignore[assignment]
            self.timeline.add(info, self._times(self.prefix, info))
            self.prefix += 1
            moved = True
        return moved

    def _times(self, index: int, info: ChunkInfo) -> bytes | None:
        """Chunk ``index``'s word times: as rendered here, else as stored with it (a cached chunk)."""
        if index in self.fresh_words:
            return self.fresh_words.pop(index)
        return self.store.read_words(info.key)

    def run(self) -> RenderResult:
        job, store = self.job, self.store
        indices: dict[Future, list[int]] = {}
        by_key: dict[str, Future] = dict(self.presubmitted)
        pool = None
        known = store.chunk_infos(job.keys)  # the S3 store looks its chunks up in parallel
        for index, key in enumerate(job.keys):
            early = by_key.get(key)
            if early is not None and not early.cancelled():  # started before the plan: this render's own
                indices.setdefault(early, []).append(index)  # (it may be stored already; counted as rendered)
                continue
            info = known[index]
            if info is not None:
                store.touch_chunk(key)
                self.infos[index] = info
                continue
            future = by_key.get(key)
            if future is None or future.cancelled():
                pool = pool or self.pool or get_pool(job.backend)
                chunk = job.chunks[index]
                work = Job(key, chunk.text, job.backend, job.speech, job.options.audio, index, job.article_id)
                future = by_key[key] = pool.submit(work)
            indices.setdefault(future, []).append(index)
        by_key.clear()  # futures hold their chunk's MP3 bytes: keep references only where needed
        self._advance()
        self._report("rendering", force=True)
        try:
            pending = set(indices)
            while pending:
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                if self.stop.is_set():
                    raise RenderCancelled(f"the render of {job.article_id} was cancelled")
                for future in sorted(done, key=lambda f: indices[f][0]):
                    places = indices.pop(future)  # drop the future (and its MP3 bytes) once stored
                    first = places[0]
                    primary = self.fallbacks.pop(future, None)
                    try:
                        encoded = future.result()
                    except BackendError as error:
                        if primary is not None:  # the fallback failed too: both causes, one error
                            raise _both_failed(job, primary, error) from error
                        replacement = self._fall_back(first, error)
                        if isinstance(replacement, Future):
                            indices[replacement] = places
                            pending.add(replacement)
                            continue
                        for index in places:
                            self.infos[index] = replacement
                        continue
                    key = job.keys[first] if primary is None else job.fallback_key(first)
                    info = store_chunk(store, key, encoded)  # its word times first, when it has them
                    for index in places:
                        self.infos[index] = info
                        self.fresh_words[index] = getattr(encoded, "words", None)
                    self.rendered += 1
                none_yet = self.prefix == 0  # the first entries go out at once, however many landed together
                if self._advance():
                    self._report("rendering", force=none_yet or not pending)
        except BaseException as error:
            for future in indices:
                future.cancel()
            message = str(error) if isinstance(error, ReaderError) else f"interrupted: {type(error).__name__}"
            try:
                self._report("failed", force=True, error=message)
            except ReaderError as unrecorded:  # a full disk, say: the render's own error is what matters
                log.warning("could not record the failure of %s: %s", job.article_id, unrecorded)
            raise
        return self._finish()

    def _fall_back(self, index: int, error: BackendError) -> Future | ChunkInfo:
        """Render chunk ``index`` with the fallback backend (or find it cached); re-raise without one."""
        job = self.job
        name = job.options.fallback_backend
        if not name or job.fallback_speech is None:
            raise error
        key = job.fallback_key(index)
        log.warning("%s; rendering it with the fallback backend %s", error, name)
        cached = self.store.chunk_info(key)
        if cached is not None:
            self.store.touch_chunk(key)
            return cached
        chunk = job.chunks[index]
        future = get_pool(name).submit(
            Job(key, chunk.text, name, job.fallback_speech, job.options.audio, index, job.article_id)
        )
        self.fallbacks[future] = error
        return future

    def _finish(self) -> RenderResult:
        from reader.audio import assemble

        job, store = self.job, self.store
        manifest = _manifest(job, tuple(self.timeline.entries), "complete")
        name = store.put_audio(
            job.article_id, job.revision, lambda path: assemble(manifest, store, path, job.options.audio)
        )
        manifest = manifest.evolve(audio=name, updated=time.time())
        store.write_manifest(manifest)  # the store drops earlier revisions' files once this names the new one
        self._report("complete", force=True)
        path = store.assembled_path(job.article_id)
        if path is None:
            raise CacheError(f"the assembled audio of {job.article_id} vanished from the store as it was written")
        return RenderResult(job.article_id, job.revision, manifest, path, self.rendered)


def _both_failed(job: Plan, primary: BackendError, fallback: BackendError) -> BackendError:
    return BackendError(
        f"{primary.message}; the fallback backend {job.options.fallback_backend} failed too: {fallback.message}",
        cause=primary.cause or fallback.cause,
        backend=job.backend,
        fallback_backend=job.options.fallback_backend,
        chunk=primary.context.get("chunk"),
        key=primary.context.get("key"),
    )


def _complete(job: Plan, store: Store) -> RenderResult | None:
    manifest = store.read_manifest(job.article_id)
    if manifest is None or manifest.status != "complete" or manifest.revision != job.revision:
        return None
    if tuple(e.key for e in manifest.entries) != job.keys or not manifest.audio:
        return None
    path = store.assembled_path(job.article_id)  # a local file: the S3 store fetches it once
    if path is None:
        return None
    for key in job.keys:
        store.touch_chunk(key)
    return RenderResult(job.article_id, job.revision, manifest, path, 0)


def render_plan(
    job: Plan,
    *,
    store: Store | None = None,
    on_progress: ProgressCallback | None = None,
    pool: Any = None,
    wait_poll: float = 0.2,
    presubmitted: dict[str, Future] | None = None,
    stop: threading.Event | None = None,
) -> RenderResult:
    """Render a planned article (see ``render``)."""
    store = store or open_store()
    claim = store.claim(job.article_id)
    while True:
        done = _complete(job, store)
        if done is not None:
            _clear_dead_claim(claim, job, store)
            if on_progress is not None:
                on_progress(Progress(job.article_id, len(job.keys), len(job.keys), done.manifest.duration, "complete"))
            return done
        if stop is not None and stop.is_set():
            raise RenderCancelled(f"the render of {job.article_id} was cancelled")
        if claim.try_acquire():
            break
        log.info("article %s is being rendered by %s; waiting", job.article_id, claim_owner(claim.path))
        time.sleep(wait_poll)
    if claim.broke_stale:  # a renderer died here: clear what its writes left half-done
        store.sweep_temp_files([*job.keys], older_than=5.0, articles=(job.article_id,))
    try:
        done = _complete(job, store)  # the other renderer may have finished between our checks
        if done is not None:
            return done
        return _Run(job, store, on_progress, pool, presubmitted, stop).run()
    finally:
        claim.release()


def _clear_dead_claim(claim: Claim, job: Plan, store: Store) -> None:
    """A renderer killed after its last write (or in it) left its claim and maybe temp files: clear them."""
    if not claim.path.exists() or claim_owner(claim.path) is not None:
        return
    if claim.try_acquire():
        try:
            store.sweep_temp_files([*job.keys], older_than=5.0, articles=(job.article_id,))
        finally:
            claim.release()
