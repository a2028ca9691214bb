"""Source (URL, HTML, text, Markdown, stdin) → Article.

Placeholder: the full extractor (trafilatura plus furniture cleanup) lands with
the text-side issue. This minimal version treats input as plain text.
"""

from __future__ import annotations

import os
from pathlib import Path

from reader.article import Article, Block
from reader.errors import ExtractError, InputError

__all__ = ["extract"]


def extract(source: str | bytes | os.PathLike[str]) -> Article:
    """Read ``source`` (a path, or text) and return the article it holds."""
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source and Path(source).is_file()):
        text = Path(source).read_text(encoding="utf-8")
    elif isinstance(source, bytes):
        text = source.decode("utf-8", errors="replace")
    else:
        text = str(source)
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if not paragraphs:
        raise InputError("the input is empty")
    if len(paragraphs) < 2:
        raise ExtractError("no article found: the input has no body text")
    return Article(title=paragraphs[0], blocks=tuple(Block("paragraph", p) for p in paragraphs[1:]))
