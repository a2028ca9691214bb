"""Manifest → WebVTT: the transcript a podcast app or a browser shows beside the audio.

One cue per spoken sentence, timed from the manifest's chunk offsets, with the
written text (what a reader expects to see), not the spoken form. A sentence
split into several chunks still makes one cue, spanning all its parts. This is
a plain function of the manifest so the web app, the exporter and the podcast
builder all produce the same captions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Cue", "cues", "manifest_to_vtt", "vtt_timestamp"]


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def field(item: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from a manifest object or from its JSON form (a dict), so both can be captioned."""
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def entries_of(manifest: Any) -> Iterable[Any]:
    entries = field(manifest, "entries", None)
    if entries is None:
        raise TypeError("a manifest needs 'entries' (each with start, duration, sentence and written)")
    return entries


def cues(manifest: Any) -> list[Cue]:
    """Group the manifest's chunks by sentence into timed cues, in playing order."""
    grouped: list[Cue] = []
    last_sentence: object = object()
    for entry in entries_of(manifest):
        start = float(field(entry, "start", 0.0))
        end = start + float(field(entry, "duration", 0.0))
        sentence = field(entry, "sentence")
        text = " ".join(str(field(entry, "written", "") or "").split())
        if grouped and sentence is not None and sentence == last_sentence:
            previous = grouped[-1]
            # Parts of a long sentence may each carry the whole written sentence, or only their piece.
            joined = previous.text if not text or text in previous.text else f"{previous.text} {text}"
            grouped[-1] = Cue(previous.start, max(previous.end, end), joined)
        elif text:
            grouped.append(Cue(start, end, text))
        last_sentence = sentence
    return grouped


def vtt_timestamp(seconds: float) -> str:
    """``HH:MM:SS.mmm`` as WebVTT requires (hours always present, so any length works)."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _escape(text: str) -> str:
    # "-->" and markup in a cue's text would end or corrupt the cue.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def manifest_to_vtt(manifest: Any) -> str:
    """Render a manifest (object or JSON dict) as a WebVTT document, one cue per sentence."""
    lines = ["WEBVTT", ""]
    title = field(manifest, "title")
    if title:
        lines[0] = "WEBVTT - " + " ".join(str(title).replace("-->", "→").split())
    for number, cue in enumerate(cues(manifest), start=1):
        lines += [str(number), f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}", _escape(cue.text), ""]
    return "\n".join(lines)
