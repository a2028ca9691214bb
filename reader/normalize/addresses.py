"""Street addresses as a newsreader says them: "2315 Oak Ave." → "twenty-three fifteen Oak Avenue".

A street is a run of capitalised names (or an ordinal, "9th") before a street type from the
table (St, Ave, Blvd, Dr, Ct, Ln, Rd, Pl, Hwy, Expy, Pkwy…, with or without a full stop),
optionally led by a house number and a compass point ("S. Elm", "NE Oak") and followed by one
("Ave. NW"). The compass point is a direction there, never a unit ("W." is West, not watts).
House, highway, exit and suite numbers are read in pairs ("one oh one", "sixteen hundred");
a two-letter state code after "City, " is the state's name, and the ZIP code after it is read
digit by digit; "P.O. Box 4127" keeps its box number in digits. "St." before a name stays for
the title rule (Saint); after one it is Street, and a full stop that ends the sentence stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize import spell
from reader.normalize.data import RuleData
from reader.normalize.patterns import has_digit, starts_with

__all__ = ["read_number_in_pairs", "rules"]


def read_number_in_pairs(written: str) -> str:
    """House and route numbers: 418 → four eighteen, 101 → one oh one, 2315 → twenty-three fifteen."""
    value = int(written)
    if len(written) <= 2 or (value % 100 == 0 and len(written) == 3):
        return spell.cardinal(value)
    if len(written) == 3:
        head, rest = divmod(value, 100)
        tail = f"oh {spell.cardinal(rest)}" if rest < 10 else spell.cardinal(rest)
        return f"{spell.cardinal(head)} {tail}"
    if len(written) == 4 and written[0] != "0":
        head, rest = divmod(value, 100)
        if rest == 0:
            return f"{spell.cardinal(head)} hundred"
        tail = f"oh {spell.cardinal(rest)}" if rest < 10 else spell.cardinal(rest)
        return f"{spell.cardinal(head)} {tail}"
    return spell.digits(written)


# State codes that are also words in capitals: a state only after a city that is not the sentence's
# first word ("Fine, OK." is no city), or before a ZIP code.
_WORD_CODES = frozenset({"OK", "IN", "ME", "OR", "HI", "OH", "AL", "LA", "PA", "MA", "DE", "CO", "ID", "AS"})


def _zip_digits(code: str) -> str:
    """ZIP codes digit by digit, zero said "oh" as in phone numbers: 02139 → oh two one three nine."""
    return spell.digits(code).replace("zero", "oh")


def _alternation(keys: object) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))  # type: ignore[arg-type]


def _read_addresses(data: RuleData) -> Callable[[str], str]:
    types = {k.rstrip("."): v for k, v in data.street_types.items()}
    compass = dict(data.compass)
    states = dict(data.postal_states)
    name = r"(?:[A-Z][a-z]+|\d{1,3}(?:st|nd|rd|th))"
    street = re.compile(
        r"(?=[\dA-Z])(?<![\w.])(?:(?P<num>\d{1,5}) )?(?:(?P<dir>" + _alternation(compass) + r")\.? )?"
        rf"(?P<name>{name}(?: {name}){{0,2}}) (?P<type>" + _alternation(types) + r")(?P<dot>\.)?(?![\w])"
        r"(?P<post> (?:NE|NW|SE|SW)\b\.?)?"
    )
    routes = re.compile(
        r"(?<![\w.])(?P<word>" + _alternation(data.route_words) + r")\.?(?P<sep>[ -])(?P<num>\d{3,4})(?![\w]|[.,]\d)"
    )
    state_code = re.compile(
        r"(?P<city>\b[A-Z][a-z]+), (?P<st>" + _alternation(states) + r")(?P<zip> \d{5}(?:-\d{4})?)?"
        r"(?=[,.;:!?)]|$| [a-z])"
    )
    zip_after_name = re.compile(
        r"(?<=, )(?P<st>" + _alternation(set(states.values())) + r") (?P<zip>\d{5})(?:-(?P<plus>\d{4}))?(?![\w-])"
    )
    type_hint = re.compile(
        starts_with(types) + r"(?<=[a-z0-9] )(?:" + _alternation(types) + r")\b"
    )  # most text has none
    route_hints = tuple(data.route_words)
    state_hint = re.compile(starts_with(states) + r"(?<=[a-z], )(?:" + _alternation(states) + r")\b")
    zip_hint = re.compile(r"(?<=[a-z] )\d{5}\b")
    box = re.compile(r"\b(?P<po>P\. ?O\.|PO) Box (?P<num>\d{1,6})\b")
    block = re.compile(r"(?<![\w.,])(?P<num>[1-9]\d?00) block\b")

    def one_street(match: re.Match[str]) -> str:
        kind = match.group("type")
        rest = match.string[match.end() :]
        if kind in ("St", "Dr") and re.match(r" [A-Z][a-z]", rest) and not match.group("post"):
            return match.group()  # "St. Charles", "Dr. Smith": a title before a name
        words = []
        if match.group("num"):
            words.append(read_number_in_pairs(match.group("num")))
        if match.group("dir"):
            words.append(compass[match.group("dir")])
        words += [match.group("name"), types[kind]]
        if match.group("post"):
            words.append(compass[match.group("post").strip(" .")])
        spoken = " ".join(words)
        ends = match.group("dot") or (match.group("post") or "").endswith(".")
        return spoken + "." if ends and not rest.strip(" \"')]") else spoken

    def state(match: re.Match[str]) -> str:
        code, zip_code, city = match.group("st"), match.group("zip"), match.group("city")
        first_word = not match.string[: match.start()].strip(" \"'(")
        if code in _WORD_CODES and not zip_code and first_word:
            return match.group()  # "Fine, OK." / "Sure, IN the end": a word, not a state
        name_ = states[code]
        return f"{city}, {name_} {_zip_digits(zip_code)}" if zip_code else f"{city}, {name_}"

    def read_addresses(text: str) -> str:
        """418 S. Elm St. → four eighteen South Elm Street; Austin, TX 78701 → Austin, Texas seven eight…."""
        if type_hint.search(text):
            text = street.sub(one_street, text)
        if ", " in text and state_hint.search(text):
            text = state_code.sub(state, text)
        if not has_digit(text):
            return text
        if any(word in text for word in route_hints):
            text = routes.sub(
                lambda m: f"{data.route_words[m.group('word')]} {read_number_in_pairs(m.group('num'))}", text
            )
        if ", " in text and zip_hint.search(text):
            text = zip_after_name.sub(
                lambda m: f"{m.group('st')} {_zip_digits(m.group('zip') + (m.group('plus') or ''))}", text
            )
        if "Box" in text:
            text = box.sub(lambda m: f"{m.group('po')} Box {spell.digits(m.group('num'))}", text)
        return block.sub(lambda m: f"{read_number_in_pairs(m.group('num'))} block", text) if " block" in text else text

    return read_addresses


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"addresses": _read_addresses(data)}
