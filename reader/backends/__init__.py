"""Speech backends: the ``Backend`` protocol and a registry loaded from entry points.

Every backend, built-in or third-party, registers in the ``reader.backends``
entry-point group as ``name = "module:factory"``; the registry loads the group
lazily, once, and instantiates a backend on first use. A plug-in needs no
change here: install a distribution that declares the entry point.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import threading
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from reader.backends.base import Audio, Backend, SpeechOptions, Voice
from reader.errors import BackendError, InputError, ReaderError

if TYPE_CHECKING:
    from reader.audio import AudioSettings

__all__ = [
    "DEFAULT_BACKEND",
    "Audio",
    "Backend",
    "SpeechOptions",
    "Voice",
    "allow_voice_paths",
    "backend_names",
    "get_backend",
    "gives_word_times",
    "list_voices",
    "register_backend",
    "resolve_backend",
    "synthesize_timed",
]

log = logging.getLogger(__name__)


def allow_voice_paths() -> None:
    """Let ``--voice`` name a Piper model file (the CLI only; a server never does). Imported late so that
    ``import reader`` and ``reader --help`` load nothing of Piper's."""
    from reader.backends.piper_voices import allow_voice_paths as allow

    allow()


DEFAULT_BACKEND = "pyttsx3"  # the default when no better offline voice is installed for the language
PREFERRED = ("piper", "pyttsx3")  # listed first, best first (`reader voices`, the web voice menu)
GROUP = "reader.backends"
# The built-ins whose chunks come with word times load as their timed classes. An install made before word
# times names the plain classes in its entry points (until ``pip install`` runs again): it gets them too.
_TIMED = {
    "reader.backends.pyttsx3_backend:Pyttsx3Backend": "reader.backends.espeak_words:Pyttsx3Words",
    "reader.backends.espeak_backend:EspeakBackend": "reader.backends.espeak_words:EspeakWords",
    "reader.backends.piper_backend:PiperBackend": "reader.backends.piper_words:PiperWords",
}

_lock = threading.Lock()
_factories: dict[str, Callable[[], Backend]] | None = None
_instances: dict[str, Backend] = {}


def _load_factories() -> dict[str, Callable[[], Backend]]:
    global _factories
    with _lock:
        if _factories is None:
            found: dict[str, Callable[[], Backend]] = {}
            for entry in entry_points(group=GROUP):
                timed = _TIMED.get(entry.value)
                found.setdefault(entry.name, functools.partial(_load_spec, timed) if timed else entry.load)
            for name, spec in _env_backends():
                found[name] = functools.partial(_load_spec, spec)
            _factories = found
        return _factories


def _env_backends() -> list[tuple[str, str]]:
    """``READER_BACKENDS="name=module:attr,..."``: backends registered without packaging (development, tests).

    Worker processes inherit the environment, so they find these too.
    """
    pairs = []
    for item in os.environ.get("READER_BACKENDS", "").split(","):
        name, _, spec = item.strip().partition("=")
        if name and ":" in spec:
            pairs.append((name.strip(), spec.strip()))
    return pairs


def _load_spec(spec: str) -> Callable[[], Backend]:
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def register_backend(name: str, factory: Callable[[], Backend]) -> None:
    """Register a backend factory by hand (tests, embedding); entry points are the normal way."""
    factories = _load_factories()
    with _lock:
        factories[name] = lambda: factory
        _instances.pop(name, None)


def gives_word_times(backend: Backend) -> bool:
    """Whether ``backend`` says when each word of a chunk starts (``synthesize_with_times``): the player
    highlights words only for chunks whose backend does; the rest keep the sentence highlight."""
    return bool(getattr(backend, "word_times", False)) and hasattr(backend, "synthesize_with_times")


def synthesize_timed(
    backend: Backend, text: str, options: SpeechOptions, settings: AudioSettings
) -> tuple[Audio, dict[str, Any] | None]:
    """Speak one chunk; with its word times (``WordTimes.to_json()``) as heard in the chunk that
    ``encode_chunk(audio, settings)`` makes, when the backend gives them, else None."""
    if not gives_word_times(backend):
        return backend.synthesize(text, options), None
    from reader.backends.word_times import in_chunk  # numpy and the audio stage: only for timed backends

    audio, times = backend.synthesize_with_times(text, options)  # type: ignore[attr-defined]
    return audio, in_chunk(times, audio, settings).to_json()


def backend_names() -> tuple[str, ...]:
    """Names of every registered backend."""
    return tuple(sorted(_load_factories()))


def get_backend(name: str | None = None) -> Backend:
    """The backend called ``name`` (the default when None), instantiated once per process."""
    name = name or DEFAULT_BACKEND
    factories = _load_factories()
    if name not in factories:
        known = ", ".join(sorted(factories)) or "none installed"
        raise InputError(f"unknown backend {name!r} (known: {known})", backend=name)
    with _lock:
        backend = _instances.get(name)
    if backend is not None:
        return backend
    try:
        factory = factories[name]()
        backend = factory()
    except ReaderError:
        raise
    except Exception as error:  # a plug-in's import or constructor failed: say which, and why
        raise BackendError(f"backend {name!r} could not be loaded: {error}", backend=name) from error
    with _lock:
        return _instances.setdefault(name, backend)


def resolve_backend(name: str | None, lang: str = "en", voice: str | None = None) -> str:
    """The backend a render uses: ``name`` when the caller chose one; else the best offline voice installed
    for ``lang``: Piper when one of its voices speaks it (or ``voice`` is a Piper voice), else pyttsx3.

    Reads only the installed voices' configs: no engine is loaded here.
    """
    if name:
        return name
    if "piper" in _load_factories():
        try:
            piper = get_backend("piper")
        except BackendError as error:  # the engine is not installed: the default is the system voice
            log.info("no Piper default: %s", error)
        else:
            if voice:
                stem = voice.partition("#")[0]
                if stem.endswith(".onnx") or any(v.id == stem for v in piper.voices()):
                    return "piper"
            elif piper.has_voice_for(lang):  # type: ignore[attr-defined]
                return "piper"
    return DEFAULT_BACKEND


def list_voices(backend: str | None = None, lang: str | None = None) -> list[Voice]:
    """Voices of one backend (or all, the best offline ones first), optionally only those for ``lang``."""
    preferred = [name for name in PREFERRED if name in backend_names()]
    names = [backend] if backend else preferred + [n for n in backend_names() if n not in preferred]
    voices: list[Voice] = []
    for name in names:
        try:
            found = get_backend(name).voices()
        except BackendError as error:
            if backend:
                raise
            log.warning("skipping backend %s: %s", name, error)
            continue
        voices.extend(found)
    if lang:
        prefix = lang.lower()
        voices = [v for v in voices if v.lang.lower() == prefix or v.lang.lower().startswith(prefix + "-")]
    return voices
