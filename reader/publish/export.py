"""Export: one audio file per article to keep, tagged, with chapters and a transcript beside it.

Each article is rendered (from the cache when it can), its whole file measured
for loudness, and copied, or re-encoded only when the format, the bitrate or
the loudness asks for it. A batch carries on past articles that fail and
reports each with its reason; nothing half-written is left under a final name.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reader.atomic import atomic_copy, atomic_write
from reader.audio import (
    FORMATS,
    Loudness,
    LoudnessTarget,
    Tags,
    chapters_from_manifest,
    correction_filter,
    encode,
    ffmetadata,
    ffmpeg_tags,
    manifest_to_vtt,
    measure_loudness,
    remembered_loudness,
    tags_of,
    write_id3,
    write_vorbis_comments,
)
from reader.errors import InputError, ReaderError
from reader.publish.cover import load_cover
from reader.publish.files import safe_filename
from reader.render import Plan, Progress, RenderOptions, RenderResult, plan, render_plan

__all__ = [
    "BatchReport",
    "ExportSettings",
    "Exported",
    "Failed",
    "export_article",
    "export_batch",
    "manifest_tags",
    "read_source_list",
    "with_bitrate",
    "write_audio_file",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ExportSettings:
    format: str = "mp3"
    bitrate_kbps: int | None = None  # None: the render's bitrate for MP3, the format's default otherwise
    chapters: bool = True
    transcript: bool = True
    cover: bool = True  # the page's lead image as cover art, when it has one
    loudness: LoudnessTarget = field(default_factory=LoudnessTarget)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise InputError(f"unknown export format {self.format!r}; choose one of {', '.join(FORMATS)}")
        if self.bitrate_kbps is not None and not 8 <= self.bitrate_kbps <= 320:
            raise InputError(f"bitrate must be between 8 and 320 kbps, not {self.bitrate_kbps}")


@dataclass(frozen=True)
class Exported:
    source: str
    title: str
    path: Path
    transcript: Path | None
    duration: float  # seconds
    loudness: Loudness  # of the rendered audio, before any second pass
    corrected: bool  # whether a second loudness pass ran
    rendered_chunks: int  # chunks synthesized for this export; the rest came from the cache


@dataclass(frozen=True)
class Failed:
    source: str
    reason: str
    exit_code: int = 1  # the error's own code (4: fetch refused or failed), so a batch can report it


@dataclass(frozen=True)
class BatchReport:
    exported: tuple[Exported, ...]
    failed: tuple[Failed, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


def read_source_list(path: str | Path) -> list[str]:
    """Sources from a list file: one per line; blank lines and ``#`` comments skipped.

    Relative file paths are taken from the list's own folder, so a list works
    wherever it is run from.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(f"list file not found: {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"list file is not UTF-8 text: {path}") from None
    sources = []
    for line in lines:
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        beside = path.parent / entry
        sources.append(str(beside) if "://" not in entry and beside.exists() else entry)
    return sources


def manifest_tags(manifest: Any, cover: tuple[bytes, str] | None = None) -> Tags:
    """File tags for a rendered article: the assembled MP3's tags, plus the page's lead image as cover."""
    tags = tags_of(manifest)
    return dataclasses.replace(tags, cover=cover[0], cover_mime=cover[1]) if cover else tags


def _encode_to(
    temp: Path,
    source: Path,
    settings: ExportSettings,
    sample_rate: int,
    audio_filter: str | None,
    tags: Tags,
    chapters: list,
) -> None:
    fmt = FORMATS[settings.format]
    meta_file = cover_file = None
    try:
        if fmt.name == "m4b":
            meta_file = temp.with_name(temp.name + ".meta")
            meta_file.write_text(ffmetadata(ffmpeg_tags(tags), chapters if settings.chapters else []), "utf-8")
            if tags.cover:
                cover_file = temp.with_name(temp.name + (".png" if tags.cover_mime == "image/png" else ".jpg"))
                cover_file.write_bytes(tags.cover)
        encode(
            source,
            temp,
            fmt,
            bitrate_kbps=settings.bitrate_kbps,
            sample_rate=sample_rate,
            audio_filter=audio_filter,
            metadata_file=meta_file,
            cover=cover_file,
            tags=ffmpeg_tags(tags) if fmt.name == "wav" else None,
        )
    finally:
        for extra in (meta_file, cover_file):
            if extra is not None:
                extra.unlink(missing_ok=True)


def write_audio_file(
    temp: Path, audio: Path, settings: ExportSettings, options: RenderOptions, tags: Tags, chapters: list
) -> tuple[Loudness, bool]:
    """Write the finished file to ``temp``: copy or encode, second loudness pass if needed, then tags.

    Returns the rendered audio's loudness and whether a second pass ran. The
    podcast site builder writes its episodes through this too.
    """
    target = settings.loudness
    sample_rate = options.audio.sample_rate
    measured = remembered_loudness(audio, dual_mono=target.dual_mono)
    audio_filter = correction_filter(measured, target)
    same_mp3 = settings.format == "mp3" and settings.bitrate_kbps in (None, options.audio.bitrate_kbps)
    if same_mp3 and audio_filter is None:
        atomic_copy(audio, temp)
    else:
        _encode_to(temp, audio, settings, sample_rate, audio_filter, tags, chapters)
        after = measure_loudness(temp, dual_mono=target.dual_mono)
        off = target.integrated - after.integrated
        if not after.within(target) or (audio_filter and abs(off) > target.tolerance / 2):
            # A lossy encoder moved the level: one more pass from the rendered audio, aimed by what it lost.
            log.info("loudness after encoding is %.1f LUFS; correcting by %.1f dB", after.integrated, off)
            extra = off if audio_filter else off - (target.integrated - measured.integrated)
            audio_filter = correction_filter(measured, target, extra_gain=extra)
            _encode_to(temp, audio, settings, sample_rate, audio_filter, tags, chapters)
    if settings.format == "mp3":
        write_id3(temp, tags, chapters if settings.chapters else None)
    elif settings.format == "ogg":
        write_vorbis_comments(temp, tags)
    return measured, audio_filter is not None


@dataclass(frozen=True)
class _Rendered:
    source: str
    job: Plan
    result: RenderResult
    name: str


def _render(
    source: str,
    settings: ExportSettings,
    options: RenderOptions,
    store: Any,
    on_progress: ProgressCallback | None,
    taken: Iterable[str],
) -> _Rendered:
    job = plan(source, options)
    result = render_plan(job, store=store, on_progress=on_progress)
    name = safe_filename(result.manifest.title, FORMATS[settings.format].extension, taken=taken)
    return _Rendered(source, job, result, name)


def _write(rendered: _Rendered, out: Path, settings: ExportSettings, options: RenderOptions) -> Exported:
    """Everything after rendering: cover, loudness, encoding, tags, the file under its name, the transcript."""
    manifest, source = rendered.result.manifest, rendered.source
    final = out / rendered.name
    cover = load_cover(rendered.job.article.image, source) if settings.cover else None
    tags = manifest_tags(manifest, cover)
    chapters = chapters_from_manifest(manifest)
    out.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=out, prefix=f".{rendered.name[:40]}.", suffix=".part")
    os.close(fd)
    temp = Path(temp_name)
    try:
        measured, corrected = write_audio_file(temp, rendered.result.audio_path, settings, options, tags, chapters)
        os.chmod(temp, 0o644)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    transcript = None
    if settings.transcript:
        transcript = atomic_write(final.with_suffix(".vtt"), manifest_to_vtt(manifest))
    log.info("exported %s to %s", source, final)
    rendered_chunks = rendered.result.rendered
    return Exported(source, manifest.title, final, transcript, manifest.duration, measured, corrected, rendered_chunks)


