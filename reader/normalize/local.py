"""Languages without full rules: only what their own eSpeak NG voice gets wrong, from data/local.toml.

The voice of a language reads its numbers (eSpeak NG knows about a hundred languages), so the
normalizer leaves digits alone, except where the voice needs help: a currency written before the
amount is said after it in the language's word ("RM500" → "500 ringgit", "Rp5.000" → "5.000
rupiah"), and Chinese numbers are written in Chinese numerals (eSpeak NG's Mandarin voice reads
Arabic digits in English): "300名" → "三百名", "2024年" → "二零二四年", "5.3%" → "百分之五点三".
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["chinese_number", "local_rules"]

Rule = Callable[[str], str]

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    source = resources.files("reader.normalize").joinpath("data", "local.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


def _zh_below_10000(value: int) -> str:
    words, zero = [], False
    for size, name in _ZH_UNITS:
        digit, value = divmod(value, size)
        if digit:
            if zero:
                words.append("零")
            words.append(_ZH_DIGITS[digit] + name)
            zero = False
        elif words:
            zero = True
    if value:
        if zero or (words and not words[-1].endswith("十")):
            words.append("零")
        words.append(_ZH_DIGITS[value])
    return "".join(words)


def chinese_number(value: int) -> str:
    """300 → 三百, 2000 → 二千, 12 → 十二, 10005 → 一万零五, 300000000 → 三亿."""
    if value == 0:
        return "零"
    if value >= 10**16:
        return "".join(_ZH_DIGITS[int(c)] for c in str(value))
    words, gap = "", False
    for size, name in ((10**8, "亿"), (10**4, "万"), (1, "")):
        group, value = divmod(value, size)
        if group:
            if words and (gap or group < 1000):
                words += "零"
            words += (chinese_number(group) if group >= 10**4 else _zh_below_10000(group)) + name
            gap = False
        elif words:
            gap = True
    words = words.rstrip("零")
    return words[1:] if words.startswith("一十") else words


def _zh_decimal(written: str) -> str:
    integer, _, fraction = written.replace(",", "").partition(".")
    words = chinese_number(int(integer or 0))
    return words + ("点" + "".join(_ZH_DIGITS[int(c)] for c in fraction) if fraction else "")


_ZH_YEAR = re.compile(r"(\d{4})(?=年)")
_ZH_PERCENT = re.compile(r"(\d[\d,]*(?:\.\d+)?) ?[%％]")
_ZH_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _chinese_numerals(text: str) -> str:
    """2024年 → 二零二四年, 5.3% → 百分之五点三, 300 → 三百 (a year before 年 is read digit by digit)."""
    if not any(c.isdigit() for c in text):
        return text
    text = _ZH_YEAR.sub(lambda m: "".join(_ZH_DIGITS[int(c)] for c in m.group(1)), text)
    text = _ZH_PERCENT.sub(lambda m: "百分之" + _zh_decimal(m.group(1)), text)
    return _ZH_NUMBER.sub(lambda m: _zh_decimal(m.group()), text)


def _currency_rule(table: dict[str, str]) -> Rule:
    symbols = "|".join(map(re.escape, sorted(table, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\w])({symbols}) ?(\d[\d.,]*\d|\d)(?![\d])")

    def currency_after_the_amount(text: str) -> str:
        """RM500 → 500 ringgit, Rp5.000 → 5.000 rupiah, ₹500 → 500 रुपये: the voice reads the number."""
        return pattern.sub(lambda m: f"{m.group(2)} {table[m.group(1)]}", text)

    return currency_after_the_amount


@lru_cache(maxsize=32)
def local_rules(lang: str) -> tuple[Rule, ...]:
    """The rules ``lang`` needs before the shared pauses (none for most languages)."""
    data = _data()
    rules: list[Rule] = []
    table = data.get("currency_before", {}).get(lang)
    if table:
        rules.append(_currency_rule(table))
    if data.get("numerals", {}).get(lang) == "chinese":
        rules.append(_chinese_numerals)
    return tuple(rules)
