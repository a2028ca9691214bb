"""German, French and Spanish: numbers, percentages, ordinals, money, dates and times in their own words.

Numbers are written the local way (1.204,5 in German and Spanish, 1 204,5 in
French) and read through num2words; month names come from Babel's CLDR data.
The rule order follows the English one: dates and times, then ordinals,
ranges, money, percentages and measures, then plain numbers and symbols.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

from reader.normalize import spell
from reader.normalize.cleanup import clean_unicode, pause_on_punctuation, tidy_spacing
from reader.normalize.data import RuleData
from reader.normalize.roman import roman_value
from reader.normalize.symbols import symbol_pattern

__all__ = ["european_rules"]

log = logging.getLogger(__name__)
fallback_log = logging.getLogger("reader.normalize.fallback")

Rule = Callable[[str], str]

_NUMBER = {
    "de": r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
    "es": r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
    "fr": r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:,\d+)?",
}


def _alternation(keys: object) -> str:
    return "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))  # type: ignore[arg-type]


def _before_noun(words: str, lang: str) -> str:
    """German "eins Euro" → "ein Euro", Spanish "veintiuno euros" → "veintiún euros"."""
    if lang == "de" and words.endswith("eins"):
        return words[:-1]
    if lang == "es" and words.endswith("uno"):
        return words[:-3] + ("ún" if len(words) > 3 else "un")
    return words


def _months(lang: str) -> list[str]:
    from babel.dates import get_month_names  # Babel's calendars load with the first German, French or Spanish rules

    names = get_month_names("wide", locale=lang)
    return [names[i] for i in range(1, 13)]


def _date_rule(lang: str) -> Rule:
    months = _months(lang)
    index = {name.lower(): i for i, name in enumerate(months, 1)}
    month_alt = "|".join(sorted(months, key=len, reverse=True))
    iso = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
    dative = r"(?i:\b(am|vom|zum|seit dem|bis zum|ab dem|dem|den|im|beim|des) )?" if lang == "de" else "()"
    numeric = re.compile(dative + r"(?<![\w/.])(\d{1,2})([./])(\d{1,2})\3(\d{4})(?![\w/]|\.\d)")
    if lang == "de":
        cue = r"(?i:\b(am|vom|zum|seit dem|bis zum|ab dem|dem|den|im|beim|des) )?"
        named = re.compile(rf"{cue}(?<![\w.])(\d{{1,2}})\. ({month_alt})\b(?: (\d{{4}})\b)?")
    elif lang == "fr":
        named = re.compile(rf"()(?<![\w.])(1er|\d{{1,2}}) ({month_alt})\b(?: (\d{{4}})\b)?", re.IGNORECASE)
    else:
        named = re.compile(rf"()(?<![\w.])(\d{{1,2}}) de ({month_alt})\b(?: de(?:l)? (\d{{4}})\b)?", re.IGNORECASE)
    month_year = re.compile(rf"\b({month_alt})(?: de(?:l)?)? (\d{{4}})\b", re.IGNORECASE)

    def say(day: int, month: int, year: str | None, dative: bool) -> str:
        name = months[month - 1]
        if lang == "de":
            ordinal = spell.ordinal(day, "de") + ("n" if dative else "r")
            words = f"{ordinal} {name}"
        elif lang == "fr":
            words = f"{'premier' if day == 1 else spell.cardinal(day, 'fr')} {name}"
        else:
            words = f"{spell.cardinal(day, 'es')} de {name}"
        if year:
            words += f" {'de ' if lang == 'es' else ''}{spell.year(year, lang)}"
        return words

    def named_date(match: re.Match[str]) -> str:
        cue, day, month, year = match.groups()
        day_value = 1 if day == "1er" else int(day)
        if not 1 <= day_value <= 31:
            return match.group()
        words = say(day_value, index[month.lower()], year, bool(cue))
        return f"{cue} {words}" if cue else words

    def numeric_date(match: re.Match[str]) -> str:
        cue, day, _, month, year = match.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return match.group()
        words = say(int(day), int(month), year, bool(cue))
        return f"{cue} {words}" if cue else words

    def iso_date(match: re.Match[str]) -> str:
        year, month, day = match.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return match.group()
        return say(int(day), int(month), year, False)

    def read_dates(text: str) -> str:
        """13. Februar 2025 / 13 février 2025 / 13 de febrero de 2025 / 13.02.2025 → spoken dates."""
        text = iso.sub(iso_date, text)
        text = numeric.sub(numeric_date, text)
        text = named.sub(named_date, text)
        return month_year.sub(lambda m: f"{m.group(1)} {spell.year(m.group(2), lang)}", text)

    return read_dates


def _time_rule(data: RuleData) -> Rule:
    lang, clock = data.lang, data.words.get("clock", "")
    pattern = re.compile(r"(?<![\w.:])(\d{1,2})(?::|\.|h| h )(\d{2})(?: ?(?:Uhr|h)\b)?(?![\d:]|,\d)")
    hours_only = re.compile(r"(?<![\w.:,])(\d{1,2}) ?h\b") if lang == "fr" else None

    def time(match: re.Match[str]) -> str:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            return match.group()
        if lang == "de" and "." in match.group() and "Uhr" not in match.group():
            return match.group()  # 13.02 without "Uhr" is more likely a number or a date
        head = f"{spell.cardinal(hour, lang)} {clock}".strip() if clock else spell.cardinal(hour, lang)
        return head if minute == 0 else f"{head} {spell.cardinal(minute, lang)}"

    def read_times(text: str) -> str:
        """14:30 Uhr → vierzehn Uhr dreißig; 14h30 → quatorze heures trente."""
        text = pattern.sub(time, text)
        if hours_only:
            text = hours_only.sub(lambda m: f"{spell.cardinal(m.group(1), lang)} heures", text)
        return text

    return read_times


def _ordinal_rule(lang: str) -> Rule:
    if lang == "de":
        pattern = re.compile(r"\b(der|die|das|dem|den|des|am|im|zum|zur|vom|beim) (\d{1,3})\. (?=\w)", re.IGNORECASE)

        def german(match: re.Match[str]) -> str:
            article = match.group(1)
            ending = "" if article.lower() in ("der", "die", "das") else "n"
            return f"{article} {spell.ordinal(match.group(2), 'de')}{ending} "

        return lambda text: pattern.sub(german, text)
    if lang == "fr":
        pattern = re.compile(r"(?<![\w.])(\d{1,3})(er|re|ère|e|ème|eme|nd|nde)\b")

        def french(match: re.Match[str]) -> str:
            value, suffix = int(match.group(1)), match.group(2)
            if value == 1:
                return "première" if suffix in ("re", "ère") else "premier"
            return spell.ordinal(value, "fr")

        return lambda text: pattern.sub(french, text)
    pattern = re.compile(r"(?<![\w.])(\d{1,3})\.?(o|a|er)\b")

    def spanish(match: re.Match[str]) -> str:
        words = spell.ordinal(match.group(1), "es")
        if match.group(2) == "a":
            return words[:-1] + "a" if words.endswith("o") else words
        if match.group(2) == "er":
            return words[:-1] if words.endswith(("primero", "tercero")) else words
        return words

    return lambda text: pattern.sub(spanish, text)


def _money_rule(data: RuleData) -> Rule:
    lang, number = data.lang, _NUMBER[data.lang]
    symbols = _alternation(data.currency_symbols)
    scales = _alternation(data.scales)
    prefix = re.compile(rf"(?<![\w])({symbols}) ?({number})(?: ?({scales})(?![\w]))?")
    suffix = re.compile(rf"(?<![\w.,])({number})(?: ({scales}))? ?({symbols})(?![\w])")
    named_scale = re.compile(rf"(?<![\w.,])({number}) ({scales})(?![\w])")

    def say(amount: str, scale: str | None, symbol: str) -> str:
        one, many = data.currency_names[data.currency_symbols[symbol]][:2]
        if scale:
            words = f"{spell.number(amount, lang)} {data.scales[scale]} {many}"
            return words.replace(" de e", " d'e") if lang == "fr" else words
        integer, _, cents = amount.replace(".", "").replace(" ", "").partition(",")
        value = int(integer or 0)
        head = f"{_before_noun(spell.cardinal(value, lang), lang)} {one if value == 1 else many}"
        if cents and len(cents) <= 2 and int(cents.ljust(2, "0")):
            cents_value = int(cents.ljust(2, "0"))
            joiner = " con " if lang == "es" else " "
            return f"{head}{joiner}{spell.cardinal(cents_value, lang)}"
        return head

    def read_money(text: str) -> str:
        """3,5 Mrd. € → drei Komma fünf Milliarden Euro; 250 € → deux cent cinquante euros."""
        text = prefix.sub(lambda m: say(m.group(2), m.group(3), m.group(1)), text)
        text = suffix.sub(lambda m: say(m.group(1), m.group(2), m.group(3)), text)
        return named_scale.sub(lambda m: f"{spell.number(m.group(1), lang)} {m.group(2)}", text)

    return read_money


def _measure_rule(data: RuleData) -> Rule:
    lang, number, words = data.lang, _NUMBER[data.lang], data.words
    percent = re.compile(rf"(?<![\w.,])(-)?({number}) ?%")
    degrees = re.compile(rf"(?<![\w.,])(-)?({number}) ?° ?([CF])?\b")
    ranges = re.compile(rf"(?<![\w.,/-])({number}) ?[-–] ?(?=\d)")
    minus = words.get("minus", "minus")

    def signed(sign: str | None, amount: str) -> str:
        return f"{minus} {spell.number(amount, lang)}" if sign else spell.number(amount, lang)

    def degree(match: re.Match[str]) -> str:
        scale = {"C": words.get("celsius"), "F": words.get("fahrenheit")}.get(match.group(3) or "")
        head = f"{signed(match.group(1), match.group(2))} {words.get('degrees', '')}"
        return f"{head} {scale}" if scale else head

    def read_measures(text: str) -> str:
        """5 % → fünf Prozent / cinq pour cent / cinco por ciento; 10-15 → zehn bis fünfzehn."""
        text = ranges.sub(lambda m: f"{m.group(1)} {words.get('range', '-')} ", text)
        text = percent.sub(lambda m: f"{signed(m.group(1), m.group(2))} {words.get('percent', '%')}", text)
        return degrees.sub(degree, text)

    return read_measures


def _number_rule(data: RuleData) -> Rule:
    lang, number = data.lang, _NUMBER[data.lang]
    minus = data.words.get("minus", "minus")
    year = re.compile(r"(?<![\w.,])(1[1-9]\d\d|20\d\d)(?![\d]|[.,]\d)")
    cardinal = re.compile(rf"(?<![\w])(-)?({number})(?!\d)")

    def read(match: re.Match[str]) -> str:
        words = spell.number(match.group(2), lang)
        return f"{minus} {words}" if match.group(1) else words

    def read_numbers(text: str) -> str:
        """1.204,5 → eintausendzweihundertvier Komma fünf; 1984 (de) → neunzehnhundertvierundachtzig."""
        if lang == "de":
            text = year.sub(lambda m: spell.year(m.group(1), "de"), text)
        return cardinal.sub(read, text)

    return read_numbers


def _symbol_rule(data: RuleData) -> Rule:
    table = dict(data.symbols)
    pattern = re.compile("|".join(symbol_pattern(key) for key in sorted(table, key=len, reverse=True)))
    leftover = re.compile(r"\d+")

    def read_symbols(text: str) -> str:
        """& → und / et / y; leftover digits are read one by one in the language (and counted)."""
        text = pattern.sub(lambda m: f" {table[m.group()]} ", text)

        def spell_out(match: re.Match[str]) -> str:
            fallback_log.debug("no rule for %r; spelled out", match.group())
            return f" {spell.digits(match.group(), data.lang)} "

        return leftover.sub(spell_out, text)

    return read_symbols


def _abbreviation_rule(data: RuleData) -> Rule:
    table = dict(data.always)
    if not table:
        return lambda text: text
    pattern = re.compile(r"(?<![\w.])(" + _alternation(table) + r")(?![\w])")

    def expand_abbreviations(text: str) -> str:
        """z. B. → zum Beispiel, Mrd. → Milliarden, M. → Monsieur, Sra. → señora (from the language's table)."""
        return pattern.sub(lambda m: table[m.group(1)], text)

    return expand_abbreviations


_ROMAN = re.compile(r"(?=[A-Z])\b([A-Z][a-zäöüéèàíóúñç]+) ([IVX]{1,6})(\.?)(?![\w'])")
_ROMAN_ORDINAL_FR = re.compile(r"(?=[IVXLC])\b([IVX]|[IVXLC]{2,})(e|er|ème)\b")


def _roman_rule(lang: str) -> Rule:
    def regnal(match: re.Match[str]) -> str:
        name, numeral, dot = match.groups()
        value = roman_value(numeral)
        if not value or (numeral == "I" and lang != "fr") or value > 39:
            return match.group()
        if lang == "fr":
            return f"{name} {'premier' if value == 1 else spell.cardinal(value, 'fr')}{dot}"
        if lang == "es":
            words = spell.ordinal(value, "es") if value <= 10 else spell.cardinal(value, "es")
            return f"{name} {words}{dot}"
        if not dot:
            return match.group()  # German writes regnal numbers with a period: Karl III.
        return f"{name} der {spell.ordinal(value, 'de').capitalize()}"

    def read_roman_numerals(text: str) -> str:
        """Louis XIV → Louis quatorze, Felipe VI → Felipe sexto, Karl III. → Karl der Dritte; XXIe → vingt et unième."""
        if lang == "fr":
            text = _ROMAN_ORDINAL_FR.sub(
                lambda m: spell.ordinal(roman_value(m.group(1)) or 0, "fr") if roman_value(m.group(1)) else m.group(),
                text,
            )
        return _ROMAN.sub(regnal, text)

    return read_roman_numerals


@lru_cache(maxsize=8)
def european_rules(data: RuleData) -> tuple[Rule, ...]:
    """The ordered rules for German, French or Spanish over ``data``."""
    lang = data.lang
    return (
        clean_unicode,
        _abbreviation_rule(data),
        _date_rule(lang),
        _time_rule(data),
        _ordinal_rule(lang),
        _money_rule(data),
        _measure_rule(data),
        _number_rule(data),
        _roman_rule(lang),
        _symbol_rule(data),
        pause_on_punctuation,
        tidy_spacing,
    )
