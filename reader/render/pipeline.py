"""Render: article → chunks → cached audio → manifest → one assembled MP3.

The one API the CLI, the web app and a job queue all call. ``render`` is
synchronous (parallel inside) and resumable: chunks already in the store are
reused, so after a crash only what is missing renders. ``start_render``
returns at once and renders in the background of this process. Either way
chunks are synthesized in script order so the first is ready first, the
manifest is rewritten with the entries done so far (status "rendering") and a
progress record is kept beside it, both readable by other processes; and an
article is claimed in the store so two processes never render it at once. A
chunk that fails fails its article, loudly, with the chunk, the backend and
the cause, unless a fallback backend is configured: then a chunk the primary
backend fails after its retries is rendered by the fallback, stored under the
fallback's own key (keys hash the backend's identity, so the cache never says
one engine made what another did), and its manifest entry names that backend.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.article import Article
from reader.audio import AudioSettings, chunk_frames, frames_for_ms
from reader.backends import DEFAULT_BACKEND, SpeechOptions, get_backend, resolve_backend
from reader.errors import BackendError, ExtractError, InputError, ReaderError
from reader.render.pools import get_pool
from reader.render.workers import Job
from reader.store import ChunkInfo, Claim, LocalStore, Manifest, ManifestEntry, Progress, claim_owner, open_store
from reader.text import Chunk, Script, chunk_key, chunk_script, make_script, split_to_limit

__all__ = [
    "Progress",
    "RenderOptions",
    "RenderResult",
    "article_id",
    "legacy_article_id",
    "plan",
    "render_plan",
    "revision",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
MANIFEST_WRITE_INTERVAL = 0.25  # seconds between manifest rewrites while rendering


class RenderCancelled(ReaderError):
    """A background render was cancelled (``RenderJob.cancel``); the chunks already stored stay cached."""


class NothingToSpeak(ExtractError):
    """The article holds no speakable text (only punctuation, or nothing at all)."""


@dataclass(frozen=True)
class RenderOptions:
    """Everything that changes how an article sounds. Part of its id.

    ``backend`` None: the best offline voice installed for the article's language (Piper when it has a
    voice for it, else pyttsx3), resolved in ``plan``; the id holds only what the caller chose.
    """

    backend: str | None = None
    voice: str | None = None
    rate: int | None = None  # words per minute
    lang: str | None = None  # None: the article's language
    audio: AudioSettings = field(default_factory=AudioSettings)
    # Renders a chunk the backend fails after its retries (its default voice, the same rate and language).
    # A failure policy, not a sound: not part of the article's id.
    fallback_backend: str | None = None

    def __post_init__(self) -> None:
        # The language reaches the normalizer, the voice choice and the chunk keys: only a language tag.
        if self.lang is not None and not _LANG_TAG.match(self.lang):
            raise InputError(f"lang must be a language tag like 'en' or 'pt-BR', not {self.lang[:40]!r}")

    def to_dict(self) -> dict[str, Any]:
        data = {
            "backend": self.backend,
            "voice": self.voice,
            "rate": self.rate,
            "lang": self.lang,
            "audio": self.audio.to_dict(),
        }
        if self.fallback_backend:  # only when set, so articles rendered without one keep their ids
            data["fallback_backend"] = self.fallback_backend
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderOptions:
        values = dict(data)
        values["audio"] = AudioSettings.from_dict(values.get("audio") or {})
        return cls(**values)


@dataclass(frozen=True)
class RenderResult:
    article_id: str
    revision: str
    manifest: Manifest
    audio_path: Path
    rendered: int = 0  # chunks synthesized by this call; the rest came from the cache


@dataclass(frozen=True)
class Plan:
    """An article prepared for rendering: script, chunks, keys and identities."""

    article: Article
    options: RenderOptions
    script: Script
    chunks: tuple[Chunk, ...]
    keys: tuple[str, ...]
    speech: SpeechOptions
    article_id: str
    revision: str
    backend: str  # the backend that renders: the one asked for, or the default resolved for the language
    fallback_speech: SpeechOptions | None = None  # how the fallback backend speaks, when there is one
    fallback_identity: dict[str, Any] | None = None  # its part of chunk keys

    def fallback_key(self, index: int) -> str:
        """The key a chunk has when the fallback backend renders it."""
        if self.fallback_identity is None:
            raise ReaderError("this render has no fallback backend")
        return chunk_key(self.chunks[index].text, self.fallback_identity)


def _digest(value: object, length: int = 24) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:length]


def _content(article: Article) -> list[Any]:
    return [article.title, article.subtitle, [[b.kind, b.level, b.text] for b in article.blocks]]


def article_id(article: Article, options: RenderOptions) -> str:
    """Stable id from the source (canonical URL, or the text itself when there is none) and the options.

    A corrected article at the same URL keeps its id (and its podcast guid); its revision changes.
    """
    source = article.identity_url or ["text", _content(article)]  # a claimed URL never decides it
    chosen = {k: v for k, v in options.to_dict().items() if k != "fallback_backend"}
    if options.backend is None:  # a default: which voice it resolved to goes into chunk keys, not the id
        del chosen["backend"]
    return _digest({"source": source, "options": chosen})


def legacy_article_id(article: Article, options: RenderOptions) -> str | None:
    """The id a default render had before the default became "the best installed voice" (it hashed
    ``backend: "pyttsx3"``), so articles rendered then are still found by URL; None for explicit backends."""
    if options.backend is not None:
        return None
    return article_id(article, dataclasses.replace(options, backend=DEFAULT_BACKEND))


def revision(article: Article) -> str:
    """Changes whenever what is spoken or shown changes."""
    meta = [article.byline, article.site_name, article.date, article.lang, article.image]
    return _digest([_content(article), meta], 16)


def plan(source: Article | str | bytes | os.PathLike[str], options: RenderOptions | None = None) -> Plan:
    """Extract (when given a source), script, chunk and key an article; raises before any audio work."""
    options = options or RenderOptions()
    if isinstance(source, Article):
        article = source
    else:
        from reader.text import extract

        article = extract(source, allow_paths=True, trust_claimed_url=True)  # a caller's own sources (CLI)
    speech = SpeechOptions(voice=options.voice, rate=options.rate, lang=options.lang or article.lang or "en")
    name = resolve_backend(options.backend, speech.lang, options.voice)
    backend = get_backend(name)
    backend.check(speech)
    script = make_script(article)
    chunks = _short_first(chunk_script(script, backend.max_chars), getattr(backend, "first_chunk_chars", None))
    if not chunks:
        raise NothingToSpeak("the article has nothing to speak")
    identity = {**backend.identity(speech), **options.audio.chunk_identity()}
    keys = tuple(chunk_key(chunk.text, identity) for chunk in chunks)
    fallback_speech, fallback_identity = _fallback(options, speech, name)
    return Plan(
        article,
        options,
        script,
        chunks,
        keys,
        speech,
        article_id(article, options),
        revision(article),
        name,
        fallback_speech,
        fallback_identity,
    )


def _short_first(chunks: tuple[Chunk, ...], limit: int | None) -> tuple[Chunk, ...]:
    """Split the article's first chunk at a clause (else a space) to at most ``limit`` characters, for a
    backend that declares ``first_chunk_chars``: the first sound waits only for a short piece (a neural
    voice takes ~0.3 s for ten words on one thread). The head plan and the full plan split it alike."""
    if not limit or not chunks or len(chunks[0].text) <= limit:
        return chunks
    first = chunks[0]
    pieces = split_to_limit(first.text, limit)
    shift = len(pieces) - 1
    head = [Chunk(i, first.sentence, first.part + i, text) for i, text in enumerate(pieces)]
    rest = [
        Chunk(c.index + shift, c.sentence, c.part + shift if c.sentence == first.sentence else c.part, c.text)
        for c in chunks[1:]
    ]
    return (*head, *rest)


def _fallback(
    options: RenderOptions, speech: SpeechOptions, primary: str
) -> tuple[SpeechOptions | None, dict[str, Any] | None]:
    """The fallback backend's speech options and key identity, checked now (before any audio work)."""
    name = options.fallback_backend
    if not name:
        return None, None
    if name == primary:
        raise InputError(f"the fallback backend must differ from the backend ({name})", backend=name)
    backend = get_backend(name)
    fallback_speech = SpeechOptions(voice=None, rate=speech.rate, lang=speech.lang)
    backend.check(fallback_speech)
    return fallback_speech, {**backend.identity(fallback_speech), **options.audio.chunk_identity()}


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

    def add(self, info: ChunkInfo) -> None:
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
        store: LocalStore,
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
            self.timeline.add(self.infos[self.prefix])  # type: ignore[arg-type]
            self.prefix += 1
            moved = True
        return moved

    def run(self) -> RenderResult:
        job, store = self.job, self.store
        indices: dict[Future, list[int]] = {}
        by_key: dict[str, Future] = dict(self.presubmitted)
        pool = None
        lookup = getattr(store, "chunk_infos", None)  # the S3 store looks its chunks up in parallel
        known = lookup(job.keys) if lookup is not None else None
        for index, key in enumerate(job.keys):
            early = by_key.get(key)
            if early is not None and not early.cancelled():  # started before the plan: this render's own
                indices.setdefault(early, []).append(index)  # (it may be stored already; counted as rendered)
                continue
            info = known[index] if known is not None else store.chunk_info(key)
            if info is not None:
                store.touch_chunk(key)
                self.infos[index] = info
                continue
            future = by_key.get(key)
            if future is None or future.cancelled():
                pool = pool or self.pool or get_pool(job.backend)
                chunk = job.chunks[index]
                work = Job(key, chunk.text, job.backend, job.speech, job.options.audio, index)
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
                    info = store.put_chunk(
                        key,
                        encoded.mp3,
                        frames=encoded.frames,
                        samples=encoded.samples,
                        sample_rate=encoded.sample_rate,
                        count_frames=chunk_frames,
                    )
                    for index in places:
                        self.infos[index] = info
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
        future = get_pool(name).submit(Job(key, chunk.text, name, job.fallback_speech, job.options.audio, index))
        self.fallbacks[future] = error
        return future

    def _finish(self) -> RenderResult:
        from reader.audio import assemble

        job, store = self.job, self.store
        manifest = _manifest(job, tuple(self.timeline.entries), "complete")
        path = store.audio_path(job.article_id, job.revision)
        assemble(manifest, store, path, job.options.audio)
        manifest = manifest.evolve(audio=path.name, updated=time.time())
        store.write_manifest(manifest)
        self._report("complete", force=True)
        for old in path.parent.glob("*.mp3"):  # earlier revisions' files: the manifest no longer points at them
            if old != path and not old.name.startswith("."):
                old.unlink(missing_ok=True)
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


