"""When each spoken word of a chunk starts: the engines' own timings, in seconds, with the words.

A chunk's spoken text is split into words as the aligner splits it (runs of
non-space, ``reader.normalize.alignment.spoken_words``), so word ``i`` here is
spoken word ``i`` there and the player can map it to a written span. The
engines report times in their own terms (eSpeak NG: a character position and
milliseconds per word event; Piper: samples per phoneme), so each engine's
module turns its report into a ``WordTimes`` through ``from_char_times``.

Times are first relative to the engine's raw audio; ``in_chunk`` moves them
onto the chunk as encoded and heard (``reader.audio.encode_chunk`` trims
leading silence down to ``trim_pad_ms``, and MP3 plays its samples a fixed
delay late), which is what the player plays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reader.audio import AudioSettings
from reader.backends.base import Audio
from reader.errors import BackendError

__all__ = [
    "MP3_DELAY_SAMPLES",
    "WORD_TIMES_VERSION",
    "WordTimes",
    "from_char_times",
    "in_chunk",
    "leading_shift",
    "word_identity",
    "word_spans",
]

_WORD = re.compile(r"\S+")
# A chunk's MP3 frames sound this many samples after the PCM they encode: LAME's encoder delay (576) plus the
# MPEG decoder's (529). The house chunks carry no LAME header saying so, so players (and ffmpeg) keep it: measured
# 50 ms at 22,050 Hz in tests/backends/test_word_times.py.
MP3_DELAY_SAMPLES = 576 + 529
# Part of the chunk keys of backends that give word times (``word_identity``): a chunk rendered before they were
# stored has none, so a new key renders it again with them; raise it when the times change (a better mapping).
WORD_TIMES_VERSION = 1


@dataclass(frozen=True)
class WordTimes:
    """Start time (seconds from the chunk's first sample) of each spoken word of one chunk, in order."""

    words: tuple[str, ...]
    starts: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.words) != len(self.starts):
            raise BackendError(f"{len(self.words)} words but {len(self.starts)} start times")
        if any(b < a for a, b in zip(self.starts, self.starts[1:], strict=False)) or any(t < 0 for t in self.starts):
            raise BackendError("word start times must be non-negative and in order")

    def shifted(self, seconds: float, duration: float | None = None) -> WordTimes:
        """The same words ``seconds`` later (earlier when negative), kept within [0, duration]."""
        top = float("inf") if duration is None else duration
        return WordTimes(self.words, tuple(float(min(top, max(0.0, t + seconds))) for t in self.starts))

    def to_json(self) -> dict[str, Any]:
        """Compact form for a manifest or a chunk's metadata: whole milliseconds."""
        return {"words": list(self.words), "starts_ms": [round(t * 1000) for t in self.starts]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WordTimes:
        return cls(tuple(data["words"]), tuple(ms / 1000 for ms in data["starts_ms"]))


def word_identity() -> dict[str, int]:
    """What a timed backend adds to its ``identity``: the chunk key names the times stored beside the audio."""
    return {"word_times": WORD_TIMES_VERSION}


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character span of each spoken word of ``text`` (the aligner's words)."""
    return [match.span() for match in _WORD.finditer(text)]


def from_char_times(text: str, marks: Iterable[tuple[int, float]]) -> WordTimes:
    """Word times from an engine's (character offset, seconds) marks for ``text``.

    A word starts at the first mark that falls inside it (an engine may mark "twenty-five" twice, or not
    at all for a lone dash); a word with no mark gets a time interpolated by characters between its
    neighbours, so every word has a time and the times stay in order.
    """
    import numpy as np  # the worker that synthesizes has it loaded; a process that only plans does not

    spans = word_spans(text)
    found: list[float | None] = [None] * len(spans)
    for offset, seconds in sorted(marks, key=lambda mark: mark[1]):
        for i, (start, end) in enumerate(spans):
            if start <= offset < end:
                if found[i] is None:
                    found[i] = seconds
                break
    known = [(spans[i][0], t) for i, t in enumerate(found) if t is not None]
    if not known:
        raise BackendError("the engine marked none of the words it spoke", text=text)
    starts = np.interp([s for s, _ in spans], [c for c, _ in known], [t for _, t in known])
    starts = np.maximum.accumulate(
        [float(t) if t is not None else float(s) for t, s in zip(found, starts, strict=True)]
    )
    return WordTimes(tuple(text[a:b] for a, b in spans), tuple(float(t) for t in starts))


def leading_shift(audio: Audio, settings: AudioSettings) -> float:
    """Seconds to add to a time in ``audio`` to get its time in the encoded chunk.

    ``encode_chunk`` cuts the silence before the first sample above ``silence_db`` and puts back exactly
    ``trim_pad_ms``. Measured here at the engine's own rate: the encoder measures after resampling, which
    moves the first loud sample by well under a millisecond.
    """
    import numpy as np  # the worker that synthesizes has it loaded; a process that only plans does not

    samples = audio.samples
    signal = samples.astype(np.float64) / 32768.0 if samples.dtype.kind != "f" else samples.astype(np.float64)
    loud = np.flatnonzero(np.abs(signal) > 10 ** (settings.silence_db / 20))
    first = loud[0] / audio.sample_rate if loud.size else 0.0
    return settings.trim_pad_ms / 1000 - first


def in_chunk(times: WordTimes, audio: Audio, settings: AudioSettings) -> WordTimes:
    """``times`` (relative to the engine's ``audio``) moved onto the encoded chunk the player plays."""
    import numpy as np  # the worker that synthesizes has it loaded; a process that only plans does not

    signal = np.abs(audio.samples.astype(np.float64))
    threshold = 10 ** (settings.silence_db / 20) * (32768.0 if audio.samples.dtype.kind != "f" else 1.0)
    loud = np.flatnonzero(signal > threshold)
    speech = (loud[-1] - loud[0] + 1) / audio.sample_rate if loud.size else 0.0
    delay = MP3_DELAY_SAMPLES / settings.sample_rate
    return times.shifted(leading_shift(audio, settings) + delay, duration=speech + settings.trim_pad_ms / 1000 + delay)
