"""Article reader: turns web articles into clean, natural speech.

The public API, for the CLI, the web app, job workers and other programs.
"""

from reader.article import Article, Block
from reader.audio import manifest_to_vtt
from reader.errors import (
    AudioError,
    BackendError,
    CacheError,
    ExtractError,
    FetchError,
    InputError,
    NormalizeError,
    ReaderError,
)
from reader.normalize import normalize
from reader.publish import Episode, ExportSettings, Show, build_feed, build_site, export_article, export_batch
from reader.render import Progress, RenderJob, RenderOptions, RenderResult, render, start_render
from reader.text import Chunk, FetchPolicy, Script, Sentence, chunk_script, extract, make_script

__all__ = [
    "Article",
    "AudioError",
    "BackendError",
    "Block",
    "CacheError",
    "Chunk",
    "Episode",
    "ExportSettings",
    "ExtractError",
    "FetchError",
    "FetchPolicy",
    "InputError",
    "NormalizeError",
    "Progress",
    "ReaderError",
    "RenderJob",
    "RenderOptions",
    "RenderResult",
    "Script",
    "Sentence",
    "Show",
    "build_feed",
    "build_site",
    "chunk_script",
    "export_article",
    "export_batch",
    "extract",
    "make_script",
    "manifest_to_vtt",
    "normalize",
    "render",
    "start_render",
]
