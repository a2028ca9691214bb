"""The English rule set: the order in which the small rules run, and why.

Rules that know what a number *is* run before the ones that read plain numbers:
web addresses and phone numbers first (they hold dots, dashes and digits that
mean nothing else), then names like 9/11, abbreviations (so "Feb." and "No."
are words before dates and numbers look at them), times, dates, decades,
ranges, money, measures, ordinals, fractions and years; then plain numbers,
symbols, and pauses for punctuation; Roman numerals and initialisms last, so that
no later rule can split or join the words they read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from reader.normalize import abbreviations, acronyms, addresses, dates, money, numbers, symbols, times, units, web
from reader.normalize.cleanup import clean_unicode, pause_on_punctuation, tidy_spacing
from reader.normalize.data import RuleData
from reader.normalize.identifiers import read_identifiers
from reader.normalize.phones import read_phone_numbers
from reader.normalize.roman import read_roman_numerals

__all__ = ["english_rules", "with_word_lists"]

Rule = Callable[[str], str]


@lru_cache(maxsize=32)
def english_rules(data: RuleData, lang: str = "en") -> tuple[Rule, ...]:
    """The ordered English rules over ``data``; ``lang`` (en-US, en-GB…) sets the numeric date order."""
    abbr = abbreviations.rules(data)
    date = dates.rules(data, lang)
    return (
        clean_unicode,
        web.rules(data)["web"],
        read_phone_numbers,
        read_identifiers,
        addresses.rules(data)["addresses"],
        money.rules(data)["rate_periods"],
        dates.read_quarters,
        date["names"],
        abbr["party_tags"],
        abbreviations.expand_numero,
        abbr["states"],
        date["abbreviations"],
        abbr["always"],
        times.read_times,
        times.read_military_times,
        date["dates"],
        abbr["places"],
        abbr["titles"],
        dates.read_decades,
        numbers.read_number_abbreviations,
        numbers.read_dimensions,
        numbers.read_ranges,
        numbers.read_negatives,
        money.rules(data)["money"],
        numbers.read_ordinals,
        numbers.read_fractions,
        units.rules(data)["measures"],
        times.read_ratios,
        dates.read_years,
        numbers.separate_letters_from_digits,
        numbers.read_cardinals,
        abbr["remaining_titles"],
        symbols.rules(data)["symbols"],
        numbers.spell_leftovers,
        pause_on_punctuation,
        read_roman_numerals,
        acronyms.rules(data)["initialisms"],
        tidy_spacing,
    )


@lru_cache(maxsize=32)
def with_word_lists(data: RuleData, letters: frozenset[str], words: frozenset[str]) -> RuleData:
    """``data`` with a lexicon's say-as-letters and say-as-words lists merged in (the lexicon wins)."""
    if not letters and not words:
        return data
    return replace(
        data,
        acronym_letters=(data.acronym_letters | letters) - words,
        acronym_words=(data.acronym_words | words) - letters,
    )
