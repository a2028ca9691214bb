"""Rules every language needs: clean Unicode in, pauses for punctuation, tidy text out.

A voice reads what it is given: a curly quote, a bracket or a dash reaches it
either as a pause or as a spoken word ("left parenthesis"). These rules turn
quotes, dashes, brackets and ellipses into the commas and periods every engine
pauses on, and never into words.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_unicode", "pause_on_punctuation", "tidy_spacing"]

_VULGAR = {
    "½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5", "⅗": "3/5", "⅘": "4/5",
    "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8", "⅐": "1/7", "⅑": "1/9", "⅒": "1/10",
}  # fmt: skip
_VULGAR_RE = re.compile(r"(\d?)\s?([" + "".join(_VULGAR) + "])")
_BEFORE_NFKC = str.maketrans(
    {
        "™": " ", "®": " ", "©": " ", "℠": " ", "№": "No.", "\u2044": "/", "\u2215": "/",
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
        "«": '"', "»": '"', "‹": "'", "›": "'", "−": "-", "‐": "-", "‑": "-", "‒": "-", "﹣": "-", "－": "-",
    }
)  # fmt: skip
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2060-\u2064\ufeff\ufe00-\ufe0f\ud800-\udfff]"
)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")
_SPACES = re.compile(r"\s+")
_RANGE_DASH = re.compile(r"(?<=\d)\s?[–—]\s?(?=[\d$€£])")


def _vulgar(match: re.Match[str]) -> str:
    whole, fraction = match.groups()
    return f"{whole} {_VULGAR[fraction]}" if whole else f" {_VULGAR[fraction]}"


def _digit_value(match: re.Match[str]) -> str:
    value = unicodedata.digit(match.group(), None)
    return str(value) if value is not None else " "


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_unicode(text: str) -> str:
    """One spelling per character: compatibility forms folded (NFKC), ASCII digits, plain quotes, no invisibles."""
    if text.isascii():
        return " ".join((text if text.isprintable() else _ASCII_CONTROL.sub("", text)).split())
    text = _INVISIBLE.sub("", text)
    text = _VULGAR_RE.sub(_vulgar, text.translate(_BEFORE_NFKC))
    text = unicodedata.normalize("NFKC", text)
    text = _OTHER_DIGIT.sub(_digit_value, text)
    text = _RANGE_DASH.sub("-", text)  # 1990–2000 is a range, read by the range rules
    return " ".join(text.split())


_BRACKETS = re.compile(r"[()\[\]{}]+")
_DASHES = re.compile(r"[—–―]|--+|(?<![\w.])-(?!\w)")
_ELLIPSIS_END = re.compile(r"(?:\.{3,}|\.(?: \.){2,})\s*$")
_ELLIPSIS = re.compile(r"\.{3,}|\.(?: \.){2,}")
_DOUBLE_QUOTES = re.compile(r'"+')
_SINGLE_QUOTES = re.compile(r"(?<![A-Za-z0-9.])'|'(?![A-Za-z0-9])")
_SLASH_WORDS = re.compile(r"(?<=[A-Za-z])/(?=[A-Za-z])")


def pause_on_punctuation(text: str) -> str:
    """Quotes vanish; dashes, brackets and ellipses become commas or periods, so they are heard as pauses."""
    text = text.replace('"', " ")  # a space, so a quote never glues two words into one
    if "'" in text:
        text = _SINGLE_QUOTES.sub(" ", text)
    if "/" in text:
        text = _SLASH_WORDS.sub(" ", text)
    if "(" in text or ")" in text or "[" in text or "]" in text or "{" in text or "}" in text:
        text = _BRACKETS.sub(" , ", text)
    if "-" in text or "—" in text or "–" in text or "―" in text:
        text = _DASHES.sub(" , ", text)
    if ".." in text or ". ." in text:
        text = _ELLIPSIS.sub(" , ", _ELLIPSIS_END.sub(".", text))
    return text


_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?])")
_SPACED_PUNCT_HINT = re.compile(r" [,.;:!?]")
_PAUSE_HINT = re.compile(r"[,;:] ?[,;:.!?]")
_REPEATED_PAUSE = re.compile(r"([,;:])(?: ?[,;:])+")
_PAUSE_BEFORE_STOP = re.compile(r"[,;:] ?([.!?])")
_DOUBLE_STOP = re.compile(r"\.(?: ?\.)+")  # ellipses are pauses by now: any run of stops is one


def tidy_spacing(text: str) -> str:
    """One space between words, no space before punctuation, no doubled or dangling pauses."""
    text = " ".join(text.split())
    if _SPACED_PUNCT_HINT.search(text):
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if _PAUSE_HINT.search(text):
        text = _PAUSE_BEFORE_STOP.sub(r"\1", _REPEATED_PAUSE.sub(r"\1", text))
    if ".." in text or ". ." in text:
        text = _DOUBLE_STOP.sub(".", text)
    stripped = text.lstrip(" ,;:.-")
    text = stripped if stripped else text
    return text.rstrip(" ,;:-")
