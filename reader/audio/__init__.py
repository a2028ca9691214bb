"""The house audio format: encode, loudness, MP3 frames, assembly, tags, chapters, captions,
transcode, and the one ffmpeg runner.

The door of this stage: what the other stages and web/ may use."""

from reader.lazy import lazy_door

__all__ = [
    "DECODER_DELAY",
    "ENCODER_DELAY",
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

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.audio.assembly": ("assemble", "tags_of"),
        "reader.audio.captions": ("manifest_to_vtt",),
        "reader.audio.chapters": ("chapters_from_manifest", "chapters_json", "ffmetadata"),
        "reader.audio.encoding": ("encode_chunk", "silence_frames"),
        "reader.audio.ffmpeg": ("AudioSettings", "decode_to_pcm"),
        "reader.audio.mp3": (
            "DECODER_DELAY",
            "ENCODER_DELAY",
            "EncodedChunk",
            "chunk_frames",
            "frames_for_ms",
            "iter_frames",
        ),
        "reader.audio.tags": ("Tags", "ffmpeg_tags", "write_id3", "write_vorbis_comments"),
        "reader.audio.transcode": (
            "FORMATS",
            "Loudness",
            "LoudnessTarget",
            "correction_filter",
            "encode",
            "measure_loudness",
            "remembered_loudness",
        ),
    },
)
