"""The house audio format: encode, loudness, MP3 frames, assembly, tags, chapters, captions,
transcode, and the one ffmpeg runner.

The door of this stage: what the other stages and web/ may use."""

from reader.audio.assembly import assemble, tags_of
from reader.audio.captions import manifest_to_vtt
from reader.audio.chapters import chapters_from_manifest, chapters_json, ffmetadata
from reader.audio.encoding import EncodedChunk, encode_chunk, frames_for_ms, silence_frames
from reader.audio.ffmpeg import AudioSettings, decode_to_pcm
from reader.audio.mp3 import chunk_frames, iter_frames
from reader.audio.tags import Tags, ffmpeg_tags, write_id3, write_vorbis_comments
from reader.audio.transcode import (
    FORMATS,
    Loudness,
    LoudnessTarget,
    correction_filter,
    encode,
    measure_loudness,
    remembered_loudness,
)

__all__ = [
    "FORMATS",
    "AudioSettings",
    "EncodedChunk",
    "Loudness",
    "LoudnessTarget",
    "Tags",
    "assemble",
    "chapters_from_manifest",
    "chapters_json",
    "chunk_frames",
    "correction_filter",
    "decode_to_pcm",
    "encode",
    "encode_chunk",
    "ffmetadata",
    "ffmpeg_tags",
    "frames_for_ms",
    "iter_frames",
    "manifest_to_vtt",
    "measure_loudness",
    "remembered_loudness",
    "silence_frames",
    "tags_of",
    "write_id3",
    "write_vorbis_comments",
]
