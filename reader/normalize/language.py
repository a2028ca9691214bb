"""A small guess at an article's language, for pages whose metadata does not say.

Counts the commonest function words of each language the normalizer knows
(English, German, French, Spanish). Pure and fast; it answers only when one
language clearly wins, and None otherwise, so callers keep their default.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["guess_language"]

_FUNCTION_WORDS = {
    "en": "the and of to in is that for it was on with as are be this by have from at not but".split(),
    "de": "der die und das ist nicht mit den von sich des auf für eine ein dem im auch wird sind dass hat".split(),
    "fr": "le la les et des est une un du que dans pour pas qui sur au avec sont aux ce cette".split(),
    "es": "el la los las y que del en por una un con para es se no al lo como más pero".split(),
}
_LOOKUP: dict[str, list[str]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _word in _words:
        _LOOKUP.setdefault(_word, []).append(_lang)
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str, *, sample: int = 2000) -> str | None:
    """``en``, ``de``, ``fr`` or ``es`` when the text's function words clearly say so, else None."""
    votes: Counter[str] = Counter()
    for word in _WORD.findall(text[:sample].lower()):
        for lang in _LOOKUP.get(word, ()):
            votes[lang] += 1
    if not votes:
        return None
    ranked = [*votes.most_common(2), ("", 0)]
    (best, top), (_, runner_up) = ranked[0], ranked[1]
    return best if top >= 3 and top >= 2 * runner_up else None
