"""source → Article → Script → Chunks: fetching and its policy, decoding, extraction (HTML, text,
Markdown), the DOM helpers, furniture rules and cleanup, the speech script and its chunks.

The door of this stage: what the other stages and web/ may use."""

from reader.lazy import lazy_door

__all__ = [
    "IMAGE_TYPES",
    "MAX_FILE_BYTES",
    "Chunk",
    "FetchPolicy",
    "Script",
    "Sentence",
    "chunk_key",
    "chunk_script",
    "extract",
    "fetch_url",
    "is_http_url",
    "is_url",
    "make_script",
    "split_to_limit",
]

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.text.chunk": ("Chunk", "chunk_key", "chunk_script", "split_to_limit"),
        "reader.text.extraction": ("extract",),
        "reader.text.fetch": ("IMAGE_TYPES", "fetch_url"),
        "reader.text.fetch_policy": ("FetchPolicy",),
        "reader.text.script": ("Script", "Sentence", "make_script"),
        "reader.text.sources": ("MAX_FILE_BYTES", "is_http_url", "is_url"),
    },
)
