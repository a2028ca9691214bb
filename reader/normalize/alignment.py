"""Which written words each spoken word reads: ``align_words(written, spoken)``.

The normalizer is a chain of ``str -> str`` rules, so nothing it returns says
where a spoken word came from ("$3.5bn" → "three point five billion
dollars"). Rather than make every rule report its replacements, this module
aligns the two word sequences after the fact: words the rules left alone
(compared without case and edge punctuation) anchor the alignment, and the
spoken words between two anchors read the written words between them, many to
one. A written date the rules read as a whole ("4 July 2025" → "the fourth of
July twenty twenty-five") is one span even though its month survives as an
anchor: the player highlights a date or an amount as one unit.

Pure and cheap (difflib on word keys, no engine): the render pipeline can call
it per sentence, the player gets character spans into the written sentence.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from reader.normalize.dates import MONTHS

__all__ = ["SpokenWord", "align_words", "spoken_words"]

_WORD = re.compile(r"\S+")
_EDGE = re.compile(r"^\W+|\W+$")
_OPENING = "([{\"'“‘«¿¡"
_CLOSING = ")]}\"'”’».,;:!?…"
_MONTH = "|".join([*MONTHS, *(m[:3] for m in MONTHS), "Sept"])
_ORD = r"(?:st|nd|rd|th)?"
# What the date rules read as one phrase: "4 July 2025", "July 4, 2025", "July 4th", "4 July", "July 2025".
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}{_ORD} (?:{_MONTH})\.?(?:,? \d{{4}})?"
    rf"|(?:{_MONTH})\.? \d{{1,2}}{_ORD}(?:,? \d{{4}})?(?!\d)"
    rf"|(?:{_MONTH}),? \d{{4}})\b"
)


@dataclass(frozen=True)
class SpokenWord:
    """One spoken word and the written span it reads: ``written[start:end]``."""

    word: str
    start: int
    end: int


def spoken_words(spoken: str) -> tuple[str, ...]:
    """The words of a spoken text as the aligner counts them (runs of non-space): engines' word times use
    the same count, so word i of the times is word i here."""
    return tuple(_WORD.findall(spoken))


def _key(token: str) -> str:
    return _EDGE.sub("", token).casefold()


def _date_spans(written: str) -> list[tuple[int, int]]:
    return [match.span() for match in _DATE.finditer(written)]


def align_words(written: str, spoken: str, say: Callable[[str], str] | None = None) -> tuple[SpokenWord, ...]:
    """Each spoken word with the written span it reads, in order; spans never go backwards.

    Spans may repeat (many spoken words read one written span) and written words may be read by no spoken
    word (a dash the rules made into a pause). Every spoken word gets a span: words the rules inserted with
    no written counterpart read their nearest written neighbour. Where several written words were
    rewritten side by side ("2025, Dr."), each is said alone (``say``: the normalizer the sentence went
    through; ``reader.normalize.align_spoken`` passes it) to share the spoken words out among them; without
    ``say``, or when the counts disagree, they share one span.
    """
    written_tokens = [(m.start(), m.end()) for m in _WORD.finditer(written)]
    spoken_tokens = spoken_words(spoken)
    if not spoken_tokens:
        return ()
    if not written_tokens:
        return tuple(SpokenWord(word, 0, len(written)) for word in spoken_tokens)
    written_keys = [_key(written[a:b]) for a, b in written_tokens]
    matcher = difflib.SequenceMatcher(None, written_keys, [_key(w) for w in spoken_tokens], autojunk=False)
    spans: list[tuple[int, int]] = []
    changed: set[int] = set()  # written tokens some rule rewrote
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            spans += written_tokens[i1:i2]
            continue
        changed.update(range(i1, i2))
        if j1 == j2:
            continue  # written words nobody says (a dash, a lone symbol)
        if i2 - i1 > 1:
            spans += _share_out(written, written_tokens[i1:i2], j2 - j1, say)
            continue
        # inserted words (i1 == i2) belong with the written word before them (or after, at the start)
        span = written_tokens[i1] if i1 < i2 else written_tokens[max(0, i1 - 1)]
        spans += [span] * (j2 - j1)
    spans = _whole_dates(written, written_tokens, changed, spans)
    return tuple(
        SpokenWord(word, *_without_edge_punctuation(written, a, b))
        for word, (a, b) in zip(spoken_tokens, spans, strict=True)
    )


def _without_edge_punctuation(written: str, start: int, end: int) -> tuple[int, int]:
    """The span the player highlights: "12%)." reads as "12%", "(about" as "about"; "U.K." keeps its dot."""
    while end - start > 1 and (written[start] in _OPENING or written[start].isspace()):
        start += 1
    while end - start > 1 and (written[end - 1] in _CLOSING or written[end - 1].isspace()):
        if written[end - 1] == "." and "." in written[start : end - 1]:
            break
        end -= 1
    return start, end


def _share_out(
    written: str, tokens: list[tuple[int, int]], count: int, say: Callable[[str], str] | None
) -> list[tuple[int, int]]:
    """``count`` spoken words for these rewritten written tokens: as many for each as it says alone."""
    each = [len(spoken_words(say(written[a:b]))) for a, b in tokens] if say else []
    if sum(each) != count or not each:
        return [(tokens[0][0], tokens[-1][1])] * count
    return [span for span, n in zip(tokens, each, strict=True) for _ in range(n)]


def _whole_dates(
    written: str, tokens: list[tuple[int, int]], changed: set[int], spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Widen every span inside a date the rules rewrote to the whole date."""
    widened = spans
    for start, end in _date_spans(written):
        inside = [i for i, (a, b) in enumerate(tokens) if a >= start and b <= end + 1]
        if not any(i in changed for i in inside):
            continue
        whole = (min(tokens[i][0] for i in inside), max(tokens[i][1] for i in inside))
        widened = [whole if a >= whole[0] and b <= whole[1] else (a, b) for a, b in widened]
    return widened