def export_article(
    source: str,
    out_dir: str | Path,
    settings: ExportSettings | None = None,
    *,
    options: RenderOptions | None = None,
    store: Any = None,
    on_progress: ProgressCallback | None = None,
    taken: Iterable[str] = (),
) -> Exported:
    """Render ``source`` and write ``<title>.<ext>`` (plus ``<title>.vtt``) into ``out_dir``.

    ``taken`` holds names already used in this batch, so two articles with one
    title get "Title.mp3" and "Title (2).mp3"; a re-export of the same article
    replaces its file.
    """
    settings = settings or ExportSettings()
    options = with_bitrate(options or RenderOptions(), settings)
    rendered = _render(source, settings, options, store, on_progress, taken)
    return _write(rendered, Path(out_dir), settings, options)


def _output_folder(out: Path) -> Path:
    """The output folder, created up front: a name that cannot be a folder fails the batch once, clearly."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"cannot export into {out}: it exists and is not a folder") from None
    except (OSError, ValueError) as error:  # too long, NUL byte, read-only, no permission
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(f"cannot create the output folder {str(out)[:200]}: {reason}") from None
    return out


def _failure(source: str, error: BaseException) -> Failed:
    if isinstance(error, ReaderError):
        log.info("export of %s failed: %s", source, error)
        return Failed(source, str(error), error.exit_code)
    # A bug must not lose the rest of the batch; it is logged in full.
    log.error("export of %s failed unexpectedly", source, exc_info=error)
    return Failed(source, f"internal error: {type(error).__name__}: {error}")


def export_batch(
    sources: Iterable[str],
    out_dir: str | Path,
    settings: ExportSettings | None = None,
    *,
    options: RenderOptions | None = None,
    store: Any = None,
    on_start: Callable[[int, str], None] | None = None,
    on_progress: ProgressCallback | None = None,
    on_done: Callable[[Exported | Failed], None] | None = None,
) -> BatchReport:
    """Export each source; a failure is recorded with its reason and the batch goes on.

    Pipelined: while one article's file is measured, encoded and tagged (ffmpeg,
    in a second thread), the next one renders. Outcomes are reported in order.
    """
    settings = settings or ExportSettings()
    options = with_bitrate(options or RenderOptions(), settings)
    out = _output_folder(Path(out_dir))
    outcomes: list[Exported | Failed] = []
    names: list[str] = []  # claimed by articles rendered so far, written or still being written

    def report(outcome: Exported | Failed) -> None:
        outcomes.append(outcome)
        if on_done is not None:
            on_done(outcome)

    def settle(pending: tuple[str, Future[Exported]] | None) -> None:
        if pending is None:
            return
        source, future = pending
        try:
            report(future.result())
        except Exception as error:
            report(_failure(source, error))

    pending: tuple[str, Future[Exported]] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-write") as writer:
        for index, source in enumerate(sources):
            if on_start is not None:
                on_start(index, source)
            try:
                rendered = _render(source, settings, options, store, on_progress, names)
            except Exception as error:
                settle(pending)
                pending = None
                report(_failure(source, error))
                continue
            names.append(rendered.name)
            future = writer.submit(_write, rendered, out, settings, options)
            settle(pending)
            pending = (source, future)
        settle(pending)
    exported = tuple(o for o in outcomes if isinstance(o, Exported))
    return BatchReport(exported, tuple(o for o in outcomes if isinstance(o, Failed)))


def with_bitrate(options: RenderOptions, settings: ExportSettings) -> RenderOptions:
    """For MP3, render straight at the asked bitrate (no re-encode); other formats encode from the house MP3."""
    if settings.format != "mp3" or settings.bitrate_kbps in (None, options.audio.bitrate_kbps):
        return options
    return replace(options, audio=replace(options.audio, bitrate_kbps=settings.bitrate_kbps))
