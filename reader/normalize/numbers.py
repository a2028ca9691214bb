"""Plain numbers: cardinals, decimals, negatives, ordinals, fractions, ranges and scores.

These run after the rules that know what a number *is* (a date, a time, money,
a measure, a year), so whatever digits reach them are counts. The last rule,
:func:`spell_leftovers`, is the safety net the benchmark counts: a digit or
symbol that reaches it had no rule of its own.
"""

from __future__ import annotations

import logging
import re

from reader.normalize import spell
from reader.normalize.patterns import has_digit

__all__ = [
    "read_cardinals",
    "read_dimensions",
    "read_fractions",
    "read_negatives",
    "read_number_abbreviations",
    "read_ordinals",
    "read_ranges",
    "separate_letters_from_digits",
    "spell_leftovers",
]

log = logging.getLogger(__name__)
fallback_log = logging.getLogger("reader.normalize.fallback")

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"

_ORDINAL = re.compile(r"(?=\d)(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th|ST|ND|RD|TH)\b")


def read_ordinals(text: str) -> str:
    """21st → twenty-first, 100th → one hundredth."""
    return _ORDINAL.sub(lambda m: spell.ordinal(m.group(1)), text) if has_digit(text) else text


_FRACTION = re.compile(r"(?=\d)(?<![\w/.,])(?:(\d+)(?: |-))?(\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)")
_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_COMMON_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 32, 64, 100})
_MONTHS = "January February March April May June July August September October November December".split()


def _fraction_words(numerator: int, denominator: int) -> str:
    if denominator in _DENOMINATORS:
        one, many = _DENOMINATORS[denominator]
    else:
        one = spell.ordinal(denominator)
        many = one + "s"
    return f"{spell.cardinal(numerator)} {one if numerator == 1 else many}"


def _fraction(match: re.Match[str]) -> str:
    whole, top, bottom = match.group(1), int(match.group(2)), int(match.group(3))
    if bottom == 0 or (top >= bottom and not whole):
        words = f"{spell.cardinal(top)} over {spell.cardinal(bottom)}" if bottom else match.group()
        return f"{spell.cardinal(whole)} {words}" if whole else words
    if not whole and bottom not in _COMMON_DENOMINATORS and 1 <= top <= 12 and bottom <= 31:
        return f"{_MONTHS[top - 1]} {spell.ordinal(bottom)}"  # 4/15 is a date (month first), not four fifteenths
    if not whole:
        return _fraction_words(top, bottom)
    if top == 1 and bottom in _DENOMINATORS:
        return f"{spell.cardinal(whole)} and a {_DENOMINATORS[bottom][0]}"
    return f"{spell.cardinal(whole)} and {_fraction_words(top, bottom)}"


_RATING = re.compile(r"(?=\d)(?<![\w/.,])(\d+\.\d+|\d{1,2}(?=/10\b))/(\d+)(?![\w/]|[.,]\d| of\b)")


_SUFFIXED_FRACTION = re.compile(r"(?<=\d/)(\d{1,2})(?:st|nd|rd|th)s?\b")  # 2/3rds → 2/3, read "two thirds"


def read_fractions(text: str) -> str:
    """1/2 → one half, 2 3/4 → two and three quarters, 5/8 → five eighths; 4.5/5 → four point five out of five."""
    if "/" not in text:
        return text
    text = _RATING.sub(lambda m: f"{spell.number(m.group(1))} out of {spell.cardinal(m.group(2))}", text)
    return _FRACTION.sub(_fraction, _SUFFIXED_FRACTION.sub(r"\1", text))


_RANGE = re.compile(
    r"(?=[$€£¥U\d.])(?<![\w.,/-])((?:[$€£¥]|US\$)?(?:"
    + NUMBER
    + r")(?:%|[kmbKMB]n?)?)\s?[-–]\s?((?:[$€£¥]|US\$)?\d)(?![\d,.]*[-/]\d)"
)


_SCALE_RANGE = re.compile(r"(?=[mbtk])\b(million|billion|trillion|thousand)-(?=[$€£]?\d)")
_YEAR_SPAN = re.compile(r"(?=[12])\b((?:1[5-9]|20)\d\d) to 0(\d)\b")


def read_ranges(text: str) -> str:
    """10-15 → 10 to 15, a 3-2 win → a 3 to 2 win, 1990–2000 → 1990 to 2000 (numbers are read later)."""
    if "-" not in text and "–" not in text:
        return text
    text = _YEAR_SPAN.sub(r"\1 to oh \2", _RANGE.sub(r"\1 to \2", text))
    return _SCALE_RANGE.sub(r"\1 to ", text)


_NEGATIVE = re.compile(r"-(?<![\w.,%)]-)(?=\.?\d)")


def read_negatives(text: str) -> str:
    """-5 → minus 5 (a hyphen touching a number with no number before it)."""
    return _NEGATIVE.sub("minus ", text) if "-" in text else text


