"""What pages and the API show of an article, derived from its manifest in one place.

``ArticleState`` is the web layer's view of an article (status, progress,
metadata, sentences with timings); the API returns it as JSON and the pages
render it, so the two never disagree.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from reader.audio import manifest_to_vtt
from web.voicemenu import article_voice

WORDS_PER_SECOND = 3.0  # eSpeak NG's default speed as measured with its pauses, for the estimate before rendering


@dataclass(frozen=True)
class SentenceTiming:
    index: int
    block: int
    kind: str
    written: str
    spoken: str
    start: float | None  # seconds into the assembled audio; None until rendered
    end: float | None
    # [t, b, e, ...]: each spoken word's start (ms from ``start``) and the span of ``written`` it reads
    # (UTF-16 code units, as JavaScript indexes strings); None when the backend gave no word times
    words: tuple[int, ...] | None = None


@dataclass(frozen=True)
class ArticleState:
    id: str
    revision: str
    status: str  # "rendering" | "complete" | "failed"
    title: str
    sentences: tuple[SentenceTiming, ...]
    done: int = 0
    total: int = 0
    audio_seconds: float = 0.0
    duration: float | None = None
    error: str | None = None
    byline: str | None = None
    site_name: str | None = None
    date: str | None = None
    url: str | None = None
    image: str | None = None
    lang: str = "en"
    options: dict[str, Any] = field(default_factory=dict)
    updated: float = 0.0  # Unix time of the last change, for "newest first" and Last-Modified

    @property
    def estimated_duration(self) -> float:
        words = sum(len(s.spoken.split()) for s in self.sentences)
        return round(words / WORDS_PER_SECOND, 1)


def urls(state: ArticleState) -> dict[str, str]:
    audio = url_for("api.audio", article_id=state.id, rev=state.revision)
    return {
        "status_url": url_for("api.article", article_id=state.id),
        "page_url": url_for("pages.article", article_id=state.id),
        "audio_url": audio,
        "download_url": url_for("api.audio", article_id=state.id, rev=state.revision, download=1),
        "captions_url": url_for("api.captions", article_id=state.id),
    }


def voice_name(options: dict[str, Any], lang: str) -> str | None:
    """``article_voice``, remembered for a minute per (backend, voice, language): listing the engines'
    voices costs ~3 ms, and ``GET /api/articles`` names every article's voice."""
    backend, voice = options.get("backend"), options.get("voice")
    if not (backend is None or isinstance(backend, str)) or not (voice is None or isinstance(voice, str)):
        return None
    return _voice_name(backend, voice, lang, int(time.monotonic() // 60))


@functools.lru_cache(maxsize=256)
def _voice_name(backend: str | None, voice: str | None, lang: str, _minute: int) -> str | None:
    return article_voice({"backend": backend, "voice": voice}, lang)


def to_json(state: ArticleState, *, sentences: bool = True) -> dict[str, Any]:
    """The API's representation of an article (``GET /api/articles/<id>``)."""
    data: dict[str, Any] = {
        "id": state.id,
        "revision": state.revision,
        "status": state.status,
        "progress": {"done": state.done, "total": state.total, "audio_seconds": round(state.audio_seconds, 3)},
        "duration": state.duration,
        "estimated_duration": state.estimated_duration,
        "error": state.error,
        "title": state.title,
        "byline": state.byline,
        "site_name": state.site_name,
        "date": state.date,
        "url": state.url,
        "image": state.image,
        "lang": state.lang,
        "options": state.options,
        "voice_name": voice_name(state.options, state.lang),  # the embed's "Joe (American English, neural)"
        **urls(state),
    }
    if sentences:
        data["sentences"] = [
            {
                "index": s.index,
                "block": s.block,
                "kind": s.kind,
                "written": s.written,
                "spoken": s.spoken,
                "start": s.start,
                "end": s.end,
                "words": list(s.words) if s.words is not None else None,
            }
            for s in state.sentences
        ]
    return data


def page_blocks(state: ArticleState) -> list[dict[str, Any]]:
    """Sentences grouped into the blocks of the page, consecutive list items into one list."""
    blocks: list[dict[str, Any]] = []
    for sentence in state.sentences:
        if not blocks or blocks[-1]["block"] != sentence.block:
            blocks.append({"block": sentence.block, "kind": sentence.kind, "sentences": []})
        blocks[-1]["sentences"].append(sentence)
    if not blocks or blocks[0]["kind"] != "title":
        blocks.insert(0, {"block": -1, "kind": "title", "sentences": []})
    grouped: list[dict[str, Any]] = []
    for block in blocks:
        if block["kind"] == "list_item":
            if grouped and grouped[-1]["kind"] == "list":
                grouped[-1]["items"].append(block)
            else:
                grouped.append({"kind": "list", "items": [block]})
        else:
            grouped.append(block)
    return grouped


def webvtt(state: ArticleState) -> str:
    """The sentences as WebVTT cues, for captions and transcripts (only those already rendered).

    Written by ``reader.audio.captions.manifest_to_vtt``, as the exporter and the podcast site write
    theirs, so a transcript is the same file however it is fetched."""
    entries = [
        {"sentence": s.index, "start": s.start, "duration": s.end - s.start, "written": s.written, "words": s.words}
        for s in state.sentences
        if s.start is not None and s.end is not None
    ]
    return manifest_to_vtt({"title": state.title, "entries": entries})


def clock(seconds: float | None) -> str:
    """1:05 or 1:02:03, as the player shows times."""
    total = int(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