def _complete(job: Plan, store: LocalStore) -> RenderResult | None:
    manifest = store.read_manifest(job.article_id)
    if manifest is None or manifest.status != "complete" or manifest.revision != job.revision:
        return None
    if tuple(e.key for e in manifest.entries) != job.keys or not manifest.audio:
        return None
    path = store.article_dir(job.article_id) / manifest.audio
    if not path.exists():
        return None
    for key in job.keys:
        store.touch_chunk(key)
    return RenderResult(job.article_id, job.revision, manifest, path, 0)


def render_plan(
    job: Plan,
    *,
    store: LocalStore | None = None,
    on_progress: ProgressCallback | None = None,
    pool: Any = None,
    wait_poll: float = 0.2,
    presubmitted: dict[str, Future] | None = None,
    stop: threading.Event | None = None,
) -> RenderResult:
    """Render a planned article (see ``render``)."""
    store = store or open_store()
    claim = Claim(store.article_dir(job.article_id) / "render.lock")
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


def _clear_dead_claim(claim: Claim, job: Plan, store: LocalStore) -> None:
    """A renderer killed after its last write (or in it) left its claim and maybe temp files: clear them."""
    if not claim.path.exists() or claim_owner(claim.path) is not None:
        return
    if claim.try_acquire():
        try:
            store.sweep_temp_files([*job.keys], older_than=5.0, articles=(job.article_id,))
        finally:
            claim.release()
