"""Money: $3.5 billion, €250bn, £20m, 50p, US$5, ¥100, ₹500, USD 5, $5-10 million.

The currency is said after the amount, as a newsreader does ("three point five
billion dollars"); cents are read as cents ("three dollars and fifty cents");
before a noun the unit stays singular ("a ten million dollar deal").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize import spell
from reader.normalize.data import RuleData
from reader.normalize.patterns import has_digit, is_attributive

__all__ = ["rules"]

_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"


def _alternation(keys: object) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))  # type: ignore[arg-type]


def _amount_words(amount: str) -> str:
    return spell.number(amount)


def _say(data: RuleData, code: str, amount: str, amount2: str | None, scale: str | None, attributive: bool) -> str:
    names = data.currency_names.get(code) or (code, code, "cent", "cents")
    one, many = names[0], names[1]
    if scale:
        words = _amount_words(amount)
        if amount2:
            words += f" to {_amount_words(amount2)}"
        return f"{words} {scale} {one if attributive else many}"
    if amount2 and ("." in amount or "." in amount2):  # $1.20 to $82.45: each with its cents
        return f"{_say(data, code, amount, None, None, False)} to {_say(data, code, amount2, None, None, attributive)}"
    if amount2:
        return f"{_amount_words(amount)} to {_amount_words(amount2)} {one if attributive else many}"
    integer, _, cents = amount.replace(",", "").partition(".")
    if cents and len(cents) == 2 and len(names) >= 4:  # $3.50 in cents; 7.2 yuan, an exchange rate, in tenths
        cents_value = int(cents.ljust(2, "0"))
        dollars = int(integer or 0)
        cent_words = f"{spell.cardinal(cents_value)} {names[2] if cents_value == 1 else names[3]}"
        if dollars == 0:
            return cent_words if cents_value else f"zero {many}"
        head = f"{spell.cardinal(dollars)} {one if dollars == 1 or attributive else many}"
        return f"{head} and {cent_words}" if cents_value else head
    words = _amount_words(amount)
    return f"{words} {one if amount in ('1', '1.0', '1.00') or attributive else many}"


def _read_money(data: RuleData) -> Callable[[str], str]:
    prefixes = {**data.currency_symbols, **{code: target for code, target in data.currency_codes.items()}}
    symbols = "".join(sorted({k for k in prefixes if len(k) == 1 and not k.isalnum()}))
    # Letters-led prefixes (US$, HK$, Rs, USD) are matched by shape and checked against the table in the callback:
    # a long alternation tried at every capital letter is what made this rule slow.
    prefix = rf"[{re.escape(symbols)}]|(?:[A-Z]{{1,3}}\$|U\.S\.\$|R[sp]\.?|[A-Z]{{2,3}})(?=\s?[\d.])"
    suffix_symbols = _alternation(k for k in data.currency_symbols if not k[0].isalpha() and len(k) == 1)
    suffix_codes = _alternation(data.currency_codes)
    scale = (
        r"(?:\s?(" + _alternation(k for k in data.scales if len(k) > 1) + r")"
        r"|(" + _alternation(k for k in data.scales if len(k) == 1) + r"))(?![\w])"
    )
    amount = rf"(?:{_AMOUNT})"
    pattern = re.compile(
        rf"(?=[-A-Z{re.escape(symbols)}])(?<![\w$€£¥])(-\s?)?({prefix})\s?({amount})"
        rf"(?:\s?(?:-|–|to)\s?(?:{prefix})?\s?({amount}))?"
        rf"(?:{scale})?"
        rf"(?:-| )?(?=(\w+)?)"
    )
    trailing = re.compile(
        rf"(?=[\d.])(?<![\w.,])({amount})(?:{scale})?\s?({suffix_symbols}|(?:{suffix_codes})(?![\w]))"
    )
    subunit = re.compile(r"(?=\d)(?<![\w.,$€£])(\d+)(" + _alternation(data.subunit_suffixes) + r")(?![\w])")

    def money(match: re.Match[str]) -> str:
        minus, symbol, amount1, amount2, scale_long, scale_short, next_word = match.groups()
        scale_word = scale_long or scale_short
        code = prefixes.get(symbol)
        if code is None:
            return match.group()
        glued = match.group().endswith("-")
        attributive = glued or is_attributive(match.string, match.start(), next_word)
        scale_name = data.scales.get(scale_word) if scale_word else None
        words = _say(data, code, amount1, amount2, scale_name, attributive)
        words = f"minus {words}" if minus else words
        return words + ("-" if glued else " ")

    def trailing_money(match: re.Match[str]) -> str:
        amount1, scale_long, scale_short, symbol = match.groups()
        scale_word = scale_long or scale_short
        code = prefixes.get(symbol, symbol)
        scale_name = data.scales.get(scale_word) if scale_word else None
        return _say(data, code, amount1, None, scale_name, False)

    def subunits(match: re.Match[str]) -> str:
        value, suffix = match.groups()
        one, many = data.subunit_suffixes[suffix]
        return f"{spell.cardinal(value)} {one if value == '1' else many}"

    def read_money(text: str) -> str:
        """$3.5 billion → three point five billion dollars; £20m → twenty million pounds; 50p → fifty pence."""
        if not has_digit(text):
            return text
        text = pattern.sub(money, text)
        text = trailing.sub(trailing_money, text)
        return subunit.sub(subunits, text)

    return read_money


def _read_rate_periods(data: RuleData) -> Callable[[str], str]:
    periods = dict(data.rate_periods)
    pattern = re.compile(r"(?<=[\d%])/(" + _alternation(periods) + r")(\.)?(?![\w/])")

    def read_rate_periods(text: str) -> str:
        """$15/mo. → $15 a month, €8/wk → €8 a week, $4.10/gal → $4.10 a gallon (the money rule reads the rest)."""
        if "/" not in text:
            return text

        def period(match: re.Match[str]) -> str:
            ends = match.group(2) and not match.string[match.end() :].strip(" \"')]")
            return f" {periods[match.group(1)]}" + ("." if ends else "")

        return pattern.sub(period, text)

    return read_rate_periods


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"money": _read_money(data), "rate_periods": _read_rate_periods(data)}
