"""Script → chunks that fit a backend's per-call limit, and the keys that address their audio.

A chunk is one sentence, or a piece of one that is longer than the backend
accepts: never two sentences, never split mid-word (unless a single "word" is
itself longer than the limit), terminal punctuation kept, punctuation-only
pieces dropped. Splits prefer clause punctuation, then the last space.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from reader.errors import InputError
from reader.text.script import Script

__all__ = ["KEY_SCHEMA", "Chunk", "chunk_key", "chunk_script", "split_to_limit"]

KEY_SCHEMA = 1  # bump when the meaning of a key's inputs changes

_CLAUSE_END = re.compile(r"[,;:)\]]\s|[—–]\s?|\s[—–(]")
_SPEAKABLE = re.compile(r"\w")


@dataclass(frozen=True)
class Chunk:
    """A unit of synthesis: all or part of one sentence's spoken text."""

    index: int  # position in the article
    sentence: int  # index of the sentence it belongs to
    part: int  # 0 for the first piece of a sentence
    text: str  # spoken text sent to the backend


def _cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``) so the head fits: clause, then space, then hard."""
    window = text[: limit + 1]
    clause_cuts = [m.end() for m in _CLAUSE_END.finditer(window) if m.end() <= limit]
    if clause_cuts and clause_cuts[-1] > limit // 4:
        return clause_cuts[-1]
    space = window.rfind(" ", 0, limit + 1)
    if space > 0:
        return space
    return limit  # a single word longer than the limit: nothing better exists


def split_to_limit(text: str, limit: int) -> list[str]:
    """Split one sentence's spoken text into pieces of at most ``limit`` characters."""
    if limit < 1:
        raise InputError(f"chunk limit must be at least 1 character, not {limit}")
    pieces: list[str] = []
    text = " ".join(text.split())
    start = 0  # positions, not a shrinking copy: copying the rest after each cut is quadratic in the text
    while len(text) - start > limit:
        cut = start + _cut_point(text[start : start + limit + 1], limit)
        pieces.append(text[start:cut].strip())
        start = cut + (text[cut : cut + 1] == " ")  # the text's spaces are single: skip the one at the cut
    pieces.append(text[start:])
    return [p for p in pieces if _SPEAKABLE.search(p)]


def chunk_script(script: Script, max_chars: int) -> tuple[Chunk, ...]:
    """All chunks of a script in speaking order."""
    chunks: list[Chunk] = []
    for sentence in script.sentences:
        for part, text in enumerate(split_to_limit(sentence.spoken, max_chars)):
            chunks.append(Chunk(len(chunks), sentence.index, part, text))
    return tuple(chunks)


def chunk_key(text: str, identity: Mapping[str, object]) -> str:
    """Content address of a chunk's audio: a hash of everything that changes its sound.

    ``identity`` holds the backend name and engine version, voice, language,
    rate and the audio settings; ``text`` is the spoken text. Same key, same
    audio, forever.
    """
    payload = json.dumps(
        {"schema": KEY_SCHEMA, "identity": dict(identity), "text": text}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
