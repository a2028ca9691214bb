"""An independent forced alignment: when each word of a known text starts in a recording (PocketSphinx).

PocketSphinx aligns a known word sequence to audio with its bundled US
English acoustic model and pronouncing dictionary, knowing nothing of the
engine that spoke it: the reference the engines' word times are measured
against (bench/word_times.py, tests/backends/test_word_times.py). Needs the
dev extra's ``pocketsphinx``.

A spoken word is split into dictionary words ("twenty-five," → twenty, five).
A word the dictionary lacks (a name: "Hegseth", "Kyiv") is added with the
pronunciation eSpeak NG gives it (``espeak-ng -x``, mapped to the model's
ARPAbet phones): the timing is still PocketSphinx's own, from its acoustic
model. A text that still cannot be aligned gives ``None``: the caller skips
it rather than guess.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache
from typing import Any

import numpy as np

RATE = 16000  # the bundled model's sample rate
FRAME = 0.01  # PocketSphinx frames are 10 ms
_PART = re.compile(r"[a-z']+")


def dictionary_words(word: str) -> list[str]:
    """The dictionary words a spoken word is said as: lower case, split on anything but letters."""
    return [part.strip("'") for part in _PART.findall(word.lower()) if part.strip("'")]


# eSpeak NG's ASCII phonemes (Kirshenbaum, as `espeak-ng -x` prints them for English) → CMU ARPAbet.
_ARPABET = {
    "aI@": "AY ER", "aU@": "AW ER", "i@": "IH R", "e@": "EH R", "U@": "UH R", "O@": "AO R", "A@": "AA R",
    "3:": "ER", "@L": "AH L", "@r": "ER", "a#": "AH", "aI": "AY", "aU": "AW", "eI": "EY", "OI": "OY", "oU": "OW",
    "tS": "CH", "dZ": "JH", "A:": "AA", "O:": "AO", "i:": "IY", "u:": "UW", "I2": "IH", "I#": "IH", "E2": "EH",
    "@2": "AH", "@5": "AH", "t#": "T", "d#": "D", "0": "AA", "a": "AE", "A": "AA", "E": "EH", "I": "IH", "i": "IY",
    "O": "AO", "U": "UH", "u": "UW", "V": "AH", "@": "AH", "3": "ER", "b": "B", "d": "D", "f": "F", "g": "G",
    "h": "HH", "j": "Y", "k": "K", "l": "L", "m": "M", "n": "N", "N": "NG", "p": "P", "r": "R", "s": "S", "S": "SH",
    "t": "T", "T": "TH", "D": "DH", "v": "V", "w": "W", "z": "Z", "Z": "ZH", "x": "K",
}  # fmt: skip


def espeak_phones(word: str) -> str:
    """ARPAbet phones for a word, from eSpeak NG's US English pronunciation."""
    ascii_phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", "en-us", word], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    phones, i = [], 0
    while i < len(ascii_phonemes):
        for size in (3, 2, 1):
            piece = ascii_phonemes[i : i + size]
            if piece in _ARPABET:
                phones.append(_ARPABET[piece])
                i += size
                break
        else:
            i += 1  # stress, length and syllable marks
    return " ".join(phones)


@lru_cache(maxsize=1)
def decoder() -> Any:
    from pocketsphinx import Decoder

    # Alignment only (no language model). The default beams lose the eSpeak NG formant voice, so far from the
    # human speech the model learnt that its path is pruned ("does not match the grammar"); wide beams and no
    # best-path pass keep every word (PocketSphinx's own alignment test also turns bestpath off).
    return Decoder(samprate=RATE, lm=None, bestpath=False, beam=1e-150, wbeam=1e-140, pbeam=1e-150, logfn="/dev/null")


def align(pcm16k: np.ndarray, words: list[str] | tuple[str, ...]) -> list[float | None] | None:
    """Start (seconds) of each spoken word in ``pcm16k`` (int16 mono at 16 kHz); ``None`` for a word with no
    sound of its own (punctuation), and ``None`` in all when a word is not in the dictionary."""
    found = decoder()
    parts = [dictionary_words(w) for w in words]
    flat = [p for ps in parts for p in ps]
    if not flat:
        return None
    for word in flat:
        if found.lookup_word(word) is None:
            phones = espeak_phones(word)
            if not phones:
                return None
            found.add_word(word, phones, True)
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
