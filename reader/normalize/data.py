"""Rule data: the tables the rules read (abbreviations, units, currencies, acronyms…).

The tables live in TOML files beside this module, one per language, and are
loaded once into a frozen :class:`RuleData` that is passed to the rules that
need it. Nothing appends to a global: a caller who wants other tables builds
another ``RuleData`` (``dataclasses.replace``) and passes it to ``normalize``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = ["RuleData", "load_rule_data"]

_EMPTY: MappingProxyType[str, Any] = MappingProxyType({})


@dataclass(frozen=True, eq=False)
class RuleData:
    """Every table the rules of one language read. Hashable by identity, so rule sets built from it cache."""

    lang: str = "en"
    always: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    titles: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    places: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    months: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    weekdays: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    states: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    parties: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    postal_states: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # only in party tags
    units: MappingProxyType[str, tuple[str, str]] = field(default_factory=lambda: _EMPTY)
    currency_symbols: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    currency_codes: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    currency_names: MappingProxyType[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY)
    subunit_suffixes: MappingProxyType[str, tuple[str, str]] = field(default_factory=lambda: _EMPTY)
    scales: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    acronym_words: frozenset[str] = frozenset()
    acronym_letters: frozenset[str] = frozenset()
    caps_words: frozenset[str] = frozenset()
    letter_nouns: frozenset[str] = frozenset()  # Grade, Plan, Exhibit: a lone A after them is the letter
    names: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    symbols: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    tlds: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)
    rate_periods: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # /mo → a month
    site_labels: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # nytimes → N.Y. times
    street_types: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # Ave → Avenue
    compass: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # NE → Northeast, in addresses
    route_words: MappingProxyType[str, str] = field(default_factory=lambda: _EMPTY)  # Hwy → Highway, before numbers
    words: MappingProxyType[str, Any] = field(default_factory=lambda: _EMPTY)  # language words: "percent", month names…


def _table(raw: dict[str, Any], *path: str) -> MappingProxyType[str, Any]:
    for key in path:
        raw = raw.get(key, {})
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()})


def rule_data_from_dict(raw: dict[str, Any], lang: str) -> RuleData:
    """Build :class:`RuleData` from a parsed TOML document (see ``data/en.toml`` for the layout)."""
    acronyms = raw.get("acronyms", {})
    return RuleData(
        lang=lang,
        always=_table(raw, "abbreviations", "always"),
        titles=_table(raw, "abbreviations", "titles"),
        places=_table(raw, "abbreviations", "places"),
        months=_table(raw, "months"),
        weekdays=_table(raw, "weekdays"),
        states=_table(raw, "states"),
        parties=_table(raw, "parties"),
        postal_states=_table(raw, "postal_states"),
        units=_table(raw, "units"),
        currency_symbols=_table(raw, "currencies", "symbols"),
        currency_codes=_table(raw, "currencies", "codes"),
        currency_names=_table(raw, "currencies", "names"),
        subunit_suffixes=_table(raw, "currencies", "subunit_suffixes"),
        scales=_table(raw, "scales"),
        acronym_words=frozenset(acronyms.get("words", ())),
        acronym_letters=frozenset(acronyms.get("letters", ())),
        caps_words=frozenset(acronyms.get("caps_words", ())),
        letter_nouns=frozenset(acronyms.get("letter_nouns", ())),
        names=_table(raw, "names"),
        symbols=_table(raw, "symbols"),
        tlds=_table(raw, "tlds"),
        site_labels=_table(raw, "site_labels"),
        rate_periods=_table(raw, "rate_periods"),
        street_types=_table(raw, "addresses", "street_types"),
        compass=_table(raw, "addresses", "compass"),
        route_words=_table(raw, "addresses", "route_words"),
        words=_table(raw, "words"),
    )


@lru_cache(maxsize=8)
def load_rule_data(lang: str = "en") -> RuleData:
    """The built-in tables for ``lang`` (``en``, ``de``, ``fr``, ``es``), read once from package data."""
    source = resources.files("reader.normalize").joinpath("data", f"{lang}.toml")
    return rule_data_from_dict(tomllib.loads(source.read_text(encoding="utf-8")), lang)
