"""Chapters at the article's headings, from a manifest, in the forms players read.

The first chapter is the title, from zero; each heading opens the next one. The
same list becomes a Podcasting 2.0 JSON chapters file, an ffmpeg metadata file
(native chapters in M4B) and ID3 CHAP/CTOC frames (written by the exporter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reader.audio.captions import entries_of, field

__all__ = ["Chapter", "chapters_from_manifest", "chapters_json", "ffmetadata"]


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds
    end: float


def chapters_from_manifest(manifest: Any) -> list[Chapter]:
    """One chapter for the title, then one per heading, each ending where the next begins."""
    marks: list[tuple[str, float]] = []
    end = 0.0
    heading_block: object = object()
    for entry in entries_of(manifest):
        start = float(field(entry, "start", 0.0))
        end = max(end, start + float(field(entry, "duration", 0.0)))
        kind = field(entry, "kind")
        block = field(entry, "block")
        text = " ".join(str(field(entry, "written", "") or "").split())
        if kind == "heading" and block != heading_block and text:
            marks.append((text, start))
            heading_block = block
    duration = float(field(manifest, "duration", 0.0) or 0.0) or end
    title = " ".join(str(field(manifest, "title", "") or "").split()) or "Start"
    if not marks or marks[0][1] > 0.5:
        marks.insert(0, (title, 0.0))
    else:
        marks[0] = (marks[0][0], 0.0)
    return [
        Chapter(name, start, marks[i + 1][1] if i + 1 < len(marks) else max(duration, start))
        for i, (name, start) in enumerate(marks)
    ]


def chapters_json(chapters: list[Chapter], *, title: str | None = None) -> str:
    """The Podcasting 2.0 JSON chapters format (version 1.2.0), for ``podcast:chapters``."""
    document: dict[str, Any] = {"version": "1.2.0"}
    if title:
        document["title"] = title
    document["chapters"] = [
        {"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title} for c in chapters
    ]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _ffescape(value: str) -> str:
    # ffmetadata escapes '=', ';', '#', '\' and newlines with a backslash.
    out = []
    for char in value:
        if char in "=;#\\\n":
            out.append("\\")
        out.append(char)
    return "".join(out)


def ffmetadata(tags: dict[str, str], chapters: list[Chapter]) -> str:
    """An ffmpeg metadata file: global tags, then chapters in milliseconds (``-map_chapters``)."""
    lines = [";FFMETADATA1"]
    lines += [f"{key}={_ffescape(value)}" for key, value in tags.items() if value]
    for chapter in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(chapter.start * 1000)}",
            f"END={max(round(chapter.end * 1000), round(chapter.start * 1000) + 1)}",
            f"title={_ffescape(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"
