"""Test support for the audio side: the fake backend's registration, generated articles, audio probes.

The deterministic fake backend itself lives in ``tests/fakebackend/fake_backend.py`` (see there):
``fake_env`` puts only that folder on ``PYTHONPATH``, so processes the tests start import the real
``web`` package, never ``tests/web``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np

from reader.article import Article, Block

TESTS = Path(__file__).resolve().parent
FAKE_BACKEND_DIR = TESTS / "fakebackend"
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


def fake_env(monkeypatch, tmp_path: Path) -> None:
    """Register the fake backend in this process and in worker processes."""
    import reader.backends as backends

    folder = str(FAKE_BACKEND_DIR)
    monkeypatch.syspath_prepend(folder)
    monkeypatch.setenv("READER_BACKENDS", "fake=fake_backend:FakeBackend")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")])))
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
