"""One synthesized chunk → one house-format MP3: trim, loudness, peak limit, encode.

All in-process (numpy, lameenc): this runs once per sentence,
where a subprocess would cost more than the synthesis itself. Each chunk is
encoded on its own, without tag frames, so chunks join frame by frame; its
length in frames is what the manifest's timings are built from.
"""

from __future__ import annotations

import logging
import math
from functools import lru_cache

import lameenc
import numpy as np

from reader.audio.ffmpeg import AudioSettings
from reader.audio.filters import rational_ratio, resample_poly
from reader.audio.loudness import integrated_loudness
from reader.audio.mp3 import EncodedChunk, count_frames
from reader.errors import AudioError

__all__ = ["EncodedChunk", "encode_chunk", "encode_pcm", "measure_loudness", "silence_frames", "trim_silence"]

log = logging.getLogger(__name__)


def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 (or float) PCM → float64 in [-1, 1]."""
    if samples.dtype.kind == "f":
        return samples.astype(np.float64, copy=False)
    return samples.astype(np.float64) / 32768.0


def resample(signal: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling of float PCM (a voice whose own rate is not the house rate)."""
    if from_rate == to_rate:
        return signal
    return resample_poly(signal, *rational_ratio(from_rate, to_rate))


def trim_silence(signal: np.ndarray, sample_rate: int, pad_ms: int, threshold_db: float) -> np.ndarray:
    """Cut leading and trailing silence down to exactly ``pad_ms`` of silence on each side."""
    threshold = 10 ** (threshold_db / 20)
    loud = np.flatnonzero(np.abs(signal) > threshold)
    pad = np.zeros(round(sample_rate * pad_ms / 1000))
    if loud.size == 0:
        return pad
    return np.concatenate([pad, signal[loud[0] : loud[-1] + 1], pad])


def measure_loudness(signal: np.ndarray, sample_rate: int) -> float:
    """Integrated loudness (LUFS, ITU-R BS.1770) of float mono PCM, measured as dual mono."""
    return integrated_loudness(signal, sample_rate, dual_mono=True)


def limit_peaks(signal: np.ndarray, sample_rate: int, ceiling_db: float) -> np.ndarray:
    """A look-ahead peak limiter: gain reduction ramped smoothly around peaks over the ceiling.

    The gain is worked out per 5 ms block (the block's peak against the
    ceiling), widened to each block's neighbours, and interpolated linearly
    between block centres: every sample gets at most the gain its own block
    needs, with no step in the gain curve. A final clip catches rounding.
    """
    ceiling = 10 ** (ceiling_db / 20)
    magnitude = np.abs(signal)
    if signal.size == 0 or magnitude.max() <= ceiling:
        return signal
    size = max(1, int(sample_rate * 0.005))
    blocks = -(-signal.size // size)
    padded = np.zeros(blocks * size)
    padded[: signal.size] = magnitude
    peaks = padded.reshape(blocks, size).max(axis=1)
    gain = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    widened = gain.copy()
    widened[1:] = np.minimum(widened[1:], gain[:-1])
    widened[:-1] = np.minimum(widened[:-1], gain[1:])
    centres = np.arange(blocks) * size + (size - 1) / 2
    curve = np.interp(np.arange(signal.size), centres, widened)
    return np.clip(signal * curve, -ceiling, ceiling)


def normalize_loudness(signal: np.ndarray, sample_rate: int, target_lufs: float, ceiling_db: float) -> np.ndarray:
    """Gain to ``target_lufs`` (dual mono), then keep peaks under ``ceiling_db``."""
    loudness = measure_loudness(signal, sample_rate)
    if math.isfinite(loudness):
        gain_db = max(-30.0, min(30.0, target_lufs - loudness))
        signal = signal * 10 ** (gain_db / 20)
    return limit_peaks(signal, sample_rate, ceiling_db)


def _encoder(settings: AudioSettings) -> lameenc.Encoder:
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(settings.bitrate_kbps)
    encoder.set_in_sample_rate(settings.sample_rate)
    encoder.set_out_sample_rate(settings.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(settings.encoder_quality)
    return encoder


def encode_pcm(pcm: np.ndarray, settings: AudioSettings) -> tuple[bytes, int]:
    """int16 mono PCM at the house rate → (MP3 frames without tag frames, frame count)."""
    encoder = _encoder(settings)
    data = bytes(encoder.encode(np.ascontiguousarray(pcm, dtype="<i2").tobytes())) + bytes(encoder.flush())
    frames, header = count_frames(data)
    if header.sample_rate != settings.sample_rate or header.bitrate_kbps != settings.bitrate_kbps:
        raise AudioError(
            f"the MP3 encoder wrote {header.sample_rate} Hz / {header.bitrate_kbps} kbps, "
            f"not the house {settings.sample_rate} Hz / {settings.bitrate_kbps} kbps"
        )
    return data, frames


def encode_chunk(samples: np.ndarray, sample_rate: int, settings: AudioSettings) -> EncodedChunk:
    """Synthesized PCM (any rate, int16 or float) → a house-format chunk."""
    if samples.ndim != 1:
        raise AudioError(f"expected mono PCM, got an array of shape {samples.shape}")
    signal = resample(to_float(samples), sample_rate, settings.sample_rate)
    signal = trim_silence(signal, settings.sample_rate, settings.trim_pad_ms, settings.silence_db)
    signal = normalize_loudness(signal, settings.sample_rate, settings.loudness_lufs, settings.peak_dbfs)
    pcm = np.round(signal * 32767).astype("<i2")
    data, frames = encode_pcm(pcm, settings)
    return EncodedChunk(mp3=data, frames=frames, samples=int(pcm.size), sample_rate=settings.sample_rate)


@lru_cache(maxsize=8)
def _silence_stream(settings: AudioSettings) -> tuple[bytes, tuple[int, ...]]:
    """A long run of encoded silence and the offsets of its frames (prefixes of it are valid streams)."""
    from reader.audio.mp3 import iter_frames

    data, _ = encode_pcm(np.zeros(settings.sample_rate * 12, dtype="<i2"), settings)
    offsets = tuple(offset for offset, _ in iter_frames(data))
    return data, (*offsets, len(data))


def silence_frames(count: int, settings: AudioSettings) -> bytes:
    """``count`` frames of encoded silence in the house format, for pauses between chunks."""
    if count <= 0:
        return b""
    data, offsets = _silence_stream(settings)
    chunks = []
    while count > 0:
        take = min(count, len(offsets) - 1)
        chunks.append(data[: offsets[take]])
        count -= take
    return b"".join(chunks)
