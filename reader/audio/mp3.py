"""MP3 frames as bytes: parse frame headers, and build the Xing/Info + LAME tag frame.

Assembly joins chunks frame by frame, so it needs to know where frames are
and to put one header frame in front that tells players the frame count
(duration, seeking) and the encoder delay and padding (gapless playback, so
that sentence start times hold to the sample). Pure functions of bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.errors import AudioError

if TYPE_CHECKING:
    from reader.audio.ffmpeg import AudioSettings

__all__ = [
    "DECODER_DELAY",
    "ENCODER_DELAY",
    "EncodedChunk",
    "FrameHeader",
    "count_frames",
    "frames_for_ms",
    "info_frame",
    "iter_frames",
]

ENCODER_DELAY = 576  # LAME's encoder delay in samples, as recorded in its tag
DECODER_DELAY = 529  # the MP3 decoder's own delay, which decoders add to the tag's value

_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1 Layer III
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2/2.5 Layer III
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class EncodedChunk:
    """A chunk in the house format: MP3 frames plus the numbers its timing needs.

    Here, not beside the encoder, so that a render that finds every chunk cached (and the worker
    plumbing that only passes chunks on) does not load numpy and LAME."""

    mp3: bytes
    frames: int  # MP3 frames; the chunk lasts frames * samples_per_frame samples when joined
    samples: int  # PCM samples encoded (speech plus pads), at the house sample rate
    sample_rate: int

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate


def frames_for_ms(milliseconds: float, settings: AudioSettings) -> int:
    """The whole number of frames closest to a duration."""
    return max(0, round(milliseconds / 1000 / settings.frame_seconds))


@dataclass(frozen=True)
class FrameHeader:
    version_bits: int  # 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
    bitrate_kbps: int
    sample_rate: int
    padding: int
    mono: bool
    size: int

    @property
    def samples(self) -> int:
        return 1152 if self.version_bits == 3 else 576

    @property
    def side_info_size(self) -> int:
        if self.version_bits == 3:
            return 17 if self.mono else 32
        return 9 if self.mono else 17


def parse_header(data: bytes | memoryview, offset: int = 0) -> FrameHeader | None:
    """The Layer III frame header at ``offset``, or None if there is none."""
    if offset + 4 > len(data):
        return None
    (word,) = struct.unpack_from(">I", data, offset)
    if word >> 21 != 0x7FF:
        return None
    version_bits = (word >> 19) & 3
    layer_bits = (word >> 17) & 3
    bitrate_index = (word >> 12) & 15
    rate_index = (word >> 10) & 3
    if version_bits == 1 or layer_bits != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    family = 1 if version_bits == 3 else 2
    bitrate = _BITRATES[family][bitrate_index]
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    padding = (word >> 9) & 1
    coefficient = 144 if family == 1 else 72
    size = coefficient * bitrate * 1000 // sample_rate + padding
    return FrameHeader(version_bits, bitrate, sample_rate, padding, ((word >> 6) & 3) == 3, size)


def iter_frames(data: bytes | memoryview) -> Iterator[tuple[int, FrameHeader]]:
    """(offset, header) of every frame; AudioError if the bytes are not back-to-back whole frames."""
    offset = 0
    while offset < len(data):
        header = parse_header(data, offset)
        if header is None or offset + header.size > len(data):
            raise AudioError(f"not a clean MP3 frame stream at byte {offset} of {len(data)}")
        yield offset, header
        offset += header.size


def count_frames(data: bytes | memoryview) -> tuple[int, FrameHeader]:
    """Number of frames and the first frame's header (the format all frames share)."""
    count = 0
    first: FrameHeader | None = None
    for _, header in iter_frames(data):
        first = first or header
        count += 1
    if first is None:
        raise AudioError("no MP3 frames")
    return count, first


def chunk_frames(data: bytes | memoryview) -> int:
    """Number of MP3 frames in a chunk: what the store asks of a chunk another writer stored first."""
    return count_frames(data)[0]


def _crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC, as the LAME tag uses for its own checksum."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def info_frame(template: FrameHeader, *, frames: int, stream_bytes: int, delay: int, padding: int) -> bytes:
    """One silent frame carrying an ``Info`` (CBR Xing) header and a LAME tag.

    ``frames`` and ``stream_bytes`` count the audio frames after this one (the
    Info frame itself is included in the byte count, as LAME does). ``delay``
    and ``padding`` are the samples a decoder must drop at the start and end;
    decoders add their own 529-sample delay to ``delay``. A frame at the house
    bitrate may be too small for the tag; then the frame uses a larger bitrate,
    as LAME itself does.
    """
    if not (0 <= delay < 4096 and 0 <= padding < 4096):
        raise AudioError(f"encoder delay/padding out of range: {delay}/{padding}")
    offset = 4 + template.side_info_size
    needed = offset + 4 + 4 + 4 + 4 + 100 + 4 + 36
    family = 1 if template.version_bits == 3 else 2
    coefficient = 144 if family == 1 else 72
    fitting = [
        (index, coefficient * kbps * 1000 // template.sample_rate)
        for index, kbps in enumerate(_BITRATES[family])
        if kbps >= template.bitrate_kbps and coefficient * kbps * 1000 // template.sample_rate >= needed
    ]
    if not fitting:
        raise AudioError("no MP3 frame size can hold the Info tag at this sample rate")
    index, size = fitting[0]
    rate_index = _SAMPLE_RATES[template.version_bits].index(template.sample_rate)
    channel_mode = 3 if template.mono else 1
    word = (0x7FF << 21) | (template.version_bits << 19) | (1 << 17) | (1 << 16)
    word |= (index << 12) | (rate_index << 10) | (channel_mode << 6)
    frame = bytearray(size)
    struct.pack_into(">I", frame, 0, word)
    total_bytes = stream_bytes + size
    toc = bytes(min(255, (256 * i) // 100) for i in range(100))  # CBR: byte position grows linearly with time
    xing = b"Info" + struct.pack(">III", 0x0F, frames, total_bytes) + toc + struct.pack(">I", 0)
    frame[offset : offset + len(xing)] = xing
    lame = bytearray(36)
    lame[0:9] = b"LAME3.100"
    lame[9] = 0x01  # tag revision 0, VBR method 1 (CBR)
    lame[20] = min(template.bitrate_kbps, 255)
    lame[21:24] = bytes(((delay >> 4) & 0xFF, ((delay & 0x0F) << 4) | ((padding >> 8) & 0x0F), padding & 0xFF))
    struct.pack_into(">I", lame, 28, total_bytes)  # music length
    start = offset + len(xing)
    frame[start : start + 34] = lame[:34]
    struct.pack_into(">H", frame, start + 34, _crc16(bytes(frame[: start + 34])))
    return bytes(frame)
