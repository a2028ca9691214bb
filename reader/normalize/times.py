"""Clock times and ratios: 10:30 a.m., 7 p.m., 14:00 GMT, 3:1.

"a.m." and "p.m." come out as dotted capitals, "A.M." and "P.M.", which every
engine reads letter by letter (eSpeak NG reads a bare "AM" as the word "am").
"""

from __future__ import annotations

import re

from reader.normalize import spell
from reader.normalize.patterns import has_digit

__all__ = ["read_military_times", "read_ratios", "read_times"]

_MERIDIEM = r"(?:([ap])\.?\s?m|([AP])\.?\s?M)\.?(?![\w])"  # am, p.m., PM, A.M.; not "Pm"
_CLOCK_MERIDIEM = re.compile(r"(?=\d)(?<![\w.:])(\d{1,2})(?:[:.](\d{2}))?\s?" + _MERIDIEM)
_MERIDIEM_RANGE = re.compile(r"(?=[aApP])(?<=\d|\s)([aApP]\.?\s?[mM]\.?)\s?[-–]\s?(?=\d)")
_CLOCK_SPAN = re.compile(  # 7-9pm: the first hour shares the second's "P.M."
    r"(?=\d)(?<![\w.:-])(\d{1,2}(?:[:.]\d{2})?)\s?[-–]\s?(?=\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.?\s?m|[AP]\.?\s?M)(?!\w))"
)
_RACE_TIME = re.compile(r"(?=\d)(?<![\w.:])(\d{1,2}):([0-5]\d)\.(\d{1,3})(?![\d:.])")  # a mile in 3:59.4
_CLOCK = re.compile(r"(?=\d)(?<![\w.:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:]|\.\d)")
_RATIO = re.compile(r"(?=\d)(?<![\w.:])(\d+):(\d+)(?![\d:])")


def _minutes(minute: int) -> str:
    if minute == 0:
        return ""
    if minute < 10:
        return f" oh {spell.cardinal(minute)}"
    return f" {spell.cardinal(minute)}"


def _with_meridiem(match: re.Match[str]) -> str:
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or match.group(4)).upper()
    if not (1 <= hour <= 12 and minute < 60):
        return match.group()
    return f"{spell.cardinal(hour)}{_minutes(minute)} {half}.M."


def _clock(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    seconds = match.group(3)
    if seconds is not None:  # a race time: 2:03:45
        parts = [(hour, "hour"), (minute, "minute"), (int(seconds), "second")]
        return ", ".join(f"{spell.cardinal(n)} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)
    if hour > 23 or minute > 59:
        return f"{spell.cardinal(hour)} to {spell.cardinal(minute)}"
    if hour == 0:  # 00:30 is said on the twelve-hour clock ("zero thirty" is no time)
        return f"twelve{_minutes(minute)} A.M." if minute else "zero hundred"
    if minute == 0:
        return f"{spell.cardinal(hour)} hundred" if hour > 12 else f"{spell.cardinal(hour)} o'clock"
    return f"{spell.cardinal(hour)}{_minutes(minute)}"


def _race_time(match: re.Match[str]) -> str:
    minutes, seconds, fraction = match.groups()
    return f"{spell.cardinal(minutes)}{_minutes(int(seconds)) or ' flat'} point {spell.digits(fraction)}"


def read_times(text: str) -> str:
    """10:30 a.m. → ten thirty A.M., 7pm → seven P.M., 14:00 → fourteen hundred, 10:05 → ten oh five."""
    if not has_digit(text):
        return text
    if "-" in text or "–" in text:
        text = _CLOCK_SPAN.sub(r"\1 to ", text)
    text = _CLOCK_MERIDIEM.sub(_with_meridiem, _MERIDIEM_RANGE.sub(r"\1 to ", text))
    if ":" in text and "." in text:
        text = _RACE_TIME.sub(_race_time, text)
    return _CLOCK.sub(_clock, text) if ":" in text else text


_MILITARY = re.compile(
    r"(?=[012])(?<![\w.,:])([01]\d|2[0-3])([0-5]\d)"
    r"(?= ?(?:GMT|UTC|BST|CET|CEST|ET|EDT|EST|PT|PDT|PST|Z|local|hours|hrs)\b)"
)


def _military(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    head = spell.cardinal(hour) if hour >= 10 else f"{'zero' if hour == 0 else 'oh'} {spell.cardinal(hour)}"
    if hour == 0:
        head = "zero zero"
    return f"{head} hundred" if minute == 0 else f"{head}{_minutes(minute)}"


def read_military_times(text: str) -> str:
    """0800 GMT → oh eight hundred G.M.T., 1430 hours → fourteen thirty hours (Reuters-style 24-hour times)."""
    return _MILITARY.sub(_military, text) if has_digit(text) else text


def read_ratios(text: str) -> str:
    """3:1 → three to one (a colon between numbers that are not a clock time)."""
    if ":" not in text:
        return text
    return _RATIO.sub(lambda m: f"{spell.cardinal(m.group(1))} to {spell.cardinal(m.group(2))}", text)
