"""Dates, years, decades and the names that look like dates (9/11, 24/7).

Years are read as years ("nineteen eighty-four", "two thousand five", "twenty
twenty-five"), a date as a newsreader says it ("February thirteenth, twenty
twenty-five"; "the thirteenth of February"), and an all-numeric date in the
order of the article's locale (month first in American English, day first
elsewhere, unless the numbers say otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize import spell
from reader.normalize.data import RuleData
from reader.normalize.patterns import alternation, has_digit, starts_with

__all__ = ["read_decades", "read_quarters", "read_years", "rules"]

MONTHS = "January February March April May June July August September October November December".split()
_MONTH_INDEX = {name: i for i, name in enumerate(MONTHS, 1)}
_MONTH = "|".join(MONTHS)
_ORD = r"(?:st|nd|rd|th)?"


def _day(value: str) -> str:
    return spell.ordinal(int(value))


def _month_day_year(month: int, day: int, year: str | None) -> str:
    words = f"{MONTHS[month - 1]} {_day(str(day))}"
    return f"{words}, {spell.year(year)}" if year else words


def _year4(text: str) -> str:
    value = int(text)
    return str(value + (2000 if value < 50 else 1900)) if len(text) == 2 else text


_CAPITAL_MONTH = re.compile(
    r"(?=[JFMASOND])\b(JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
    r"|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT|SEP|OCT|NOV|DEC)(?=\.? \d{1,2}(?:st|nd|rd|th)?\b(?![:.]\d))"
)


def _expand_abbreviations(data: RuleData) -> Callable[[str], str]:
    keys = sorted({**data.months, **data.weekdays}, key=len, reverse=True)
    dotted = [k for k in data.months if k.endswith(".")]
    bare = [k for k in data.months if not k.endswith(".")]
    days = list(data.weekdays)
    month_start = "|".join(sorted({k[:3] for k in data.months}))
    pattern = re.compile(
        f"{starts_with(keys)}(?<![\\w.])(?:({alternation(dotted)})(?![\\w])|({alternation(bare)})(?=\\.? \\d)"
        f"|({alternation(days)})(?=,| \\(?(?:\\d|{month_start}))"
        f"|(?<=\\d )({alternation(bare)})\\b)"
    )  # a weekday only before a date: "The Sun." is a newspaper; a bare "Feb" before or after a day: "13 Feb"
    table = {**data.months, **data.weekdays}

    def _say(match: re.Match[str]) -> str:
        key = match.group(1) or match.group(2) or match.group(3) or match.group(4)
        rest = match.string[match.end() :].strip(" \"')]")
        return table[key] + "." if key.endswith(".") and not rest else table[key]  # "in Nov." ends the sentence

    def expand_month_and_weekday_abbreviations(text: str) -> str:
        """Feb. 13 → February 13, Sept. → September, Thu., Feb. 13 → Thursday (a bare "Feb" only before a number).

        A month in capitals before a day ("OCT. 9", "APRIL 17, 2025" in a headline or notice) is the month.
        """
        if _CAPITAL_MONTH.search(text):
            text = _CAPITAL_MONTH.sub(lambda m: m.group(1).capitalize(), text)
        return pattern.sub(_say, text)

    return expand_month_and_weekday_abbreviations


_ISO = re.compile(r"(?=\d)(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_YEAR_FIRST = re.compile(r"(?=\d)(?<![\w/.])(1[89]\d\d|20\d\d)/(\d{1,2})/(\d{1,2})(?![\w/]|\.\d)")  # 2021/11/05
_MONTH_FIRST = re.compile(
    rf"(?=[JFMASOND])\b({_MONTH})\.? (\d{{1,2}}){_ORD}(?:\s?(?:-|to|and)\s?(\d{{1,2}}){_ORD})?(?!\d|:\d|\.\d)"
    r"(?:(,?) (\d{4})(?!\d))?"
)
_DAY_FIRST = re.compile(
    rf"(?=\d)(?<![\w.,])(\d{{1,2}}){_ORD}(?:\s?(?:-|to)\s?(\d{{1,2}}){_ORD})? (?:of )?({_MONTH})\b"
    r"(?:(,?) (\d{4})(?!\d))?"
)
_MONTH_SPAN = re.compile(rf"(?=[JFMASOND])\b((?:{_MONTH}) \d{{1,2}}){_ORD}\s?[-–]\s?(?=(?:{_MONTH}) \d)")
_MONTH_YEAR = re.compile(rf"(?=[JFMASOND])\b({_MONTH}),? (\d{{4}})(?!\d)")
_NUMERIC = re.compile(r"(?=\d)(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|[.]\d)")
_ON_NUMERIC = re.compile(
    r"(?=[obsufaOBSUFA])\b((?i:on|by|since|until|from|before|after)) (\d{1,2})/(\d{1,2})(?![\w/])"
    r"(?! (?:of|point|points|percentage|mile|miles|inch|inches|cup|cups|pound|pounds|share|stake|hour|hours)\b)"
)  # "cut by 1/4 point" is a fraction


def _iso(match: re.Match[str]) -> str:
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group()
    return _month_day_year(month, day, year)


def _month_first(match: re.Match[str]) -> str:
    month, day, day2, comma, year = match.groups()
    if not 1 <= int(day) <= 31:
        return match.group()
    words = f"{month} {_day(day)}"
    if day2:
        words += f" to {_day(day2)}"
    return f"{words}{comma} {spell.year(year)}" if year else words


def _day_first(match: re.Match[str]) -> str:
    day, day2, month, comma, year = match.groups()
    if not 1 <= int(day) <= 31:
        return match.group()
    the = "" if match.string[max(0, match.start() - 4) : match.start()].lower() == "the " else "the "
    words = f"{the}{_day(day)}"
    if day2:
        words += f" to the {_day(day2)}"
    words += f" of {month}"
    return f"{words}{comma} {spell.year(year)}" if year else words


def _read_dates(day_first: bool) -> Callable[[str], str]:
    def numeric(match: re.Match[str]) -> str:
        first, sep, second, year = match.groups()
        a, b = int(first), int(second)
        if sep == "." or (day_first and a <= 31) or a > 12:
            day, month = a, b
        else:
            month, day = a, b
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return _month_day_year(month, day, _year4(year))

    def on_numeric(match: re.Match[str]) -> str:
        cue, first, second = match.group(1), int(match.group(2)), int(match.group(3))
        month, day = (second, first) if day_first or first > 12 else (first, second)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return f"{cue} {MONTHS[month - 1]} {_day(str(day))}"

    def read_dates(text: str) -> str:
        """Feb. 13, 2025 / 13 February 2025 / 2025-02-13 / 2/13/2025 → spoken dates."""
        if not has_digit(text):
            return text
        text = _ISO.sub(_iso, text)
        if "/" in text:
            text = _YEAR_FIRST.sub(_iso, text)
        text = _NUMERIC.sub(numeric, text)
        text = _ON_NUMERIC.sub(on_numeric, text)
        text = _MONTH_FIRST.sub(_month_first, _MONTH_SPAN.sub(r"\1 to ", text))  # Feb. 28-March 2
        text = _DAY_FIRST.sub(_day_first, text)
        return _MONTH_YEAR.sub(lambda m: f"{m.group(1)} {spell.year(m.group(2))}", text)

    return read_dates


_DECADE = re.compile(r"(?=['\d])(?<![\w.,$€£])(?:'|\b)(1\d|20)?(\d)0'?s\b")
_DECADE_TENS = {
    "0": "hundreds", "1": "tens", "2": "twenties", "3": "thirties", "4": "forties", "5": "fifties",
    "6": "sixties", "7": "seventies", "8": "eighties", "9": "nineties",
}  # fmt: skip


def _decade(match: re.Match[str]) -> str:
    century, tens = match.groups()
    if not century:
        return _DECADE_TENS[tens] if tens != "0" else "two thousands"  # the 00s
    if century == "20" and tens == "0":
        return "two thousands"
    if century == "10" and tens == "0":
        return "thousands"  # "1000s of fans": no decade of the year 1000 in the news
    if tens == "0":
        return f"{spell.cardinal(century)} hundreds"
    return f"{spell.cardinal(century)} {_DECADE_TENS[tens]}"


_DECADE_RANGE = re.compile(r"(?=\d)(?<![\w.,$€£])(1\d|20)(\d0s)\s?[-–]\s?(1\d|20)?(\d0s)\b")


def _decade_range(match: re.Match[str]) -> str:
    century, first, second_century, second = match.groups()
    return f"{century}{first} to {second_century or century}{second}"  # 1950s-70s → 1950s to 1970s


def read_decades(text: str) -> str:
    """1990s → nineteen nineties, '80s / the 80s → eighties, 2000s → two thousands; 1950s-70s → … to …."""
    if "0s" not in text and "0's" not in text:
        return text
    if "0s-" in text or "0s–" in text or "0s -" in text or "0s –" in text:
        text = _DECADE_RANGE.sub(_decade_range, text)
    return _DECADE.sub(_decade, text)