_LETTER_THEN_DIGIT = re.compile(r"(?=[\d-])(?<=[^\W\d_])-?(?=\d)")  # both open on a digit or hyphen: fast to scan
_DIGIT_THEN_LETTER = re.compile(r"(\d)(?=[^\W\d_])")
_MODEL_A = re.compile(r"(?<![\w.-])A-?(?=\d)")


def separate_letters_from_digits(text: str) -> str:
    """G7 → G 7, F-35 → F 35, 3D → 3 D: once units and ordinals are read, the rest are names with numbers."""
    if not has_digit(text):
        return text
    if "A" in text:
        text = _MODEL_A.sub("eh ", text)  # A350, A-10: the letter, which eSpeak NG reads as the article
    return _DIGIT_THEN_LETTER.sub(r"\1 ", _LETTER_THEN_DIGIT.sub(" ", text))


_CARDINAL = re.compile(r"(?=[\d.])(?<![\w])(" + NUMBER + r")(?!\d)")


def _cardinal(match: re.Match[str]) -> str:
    written = match.group(1)
    if len(written) > 1 and written[0] == "0" and written[1].isdigit():
        return spell.digits(written)  # 007, 0800: said digit by digit
    return spell.number(written)


_VERSION = re.compile(r"(?=\d)(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)")


def read_cardinals(text: str) -> str:
    """1,204 → one thousand two hundred four; 24.5 → twenty-four point five; .5 → point five; 1.2.3 too."""
    if not has_digit(text):
        return text
    if "." in text:
        text = _VERSION.sub(lambda m: " point ".join(spell.cardinal(part) for part in m.group().split(".")), text)
    return _CARDINAL.sub(_cardinal, text)


_BEFORE_NUMBER = re.compile(r"(?=[cCpPSsAa])\b(ca|c|p|pp|ch|Ch|para|paras|Sec|sec|Art|art)\. ?(?=\d)")
_BEFORE_NUMBER_WORDS = {
    "ca": "circa", "c": "circa", "p": "page", "pp": "pages", "ch": "chapter", "Ch": "Chapter", "para": "paragraph",
    "paras": "paragraphs", "Sec": "Section", "sec": "section", "Art": "Article", "art": "article",
}  # fmt: skip
_ROUND_PLURALS = re.compile(r"(?=\d)(?<![\w.,])(10|100|1,000|1000|1,000,000)s\b")
_ROUND_PLURAL_WORDS = {
    "10": "tens",
    "100": "hundreds",
    "1,000": "thousands",
    "1000": "thousands",
    "1,000,000": "millions",
}
_AGE_GROUP = re.compile(r"(?=[Uu])\b([Uu]nder[- ]|U-?)(\d{1,2})s\b")  # the under-21s, England U21s
_SHORT_YEAR = re.compile(r"(?<!\d)'(\d)(\d)\b(?!['\"])")  # '08, not the inches of 5'11"


def _plural(words: str) -> str:
    """twenty-one → twenty-ones, six → sixes, twenty → twenties."""
    if words.endswith("x"):
        return words + "es"
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def read_number_abbreviations(text: str) -> str:
    """c. 1900 → circa 1900, p. 5 → page 5, pp. 5-10 → pages 5-10; 1,000s → thousands; '08 → oh eight."""
    if not has_digit(text):
        return text
    text = _BEFORE_NUMBER.sub(lambda m: _BEFORE_NUMBER_WORDS[m.group(1)] + " ", text)
    text = _ROUND_PLURALS.sub(lambda m: _ROUND_PLURAL_WORDS[m.group(1)], text)
    if "s" in text:
        text = _AGE_GROUP.sub(
            lambda m: (m.group(1) if m.group(1)[1:2] == "n" else "U ") + _plural(spell.cardinal(m.group(2))), text
        )
    if "'" in text:
        text = _SHORT_YEAR.sub(
            lambda m: (
                f"oh {spell.cardinal(m.group(2))}" if m.group(1) == "0" else spell.cardinal(m.group(1) + m.group(2))
            ),
            text,
        )
    return text


_DIMENSION = re.compile(r"(?=\d)(\d+(?:\.\d+)?) ?[x×] ?(?=\d)")


def read_dimensions(text: str) -> str:
    """3 x 4 meters → 3 by 4 meters, a 10x20 room → a 10 by 20 room (numbers are read later)."""
    return _DIMENSION.sub(r"\1 by ", text) if "x" in text or "×" in text else text


_LEFTOVER = re.compile(r"\d+|[%$€£&@#°]")
_LEFTOVER_WORDS = {"%": "percent", "$": "dollars", "€": "euros", "£": "pounds", "&": "and", "@": "at", "#": "number"}


def _leftover(match: re.Match[str]) -> str:
    fallback_log.debug("no rule for %r; spelled out", match.group())
    found = match.group()
    return f" {spell.digits(found)} " if found[0].isdigit() else f" {_LEFTOVER_WORDS.get(found, 'degrees')} "


def spell_leftovers(text: str) -> str:
    """The safety net: any digit or symbol no rule read is said one by one (and counted by the benchmark)."""
    return _LEFTOVER.sub(_leftover, text)
