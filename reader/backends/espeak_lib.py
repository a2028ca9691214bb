"""libespeak-ng through ctypes: the engine's version, its voices, and direct synthesis.

Used by the ``espeak`` backend (synthesis straight from the library, with no
pyttsx3 run loop in between) and by the ``pyttsx3`` backend for the engine
version that goes into chunk keys. Synthesis initializes the library once per
process in synchronous mode; run it only in a render worker process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import shutil
import subprocess
import threading
from functools import lru_cache

import numpy as np

from reader.backends.base import Voice
from reader.errors import BackendError

__all__ = [
    "EspeakLibrary",
    "default_espeak_voice",
    "espeak_file",
    "espeak_version",
    "espeak_voices",
    "load_library",
    "voices_for",
]

log = logging.getLogger(__name__)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


@lru_cache(maxsize=1)
def load_library() -> ctypes.CDLL:
    """The eSpeak NG shared library, or BackendError saying what to install."""
    for name in ("espeak-ng", "espeak"):
        path = ctypes.util.find_library(name)
        if path:
            try:
                return ctypes.CDLL(path)
            except OSError as error:
                log.debug("could not load %s: %s", path, error)
    for path in ("libespeak-ng.so.1", "libespeak-ng.so"):
        try:
            return ctypes.CDLL(path)
        except OSError:
            continue
    raise BackendError(
        "eSpeak NG library not found", backend="espeak", remedy="install it (Debian/Ubuntu: apt-get install espeak-ng)"
    )


@lru_cache(maxsize=1)
def espeak_version() -> str:
    """eSpeak NG's version string, e.g. "1.51"."""
    library = load_library()
    library.espeak_Info.restype = ctypes.c_char_p
    library.espeak_Info.argtypes = [ctypes.c_void_p]
    raw = library.espeak_Info(None) or b"unknown"
    return raw.decode("utf-8", "replace").split()[0]


@lru_cache(maxsize=1)
def espeak_voices() -> tuple[tuple[str, str, str, str | None, str], ...]:
    """(id, name, language, gender, file) of the installed eSpeak NG voices (MBROLA voices left out).

    The id is the language code (``en-gb``), unique, as people ask for voices; the file
    (``gmw/en``) is what ``espeak_SetVoiceByName`` reliably accepts.
    """
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise BackendError("espeak-ng not found on PATH", remedy="install it (apt-get install espeak-ng)")
    try:
        out = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise BackendError(f"could not list eSpeak NG voices: {error}", backend="espeak") from error
    voices: dict[str, tuple[str, str, str, str | None, str]] = {}
    for line in out.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 5 or parts[4].startswith(("mb/", "!v/")):
            continue
        gender = {"M": "male", "F": "female"}.get(parts[2].rsplit("/", 1)[-1])
        voices.setdefault(parts[1], (parts[1], parts[3].replace("_", " "), parts[1], gender, parts[4]))
    return tuple(voices.values())


def espeak_file(voice_id: str) -> str:
    """The voice file eSpeak NG loads for a voice id (the id itself when unknown, for eSpeak to judge)."""
    return next((v[4] for v in espeak_voices() if v[0] == voice_id), voice_id)


_PREFERRED = {"en": "en-us", "pt": "pt-br", "es": "es", "fr": "fr-fr", "zh": "cmn"}


def default_espeak_voice(lang: str | None, ids: list[str]) -> str | None:
    """The voice to use for a language when none is asked for: exact match, a preferred accent, any accent."""
    lang = (lang or "en").lower()
    base = lang.split("-")[0]
    for candidate in (lang, _PREFERRED.get(base), base):
        if candidate in ids:
            return candidate
    return next((i for i in ids if i.startswith(base + "-")), None)


def voices_for(backend: str) -> tuple[Voice, ...]:
    return tuple(Voice(id=i, name=n, lang=lang, gender=g, backend=backend) for i, n, lang, g, _ in espeak_voices())


class EspeakLibrary:
    """Direct synthesis: one synchronous ``espeak_Synth`` call per chunk, samples gathered in a list."""

    _lock = threading.Lock()

    def __init__(self) -> None:
        library = load_library()
        library.espeak_Initialize.restype = ctypes.c_int
        library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.sample_rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.sample_rate <= 0:
            raise BackendError("eSpeak NG failed to initialize", backend="espeak", cause="espeak-ng-data missing?")
        library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        library.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        library.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        self._library = library
        self._pieces: list[bytes] = []
        self._callback = _CALLBACK(self._on_samples)  # keep a reference: the library holds a raw pointer
        library.espeak_SetSynthCallback(self._callback)
        self._voice: str | None = None
        self._rate: int | None = None

    def _on_samples(self, wav: ctypes.POINTER(ctypes.c_short), count: int, _events: int) -> int:
        if count > 0 and wav:
            self._pieces.append(ctypes.string_at(wav, count * 2))
        return 0

    def synthesize(self, text: str, voice: str, rate: int) -> np.ndarray:
        """int16 PCM of ``text`` at ``self.sample_rate``."""
        with self._lock:
            if voice != self._voice:
                if self._library.espeak_SetVoiceByName(espeak_file(voice).encode("utf-8")) != 0:
                    raise BackendError(f"eSpeak NG has no voice {voice!r}", backend="espeak", voice=voice)
                self._voice = voice
            if rate != self._rate:
                self._library.espeak_SetParameter(_RATE, int(rate), 0)
                self._rate = rate
            self._pieces = []
            data = text.encode("utf-8") + b"\0"
            buffer = ctypes.create_string_buffer(data)
            status = self._library.espeak_Synth(
                buffer, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
            )
            if status != 0:
                raise BackendError(f"eSpeak NG synthesis failed (status {status})", backend="espeak")
            pcm = np.frombuffer(b"".join(self._pieces), dtype="<i2").copy()
            self._pieces = []
            return pcm
