"""Written text → words a voice says right: ``normalize(text, lang="en")``.

Normalization is an ordered tuple of small ``str -> str`` rules, each named for
the one thing it fixes, over rule data read from ``data/<lang>.toml``. A call
may pass its own ``rules`` (any sequence of such functions), its own ``data``,
or a :class:`Lexicon` (applied before the built-in rules). English is complete
for news; German, French and Spanish read numbers, percentages, ordinals, money
and dates in their own words; any other language passes through with only
punctuation made into pauses, so no English words are ever injected.

The function works on one sentence at a time (as ``reader.script`` calls it)
and never adds or removes a sentence boundary the player relies on.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence

from reader.errors import NormalizeError
from reader.normalize.cleanup import clean_unicode, pause_on_punctuation, tidy_spacing
from reader.normalize.data import RuleData, load_rule_data
from reader.normalize.english import english_rules, with_word_lists
from reader.normalize.european import european_rules
from reader.normalize.lexicon import Lexicon, configured_lexicon, load_lexicon
from reader.normalize.spell import base_lang

__all__ = [
    "PASS_THROUGH_RULES",
    "Lexicon",
    "Rule",
    "RuleData",
    "default_rules",
    "load_lexicon",
    "load_rule_data",
    "normalize",
]

log = logging.getLogger(__name__)

Rule = Callable[[str], str]

PASS_THROUGH_RULES: tuple[Rule, ...] = (clean_unicode, pause_on_punctuation, tidy_spacing)
EUROPEAN = frozenset({"de", "fr", "es"})


def default_rules(
    lang: str = "en", *, data: RuleData | None = None, lexicon: Lexicon | None = None
) -> tuple[Rule, ...]:
    """The built-in rules for ``lang``: replace or reorder them and pass the result as ``rules=``."""
    base = base_lang(lang)
    if base == "en":
        data = data or load_rule_data("en")
        if lexicon is not None:
            data = with_word_lists(data, lexicon.say_as_letters, lexicon.say_as_words)
        return english_rules(data, lang.replace("_", "-").lower())
    if base in EUROPEAN:
        return european_rules(data or load_rule_data(base))
    return PASS_THROUGH_RULES


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
    for rule in rules if rules is not None else default_rules(lang or "en", data=data, lexicon=lexicon):
        text = rule(text)
    return text
