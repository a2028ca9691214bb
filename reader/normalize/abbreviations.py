"""Abbreviations, read by context: Dr. (Doctor or Drive), St. (Saint or Street), Gen., Sen., Inc., No. 10.

A title is expanded before a name; a street word after a place name; a state
after "City,"; a party tag ("D-Calif.") as "Democrat of California". An
abbreviation that ends the text keeps its period, which was also the full stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize.data import RuleData
from reader.normalize.patterns import starts_with

__all__ = ["expand_numero", "rules"]


def _alternation(keys: object) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))  # type: ignore[arg-type]


def _keep_stop(key: str, match: re.Match[str], words: str) -> str:
    """An abbreviation's period that also ends the sentence stays as the full stop."""
    rest = match.string[match.end() :].strip(" \"')]")
    return words + "." if key.endswith(".") and not rest else words


def _expand_places(data: RuleData) -> Callable[[str], str]:
    pattern = re.compile(
        r"(?=[A-Z\d])\b([A-Z][a-z]+|\d+(?:st|nd|rd|th)?) (" + _alternation(data.places) + r")(?![\w])"
        r"(?!\.? (?!(?:West|East|North|South|NW|NE|SW|SE)\b)[A-Z][a-z])"  # Queen St. West is a street
    )

    place_stems = {key.rstrip(".") for key in data.places}

    def expand_place_abbreviations(text: str) -> str:
        """Elm St. → Elm Street, Sunset Blvd → Sunset Boulevard, Oak Dr. → Oak Drive (a place name before it)."""
        if not any(key in text for key in place_stems):
            return text
        return pattern.sub(lambda m: f"{m.group(1)} {_keep_stop(m.group(2), m, data.places[m.group(2)])}", text)

    return expand_place_abbreviations


def _expand_titles(data: RuleData) -> Callable[[str], str]:
    pattern = re.compile(starts_with(data.titles) + r"(?<![\w.])(" + _alternation(data.titles) + r")(?=\s+[A-Z])")

    def expand_titles(text: str) -> str:
        """Dr. Smith → Doctor Smith, St. Louis → Saint Louis, Sen. Warren → Senator Warren."""
        return pattern.sub(lambda m: data.titles[m.group(1)], text)

    return expand_titles


def _expand_remaining_titles(data: RuleData) -> Callable[[str], str]:
    dotted_keys = [k for k in data.titles if k.endswith(".")]
    dotted = re.compile(starts_with(dotted_keys) + r"(?<![\w.])(" + _alternation(dotted_keys) + r")(?![\w])")

    def expand_remaining_titles(text: str) -> str:
        """A title abbreviation with no name after it ("the Gov. said") is still the title, not letters."""
        return dotted.sub(lambda m: _keep_stop(m.group(1), m, data.titles[m.group(1)]), text)

    return expand_remaining_titles


def _expand_party_tags(data: RuleData) -> Callable[[str], str]:
    states = _alternation({**data.states, **data.postal_states})
    pattern = re.compile(
        starts_with(data.parties)
        + r"(?<![\w-])("
        + _alternation(data.parties)
        + r")-("
        + states
        + r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?![\w])"
    )
    alone = re.compile(r"(?<=\()(" + _alternation(data.parties) + r")(?=\))")  # Gavin Newsom (D)
    place = {**data.postal_states, **data.states}

    def expand_party_tags(text: str) -> str:
        """D-Calif. → Democrat of California, R-Texas → Republican of Texas."""
        if "(" in text:
            text = alone.sub(lambda m: data.parties[m.group(1)], text)
        if "-" not in text:
            return text
        return pattern.sub(lambda m: f"{data.parties[m.group(1)]} of {place.get(m.group(2), m.group(2))}", text)

    return expand_party_tags


def _expand_states(data: RuleData) -> Callable[[str], str]:
    dotted = [k for k in data.states if k != "D.C."]
    pattern = re.compile(starts_with(dotted) + r"(?<=[a-z], )(" + _alternation(dotted) + r")(?![\w])")
    long_keys = [k for k in dotted if len(k) >= 5]  # Calif., Mass., Tenn.: never ordinary words
    after_preposition = re.compile(r"(?=[ifna])\b(in|of|from|near|at) (" + _alternation(long_keys) + r")(?![\w])")

    def expand_states(text: str) -> str:
        """Springfield, Ill. → Springfield, Illinois (AP style state abbreviations after a city)."""
        text = pattern.sub(lambda m: _keep_stop(m.group(1), m, data.states[m.group(1)]), text)
        return after_preposition.sub(
            lambda m: f"{m.group(1)} {_keep_stop(m.group(2), m, data.states[m.group(2)])}", text
        )

    return expand_states


# "est." before an amount is "estimated" ("an est. $5 billion"); before a year it is "established".
_ESTIMATED = re.compile(
    r"(?<![\w.])([Ee])st\.(?= ?(?:[$€£¥]|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)? ?(?:million|billion|m|bn)\b))"
)
_VERSUS = re.compile(r"(?<=[A-Za-z] )v(?= [A-Z])")  # Liverpool v Everton (British sports and law reports)


def _expand_always(data: RuleData) -> Callable[[str], str]:
    dotted = [k for k in data.always if k.endswith(".")]
    bare = [k for k in data.always if not k.endswith(".")]
    pattern = re.compile(
        starts_with(data.always)
        + r"(?<![\w.])(?:("
        + _alternation(dotted)
        + r")(?![\w])|("
        + _alternation(bare)
        + r")(?![A-Za-z])(?!\.\w))"
    )

    def expand_abbreviations(text: str) -> str:
        """e.g. → for example, Inc. → Incorporated, vs. → versus, approx. → approximately."""
        if "est." in text or "Est." in text:
            text = _ESTIMATED.sub(lambda m: m.group(1) + "stimated", text)
        if " v " in text:
            text = _VERSUS.sub("versus", text)

        def expand(match: re.Match[str]) -> str:
            key = match.group(1) or match.group(2)
            return _keep_stop(key, match, data.always[key])

        return pattern.sub(expand, text)

    return expand_abbreviations


_NUMERO = re.compile(r"(?=[Nn№])\b(?:N(o|os)\.? ?|n(o|os)\. ?)(?=#?\d)|№ ?(?=\d)")  # "no 5 people" is not a number


def expand_numero(text: str) -> str:
    """No. 10 → Number 10, nos. 3 → numbers 3."""

    def numero(match: re.Match[str]) -> str:
        plural = "os" in (match.group(1), match.group(2))
        head = "Number" if match.group().startswith(("N", "№")) else "number"
        return head + ("s " if plural else " ")

    return _NUMERO.sub(numero, text) if "No" in text or "no." in text or "№" in text else text


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {
        "party_tags": _expand_party_tags(data),
        "places": _expand_places(data),
        "titles": _expand_titles(data),
        "remaining_titles": _expand_remaining_titles(data),
        "states": _expand_states(data),
        "always": _expand_always(data),
    }
