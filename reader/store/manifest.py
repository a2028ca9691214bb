"""An article's manifest: its chunks in order, with timings, text and metadata.

The manifest is what the player reads (sentence timings for read-along
highlighting), what chapters are built from (the headings' start times), and
what assembly follows (chunk keys and frame offsets). Times come from MP3
frame counts, so they hold to the sample in the assembled file. Frozen values
with a JSON form; ``Progress`` is the small record kept beside it while
rendering.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

from reader.errors import CacheError

__all__ = ["Manifest", "ManifestEntry", "Progress", "join_words", "stored_or_missing"]

log = logging.getLogger(__name__)
Record = TypeVar("Record")

Status = Literal["rendering", "complete", "failed"]
MANIFEST_SCHEMA = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One chunk in the article: its audio key, the sentence it speaks and where it sits in time."""

    key: str
    sentence: int  # sentence index in the script
    part: int  # 0 for the first piece of a sentence
    block: int  # 0 is the title
    kind: str  # "title", "subtitle", "heading", "paragraph", "quote", "list_item"
    written: str  # the sentence as written (shown and highlighted)
    spoken: str  # the text this chunk speaks
    start: float  # seconds from the start of the assembled audio
    duration: float  # seconds of this chunk's audio (speech plus its trim pads)
    frame_start: int = 0  # MP3 frame offset in the assembled stream (after the Info frame)
    frames: int = 0
    samples: int = 0
    backend: str | None = None  # the backend that rendered this chunk (a fallback's name when it did)
    # When each spoken word starts and what it reads, flat: [t, b, e, ...], t in ms from this entry's start,
    # b..e the written span in UTF-16 code units (JavaScript's string indices); None: no word times.
    words: tuple[int, ...] | None = None

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True)
class Manifest:
    article_id: str
    revision: str
    status: Status
    title: str
    entries: tuple[ManifestEntry, ...] = ()
    total: int = 0  # chunks the finished article will have
    duration: float = 0.0  # seconds of audio in ``entries`` (the whole article once complete)
    byline: str | None = None
    site_name: str | None = None
    date: str | None = None
    url: str | None = None
    lang: str = "en"
    image: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    audio: str | None = None  # file name of the assembled MP3 in the article's directory, once complete
    error: str | None = None  # why the render failed, when it did
    updated: float = 0.0  # time.time() of the last write

    def sentences(self) -> list[tuple[int, str, float, float]]:
        """(sentence index, written text, start, end) of every sentence: pieces of one sentence merged."""
        merged: list[tuple[int, str, float, float]] = []
        for entry in self.entries:
            if merged and merged[-1][0] == entry.sentence:
                index, text, start, _ = merged[-1]
                merged[-1] = (index, text, start, entry.end)
            else:
                merged.append((entry.sentence, entry.written, entry.start, entry.end))
        return merged

    def sentence_words(self) -> dict[int, tuple[int, ...] | None]:
        """Each sentence's ``words`` for the player: its parts' triples joined, times in ms from the
        sentence's start; None when a part has none (a fallback chunk without times, an old chunk)."""
        joined: dict[int, tuple[int, ...] | None] = {}
        starts: dict[int, float] = {}
        for entry in self.entries:
            starts.setdefault(entry.sentence, entry.start)
            if entry.sentence in joined and joined[entry.sentence] is None:
                continue
            joined[entry.sentence] = join_words(
                joined.get(entry.sentence, ()), entry.words, round((entry.start - starts[entry.sentence]) * 1000)
            )
        return joined

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _MANIFEST_FIELDS}
        data["entries"] = [_entry_dict(e) for e in self.entries]
        data["options"] = dict(self.options)
        data["schema"] = MANIFEST_SCHEMA
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        try:
            known = {f.name for f in fields(cls)}
            values = {k: v for k, v in data.items() if k in known}
            entry_fields = {f.name for f in fields(ManifestEntry)}
            values["entries"] = tuple(
                ManifestEntry(**{k: _entry_value(k, v) for k, v in e.items() if k in entry_fields})
                for e in data.get("entries", ())
            )
            return cls(**values)
        except (TypeError, AttributeError, ValueError, KeyError) as error:
            raise CacheError(f"malformed manifest: {error}") from error

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise CacheError(f"manifest is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise CacheError("manifest is not a JSON object")
        return cls.from_dict(data)

    def evolve(self, **changes: Any) -> Manifest:
        return replace(self, **changes)


_MANIFEST_FIELDS = tuple(f.name for f in fields(Manifest) if f.name != "entries")
_ENTRY_FIELDS = tuple(f.name for f in fields(ManifestEntry))


def join_words(words: Sequence[int] | None, more: Sequence[int] | None, shift_ms: int) -> tuple[int, ...] | None:
    """``words`` then ``more`` (a later part of the same sentence, its times ``shift_ms`` later); a span
    already last in ``words`` is not repeated. None when either is None."""
    if words is None or more is None:
        return None
    out = list(words)
    for i in range(0, len(more) - 2, 3):
        start, begin, end = more[i] + shift_ms, more[i + 1], more[i + 2]
        if out and out[-2] == begin and out[-1] == end:
            continue
        out += [max(start, out[-3]) if out else start, begin, end]
    return tuple(out)


def _entry_dict(entry: ManifestEntry) -> dict[str, Any]:
    data = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    if entry.words is None:  # most entries of a backend without word times: keep the manifest small
        del data["words"]
    else:
        data["words"] = list(entry.words)
    return data


def _entry_value(name: str, value: Any) -> Any:
    return tuple(value) if name == "words" and value is not None else value


@dataclass(frozen=True)
class Progress:
    """How far a render has got: readable by another process from the store."""

    article_id: str
    done: int
    total: int
    audio_seconds: float
    status: Status
    rendered: int = 0  # chunks synthesized by this render (the rest came from the cache)
    pid: int = 0
    updated: float = 0.0

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Progress:
        try:
            data = json.loads(text)
            known = {f.name for f in fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except (ValueError, TypeError, AttributeError) as error:  # torn, truncated, not an object
            raise CacheError(f"malformed progress record: {error}") from error


def stored_or_missing(parse: Callable[[bytes], Record], data: bytes | None, what: str) -> Record | None:
    """A record read back from the store (``Manifest.from_json``, ``Progress.from_json``), or None when
    there is none or it cannot be parsed whole. Writes are atomic, so a torn or truncated file is damage
    from outside (a full disk, a copy cut short, an edit): treated as missing, like a chunk whose sidecar
    does not match, so the next render writes it again instead of every reader failing on it."""
    if data is None:
        return None
    try:
        return parse(data)
    except CacheError as error:
        log.warning("%s unreadable (%s); treating it as missing", what, error)
        return None
