"""Article reader: turns web articles into clean, natural speech.

The public API, for the CLI, the web app, job workers and other programs.
"""

from reader.article import Article, Block
from reader.chunk import Chunk, chunk_script
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
from reader.extract import extract
from reader.fetch import FetchPolicy
from reader.normalize import normalize
from reader.render import Progress, RenderJob, RenderOptions, RenderResult, render, start_render
from reader.script import Script, Sentence, make_script

__all__ = [
    "Article",
    "AudioError",
    "BackendError",
    "Block",
    "CacheError",
    "Chunk",
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
    "chunk_script",
    "extract",
    "make_script",
    "normalize",
    "render",
    "start_render",
]