_YEAR = re.compile(r"(?=[12])(?<![\w$€£.,:/-])(1\d\d\d|20\d\d)(?![\d%]|[.,:/]\d|\s?(?:°|percent\b))")
_ERA_YEAR = re.compile(r"(?=\d)(?<![\w.,])(\d{1,4}) ?(BC|AD|BCE|CE|B\.C\.|A\.D\.|B\.C\.E\.|C\.E\.)(?![\w])")


_SPLIT_YEAR = re.compile(r"(?=[12])(?<![\w/.-])(1[5-9]\d\d|20\d\d)/(\d\d|1[5-9]\d\d|20\d\d)(?![\w/])")


def _split_year(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if len(second) == 4:  # 1999/2000, a season or a fiscal year
        return f"{spell.year(first)} to {spell.year(second)}" if int(second) == int(first) + 1 else match.group()
    if (int(first) + 1) % 100 != int(second):
        return match.group()
    return f"{spell.year(first)} to {spell.cardinal(second) if second[0] != '0' else 'oh ' + spell.cardinal(second)}"


def read_years(text: str) -> str:
    """1984 → nineteen eighty-four, 2005 → two thousand five, 2025 → twenty twenty-five; 500 BC; 2023/24 too."""
    if not has_digit(text):
        return text
    if "/" in text:
        text = _SPLIT_YEAR.sub(_split_year, text)
    text = _ERA_YEAR.sub(lambda m: f"{spell.year(m.group(1))} {m.group(2)}", text)
    return _YEAR.sub(lambda m: spell.year(m.group(1)), text)


def _read_number_names(data: RuleData) -> Callable[[str], str]:
    names = sorted(data.names, key=len, reverse=True)
    pattern = re.compile(starts_with(names) + r"(?<![\w/.-])(" + alternation(names) + r")(?![\w/]|-\d)")

    wordy_names = [name for name in names if not any(c.isdigit() for c in name)]  # WWII: no digit to look for

    def read_number_names(text: str) -> str:
        """9/11 → nine eleven, 24/7 → twenty-four seven, G7 → G seven: names that only look like numbers."""
        if not has_digit(text) and not any(name in text for name in wordy_names):
            return text
        return pattern.sub(lambda m: data.names[m.group(1)], text)

    return read_number_names


_PERIOD_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
_QUARTER_FIRST = re.compile(r"(?<![\w.])([1-4])(Q|H) ?('?\d{2}|\d{4})(?![\w]|[.,]\d)")  # 1Q25, 4Q 2021, 2H24
_QUARTER_AFTER = re.compile(
    r"(?<![\w.])(Q|H)([1-4])(?:-| (?:of )?)('\d{2}|\d{4})(?![\w]|[.,]\d)"
)  # Q4 2023, H2 of 2026


def _period(number: str, letter: str, year: str) -> str:
    if letter == "H" and number not in "12":
        return f"{letter}{number} {year}"
    year = year.lstrip("'")
    full = str(2000 + int(year)) if len(year) == 2 else year
    return f"{_PERIOD_ORDINALS[number]} {'quarter' if letter == 'Q' else 'half'} of {spell.year(full)}"


_BEFORE_THE = re.compile(r"\b(?:in|for|during|of|by|from|since|until|through|over|after|before|to|into) $", re.I)


def _the(match: re.Match[str]) -> str:
    """ "in Q3 2024" → "in the third quarter of…"; "its Q3" keeps its own determiner."""
    return "the " if _BEFORE_THE.search(match.string[max(0, match.start() - 10) : match.start()]) else ""


def read_quarters(text: str) -> str:
    """1Q25 / Q1 2025 → first quarter of twenty twenty-five; H2 2026 / 2H26 → second half of twenty twenty-six.

    A quarter with no year ("Q4 EPS") is left to the other rules ("Q four").
    """
    if "Q" not in text and "H" not in text:
        return text
    text = _QUARTER_FIRST.sub(lambda m: _the(m) + _period(m.group(1), m.group(2), m.group(3)), text)
    return _QUARTER_AFTER.sub(lambda m: _the(m) + _period(m.group(2), m.group(1), m.group(3)), text)


def rules(data: RuleData, lang: str = "en") -> dict[str, Callable[[str], str]]:
    """The date rules for ``data``; numeric dates are day-first unless ``lang`` is American English."""
    day_first = lang.replace("_", "-").lower() not in ("en", "en-us")
    return {
        "names": _read_number_names(data),
        "abbreviations": _expand_abbreviations(data),
        "dates": _read_dates(day_first),
    }
