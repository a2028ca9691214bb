"""Integrated loudness (ITU-R BS.1770-4, as EBU R 128 uses it), vectorized for one chunk at a time.

K-weighting (a high shelf and a high pass, coefficients for any sample rate
by the same bilinear formulas pyloudnorm uses), mean square over 400 ms
blocks with 75% overlap from a cumulative sum, then the absolute (-70 LUFS)
and relative (-10 LU) gates. It runs once per sentence at render time, so
it avoids per-block Python loops; ``tests/test_audio.py`` checks it against
ffmpeg's ``ebur128`` filter.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from reader.audio.filters import sosfilt

__all__ = ["DUAL_MONO_DB", "integrated_loudness"]

DUAL_MONO_DB = 10 * math.log10(2)  # a mono signal played on two channels measures 3.01 dB louder


def _biquad(kind: str, gain_db: float, q: float, fc: float, rate: int) -> list[float]:
    a_gain = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * fc / rate
    alpha = math.sin(w0) / (2 * q)
    cos = math.cos(w0)
    if kind == "high_shelf":
        root = 2 * math.sqrt(a_gain) * alpha
        b = [
            a_gain * ((a_gain + 1) + (a_gain - 1) * cos + root),
            -2 * a_gain * ((a_gain - 1) + (a_gain + 1) * cos),
            a_gain * ((a_gain + 1) + (a_gain - 1) * cos - root),
        ]
        a = [
            (a_gain + 1) - (a_gain - 1) * cos + root,
            2 * ((a_gain - 1) - (a_gain + 1) * cos),
            (a_gain + 1) - (a_gain - 1) * cos - root,
        ]
    else:  # high pass
        b = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2]
        a = [1 + alpha, -2 * cos, 1 - alpha]
    return [b[0] / a[0], b[1] / a[0], b[2] / a[0], 1.0, a[1] / a[0], a[2] / a[0]]


@lru_cache(maxsize=8)
def _k_weighting(rate: int) -> tuple[tuple[float, ...], ...]:
    return (
        tuple(_biquad("high_shelf", 4.0, 1 / math.sqrt(2), 1500.0, rate)),
        tuple(_biquad("high_pass", 0.0, 0.5, 38.0, rate)),
    )


def integrated_loudness(signal: np.ndarray, rate: int, *, dual_mono: bool = True) -> float:
    """Gated integrated loudness of float mono PCM in LUFS (-inf for silence or under 50 ms)."""
    if signal.size < rate // 20:
        return -math.inf
    weighted = sosfilt(_k_weighting(rate), signal)
    block = min(int(0.4 * rate), weighted.size)
    step = max(1, block // 4)
    energy = np.concatenate([[0.0], np.cumsum(weighted * weighted)])
    starts = np.arange(0, weighted.size - block + 1, step)
    power = (energy[starts + block] - energy[starts]) / block
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(power)
    gated = power[loudness >= -70.0]
    if gated.size == 0:
        return -math.inf
    relative = -0.691 + 10 * math.log10(gated.mean()) - 10.0
    final = power[(loudness >= -70.0) & (loudness > relative)]
    if final.size == 0:
        return -math.inf
    result = -0.691 + 10 * math.log10(final.mean())
    return result + DUAL_MONO_DB if dual_mono else result
