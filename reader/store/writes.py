"""Store writes that appear whole, and temp names that let a later process clean up after a killed one.

A temp file's name carries its writer's host and pid, so whoever comes next can tell a dead
writer's leftovers from a live writer's work in progress; the local store and claims share this.

A rename is atomic for the processes that watch it, not for the disk: after a power cut the
kernel may not have written the new file's data, or the rename itself, and a manifest can come
back empty or as its old self. ``READER_FSYNC`` chooses what is made durable before a write
returns (the file's data before its rename, then its directory): ``records`` (the default:
manifests, progress, the web app's article records), ``all`` (chunk audio and sidecars too;
a chunk is checked against its sidecar on read, so a torn one is re-rendered, never served), or
``off`` (atomic against a killed process only). bench/durable.py measures the cost.

A render rewrites its manifest and progress four times a second while it runs; those
in-progress writes ("progress") are synced at most every ``PROGRESS_SYNC_SECONDS`` under
``records``: after a power cut the render is gone anyway, resumes from its chunks, and an
in-progress manifest a second or two old says nothing false. Its final manifest is a record.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import socket
import tempfile
import threading
import time
from pathlib import Path

from reader.errors import CacheError, InputError

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


FSYNC_MODES = ("off", "records", "all")
_FSYNC_ALIASES = {"on": "records", "1": "records", "true": "records", "yes": "records", "0": "off", "false": "off"}


def fsync_mode() -> str:
    """``READER_FSYNC``: off, records (the default; also on/1/true) or all; anything else is refused."""
    raw = (os.environ.get("READER_FSYNC") or "records").strip().lower()
    mode = _FSYNC_ALIASES.get(raw, raw)
    if mode not in FSYNC_MODES:
        raise InputError(f"READER_FSYNC must be off, records or all, not {raw[:40]!r}")
    return mode


PROGRESS_SYNC_SECONDS = 2.0
_last_progress_sync: dict[Path, float] = {}  # file -> when a running render's write of it was last synced
_progress_lock = threading.Lock()


def durable(kind: str, path: Path | None = None) -> bool:
    """Whether a write of this kind is fsynced under the current ``READER_FSYNC``: "record" (final
    manifests, records), "progress" (a running render's manifest or progress at ``path``: under
    ``records`` at most every ``PROGRESS_SYNC_SECONDS`` per file) or "chunk"."""
    mode = fsync_mode()
    if mode == "all":
        return True
    if mode == "off" or kind == "chunk":
        return False
    if kind == "progress":
        now = time.monotonic()
        with _progress_lock:
            if now - _last_progress_sync.get(path, -PROGRESS_SYNC_SECONDS) < PROGRESS_SYNC_SECONDS:
                return False
            if len(_last_progress_sync) > 4096:  # renders long finished
                _last_progress_sync.clear()
            _last_progress_sync[path] = now  # type: ignore[index]
    elif path is not None:
        with _progress_lock:
            _last_progress_sync.pop(path, None)  # the render's final write: its next render starts afresh
    return True


def sync_directory(path: Path) -> None:
    """fsync a directory, so a name created or renamed in it survives a power cut (no-op where a
    directory cannot be opened, as on Windows, or the file system does not sync directories)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.EBADF, errno.ENOTSUP):
            raise
    finally:
        os.close(handle)


def make_directories(path: Path, *, sync: bool) -> None:
    """``mkdir -p``; with ``sync``, each new directory's name is made durable in its parent."""
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    if sync:
        for directory in reversed(missing):
            sync_directory(directory.parent)


def put_if_absent(path: Path, data: bytes, *, sync: bool = False, make_parents: bool = True) -> bool:
    """Publish ``data`` at ``path`` whole, unless something is there already (first writer wins); True when
    this call published it; raises OSError. A temp file in the same directory, then a hard link, which fails
    on an existing name; with ``sync``, the data reaches the disk before the name, and the name before this
    returns. ``make_parents=False``: the caller knows the directory exists (a chunk's shard)."""
    if make_parents:
        make_directories(path.parent, sync=sync)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(), suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(temp, path)
        if sync:
            sync_directory(path.parent)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


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


def atomic_write(path: Path, data: bytes, *, kind: str = "record") -> None:
    """Write ``data`` to ``path`` whole or not at all; durable across a power cut when ``READER_FSYNC``
    covers ``kind`` ("record": final manifests, the web app's records; "progress": a running render's
    manifest and progress; "chunk": chunk sidecars)."""
    sync = durable(kind, path)
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(), suffix=path.suffix)
    except FileNotFoundError:
        try:
            make_directories(path.parent, sync=sync)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(), suffix=path.suffix)
        except OSError as error:
            raise storage_error("write", path, error) from error
    except OSError as error:
        raise storage_error("write", path, error) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:  # the data reaches the disk before the name points at it
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temp, path)
        if sync:  # and the rename itself
            sync_directory(path.parent)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise storage_error("write", path, error) from error
