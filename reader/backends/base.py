"""The backend contract: text and per-call options in, PCM audio out.

A backend is what the voice *is* (its engine, its voices, its limits); a
``SpeechOptions`` is how one call speaks (voice, rate, language). Backends know
nothing of articles, caches or MP3: they return PCM, and ``reader.audio.encoding``
turns it into the house format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Audio", "Backend", "SpeechOptions", "Voice"]


@dataclass(frozen=True)
class Voice:
    """One voice a backend offers."""

    id: str  # what ``--voice`` takes
    name: str
    lang: str  # BCP 47-ish language tag, e.g. "en", "en-gb"
    gender: str | None = None  # "male" | "female" when the engine says
    backend: str = ""


@dataclass(frozen=True)
class SpeechOptions:
    """How one call speaks: voice, speaking rate and language (None = the backend's default)."""

    voice: str | None = None
    rate: int | None = None  # words per minute
    lang: str = "en"


@dataclass(frozen=True)
class Audio:
    """Mono PCM from a backend: int16 or float samples at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return self.samples.size / self.sample_rate


@runtime_checkable
class Backend(Protocol):
    """A speech engine.

    Attributes declare its limits: ``max_chars`` (longest text per call),
    ``offline``, and ``concurrency`` (how many calls may run at once across
    worker processes); a slow engine may also declare ``first_chunk_chars``,
    a shorter limit for an article's first chunk only (the first sound waits
    for it). ``synthesize`` runs in a render worker process, one call
    at a time; it raises ``BackendError`` on failure, never returns silence
    for an error. A backend that can say when each word of a chunk starts sets ``word_times = True`` and
    offers ``synthesize_with_times(text, options) -> (Audio, WordTimes)`` (the same audio; see
    ``reader.backends.word_times``); the player then highlights words, not only sentences.
    """

    name: str
    offline: bool
    max_chars: int
    concurrency: int

    def voices(self) -> tuple[Voice, ...]:
        """Every voice this backend offers here."""
        ...

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        """What makes this engine and voice sound as they do (engine and voice version): part of chunk keys."""
        ...

    def check(self, options: SpeechOptions) -> None:
        """Raise BackendError (or InputError) now if these options cannot work: unknown voice, bad rate."""
        ...

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        """Speak one chunk of text (at most ``max_chars`` characters)."""
        ...


def stream(backend: Backend, texts: Iterable[str], options: SpeechOptions) -> Iterator[Audio]:
    """Convenience over ``synthesize``: speak several texts in order, one call each."""
    for text in texts:
        yield backend.synthesize(text, options)
