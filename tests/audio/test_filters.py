"""The numpy filters that replaced scipy.signal: the same numbers, so the same chunk bytes.

Each filter is checked against a plain definition written here (a per-sample biquad recursion, a
zero-stuffed convolution), and, where scipy is installed (the dev extra keeps it as the reference),
against the scipy function it replaced: an encoded chunk must come out byte for byte as it did.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from reader.audio import AudioSettings, encode_chunk
from reader.audio import encoding as encoding_module
from reader.audio import loudness as loudness_module
from reader.audio.filters import rational_ratio, resample_poly, sosfilt


def _recursion(sections, signal):
    """Direct form I, one sample at a time: the definition of a biquad cascade."""
    out = list(map(float, signal))
    for b0, b1, b2, a0, a1, a2 in sections:
        x1 = x2 = y1 = y2 = 0.0
        result = []
        for x in out:
            y = (b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0
            result.append(y)
            x1, x2, y1, y2 = x, x1, y, y1
        out = result
    return np.array(out)


def _speechlike(rate: int, seconds: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    envelope = 0.5 + 0.5 * np.sin(2 * math.pi * 3 * t)
    return 0.3 * envelope * (np.sin(2 * math.pi * 180 * t) + 0.3 * rng.standard_normal(t.size))


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 48000])
def test_k_weighting_equals_the_recursion_it_stands_for(rate):
    sections = loudness_module._k_weighting(rate)
    signal = _speechlike(rate, 0.5)
    expected = _recursion(sections, signal)
    assert np.max(np.abs(sosfilt(sections, signal) - expected)) < 1e-12


def test_k_weighting_of_short_and_empty_signals():
    sections = loudness_module._k_weighting(22050)
    for size in (0, 1, 2, 3, 100):
        signal = np.linspace(-0.5, 0.5, size)
        assert np.allclose(sosfilt(sections, signal), _recursion(sections, signal), atol=1e-12, rtol=0)


def _zero_stuffed(signal, up, down):
    """Upsample by zero stuffing, filter with the full windowed sinc, keep every ``down``-th sample centred."""
    from reader.audio.filters import _lowpass

    h, half = _lowpass(up, down)
    stuffed = np.zeros(signal.size * up)
    stuffed[::up] = signal
    full = np.convolve(stuffed, h)
    n_out = -(-(signal.size * up) // down)
    return full[half : half + n_out * down : down]


@pytest.mark.parametrize(("source", "target"), [(16000, 22050), (24000, 22050), (44100, 22050), (22050, 16000)])
def test_resampling_is_the_filtered_zero_stuffed_signal(source, target):
    signal = _speechlike(source, 0.2)
    up, down = rational_ratio(source, target)
    ours = resample_poly(signal, up, down)
    assert ours.size == -(-(signal.size * up) // down)
    assert np.max(np.abs(ours - _zero_stuffed(signal, up, down))) < 1e-12


def test_a_resampled_tone_keeps_its_pitch_and_level():
    t = np.arange(16000) / 16000
    tone = 0.5 * np.sin(2 * math.pi * 440 * t)
    out = resample_poly(tone, *rational_ratio(16000, 22050))
    middle = out[2000:-2000]
    expected = 0.5 * np.sin(2 * math.pi * 440 * (np.arange(out.size) / 22050))[2000:-2000]
    assert np.max(np.abs(middle - expected)) < 1e-3


def test_the_filters_and_the_encoded_chunks_match_scipy():
    signal_module = pytest.importorskip("scipy.signal", reason="scipy (the dev extra) is the reference")
    for rate in (16000, 22050, 48000):
        signal = _speechlike(rate, 3.0)
        sections = loudness_module._k_weighting(rate)
        assert np.max(np.abs(sosfilt(sections, signal) - signal_module.sosfilt(np.array(sections), signal))) < 1e-10
        up, down = rational_ratio(rate, 22050)
        if up != down:
            reference = signal_module.resample_poly(signal, up, down)
            assert np.max(np.abs(resample_poly(signal, up, down) - reference)) < 1e-12
    settings = AudioSettings()
    for rate, seed in ((22050, 1), (16000, 2), (24000, 3), (22050, 4)):
        pcm = np.round(_speechlike(rate, 4.0, seed) * 32767).astype("<i2")
        ours = encode_chunk(pcm, rate, settings)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(loudness_module, "sosfilt", lambda sos, x: signal_module.sosfilt(np.array(sos), x))
            patch.setattr(encoding_module, "resample_poly", signal_module.resample_poly)
            theirs = encode_chunk(pcm, rate, settings)
        assert ours.mp3 == theirs.mp3, f"a {rate} Hz chunk encodes differently without scipy"
