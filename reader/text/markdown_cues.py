"""Whether a text is Markdown, told from its syntax alone.

Apart from ``extract_markdown`` so that reading a source (``reader.text.sources`` sniffs what kind of
text stdin or a paste holds) does not load the page parser behind the extractor.
"""

from __future__ import annotations

import re

__all__ = ["FRONT_MATTER", "looks_like_markdown"]

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_CUES = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),
    re.compile(r"\[[^\[\]\n]{1,500}\]\([^()\s]{1,2000}\)"),  # bounded: "[[[[…" took 45 s at 100 KB
    re.compile(r"^```", re.MULTILINE),
    re.compile(r"\*\*[^*\n]+\*\*"),
    re.compile(r"^(?:[-*+]|\d+\.)\s+\S.*\n(?:[-*+]|\d+\.)\s+\S", re.MULTILINE),
)


def looks_like_markdown(text: str) -> bool:
    """Whether text uses Markdown syntax (front matter, # headings, links, bold, fences, lists)."""
    if FRONT_MATTER.match(text):
        return True
    return sum(1 for cue in _MD_CUES if cue.search(text)) >= 1 and bool(
        _MD_CUES[0].search(text) or _MD_CUES[1].search(text)
    )
