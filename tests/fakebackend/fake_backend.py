"""The deterministic fake backend, alone in its folder so that worker processes can import it.

``FakeBackend`` documents the ``Backend`` contract with the least machinery: each word becomes a
short tone, so durations are predictable and speech onsets are sharp. Special words exercise the
worker pool's fault handling: ``hangonce`` hangs the first time a text is spoken (a marker file
under ``READER_FAKE_STATE`` remembers), ``dieonce`` kills the worker process the first time,
``failalways`` raises ``BackendError``; ``READER_FAKE_DELAY`` slows every synthesis.

Worker processes and servers started by the tests find it through
``READER_BACKENDS=fake=fake_backend:FakeBackend`` with only this folder on ``PYTHONPATH``
(``audio_support.fake_env``): putting all of ``tests/`` there would let ``tests/web`` hide the real
``web`` package from an editable install.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np

from reader.backends.base import Audio, SpeechOptions, Voice
from reader.errors import BackendError

__all__ = ["FakeBackend"]


class FakeBackend:
    """Tones for words: 0.12 s per word at a pitch from the word, 0.04 s between words."""

    name = "fake"
    offline = True
    max_chars = 200
    concurrency = 4
    sample_rate = 16000

    def voices(self) -> tuple[Voice, ...]:
        return (Voice(id="tone", name="Tone", lang="en", backend=self.name),)

    def check(self, options: SpeechOptions) -> None:
        if options.voice not in (None, "tone"):
            raise BackendError(f"fake has no voice {options.voice!r}", backend=self.name)

    def identity(self, options: SpeechOptions) -> dict:
        return {"backend": self.name, "version": 1, "rate": options.rate}

    def _once(self, text: str, what: str) -> bool:
        state = Path(os.environ.get("READER_FAKE_STATE", "/tmp"))
        marker = state / (what + hashlib.sha1(text.encode()).hexdigest())
        if marker.exists():
            return False
        marker.write_text("x")
        return True

    def synthesize(self, text: str, options: SpeechOptions) -> Audio:
        if "failalways" in text:
            raise BackendError("the fake engine refuses this text", backend=self.name)
        if "hangonce" in text and self._once(text, "hang"):
            time.sleep(3600)
        if "dieonce" in text and self._once(text, "die"):
            os._exit(3)
        delay = float(os.environ.get("READER_FAKE_DELAY", "0"))
        if delay:
            time.sleep(delay)
        pieces = []
        t = np.arange(int(0.12 * self.sample_rate)) / self.sample_rate
        for word in text.split():
            pitch = 200 + int(hashlib.sha1(word.encode()).hexdigest()[:4], 16) % 400
            pieces.append(0.3 * np.sin(2 * np.pi * pitch * t))
            pieces.append(np.zeros(int(0.04 * self.sample_rate)))
        return Audio(samples=np.concatenate(pieces[:-1]), sample_rate=self.sample_rate)
