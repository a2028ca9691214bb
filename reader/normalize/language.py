"""Which language a text is written in: one detector for the whole project.

``detect_language(text)`` answers with an ISO 639-1 code (``"el"``, ``"ms"``, ``"zh"``…) or
None when the text is too short or the answer unsure, so callers keep their default. It runs
py3langid (langid.py's model, 97 languages, inside its wheel), chosen on the blind examiner's
news paragraphs in 28 languages: 112/112 right on whole paragraphs and 111/112 on their first
sentences alone, where lingua (a 96 MB wheel, 20-200x slower) and CLD3 confused Malay and
Indonesian, pycld2 has no wheel for newer Pythons and langdetect read every Malay paragraph as
Indonesian (README, "Languages"). The model loads on first use (mapped from an unpacked copy, a few
ms; the first run on a machine unpacks it, ~0.5 s), never at import, and
one call on a paragraph costs about half a millisecond: call it once per block of text, not per
sentence.

``block_language(text, lang)`` is the cheap guard :func:`reader.make_script` runs on every block:
a block written in the script of the article's language keeps that language without touching the
model; only a block in another script (a Greek quotation in an English article) is detected, so
that no language's rules ever run on text in another script.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

__all__ = [
    "block_language",
    "detect_language",
    "dominant_script",
    "guess_language",
    "page_language",
    "script_of_language",
]

log = logging.getLogger(__name__)

# Letters outside Latin (with its extensions), digits, punctuation and currency symbols.
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u20cf\u2100-\u215f]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[\d_]+")
_MIN_LETTERS = 20
_MIN_CONFIDENCE = 0.5

# The script each language is written in; any language not listed is written in Latin letters.
_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(["el"], frozenset({"GREEK"})),
    **dict.fromkeys(["ru", "uk", "bg", "mk", "be", "kk", "ky", "mn", "tg"], frozenset({"CYRILLIC"})),
    "sr": frozenset({"CYRILLIC", "LATIN"}),  # Serbian is written in both
    **dict.fromkeys(["ar", "fa", "ur", "ps", "ug", "ku"], frozenset({"ARABIC"})),
    **dict.fromkeys(["he", "yi"], frozenset({"HEBREW"})),
    **dict.fromkeys(["hi", "mr", "ne", "sa"], frozenset({"DEVANAGARI"})),
    **dict.fromkeys(["bn", "as"], frozenset({"BENGALI"})),
    "ta": frozenset({"TAMIL"}),
    "te": frozenset({"TELUGU"}),
    "kn": frozenset({"KANNADA"}),
    "ml": frozenset({"MALAYALAM"}),
    "gu": frozenset({"GUJARATI"}),
    "pa": frozenset({"GURMUKHI"}),
    "or": frozenset({"ORIYA"}),
    "si": frozenset({"SINHALA"}),
    "th": frozenset({"THAI"}),
    "lo": frozenset({"LAO"}),
    "km": frozenset({"KHMER"}),
    "my": frozenset({"MYANMAR"}),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
    "am": frozenset({"ETHIOPIC"}),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
}
_LATIN = frozenset({"LATIN"})
_KNOWN_SCRIPTS = frozenset().union(_LATIN, *_SCRIPTS.values()) | {
    "SYRIAC", "THAANA", "TIBETAN", "MONGOLIAN", "CHEROKEE", "TIFINAGH", "NKO", "JAVANESE", "BALINESE", "SUNDANESE",
}  # fmt: skip
# The language a script means when the model cannot say: scripts that one language owns in news.
_SCRIPT_DEFAULT = {
    "GREEK": "el", "HEBREW": "he", "TAMIL": "ta", "TELUGU": "te", "KANNADA": "kn", "MALAYALAM": "ml",
    "GUJARATI": "gu", "GURMUKHI": "pa", "ORIYA": "or", "SINHALA": "si", "THAI": "th", "LAO": "lo", "KHMER": "km",
    "MYANMAR": "my", "GEORGIAN": "ka", "ARMENIAN": "hy", "ETHIOPIC": "am", "HANGUL": "ko", "HIRAGANA": "ja",
    "KATAKANA": "ja", "CJK": "zh",
}  # fmt: skip
# The model's labels that a voice knows by another code.
_ALIASES = {"wuu": "zh", "yue": "zh", "nb": "no", "nn": "no", "zsm": "ms", "in": "id", "iw": "he"}


def script_of_language(lang: str) -> frozenset[str]:
    """The Unicode scripts (``"LATIN"``, ``"GREEK"``, ``"CJK"``…) a language is written in."""
    return _SCRIPTS.get(lang.replace("_", "-").split("-")[0].lower(), _LATIN)


def _script_of(char: str) -> str:
    name = unicodedata.name(char, "")
    head = name.split(" ", 1)[0]
    return "KATAKANA" if head == "HALFWIDTH" and "KATAKANA" in name else head


def dominant_script(text: str, *, sample: int = 400) -> str | None:
    """The script most of the letters in ``text`` are written in, or None when it has no letters.

    Pure Latin text answers without looking at each letter (one regular-expression search).
    """
    if not _NOT_LATIN.search(text):
        return "LATIN" if any(c.isalpha() for c in text) else None
    counts: Counter[str] = Counter()
    seen = 0
    for char in text:
        if char.isalpha():
            script = "LATIN" if char.isascii() else _script_of(char)
            if script in _KNOWN_SCRIPTS:  # "MASCULINE ORDINAL INDICATOR", "MODIFIER LETTER…" are no script
                counts[script] += 1
                seen += 1
                if seen >= sample:
                    break
    if not counts:
        return None
    return counts.most_common(1)[0][0]


_model_lock = threading.Lock()


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model, loaded once, on first use: mapped from the copy unpacked in the user's cache
    folder (a few ms; unpacking the shipped model cost about half a second in every process)."""
    with _model_lock:
        from reader.normalize.langid_model import load_identifier

        log.debug("loading the language identification model")
        return load_identifier()


