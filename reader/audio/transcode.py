"""Whole-file audio work for export and podcasts: loudness, a second pass, other formats.

The audio side sets every chunk's loudness at render time, so an assembled
article is usually already on target. Here the whole file is measured with
ffmpeg's ``ebur128`` (dual mono, as podcast apps play mono; true peak on), and
only a file outside the tolerance gets a second pass: a gain, with a limiter
when the gain would push the true peak over the ceiling. Re-encoding is done
only when the format, the bitrate or the loudness asks for it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from reader.atomic import atomic_write
from reader.audio.ffmpeg import ffmpeg_log, run_ffmpeg
from reader.errors import AudioError, InputError

__all__ = [
    "FORMATS",
    "Format",
    "Loudness",
    "LoudnessTarget",
    "correction_filter",
    "encode",
    "measure_loudness",
    "remembered_loudness",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    codec: list[str]  # ffmpeg codec arguments; "{bitrate}" is filled in
    muxer: str
    default_bitrate: int | None  # kbps; None for PCM
    chapters: bool  # whether the container carries chapters players show


FORMATS: dict[str, Format] = {
    "mp3": Format("mp3", "mp3", ["-c:a", "libmp3lame", "-b:a", "{bitrate}k"], "mp3", 48, True),
    # ffmpeg's "fast" AAC coder: a quarter of the default's time, no audible loss for speech at 64 kbps.
    "m4b": Format("m4b", "m4b", ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "{bitrate}k"], "ipod", 64, True),
    "ogg": Format("ogg", "ogg", ["-c:a", "libvorbis", "-b:a", "{bitrate}k"], "ogg", 64, False),
    "wav": Format("wav", "wav", ["-c:a", "pcm_s16le"], "wav", None, False),
}


@dataclass(frozen=True)
class LoudnessTarget:
    """The podcast norm: -16 LUFS integrated (dual mono), true peak at most -1 dBTP."""

    integrated: float = -16.0
    tolerance: float = 1.0  # LU either side; inside it, no second pass
    true_peak: float = -1.0
    dual_mono: bool = True

    def __post_init__(self) -> None:
        if not -40.0 <= self.integrated <= -5.0:
            raise InputError(f"loudness target must be between -40 and -5 LUFS, not {self.integrated}")
        if not 0.1 <= self.tolerance <= 5.0:
            raise InputError(f"loudness tolerance must be between 0.1 and 5 LU, not {self.tolerance}")
        if not -9.0 <= self.true_peak <= 0.0:
            raise InputError(f"true-peak ceiling must be between -9 and 0 dBTP, not {self.true_peak}")


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU
    threshold: float  # LUFS, the relative gate of the integrated measurement

    def within(self, target: LoudnessTarget) -> bool:
        return abs(self.integrated - target.integrated) <= target.tolerance and self.true_peak <= target.true_peak


_SUMMARY = re.compile(
    r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf) LUFS\s*Threshold:\s*(?P<thresh>-?[\d.]+|-inf) LUFS"
    r".*?LRA:\s*(?P<lra>-?[\d.]+) LU"
    r".*?True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf) dBFS",
    re.S,
)


def measure_loudness(path: str | Path, *, dual_mono: bool = True) -> Loudness:
    """Integrated loudness, true peak and loudness range of a whole file (ffmpeg ``ebur128``)."""
    spec = f"ebur128=peak=true:framelog=verbose:dualmono={'true' if dual_mono else 'false'}"
    stderr = ffmpeg_log(["-nostats", "-i", str(path), "-filter_complex", spec, "-f", "null", "-"], timeout=600.0)
    summary = stderr[stderr.rfind("Summary:") :]
    match = _SUMMARY.search(summary)
    if not match:
        raise AudioError(f"could not read a loudness measurement for {path}", stderr=stderr[-2000:])
    values = {key: float(value) for key, value in match.groupdict().items()}
    if values["i"] <= -69.0:  # ebur128 reports -70 LUFS (its floor) for silence
        raise AudioError(f"{path} is silent: there is no loudness to measure", cause="the speech engine made no sound")
    return Loudness(integrated=values["i"], true_peak=values["tp"], lra=values["lra"], threshold=values["thresh"])


def remembered_loudness(path: str | Path, *, dual_mono: bool = True) -> Loudness:
    """``measure_loudness`` of a rendered file, remembered in a small JSON beside it.

    A rendered article's file never changes under its name (a new revision gets
    a new file), so re-exporting it, or rebuilding a podcast, need not decode
    and measure it again: that measurement is most of a warm export's time.
    """
    path = Path(path)
    sidecar = path.with_name(path.name + ".loudness.json")
    stat = path.stat()
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "dual_mono": dual_mono}
    try:
        saved = json.loads(sidecar.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            return Loudness(**saved["loudness"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    measured = measure_loudness(path, dual_mono=dual_mono)
    for stale in path.parent.glob("*.loudness.json"):  # earlier revisions' files are gone; so go their notes
        if not stale.with_name(stale.name.removesuffix(".loudness.json")).exists():
            stale.unlink(missing_ok=True)
    try:
        atomic_write(sidecar, json.dumps({"stamp": stamp, "loudness": asdict(measured)}))
    except OSError as error:  # a read-only cache still exports; it just measures every time
        log.debug("could not remember the loudness of %s: %s", path, error)
    return measured


def correction_filter(measured: Loudness, target: LoudnessTarget, *, extra_gain: float = 0.0) -> str | None:
    """The ffmpeg filter for the second pass, or None when the file is already within tolerance.

    A plain gain keeps the sound untouched. When the gain would lift the true
    peak over the ceiling, a limiter set 1.5 dB under it (MP3 and AAC overshoot
    a sample-peak limit) catches the few peaks, which in speech barely moves
    the integrated loudness. ``extra_gain`` corrects what a lossy encoder took
    away on a first try.
    """
    if measured.within(target) and not extra_gain:
        return None
    gain = target.integrated - measured.integrated + extra_gain
    if measured.true_peak + gain <= target.true_peak - 0.5:
        return f"volume={gain:.2f}dB"
    ceiling = 10 ** ((target.true_peak - 1.5) / 20)
    return f"volume={gain:.2f}dB,alimiter=limit={ceiling:.4f}:attack=5:release=50:level=false"


def encode(
    source: str | Path,
    dest: str | Path,
    fmt: Format,
    *,
    bitrate_kbps: int | None = None,
    sample_rate: int,
    audio_filter: str | None = None,
    metadata_file: str | Path | None = None,
    cover: str | Path | None = None,
    tags: dict[str, str] | None = None,
) -> Path:
    """Encode ``source`` into ``dest`` in ``fmt``, with an optional gain filter, tags, chapters and cover.

    ``metadata_file`` is an ffmetadata file (global tags and chapters); ``tags``
    are set directly. Any tags and chapters in the source are dropped so what
    the caller gives is all the output carries. ``dest`` is written in place:
    callers pass a temp name and rename it when whole.
    """
    args = ["-v", "error", "-y", "-i", str(source)]
    inputs = 1
    meta_index = cover_index = None
    if metadata_file is not None:
        args += ["-f", "ffmetadata", "-i", str(metadata_file)]
        meta_index, inputs = inputs, inputs + 1
    if cover is not None:
        args += ["-i", str(cover)]
        cover_index, inputs = inputs, inputs + 1
    args += ["-map", "0:a:0"]
    if cover_index is not None:
        args += ["-map", f"{cover_index}:v:0", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
    if meta_index is not None:
        args += ["-map_metadata", str(meta_index), "-map_chapters", str(meta_index)]
    else:
        args += ["-map_metadata", "-1", "-map_chapters", "-1"]
    for key, value in (tags or {}).items():
        if value:
            args += ["-metadata", f"{key}={value}"]
    bitrate = bitrate_kbps or fmt.default_bitrate
    args += [part.replace("{bitrate}", str(bitrate)) for part in fmt.codec]
    args += ["-ac", "1", "-ar", str(sample_rate)]
    if audio_filter:
        args += ["-af", audio_filter]
    if fmt.muxer == "mp3":
        args += ["-id3v2_version", "3", "-write_xing", "1"]
    if fmt.muxer == "ipod":
        args += ["-movflags", "+faststart"]
    args += ["-f", fmt.muxer, str(dest)]
    run_ffmpeg(args, timeout=1800.0)
    return Path(dest)
