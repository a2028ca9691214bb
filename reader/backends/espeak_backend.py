"""eSpeak NG straight from its library (ctypes), without pyttsx3's run loop.

The same engine and voices as the pyttsx3 backend on Linux, but each chunk is
one synchronous ``espeak_Synth`` call with the samples gathered in a list:
no temp file, no polling loop, no per-call sleep. ``bench/render.py`` shows
the difference. Runs in a render worker process like every backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reader.backends.base import Audio, SpeechOptions, Voice
from reader.backends.espeak_lib import EspeakLibrary, default_espeak_voice, espeak_version, voices_for
from reader.errors import BackendError, InputError

__all__ = ["EspeakBackend"]


class EspeakBackend:
    """Offline speech from libespeak-ng, in-process in the worker."""

    name = "espeak"
    offline = True
    max_chars = 1000
    concurrency = 8

    def __init__(self) -> None:
        self._library: EspeakLibrary | None = None
        espeak_version()  # fail now, with what to install, when the library is missing

    def voices(self) -> tuple[Voice, ...]:
        return voices_for(self.name)

    def _voice(self, options: SpeechOptions) -> str:
        voice = options.voice or default_espeak_voice(options.lang, [v.id for v in self.voices()])
        if voice is None:
            raise InputError(f"eSpeak NG has no voice for language {options.lang!r}", backend=self.name)
        return voice

    def check(self, options: SpeechOptions) -> None:
        if options.rate is not None and not 80 <= options.rate <= 450:
            raise InputError(f"rate must be 80-450 words per minute, not {options.rate}", backend=self.name)
        if options.voice is not None and options.voice not in {v.id for v in self.voices()}:
            raise InputError(f"espeak has no voice {options.voice!r} (see `reader voices`)", backend=self.name)
        self._voice(options)

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        return {
            "backend": self.name,
            "engine": f"espeak-ng {espeak_version()}",
            "voice": self._voice(options),
            "rate": options.rate or 175,
        }

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        if self._library is None:
            self._library = EspeakLibrary()
        samples = self._library.synthesize(text, self._voice(options), options.rate or 175)
        if samples.size == 0:
            raise BackendError("eSpeak NG produced no audio", backend=self.name, text=text)
        return Audio(samples=samples, sample_rate=self._library.sample_rate)
