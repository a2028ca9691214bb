"""How a SOURCE argument reaches extract(): the one place the command line turns a word into a path.

The command line is the only caller that may name files on this machine; the web app and queue
jobs never can.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reader.errors import InputError
from reader.text import MAX_FILE_BYTES, is_url

__all__ = ["source_argument"]


def source_argument(source: str) -> str | bytes | Path:
    """A SOURCE argument as extract() takes it: stdin bytes for -, a URL as is, anything else a path."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"stdin holds more than {MAX_FILE_BYTES // 1_000_000} MB: too large for an article")
        return data
    return source if is_url(source) else Path(source)
