"""Telephone numbers, read digit by digit in their groups: "(202) 555-0143" → "two oh two, five five five, …".

Only shapes that are clearly telephone numbers are read this way (area codes in
brackets, 3-3-4 groups, a leading "+", "1-800"); a bare "555-1234" only after a
word like "call" or "phone", since elsewhere it could be a range.
"""

from __future__ import annotations

import re

from reader.normalize import spell
from reader.normalize.patterns import has_digit

__all__ = ["read_phone_numbers"]

_PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+-])(?:"
    r"\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}"  # +44 20 7946 0958, +1 (202) 555-0143
    r"|(?:1[ .-])?\(\d{3}\)[ -]?\d{3}[ .-]\d{4}"  # (202) 555-0143, (555)-123-4567
    r"|0\d{1,2}-\d{3,4}[ -]\d{4}"  # 03-2345 6789 (Malaysia and others: an area code, a dash)
    r"|\(0\d{1,4}\) ?\d{3,4}[ .-]?\d{3,4}"  # (020) 7946 0958
    r"|(?:1[ .-])?\d{3}[.-]\d{3}[.-]\d{4}"  # 202-555-0143, 1-800-555-0199
    r"|0\d{2,4} \d{3,4} \d{3,4}"  # 020 7946 0958
    r")(?![\w-]|[.,]\d)"
)
_CUED_LOCAL = re.compile(r"(?i)(?=[cpdtfhna])\b(call|phone|dial|text|tel\.?|fax|hotline|number|at)(:?) (\d{3}-\d{4})\b")
_EMERGENCY = re.compile(
    r"(?i)(?=[cd])\b(call|calls|called|calling|dial|dialed|dialled|dialing) "
    r"(911|999|112|000|111|988|311|411|211|811|101)\b"
)
_SHORT_CODE = re.compile(r"(?i)(?=t)\b(text(?:ing)? [\w\"']+ to) (\d{5,6})\b")  # text HOME to 741741
_GROUP = re.compile(r"\d+")
# A number spelled partly in letters (1-888-FLY-HOME, 1-800-222-TIPS, 0800-TAXI-NOW): a toll-free or
# premium prefix, then groups of digits or capital words, at least one of them a word.
_VANITY = re.compile(
    r"(?<![\w-])(?:1[ -])?(?:8[0-8]{2}|900|0800|0808|0845|0870|1300|1800)"
    r"(?=(?:-[0-9]{1,4})*-[A-Z]{2,})(?:-(?:[0-9]{1,4}|[A-Z]{2,}(?:[-][A-Z]{2,})*)){1,4}(?![\w-])"
)
_EXTENSION = re.compile(r"(?<![\w.])(?i:ext\.?|extension) ?(\d{1,6})\b")


def _phone_digits(group: str) -> str:
    """Digits one by one, zero said "oh" as people say it in a phone number (the same sound as the letter O)."""
    return spell.digits(group).replace("zero", "oh")


def _say_phone(written: str) -> str:
    groups = _GROUP.findall(written)
    words = []
    for i, group in enumerate(groups):
        if group == "800" and i == 1 and groups[0] == "1":
            words.append("eight hundred")  # 1-800 numbers are said "one eight hundred"
        else:
            words.append(_phone_digits(group))
    head = "plus " if written.lstrip().startswith("+") else ""
    return head + ", ".join(words)


def _say_vanity(written: str) -> str:
    """1-888-FLY-HOME → one eight eight eight, fly home; the words of the number are said as words."""
    parts = written.split("-")
    words = []
    for i, part in enumerate(parts):
        if part.isdigit():
            toll_free = part == "800" and i == 1 and parts[0] == "1"
            words.append("eight hundred" if toll_free else _phone_digits(part))
        else:
            words.append(part.lower())
    return ", ".join(words)


def read_phone_numbers(text: str) -> str:
    """(202) 555-0143 → two zero two, five five five, zero one four three; call 911 → call nine one one."""
    if not has_digit(text):
        return text
    if "-" in text and _VANITY.search(text):
        text = _VANITY.sub(lambda m: _say_vanity(m.group()), text)
    if sum(map(text.count, "0123456789")) >= 7:  # every telephone number shape holds at least seven digits
        text = _PHONE.sub(lambda m: _say_phone(m.group()), text)
        text = _CUED_LOCAL.sub(lambda m: f"{m.group(1)}{m.group(2)} {_say_phone(m.group(3))}", text)
    if "ext" in text or "Text" in text or "Ext" in text:
        text = _SHORT_CODE.sub(lambda m: f"{m.group(1)} {_say_phone(m.group(2))}", text)
        text = _EXTENSION.sub(lambda m: f"extension {_phone_digits(m.group(1))}", text)  # an extension is digits
    return _EMERGENCY.sub(lambda m: f"{m.group(1)} {spell.digits(m.group(2))}", text)
