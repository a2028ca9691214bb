"""Article reader: turns web articles into clean, natural speech.

The public API, for the CLI, the web app, job workers and other programs. Each name is
imported on first use (PEP 562): ``import reader`` costs almost nothing, and a process that
needs one stage (a render worker: the engine and the audio encoder) does not load the others
(page parsing, feeds, covers), which cost a render worker about 30 MB.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Article": "reader.article",
    "AudioError": "reader.errors",
    "BackendError": "reader.errors",
    "Block": "reader.article",
    "CacheError": "reader.errors",
    "Chunk": "reader.text",
    "Episode": "reader.publish",
    "ExportSettings": "reader.publish",
    "ExtractError": "reader.errors",
    "FetchError": "reader.errors",
    "FetchPolicy": "reader.text",
    "InputError": "reader.errors",
    "NormalizeError": "reader.errors",
    "Progress": "reader.render",
    "ReaderError": "reader.errors",
    "RenderJob": "reader.render",
    "RenderOptions": "reader.render",
    "RenderResult": "reader.render",
    "Script": "reader.text",
    "Sentence": "reader.text",
    "Show": "reader.publish",
    "build_feed": "reader.publish",
    "build_site": "reader.publish",
    "chunk_script": "reader.text",
    "export_article": "reader.publish",
    "export_batch": "reader.publish",
    "extract": "reader.text",
    "make_script": "reader.text",
    "manifest_to_vtt": "reader.audio",
    "normalize": "reader.normalize",
    "render": "reader.render",
    "start_render": "reader.render",
}
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

# Two public functions share their name with the stage package they live in (``reader.render``,
# ``reader.normalize``). Importing a stage sets the package as an attribute of ``reader``; the public
# name stays the function, as it was when this module imported everything up front.
_FUNCTIONS_NAMED_LIKE_STAGES = frozenset({"normalize", "render"})


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'reader' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _PublicApi(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS_NAMED_LIKE_STAGES and isinstance(value, types.ModuleType):
            return  # the stage package is in sys.modules; ``reader.render`` is the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _PublicApi

if TYPE_CHECKING:
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
