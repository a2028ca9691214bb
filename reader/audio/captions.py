"""Manifest → WebVTT: the transcript a podcast app or a browser shows beside the audio.

One cue per spoken sentence, timed from the manifest's chunk offsets, with the
written text (what a reader expects to see), not the spoken form. A sentence
split into several chunks still makes one cue, spanning all its parts. This is
a plain function of the manifest so the web app, the exporter and the podcast
builder all produce the same captions.

Where the manifest has word times (an entry's ``words``: ``[t, b, e, ...]``, ms
from the entry's start and a UTF-16 span of its written text), each cue carries
them as WebVTT timestamp tags before the words they time ("Northwind
<00:00:01.250>raised <00:00:01.700>$3.5bn"), so a caption renderer can show
the word being read as a karaoke-style cue. A tag is written only strictly
inside its cue and after the previous one, as the WebVTT spec requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reader.store import join_words

__all__ = ["Cue", "cues", "manifest_to_vtt", "vtt_timestamp"]


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    # (seconds from the article's start, begin, end) of each timed span, offsets into ``text``; () without times
    words: tuple[tuple[float, int, int], ...] = ()


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
    words: list[tuple[int, ...] | None] = []  # each cue's triples so far, ms from its start (None: no times)
    raws: list[str] = []  # each cue's written sentence as the manifest has it, which the triples index
    last_sentence: object = object()
    for entry in entries_of(manifest):
        start = float(field(entry, "start", 0.0))
        end = start + float(field(entry, "duration", 0.0))
        sentence = field(entry, "sentence")
        written = str(field(entry, "written", "") or "")
        text = " ".join(written.split())
        timed = field(entry, "words")
        if grouped and sentence is not None and sentence == last_sentence:
            previous = grouped[-1]
            # Parts of a long sentence may each carry the whole written sentence, or only their piece.
            whole = not text or text in previous.text
            joined = previous.text if whole else f"{previous.text} {text}"
            shift = round((start - previous.start) * 1000)
            words[-1] = join_words(words[-1], timed, shift) if whole and text == previous.text else None
            grouped[-1] = Cue(previous.start, max(previous.end, end), joined)
        elif text:
            grouped.append(Cue(start, end, text))
            words.append(tuple(timed) if timed else None)
            raws.append(written)
        last_sentence = sentence
    return [_timed(cue, raw, w) for cue, raw, w in zip(grouped, raws, words, strict=True)]


def _timed(cue: Cue, written: str, words: Sequence[int] | None) -> Cue:
    """``cue`` with its word spans moved from UTF-16 offsets into ``written`` to offsets into ``cue.text``."""
    if not words or " ".join(written.split()) != cue.text:
        return cue
    squeezed: list[int] = []  # code point i of written -> its place in cue.text
    units: dict[int, int] = {}  # UTF-16 offset -> code point
    place, unit, space = -1, 0, False
    for index, char in enumerate(written):
        units[unit] = index
        unit += 2 if ord(char) > 0xFFFF else 1
        if char.isspace():
            space = place >= 0
        else:
            place += 2 if space else 1
            space = False
        squeezed.append(max(place, 0))
    units[unit] = len(written)
    spans = []
    for i in range(0, len(words) - 2, 3):
        begin, end = units.get(words[i + 1]), units.get(words[i + 2])
        if begin is None or end is None or not 0 <= begin < end <= len(written):
            return cue  # not this sentence's offsets: the cue keeps its sentence timing only
        spans.append((cue.start + words[i] / 1000, squeezed[begin], squeezed[end - 1] + 1))
    return Cue(cue.start, cue.end, cue.text, tuple(spans))


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


def cue_text(cue: Cue) -> str:
    """The cue's escaped text, with a timestamp tag before each timed word strictly inside the cue."""
    pieces, cursor, last = [], 0, cue.start
    for seconds, begin, _ in cue.words:
        stamp = vtt_timestamp(seconds)
        if begin < cursor or not (last < seconds < cue.end) or stamp in (vtt_timestamp(last), vtt_timestamp(cue.end)):
            continue  # WebVTT: each tag after the cue's start and the previous tag, before its end
        pieces += [_escape(cue.text[cursor:begin]), f"<{stamp}>"]
        cursor, last = begin, seconds
    return "".join([*pieces, _escape(cue.text[cursor:])])


def manifest_to_vtt(manifest: Any, *, words: bool = True) -> str:
    """Render a manifest (object or JSON dict) as a WebVTT document, one cue per sentence; with word
    timestamp tags where the manifest has word times, unless ``words`` is False (plain cues, the subset
    every transcript reader shows: the podcast site's)."""
    lines = ["WEBVTT", ""]
    title = field(manifest, "title")
    if title:
        lines[0] = "WEBVTT - " + " ".join(str(title).replace("-->", "→").split())
    for number, cue in enumerate(cues(manifest), start=1):
        cue = cue if words else Cue(cue.start, cue.end, cue.text)
        lines += [str(number), f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}", cue_text(cue), ""]
    return "\n".join(lines)
