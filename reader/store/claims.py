"""Claims: so that two processes never render the same article at once.

A claim is a lock file created with ``O_CREAT | O_EXCL`` in the article's
directory, holding the owner's pid and host. The owner refreshes its mtime
(a heartbeat) while it renders; a claim whose heartbeat is older than
``stale_after`` seconds, or whose owner on this host is gone, is stale and
may be broken by the next renderer (after a SIGKILL, say).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path

from reader.store.writes import pid_alive, storage_error, temp_prefix

__all__ = ["Claim", "claim_owner", "pid_alive"]

log = logging.getLogger(__name__)

STALE_AFTER = 15.0
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def claim_owner(path: Path, stale_after: float = STALE_AFTER) -> dict | None:
    """Who holds the claim at ``path`` (pid, host), or None when free or stale."""
    try:
        age = time.time() - path.stat().st_mtime
        owner = json.loads(path.read_text() or "{}")
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        owner = {}
        age = 0.0 if path.exists() else stale_after + 1
    if not isinstance(owner, dict):  # a torn or foreign file: an owner unknown, stale by its age alone
        owner = {}
    if age > stale_after:
        return None
    if owner.get("host") == socket.gethostname() and isinstance(owner.get("pid"), int) and not pid_alive(owner["pid"]):
        return None
    return owner


class Claim:
    """An exclusive, heartbeated claim on one article; use ``try_acquire`` then ``release``."""

    def __init__(self, path: Path, stale_after: float = STALE_AFTER) -> None:
        self.path = path
        self.stale_after = stale_after
        self.token = uuid.uuid4().hex
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.broke_stale = False  # True when this claim replaced a dead renderer's

    def try_acquire(self) -> bool:
        """Take the claim if it is free or stale; False when another live process holds it."""
        owner = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "token": self.token}).encode()
        # The claim appears whole or not at all (written aside, then linked to its name), so a
        # renderer killed while claiming never leaves an empty lock that looks held by nobody known.
        temp = self.path.with_name(f"{temp_prefix()}{self.token}.lock")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as stream:
                stream.write(owner)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise storage_error("claim", self.path.parent.name, error) from error
        try:
            for _ in range(3):
                try:
                    self._publish(temp, owner)
                except FileExistsError:
                    if claim_owner(self.path, self.stale_after) is not None:
                        return False
                    self._break_stale()
                    self.broke_stale = True
                    continue
                except OSError as error:
                    raise storage_error("claim", self.path.parent.name, error) from error
                self._beat = threading.Thread(target=self._heartbeat, name="reader-claim", daemon=True)
                self._beat.start()
                return True
            return False
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)

    def _publish(self, temp: Path, owner: bytes) -> None:
        """Give the written claim its name; FileExistsError when taken."""
        try:
            os.link(temp, self.path)
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
            handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)  # no hard links here
            with os.fdopen(handle, "wb") as stream:
                stream.write(owner)

    def _break_stale(self) -> None:
        """Move a stale claim aside atomically (only one breaker wins), then drop it."""
        aside = self.path.with_name(f".stale-{uuid.uuid4().hex}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        log.info("broke a stale render claim on %s", self.path.parent.name)
        with contextlib.suppress(OSError):
            os.unlink(aside)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.stale_after / 4):
            try:
                os.utime(self.path)
            except OSError:
                return

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=2)
        try:
            held = json.loads(self.path.read_text())
            if isinstance(held, dict) and held.get("token") == self.token:
                os.unlink(self.path)
        except (OSError, ValueError):
            pass
