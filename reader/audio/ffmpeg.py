"""The house audio format, and the one module that runs ffmpeg and ffprobe.

Per-chunk work (trim, gain, MP3 encode) happens in-process in
``reader.audio.encoding``: a subprocess per sentence would cost more than the
synthesis. ffmpeg is for whole files: decoding what an online backend returns,
and anything callers (export, podcast) do to assembled articles. Every call
goes through :func:`run_ffmpeg`: argv as a list, the binary looked up once with
a clear error, a timeout, the command logged at debug, stderr kept in the
``AudioError`` it raises.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.errors import AudioError, InputError, os_reason

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "MPEG_SAMPLE_RATES",
    "AudioSettings",
    "decode_to_pcm",
    "ffmpeg_log",
    "ffmpeg_path",
    "ffprobe",
    "ffprobe_path",
    "run_ffmpeg",
]

log = logging.getLogger(__name__)

# MPEG audio sample rates and their samples per Layer III frame (MPEG-1: 1152, MPEG-2: 576).
MPEG_SAMPLE_RATES: dict[int, int] = {16000: 576, 22050: 576, 24000: 576, 32000: 1152, 44100: 1152, 48000: 1152}
_BITRATES = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)


@dataclass(frozen=True)
class AudioSettings:
    """The house format and how chunks are shaped and spaced.

    Every chunk is mono MP3 at one sample rate and one constant bitrate, so
    chunks join frame by frame. The fields above ``sentence_pause_ms`` change
    how a chunk sounds and so are part of its cache key; the pauses and the
    lead-in only change how chunks are spaced when assembled.
    """

    sample_rate: int = 22050
    bitrate_kbps: int = 48
    loudness_lufs: float = -16.0  # integrated loudness, measured as dual mono (as podcast apps play mono)
    peak_dbfs: float = -2.0  # sample-peak ceiling after gain; leaves room for MP3 overshoot under -1 dBTP
    trim_pad_ms: int = 40  # silence kept before and after the speech of each chunk
    silence_db: float = -50.0  # below this (dBFS) a sample counts as silence when trimming
    encoder_quality: int = 7  # LAME algorithm quality, 0 (best) to 9; 7 encodes about 1.25x faster than 5
    sentence_pause_ms: int = 250
    paragraph_pause_ms: int = 600
    heading_pause_ms: int = 1000
    part_pause_ms: int = 0  # between pieces of one long sentence
    lead_in_ms: int = 0  # silence before the first word, for Bluetooth headphones that eat it

    def __post_init__(self) -> None:
        if self.sample_rate not in MPEG_SAMPLE_RATES:
            raise InputError(f"sample rate must be one of {sorted(MPEG_SAMPLE_RATES)} Hz, not {self.sample_rate}")
        if self.bitrate_kbps not in _BITRATES or (self.sample_rate >= 32000 and self.bitrate_kbps < 32):
            raise InputError(f"unsupported MP3 bitrate {self.bitrate_kbps} kbps at {self.sample_rate} Hz")
        if not -40.0 <= self.loudness_lufs <= -5.0:
            raise InputError(f"loudness target must be between -40 and -5 LUFS, not {self.loudness_lufs}")
        if not 0 <= self.encoder_quality <= 9:
            raise InputError(f"encoder quality must be 0-9, not {self.encoder_quality}")
        for name in ("trim_pad_ms", "sentence_pause_ms", "paragraph_pause_ms", "heading_pause_ms"):
            if not 0 <= getattr(self, name) <= 10_000:
                raise InputError(f"{name} must be between 0 and 10000 ms")
        if not 0 <= self.part_pause_ms <= 10_000 or not 0 <= self.lead_in_ms <= 10_000:
            raise InputError("pauses and lead-in must be between 0 and 10000 ms")

    @property
    def samples_per_frame(self) -> int:
        return MPEG_SAMPLE_RATES[self.sample_rate]

    @property
    def frame_seconds(self) -> float:
        return self.samples_per_frame / self.sample_rate

    def chunk_identity(self) -> dict[str, Any]:
        """The settings that change a chunk's sound: part of its cache key."""
        return {
            "format": "mp3",
            "channels": 1,
            "sample_rate": self.sample_rate,
            "bitrate_kbps": self.bitrate_kbps,
            "loudness_lufs": self.loudness_lufs,
            "peak_dbfs": self.peak_dbfs,
            "trim_pad_ms": self.trim_pad_ms,
            "silence_db": self.silence_db,
            "encoder_quality": self.encoder_quality,
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudioSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InputError(f"unknown audio settings: {', '.join(sorted(unknown))}")
        return cls(**data)


@cache
def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AudioError(
            f"{name} not found on PATH",
            remedy="install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)",
        )
    return path


def ffmpeg_path() -> str:
    """Absolute path of ffmpeg, or AudioError saying how to install it."""
    return _binary("ffmpeg")


def ffprobe_path() -> str:
    """Absolute path of ffprobe, or AudioError saying how to install it."""
    return _binary("ffprobe")


def run_ffmpeg(
    args: list[str], *, input_bytes: bytes | None = None, timeout: float = 120.0, program: str = "ffmpeg"
) -> bytes:
    """Run ffmpeg (or ffprobe) with ``args``; return stdout, raise AudioError with stderr on failure."""
    binary = ffprobe_path() if program == "ffprobe" else ffmpeg_path()
    argv = [binary, "-hide_banner", "-nostdin", *args] if program == "ffmpeg" else [binary, *args]
    log.debug("running %s", " ".join(argv))
    try:
        done = subprocess.run(argv, input=input_bytes, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise AudioError(f"{program} timed out after {timeout:.0f} s", command=argv) from error
    except OSError as error:
        raise AudioError(f"could not run {program}: {os_reason(error)}", command=argv) from error
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        last = stderr.splitlines()[-1] if stderr else f"exit status {done.returncode}"
        raise AudioError(f"{program} failed: {last}", stderr=stderr, command=argv)
    return done.stdout


def ffprobe(path: str | Path) -> dict[str, Any]:
    """ffprobe's JSON view of a file: ``format``, ``streams`` and ``chapters``."""
    out = run_ffmpeg(
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", str(path)],
        program="ffprobe",
        timeout=60.0,
    )
    return json.loads(out)


def decode_to_pcm(data: bytes, sample_rate: int, *, timeout: float = 60.0) -> np.ndarray:
    """Decode a whole encoded file (MP3 from an online backend, say) to mono int16 PCM at ``sample_rate``."""
    if not data:
        raise AudioError("nothing to decode: the audio is empty")
    out = run_ffmpeg(
        [
            "-v",
            "error",
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "pipe:1",
        ],
        input_bytes=data,
        timeout=timeout,
    )
    if not out:
        raise AudioError("ffmpeg decoded no audio from the data", cause="truncated or not an audio file")
    import numpy as np  # here, not at import: the render options name AudioSettings long before any PCM

    return np.frombuffer(out, dtype="<i2").copy()


# --- Whole-file measurements, for export and podcasts (used by reader.audio.transcode) ---------------------


def ffmpeg_log(args: list[str], *, timeout: float = 600.0) -> str:
    """Run ffmpeg for what it reports in its log (measuring filters such as ``ebur128``) and return the log.

    ``run_ffmpeg`` returns stdout; a measurement's result is written to stderr
    instead, so this runs ffmpeg the same way (binary looked up once, argv as a
    list, a timeout, stderr in the ``AudioError``) and hands back stderr.
    """
    argv = [ffmpeg_path(), "-hide_banner", "-nostdin", *args]
    log.debug("running %s", " ".join(argv))
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise AudioError(f"ffmpeg timed out after {timeout:.0f} s", command=argv) from error
    except OSError as error:
        raise AudioError(f"could not run ffmpeg: {os_reason(error)}", command=argv) from error
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {done.returncode}"
        raise AudioError(f"ffmpeg failed: {last}", stderr=stderr.strip(), command=argv)
    return stderr
