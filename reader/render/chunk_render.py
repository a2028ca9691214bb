"""One chunk's text → its house-format audio and, where the backend gives them, its word start times.

The same function runs in a render worker process (``reader.render.synth_worker``) and in the
``InlinePool``, so a chunk has the same audio and the same times whichever ran it. The times are moved
onto the encoded chunk as heard (``in_chunk``: trimmed lead, MP3 delay) before they leave the worker,
so the store and the manifest only ever see times the player can use as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reader.audio import AudioSettings, EncodedChunk, chunk_frames
from reader.backends import Backend, SpeechOptions, synthesize_timed
from reader.store import ChunkInfo

__all__ = ["TimedChunk", "render_chunk", "store_chunk"]


@dataclass(frozen=True)
class TimedChunk(EncodedChunk):
    """An encoded chunk with its word times (``WordTimes.to_json()`` as UTF-8 JSON), None without them."""

    words: bytes | None = None


def render_chunk(backend: Backend, text: str, options: SpeechOptions, settings: AudioSettings) -> TimedChunk:
    """Synthesize and encode ``text``; with its word times when ``backend`` gives them."""
    audio, times = synthesize_timed(backend, text, options, settings)
    words = json.dumps(times, ensure_ascii=False, separators=(",", ":")).encode() if times is not None else None
    from reader.audio import encode_chunk  # numpy and LAME: only where a chunk is rendered (a worker)

    encoded = encode_chunk(audio.samples, audio.sample_rate, settings)
    return TimedChunk(encoded.mp3, encoded.frames, encoded.samples, encoded.sample_rate, words)


def store_chunk(store: Any, key: str, chunk: EncodedChunk) -> ChunkInfo:
    """Put a rendered chunk in the store: its word times first, then its audio, so a stored chunk whose
    backend gives times always has them (a crash between the two leaves times without audio, which the
    next render of the chunk finds and keeps: both are put-if-absent)."""
    words = getattr(chunk, "words", None)
    if words is not None:
        store.put_words(key, words)
    return store.put_chunk(
        key,
        chunk.mp3,
        frames=chunk.frames,
        samples=chunk.samples,
        sample_rate=chunk.sample_rate,
        count_frames=chunk_frames,
    )
