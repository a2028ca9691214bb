"""One MP3 from cached chunks, by joining frames: no decode, no re-encode, flat memory.

The file is an ``Info`` frame (frame count, byte count, encoder delay and
end padding, so players show the right duration, seek, and play gapless),
then each chunk's frames, with encoded silence frames for the pauses and the
lead-in, exactly where the manifest's frame offsets put them; then ID3 tags
and chapters. Chunks are streamed one at a time from the store, each checked
against its checksum.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from reader.audio.chapters import chapters_from_manifest
from reader.audio.encoding import silence_frames
from reader.audio.ffmpeg import AudioSettings
from reader.audio.mp3 import DECODER_DELAY, ENCODER_DELAY, info_frame, parse_header
from reader.audio.tags import Tags, write_id3
from reader.errors import AudioError, CacheError
from reader.store import Manifest, Store, storage_error, temp_prefix

__all__ = ["assemble", "end_padding", "tags_of"]

log = logging.getLogger(__name__)


def end_padding(manifest: Manifest, settings: AudioSettings) -> int:
    """Samples after the last chunk's audio that a gapless decoder should drop."""
    if not manifest.entries:
        return 0
    last = manifest.entries[-1]
    spf = settings.samples_per_frame
    padding = last.frames * spf - (ENCODER_DELAY + DECODER_DELAY) - last.samples + DECODER_DELAY
    return max(0, min(4095, padding))


def assemble(manifest: Manifest, store: Store, dest: Path, settings: AudioSettings, *, tags: bool = True) -> Path:
    """Write the article's MP3 to ``dest`` atomically and return it."""
    if not manifest.entries:
        raise AudioError(f"article {manifest.article_id} has no audio to assemble")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=dest.parent, prefix=temp_prefix(), suffix=".mp3")
    except OSError as error:
        raise storage_error("write", dest, error) from error
    try:
        with os.fdopen(handle, "wb") as out:
            frames, stream_bytes, header = _write_frames(out, manifest, store, settings)
            frame = info_frame(
                header,
                frames=frames,
                stream_bytes=stream_bytes,
                delay=ENCODER_DELAY,
                padding=end_padding(manifest, settings),
            )
            data_start = len(frame)
            out.seek(0)
            out.write(frame)
        if data_start != _placeholder_size(header):
            raise AudioError("internal error: Info frame size changed")
        if tags:
            write_id3(temp, tags_of(manifest), chapters_from_manifest(manifest))
        os.replace(temp, dest)
    except OSError as error:
        raise storage_error("write", dest, error) from error
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return dest


def tags_of(manifest: Manifest) -> Tags:
    """ID3 tags for an article: title, artist (byline, else site), album (site), date, source URL."""
    return Tags(
        title=manifest.title,
        artist=manifest.byline or manifest.site_name,
        album=manifest.site_name,
        date=manifest.date,
        url=manifest.url,
        language=manifest.lang,
    )


def _placeholder_size(header) -> int:
    return len(info_frame(header, frames=0, stream_bytes=0, delay=0, padding=0))


def _write_frames(out, manifest: Manifest, store: Store, settings: AudioSettings):
    header = None
    position = 0  # frames written after the Info frame
    total_bytes = 0
    for entry in manifest.entries:
        data = store.read_chunk(entry.key)
        if data is None:
            raise CacheError(
                f"chunk {entry.key[:12]}… of article {manifest.article_id} is missing or corrupt",
                cause="it was pruned or damaged",
                remedy="render the article again",
            )
        if header is None:
            header = parse_header(data)
            if header is None:
                raise AudioError(f"chunk {entry.key[:12]}… is not MP3")
            out.write(b"\0" * _placeholder_size(header))
        gap = entry.frame_start - position
        if gap < 0:
            raise AudioError(f"manifest of {manifest.article_id} has overlapping chunks at {entry.key[:12]}…")
        silence = silence_frames(gap, settings)
        out.write(silence)
        out.write(data)
        total_bytes += len(silence) + len(data)
        position = entry.frame_start + entry.frames
    return position, total_bytes, header
