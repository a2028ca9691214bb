"""Digit strings that are identifiers, not amounts: IP addresses, card endings, case and model numbers.

An identifier is read as people read it aloud: an IP address group by group with "dot"
("one nine two dot one six eight dot one dot one"), the digits after "ending in" or "account"
one by one, and a case or docket number's two parts with "dash" ("twenty-four dash oh three
one eight"), never as a quantity ("four thousand…") or a range ("twenty-four to…").
"""

from __future__ import annotations

import re

from reader.normalize import spell
from reader.normalize.acronyms import dotted
from reader.normalize.addresses import read_number_in_pairs
from reader.normalize.patterns import has_digit

__all__ = ["read_identifiers"]

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IP = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w]|\.\d)")
_CUED_DIGITS = re.compile(
    r"(?i)\b(ending in|ending with|ending|ends in|ends with|last (?:four |4 )?digits(?: of)?|account(?: number)?"
    r"|card(?: number)?|PIN|serial(?: number)?|badge(?: number)?|tail number|routing number|ZIP code)"
    r"( |: ?|,? (?:No\.|#) ?)(\d{3,})\b(?![.,]\d)"
)
_CASE_NUMBER = re.compile(
    r"(?=[cdfotribmnNC])\b(case|docket|file|claim|complaint|order|ticket|reference|indictment|bill|motion|No\.|no\.|number"
    r"|Number)"
    r"((?: (?:number|No\.|no\.|#))? ?#? ?)(\d{1,4})-(\d{2,8})\b(?![.,]\d|-)"
)


# A model and its variant: A220-300, B737-800 (a letter, the model in pairs, "dash", the variant).
_MODEL_VARIANT = re.compile(r"(?=[A-Z])(?<![\w.-])([A-Z]{1,2})-?(\d{3})-(\d{3})(?![\w-]|[.,]\d)")


def _model(match: re.Match[str]) -> str:
    letters, model, variant = match.groups()
    return f"{dotted(letters)} {read_number_in_pairs(model)} dash {spell.cardinal(int(variant))}"


_DIGIT_DASH_DIGIT = re.compile(r"\d-\d")
_IP_HINT = re.compile(r"\d\.\d{1,3}\.\d")
_CUE_HINTS = ("nding", "nds ", "igits", "ccount", "card", "Card", "PIN", "erial", "adge", "umber", "ZIP", "outing")
_THREE_DIGITS = re.compile(r"\d{3}")


# A federal court case number: year, kind, number (21-cv-1234, 22-cr-00451).
_COURT_CASE = re.compile(r"(?:\b(No\.|no\.) ?)?(?<![\w-])(\d{1,2})-([a-z]{2,4})-(\d{2,6})(?![\w-])")


def _court_case(match: re.Match[str]) -> str:
    numero, year, kind, number = match.groups()
    head = "number " if numero else ""
    return f"{head}{spell.cardinal(int(year))} {dotted(kind)} {_digits(number)}"


def _digits(group: str) -> str:
    return spell.digits(group).replace("zero", "oh")


_PERIOD_BEFORE = re.compile(r"(?i)\b(?:year|years|season|decade|period|term|month|quarter|fiscal|FY)\b")


def _cued(match: re.Match[str]) -> str:
    cue, between, number = match.groups()
    before = match.string[max(0, match.start() - 30) : match.start()]
    if re.fullmatch(r"(?:19|20)\d\d", number) and cue.lower().startswith("end") and _PERIOD_BEFORE.search(before):
        return match.group()  # "the year ending in 2025": a year
    return f"{cue}{between}{_digits(number)}"


def _case_part(group: str) -> str:
    return _digits(group) if group.startswith("0") or len(group) > 4 else read_number_in_pairs(group)


def _case(match: re.Match[str]) -> str:
    cue, between, first, second = match.groups()
    cue = "number" if cue.lower() == "no." else cue
    between = " number " if "No." in between or "no." in between else between.replace("#", " number ")
    return f"{cue}{between or ' '}{spell.cardinal(int(first))} dash {_case_part(second)}".replace("  ", " ")


def read_identifiers(text: str) -> str:
    """192.168.1.1 → one nine two dot…; ending in 4821 → four eight two one; No. 22-1234 → number twenty-two dash…."""
    if not has_digit(text):
        return text
    if text.count(".") >= 3 and _IP_HINT.search(text):
        text = _IP.sub(lambda m: " dot ".join(_digits(part) for part in m.group().split(".")), text)
    if _THREE_DIGITS.search(text) and any(cue in text for cue in _CUE_HINTS):
        text = _CUED_DIGITS.sub(_cued, text)
    if "-" not in text:
        return text
    text = _COURT_CASE.sub(_court_case, text)
    if not _DIGIT_DASH_DIGIT.search(text):
        return text
    return _MODEL_VARIANT.sub(_model, _CASE_NUMBER.sub(_case, text))
