"""Planning a render: an article's id and revision, its script, chunks and chunk keys.

Everything here happens before any audio work, so a bad article, option or voice fails at once;
the run (``reader.render.running``) then only synthesizes, stores and times what the plan names.
Keys hash the backend's identity, so the cache never says one engine made what another did; a
fallback backend's chunks get keys of their own.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from reader.article import Article
from reader.audio import AudioSettings
from reader.backends import DEFAULT_BACKEND, SpeechOptions, get_backend, resolve_backend
from reader.errors import ExtractError, InputError, ReaderError
from reader.text import Chunk, Script, chunk_key, chunk_script, make_script, split_to_limit

__all__ = [
    "NothingToSpeak",
    "Plan",
    "RenderOptions",
    "article_id",
    "legacy_article_id",
    "plan",
    "revision",
]

_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")


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


def plan(
    source: Article | str | bytes | os.PathLike[str],
    options: RenderOptions | None = None,
    *,
    resolved_backend: str | None = None,
) -> Plan:
    """Extract (when given a source), script, chunk and key an article; raises before any audio work.

    ``resolved_backend``: the backend a default (``options.backend`` None) already resolved to where the
    render was asked for (a queue job planned on a web server), so a worker on another machine, with
    other voices installed, renders the same chunk keys; the article's id is unchanged by it.
    """
    options = options or RenderOptions()
    if isinstance(source, Article):
        article = source
    else:
        from reader.text import extract

        # A caller's own sources (the CLI, a library call): a page read again comes from the extract cache.
        article = extract(source, allow_paths=True, trust_claimed_url=True, cache=True)
    speech = SpeechOptions(voice=options.voice, rate=options.rate, lang=options.lang or article.lang or "en")
    name = options.backend or resolved_backend or resolve_backend(None, speech.lang, options.voice)
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
        if options.backend is None:  # the default resolved to the fallback itself (pyttsx3 for German): no fallback
            return None, None
        raise InputError(f"the fallback backend must differ from the backend ({name})", backend=name)
    backend = get_backend(name)
    fallback_speech = SpeechOptions(voice=None, rate=speech.rate, lang=speech.lang)
    backend.check(fallback_speech)
    return fallback_speech, {**backend.identity(fallback_speech), **options.audio.chunk_identity()}
