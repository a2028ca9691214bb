"""Measures: 5 km, 10kg, 60 mph, 25°C, 2.5%, 3 sq ft, 100 MW, 64GB, 6'2", $3/gallon.

The number is read with its unit, singular for exactly one and before a noun
("a 5-km race" → "a five-kilometer race"), plural otherwise. Unit tables are in
``data/en.toml``; letters that are also words (C, F, x, h, l, k) count as
units only when glued to the number ("25C", "3x").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize import spell
from reader.normalize.data import RuleData
from reader.normalize.patterns import has_digit, is_attributive

__all__ = ["rules"]

_GLUED_ONLY = frozenset({"C", "F", "x", "h", "l", "b", "k", "K", "B", "g", "s"})
_SPACED_ONLY = frozenset({"W", "V"})  # "60 W"; but Route 9W is a road
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_FEET_INCHES = re.compile(r"(?=\d)(?<![\w.])(\d)(?:'|\s?ft\.?,?)\s?(\d{1,2})(?:\"|''|\s?in\b\.?)")
_DEGREES_LETTER = re.compile(r"\b(degrees?) ([CF])\b")
_METER_WORDS = frozenset(
    "tall high long wide deep away above below sprint race hurdles freestyle butterfly backstroke breaststroke dash "
    "relay run swim final heat of from per in at to and or thick square radius across high-jump".split()
)
# Nouns that a speed describes without an article: "150 mph winds" → "a hundred fifty mile per hour winds".
_SPEED_NOUNS = frozenset("winds wind gusts gust speeds speed zone zones limit limits".split())
_PER_WORD = re.compile(
    r"(?=[ /])(?<=[a-z]) ?/ ?(?=(?:hour|day|week|month|year|gallon|liter|litre|barrel|ton|tonne|share|person|head|"
    r"night|unit|piece|kilo|pound|ounce|mile|minute|second|dose|seat|ticket|household|hectare|acre)\b)"
)


def _alternation(keys: object) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))  # type: ignore[arg-type]


def _read_measures(data: RuleData) -> Callable[[str], str]:
    spaced = _alternation(k for k in data.units if k not in _GLUED_ONLY | _SPACED_ONLY)
    glued = _alternation(k for k in data.units if k in _GLUED_ONLY)
    spaced_only = _alternation(k for k in data.units if k in _SPACED_ONLY)
    pattern = re.compile(
        rf"(?=[\d.])(?<![\w.,])({_NUMBER})(?: (million|billion|trillion|thousand))?"
        rf"(?:(-)|\s?)(?:({spaced})|(?<=\d)({glued})|(?<= )({spaced_only}))(?![\w])"
        r"(?: ([A-Za-z]+))?"
    )
    per_unit = re.compile(rf"(?=[/p])(?:/|\bper )({spaced})(?![\w])")
    scales = {k: v for k, v in data.scales.items() if len(k) > 1}

    def measure(match: re.Match[str]) -> str:
        number, scale, hyphen, unit_spaced, unit_glued, unit_apart, next_word = match.groups()
        unit = unit_spaced or unit_glued or unit_apart
        if scale:  # 2 billion lb, 3.4 million sq m: a count of units, always plural
            if unit in scales or unit in ("k", "b", "m", "s", "x"):
                return match.group()
            tail = f" {next_word}" if next_word else ""
            return f"{spell.number(number)} {scale} {data.units[unit][1]}{tail}"
        if unit == "s" and "." not in number:
            return match.group()  # 9.79s is a sprint time; a bare "5s" is left to other rules
        words = spell.number(number)
        tail = f" {next_word}" if next_word else ""
        if (
            unit == "m"
            and match.group().find(" ") != len(number)
            and next_word
            and (next_word.islower() or (next_word[0].isupper() and next_word.endswith("s")))  # 1.5m Britons
            and next_word.lower() not in _METER_WORDS
        ):
            return f"{words} million{tail}"  # "20m people": millions, not meters
        if unit in scales or unit in ("k", "b"):
            return f"{words} {data.scales.get(unit, data.units[unit][1])}{tail}"
        one, many = data.units[unit]
        attributive = (
            bool(hyphen)
            or is_attributive(match.string, match.start(), next_word)
            or (next_word in _SPEED_NOUNS and " per " in many)
        )
        singular = attributive or number in ("1", "1.0")
        if hyphen and unit not in ("%",):
            return f"{words}-{one.replace(' ', '-')}{tail}"
        stop = "." if unit.endswith(".") and not tail and not match.string[match.end() :].strip() else ""
        return f"{words} {one if singular else many}{tail}{stop}"

    def read_measures(text: str) -> str:
        """5 km → five kilometers; 25°C → twenty-five degrees Celsius; 2.5% → two point five percent."""
        if "/" in text or "per " in text:
            text = per_unit.sub(lambda m: f" per {data.units[m.group(1)][0]}", _PER_WORD.sub(" per ", text))
        if not has_digit(text):
            return text
        text = _FEET_INCHES.sub(
            lambda m: f"{spell.cardinal(m.group(1))} feet {spell.cardinal(m.group(2))} inches", text
        )
        text = pattern.sub(measure, text)
        return _DEGREES_LETTER.sub(lambda m: f"{m.group(1)} {'Celsius' if m.group(2) == 'C' else 'Fahrenheit'}", text)

    return read_measures


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"measures": _read_measures(data)}
