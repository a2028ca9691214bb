"""Limits that hold across every web server behind one address, counted in Redis (READER_QUEUE_URL).

Without a queue URL each server process counts its own (web/limits.py, web/streaming.py,
web/intake.py); with one, N servers would let a client through N times the limit, so:

- **Rate limits** (writes, listening events) use the ``limits`` package's moving window on Redis:
  a sorted log of hit times per client, checked and appended by one Lua script, so concurrent
  requests on different servers cannot both take the last slot. It is a well-kept library (the one
  Flask-Limiter builds on) rather than our own window arithmetic.
- **Live streams**: a stream holds a slot for as long as it plays, which a window cannot express.
  Each slot is a member of one sorted set scored by its expiry; a Lua script drops expired members,
  counts, and adds under the limit in one step, with Redis's own clock. Every server renews its
  open slots every ``SLOT_TTL / 3`` seconds and removes a slot when its stream closes, so a server that
  dies (SIGKILL, a lost machine) leaks its slots for at most ``SLOT_TTL`` seconds.
- **Renders**: the queue itself knows how many renders are queued or running on every worker
  (``reader.render.active_renders``); a short Redis lock makes "count, then enqueue" one step.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from web.errors import ApiError

__all__ = ["SLOT_TTL", "RedisRateLimiter", "RenderAdmission", "StreamSlots"]

log = logging.getLogger(__name__)

PREFIX = "reader:limits"
SLOT_TTL = 30.0  # seconds a live-stream slot outlives its server's last heartbeat

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""

_RENEW = """
local t = redis.call('TIME')
local expires = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', expires, ARGV[i]) end
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 1)
return 1
"""


def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class RedisRateLimiter:
    """``limit`` hits a minute per (namespace, client), over every server: ``hit`` answers whether
    this one is allowed and, when not, the seconds until the oldest hit leaves the window."""

    def __init__(self, url: str, namespace: str) -> None:
        from limits.storage import RedisStorage
        from limits.strategies import MovingWindowRateLimiter

        self.namespace = namespace
        self._limiter = MovingWindowRateLimiter(
            RedisStorage(url, key_prefix=PREFIX, socket_timeout=5, socket_connect_timeout=5)
        )

    def hit(self, per_minute: int, client: str) -> tuple[bool, int]:
        from limits import RateLimitItemPerMinute

        item = RateLimitItemPerMinute(per_minute)
        if self._limiter.hit(item, self.namespace, client):
            return True, 0
        reset = self._limiter.get_window_stats(item, self.namespace, client).reset_time
        return False, max(1, int(reset - time.time()) + 1)


class StreamSlots:
    """Live-stream slots shared by every server: ``acquire`` gives a release callable, or None when
    ``limit`` streams are open across the servers."""

    def __init__(self, url: str, limit: int, *, key: str = f"{PREFIX}:live-streams", ttl: float = SLOT_TTL) -> None:
        self.client = _redis(url)
        self.limit = limit
        self.key = key
        self.ttl = ttl
        self._acquire = self.client.register_script(_ACQUIRE)
        self._renew = self.client.register_script(_RENEW)
        self._held: set[str] = set()
        self._lock = threading.Lock()
        self._beat: threading.Thread | None = None

    def acquire(self) -> Callable[[], None] | None:
        slot = uuid.uuid4().hex
        if not self._acquire(keys=[self.key], args=[self.limit, self.ttl, slot]):
            return None
        with self._lock:
            self._held.add(slot)
            if self._beat is None:
                self._beat = threading.Thread(target=self._heartbeat, name="reader-stream-slots", daemon=True)
                self._beat.start()
        released = threading.Event()

        def release() -> None:
            if released.is_set():
                return
            released.set()
            with self._lock:
                self._held.discard(slot)
            with contextlib.suppress(Exception):  # Redis gone: the slot expires by itself
                self.client.zrem(self.key, slot)

        return release

    def open_streams(self) -> int:
        """Slots held now on every server (expired ones not counted)."""
        return int(self.client.zcount(self.key, time.time(), "+inf"))

    def _heartbeat(self) -> None:
        while True:
            time.sleep(self.ttl / 3)
            with self._lock:
                held = sorted(self._held)
            if not held:
                continue
            try:
                self._renew(keys=[self.key], args=[self.ttl, *held])
            except Exception as error:  # the slots expire; the next beat tries again
                log.warning("could not renew %d live-stream slots in Redis: %s", len(held), error)


class RenderAdmission:
    """The render-queue limit over every server: renders queued or running on the queue's workers."""

    def __init__(self, url: str, *, lock_name: str = f"{PREFIX}:render-admission") -> None:
        self.client = _redis(url)
        self.lock_name = lock_name

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the cluster's admission turn: count and enqueue without another server between. A turn
        not had within 10 s (a flood of posts) is a busy renderer: 503, as past the limit."""
        from redis.exceptions import LockError

        lock = self.client.lock(self.lock_name, timeout=30, blocking_timeout=10)
        if not lock.acquire():
            raise ApiError(503, "the renderer is busy; try again shortly", retry_after=10)
        try:
            yield
        finally:
            with contextlib.suppress(LockError):  # held past its 30 s timeout: another server has it now
                lock.release()

    def active(self) -> int:
        from reader.render import active_renders

        return active_renders(self.client)

    def queued(self, article_id: str, revision: str) -> bool:
        """Whether this revision's render is already queued or running (posting it again adds nothing)."""
        from reader.render import render_queued

        try:
            return render_queued(self.client, article_id, revision)
        except Exception as error:  # Redis down: the record's age decides, as without a queue
            log.warning("could not ask the queue about %s: %s", article_id, error)
            return False
