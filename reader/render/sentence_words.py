"""A chunk's word times → its manifest entry's ``words``: when each spoken word starts, and what it reads.

The engine says when each *spoken* word of a chunk starts (``WordTimes``, stored beside the chunk);
the player highlights *written* text. ``align_spoken`` maps every spoken word of a sentence to the
written span it reads, so the entry gets flat triples ``[t, b, e, ...]``: ``t`` milliseconds from the
entry's start, ``b..e`` the written span in UTF-16 code units (the player's JavaScript indexes strings
so). Consecutive spoken words reading the same span ("three point five billion dollars" → "$3.5bn") are
one triple, at the first one's time: the player highlights an amount or a date as one unit.

A sentence longer than the backend's limit is spoken in several chunks; each chunk's words are a run of
the sentence's spoken words (``split_to_limit`` cuts at spaces), found here by the chunk's place in the
sentence. Anything that does not line up (a word cut by a hard split) gives the entry no words rather
than wrong ones: the player keeps the sentence highlight.
"""

from __future__ import annotations

import json
import logging

from reader.text import Chunk, Sentence

__all__ = ["SentenceWords", "utf16_offsets"]

log = logging.getLogger(__name__)


def utf16_offsets(text: str) -> list[int]:
    """``offsets[i]``: the UTF-16 index of code point ``i`` of ``text`` (and of its end, at ``len(text)``)."""
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    return offsets


class SentenceWords:
    """Maps chunks' word times to written spans for one render, aligning each sentence once."""

    def __init__(self, lang: str, *, shift_ms: int = 0) -> None:
        """``shift_ms``: added to every stored time (kept at 0 or more), to move them onto the manifest's timeline."""
        self.lang = lang
        self.shift_ms = shift_ms
        self._spans: dict[int, tuple[tuple[str, ...], list[tuple[int, int]]]] = {}

    def _aligned(self, sentence: Sentence) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
        """The sentence's spoken words and the UTF-16 written span each reads."""
        found = self._spans.get(sentence.index)
        if found is None:
            from reader.normalize import align_spoken

            aligned = align_spoken(sentence.written, sentence.spoken, self.lang)
            utf16 = utf16_offsets(sentence.written)
            found = (tuple(w.word for w in aligned), [(utf16[w.start], utf16[w.end]) for w in aligned])
            self._spans[sentence.index] = found
        return found

    def entry_words(
        self, sentence: Sentence, chunks: tuple[Chunk, ...], chunk: Chunk, times: bytes | None
    ) -> tuple[int, ...] | None:
        """The manifest triples of ``chunk`` (one of ``chunks``, the sentence's in order), or None."""
        if times is None:
            return None
        try:
            data = json.loads(times)
            words, starts = tuple(data["words"]), [max(0, int(ms) + self.shift_ms) for ms in data["starts_ms"]]
        except (ValueError, KeyError, TypeError) as error:
            log.warning("unreadable word times for chunk %d: %s", chunk.index, error)
            return None
        spoken, spans = self._aligned(sentence)
        first = _first_word(sentence.spoken, chunks, chunk)
        if first is None or spoken[first : first + len(words)] != words or len(starts) != len(words):
            log.info("chunk %d's words do not line up with its sentence's; no word times for it", chunk.index)
            return None
        triples: list[int] = []
        for start, (begin, end) in zip(starts, spans[first : first + len(words)], strict=True):
            if triples and triples[-2] == begin and triples[-1] == end:
                continue  # another spoken word of the same written span
            triples += [start, begin, end]
        return tuple(triples)


def _first_word(spoken: str, chunks: tuple[Chunk, ...], chunk: Chunk) -> int | None:
    """Index, among the sentence's spoken words, of ``chunk``'s first word (its parts are in order)."""
    text = " ".join(spoken.split())  # as split_to_limit saw it
    position = 0
    for part in chunks:
        found = text.find(part.text, position)
        if found < 0:
            return None
        if part is chunk:
            return len(text[:found].split())
        position = found + len(part.text)
    return None
