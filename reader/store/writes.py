"""Store writes that appear whole, and temp names that let a later process clean up after a killed one.

A temp file's name carries its writer's host and pid, so whoever comes next can tell a dead
writer's leftovers from a live writer's work in progress; the local store and claims share this.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import socket

from reader.errors import CacheError

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_TEMP = re.compile(r"^\.tmp-([0-9a-f]{6})-(\d+)-")


def storage_error(action: str, path: object, error: OSError, **context: object) -> CacheError:
    """A CacheError for a failed write; a full disk (or quota, or file size limit) says so first."""
    if error.errno in _FULL:
        return CacheError(
            f"disk full: could not {action} {path} ({error.strerror})",
            remedy="free space on the cache's disk, or shrink the cache: reader cache prune --max-size 500MB",
            path=str(path),
            **context,
        )
    return CacheError(f"could not {action} {path}: {error.strerror or error}", path=str(path), **context)


def temp_prefix() -> str:
    """Prefix of this process's temp files in the cache: ``.tmp-<host>-<pid>-``.

    The writer's host and pid in the name let the next renderer remove a killed
    writer's leftovers at once, rather than after they have aged.
    """
    return f".tmp-{_HOST_TAG}-{os.getpid()}-"


def _writer_gone(name: str) -> bool:
    """Whether a temp file's name says it was written by a process of this host that is gone."""
    match = _TEMP.match(name)
    if match is None or match[1] != _HOST_TAG:
        return False
    pid = int(match[2])
    return pid != os.getpid() and not pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):  # no /proc (macOS, Windows): kill(0) is all we know
        return True
