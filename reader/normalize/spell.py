"""Numbers → words, in the language asked for, through num2words.

Every rule that turns digits into words goes through here, so the reading of a
number is the same wherever it appears, and each distinct number is spelled
once (num2words takes tens of microseconds a call; news repeats numbers).
American English reads "105" as "one hundred five" (as eSpeak NG's en-us
voice does); British English keeps the "and".
"""

from __future__ import annotations

import logging
from functools import lru_cache

from num2words import num2words

log = logging.getLogger(__name__)

__all__ = ["base_lang", "cardinal", "decimal", "digits", "number", "ordinal", "year"]

_DIGIT_WORDS = {
    "en": "zero one two three four five six seven eight nine".split(),
    "de": "null eins zwei drei vier fünf sechs sieben acht neun".split(),
    "fr": "zéro un deux trois quatre cinq six sept huit neuf".split(),
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve".split(),
}
_POINT = {"en": "point", "de": "Komma", "fr": "virgule", "es": "coma"}
_MINUS = {"en": "minus", "de": "minus", "fr": "moins", "es": "menos"}
_BRITISH = frozenset({"en-gb", "en-au", "en-nz", "en-ie", "en-in", "en-za"})
_LARGEST = 10**30  # past this num2words has no names; such "numbers" are read digit by digit


def base_lang(lang: str) -> str:
    """``en-US`` / ``en_gb`` → ``en``: the language whose rules apply."""
    return lang.replace("_", "-").split("-")[0].lower() or "en"


def _dialect(lang: str) -> str:
    lang = lang.replace("_", "-").lower()
    return "en-gb" if lang in _BRITISH else base_lang(lang)


def digits(text: str, lang: str = "en") -> str:
    """Read a run of digits one by one ("007" → "zero zero seven")."""
    words = _DIGIT_WORDS.get(base_lang(lang), _DIGIT_WORDS["en"])
    return " ".join(words[int(c)] for c in text if c.isdigit())


@lru_cache(maxsize=8192)
def _cardinal(value: int, dialect: str) -> str:
    if value < 0:
        return f"{_MINUS.get(dialect[:2], 'minus')} {_cardinal(-value, dialect)}"
    if value >= _LARGEST:
        return digits(str(value), dialect[:2])
    try:
        if dialect == "en":
            return num2words(value).replace(",", "").replace(" and ", " ")
        if dialect == "en-gb":
            return num2words(value).replace(",", "")
        return num2words(value, lang=dialect)
    except (OverflowError, ValueError, NotImplementedError, KeyError, IndexError):  # past a language's largest name
        return digits(str(value), dialect[:2])


def cardinal(value: int | str, lang: str = "en") -> str:
    """``1204`` → "one thousand two hundred four" (no commas: they would make a voice pause)."""
    return _cardinal(int(str(value).replace(",", "")), _dialect(lang))


@lru_cache(maxsize=4096)
def _ordinal(value: int, dialect: str) -> str:
    if value >= _LARGEST:
        return digits(str(value), dialect[:2])
    try:
        if dialect.startswith("en"):
            words = num2words(value, to="ordinal").replace(",", "")
            return words if dialect == "en-gb" else words.replace(" and ", " ")
        return num2words(value, lang=dialect, to="ordinal")
    except (OverflowError, ValueError, NotImplementedError, KeyError, IndexError):
        return digits(str(value), dialect[:2])


def ordinal(value: int | str, lang: str = "en") -> str:
    """``21`` → "twenty-first"."""
    return _ordinal(int(str(value).replace(",", "")), _dialect(lang))


@lru_cache(maxsize=4096)
def _year(value: int, dialect: str) -> str:
    if not dialect.startswith("en"):
        try:
            return num2words(value, lang=dialect, to="year") if 0 < value < 10000 else _cardinal(value, dialect)
        except (OverflowError, ValueError, NotImplementedError, KeyError, IndexError):
            return _cardinal(value, dialect)
    if value < 1000 or value >= 10000:
        return _cardinal(value, dialect)
    century, rest = divmod(value, 100)
    if 2000 <= value < 2010 or value % 1000 == 0:
        return _cardinal(value, dialect)  # "two thousand five", "two thousand"
    if rest == 0:
        return f"{_cardinal(century, dialect)} hundred"  # "nineteen hundred"
    if rest < 10:
        return f"{_cardinal(century, dialect)} oh {_cardinal(rest, dialect)}"  # "nineteen oh five"
    return f"{_cardinal(century, dialect)} {_cardinal(rest, dialect)}"  # "nineteen eighty-four"


def year(value: int | str, lang: str = "en") -> str:
    """``1984`` → "nineteen eighty-four", ``2005`` → "two thousand five", ``2025`` → "twenty twenty-five"."""
    return _year(int(value), _dialect(lang))


def decimal(integer: str, fraction: str, lang: str = "en") -> str:
    """``24``, ``5`` → "twenty-four point five": the digits after the point are read one by one."""
    lang_base = base_lang(lang)
    head = cardinal(integer or "0", lang)
    return f"{head} {_POINT.get(lang_base, 'point')} {digits(fraction, lang)}"


@lru_cache(maxsize=8192)
def number(text: str, lang: str = "en") -> str:
    """A written number as words: "1,204" / "24.5" / "-3" / "1.204,5" (de) all work."""
    text = text.strip()
    negative = text[:1] in "-−"
    if negative:
        text = text[1:]
    integer, sep, fraction = _split_decimal(text, base_lang(lang))
    if sep and fraction and not integer:
        words = f"{_POINT.get(base_lang(lang), 'point')} {digits(fraction, lang)}"  # .5 → point five
    else:
        words = decimal(integer, fraction, lang) if sep and fraction else cardinal(integer or "0", lang)
    return f"{_MINUS.get(base_lang(lang), 'minus')} {words}" if negative else words


def _split_decimal(text: str, lang: str) -> tuple[str, str, str]:
    """Split into integer digits, decimal separator, fraction digits, by the language's convention."""
    decimal_mark = "." if lang == "en" else ","
    group_marks = ",. \u202f\u00a0'".replace(decimal_mark, "")
    integer, sep, fraction = text.partition(decimal_mark)
    for mark in group_marks:
        integer = integer.replace(mark, "")
    return integer, sep, fraction
