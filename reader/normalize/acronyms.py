"""Acronyms and initialisms: NATO and NASA said as words, GDP and FBI as letters.

Letters come out as dotted capitals ("G.D.P."), a form every backend reads
letter by letter; spaced letters are not ("a m" is read "uh em"). Known words
and known initialisms come from the data tables; an unknown capitalised token is
said as a word when it is long and pronounceable, else as letters. In an
all-capitals headline ("HOW TO WIN THE WAR") ordinary words are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reader.normalize.data import RuleData

__all__ = ["dotted", "is_pronounceable", "rules"]

_TOKEN = re.compile(r"(?=[A-Z])(?<![\w'])(?<![A-Za-z]\.)([A-Z][A-Za-z]*[A-Z])(s|'s|')?(?![\w]|\.[A-Za-z])")
_VOWELS = frozenset("AEIOUY")
_ONSETS = frozenset(
    "BL BR CH CL CR DR FL FR GL GR KL KN PH PL PR QU SC SCH SCR SH SK SL SM SN SP SPL SPR ST STR SW TH THR TR TW WH "
    "WR".split()
)
_CODA = re.compile(r"[^AEIOUY]{3,}$")
_THREE_CODAS = tuple(
    "NTS NDS RST RTH NGS STS RLD RLS NKS LDS RDS RKS RMS LTS MPS CTS PTS NCH RCH TCH GHT THS CKS SHT LLS".split()
)
_RUN = re.compile(r"(?<=[AEIOUY])[^AEIOUY]{3,}(?=[AEIOUY])")
_MIDDLE_RUNS = frozenset(
    "STR SCR SPR SPL NST NDR NTR MPL MBL NGL NGS RST RTH NTS NDS LST THR CHR SCH GHT TCH NCH RCH".split()
)
_FINAL_PAIRS = frozenset(
    "ST ND NT NK NG RD RT RN RM LT LD LK SK SP CT PT FT MP CK SH CH TH RS LS NS TS DS KS PS MS GS RK LM RB RG LP LF XT "
    "LL SS FF ZZ RP RF NC WS WN WL RL".split()
)


def dotted(letters: str) -> str:
    """GDP → G.D.P.; a leading A is "eh" (ASU → eh S.U.).

    eSpeak NG reads a dotted or spaced A after "at" as the article ("at A.S.U." → "at a dot S U"),
    and a lone A before a number as the article too ("an A 350"); "eh" is the letter's name in
    every context, and dotted capitals are the letters everywhere else (tests/test_normalize_cases.py
    checks each spelling through eSpeak NG's phonemes).
    """
    spelled = "".join(f"{c.upper()}." for c in letters if c.isalnum())
    leading = 0
    while spelled.startswith("A.", 2 * leading) and len(spelled) > 2 * (leading + 1):
        leading += 1  # every leading A ("AAA" → eh eh A.): what is left never starts with A, so a second pass keeps it
    if spelled == "A.":
        return "eh"
    return " ".join(["eh"] * leading + [spelled[2 * leading :]]) if leading else spelled


def is_pronounceable(word: str) -> bool:
    """A guess at whether an unknown capitalised word reads as a word (NATO) rather than as letters (NYPD)."""
    word = word.upper()
    if len(word) < 4 or (not _VOWELS & set(word)):
        return False
    if len(word) >= 7 and 4 * sum(c in _VOWELS for c in word) >= len(word):
        return True  # WASHINGTON, BRUSSELS in a dateline: initialisms this long and this vowelled are almost unknown
    lead = re.match(r"[^AEIOUY]*", word).group()  # type: ignore[union-attr]
    if len(lead) > 1 and lead not in _ONSETS:
        return False
    if re.search(r"[^AEIOUY]{4,}", word) or re.search(r"[AEIOU]{3,}", word):
        return False
    if any(run not in _MIDDLE_RUNS for run in _RUN.findall(word)):
        return False
    if word[-1] not in _VOWELS and word[-2] not in _VOWELS and word[-2:] not in _FINAL_PAIRS:
        return False
    return not (_CODA.search(word) and not word.endswith(_THREE_CODAS))


def _letter_a(nouns: frozenset[str]) -> re.Pattern[str] | None:
    """A lone A after a noun that names by letter (Grade A, Plan A, Exhibit A) is the letter."""
    if not nouns:
        return None
    return re.compile(r"\b(" + "|".join(sorted(nouns)) + r") A(?![\w'-])")


_DOTTED_A = re.compile(r"(?<![\w.])A\.(?!M\.(?![A-Z]\.))(?=(?:[A-Z]\.)+)")  # an initialism written dotted: A.B.C., A.P.


def _spell_initialisms(data: RuleData) -> Callable[[str], str]:
    words, letters, caps_words = data.acronym_words, data.acronym_letters, data.caps_words
    letter_a = _letter_a(data.letter_nouns)

    def is_headline(text: str) -> bool:
        plain = [t for t, _ in _TOKEN.findall(text) if t.isupper() and t not in words and t not in letters]
        return sum(1 for t in plain if t in caps_words or is_pronounceable(t)) >= 2

    def spell_initialisms(text: str) -> str:
        """GDP → G.D.P., FBI's → F.B.I.'s, CEOs → C.E.O.'s; NATO, NASA stay words; A.B.C. → eh B.C."""
        if "A." in text:
            text = _DOTTED_A.sub("eh ", text)
        if letter_a is not None and " A" in text:
            text = letter_a.sub(r"\1 eh", text)
        if not _TOKEN.search(text):
            return text
        headline = is_headline(text)

        def initialism(match: re.Match[str]) -> str:
            token, suffix = match.group(1), match.group(2) or ""
            if token in words or token + suffix in words:
                return match.group()
            known = token in letters
            if known and not (headline and token in caps_words):
                return dotted(token) + ("'s" if suffix else "")
            if not token.isupper() or token in caps_words or headline or is_pronounceable(token):
                return match.group()
            return dotted(token) + ("'s" if suffix else "")

        return _TOKEN.sub(initialism, text)

    return spell_initialisms


def rules(data: RuleData) -> dict[str, Callable[[str], str]]:
    return {"initialisms": _spell_initialisms(data)}
