"""Written text → words a voice says right.

This is the seam the rest of the pipeline calls; its signature is final. For
now it does only the safe basics every engine needs (Unicode and whitespace
cleanup, curly quotes, dashes and ellipses turned into punctuation engines
pause on); the full English and multilingual rules arrive in their own modules.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize"]

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
_SPACED_DASH = re.compile(r"\s*[—–―]\s*|\s+-{1,2}\s+")
_ELLIPSIS = re.compile(r"\s*(?:…|\.{3,})\s*")
_SPACES = re.compile(r"\s+")


def normalize(text: str, lang: str = "en") -> str:
    """Return ``text`` as it should be spoken in language ``lang``."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _SPACED_DASH.sub(", ", text)
    text = _ELLIPSIS.sub("... ", text)
    return _SPACES.sub(" ", text).strip()
