"""An independent forced alignment: when each word of a known text starts in a recording (PocketSphinx).

PocketSphinx aligns a known word sequence to audio with its bundled US
English acoustic model and pronouncing dictionary, knowing nothing of the
engine that spoke it: the reference the engines' word times are measured
against (bench/word_times.py, tests/backends/test_word_times.py). Needs the
dev extra's ``pocketsphinx``.

A spoken word is split into dictionary words ("twenty-five," → twenty, five);
a word with a part the dictionary lacks makes the whole text unalignable
(``None``): the caller skips it rather than guess.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

RATE = 16000  # the bundled model's sample rate
FRAME = 0.01  # PocketSphinx frames are 10 ms
_PART = re.compile(r"[a-z']+")


def dictionary_words(word: str) -> list[str]:
    """The dictionary words a spoken word is said as: lower case, split on anything but letters."""
    return [part.strip("'") for part in _PART.findall(word.lower()) if part.strip("'")]


@lru_cache(maxsize=1)
def decoder() -> Any:
    from pocketsphinx import Decoder

    # Alignment only (no language model). The default beams lose the eSpeak NG formant voice, so far from the
    # human speech the model learnt that its path is pruned ("does not match the grammar"); wide beams and no
    # best-path pass keep every word (PocketSphinx's own alignment test also turns bestpath off).
    return Decoder(samprate=RATE, lm=None, bestpath=False, beam=1e-80, wbeam=1e-70, pbeam=1e-80, logfn="/dev/null")


def align(pcm16k: np.ndarray, words: list[str] | tuple[str, ...]) -> list[float | None] | None:
    """Start (seconds) of each spoken word in ``pcm16k`` (int16 mono at 16 kHz); ``None`` for a word with no
    sound of its own (punctuation), and ``None`` in all when a word is not in the dictionary."""
    found = decoder()
    parts = [dictionary_words(w) for w in words]
    flat = [p for ps in parts for p in ps]
    if not flat or any(found.lookup_word(p) is None for p in flat):
        return None
    found.set_align_text(" ".join(flat))
    found.start_utt()
    found.process_raw(np.ascontiguousarray(pcm16k, dtype="<i2").tobytes(), full_utt=True)
    found.end_utt()
    segments = [s for s in found.seg() or () if s.word not in ("<s>", "</s>", "<sil>", "(NULL)", "[NOISE]")]
    if len(segments) != len(flat):
        return None
    starts = iter(s.start_frame * FRAME for s in segments)
    result: list[float | None] = []
    for ps in parts:
        times = [next(starts) for _ in ps]
        result.append(times[0] if times else None)
    return result
