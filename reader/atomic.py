"""Writes that appear whole: exported audio, podcast sites, transcripts and sidecars.

A file people keep (copied to USB sticks, synced to phones, served by web hosts) must never be
visible half-written. It sits at the bottom of the package, beside ``article`` and ``errors``,
because every output stage (audio's transcode, publish) writes such files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_copy", "atomic_write"]


def _atomic(path: Path, fill: Callable[[str], None]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".part")
    os.close(fd)
    try:
        fill(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a site's files must be readable by the web server
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same directory and ``os.replace``."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return _atomic(Path(path), lambda tmp: Path(tmp).write_bytes(payload))


def atomic_copy(source: str | Path, path: str | Path) -> Path:
    """Copy a file so that ``path`` holds either the old file or the whole new one, never part."""
    return _atomic(Path(path), lambda tmp: shutil.copyfile(source, tmp))
