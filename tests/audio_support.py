"""Test support for the audio side: a deterministic fake backend, generated articles, audio probes.

``FakeBackend`` documents the ``Backend`` contract with the least machinery:
each word becomes a short tone, so durations are predictable and speech
onsets are sharp. Special words exercise the worker pool's fault handling:
``hangonce`` hangs the first time a text is spoken (a marker file under
``READER_FAKE_STATE`` remembers), ``dieonce`` kills the worker process the
first time, ``failalways`` raises ``BackendError``. Worker processes find it
through ``READER_BACKENDS=fake=audio_support:FakeBackend`` with this
directory on ``PYTHONPATH``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

import numpy as np

from reader.article import Article, Block
from reader.backends.base import Audio, SpeechOptions, Voice
from reader.errors import BackendError

TESTS = Path(__file__).resolve().parent
WORDS = [
    "river",
    "council",
    "bridge",
    "market",
    "winter",
    "station",
    "garden",
    "village",
    "harbour",
    "library",
    "morning",
    "planet",
    "teacher",
    "number",
    "signal",
    "forest",
    "engine",
    "letter",
    "window",
    "mountain",
    "silver",
    "thunder",
    "orange",
    "doctor",
]


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


def fake_env(monkeypatch, tmp_path: Path) -> None:
    """Register the fake backend in this process and in worker processes."""
    import reader.backends as backends

    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.setenv("READER_BACKENDS", "fake=audio_support:FakeBackend")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))
    state = tmp_path / "fake_state"
    state.mkdir(exist_ok=True)
    monkeypatch.setenv("READER_FAKE_STATE", str(state))
    monkeypatch.setattr(backends, "_factories", None)
    monkeypatch.setattr(backends, "_instances", {})


def make_article(
    paragraphs: int = 4,
    sentences: int = 3,
    *,
    seed: int = 0,
    headings: bool = True,
    url: str | None = "https://news.example/story",
) -> Article:
    """A generated article: a heading every two paragraphs, sentences of 6-12 words; as if fetched from
    ``url`` (which is then its identity, as ``extract`` gives a page the server fetched)."""
    rng = np.random.default_rng(seed)
    blocks = []
    for p in range(paragraphs):
        if headings and p % 2 == 0:
            blocks.append(Block("heading", f"Part {WORDS[p % len(WORDS)]} {WORDS[(p + 3) % len(WORDS)]}", 2))
        text = " ".join(
            " ".join(WORDS[i] for i in rng.integers(0, len(WORDS), rng.integers(6, 13))).capitalize() + "."
            for _ in range(sentences)
        )
        blocks.append(Block("paragraph", text))
    return Article(
        title="A generated story for tests",
        blocks=tuple(blocks),
        byline="Test Writer",
        site_name="Example News",
        date="2025-02-14",
        url=url,
        identity_url=url,
    )


def decode(path: Path, sample_rate: int = 22050) -> np.ndarray:
    """The file as ffmpeg decodes it (honouring the Info frame's delay and padding), float mono."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768


def onset_after(signal: np.ndarray, sample_rate: int, after: float, threshold: float = 0.01) -> float | None:
    """The first time at or after ``after`` seconds where the signal rises above ``threshold``."""
    start = max(0, int(after * sample_rate))
    loud = np.flatnonzero(np.abs(signal[start:]) > threshold)
    return (start + loud[0]) / sample_rate if loud.size else None
