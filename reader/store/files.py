"""File chores the local store shares with the S3 store's local copy: byte ranges, leftovers of killed writers."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from reader.errors import CacheError
from reader.store.writes import _writer_gone

__all__ = ["BLOCK", "read_file_range", "remove_directory", "remove_leftovers"]

log = logging.getLogger(__name__)

BLOCK = 64 * 1024


def read_file_range(path: Path, start: int = 0, end: int | None = None, *, name: str = "") -> Iterator[bytes]:
    """Bytes ``start``..``end`` (inclusive; None: to the end) of a file, in blocks of ``BLOCK``.

    The file is opened before the first block is asked for, so a missing one fails at once (a
    server can still answer 404) rather than in the middle of a response."""
    try:
        stream = path.open("rb")
    except OSError as error:
        raise CacheError(f"could not read {name or path}: {error.strerror}") from error
    return _blocks(stream, start, end)


def _blocks(stream, start: int, end: int | None) -> Iterator[bytes]:
    with stream:
        stream.seek(start)
        left = None if end is None else end - start + 1
        while left is None or left > 0:
            block = stream.read(BLOCK if left is None else min(BLOCK, left))
            if not block:
                return
            if left is not None:
                left -= len(block)
            yield block


def remove_leftovers(places: Iterable[Path], older_than: float) -> int:
    """Remove temp files a killed writer left in ``places``; returns the count.

    A temp file goes when its writer (named in it: host and pid) is gone from this host, or when
    it is older than ``older_than`` seconds; a claim a breaker left aside goes at once."""
    cutoff = time.time() - older_than
    removed = 0
    for directory in places:
        if not directory.is_dir():
            continue
        for entry in os.scandir(directory):
            if not entry.name.startswith((".tmp-", ".stale-")):
                continue
            with contextlib.suppress(FileNotFoundError):
                stale = entry.name.startswith(".stale-") or _writer_gone(entry.name)
                if stale or entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
                    log.info("removed %s, left by an interrupted writer", entry.path)
    return removed


def remove_directory(directory: Path, what: str) -> None:
    """Remove a directory of files (an article's); a file written meanwhile (a last progress record)
    goes on the next pass, and one that keeps appearing is an error."""
    for _ in range(3):
        for child in list(directory.iterdir()):
            try:
                child.unlink()
            except FileNotFoundError:
                pass
            except OSError as error:
                raise CacheError(f"could not remove {child}: {error.strerror}") from error
        try:
            directory.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            continue
    raise CacheError(f"could not remove {what}: files keep appearing (is it rendering?)")
