"""Where listening events are counted so that several web servers add up and restarts lose nothing.

Two stores, one contract (``add`` an event, read ``counts`` summed over every
server). With a queue URL (READER_QUEUE_URL, Redis) each event is an atomic
``HINCRBY`` on one hash per day: every server increments the same numbers.
Without one, each server *process* appends a line per event to its own file
under the cache directory (``O_APPEND``, one ``write`` a line: lines never
interleave, no locks between processes) and a reader sums every file; it
keeps each file's running total and reads only the bytes added since. A
put-if-absent object store (S3) cannot count (two servers incrementing the same
object lose one of the increments), so a remote cache needs Redis for this.

Only an article id, a day and an event name are stored: no address, cookie,
user agent or time of day.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Protocol

__all__ = ["EVENTS", "Counts", "EventFiles", "ListenStore", "RedisCounters", "open_listen_store"]

EVENTS = ("play", "25", "50", "75", "complete")
Counts = dict[tuple[str, str], Counter[str]]  # (article id, day) -> event -> count
REDIS_PREFIX = "reader:listens:"


class ListenStore(Protocol):
    def add(self, article_id: str, event: str, day: str) -> None: ...

    def counts(self, since: str = "") -> Counts:
        """Every server's counts for days from ``since`` (an ISO date; "" for all)."""
        ...


class RedisCounters:
    """One hash per day (``reader:listens:2026-12-04``), fields ``<article id>|<event>``."""

    def __init__(self, url: str, prefix: str = REDIS_PREFIX) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def add(self, article_id: str, event: str, day: str) -> None:
        self.client.hincrby(f"{self.prefix}{day}", f"{article_id}|{event}", 1)

    def counts(self, since: str = "") -> Counts:
        found: Counts = {}
        for key in self.client.scan_iter(match=f"{self.prefix}*", count=500):
            day = key.decode()[len(self.prefix) :]
            if day < since:
                continue
            for field, value in self.client.hgetall(key).items():
                article_id, _, event = field.decode().rpartition("|")
                found.setdefault((article_id, day), Counter())[event] += int(value)
        return found


class EventFiles:
    """Append-only event files, one per server process, summed on read."""

    SUFFIX = ".events"

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid = 0
        self._read: dict[str, tuple[int, Counter[tuple[str, str, str]]]] = {}  # file -> (offset, its totals)

    def _file(self) -> int:
        """This process's file, opened on first use (and again in a forked child: each process its own)."""
        if self._fd is None or self._pid != os.getpid():
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}{self.SUFFIX}"
            self._fd = os.open(self.directory / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            self._pid = os.getpid()
        return self._fd

    def add(self, article_id: str, event: str, day: str) -> None:
        line = f"{day} {article_id} {event}\n".encode()
        with self._lock:
            os.write(self._file(), line)  # one write: a whole line, appended atomically

    def counts(self, since: str = "") -> Counts:
        found: Counts = {}
        with self._lock:
            for path in sorted(self.directory.glob(f"*{self.SUFFIX}")):
                for (day, article_id, event), value in self._tally(path).items():
                    if day >= since:
                        found.setdefault((article_id, day), Counter())[event] += value
        return found

    def _tally(self, path: Path) -> Counter[tuple[str, str, str]]:
        """The file's totals, reading only what was appended since the last call (whole lines only)."""
        offset, totals = self._read.get(path.name, (0, Counter()))
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                added = handle.read()
        except OSError:
            return totals
        end = added.rfind(b"\n") + 1  # a line being written right now is read next time
        for line in added[:end].decode("utf-8", "replace").splitlines():
            parts = line.split(" ")
            if len(parts) == 3 and parts[2] in EVENTS:
                totals[(parts[0], parts[1], parts[2])] += 1
        self._read[path.name] = (offset + end, totals)
        return totals


def open_listen_store(config: Any, queue: str | None) -> ListenStore | None:
    """Redis counters with a queue URL; else event files under the cache directory; None when counting
    is off (ANALYTICS false) or the cache is remote without Redis (an object store cannot count)."""
    enabled = config.get("ANALYTICS", True)
    if isinstance(enabled, str):
        enabled = enabled.strip().lower() not in ("0", "false", "no", "off", "")
    if not enabled:
        return None
    if queue:
        return RedisCounters(queue)
    cache = str(config.get("CACHE_DIR") or "")
    if "://" in cache:
        return None
    return EventFiles(Path(cache) / "listens")
