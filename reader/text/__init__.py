"""source → Article → Script → Chunks: fetching and its policy, decoding, extraction (HTML, text,
Markdown), the DOM helpers, furniture rules and cleanup, the speech script and its chunks.

The door of this stage: what the other stages and web/ may use."""

from reader.text.chunk import Chunk, chunk_key, chunk_script, split_to_limit
from reader.text.extraction import extract
from reader.text.fetch import IMAGE_TYPES, fetch_url
from reader.text.fetch_policy import FetchPolicy
from reader.text.script import Script, Sentence, make_script
from reader.text.sources import MAX_FILE_BYTES, is_http_url, is_url

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
