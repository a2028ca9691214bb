"""Article reader: turns web articles into clean, natural speech.

The public API, for the CLI, the web app, job workers and other programs.
Every name loads on first use (``reader.lazy``): ``import reader`` imports no stage, so the CLI and
a program that needs one function start fast, and a process that needs one stage (a render worker:
the engine and the audio encoder) does not load the others (page parsing, feeds, covers: about
30 MB of a render worker). ``reader.render`` and ``reader.normalize`` are their stages' packages,
callable as the functions of the same names (docs/startup.md says why).
"""

from reader.lazy import lazy_door

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

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.article": ("Article", "Block"),
        "reader.audio": ("manifest_to_vtt",),
        "reader.errors": (
            "AudioError",
            "BackendError",
            "CacheError",
            "ExtractError",
            "FetchError",
            "InputError",
            "NormalizeError",
            "ReaderError",
        ),
        "reader.normalize": ("normalize",),
        "reader.publish": (
            "Episode",
            "ExportSettings",
            "Show",
            "build_feed",
            "build_site",
            "export_article",
            "export_batch",
        ),
        "reader.render": ("render", "Progress", "RenderJob", "RenderOptions", "RenderResult", "start_render"),
        "reader.text": ("Chunk", "FetchPolicy", "Script", "Sentence", "chunk_script", "extract", "make_script"),
    },
)
