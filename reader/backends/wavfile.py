"""Read what an engine actually wrote: WAV or AIFF, whatever the file name says.

pyttsx3's ``save_to_file`` writes WAV on Linux and Windows but AIFF on macOS,
under any name; so probe the magic bytes and parse the format found. Small
parsers of our own: ``aifc`` left the standard library in Python 3.13.
"""

from __future__ import annotations

import struct

import numpy as np

from reader.errors import BackendError

__all__ = ["probe_format", "read_pcm"]


def probe_format(data: bytes) -> str:
    """ "wav", "aiff" or "unknown", from the first 12 bytes."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    return "unknown"


def _chunks(data: bytes, start: int, big_endian: bool):
    order = ">" if big_endian else "<"
    offset = start
    while offset + 8 <= len(data):
        name = data[offset : offset + 4]
        (size,) = struct.unpack_from(order + "I", data, offset + 4)
        body = data[offset + 8 : offset + 8 + size]
        yield name, body, len(body) == size
        offset += 8 + size + (size & 1)


def _to_mono(samples: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1:
        return samples
    frames = samples[: samples.size - samples.size % channels].reshape(-1, channels)
    return frames.mean(axis=1).astype(samples.dtype)


def _read_wav(data: bytes) -> tuple[np.ndarray, int, bool]:
    fmt = None
    for name, body, whole in _chunks(data, 12, big_endian=False):
        if name == b"fmt " and len(body) >= 16:
            fmt = struct.unpack_from("<HHIIHH", body)
        elif name == b"data":
            if fmt is None:
                break
            tag, channels, rate, _, _, bits = fmt
            if tag not in (1, 0xFFFE) or bits != 16:
                raise BackendError(f"unsupported WAV encoding (format {tag}, {bits} bits)")
            usable = len(body) - len(body) % 2
            return _to_mono(np.frombuffer(body[:usable], dtype="<i2").copy(), channels), rate, whole
    raise BackendError("WAV file without fmt/data chunks", cause="the engine wrote an incomplete file")


def _extended_float(raw: bytes) -> float:
    exponent, mantissa = struct.unpack(">HQ", raw)
    sign = -1 if exponent & 0x8000 else 1
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def _read_aiff(data: bytes) -> tuple[np.ndarray, int, bool]:
    comm = None
    for name, body, whole in _chunks(data, 12, big_endian=True):
        if name == b"COMM" and len(body) >= 18:
            channels, _, bits = struct.unpack_from(">hIh", body)
            comm = (channels, bits, round(_extended_float(body[8:18])))
        elif name == b"SSND":
            if comm is None:
                break
            channels, bits, rate = comm
            if bits != 16:
                raise BackendError(f"unsupported AIFF sample size {bits} bits")
            (offset,) = struct.unpack_from(">I", body)
            pcm = body[8 + offset :]
            usable = len(pcm) - len(pcm) % 2
            return _to_mono(np.frombuffer(pcm[:usable], dtype=">i2").astype("<i2"), channels), rate, whole
    raise BackendError("AIFF file without COMM/SSND chunks", cause="the engine wrote an incomplete file")


def read_pcm(data: bytes) -> tuple[np.ndarray, int, bool]:
    """(mono int16 samples, sample rate, whether the data chunk was complete)."""
    kind = probe_format(data)
    if kind == "wav":
        return _read_wav(data)
    if kind == "aiff":
        return _read_aiff(data)
    raise BackendError(f"the engine wrote neither WAV nor AIFF (starts {data[:12]!r})")
