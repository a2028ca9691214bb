"""Word times from eSpeak NG's own word events, for the pyttsx3 (Linux) and espeak backends.

eSpeak NG hands its synth callback, with each buffer of samples, the events
that fall in it; a word event carries the word's character position in the
text and ``audio_position``, the milliseconds of audio generated before the
word begins. That is the engine saying when the word starts in the very
samples it returns, not an estimate. pyttsx3 passes only the position on to
its ``started-word`` listeners (no time), so for pyttsx3 the driver's callback
is wrapped to read the same events on their way to it; the audio is pyttsx3's
own, unchanged.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Mapping
from typing import Any

from reader.backends.base import Audio, SpeechOptions
from reader.backends.espeak_backend import EspeakBackend
from reader.backends.espeak_lib import EspeakLibrary
from reader.backends.pyttsx3_backend import Pyttsx3Backend
from reader.backends.word_times import WordTimes, from_char_times, word_identity
from reader.errors import BackendError

__all__ = ["EspeakWords", "Pyttsx3Words"]

_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1


class _Event(ctypes.Structure):
    """``espeak_EVENT`` (speak_lib.h)."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds into the synthesized audio
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),  # a union of int, char* and char[8]: pointer-sized
    )


def _word_marks(events: Any) -> list[tuple[int, float]]:
    """(0-based character offset, seconds) of each word event in one callback's list."""
    marks = []
    i = 0
    while events[i].type != _EVENT_LIST_TERMINATED:
        if events[i].type == _EVENT_WORD:
            marks.append((events[i].text_position - 1, events[i].audio_position / 1000))
        i += 1
    return marks


class _TimedLibrary(EspeakLibrary):
    """libespeak-ng synthesis that also keeps the word events of each call."""

    def __init__(self) -> None:
        self.marks: list[tuple[int, float]] = []
        super().__init__()

    def _on_samples(self, wav: Any, count: int, events: int) -> int:
        if events:
            self.marks += _word_marks(ctypes.cast(events, ctypes.POINTER(_Event)))
        return super()._on_samples(wav, count, events)


class EspeakWords(EspeakBackend):
    """The espeak backend, whose chunks also come with their word start times."""

    word_times = True

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        return {**super().identity(options), **word_identity()}

    def synthesize_with_times(self, text: str, options: SpeechOptions) -> tuple[Audio, WordTimes]:
        """The chunk's audio, exactly as ``synthesize`` makes it, and when each of its words starts."""
        if not isinstance(self._library, _TimedLibrary):
            self._library = _TimedLibrary()
        library = self._library
        with library._lock:
            library.marks = []
        audio = self.synthesize(text, options)
        return audio, from_char_times(text, library.marks)


class Pyttsx3Words(Pyttsx3Backend):
    """The pyttsx3 backend (eSpeak NG on Linux), whose chunks also come with their word start times.

    Elsewhere (SAPI5, NSSpeechSynthesizer) it is the plain backend: ``word_times`` is False there, and
    its chunk keys are the plain ones.
    """

    word_times = sys.platform.startswith("linux")

    def __init__(self) -> None:
        super().__init__()
        self._marks: list[tuple[int, float]] = []

    def identity(self, options: SpeechOptions) -> Mapping[str, Any]:
        return {**super().identity(options), **(word_identity() if self.word_times else {})}

    def _init_engine(self) -> Any:
        engine = super()._init_engine()
        if not self.word_times:
            return engine
        from pyttsx3.drivers import _espeak

        driver = engine.proxy._driver
        on_synth = driver._onSynth

        def on_synth_with_marks(wav: Any, count: int, events: Any) -> int:
            if events:
                self._marks += _word_marks(events)
            return on_synth(wav, count, events)

        _espeak.SetSynthCallback(on_synth_with_marks)
        return engine

    def synthesize_with_times(self, text: str, options: SpeechOptions) -> tuple[Audio, WordTimes]:
        """The chunk's audio, exactly as ``synthesize`` makes it, and when each of its words starts."""
        if not self.word_times:
            raise BackendError("word times from pyttsx3 need eSpeak NG (Linux)", backend=self.name)
        self._marks = []
        audio = self.synthesize(text, options)
        marks, self._marks = self._marks, []
        # A lost utterance is spoken again: keep the marks of the last attempt, which made this audio.
        restarts = [i for i in range(1, len(marks)) if marks[i][1] < marks[i - 1][1]]
        return audio, from_char_times(text, marks[restarts[-1] :] if restarts else marks)
