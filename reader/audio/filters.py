"""The two signal filters the house format needs, in numpy alone: biquad sections and polyphase resampling.

They were scipy's ``sosfilt`` and ``resample_poly``; importing ``scipy.signal``
costs a render worker about 80 MB of resident memory (it pulls in scipy's
sparse, linear algebra and special-function libraries), more than a quarter of
a Piper worker's budget, for two small filters. These compute the same
results to within floating-point rounding (``tests/audio/test_filters.py``
checks them against scipy where it is installed), so chunks encoded with either
are the same bytes.

A recursive filter has no vectorized form in numpy; a stable one's impulse
response decays geometrically, though, so ``sosfilt`` applies the response
itself, cut where its tail is far below float64 rounding, by FFT convolution
(about 4 ms for six seconds of speech, where a Python loop per sample would
take a second).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = ["rational_ratio", "resample_poly", "sosfilt"]

_TAIL = 1e-18  # an impulse response is cut where what is left of it is below this (relative to its peak)
_MAX_RESPONSE = 1 << 18  # a section whose poles sit this close to the unit circle is not one of ours


@lru_cache(maxsize=16)
def _impulse_response(sections: tuple[tuple[float, ...], ...]) -> np.ndarray:
    """The cascade's impulse response, run until its tail no longer changes a float64 result."""
    coefficients = [
        (b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0) for b0, b1, b2, a0, a1, a2 in (map(float, s) for s in sections)
    ]
    states = [[0.0, 0.0, 0.0, 0.0] for _ in coefficients]  # x[n-1], x[n-2], y[n-1], y[n-2] per section
    response: list[float] = []
    peak = 0.0
    quiet = 0
    n = 0
    while quiet < 256 and n < _MAX_RESPONSE:
        value = 1.0 if n == 0 else 0.0
        for (b0, b1, b2, a1, a2), state in zip(coefficients, states, strict=True):
            x1, x2, y1, y2 = state
            out = b0 * value + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            state[:] = [value, x1, out, y1]
            value = out
        response.append(value)
        peak = max(peak, abs(value))
        quiet = quiet + 1 if abs(value) < _TAIL * peak and n > 2 * len(coefficients) else 0
        n += 1
    return np.array(response[: len(response) - quiet + 1])


def _fast_length(size: int) -> int:
    """The smallest 2^a 3^b 5^c at least ``size``: numpy's FFT is several times faster there than at
    the next power of two."""
    best = 1 << (size - 1).bit_length()
    fives = 1
    while fives < best:
        threes = fives
        while threes < best:
            length = threes
            while length < size:
                length *= 2
            best = min(best, length)
            threes *= 3
        fives *= 5
    return best


def sosfilt(sections: tuple[tuple[float, ...], ...], signal: np.ndarray) -> np.ndarray:
    """Filter float PCM through cascaded biquads (rows ``b0 b1 b2 a0 a1 a2``), starting at rest.

    A stable biquad's impulse response decays geometrically (the K-weighting's slowest pole, the 38 Hz
    high pass, falls below 1e-18 of its peak within ~5,000 samples at 22.05 kHz), so the filter is its
    truncated impulse response applied by one FFT convolution.
    """
    x = np.asarray(signal, dtype=np.float64)
    if x.size == 0:
        return x.copy()
    response = _impulse_response(sections)
    size = x.size + response.size - 1
    fft_size = _fast_length(size)
    spectrum = np.fft.rfft(x, fft_size) * np.fft.rfft(response, fft_size)
    return np.fft.irfft(spectrum, fft_size)[: x.size]


@lru_cache(maxsize=8)
def _lowpass(up: int, down: int) -> tuple[np.ndarray, int]:
    """The anti-aliasing filter scipy's ``resample_poly`` designs by default: a windowed sinc (Kaiser,
    beta 5) of 20 x max(up, down) + 1 taps, cut off at the lower Nyquist rate, scaled by ``up``."""
    max_rate = max(up, down)
    half_len = 10 * max_rate
    taps = 2 * half_len + 1
    cutoff = 1.0 / max_rate
    m = np.arange(taps) - 0.5 * (taps - 1)
    h = cutoff * np.sinc(cutoff * m)
    h *= np.kaiser(taps, 5.0)
    h /= h.sum()
    return h * up, half_len


def resample_poly(signal: np.ndarray, up: int, down: int) -> np.ndarray:
    """Upsample by ``up``, low-pass, downsample by ``down``: scipy's ``resample_poly`` with its defaults
    (zero padding at both ends, output centred), computed one polyphase branch per output sample."""
    x = np.asarray(signal, dtype=np.float64)
    if up == down:
        return x.copy()
    h, half_len = _lowpass(up, down)
    n_in = x.size
    n_out = -(-(n_in * up) // down)
    n_pre_pad = down - half_len % down
    n_pre_remove = (half_len + n_pre_pad) // down
    per_phase = -(-h.size // up)
    phases = np.zeros(per_phase * up)
    phases[: h.size] = h
    phases = phases.reshape(per_phase, up).T  # phases[p, r] = h[p + up * r]
    padded = np.concatenate([np.zeros(per_phase), x, np.zeros(per_phase)])
    out = np.empty(n_out)
    taps = np.arange(per_phase)
    step = 8192
    for start in range(0, n_out, step):
        m = np.arange(start, min(start + step, n_out))
        t = (m + n_pre_remove) * down - n_pre_pad  # position in the upsampled stream, before the filter delay
        index = (t // up)[:, None] - taps[None, :] + per_phase
        out[start : start + m.size] = np.einsum("ij,ij->i", phases[t % up], padded[index])
    return out


def rational_ratio(from_rate: int, to_rate: int) -> tuple[int, int]:
    """``(up, down)`` in lowest terms for resampling ``from_rate`` to ``to_rate``."""
    divisor = math.gcd(from_rate, to_rate)
    return to_rate // divisor, from_rate // divisor
