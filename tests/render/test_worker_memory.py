"""A Piper render worker stays within 300 MB (issue 13): one voice loaded once, no scipy, no page parsers.

The worker is started by the real pool with the real bundled voice, given the longest chunks the
backend accepts (``max_chars``) and a first chunk, and its peak resident memory is read from the
kernel (``VmHWM`` in /proc: the high-water mark of the worker's own address space). The libraries
it maps tell what it imported: the numpy filters replaced ``scipy.signal`` (about 80 MB), and the
worker starts without the rest of the package (lxml for pages, Pillow for covers, and the rest).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reader.audio import AudioSettings
from reader.backends import SpeechOptions, get_backend
from reader.render.workers import Job, WorkerPool

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

BUDGET_MB = 300
# Sentences cut to the backend's longest chunk: long words and numbers make the most audio per character.
SENTENCES = (
    "The committee's extraordinary recommendations, published yesterday afternoon, surprised economists",
    "Approximately seventeen thousand eight hundred and ninety-four residents attended consultations",
    "Nevertheless, representatives of neighbouring municipalities remained unconvinced by the arguments",
    "Short one.",
)


def _status(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = int(value.split()[0]) // 1024
    return fields


def _mapped_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def test_a_piper_worker_peaks_under_300_mb_with_the_longest_chunks():
    backend = get_backend("piper")
    texts = [text[: backend.max_chars] for text in SENTENCES] * 3
    assert max(map(len, texts)) >= backend.max_chars - 5, "the chunks are not the longest the backend takes"
    with WorkerPool("piper", 1) as pool:
        pool.wait_ready(180)
        pid = pool._workers[0].process.pid
        futures = [
            pool.submit(Job(f"k{i}", text, "piper", SpeechOptions(lang="en"), AudioSettings(), i))
            for i, text in enumerate(texts)
        ]
        durations = [future.result(300).duration for future in futures]
        peak = _status(pid)["VmHWM"]
        maps = _mapped_libraries(pid)
    assert min(durations[:3]) > 4.0, "the long chunks were not spoken at length: the measure means nothing"
    assert "onnxruntime" in maps, "the worker did not load the engine: the measure means nothing"
    assert "/scipy" not in maps, "scipy is loaded in the render worker again (about 80 MB)"
    for heavy in ("/lxml/", "/PIL/", "/charset_normalizer/"):
        assert heavy not in maps, f"the render worker loads {heavy.strip('/')}: it imports the whole package"
    assert peak <= BUDGET_MB, f"Piper worker peak RSS {peak} MB > {BUDGET_MB} MB"