def detect_language(text: str, *, sample: int = 2000) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in, or None when unsure.

    Digits, web addresses and e-mail addresses are left out (they say nothing of the language);
    fewer than 20 letters, or a best guess under 50 % probability, answer None. A text in a
    script that only one language uses (Greek, Tamil, Hangul, Thai…) is that language when the
    model cannot decide. Thread-safe; the model loads on the first call.
    """
    if not isinstance(text, str):
        return None
    words = _NOISE.sub(" ", text[:sample])
    letters = sum(1 for c in words if c.isalpha())
    script = dominant_script(words)
    if script is None:
        return None
    if letters < _MIN_LETTERS:
        return _SCRIPT_DEFAULT.get(script)
    label, confidence = _identifier().classify(" ".join(words.split()))
    lang = _ALIASES.get(label, label)
    if confidence < _MIN_CONFIDENCE or script not in script_of_language(lang):
        return _SCRIPT_DEFAULT.get(script)
    return lang


def block_language(text: str, lang: str) -> str:
    """The language to read one block of an article in: ``lang`` unless the block is in another script.

    Costs one regular-expression search for a block in the article's script; only a block in
    another script is run through :func:`detect_language` (``"und"`` when even that cannot say,
    which the normalizer reads with no language's rules).
    """
    script = dominant_script(text)
    if script is None or script in script_of_language(lang):
        return lang
    return detect_language(text) or _SCRIPT_DEFAULT.get(script) or "und"


def guess_language(text: str, *, sample: int = 2000) -> str | None:
    """The language of an article's text when its page declares none: :func:`detect_language`."""
    return detect_language(text, sample=sample)


_OVERRIDE_LETTERS = 200  # below this a page's own declaration wins over a guess


def page_language(declared: str | None, text: str) -> str | None:
    """The language to read a page in: what its text is written in, even when the page says otherwise.

    Pages declare ``lang="de"`` on English text (a template copied from another edition) or tag
    Portuguese as Spanish; the voice must follow the words. The declaration stands when the text is
    too short to judge (under 200 letters), when the detector is unsure, or when both agree on the
    language (a declared region, ``en-GB``, is kept).
    """
    declared = (declared or "").strip().lower() or None
    detected = detect_language(text)
    if detected is None:
        return declared
    if declared is None:
        return detected
    if declared.split("-")[0] == detected:
        return declared
    letters = sum(1 for c in text[:4000] if c.isalpha())
    return detected if letters >= _OVERRIDE_LETTERS else declared
