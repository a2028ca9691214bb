"""Written text → words a voice says right: ``normalize(text, lang="en")``.

Normalization is an ordered tuple of small ``str -> str`` rules, each named for
the one thing it fixes, over rule data read from ``data/<lang>.toml``. A call
may pass its own ``rules`` (any sequence of such functions), its own ``data``,
or a :class:`Lexicon` (applied before the built-in rules). English is complete
for news; German, French and Spanish read numbers, percentages, ordinals, money
and dates in their own words; any other language passes through with only
punctuation made into pauses, so no English words are ever injected; a few languages get what their
voice needs from ``data/local.toml`` (a currency said after the amount, Chinese numerals). A sentence in another
script than its language's (a Greek sentence given as English) gets no language's rules either.
``detect_language`` is the project's one language detector (see :mod:`reader.normalize.language`).

The function works on one sentence at a time (as ``reader.text.script`` calls it)
and never adds or removes a sentence boundary the player relies on.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from reader.errors import NormalizeError
from reader.lazy import lazy_door
from reader.normalize.cleanup import clean_unicode, pause_on_punctuation, tidy_spacing
from reader.normalize.data import RuleData, load_rule_data
from reader.normalize.language import (
    block_language,
    detect_language,
    dominant_script,
    page_language,
    script_of_language,
)
from reader.normalize.lexicon import Lexicon, configured_lexicon, load_lexicon
from reader.normalize.spell import base_lang

if TYPE_CHECKING:
    from reader.normalize.alignment import SpokenWord

__all__ = [
    "PASS_THROUGH_RULES",
    "Lexicon",
    "Rule",
    "RuleData",
    "SpokenWord",
    "align_spoken",
    "block_language",
    "default_rules",
    "detect_language",
    "load_lexicon",
    "load_rule_data",
    "normalize",
    "page_language",
]

log = logging.getLogger(__name__)
__getattr__, __dir__ = lazy_door(
    __name__, {"reader.normalize.alignment": ("SpokenWord", "align_words")}, call="reader.normalize:normalize"
)  # reader.normalize(text)

Rule = Callable[[str], str]

PASS_THROUGH_RULES: tuple[Rule, ...] = (clean_unicode, pause_on_punctuation, tidy_spacing)
EUROPEAN = frozenset({"de", "fr", "es"})


def default_rules(
    lang: str = "en", *, data: RuleData | None = None, lexicon: Lexicon | None = None
) -> tuple[Rule, ...]:
    """The built-in rules for ``lang``: replace or reorder them and pass the result as ``rules=``."""
    # A rule module loads with the first sentence of its language, not with the package (nor with
    # another language's: an English article does not load Babel's calendars for German dates).
    base = base_lang(lang)
    if base == "en":
        from reader.normalize.english import english_rules, with_word_lists

        data = data or load_rule_data("en")
        if lexicon is not None:
            data = with_word_lists(data, lexicon.say_as_letters, lexicon.say_as_words)
        return english_rules(data, lang.replace("_", "-").lower())
    if base in EUROPEAN:
        from reader.normalize.european import european_rules

        return european_rules(data or load_rule_data(base))
    from reader.normalize.local import local_rules

    local = local_rules(base)
    return (clean_unicode, *local, pause_on_punctuation, tidy_spacing) if local else PASS_THROUGH_RULES


def normalize(
    text: str,
    lang: str = "en",
    *,
    lexicon: Lexicon | None = None,
    rules: Sequence[Rule] | None = None,
    data: RuleData | None = None,
) -> str:
    """Return ``text`` as it should be spoken in language ``lang``.

    ``lexicon`` defaults to the one named by ``READER_LEXICON`` (none when unset);
    ``rules`` replaces the built-in rule tuple for this call; ``data`` replaces the
    built-in tables.
    """
    if not isinstance(text, str):
        raise NormalizeError(f"normalize() needs text, not {type(text).__name__}")
    if lexicon is None:
        lexicon = configured_lexicon()
    text = unicodedata.normalize("NFC", text)
    if lexicon:
        text = lexicon.apply(text)
    if rules is None:
        lang = lang or "en"
        rules = default_rules(lang, data=data, lexicon=lexicon) if _in_its_script(text, lang) else PASS_THROUGH_RULES
    for rule in rules:
        text = rule(text)
    return text


def align_spoken(
    written: str, spoken: str, lang: str = "en", *, lexicon: Lexicon | None = None
) -> tuple[SpokenWord, ...]:
    """Each word of ``spoken`` (what ``normalize(written, lang)`` returned) with the span of ``written`` it
    reads, in order: the read-along highlight's map (see :mod:`reader.normalize.alignment`)."""
    from reader.normalize.alignment import align_words  # the web player's, not every start's

    return align_words(written, spoken, say=lambda text: normalize(text, lang, lexicon=lexicon))


def _in_its_script(text: str, lang: str) -> bool:
    """False for a sentence in another script than ``lang``'s (Greek text under English rules): such a
    sentence gets no language's rules, only pauses, and its digits are left to the voice."""
    if text.isascii():
        return True
    script = dominant_script(text)
    return script is None or script in script_of_language(lang)
